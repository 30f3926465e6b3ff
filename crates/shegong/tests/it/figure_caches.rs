//! The figures pages and the dashboard read their figures from a cache tagged with the `records`,
//! `access` and `units` data versions (`platform::cache::figures_page`, issue 15): a warm view
//! costs the statement reading the versions, a write to any register is seen by the next view on
//! every node, and every table a figure reads bumps one of those versions (the triggers of
//! migrations 0017, 0025 and 0027), checked on the schema itself.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use sea_orm::ConnectionTrait;

use crate::helpers::TestApp;
use crate::{both_backends, both_backends_with};
use shegong::platform::config::Config;

/// The platform's own tables: not registers, read by no figure, and so without a `records`
/// trigger. Users, roles and their units bump `access` (0017), which the figures are tagged with
/// too; the rest are sign-in, throttling, tokens, form submissions and the audit chain.
const NOT_REGISTERS: &[&str] = &[
    "api_tokens",
    "audit_head",
    "audit_log",
    "data_version",
    "form_submissions",
    "login_throttle",
    // The annual reviews are documents about the registers, read by no indicator or figures page
    // (a published review keeps its own snapshot of the figures).
    "review_figures",
    "review_templates",
    "reviews",
    "role_permissions",
    "role_units",
    "roles",
    "sessions",
    "user_roles",
    "users",
    "volunteer_throttle",
];

/// The figures pages and who may read each (the supervisor reads the hotline's).
const PAGES: &[(&str, &str)] = &[
    ("bureau", "/"),
    ("bureau", "/?year=2021"),
    ("bureau", "/review/indicators?period=2022-Q2"),
    ("bureau", "/services/figures?year=2022"),
    ("bureau", "/talent/figures?year=2022"),
    ("bureau", "/volunteers/figures?year=2022"),
    ("bureau", "/volunteers/figures?period=2022-05"),
    ("bureau", "/party/coverage"),
    ("supervisor", "/hotline/figures"),
    ("supervisor", "/"),
];

/// Every table of the schema (migrations applied).
async fn tables(app: &TestApp) -> BTreeSet<String> {
    let q = if app.db.is_postgres() {
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'"
    };
    names(app, q).await
}

/// The tables with a trigger of `prefix` (`data_version_records_`, …).
async fn triggered(app: &TestApp, prefix: &str) -> BTreeSet<String> {
    let q = if app.db.is_postgres() {
        format!(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
             WHERE t.tgname LIKE '{prefix}%' AND NOT t.tgisinternal"
        )
    } else {
        format!("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{prefix}%'")
    };
    names(app, &q).await
}

async fn names(app: &TestApp, q: &str) -> BTreeSet<String> {
    let rows = app.db.conn.query_all(shegong::platform::db::sql(app.db.backend(), q, vec![])).await.expect("names");
    rows.iter().map(|r| r.try_get_by_index::<String>(0).expect("name")).collect()
}

/// Whether `table` appears in `sql` as a name (not as part of a longer one).
fn names_table(sql: &str, table: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    sql.match_indices(table).any(|(i, _)| {
        let before = sql[..i].chars().next_back().is_none_or(|c| !word(c));
        let after = sql[i + table.len()..].chars().next().is_none_or(|c| !word(c));
        before && after
    })
}

// Every table of the schema is either a register with the `records` triggers of 0025/0027 or one
// of the platform's own tables named above; a table added later without its triggers fails here.
both_backends!(records_triggers_cover_every_register, |app: TestApp| async move {
    let all = tables(&app).await;
    let records = triggered(&app, "data_version_records_").await;
    for t in NOT_REGISTERS {
        assert!(all.contains(*t), "{t} is no table any more: take it off NOT_REGISTERS");
        assert!(!records.contains(*t), "{t} is listed as no register but has records triggers");
    }
    let missing: Vec<&String> =
        all.iter().filter(|t| !records.contains(*t) && !NOT_REGISTERS.contains(&t.as_str())).collect();
    assert!(
        missing.is_empty(),
        "registers without data_version_records_ triggers (add them in a migration): {missing:?}"
    );
    // The counts are the schema's: dozens of registers.
    assert!(records.len() > 60, "{}", records.len());
});

