//! The hotline's cases, roster and repeat callers: confidentiality compiled into the stores
//! (every role × every call and case page: content only for the case's counsellors, their
//! supervisor and roles granted `hotline.content`), every read audited, the follow-up schedule,
//! referral states, transfer and closure, the roster and rota, caller profiles by keyed hash.

use axum::http::StatusCode;
use shegong::platform::access::DEMO_USERS;

use crate::both_backends;
use crate::helpers::TestApp;

/// A suicide-risk flag as the caller profile shows it.
const FLAG: &str = "<span class=\"badge\">自杀风险</span>";

fn local_minus(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Logs a call as the signed-in user and returns its id.
async fn log_call(app: &mut TestApp, summary: &str, extra: &[(&str, &str)]) -> i64 {
    let category = app.scalar("SELECT id FROM hotline_categories WHERE code = 'counselling'").await.to_string();
    let started = local_minus(15);
    let mut f = vec![
        ("category_id", category.as_str()),
        ("channel", "transfer"),
        ("started_at", started.as_str()),
        ("ended_at", ""),
        ("summary", summary),
        ("anonymous", "yes"),
        ("outcome", "resolved"),
    ];
    f.extend_from_slice(extra);
    app.get("/hotline/calls/new").await;
    let r = app.post("/hotline/calls", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.scalar("SELECT MAX(id) FROM hotline_calls").await
}

/// Opens a case from a call (as the signed-in user) and returns its id.
async fn open_case(app: &mut TestApp, call: i64) -> i64 {
    let r = app.post(&format!("/hotline/calls/{call}/case"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.scalar(&format!("SELECT case_id FROM hotline_calls WHERE id = {call}")).await;
    assert_eq!(r.location(), format!("/hotline/cases/{id}"));
    id
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM users WHERE username = '{username}'")).await
}

async fn referral_state(app: &TestApp, id: i64) -> String {
    app.text(&format!("SELECT state FROM hotline_referrals WHERE id = {id}")).await
}

async fn version(app: &TestApp, case: i64) -> String {
    app.scalar(&format!("SELECT version FROM hotline_cases WHERE id = {case}")).await.to_string()
}

/// Whether the SQLite files (database, journal, WAL) hold `text` anywhere.
pub(crate) async fn in_sqlite_files(app: &TestApp, text: &str) -> bool {
    if app.config.database.starts_with("postgres") {
        return false;
    }
    app.exec("PRAGMA wal_checkpoint(TRUNCATE)").await;
    let path = std::path::Path::new(app.config.database.trim_start_matches("sqlite://"));
    std::fs::read_dir(path.parent().expect("dir")).expect("read dir").any(|e| {
        let bytes = std::fs::read(e.expect("entry").path()).expect("read");
        bytes.windows(text.len()).any(|w| w == text.as_bytes())
    })
}

both_backends!(
    only_the_cases_counsellors_their_supervisor_and_granted_roles_read_content,
    |mut app: TestApp| async move {
        // The demo counsellor's call and case (their supervisor on the roster is the demo supervisor).
        app.login_ok("counsellor").await;
        let secret_call = "测试保密来电甲";
        let call = log_call(&mut app, secret_call, &[]).await;
        let case = open_case(&mut app, call).await;
        let secret_case = "测试个案评估乙";
        let v = version(&app, case).await;
        let r = app
            .post(
                &format!("/hotline/cases/{case}"),
                &[("assessment", secret_case), ("plan", "测试计划丙"), ("version", &v)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        app.logout().await;
        // Another counsellor's call, supervised by another supervisor.
        let other_sup = app
        .text("SELECT u.username FROM hotline_counsellors t JOIN hotline_counsellors s ON s.id = t.supervisor_id JOIN users u ON u.id = s.user_id JOIN users cu ON cu.id = t.user_id WHERE cu.username = 'xg01'")
        .await;
        assert_ne!(other_sup, "supervisor", "xg01 is supervised by someone else");
        app.login_ok("xg01").await;
        let secret_other = "测试他人来电丁";
        let other_call = log_call(&mut app, secret_other, &[]).await;
        app.logout().await;

        let pages = |id: i64, case: i64| {
            vec![
                format!("/hotline/calls/{id}"),
                format!("/hotline/calls/{id}/edit"),
                format!("/hotline/cases/{case}"),
                "/hotline/calls".into(),
                "/hotline/cases".into(),
            ]
        };
        let reads = |entity: &str, id: i64, action: &str| {
            format!("SELECT COUNT(*) FROM audit_log WHERE entity = '{entity}' AND entity_id = '{id}' AND action = '{action}'")
        };
        // Every demo role (and the other counsellor and their supervisor) on every page of both.
        let mut users: Vec<&str> = DEMO_USERS.iter().map(|(u, _)| *u).collect();
        users.extend(["xg01", other_sup.as_str()]);
        for user in users {
            app.login_ok(user).await;
            let reads_mine = app.scalar(&reads("hotline_call", call, "read")).await;
            let case_reads = app.scalar(&reads("hotline_case", case, "read")).await;
            for path in pages(call, case) {
                let r = app.get(&path).await;
                let allowed = matches!(user, "counsellor" | "supervisor");
                let shows = r.body.contains(secret_call) || r.body.contains(secret_case);
                if allowed && !path.ends_with("/hotline/calls") && !path.ends_with("/hotline/cases") {
                    assert_eq!(r.status, StatusCode::OK, "{user} {path}");
                    assert!(shows, "{user} reads {path}");
                } else {
                    assert!(!shows, "{user} must not read {path} ({})", r.status);
                }
            }
            let allowed_other = user == "xg01" || user == other_sup;
            for path in [format!("/hotline/calls/{other_call}"), format!("/hotline/calls/{other_call}/edit")] {
                let r = app.get(&path).await;
                assert_eq!(r.body.contains(secret_other), allowed_other, "{user} {path} {}", r.status);
                if user == "supervisor" {
                    // In reach but not theirs: it exists, nothing more, and that view is audited.
                    assert_eq!(r.status, StatusCode::OK);
                    assert!(r.body.contains("id=\"withheld\""));
                }
            }
            if user == "supervisor" {
                // Nor may they act on it: a case from it, a caller link, answer as out of reach.
                for action in ["case", "caller"] {
                    let r = app
                        .post(
                            &format!("/hotline/calls/{other_call}/{action}"),
                            &[("phone", "13700001111"), ("consent", "yes")],
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}");
                }
                let q = format!("SELECT COUNT(*) FROM hotline_calls WHERE id = {other_call} AND case_id IS NULL AND caller_id IS NULL");
                assert_eq!(app.scalar(&q).await, 1);
            }
            // The lists: counts of what is withheld, never its rows.
            if user == "supervisor" {
                let list = app.get("/hotline/calls").await;
                assert!(!list.body.contains(&format!("/hotline/calls/{other_call}\"")));
                assert!(list.body.contains("id=\"withheld\""), "the withheld calls are counted");
                let withheld = app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM hotline_calls t WHERE t.counsellor_id NOT IN \
                     (SELECT cr.user_id FROM hotline_counsellors cr JOIN hotline_counsellors cs ON cs.id = cr.supervisor_id \
                      WHERE cs.user_id = {}) AND t.counsellor_id <> {} AND (t.case_id IS NULL OR t.case_id NOT IN \
                      (SELECT id FROM hotline_cases WHERE supervisor_id = {}))",
                    user_id(&app, "supervisor").await,
                    user_id(&app, "supervisor").await,
                    user_id(&app, "supervisor").await
                ))
                .await;
                assert!(list.body.contains(&format!("另有 {withheld} 条来电")), "{withheld}");
            }
            // Reads of the content are audited once per page that showed it.
            if matches!(user, "counsellor" | "supervisor") {
                assert_eq!(app.scalar(&reads("hotline_call", call, "read")).await, reads_mine + 2, "{user}");
                assert_eq!(app.scalar(&reads("hotline_case", case, "read")).await, case_reads + 1, "{user}");
            } else {
                assert_eq!(app.scalar(&reads("hotline_call", call, "read")).await, reads_mine, "{user}");
            }
            app.logout().await;
        }
        assert_eq!(
            app.scalar(&reads("hotline_call", other_call, "read_withheld")).await,
            2,
            "the supervisor's two views"
        );

        // An explicitly granted role reads everything: the read-only leader role given the grant.
        app.exec(
            "INSERT INTO role_permissions (role_id, permission) SELECT id, p.x FROM roles, \
         (SELECT 'hotline.content' AS x UNION ALL SELECT 'hotline.call_read' UNION ALL SELECT 'hotline.case_read') p \
         WHERE code = 'leader'",
        )
        .await;
        app.login_ok("leader").await;
        assert!(app.get(&format!("/hotline/calls/{other_call}")).await.body.contains(secret_other));
        assert!(app.get(&format!("/hotline/cases/{case}")).await.body.contains(secret_case));
        app.logout().await;

        // Nothing of the text in the audit log, nor in the database files.
        for s in [secret_call, secret_case, secret_other] {
            assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_json, '') LIKE '%{s}%' OR COALESCE(before_json, '') LIKE '%{s}%'"
            ))
            .await,
            0
        );
            assert!(!in_sqlite_files(&app, s).await, "{s} in the clear in a database file");
        }
        assert!(app
            .text(&format!("SELECT assessment_cipher FROM hotline_cases WHERE id = {case}"))
            .await
            .starts_with("x1."));
    }
);

