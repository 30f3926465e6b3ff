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
