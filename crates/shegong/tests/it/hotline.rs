//! The hotline's call log: the fast entry form, the risk rules on the form, free text sealed at
//! rest and out of the audit log, every read audited, editing with optimistic locking, and who
//! reaches a call.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

/// Now, as the `datetime-local` field shows it (China Standard Time), minus `minutes`.
fn local_minus(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn category(app: &TestApp, code: &str) -> String {
    app.scalar(&format!("SELECT id FROM hotline_categories WHERE code = '{code}'")).await.to_string()
}

/// A routine call as a counsellor sends it: the form's defaults, with what was typed in their place.
fn call_form<'a>(
    category: &'a str,
    started: &'a str,
    summary: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("category_id", category),
        ("channel", "transfer"),
        ("started_at", started),
        ("ended_at", ""),
        ("summary", summary),
        ("anonymous", "yes"),
        ("outcome", "resolved"),
    ];
    for (k, v) in extra {
        match f.iter_mut().find(|(fk, _)| fk == k) {
            Some(slot) => slot.1 = v,
            None => f.push((k, v)),
        }
    }
    f
}

/// Logs a call and returns its id.
async fn log_call(app: &mut TestApp, form: &[(&str, &str)]) -> i64 {
    app.get("/hotline/calls/new").await;
    let r = app.post("/hotline/calls", form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.scalar("SELECT MAX(id) FROM hotline_calls").await;
    assert_eq!(r.location(), format!("/hotline/calls/{id}"));
    id
}

both_backends!(a_call_is_logged_sealed_and_every_read_audited, |mut app: TestApp| async move {
    let counselling = category(&app, "counselling").await;
    app.login_ok("counsellor").await;
    let form = app.get("/hotline/calls/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // Made for speed: the category has the focus, the start is already filled, Alt+S saves.
    assert!(form.body.contains("name=\"category_id\" required autofocus"));
    assert!(form
        .body
        .contains(&format!("name=\"started_at\" type=\"datetime-local\" value=\"{}", &local_minus(0)[..13])));
    assert!(form.body.contains("accesskey=\"s\""));
    assert!(form.body.contains("class=\"button cancel\" href=\"/hotline/calls\""));

    let started = local_minus(7);
    let secret = "测试来电者自述连续失眠三周";
    let town = app.scalar("SELECT MIN(id) FROM org_units WHERE depth = 1").await.to_string();
    let f = call_form(
        &counselling,
        &started,
        secret,
        &[("ideation", "active"), ("age_band", "18_29"), ("gender", "female"), ("district_id", &town)],
    );
    let id = log_call(&mut app, &f).await;
    let me = app.scalar("SELECT id FROM users WHERE username = 'counsellor'").await;
    let unit = app.scalar("SELECT unit_id FROM users WHERE username = 'counsellor'").await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM hotline_calls WHERE id = {id} AND counsellor_id = {me} AND unit_id = {unit} \
             AND risk_computed = 'medium' AND risk_level = 'medium' AND channel = 'transfer' AND age_band = '18_29' \
             AND gender = 'female' AND district_id = {town} AND anonymous = TRUE AND follow_up = FALSE \
             AND duration_seconds BETWEEN 360 AND 540"
        ))
        .await,
        1,
        "the row as typed, the end taken as the time of saving"
    );
    // Sealed at rest (XChaCha20-Poly1305 under the configured key), never in the clear.
    let cipher = app.text(&format!("SELECT summary_cipher FROM hotline_calls WHERE id = {id}")).await;
    assert!(cipher.starts_with("x1.") && !cipher.contains("失眠"), "{cipher}");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM hotline_calls WHERE summary_cipher LIKE '%{secret}%'")).await,
        0
    );
    // The audit log has the creation, without the text.
    let created = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'hotline_call' AND entity_id = '{id}'"
    );
    assert_eq!(app.scalar(&created).await, 1);

    // The counsellor reads it back; the read is audited (who and which call, not the text).
    let reads = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'hotline_call' AND entity_id = '{id}'"
    );
    assert_eq!(app.scalar(&reads).await, 0);
    let page = app.get(&format!("/hotline/calls/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(secret) && page.body.contains("按规则评定为中"));
    assert_eq!(app.scalar(&reads).await, 1);
    let list = app.get("/hotline/calls?q=心理").await;
    assert!(list.body.contains(&format!("href=\"/hotline/calls/{id}\"")) && !list.body.contains(secret));
    let other = app.get("/hotline/calls?risk=high").await;
    assert!(!other.body.contains(&format!("href=\"/hotline/calls/{id}\"")), "filtered by risk");
    app.logout().await;

    // The supervisor reads it too (and that read is audited as well).
    app.login_ok("supervisor").await;
    assert!(app.get(&format!("/hotline/calls/{id}")).await.body.contains(secret));
    assert_eq!(app.scalar(&reads).await, 2);
    app.logout().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_json, '') LIKE '%失眠%' OR COALESCE(before_json, '') LIKE '%失眠%'").await, 0);

    // Nobody else: the Bureau and the system administrator hold no hotline right (403), and
    // nothing of the text is in any page they get.
    for user in ["bureau", "admin", "leader"] {
        app.login_ok(user).await;
        for path in ["/hotline/calls".to_string(), format!("/hotline/calls/{id}")] {
            let r = app.get(&path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {path}");
            assert!(!r.body.contains(secret));
        }
        app.logout().await;
    }
    assert_eq!(app.scalar(&reads).await, 2, "refused requests read nothing");

    // Not in the SQLite file either (the database, its journal and WAL).
    if !app.config.database.starts_with("postgres") {
        let path = std::path::Path::new(app.config.database.trim_start_matches("sqlite://"));
        app.exec("PRAGMA wal_checkpoint(TRUNCATE)").await;
        let dir = path.parent().expect("dir");
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the summary is in the clear in a database file"
            );
        }
    }
});

