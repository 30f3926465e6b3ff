//! Foundation benchmarks: `cargo bench -p shegong --bench foundation`.
//! Plain timing (median of repeated runs) against a temporary SQLite database with the Kunshan
//! demo data, through the in-process router, so that figures include routing, access checks,
//! SQL and template rendering. Set SHEGONG_BENCH_POSTGRES=postgres://… to run on PostgreSQL too.
//! Two sections, each on its own fresh database: `foundation` (units, organisations, Party
//! coverage, imports, audit chain) and `services` (purchased services at demo size and with 5,000
//! synthetic projects, project and payment imports), and `review` (the 2022 Kunshan review as
//! HTML, Word and PDF); `-- services` runs one of them.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use shegong::app;
use shegong::platform::audit::{self, Actor, Event};
use shegong::platform::config::Config;
use shegong::platform::db::Db;
use shegong::platform::AppState;
use tower::ServiceExt;

#[path = "foundation/review.rs"]
mod review;

const PASSWORD: &str = "Bench-Passw0rd-Ks";

/// A configuration for `database` with a fresh audit key and a temporary data directory.
fn bench_config(database: &str) -> Config {
    let mut cfg = Config { database: database.to_string(), ..Config::default() };
    cfg.audit.key =
        Some(shegong::platform::config::Secret::new(shegong::platform::web::random_token(32).expect("random")));
    cfg.audit.key_id = "bench".into();
    let dir = std::env::temp_dir()
        .join(format!("shegong-bench-{}", shegong::platform::web::random_token(4).expect("random")));
    cfg.data_dir = dir.to_string_lossy().to_string();
    cfg
}

/// Connects, migrates and loads the audit keys and the personal-data key of `cfg` (the demo seals
/// the hotline's texts).
async fn open(cfg: &Config) -> Db {
    shegong::platform::vault::setup(cfg, true).expect("pii key");
    let db = Db::connect(&cfg.database, 10).await.expect("connect");
    db.migrate().await.expect("migrate");
    audit::setup(db, cfg, false).expect("audit keys").0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn report(name: &str, runs: usize, d: Duration) {
    println!("{name:<58} {:>10.2} ms   (median of {runs})", d.as_secs_f64() * 1000.0);
}

async fn time<F, Fut>(name: &str, runs: usize, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        v.push(t.elapsed());
    }
    report(name, runs, median(v));
}

async fn session_cookie(router: &axum::Router, user: &str) -> String {
    let r = router.clone().oneshot(Request::get("/login").body(Body::empty()).expect("req")).await.expect("resp");
    let csrf_cookie = r
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sg_csrf="))
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    let token = csrf_cookie.trim_start_matches("sg_csrf=").to_string();
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("username", user),
        ("password", PASSWORD),
        ("next", "/"),
    ])
    .expect("form");
    let r = router
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::COOKIE, &csrf_cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("req"),
        )
        .await
        .expect("resp");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login");
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sg_session="))
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .to_string()
}

async fn get(router: &axum::Router, path: &str, cookie: &str) -> usize {
    let r = router
        .clone()
        .oneshot(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("req"))
        .await
        .expect("resp");
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.into_body().collect().await.expect("body").to_bytes().len()
}

