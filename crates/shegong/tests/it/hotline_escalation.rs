//! The hotline's crisis escalation (raised with the call, live list, acknowledgement, 110/120
//! calls, the hand-on to the next supervisor by the sweep and on read), its figures (page,
//! de-identified export, API; the roll-up checked against the records), `rotate-key` and the
//! retention purge.

use axum::http::StatusCode;
use chrono::{Datelike, Duration, Timelike, Utc};
use sea_orm::{ConnectionTrait, Statement};

use crate::both_backends;
use crate::helpers::{TestApp, PII_KEY};

/// Now in China time as the `datetime-local` field shows it, minus `minutes`.
fn local_minus(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Logs a call at risk high (active ideation, an act likely within a week) as the signed-in
/// counsellor; returns its id.
pub(crate) async fn high_risk_call(app: &mut TestApp, summary: &str) -> i64 {
    let crisis = app.scalar("SELECT id FROM hotline_categories WHERE code = 'crisis'").await.to_string();
    app.get("/hotline/calls/new").await;
    let started = local_minus(9);
    let r = app
        .post(
            "/hotline/calls",
            &[
                ("category_id", &crisis),
                ("channel", "transfer"),
                ("started_at", &started),
                ("ended_at", ""),
                ("summary", summary),
                ("anonymous", "yes"),
                ("ideation", "active"),
                ("plan", "vague"),
                ("timeframe", "week"),
                ("attempt", "none"),
                ("risk_level", "high"),
                ("outcome", "escalated"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.scalar("SELECT MAX(id) FROM hotline_calls").await
}

/// A second supervisor (same password and role as the demo one); returns its id.
pub(crate) async fn second_supervisor(app: &TestApp) -> i64 {
    app.exec(
        "INSERT INTO users (username, display_name, password_hash, unit_id, must_change_password, password_changed_at, created_at, updated_at) \
         SELECT 'supervisor2', '第二督导', password_hash, unit_id, must_change_password, password_changed_at, created_at, updated_at \
         FROM users WHERE username = 'supervisor'",
    )
    .await;
    let id = app.scalar("SELECT id FROM users WHERE username = 'supervisor2'").await;
    app.exec(&format!(
        "INSERT INTO user_roles (user_id, role_id) SELECT {id}, role_id FROM user_roles \
         WHERE user_id = (SELECT id FROM users WHERE username = 'supervisor')"
    ))
    .await;
    id
}

both_backends!(
    a_high_risk_call_escalates_to_the_supervisor_on_duty_and_on_to_the_next,
    |mut app: TestApp| async move {
        let first = app.scalar("SELECT id FROM users WHERE username = 'supervisor'").await;
        let second = second_supervisor(&app).await;
        // The rota: the demo supervisor's shift now, the second supervisor's next.
        crate::hotline_rota::rota_now_then(&app, first, second).await;
        let before = app.scalar("SELECT COUNT(*) FROM hotline_escalations").await;

        // A routine call raises nothing; a high-risk one raises one escalation in its transaction.
        app.login_ok("counsellor").await;
        let call = high_risk_call(&mut app, "测试危机来电摘要").await;
        assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_escalations").await, before + 1);
        let esc = app.scalar(&format!("SELECT id FROM hotline_escalations WHERE call_id = {call}")).await;
        assert_eq!(app.scalar(&format!("SELECT assigned_to FROM hotline_escalations WHERE id = {esc}")).await, first);
        assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'raise' AND entity = 'hotline_escalation' AND entity_id = '{esc}'")).await,
        1
    );
        // Editing the call again raises no second escalation.
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_escalations WHERE call_id = {call}")).await, 1);
        // The counsellor sees it (their own call) but may not acknowledge it.
        let live = app.get("/hotline/escalations/live").await;
        assert_eq!(live.status, StatusCode::OK);
        assert!(live.body.contains(&format!("href=\"/hotline/escalations/{esc}\"")), "{}", live.body);
        assert!(!live.body.contains(&format!("/hotline/escalations/{esc}/ack")));
        let r = app.post(&format!("/hotline/escalations/{esc}/ack"), &[]).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        app.logout().await;

        // The supervisor's page polls the live list every few seconds, which shows the escalation,
        // marked as theirs, with its age.
        app.login_ok("supervisor").await;
        let page = app.get("/hotline/escalations").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("hx-get=\"/hotline/escalations/live\""));
        assert!(page.body.contains("hx-trigger=\"every 4s\""));
        assert!(page.body.contains(&format!("/hotline/escalations/{esc}/ack")));
        let age_cell = page.body.split(&format!("data-id=\"{esc}\"")).nth(1).expect("row").to_string();
        assert!(age_cell.contains("class=\"age\">0:"), "age shown in minutes: {age_cell}");

        // Not acknowledged in time: the sweep hands it to the next supervisor on the rota, audited.
        let minutes = app.config.hotline.escalation_minutes;
        assert_eq!(minutes, 5, "the default");
        let n = shegong::hotline::sweep_escalations(&app.db, minutes, Utc::now() + Duration::minutes(2))
            .await
            .expect("sweep");
        assert_eq!(n, 0, "not yet due");
        let n = shegong::hotline::sweep_escalations(&app.db, minutes, Utc::now() + Duration::minutes(6))
            .await
            .expect("sweep");
        assert!(n >= 1);
        assert_eq!(app.scalar(&format!("SELECT assigned_to FROM hotline_escalations WHERE id = {esc}")).await, second);
        assert_eq!(app.scalar(&format!("SELECT hand_ons FROM hotline_escalations WHERE id = {esc}")).await, 1);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'hand_on' AND entity_id = '{esc}'"))
                .await,
            1
        );
        // And on read: the second supervisor's time runs out too, and the next read of the list
        // hands it on (after the last on the rota: to every supervisor).
        let past = if app.db.is_postgres() {
            "NOW() - INTERVAL '6 minutes'"
        } else {
            "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-6 minutes')"
        };
        app.exec(&format!("UPDATE hotline_escalations SET assigned_at = {past} WHERE id = {esc}")).await;
        let live = app.get("/hotline/escalations/live").await;
        assert_eq!(live.status, StatusCode::OK);
        assert_eq!(app.scalar(&format!("SELECT hand_ons FROM hotline_escalations WHERE id = {esc}")).await, 2);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM hotline_escalations WHERE id = {esc} AND assigned_to IS NULL"))
                .await,
            1
        );

        // A call to 120: a bad service is refused with the values kept; a good one is recorded.
        let r = app
            .post(&format!("/hotline/escalations/{esc}/emergency"), &[("service", "119"), ("reference", "REF-7")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("value=\"REF-7\""));
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM hotline_emergency_calls WHERE escalation_id = {esc}")).await,
            0
        );
        let r = app
            .post(&format!("/hotline/escalations/{esc}/emergency"), &[("service", "120"), ("reference", "JJ-2026-001")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = app.get(&format!("/hotline/escalations/{esc}")).await;
        assert!(page.body.contains("JJ-2026-001"));
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'emergency_call' AND entity_id = '{esc}'"
            ))
            .await,
            1
        );

        // Acknowledged once, by the supervisor, audited; a second acknowledgement changes nothing.
        let r = app.post(&format!("/hotline/escalations/{esc}/ack"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.scalar(&format!("SELECT acknowledged_by FROM hotline_escalations WHERE id = {esc}")).await,
            first
        );
        let r = app.post(&format!("/hotline/escalations/{esc}/ack"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'acknowledge' AND entity_id = '{esc}'"))
                .await,
            1
        );
        let live = app.get("/hotline/escalations/live").await;
        assert!(!live.body.contains(&format!("/hotline/escalations/{esc}/ack")), "no longer awaiting acknowledgement");
        // Acknowledged ones are not handed on.
        let n = shegong::hotline::sweep_escalations(&app.db, minutes, Utc::now() + Duration::hours(1))
            .await
            .expect("sweep");
        assert_eq!(app.scalar(&format!("SELECT hand_ons FROM hotline_escalations WHERE id = {esc}")).await, 2, "{n}");
        // The audit log holds no free text of the call.
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_json, '') LIKE '%测试危机%'").await,
            0
        );
    }
);