both_backends!(the_risk_level_is_raised_never_lowered_silently, |mut app: TestApp| async move {
    let crisis = category(&app, "crisis").await;
    app.login_ok("counsellor").await;
    let started = local_minus(20);
    // An attempt just made gives 高 (high); 低 is refused with the reason, the values kept.
    let low = call_form(&crisis, &started, "测试摘要甲", &[("attempt", "recent"), ("risk_level", "low")]);
    app.get("/hotline/calls/new").await;
    let before = app.scalar("SELECT COUNT(*) FROM hotline_calls").await;
    let r = app.post("/hotline/calls", &low).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("风险等级不能低于规则评定的等级") && r.body.contains("测试摘要甲"));
    assert!(r.body.contains("按规则评定为高"), "the form tells the rules' level");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_calls").await, before);
    // Raised to 紧急 (imminent): saved, and a high call always needs a follow-up.
    let raised = call_form(&crisis, &started, "测试摘要甲", &[("attempt", "recent"), ("risk_level", "imminent")]);
    let id = log_call(&mut app, &raised).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM hotline_calls WHERE id = {id} AND risk_computed = 'high' AND risk_level = 'imminent' AND follow_up = TRUE"
        ))
        .await,
        1
    );
    // Re-assessed on the edit form: the attempt was in the past. Lowering the recorded level
    // needs a reason; with one it is saved, the reason sealed and the lowering marked in the audit.
    let form = app.get(&format!("/hotline/calls/{id}/edit")).await;
    assert!(form.body.contains("测试摘要甲") && form.body.contains("name=\"risk_note\""));
    let v = app.scalar(&format!("SELECT version FROM hotline_calls WHERE id = {id}")).await.to_string();
    let mut lower =
        call_form(&crisis, &started, "测试摘要甲", &[("attempt", "past"), ("risk_level", ""), ("version", &v)]);
    let r = app.post(&format!("/hotline/calls/{id}"), &lower).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("调低已登记的风险等级须写明理由"));
    lower.push(("risk_note", "测试复评理由乙"));
    let r = app.post(&format!("/hotline/calls/{id}"), &lower).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM hotline_calls WHERE id = {id} AND risk_computed = 'low' AND risk_level = 'low' \
             AND risk_note_cipher LIKE 'x1.%' AND risk_note_cipher NOT LIKE '%复评%'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity = 'hotline_call' AND entity_id = '{id}' \
             AND after_json LIKE '%\"risk_lowered\":true%' AND after_json NOT LIKE '%复评%' AND after_json NOT LIKE '%摘要%'"
        ))
        .await,
        1
    );
    assert!(app.get(&format!("/hotline/calls/{id}")).await.body.contains("测试复评理由乙"));
});

