//! The import/export registry on the command line: every kind exports, and the files of one
//! database import into a fresh one (`shegong init`) with the same rows.

use sea_orm::ConnectionTrait;
use shegong::platform::db::Db;
use shegong::platform::i18n::Lang;
use shegong::platform::import::Exchange;

use crate::both_backends;
use crate::helpers::{self, TestApp};

/// The rows of a query, every column as text (cast in SQL, so both databases compare alike).
async fn rows(db: &Db, columns: usize, q: &str) -> Vec<Vec<Option<String>>> {
    let stmt = sea_orm::Statement::from_string(db.backend(), q.to_string());
    let mut out = Vec::new();
    for r in db.conn.query_all(stmt).await.expect(q) {
        out.push((0..columns).map(|i| r.try_get_by_index::<Option<String>>(i).expect("text column")).collect());
    }
    out
}

/// Natural keys and fields of what units, departments, organisations and the Party
/// organisations of organisations hold (ids left out: a fresh database numbers its own rows; a
/// station's own branch belongs to the station, which is not a kind of file).
const SAME_ROWS: &[(&str, usize, &str)] = &[
    (
        "units",
        6,
        "SELECT path, name, name_en, kind, CAST(division_code AS TEXT), CAST(sort_order AS TEXT) \
         FROM org_units WHERE active = TRUE ORDER BY path",
    ),
    (
        "departments",
        6,
        "SELECT code, name, name_en, CAST(lead AS TEXT), CAST(on_committee AS TEXT), CAST(active AS TEXT) \
         FROM departments ORDER BY code",
    ),
    (
        "orgs",
        14,
        "SELECT o.credit_code, o.name, o.org_type, u.path, d.code, CAST(o.registered_on AS TEXT), o.status, \
         CAST(o.status_on AS TEXT), o.grade, CAST(o.grade_year AS TEXT), o.address, o.legal_rep, o.contact_phone, \
         CAST(o.is_agency AS TEXT) FROM organisations o JOIN org_units u ON u.id = o.unit_id \
         LEFT JOIN departments d ON d.id = o.department_id ORDER BY o.credit_code",
    ),
    (
        "party-orgs",
        8,
        "SELECT p.name, p.kind, u.path, CAST(p.members AS TEXT), p.secretary, CAST(p.established_on AS TEXT), \
         CAST(p.in_action_plan AS TEXT), \
         (SELECT CAST(COUNT(*) AS TEXT) FROM party_org_members m WHERE m.party_org_id = p.id) \
         FROM party_orgs p JOIN org_units u ON u.id = p.unit_id WHERE p.dissolved_on IS NULL \
         AND EXISTS (SELECT 1 FROM party_org_members m WHERE m.party_org_id = p.id) ORDER BY p.name, u.path",
    ),
];

