//! The bulk import of volunteers' service records (issue 13, item 5):
//! `cargo bench -p shegong --bench volunteer_import [-- ROWS]` (default 100,000).
//! A temporary SQLite database with the Kunshan demo data; a file of ROWS records of the demo's
//! volunteers in its communities, written as xlsx and as CSV; the raw calamine parse of the
//! xlsx (the floor any xlsx import stands on) beside the kit's checked read and the whole
//! import (checks, records, summary, one audit row per record, one transaction) of each file.
//! Each import starts from the same database (the file is imported into a copy).

use std::time::Instant;

use calamine::Reader;
use sea_orm::ConnectionTrait;
use shegong::platform::access::Scope;
use shegong::platform::audit::{self, Actor};
use shegong::platform::config::Config;
use shegong::platform::db::Db;
use shegong::platform::import::{Format, ImportCtx};
use shegong::platform::xlsx::{self, Cell};
use shegong::volunteers::import::{COLUMNS, RECORDS};

fn config(database: &str, dir: &std::path::Path) -> Config {
    let mut cfg = Config { database: database.to_string(), ..Config::default() };
    cfg.audit.key =
        Some(shegong::platform::config::Secret::new(shegong::platform::web::random_token(32).expect("random")));
    cfg.audit.key_id = "bench".into();
    cfg.data_dir = dir.to_string_lossy().to_string();
    cfg
}

async fn open(cfg: &Config) -> Db {
    let db = Db::connect(&cfg.database, 10).await.expect("connect");
    db.migrate().await.expect("migrate");
    audit::setup(db, cfg, false).expect("audit keys").0
}

async fn texts(db: &Db, q: &str) -> Vec<String> {
    let rows = db.conn.query_all(sea_orm::Statement::from_string(db.backend(), q.to_string())).await.expect(q);
    rows.iter().map(|r| r.try_get_by_index::<String>(0).expect("text")).collect()
}

async fn scalar(db: &Db, q: &str) -> i64 {
    let r = db.conn.query_one(sea_orm::Statement::from_string(db.backend(), q.to_string())).await.expect(q);
    r.expect("row").try_get_by_index::<i64>(0).expect("number")
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = tmp.path().join("base.db");
    let cfg = config(base.to_str().expect("path"), tmp.path());
    shegong::platform::vault::setup(&cfg, true).expect("pii key");
    let db = open(&cfg).await;
    shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, "Bench-Passw0rd-Ks", 1).await.expect("demo");
    let volunteers = texts(&db, "SELECT volunteer_no FROM volunteers ORDER BY id").await;
    let communities =
        texts(&db, "SELECT DISTINCT u.path FROM volunteer_records r JOIN org_units u ON u.id = r.unit_id ORDER BY 1")
            .await;
    let types = texts(&db, "SELECT name FROM volunteer_service_types WHERE active ORDER BY id").await;
    db.conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint");
    drop(db);

    // The file: every volunteer, community and type in turn over 2022.
    let start = chrono::NaiveDate::from_ymd_opt(2022, 3, 1).expect("date");
    let rows: Vec<Vec<Cell>> = (0..n)
        .map(|i| {
            vec![
                Cell::Text(volunteers[i % volunteers.len()].clone()),
                Cell::Date(start + chrono::Duration::days((i % 200) as i64)),
                Cell::Text(communities[(i / 7) % communities.len()].clone()),
                Cell::Text(types[i % types.len()].clone()),
                Cell::Int(30 + (i % 8) as i64 * 30),
                Cell::Int((i % 13) as i64),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]
        })
        .collect();
    let t = Instant::now();
    let file = xlsx::write(COLUMNS, &rows).expect("xlsx");
    println!("rows {n}, xlsx {:.1} MB (written in {:.0} ms)", file.len() as f64 / 1e6, ms(t));
    let mut csv = String::from("volunteer_no,service_date,community,service_type,minutes,person_times\n");
    for r in &rows {
        let t = |c: &Cell| match c {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.to_string(),
            _ => String::new(),
        };
        csv.push_str(&format!("{},{},{},{},{},{}\n", t(&r[0]), t(&r[1]), t(&r[2]), t(&r[3]), t(&r[4]), t(&r[5])));
    }
    println!("csv {:.1} MB", csv.len() as f64 / 1e6);

    // The raw calamine parse of the same file: open, read the first sheet's range.
    let t = Instant::now();
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(file.as_slice())).expect("open");
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).expect("sheet");
    println!("{:<52} {:>10.0} ms ({} rows)", "raw calamine parse (worksheet_range)", ms(t), range.height());
    let t = Instant::now();
    let sheet = xlsx::read_limited(&file, COLUMNS, shegong::volunteers::import::MAX_RECORD_ROWS).expect("read");
    println!("{:<52} {:>10.0} ms ({} errors)", "kit read (streamed, every cell checked)", ms(t), sheet.errors.len());
    drop(sheet);

    // `VOLUNTEER_IMPORT_CSV_FIRST=1` imports the CSV first (to see whether the order matters).
    let mut files = vec![("xlsx", Format::Xlsx, file.as_slice()), ("csv", Format::Csv, csv.as_bytes())];
    if std::env::var_os("VOLUNTEER_IMPORT_CSV_FIRST").is_some() {
        files.reverse();
    }
    for (name, format, bytes) in files {
        let copy = tmp.path().join(format!("{name}.db"));
        std::fs::copy(&base, &copy).expect("copy");
        let cfg = config(copy.to_str().expect("path"), tmp.path());
        let db = open(&cfg).await;
        let before = scalar(&db, "SELECT COUNT(*) FROM volunteer_records").await;
        let actor = Actor { id: None, name: "bench".into(), ip: String::new() };
        let scope = Scope::all();
        let ctx =
            ImportCtx { db: &db, actor: &actor, scope: &scope, today: shegong::platform::time::today(), parent: None };
        let t = Instant::now();
        let report = RECORDS.import(&ctx, format, bytes).await.expect("import");
        let took = ms(t);
        assert!(report.committed(), "{:?}", &report.errors[..report.errors.len().min(5)]);
        let after = scalar(&db, "SELECT COUNT(*) FROM volunteer_records").await;
        assert_eq!(after - before, n as i64);
        let summary = scalar(&db, "SELECT SUM(minutes) FROM volunteer_summary").await;
        let raw = scalar(&db, "SELECT SUM(minutes) FROM volunteer_records").await;
        assert_eq!(summary, raw, "the summary equals the records");
        println!("{:<52} {:>10.0} ms", format!("import {name}: {n} records, summary, audit, commit"), took);
    }
}