both_backends!(
    calls_are_edited_with_optimistic_locking_and_reached_by_their_counsellor,
    |mut app: TestApp| async move {
        let enquiry = category(&app, "enquiry").await;
        let started = local_minus(30);
        app.login_ok("supervisor").await;
        let theirs = log_call(&mut app, &call_form(&enquiry, &started, "督导接听的测试来电", &[])).await;
        app.logout().await;

        app.login_ok("counsellor").await;
        let mine = log_call(&mut app, &call_form(&enquiry, &started, "测试来电丙", &[])).await;
        let list = app.get("/hotline/calls").await;
        assert!(list.body.contains(&format!("/hotline/calls/{mine}\"")));
        assert!(!list.body.contains(&format!("/hotline/calls/{theirs}\"")), "another counsellor's call is not listed");
        // Bad input: 422, the message beside the field, what was typed kept.
        let v = app.scalar(&format!("SELECT version FROM hotline_calls WHERE id = {mine}")).await.to_string();
        let late = local_minus(-90);
        let bad = call_form(&enquiry, &late, "测试改动丁", &[("version", &v)]);
        let r = app.post(&format!("/hotline/calls/{mine}"), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("开始时间不能晚于现在") && r.body.contains("测试改动丁"));
        // A good edit, then the same form again: stale.
        let good = call_form(&enquiry, &started, "测试改动丁", &[("version", &v), ("outcome", "info")]);
        let r = app.post(&format!("/hotline/calls/{mine}"), &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), format!("/hotline/calls/{mine}"));
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM hotline_calls WHERE id = {mine} AND outcome = 'info' AND version = 2"
            ))
            .await,
            1
        );
        assert!(app.get(&format!("/hotline/calls/{mine}")).await.body.contains("测试改动丁"));
        let r = app.post(&format!("/hotline/calls/{mine}"), &good).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let audits = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity = 'hotline_call' AND entity_id = '{mine}' \
         AND before_json IS NOT NULL AND after_json NOT LIKE '%测试%'"
    );
        assert_eq!(app.scalar(&audits).await, 1);
        // The supervisor's call: 404 for its page, its form and a write; nothing changes.
        let tv = app.scalar(&format!("SELECT version FROM hotline_calls WHERE id = {theirs}")).await;
        assert_eq!(app.get(&format!("/hotline/calls/{theirs}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/hotline/calls/{theirs}/edit")).await.status, StatusCode::NOT_FOUND);
        let tvs = tv.to_string();
        let w = call_form(&enquiry, &started, "越权改动", &[("version", &tvs)]);
        assert_eq!(app.post(&format!("/hotline/calls/{theirs}"), &w).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.scalar(&format!("SELECT version FROM hotline_calls WHERE id = {theirs}")).await, tv);
        let their_reads =
        format!("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'hotline_call' AND entity_id = '{theirs}'");
        assert_eq!(app.scalar(&their_reads).await, 0);
        // A double submit of the new-call form records one call.
        let nonce_form = app.get("/hotline/calls/new").await;
        let nonce = crate::helpers::between(&nonce_form.body, "name=\"_nonce\" value=\"", "\"")[0].to_string();
        let mut f = call_form(&enquiry, &started, "测试重复提交", &[]);
        f.push(("_nonce", &nonce));
        let before = app.scalar("SELECT COUNT(*) FROM hotline_calls").await;
        assert_eq!(app.post("/hotline/calls", &f).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.post("/hotline/calls", &f).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_calls").await, before + 1);
    }
);