// `shegong export KIND FILE` for every kind of the registry, `shegong init` of a fresh
// database, `shegong import KIND FILE` of the kinds a fresh database can take (units,
// departments, organisations, Party organisations): the same rows. Units used to be refused
// ("市(县)" was not an allowed type label).
both_backends!(exports_import_back_into_a_fresh_database, |app: TestApp| async move {
    let dir = tempfile::tempdir().expect("tempdir");
    let all = shegong::app::exchanges();
    let file = |kind: &str| dir.path().join(format!("{kind}.xlsx")).to_string_lossy().to_string();
    let exported = Exchange::names(&all, false);
    for kind in ["units", "departments", "orgs", "party-orgs", "activities", "workers", "projects", "payments"] {
        assert!(exported.contains(&kind), "{kind} exports");
    }
    for kind in &exported {
        let (code, text) = shegong::cli::export_file(&app.db, kind, &file(kind), Lang::En).await.expect("export");
        assert_eq!(code, 0, "{kind}: {text}");
        let bytes = std::fs::read(file(kind)).expect("exported file");
        assert!(shegong::platform::xlsx::sniff_xlsx(&bytes), "{kind} is an xlsx");
    }
    let orgs = std::fs::read(file("orgs")).expect("orgs file");
    let sheet = shegong::platform::xlsx::read(&orgs, shegong::orgs::import::XLSX_COLUMNS).expect("orgs read back");
    let unit_name = shegong::orgs::import::XLSX_COLUMNS.iter().position(|c| c.key == "unit_name").expect("column");
    assert!(
        sheet.rows.iter().all(|(_, cells)| cells[unit_name].text().is_some_and(|t| !t.is_empty())),
        "units named by path and name"
    );

    // A fresh database through `shegong init` (the function the binary calls, without its log
    // set-up, which is process-wide).
    let (fresh_url, pg) = if app.db.is_postgres() {
        let (_, _, url) = helpers::new_postgres_database().await.expect("a PostgreSQL database");
        (url, true)
    } else {
        (dir.path().join("fresh.db").to_string_lossy().to_string(), false)
    };
    let cfg = helpers::test_config(&fresh_url);
    shegong::cli::init(&cfg, Lang::En).await.expect("init");
    let fresh = helpers::open_db(&cfg).await;
    assert_eq!(rows(&fresh, 1, "SELECT path FROM org_units").await.len(), 0, "a fresh database has no units");

    for (kind, columns, q) in SAME_ROWS {
        let (code, text) = shegong::cli::import_file(&fresh, kind, &file(kind), Lang::En).await.expect("import");
        assert_eq!(code, 0, "{kind}: {text}");
        let (before, after) = (rows(&app.db, *columns, q).await, rows(&fresh, *columns, q).await);
        assert!(!before.is_empty(), "{kind}: the demo has rows");
        assert_eq!(before.len(), after.len(), "{kind}: as many rows");
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b, a, "{kind}: the same row");
        }
    }
    assert!(shegong::cli::check(&fresh).await.expect("check").is_empty(), "the imports keep the audit chain");
    if pg {
        helpers::finish(fresh).await;
    }
});

/// Every cell of the first sheet as calamine reads it, as text.
fn sheet_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let first = wb.sheet_names().into_iter().next().expect("a sheet");
    let range = wb.worksheet_range(&first).expect("the sheet");
    range.rows().map(|r| r.iter().map(|d| d.to_string()).collect()).collect()
}

// The web export of each kind of the registry used to call its domain directly (other columns,
// other labels, the plan's own layout): it now runs the same exporter as `shegong export KIND`,
// so a city-wide user gets the rows the command line writes. A reader who may see phones (the
// Bureau) gets the organisations as the operator does; the workers' register is masked for the
// operator, so it is compared for a reader without the reveal right (the leader).
both_backends!(web_exports_are_the_command_line_exports, |mut app: TestApp| async move {
    let dir = tempfile::tempdir().expect("tempdir");
    let all = shegong::app::exchanges();
    let plan = app.scalar("SELECT MIN(id) FROM action_plans").await;
    let plans = app.scalar("SELECT COUNT(*) FROM action_plans").await;
    let web: Vec<(&str, &str, String)> = vec![
        ("units", "bureau", "/units/export.xlsx".into()),
        ("orgs", "bureau", "/orgs/export.xlsx".into()),
        ("party-orgs", "bureau", "/party/orgs/export.xlsx".into()),
        ("activities", "bureau", format!("/party/plans/{plan}/export.xlsx")),
        ("projects", "bureau", "/services/export/projects.xlsx".into()),
        ("payments", "bureau", "/services/export/payments.xlsx".into()),
        ("workers", "leader", "/talent/workers/export.xlsx".into()),
    ];
    let mut signed_in = "";
    for (kind, user, path) in &web {
        let exchange = Exchange::find(&all, kind).expect("a kind of the registry");
        let file = dir.path().join(format!("{kind}.xlsx")).to_string_lossy().to_string();
        let (code, text) = shegong::cli::export_file(&app.db, kind, &file, Lang::Zh).await.expect("export");
        assert_eq!(code, 0, "{kind}: {text}");
        let cli = sheet_cells(&std::fs::read(&file).expect("the file"));
        if signed_in != *user {
            if !signed_in.is_empty() {
                app.logout().await;
            }
            app.login_ok(user).await;
            signed_in = user;
        }
        let audits = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = '{}'",
                exchange.entity
            ))
            .await;
        let (status, bytes) = app.get_bytes(path).await;
        assert_eq!(status, axum::http::StatusCode::OK, "{kind}: {path}");
        let page = sheet_cells(&bytes);
        assert!(cli.len() > 1, "{kind}: the demo has rows");
        if *kind == "activities" && plans > 1 {
            // One plan's activities: the command line's rows of that plan.
            let title = app.text(&format!("SELECT title FROM action_plans WHERE id = {plan}")).await;
            let col = cli[0].iter().position(|h| h.contains("行动计划")).expect("plan column");
            let of_plan: Vec<_> =
                cli.iter().enumerate().filter(|(i, r)| *i == 0 || r[col] == title).map(|(_, r)| r.clone()).collect();
            assert_eq!(page, of_plan, "{kind}: the same rows");
        } else {
            assert_eq!(page, cli, "{kind}: the web export is the command line's");
        }
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = '{}'",
                exchange.entity
            ))
            .await,
            audits + 1,
            "{kind}: the web export is audited"
        );
    }
    // Every export route of a list is in the list above (the stations' is not a kind of the
    // registry: stations are set up one by one, never imported; nor is the national hours report).
    for def in shegong::app::route_table() {
        let listed = web.iter().any(|(_, _, p)| *p == def.path) || def.path == "/party/plans/{id}/export.xlsx";
        if (def.path.ends_with("export.xlsx") || def.path.starts_with("/services/export/"))
            && def.path != "/stations/export.xlsx"
            // The hours for the national volunteer system: a report in that system's columns,
            // not a register that imports back.
            && def.path != "/volunteers/records/export.xlsx"
        {
            assert!(listed, "{} goes through the registry", def.path);
        }
    }
});

