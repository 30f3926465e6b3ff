//! The hotline's confidentiality at rest and towards other roles: no plaintext of a call's or a
//! case's confidential fields is stored anywhere in the database (every text column of every
//! table scanned, the SQLite files and a PostgreSQL dump searched), and a system administrator
//! (no hotline permission) gets 403 on every hotline page and API and sees no hotline count
//! anywhere (the dashboard and the indicator API included).

use axum::http::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use shegong::platform::db::sql;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::hotline_cases::in_sqlite_files;
use crate::hotline_escalation::high_risk_call;

/// Every (table, column) of the database whose text holds `needle`: every column of every table
/// on SQLite, every text and JSON column on PostgreSQL.
async fn columns_holding(app: &TestApp, needle: &str) -> Vec<(String, String)> {
    let c = &app.db.conn;
    let b = c.get_database_backend();
    let list = if app.db.is_postgres() {
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' \
         AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') ORDER BY table_name, column_name"
            .to_string()
    } else {
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' ORDER BY m.name, p.name"
            .to_string()
    };
    let cols = c.query_all(sql(b, &list, vec![])).await.expect("columns");
    assert!(cols.len() > 100, "every column of the schema: {}", cols.len());
    let mut out = Vec::new();
    for r in cols {
        let (t, col): (String, String) =
            (r.try_get_by_index(0).expect("table"), r.try_get_by_index(1).expect("column"));
        let q = format!("SELECT COUNT(*) FROM \"{t}\" WHERE CAST(\"{col}\" AS TEXT) LIKE ?");
        let n = c.query_one(sql(b, &q, vec![format!("%{needle}%").into()])).await.expect("scan").expect("row");
        if n.try_get_by_index::<i64>(0).expect("count") > 0 {
            out.push((t, col));
        }
    }
    out
}

/// A PostgreSQL dump of the whole database (data and schema), as an operator would take it.
fn pg_dump(url: &str) -> String {
    let out = std::process::Command::new("pg_dump").arg("--no-owner").arg(url).output().expect("pg_dump runs");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 dump")
}

const SECRET: &str = "保密标记Qz7";
const PLAIN: &str = "公开标记Kx4";