// Every table that a figures page, the dashboard, the catalogue or the engine reads bumps a
// counter the cached figures are tagged with (records, or access/units for the tree and the
// accounts): the statements are recorded on a node of their own and their tables found in the
// schema.
both_backends!(every_table_a_figure_reads_bumps_its_tag, |app: TestApp| async move {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut node = app.other_node().await;
    let seen = log.clone();
    node.db.conn.set_metric_callback(move |info| {
        seen.lock().unwrap_or_else(|e| e.into_inner()).push(info.statement.sql.clone());
    });
    node.router = shegong::app::build(shegong::platform::AppState::new(node.db.clone(), node.config.clone(), None));
    let mut user = "";
    for (who, path) in PAGES {
        if *who != user {
            node.login_ok(who).await;
            user = who;
        }
        let r = node.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{who} {path}");
    }
    // The engine for a month and a range too, straight from the records.
    let city = app.scalar("SELECT id FROM org_units WHERE parent_id IS NULL").await;
    let path = app.text(&format!("SELECT path FROM org_units WHERE id = {city}")).await;
    for p in ["2022-03", "2022-06-01..2022-09-30"] {
        let period = shegong::platform::period::Period::parse(p).expect("period");
        let ask = shegong::platform::indicator::Ask::new(period, city, &path, shegong::platform::access::Scope::all());
        shegong::review::figures::compute_uncached(&node.db.conn, &ask).await.expect("engine");
    }
    let statements = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
    assert!(statements.len() > 50, "{} statements recorded", statements.len());
    let mut tagged = triggered(&app, "data_version_records_").await;
    // The tree (units) and the accounts (access) of 0017.
    for t in ["org_units", "users", "roles", "role_permissions", "role_units", "user_roles"] {
        tagged.insert(t.to_string());
    }
    // Sign-in's own statements (the session, its throttle) and the versions row are not figures.
    let not_figures = ["sessions", "login_throttle", "data_version", "audit_log", "audit_head", "api_tokens"];
    let mut read = BTreeSet::new();
    for t in tables(&app).await {
        if statements.iter().any(|s| names_table(s, &t)) {
            read.insert(t);
        }
    }
    let untagged: Vec<&String> =
        read.iter().filter(|t| !tagged.contains(*t) && !not_figures.contains(&t.as_str())).collect();
    assert!(untagged.is_empty(), "figures read tables whose changes no tag sees: {untagged:?}");
    // What was recorded means something: the volunteers' roll-ups and the hotline's escalations,
    // which 0025 missed, are among the tables read.
    for t in ["volunteer_summary_months", "hotline_escalations", "volunteer_service_types"] {
        assert!(read.contains(t), "{t} not read: {read:?}");
    }
});

/// Every request reads its session in the database: what a statement count needs to be exact.
fn recheck_always(c: &mut Config) {
    c.security.session_recheck_ms = 0;
}

// A warm figures page, the dashboard and the catalogue cost the session and the data versions:
// two statements, however many figures they show.
both_backends_with!(warm_figures_pages_cost_two_statements, recheck_always, |mut app: TestApp| async move {
    let mut user = "";
    for (who, path) in PAGES {
        if *who != user {
            app.login_ok(who).await;
            user = who;
        }
        let first = app.db.statements();
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
        let cold = app.db.statements() - first;
        let before = app.db.statements();
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
        let warm = app.db.statements() - before;
        // The catalogue's unit picker is cached by the units version (no statement when warm).
        assert_eq!(warm, 2, "{who} {path}: session and versions only (cold: {cold})");
        assert!(cold > warm, "{path} was computed once ({cold} statements)");
    }
});

/// The page as another node with empty caches renders it for the same session.
async fn fresh(app: &TestApp, path: &str) -> String {
    let mut b = app.other_node().await;
    b.cookies = app.cookies.clone();
    b.csrf = app.csrf.clone();
    let r = b.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}");
    r.body
}

// After a write to a register a page reads (those of migration 0027 among them), the cached page
// shows what a node with empty caches computes from the records, and the write is visible.
both_backends!(cached_pages_follow_writes, |mut app: TestApp| async move {
    let writes: &[(&str, &str, &str)] = &[
        (
            "bureau",
            "/services/figures?year=2022",
            "UPDATE projects SET amount_fen = amount_fen + 123400 WHERE id = (SELECT MIN(id) FROM projects WHERE year = 2022)",
        ),
        (
            "bureau",
            "/volunteers/figures?year=2022",
            "UPDATE volunteer_summary_months SET minutes = minutes + 600000, person_times = person_times + 1000 \
             WHERE month = (SELECT MIN(month) FROM volunteer_summary_months WHERE month >= '2022-01-01')",
        ),
        (
            "bureau",
            "/volunteers/figures?year=2022",
            "UPDATE volunteer_service_types SET name = 'test-type-name' WHERE id = (SELECT MIN(service_type_id) FROM volunteer_summary_months)",
        ),
        (
            "bureau",
            "/talent/figures?year=2022",
            "DELETE FROM qualifications WHERE id = (SELECT MIN(id) FROM qualifications WHERE exam_year = 2022)",
        ),
        (
            "bureau",
            "/party/coverage",
            "UPDATE organisations SET status = 'revoked' WHERE id = (SELECT MIN(id) FROM organisations WHERE status = 'normal')",
        ),
        (
            "bureau",
            "/",
            "UPDATE honours SET year = 2021 WHERE id = (SELECT MIN(id) FROM honours WHERE year = 2022)",
        ),
        (
            "supervisor",
            "/hotline/figures",
            "UPDATE hotline_calls SET risk_level = 'imminent' WHERE id = (SELECT MIN(id) FROM hotline_calls WHERE risk_level <> 'imminent')",
        ),
    ];
    let mut user = "";
    for (who, path, write) in writes {
        if *who != user {
            app.login_ok(who).await;
            user = who;
        }
        let before = app.get(path).await.body;
        assert_eq!(app.get(path).await.body, before, "{path}: a second view reads the same");
        app.exec(write).await;
        let after = app.get(path).await.body;
        assert_ne!(after, before, "{path}: the write is visible ({write})");
        assert_eq!(after, fresh(&app, path).await, "{path}: the cached page equals the records after {write}");
    }
});