async fn run(label: &str, database: &str) {
    println!("\n== {label} ==");
    let cfg = bench_config(database);
    let db = open(&cfg).await;
    let t = Instant::now();
    shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, PASSWORD, 1).await.expect("demo");
    report("demo data (342 units, 1,500 organisations, 285 Party orgs, users)", 1, t.elapsed());
    let state = AppState::new(db.clone(), cfg.clone(), None);
    let router = app::build(state);

    time("sign-in (argon2id 19 MiB, t=2) incl. session", 5, || async {
        session_cookie(&router, "bureau").await;
    })
    .await;
    let bureau = session_cookie(&router, "bureau").await;
    let station = session_cookie(&router, "station").await;
    time("GET / dashboard, station manager (周市 scope)", 50, || async {
        get(&router, "/", &station).await;
    })
    .await;
    time("GET /units/list page 1, bureau (all 342 units)", 50, || async {
        get(&router, "/units/list", &bureau).await;
    })
    .await;
    time("GET /units/list?per_page=200, bureau", 20, || async {
        get(&router, "/units/list?per_page=200", &bureau).await;
    })
    .await;
    time("GET /api/v1/units?per_page=200, station (scoped)", 50, || async {
        get(&router, "/api/v1/units?per_page=200", &station).await;
    })
    .await;
    time("GET /units (tree), bureau", 50, || async {
        get(&router, "/units", &bureau).await;
    })
    .await;
    time("GET /orgs page 1, bureau (1,500 organisations)", 50, || async {
        get(&router, "/orgs", &bureau).await;
    })
    .await;
    time("GET /orgs?q=协会&party=no, bureau (search + filter)", 50, || async {
        get(&router, "/orgs?q=%E5%8D%8F%E4%BC%9A&party=no", &bureau).await;
    })
    .await;
    time("GET /party/coverage, bureau (city, 12 lines + chart)", 20, || async {
        get(&router, "/party/coverage", &bureau).await;
    })
    .await;
    time("GET /api/v1/coverage, station (周市)", 50, || async {
        get(&router, "/api/v1/coverage", &station).await;
    })
    .await;

    // 2,000 organisations in one xlsx through the registry rules, all or nothing.
    let org_rows: Vec<Vec<shegong::platform::xlsx::Cell>> = (0..2000u32)
        .map(|i| {
            use shegong::platform::xlsx::Cell;
            let code = cncodes::CreditCode::complete(&format!("51320583MJ8{i:06}"))
                .map(|c| c.as_str().to_string())
                .unwrap_or_default();
            vec![
                Cell::Text(code),
                Cell::Text(format!("昆山市基准测试第{i}协会")),
                Cell::Enum("social_group"),
                Cell::Text("/320583/zhoushi/".into()),
                Cell::Text("昆山市民政局".into()),
                Cell::Date(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default()),
                Cell::Enum("normal"),
                Cell::Empty,
                Cell::Empty,
                Cell::Text("昆山市周市镇".into()),
                Cell::Text("张三".into()),
                Cell::Text("13900001234".into()),
            ]
        })
        .collect();
    let org_bytes = shegong::platform::xlsx::write(shegong::orgs::import::XLSX_COLUMNS, &org_rows).expect("xlsx");
    let t = Instant::now();
    let (actor, scope) = (Actor::system("bench"), shegong::platform::access::Scope::all());
    let rep = shegong::orgs::import::import_xlsx(&import_ctx(&db, &actor, &scope), &org_bytes).await.expect("import");
    assert!(rep.committed() && rep.created == 2000, "{:?}", rep.errors.first());
    report(
        &format!("xlsx import of 2,000 organisations ({} KB), all rules + audit", org_bytes.len() / 1024),
        1,
        t.elapsed(),
    );

    // 2,000-row xlsx import through the kit and the unit rules, all in one transaction.
    let city = shegong::units::store::get_by_path(&db.conn, "/320583/").await.expect("q").expect("city");
    let _ = city;
    let rows: Vec<Vec<shegong::platform::xlsx::Cell>> = (0..2000)
        .map(|i| {
            use shegong::platform::xlsx::Cell;
            vec![
                Cell::Text("/320583/zhoushi/".into()),
                Cell::Text(format!("bench-{i}")),
                Cell::Text(format!("基准社区{i}")),
                Cell::Empty,
                Cell::Enum("community"),
                Cell::Text("320583102".into()),
                Cell::Int(i),
            ]
        })
        .collect();
    let bytes = shegong::platform::xlsx::write(shegong::units::import::XLSX_COLUMNS, &rows).expect("xlsx");
    let t = Instant::now();
    let (actor, scope) = (Actor::system("bench"), shegong::platform::access::Scope::all());
    let rep = shegong::units::import::import_xlsx(&import_ctx(&db, &actor, &scope), &bytes).await.expect("import");
    assert!(rep.committed() && rep.created == 2000, "{:?}", rep.errors.first());
    report(&format!("xlsx import of 2,000 units ({} KB), validated + audited", bytes.len() / 1024), 1, t.elapsed());

    // Audit chain: 10,000 more rows, then a full verification.
    let tx = db.write().await.expect("tx");
    let t = Instant::now();
    for i in 0..10_000 {
        audit::record(&*tx, &Actor::system("bench"), Event::new("bench", "bench", i)).await.expect("audit");
    }
    tx.commit().await.expect("commit");
    report("append 10,000 audit rows (one transaction)", 1, t.elapsed());
    let t = Instant::now();
    let chain = audit::verify(&db).await.expect("verify");
    assert!(chain.problems.is_empty(), "{:?}", chain.problems.first());
    report(&format!("verify audit chain ({} rows)", chain.rows), 1, t.elapsed());
    let t = Instant::now();
    audit::checkpoint(&db).await.expect("checkpoint");
    report("write one audit checkpoint (append + fsync)", 1, t.elapsed());
    hash_cost();
}