both_backends!(a_high_risk_case_is_followed_up_referred_transferred_and_closed, |mut app: TestApp| async move {
    app.login_ok("counsellor").await;
    let call = log_call(&mut app, "测试高危来电", &[("attempt", "recent")]).await;
    let case = open_case(&mut app, call).await;
    // The schedule at 1 day, 1 week, 1, 3 and 12 months from the day it was opened.
    let opened: String =
        app.text(&format!("SELECT CAST(opened_on AS TEXT) FROM hotline_cases WHERE id = {case}")).await;
    let opened = chrono::NaiveDate::parse_from_str(&opened[..10], "%Y-%m-%d").expect("date");
    let expected = shegong::hotline::model::followup_schedule(opened);
    for (kind, due) in &expected {
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM hotline_followups WHERE case_id = {case} AND kind = '{kind}' AND due_on = '{due}'")).await,
            1,
            "{kind} due {due}"
        );
    }
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_followups WHERE case_id = {case}")).await, 5);
    // A low-risk call's case has no schedule.
    let low = log_call(&mut app, "测试低危来电", &[]).await;
    let low_case = open_case(&mut app, low).await;
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_followups WHERE case_id = {low_case}")).await, 0);

    // Overdue: the first follow-up put in the past shows on the list, and leaves it once done.
    let first = app.scalar(&format!("SELECT MIN(id) FROM hotline_followups WHERE case_id = {case}")).await;
    app.exec(&format!("UPDATE hotline_followups SET due_on = '2022-01-03' WHERE id = {first}")).await;
    let overdue = app.get("/hotline/followups/overdue").await;
    assert!(overdue.body.contains(&format!("href=\"/hotline/cases/{case}\"")), "{}", overdue.body);
    let r = app.post(&format!("/hotline/cases/{case}/followups/{first}/done"), &[("note", "测试回访记录")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_followups WHERE id = {first} AND done_on IS NOT NULL AND note_cipher LIKE 'x1.%'")).await, 1);
    assert!(!app.get("/hotline/followups/overdue").await.body.contains(&format!("href=\"/hotline/cases/{case}\"")));

    // Referrals: a station needs its town; refused with the values kept.
    let r = app
        .post(&format!("/hotline/cases/{case}/referrals"), &[("target_kind", "station"), ("reason", "测试转介原因")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("测试转介原因") && r.body.contains("此项为必填"));
    let r = app
        .post(
            &format!("/hotline/cases/{case}/referrals"),
            &[("target_kind", "charity"), ("target_name", "市慈善总会"), ("reason", "测试转介原因")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rid = app.scalar(&format!("SELECT MAX(id) FROM hotline_referrals WHERE case_id = {case}")).await;
    assert_eq!(referral_state(&app, rid).await, "pending");
    // 待接收 → 已完成 is not a step: refused, nothing changes.
    app.post(&format!("/hotline/cases/{case}/referrals/{rid}/state"), &[("to", "completed")]).await;
    assert_eq!(referral_state(&app, rid).await, "pending");
    app.post(&format!("/hotline/cases/{case}/referrals/{rid}/state"), &[("to", "accepted")]).await;
    assert_eq!(referral_state(&app, rid).await, "accepted");
    app.post(&format!("/hotline/cases/{case}/referrals/{rid}/state"), &[("to", "refused")]).await;
    assert_eq!(referral_state(&app, rid).await, "accepted", "an accepted referral is not refused afterwards");
    app.post(&format!("/hotline/cases/{case}/referrals/{rid}/state"), &[("to", "completed")]).await;
    assert_eq!(referral_state(&app, rid).await, "completed");
    assert!(app.get(&format!("/hotline/cases/{case}")).await.body.contains("测试转介原因"));

    // Transfer to xg01: their supervisor becomes the case's, and the counsellor stops reading it.
    let xg01 = user_id(&app, "xg01").await;
    let v = version(&app, case).await;
    let r = app.post(&format!("/hotline/cases/{case}/transfer"), &[("to", &xg01.to_string()), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/hotline/cases");
    let sup = app
        .scalar("SELECT s.user_id FROM hotline_counsellors t JOIN hotline_counsellors s ON s.id = t.supervisor_id JOIN users u ON u.id = t.user_id WHERE u.username = 'xg01'")
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM hotline_cases WHERE id = {case} AND counsellor_id = {xg01} AND supervisor_id = {sup}"
        ))
        .await,
        1
    );
    assert_ne!(app.get(&format!("/hotline/cases/{case}")).await.status, StatusCode::OK);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer' AND entity = 'hotline_case' AND entity_id = '{case}'")).await, 1);
    app.logout().await;

    app.login_ok("xg01").await;
    let page = app.get(&format!("/hotline/cases/{case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // Closure needs a reason; with one it is closed and no longer edited.
    let v = version(&app, case).await;
    let r = app
        .post(&format!("/hotline/cases/{case}/close"), &[("reason", ""), ("note", "测试结案说明"), ("version", &v)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择结案原因") && r.body.contains("测试结案说明"));
    let r = app
        .post(
            &format!("/hotline/cases/{case}/close"),
            &[("reason", "referred"), ("note", "测试结案说明"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_cases WHERE id = {case} AND status = 'closed' AND closure_reason = 'referred' AND closed_on IS NOT NULL")).await, 1);
    let v = version(&app, case).await;
    let r = app.post(&format!("/hotline/cases/{case}"), &[("assessment", "改"), ("plan", ""), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The access log is the supervisor's page, not the counsellor's.
    assert_eq!(app.get(&format!("/hotline/cases/{case}/access")).await.status, StatusCode::NOT_FOUND);
    app.logout().await;
    let sup_name = app.text(&format!("SELECT username FROM users WHERE id = {sup}")).await;
    app.login_ok(&sup_name).await;
    let log = app.get(&format!("/hotline/cases/{case}/access")).await;
    assert_eq!(log.status, StatusCode::OK);
    let readers = app
        .scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'hotline_case' AND entity_id = '{case}'"))
        .await;
    assert_eq!(log.body.matches("<tr><td>").count() as i64, readers.min(50), "one row per audited event");
    assert!(!log.body.contains("测试"), "no free text in the access log");
});

both_backends!(the_roster_and_rota_are_kept_by_the_hotline_administrator, |mut app: TestApp| async move {
    app.login_ok("counsellor").await;
    assert_eq!(app.get("/hotline/counsellors").await.status, StatusCode::FORBIDDEN);
    app.logout().await;
    app.login_ok("hotline").await;
    // 40 "星光社工" and their supervisors.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM hotline_counsellors WHERE is_supervisor = FALSE").await, 40);
    let list = app.get("/hotline/counsellors?per_page=100").await;
    assert_eq!(list.status, StatusCode::OK);
    let rows = app.scalar("SELECT COUNT(*) FROM hotline_counsellors").await;
    assert_eq!(
        list.body.matches("href=\"/hotline/counsellors/").count() as i64,
        rows + 1,
        "a link per entry and the new-entry button"
    );
    // A rota month lists every shift of that month.
    let march =
        app.scalar("SELECT COUNT(*) FROM hotline_shifts WHERE day >= '2022-03-01' AND day <= '2022-03-31'").await;
    assert!(march > 0);
    let rota = app.get("/hotline/rota?month=2022-03").await;
    assert_eq!(
        rota.body.matches("href=\"/hotline/rota/").count() as i64 - 1,
        march,
        "one edit link per shift and the new-shift button"
    );

    // A new counsellor linked to a social worker; refused first without a name, the values kept.
    let worker = app.scalar("SELECT MIN(id) FROM social_workers").await.to_string();
    let sup = app.scalar("SELECT MIN(id) FROM hotline_counsellors WHERE is_supervisor = TRUE").await.to_string();
    let mut f = vec![
        ("name", ""),
        ("worker_id", worker.as_str()),
        ("supervisor_id", sup.as_str()),
        ("joined_on", "2022-05-01"),
        ("active", "yes"),
    ];
    let r = app.post("/hotline/counsellors", &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("此项为必填") && r.body.contains("2022-05-01"));
    f[0] = ("name", "测试咨询员");
    assert_eq!(app.post("/hotline/counsellors", &f).await.status, StatusCode::SEE_OTHER);
    let id = app.scalar("SELECT MAX(id) FROM hotline_counsellors").await;
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_counsellors WHERE id = {id} AND worker_id = {worker} AND supervisor_id = {sup}")).await, 1);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'hotline_counsellor' AND entity_id = '{id}'")).await, 1);
    // Edited with optimistic locking.
    let mut e = f.clone();
    e[0] = ("name", "测试咨询员改");
    e.push(("version", "1"));
    assert_eq!(app.post(&format!("/hotline/counsellors/{id}"), &e).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.post(&format!("/hotline/counsellors/{id}"), &e).await.status, StatusCode::CONFLICT);

    // A shift: the end before the start is refused, the values kept; then saved with two counsellors.
    let c1 = app
        .scalar("SELECT MIN(id) FROM hotline_counsellors WHERE is_supervisor = FALSE AND active = TRUE")
        .await
        .to_string();
    let bad = [
        ("day", "2023-01-02"),
        ("start", "16:00"),
        ("end", "08:00"),
        ("supervisor_id", sup.as_str()),
        ("counsellor", c1.as_str()),
        ("counsellor", id.to_string().leak()),
    ];
    let r = app.post("/hotline/rota", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"16:00\"") && r.body.contains("2023-01-02"));
    let mut good = bad.to_vec();
    good[1] = ("start", "08:00");
    good[2] = ("end", "16:00");
    assert_eq!(app.post("/hotline/rota", &good).await.status, StatusCode::SEE_OTHER);
    let shift = app.scalar("SELECT MAX(id) FROM hotline_shifts").await;
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM hotline_shift_counsellors WHERE shift_id = {shift}")).await,
        2
    );
    assert!(app.get("/hotline/rota?month=2023-01").await.body.contains("测试咨询员改"));

    // The supervisor on duty at a time, and the next ones on the rota after it.
    let at =
        chrono::DateTime::parse_from_rfc3339("2022-03-01T10:00:00+08:00").expect("time").with_timezone(&chrono::Utc);
    let duty = shegong::hotline::on_duty(&app.db.conn, at, 2).await.expect("on duty");
    let expected = app
        .scalar("SELECT supervisor_id FROM hotline_shifts WHERE day = '2022-03-01' AND start_minute <= 600 AND end_minute > 600")
        .await;
    assert_eq!(duty[0].supervisor_id, expected);
    assert_eq!(duty[1].day.to_string(), "2022-03-01");
    assert_eq!(duty[1].start_minute, 960);
});

both_backends!(repeat_callers_are_linked_by_a_keyed_hash_with_consent_only, |mut app: TestApp| async move {
    app.login_ok("counsellor").await;
    let first = log_call(&mut app, "测试首次来电", &[]).await;
    let phone = "13912345678";
    let profiles = "SELECT COUNT(*) FROM hotline_callers";
    let before = app.scalar(profiles).await;
    // Without consent nothing is kept.
    let r = app.post(&format!("/hotline/calls/{first}/caller"), &[("phone", phone)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(profiles).await, before);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM hotline_calls WHERE id = {first} AND caller_id IS NULL")).await,
        1
    );
    // With consent: a profile, found again from the same number written differently.
    app.post(&format!("/hotline/calls/{first}/caller"), &[("phone", phone), ("consent", "yes")]).await;
    assert_eq!(app.scalar(profiles).await, before + 1);
    let second = log_call(&mut app, "测试再次来电", &[]).await;
    app.post(&format!("/hotline/calls/{second}/caller"), &[("phone", "139-1234-5678"), ("consent", "yes")]).await;
    assert_eq!(app.scalar(profiles).await, before + 1);
    let caller = app.scalar(&format!("SELECT caller_id FROM hotline_calls WHERE id = {first}")).await;
    assert_eq!(app.scalar(&format!("SELECT caller_id FROM hotline_calls WHERE id = {second}")).await, caller);
    // A flag carries who set it and its expiry; an expired flag is not shown.
    app.post(&format!("/hotline/calls/{second}/flags"), &[("flag", "suicide_risk"), ("days", "30")]).await;
    let page = app.get(&format!("/hotline/calls/{second}")).await;
    assert!(page.body.contains(&format!("href=\"/hotline/calls/{first}\"")), "the earlier contact");
    let expires = (shegong::platform::time::today() + chrono::Duration::days(30)).to_string();
    assert!(page.body.contains(FLAG) && page.body.contains(&expires) && page.body.contains("热线咨询员刘敏"));
    app.exec("UPDATE hotline_caller_flags SET expires_on = '2022-01-01'").await;
    assert!(!app.get(&format!("/hotline/calls/{second}")).await.body.contains(FLAG));
    // The number is nowhere: not in the tables, the audit log or the database files.
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM hotline_callers WHERE phone_hash LIKE '%{phone}%'")).await, 0);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_json, '') LIKE '%{phone}%'")).await,
        0
    );
    assert!(!in_sqlite_files(&app, phone).await);
});