/// Every 2022 call's start, as (hour, weekday Monday 1–7, month) in China time.
async fn starts_2022(app: &TestApp) -> Vec<(u32, u32, u32)> {
    let b = app.db.conn.get_database_backend();
    let rows = app
        .db
        .conn
        .query_all(Statement::from_string(b, "SELECT started_at FROM hotline_calls".to_string()))
        .await
        .expect("calls");
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("offset");
    rows.iter()
        .map(|r| r.try_get_by_index::<chrono::DateTime<Utc>>(0).expect("time").with_timezone(&china))
        .filter(|t| t.year() == 2022)
        .map(|t| (t.hour(), t.weekday().number_from_monday(), t.month()))
        .collect()
}

pub(crate) fn bucket(v: &serde_json::Value, key: &str) -> i64 {
    v.as_array()
        .expect("buckets")
        .iter()
        .find(|b| b["key"] == key)
        .map(|b| b["count"].as_i64().expect("count"))
        .unwrap_or(-1)
}

both_backends!(the_2022_figures_roll_up_the_records, |mut app: TestApp| async move {
    let token = app.token_for("supervisor").await;
    let (status, fig) = app.api("GET", "/api/v1/hotline/figures?year=2022", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{fig}");
    assert_eq!(fig["calls"]["total"].as_i64(), Some(shegong::demo::hotline::CALLS_2022 as i64));
    assert!(fig.get("cases").is_some() && fig.get("counsellors").is_some());
    // By category and risk level: what a raw GROUP BY gives.
    let (from, to) = ("2021-12-31T16:00:00", "2022-12-31T16:00:00");
    let range = if app.db.is_postgres() {
        format!("t.started_at >= TIMESTAMPTZ '{from}Z' AND t.started_at < TIMESTAMPTZ '{to}Z'")
    } else {
        format!("t.started_at >= '{from}' AND t.started_at < '{to}'")
    };
    for code in ["counselling", "charity", "crisis", "enquiry", "other"] {
        let raw = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM hotline_calls t JOIN hotline_categories k ON k.id = t.category_id WHERE k.code = '{code}' AND {range}"
            ))
            .await;
        assert_eq!(bucket(&fig["calls"]["by_category"], code), raw, "{code}");
    }
    for r in ["none", "low", "medium", "high", "imminent"] {
        let raw =
            app.scalar(&format!("SELECT COUNT(*) FROM hotline_calls t WHERE t.risk_level = '{r}' AND {range}")).await;
        assert_eq!(bucket(&fig["calls"]["by_risk"], r), raw, "{r}");
    }
    // By hour, weekday and month in China time: counted here from the records' instants.
    let starts = starts_2022(&app).await;
    assert_eq!(starts.len(), shegong::demo::hotline::CALLS_2022);
    for h in 0..24u32 {
        let n = starts.iter().filter(|s| s.0 == h).count() as i64;
        assert_eq!(bucket(&fig["calls"]["by_hour"], &h.to_string()), n, "hour {h}");
    }
    for d in 1..=7u32 {
        let n = starts.iter().filter(|s| s.1 == d).count() as i64;
        assert_eq!(bucket(&fig["calls"]["by_weekday"], &d.to_string()), n, "weekday {d}");
    }
    for m in 1..=12u32 {
        let n = starts.iter().filter(|s| s.2 == m).count() as i64;
        assert_eq!(bucket(&fig["calls"]["by_month"], &m.to_string()), n, "month {m}");
    }
    // The hour × weekday table (the page's heat chart): every one of its 168 cells.
    assert_eq!(fig["calls"]["by_weekday_hour"].as_array().map(Vec::len), Some(168));
    for d in 1..=7u32 {
        for h in 0..24u32 {
            let n = starts.iter().filter(|s| s.1 == d && s.0 == h).count() as i64;
            assert_eq!(bucket(&fig["calls"]["by_weekday_hour"], &format!("{d}-{h}")), n, "weekday {d} hour {h}");
        }
    }
    let april = bucket(&fig["calls"]["by_month"], "4");
    assert!(april > bucket(&fig["calls"]["by_month"], "9"), "the spring wave is heavier");
    // Escalations: every high or imminent call of 2022 has one, all acknowledged.
    let high = app
        .scalar(&format!("SELECT COUNT(*) FROM hotline_calls t WHERE t.risk_level IN ('high', 'imminent') AND {range}"))
        .await;
    assert!(high > 0);
    assert_eq!(fig["escalations"]["raised"].as_i64(), Some(high));
    assert_eq!(fig["escalations"]["acknowledged"].as_i64(), Some(high));
    let emergency = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM hotline_emergency_calls x JOIN hotline_escalations e ON e.id = x.escalation_id \
             JOIN hotline_calls t ON t.id = e.call_id WHERE {range}"
        ))
        .await;
    assert_eq!(fig["escalations"]["emergency_calls"].as_i64(), Some(emergency));
    // Counsellors: the 40 of 2022, their calls adding up to the year's, numbered not named.
    assert_eq!(fig["counsellors"]["active"].as_i64(), Some(shegong::demo::hotline::COUNSELLORS_2022 as i64));
    let sum: i64 = fig["counsellors"]["workload"]
        .as_array()
        .expect("workload")
        .iter()
        .map(|w| w["calls"].as_i64().expect("n"))
        .sum();
    assert_eq!(sum, shegong::demo::hotline::CALLS_2022 as i64);
    assert!(!fig.to_string().contains("星光社工"), "no names in the API");
    // A year that is not a year is refused.
    let (status, _) = app.api("GET", "/api/v1/hotline/figures?year=abc", Some(&token), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The page shows the same total and the charts; the export names nobody and holds no text.
    app.login_ok("supervisor").await;
    let page = app.get("/hotline/figures?year=2022").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"calls-total\">{}<", shegong::demo::hotline::CALLS_2022)));
    // One chart per breakdown (weekday and hour together as a heat table), each with its data table.
    assert_eq!(page.body.matches("<svg").count(), 8, "eight charts");
    assert_eq!(page.body.matches("class=\"chart-data\"").count(), 8, "a table under each");
    let (status, bytes) = app.get_bytes("/hotline/figures.xlsx?year=2022").await;
    assert_eq!(status, StatusCode::OK);
    let text = xlsx_text(&bytes);
    assert!(text.contains(&shegong::demo::hotline::CALLS_2022.to_string()));
    assert!(!text.contains("星光社工") && !text.contains("演示数据"), "de-identified");
    // A counsellor's figures are their own calls only.
    app.logout().await;
    let mine = app.token_for("counsellor").await;
    let (status, fig) = app.api("GET", "/api/v1/hotline/figures?year=2022", Some(&mine), None).await;
    assert_eq!(status, StatusCode::OK);
    let own = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM hotline_calls t WHERE t.counsellor_id = (SELECT id FROM users WHERE username = 'counsellor') AND {range}"
        ))
        .await;
    assert!(own < shegong::demo::hotline::CALLS_2022 as i64);
    assert_eq!(fig["calls"]["total"].as_i64(), Some(own));
});