both_backends!(no_plaintext_of_a_call_or_case_is_stored_anywhere, |mut app: TestApp| async move {
    let secret = |field: &str| format!("{SECRET}-{field}");
    // Through the forms: a call's summary and risk note, its case's assessment, plan, a follow-up
    // note, a referral's reason and the closure note.
    app.login_ok("counsellor").await;
    let call = high_risk_call(&mut app, &secret("summary")).await;
    let v = app.scalar(&format!("SELECT version FROM hotline_calls WHERE id = {call}")).await.to_string();
    let crisis = app.scalar("SELECT id FROM hotline_categories WHERE code = 'crisis'").await.to_string();
    let started = {
        let c = &app.db.conn;
        let q = format!("SELECT started_at FROM hotline_calls WHERE id = {call}");
        let r = c.query_one(sql(c.get_database_backend(), &q, vec![])).await.expect("call").expect("row");
        let at = r.try_get_by_index::<chrono::DateTime<chrono::Utc>>(0).expect("started_at");
        at.with_timezone(&shegong::platform::time::china()).format("%Y-%m-%dT%H:%M").to_string()
    };
    let note = secret("risk_note");
    let summary = secret("summary");
    let r = app
        .post(
            &format!("/hotline/calls/{call}"),
            &[
                ("category_id", &crisis),
                ("channel", "transfer"),
                ("started_at", &started),
                ("ended_at", ""),
                ("summary", &summary),
                ("anonymous", "yes"),
                ("ideation", "active"),
                ("plan", "vague"),
                ("timeframe", "week"),
                ("attempt", "none"),
                ("risk_level", "imminent"),
                ("risk_note", &note),
                ("outcome", "escalated"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app
        .text(&format!("SELECT risk_note_cipher FROM hotline_calls WHERE id = {call}"))
        .await
        .starts_with("x1."));
    let r = app.post(&format!("/hotline/calls/{call}/case"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = app.scalar(&format!("SELECT case_id FROM hotline_calls WHERE id = {call}")).await;
    let v = app.scalar(&format!("SELECT version FROM hotline_cases WHERE id = {case}")).await.to_string();
    let r = app
        .post(
            &format!("/hotline/cases/{case}"),
            &[("assessment", &secret("assessment")), ("plan", &secret("plan")), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = app.scalar(&format!("SELECT MIN(id) FROM hotline_followups WHERE case_id = {case}")).await;
    let r = app.post(&format!("/hotline/cases/{case}/followups/{first}/done"), &[("note", &secret("followup"))]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The referral's destination name is not confidential: the scan must find it in the clear.
    let r = app
        .post(
            &format!("/hotline/cases/{case}/referrals"),
            &[("target_kind", "medical"), ("target_name", PLAIN), ("reason", &secret("reason"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v = app.scalar(&format!("SELECT version FROM hotline_cases WHERE id = {case}")).await.to_string();
    let r = app
        .post(
            &format!("/hotline/cases/{case}/close"),
            &[("reason", "resolved"), ("note", &secret("closure")), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Every field went in and reads back for the counsellor (so the scan below is of real text).
    let page = app.get(&format!("/hotline/cases/{case}")).await;
    for f in ["assessment", "plan", "followup", "reason", "closure"] {
        assert!(page.body.contains(&secret(f)), "{f} shown to the counsellor");
    }
    assert!(app.get(&format!("/hotline/calls/{call}")).await.body.contains(&note));
    app.logout().await;
    // The supervisor reads them too (reads are audited: the audit rows must hold no text either).
    app.login_ok("supervisor").await;
    assert!(app.get(&format!("/hotline/cases/{case}")).await.body.contains(&secret("assessment")));
    app.logout().await;

    // Not one column of one table holds any of them; the plain destination name is found (the
    // scan works).
    assert_eq!(columns_holding(&app, SECRET).await, Vec::<(String, String)>::new());
    let plain = columns_holding(&app, PLAIN).await;
    assert!(plain.contains(&("hotline_referrals".to_string(), "target_name".to_string())), "{plain:?}");
    // Nor the database's files, nor a dump of it.
    if app.db.is_postgres() {
        let dump = pg_dump(&app.config.database);
        assert!(dump.contains(PLAIN), "the dump holds the data");
        assert!(!dump.contains(SECRET), "no confidential text in a PostgreSQL dump");
    } else {
        assert!(in_sqlite_files(&app, PLAIN).await, "the files hold the data");
        assert!(!in_sqlite_files(&app, SECRET).await, "no confidential text in the SQLite files");
    }
});

both_backends!(a_system_administrator_sees_no_hotline_page_and_no_count, |mut app: TestApp| async move {
    // The sysadmin role holds no hotline permission.
    let admin_perms = app
        .scalar(
            "SELECT COUNT(*) FROM role_permissions p JOIN user_roles ur ON ur.role_id = p.role_id \
             JOIN users u ON u.id = ur.user_id WHERE u.username = 'admin' AND p.permission LIKE 'hotline.%'",
        )
        .await;
    assert_eq!(admin_perms, 0);
    app.login_ok("counsellor").await;
    high_risk_call(&mut app, "测试管理员不可见").await;
    app.logout().await;

    // Every hotline page and API route, with real record ids: 403.
    let token = app.token_for("admin").await;
    app.login_ok("admin").await;
    let mut walked = 0;
    for def in shegong::app::route_table() {
        let hotline = def.path.starts_with("/hotline") || def.path.starts_with("/api/v1/hotline");
        if !hotline || def.method != Method::GET {
            continue;
        }
        let (path, found) = crate::helpers::route_path(&app, &def, None, 0).await;
        assert!(found, "a record for {path}");
        if path.starts_with("/api/") {
            let (status, body) = app.api("GET", &path, Some(&token), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        } else {
            let r = app.get(&path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
            assert!(!r.body.contains("测试管理员不可见"));
        }
        walked += 1;
    }
    assert!(walked >= 15, "hotline routes walked: {walked}");

    // No count anywhere: the dashboard, the indicator catalogue and the indicator API hold no
    // hotline indicator, and no page shows the year's number of calls.
    let calls = shegong::demo::hotline::CALLS_2022;
    let grouped = format!("{},{:03}", calls / 1000, calls % 1000);
    for path in ["/", "/?period=2022", "/review/indicators", "/review/indicators?period=2022"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains("hotline."), "{path} names no hotline indicator");
        assert!(!r.body.contains("href=\"/hotline"), "{path} links no hotline page");
        assert!(!r.body.contains(&grouped) && !r.body.contains(&calls.to_string()), "{path} shows no call count");
    }
    for q in ["", "?period=2022"] {
        let (status, set) = app.api("GET", &format!("/api/v1/indicators{q}"), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{set}");
        let keys: Vec<&str> =
            set["indicators"].as_array().expect("list").iter().filter_map(|x| x["key"].as_str()).collect();
        assert!(!keys.is_empty() && keys.iter().all(|k| !k.starts_with("hotline.")), "{keys:?}");
        assert!(!set.to_string().contains(&calls.to_string()));
    }
    // A role that holds the permission does see them (the checks above can fail).
    let token = app.token_for("supervisor").await;
    let (_, set) = app.api("GET", "/api/v1/indicators?period=2022", Some(&token), None).await;
    let value = set["indicators"].as_array().and_then(|a| a.iter().find(|x| x["key"] == "hotline.calls")).cloned();
    assert_eq!(value.and_then(|v| v["value"].as_i64()), Some(calls as i64));
});