// Exports are saved under an ASCII name (kind, unit code, year) that every browser keeps, with
// the name in the reader's language (RFC 5987) for those that read it; the localised name used to
// be the only one, so that the ASCII fallback was "____.xlsx".
both_backends!(exports_are_named_by_kind_unit_code_and_year, |mut app: TestApp| async move {
    use shegong::platform::i18n::{t, Lang};
    let year = shegong::platform::period::this_year();
    let root = app.text("SELECT code FROM org_units WHERE parent_id IS NULL ORDER BY sort_order, id").await;
    let (root_zh, root_en) = (
        app.text("SELECT name FROM org_units WHERE parent_id IS NULL ORDER BY sort_order, id").await,
        app.text("SELECT name_en FROM org_units WHERE parent_id IS NULL ORDER BY sort_order, id").await,
    );
    assert!(!root_en.is_empty(), "the demo's city has an English name");
    app.login_ok("bureau").await;
    let pct = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    for (lang, unit) in [("zh-CN", &root_zh), ("en", &root_en)] {
        app.get(&format!("/lang/{lang}?next=/")).await;
        let l = if lang == "en" { Lang::En } else { Lang::Zh };
        let r = app.get("/orgs/export.xlsx?status=normal").await;
        assert_eq!(r.status, axum::http::StatusCode::OK);
        let cd = r.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let local = format!("{}-{unit}-{year}.xlsx", t(l, "orgs.export_name"));
        assert_eq!(cd, format!("attachment; filename=\"orgs-{root}-{year}.xlsx\"; filename*=UTF-8''{}", pct(&local)));
    }
    // The station manager's files are named by the town.
    app.logout().await;
    app.login_ok("station").await;
    let town =
        app.text("SELECT u.code FROM users s JOIN org_units u ON u.id = s.unit_id WHERE s.username = 'station'").await;
    let r = app.get("/talent/workers/export.xlsx").await;
    let cd = r.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(cd.starts_with(&format!("attachment; filename=\"workers-{town}-{year}.xlsx\"; filename*=UTF-8''")), "{cd}");
    // Services figures are named by the unit and year they show.
    let r = app.get("/services/figures.xlsx?year=2022").await;
    let cd = r.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(cd.starts_with(&format!("attachment; filename=\"services-figures-{town}-2022.xlsx\"")), "{cd}");
});