/// Every cell of an xlsx file's sheets as text.
pub(crate) fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let mut out = String::new();
    for name in wb.sheet_names().to_vec() {
        if let Ok(range) = wb.worksheet_range(&name) {
            for row in range.rows() {
                for c in row {
                    out.push_str(&c.to_string());
                    out.push('\t');
                }
                out.push('\n');
            }
        }
    }
    out
}

both_backends!(rotate_key_reseals_every_sealed_field_in_resumable_batches, |mut app: TestApp| async move {
    use shegong::platform::vault::Vault;
    app.login_ok("counsellor").await;
    let call = high_risk_call(&mut app, "轮换密钥前写下的摘要").await;
    let columns = shegong::app::sealed_columns();
    let old_key = shegong::platform::audit::parse_key(PII_KEY).expect("key");
    let new_key = [42u8; 32];
    let vault = Vault::new("k2", &new_key)
        .expect("vault")
        .with_retired(vec![Vault::new("p1", &old_key).expect("old")])
        .hashing_with("p1")
        .expect("hash key");
    // Every sealed field of every domain that declares them (calls, cases, volunteers…).
    let mut sealed = 0;
    for col in &columns {
        sealed += app.scalar(&format!("SELECT COUNT(*) FROM {} WHERE {} <> ''", col.table, col.column)).await;
    }
    assert!(app.scalar("SELECT COUNT(*) FROM hotline_cases WHERE assessment_cipher <> ''").await > 0, "cases too");
    assert!(sealed > shegong::demo::hotline::CALLS_2022 as i64);
    assert_eq!(shegong::platform::rekey::pending(&app.db, "k2", &columns).await.expect("pending") as i64, sealed);
    // Cut short after two batches: those are committed, the rest is still on the old key.
    let r = shegong::platform::rekey::rotate(&app.db, &vault, &columns, 1000, Some(2)).await.expect("rotate");
    assert!(!r.complete);
    assert_eq!(r.resealed, 2000);
    assert_eq!(
        shegong::platform::rekey::pending(&app.db, "k2", &columns).await.expect("pending") as i64,
        sealed - 2000
    );
    // Run again: it resumes and finishes.
    let r = shegong::platform::rekey::rotate(&app.db, &vault, &columns, 1000, None).await.expect("rotate");
    assert!(r.complete);
    assert_eq!(r.unreadable, 0);
    assert_eq!(r.resealed as i64, sealed - 2000);
    assert_eq!(shegong::platform::rekey::pending(&app.db, "k2", &columns).await.expect("pending"), 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_calls WHERE summary_cipher LIKE 'x1.p1.%'").await, 0);
    assert!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'rekey'").await >= 3);
    // The new key alone opens everything, the old one nothing.
    let only_new = Vault::new("k2", &new_key).expect("vault");
    let cipher = app.text(&format!("SELECT summary_cipher FROM hotline_calls WHERE id = {call}")).await;
    assert_eq!(only_new.open(shegong::hotline::store::SUMMARY, &cipher).expect("open"), "轮换密钥前写下的摘要");
    assert!(Vault::new("p1", &old_key).expect("old").open(shegong::hotline::store::SUMMARY, &cipher).is_err());
    let phone = app.text("SELECT phone_cipher FROM volunteers ORDER BY id LIMIT 1").await;
    assert!(only_new.open("phone", &phone).expect("phone").starts_with('1'));
    // A second run finds nothing to do.
    let r = shegong::platform::rekey::rotate(&app.db, &vault, &columns, 1000, None).await.expect("rotate");
    assert_eq!((r.resealed, r.complete), (0, true));
});

both_backends!(the_retention_purge_removes_text_and_keeps_the_counts, |mut app: TestApp| async move {
    // Less than three years is refused by the configuration check.
    let mut cfg = app.config.clone();
    cfg.hotline.retention_years = 2;
    assert!(cfg.problems().iter().any(|m| m.to_string().contains("retention_years")));
    app.login_ok("counsellor").await;
    let recent = high_risk_call(&mut app, "近期来电的摘要").await;
    // A caller profile linked now (kept), and two made in 2022 that only old records link: one
    // linked to the year's first call (with a flag), one to an old case (which also gets a
    // referral with a reason).
    let r = app.post(&format!("/hotline/calls/{recent}/caller"), &[("phone", "13800001111"), ("consent", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let old_at = "'2022-03-01T00:00:00+00:00'";
    for hash in ["test-old-call", "test-old-case"] {
        app.exec(&format!(
            "INSERT INTO hotline_callers (phone_hash, consent_at, created_at) VALUES ('{hash}', {old_at}, {old_at})"
        ))
        .await;
    }
    let caller = |hash: &str| format!("(SELECT id FROM hotline_callers WHERE phone_hash = '{hash}')");
    let first_call = app.scalar("SELECT id FROM hotline_calls ORDER BY started_at, id LIMIT 1").await;
    app.exec(&format!("UPDATE hotline_calls SET caller_id = {} WHERE id = {first_call}", caller("test-old-call")))
        .await;
    let counsellor = app.scalar("SELECT id FROM users WHERE username = 'counsellor'").await;
    app.exec(&format!(
        "INSERT INTO hotline_caller_flags (caller_id, flag, set_by, set_at, expires_on) \
         VALUES ({}, 'frequent', {counsellor}, {old_at}, '2022-06-01')",
        caller("test-old-call")
    ))
    .await;
    let old_case = app
        .scalar(
            "SELECT MIN(t.id) FROM hotline_cases t WHERE t.status = 'open' \
             AND NOT EXISTS (SELECT 1 FROM hotline_referrals r WHERE r.case_id = t.id) \
             AND NOT EXISTS (SELECT 1 FROM hotline_followups f WHERE f.case_id = t.id AND f.done_on IS NOT NULL)",
        )
        .await;
    app.exec(&format!("UPDATE hotline_cases SET caller_id = {} WHERE id = {old_case}", caller("test-old-case"))).await;
    let reason = shegong::platform::vault::vault()
        .expect("vault")
        .seal_text(shegong::hotline::store::REFERRAL_REASON, "旧个案的转介理由")
        .expect("seal");
    app.exec(&format!(
        "INSERT INTO hotline_referrals (case_id, target_kind, target_name, reason_cipher, state, referred_on, version, created_at, updated_at) \
         SELECT id, 'medical', '医院', '{reason}', 'refused', opened_on, 1, created_at, created_at FROM hotline_cases WHERE id = {old_case}"
    ))
    .await;
    let note = shegong::platform::vault::vault()
        .expect("vault")
        .seal_text(shegong::hotline::store::FOLLOWUP_NOTE, "旧个案的回访记录")
        .expect("seal");
    app.exec(&format!(
        "INSERT INTO hotline_followups (case_id, kind, due_on, done_on, done_by, note_cipher, version) \
         SELECT id, 'extra', opened_on, opened_on, {counsellor}, '{note}', 1 FROM hotline_cases WHERE id = {old_case}"
    ))
    .await;
    let token = app.token_for("supervisor").await;
    let (_, before) = app.api("GET", "/api/v1/hotline/figures?year=2022", Some(&token), None).await;
    let notes_before = app.scalar("SELECT COUNT(*) FROM hotline_followups WHERE note_cipher <> ''").await;

    // Three years after the end of 2022: every 2022 call is past its retention (no call of the
    // demo's 2023 is), and so is every case without activity since (the demo accepted one's
    // referral and closed another today).
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00").expect("time").with_timezone(&Utc);
    let cut = "2023-01-01";
    let n = shegong::hotline::purge(&app.db, 3, now).await.expect("purge");
    assert_eq!(n.calls as usize, shegong::demo::hotline::CALLS_2022, "the calls before 1 January 2023");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM hotline_calls WHERE purged_at IS NOT NULL AND (summary_cipher <> '' OR risk_note_cipher <> '' OR caller_id IS NOT NULL)").await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM hotline_calls WHERE id = {recent} AND purged_at IS NULL AND summary_cipher <> '' AND caller_id IS NOT NULL"
        ))
        .await,
        1
    );
    // Cases: the ones with activity on or after the cut keep their text, every other is purged.
    let cut_at = if app.db.is_postgres() {
        format!("TIMESTAMPTZ '{cut}T00:00:00+08:00'")
    } else {
        format!("'{cut}T00:00:00+08:00'")
    };
    let active = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM hotline_cases t WHERE t.closed_on >= '{cut}' \
             OR EXISTS (SELECT 1 FROM hotline_calls k WHERE k.case_id = t.id AND k.started_at >= {cut_at}) \
             OR EXISTS (SELECT 1 FROM hotline_followups f WHERE f.case_id = t.id AND (f.due_on >= '{cut}' OR f.done_on >= '{cut}')) \
             OR EXISTS (SELECT 1 FROM hotline_referrals r WHERE r.case_id = t.id \
                        AND (r.referred_on >= '{cut}' OR r.decided_on >= '{cut}' OR r.completed_on >= '{cut}'))"
        ))
        .await;
    let all_cases = app.scalar("SELECT COUNT(*) FROM hotline_cases").await;
    assert!(active >= 2 && active < all_cases, "{active} of {all_cases}");
    assert_eq!(n.cases as i64, all_cases - active);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_cases WHERE purged_at IS NULL").await, active);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM hotline_cases WHERE purged_at IS NOT NULL \
             AND (assessment_cipher <> '' OR plan_cipher <> '' OR closure_note_cipher <> '' OR caller_id IS NOT NULL)"
        )
        .await,
        0,
        "no sealed text or caller link of an old case"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM hotline_followups f JOIN hotline_cases t ON t.id = f.case_id WHERE t.purged_at IS NOT NULL AND f.note_cipher <> ''").await,
        0
    );
    assert!(app.scalar("SELECT COUNT(*) FROM hotline_followups WHERE note_cipher <> ''").await < notes_before);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM hotline_referrals r JOIN hotline_cases t ON t.id = r.case_id WHERE t.purged_at IS NOT NULL AND r.reason_cipher <> ''").await,
        0
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM hotline_cases WHERE id = {old_case} AND purged_at IS NOT NULL"))
            .await,
        1
    );
    assert!(
        app.scalar("SELECT COUNT(*) FROM hotline_cases WHERE purged_at IS NULL AND assessment_cipher <> ''").await > 0
    );
    // Caller profiles: the two old ones are gone with their flags, the one linked now is kept.
    assert_eq!(n.callers, 2);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_callers WHERE phone_hash LIKE 'test-old-%'").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_caller_flags WHERE flag = 'frequent'").await, 0);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM hotline_callers WHERE id = (SELECT caller_id FROM hotline_calls WHERE id = {recent})"
        ))
        .await,
        1
    );
    // Audited, one row per record, without text.
    for (entity, count) in [("hotline_call", n.calls), ("hotline_case", n.cases), ("hotline_caller", n.callers)] {
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'purge' AND entity = '{entity}'")).await,
            count as i64,
            "{entity}"
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_json, '') LIKE '%演示数据%'").await, 0);
    // The counts are kept: calls, cases, follow-ups, referrals.
    let (_, after) = app.api("GET", "/api/v1/hotline/figures?year=2022", Some(&token), None).await;
    assert_eq!(before["calls"], after["calls"]);
    assert_eq!(before["cases"], after["cases"]);
    assert_eq!(before["counsellors"]["active"], after["counsellors"]["active"]);
    // Run again: nothing left to purge.
    assert_eq!(shegong::hotline::purge(&app.db, 3, now).await.expect("purge"), Default::default());
});