/// The CPU cost of one row's hash: plain SHA-256 (before keys) against HMAC-SHA256.
fn hash_cost() {
    let keys = audit::installed().expect("keys");
    let mut row = audit::AuditRow {
        id: 1,
        at: chrono::Utc::now(),
        actor_id: Some(3),
        actor_name: "bureau".into(),
        ip: "10.0.0.7".into(),
        action: "update".into(),
        entity: "organisation".into(),
        entity_id: "1234".into(),
        unit_id: Some(17),
        before_json: Some(r#"{"name":"昆山市周市镇社会工作服务中心","phone":"138****5678","status":"active"}"#.into()),
        after_json: Some(
            r#"{"name":"昆山市周市镇社会工作服务中心","phone":"138****5678","status":"suspended"}"#.into(),
        ),
        prev_hash: "ab".repeat(32),
        hash: String::new(),
        key_id: None,
    };
    for (label, key_id) in
        [("SHA-256 (legacy rows)", None), ("HMAC-SHA256 (keyed rows)", Some(keys.signing_id().to_string()))]
    {
        row.key_id = key_id;
        let t = Instant::now();
        let mut last = String::new();
        for i in 0..100_000 {
            row.id = i;
            last = audit::hash_row(&row, &keys).expect("hash");
        }
        assert_eq!(last.len(), 64);
        report(&format!("hash 100,000 audit rows, {label}"), 1, t.elapsed());
    }
}

/// Bench sections: `cargo bench -p shegong --bench foundation -- services` runs only the
/// sections whose name contains the argument (`foundation`, `services`, `review`).
fn wanted(section: &str) -> bool {
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    only.is_empty() || only.iter().any(|o| section.contains(o.as_str()))
}

#[tokio::main]
async fn main() {
    // SHEGONG_BENCH_KEEP=dir keeps the databases (SQLite files in dir, PostgreSQL databases not
    // dropped) for looking at query plans afterwards.
    let keep = std::env::var("SHEGONG_BENCH_KEEP").ok();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = keep.as_ref().map(std::path::PathBuf::from).unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("dir");
    let pid = std::process::id();
    if wanted("foundation") {
        let path = dir.join(format!("bench_{pid}_foundation.db"));
        run("SQLite (WAL, synchronous=FULL)", path.to_str().expect("path")).await;
    }
    if wanted("services") {
        let path = dir.join(format!("bench_{pid}_services.db"));
        services::run("SQLite (WAL, synchronous=FULL)", path.to_str().expect("path")).await;
    }
    if wanted("review") {
        let path = dir.join(format!("bench_{pid}_review.db"));
        review::run("SQLite (WAL, synchronous=FULL)", path.to_str().expect("path")).await;
    }
    if let Ok(url) = std::env::var("SHEGONG_BENCH_POSTGRES") {
        let admin = Db::connect(&url, 1).await.expect("pg");
        let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(url.clone());
        for section in ["foundation", "services", "review"].into_iter().filter(|s| wanted(s)) {
            // A fresh database per section, so that each section starts from the demo data alone.
            let name = format!("shegong_bench_{pid}_{section}");
            sea_orm::ConnectionTrait::execute_unprepared(&admin.conn, &format!("CREATE DATABASE {name}"))
                .await
                .expect("create");
            let url = format!("{base}/{name}");
            match section {
                "foundation" => run("PostgreSQL", &url).await,
                "review" => review::run("PostgreSQL", &url).await,
                _ => services::run("PostgreSQL", &url).await,
            }
            if keep.is_some() {
                println!("kept PostgreSQL database {name}");
                continue;
            }
            let _ = sea_orm::ConnectionTrait::execute_unprepared(
                &admin.conn,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await;
        }
    }
    if keep.is_some() {
        println!("kept SQLite databases in {}", dir.display());
    }
}

/// Purchased services: the pages and the API for the Bureau (whole city) and the 周市 station
/// manager on the 35 demo projects, again after 5,000 synthetic projects, then the imports.
mod services {
    use std::time::Instant;

    use chrono::NaiveDate;
    use sea_orm::{ConnectionTrait, FromQueryResult};
    use shegong::app;
    use shegong::platform::access::Scope;
    use shegong::platform::audit::Actor;
    use shegong::platform::db::{count, sql, Db};
    use shegong::platform::xlsx::Cell;
    use shegong::platform::AppState;
    use shegong::services::model::{MemberInput, PaymentInput, ProjectInput, SignInput};
    use shegong::services::store;

    use super::{get, report, session_cookie, time, PASSWORD};

    const SYNTHETIC: usize = 5_000;
    const IMPORTED: usize = 2_000;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, d).expect("date")
    }

    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }

    #[derive(FromQueryResult)]
    struct Named {
        id: i64,
        name: String,
    }

    async fn ids(db: &Db, text: &str, values: Vec<sea_orm::Value>) -> Vec<i64> {
        Id::find_by_statement(sql(db.backend(), text, values))
            .all(&db.conn)
            .await
            .expect("ids")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// The six pages/API calls of the brief, for both users.
    async fn pages(router: &axum::Router, users: &[(&str, &str)], project: i64, runs: usize) {
        let paths = [
            "/services?year=2022".to_string(),
            format!("/services/projects/{project}"),
            "/services/figures?year=2022".to_string(),
            "/api/v1/services/figures?year=2022".to_string(),
            "/services/team?year=2022".to_string(),
            "/stations".to_string(),
        ];
        for (who, cookie) in users {
            for path in &paths {
                let shown = if path.starts_with("/services/projects/") { "/services/projects/{id}" } else { path };
                time(&format!("GET {shown}, {who}"), runs, || async {
                    get(router, path, cookie).await;
                })
                .await;
            }
        }
    }

    /// Writes `n` signed 2022 projects over the 11 stations in one transaction: each with 3
    /// transitions or more (a quarter stays contracted, a quarter executing, a quarter in mid-term,
    /// a quarter closed), 3 instalments (30 + 30 + 20 %) and 3 members (two from the talent
    /// register, one by name only).
    async fn synthetic(db: &Db, n: usize) {
        let towns = ids(db, "SELECT id FROM org_units WHERE depth = 1 ORDER BY sort_order, id", vec![]).await;
        let items = ids(
            db,
            "SELECT id FROM service_categories WHERE year = 2022 AND parent_id IS NOT NULL ORDER BY id",
            vec![],
        )
        .await;
        let agencies = ids(
            db,
            "SELECT id FROM organisations WHERE is_agency = ? AND org_type = 'service_institution' AND status = 'normal' ORDER BY id",
            vec![true.into()],
        )
        .await;
        let workers =
            Named::find_by_statement(sql(db.backend(), "SELECT id, name FROM social_workers ORDER BY id", vec![]))
                .all(&db.conn)
                .await
                .expect("workers");
        assert!(!towns.is_empty() && !items.is_empty() && !agencies.is_empty() && !workers.is_empty());
        let tx = db.write().await.expect("tx");
        let c = &*tx;
        let steps = ["contracted", "executing", "midterm", "final_review", "closed"];
        for i in 0..n {
            let amount_fen = (100_000 + (i % 41) as i64 * 10_000) * 100;
            let amount = |fen: i64| shegong::platform::money::Amount::from_fen(fen).expect("amount");
            let signed = day(2 + (i % 3) as u32, 1 + (i % 28) as u32);
            let input = ProjectInput {
                unit_id: towns[i % towns.len()],
                year: 2022,
                title: format!("基准测试购买服务项目{i:05}"),
                category_id: items[i % items.len()],
                amount_fen: amount(amount_fen),
                starts_on: signed,
                ends_on: day(12, 31),
                description: String::new(),
            };
            let id = store::insert_project(c, &input, "initiated", None).await.expect("project");
            store::insert_transition(c, id, None, "initiated", "", None, "bench", signed - chrono::Duration::days(30))
                .await
                .expect("transition");
            assert!(store::set_status(c, id, "initiated", "procurement", 1).await.expect("status"));
            store::insert_transition(c, id, Some("initiated"), "procurement", "", None, "bench", signed)
                .await
                .expect("transition");
            let contract_no = format!("BENCH-GM-2022-{i:05}");
            let s = SignInput {
                agency_id: agencies[i % agencies.len()],
                contract_no,
                amount_fen: amount(amount_fen),
                signed_on: signed,
            };
            assert!(store::sign(c, id, &s, 2).await.expect("sign"));
            store::insert_transition(c, id, Some("procurement"), "contracted", "", None, "bench", signed)
                .await
                .expect("transition");
            // contracted → executing → midterm → final_review → closed, as far as this project goes.
            let last = [0, 1, 2, 4][i % 4];
            for k in 0..last {
                let (from, to) = (steps[k], steps[k + 1]);
                assert!(store::set_status(c, id, from, to, 3 + k as i32).await.expect("status"));
                store::insert_transition(c, id, Some(from), to, "", None, "bench", day(6 + k as u32, 1))
                    .await
                    .expect("transition");
            }
            for (k, pct) in [30, 30, 20].iter().enumerate() {
                let pay = PaymentInput {
                    kind: "instalment".into(),
                    paid_on: day(4 + 3 * k as u32, 10),
                    amount_fen: amount(amount_fen * pct / 100),
                    voucher_ref: format!("BENCH-V-{i:05}-{k}"),
                    note: String::new(),
                };
                store::insert_payment(c, id, &pay, None).await.expect("payment");
            }
            for (k, role) in ["supervisor", "manager", "fulltime"].iter().enumerate() {
                let w = &workers[(i * 2 + k) % workers.len()];
                let m = MemberInput {
                    worker_id: (k < 2).then_some(w.id),
                    name: if k < 2 { w.name.clone() } else { format!("基准社工{i:05}") },
                    role: (*role).into(),
                    from_on: signed,
                };
                store::insert_member(c, id, &m).await.expect("member");
            }
        }
        tx.commit().await.expect("commit");
    }

    async fn sizes(db: &Db) -> String {
        let mut parts = Vec::new();
        for table in ["projects", "project_payments", "project_members", "project_transitions"] {
            let n = count(&db.conn, &format!("SELECT COUNT(*) FROM {table}"), vec![]).await.expect("count");
            parts.push(format!("{table} {n}"));
        }
        parts.join(", ")
    }

    pub async fn run(label: &str, database: &str) {
        println!("\n== {label}: purchased services ==");
        let cfg = super::bench_config(database);
        let db = super::open(&cfg).await;
        shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, PASSWORD, 1).await.expect("demo");
        let router = app::build(AppState::new(db.clone(), cfg.clone(), None));
        let bureau = session_cookie(&router, "bureau").await;
        let station = session_cookie(&router, "station").await;
        let users = [("bureau", bureau.as_str()), ("station", station.as_str())];
        // A demo project of 周市: both users may open it (and both may write, so the detail page
        // also loads the team picker and the agency list).
        let project = *ids(
            &db,
            "SELECT p.id FROM projects p JOIN org_units u ON u.id = p.unit_id \
             WHERE u.path = '/320583/zhoushi/' ORDER BY p.id LIMIT 1",
            vec![],
        )
        .await
        .first()
        .expect("a 周市 project");
        println!("-- demo data: {}", sizes(&db).await);
        pages(&router, &users, project, 30).await;

        let t = Instant::now();
        synthetic(&db, SYNTHETIC).await;
        report(&format!("write {SYNTHETIC} synthetic projects (one transaction)"), 1, t.elapsed());
        println!("-- with {SYNTHETIC} synthetic projects: {}", sizes(&db).await);
        // PostgreSQL plans from table statistics, which autovacuum refreshes within about a
        // minute of a bulk write; until then the planner believes the tables are nearly empty.
        time("GET /api/v1/services/figures?year=2022, bureau, straight after the write", 3, || async {
            get(&router, "/api/v1/services/figures?year=2022", &bureau).await;
        })
        .await;
        if db.backend() == sea_orm::DatabaseBackend::Postgres {
            db.conn.execute_unprepared("ANALYZE").await.expect("analyze");
            println!("-- ANALYZE (what autovacuum does shortly after a bulk write; SQLite is never analysed)");
        }
        pages(&router, &users, project, 20).await;

        // 2,000 signed projects in one xlsx through every rule, all or nothing.
        let towns: Vec<String> = store::buyer_units(&db.conn, &Scope::all())
            .await
            .expect("buyers")
            .into_iter()
            .filter(|b| b.depth == 1)
            .map(|b| b.name)
            .collect();
        #[derive(FromQueryResult)]
        struct Code {
            credit_code: String,
        }
        let codes: Vec<String> = Code::find_by_statement(sql(
            db.backend(),
            "SELECT credit_code FROM organisations WHERE is_agency = ? AND status = 'normal' \
             AND org_type = 'service_institution' ORDER BY id",
            vec![true.into()],
        ))
        .all(&db.conn)
        .await
        .expect("agencies")
        .into_iter()
        .map(|r| r.credit_code)
        .collect();
        assert!(!towns.is_empty() && !codes.is_empty());
        let rows: Vec<Vec<Cell>> = (0..IMPORTED)
            .map(|i| {
                vec![
                    Cell::Text(towns[i % towns.len()].clone()),
                    Cell::Int(2022),
                    Cell::Text(format!("基准导入购买服务项目{i:05}")),
                    Cell::Text("B1".into()),
                    Cell::Fen(30_000_000 + (i % 20) as i64 * 1_000_000),
                    Cell::Date(day(3, 1)),
                    Cell::Date(day(12, 31)),
                    Cell::Text(codes[i % codes.len()].clone()),
                    Cell::Text(format!("BENCH-IMP-2022-{i:05}")),
                    Cell::Date(day(3, 1)),
                    Cell::Empty,
                ]
            })
            .collect();
        let bytes = shegong::platform::xlsx::write(shegong::services::import::PROJECT_COLUMNS, &rows).expect("xlsx");
        let actor = Actor::system("bench");
        let name = format!("xlsx import of {IMPORTED} signed projects ({} KB), all rules + audit", bytes.len() / 1024);
        let t = Instant::now();
        match shegong::services::import::import_projects(&crate::import_ctx(&db, &actor, &Scope::all()), &bytes).await {
            Ok(rep) => {
                assert!(rep.committed() && rep.created == IMPORTED, "{:?}", rep.errors.first());
                report(&name, 1, t.elapsed());
            }
            // Reported, not fatal: the rest of the section still runs.
            Err(e) => println!("{name:<58} FAILED: {e}"),
        }

        // 6,000 instalments (3 × 5 %) against 2,000 of the synthetic projects, checked cumulatively.
        let rows: Vec<Vec<Cell>> = (0..IMPORTED * 3)
            .map(|n| {
                let (i, k) = (n / 3, n % 3);
                let amount_fen = (100_000 + (i % 41) as i64 * 10_000) * 100;
                vec![
                    Cell::Text(format!("BENCH-GM-2022-{i:05}")),
                    Cell::Enum("instalment"),
                    Cell::Date(day(10 + k as u32, 15)),
                    Cell::Fen(amount_fen * 5 / 100),
                    Cell::Text(format!("BENCH-IMP-V-{i:05}-{k}")),
                    Cell::Empty,
                ]
            })
            .collect();
        let bytes = shegong::platform::xlsx::write(shegong::services::import::PAYMENT_COLUMNS, &rows).expect("xlsx");
        let t = Instant::now();
        let rep = shegong::services::import::import_payments(&crate::import_ctx(&db, &actor, &Scope::all()), &bytes)
            .await
            .expect("import");
        assert!(rep.committed() && rep.created == IMPORTED * 3, "{:?}", rep.errors.first());
        report(
            &format!("xlsx import of {} payments ({} KB), all rules + audit", IMPORTED * 3, bytes.len() / 1024),
            1,
            t.elapsed(),
        );
        println!("-- after the imports: {}", sizes(&db).await);
        time("GET /api/v1/services/figures?year=2022, bureau", 20, || async {
            get(&router, "/api/v1/services/figures?year=2022", &bureau).await;
        })
        .await;
    }
}

/// What an importer of the registry is given: the bench's actor over `scope`, today.
fn import_ctx<'a>(
    db: &'a shegong::platform::db::Db,
    actor: &'a Actor,
    scope: &'a shegong::platform::access::Scope,
) -> shegong::platform::import::ImportCtx<'a> {
    shegong::platform::import::ImportCtx { db, actor, scope, today: shegong::platform::time::today(), parent: None }
}
