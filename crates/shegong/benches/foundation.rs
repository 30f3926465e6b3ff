//! Foundation benchmarks: `cargo bench -p shegong --bench foundation`.
//! Plain timing (median of repeated runs) against a temporary SQLite database with the Kunshan
//! demo data, through the in-process router, so that figures include routing, access checks,
//! SQL and template rendering. Set SHEGONG_BENCH_POSTGRES=postgres://… to run on PostgreSQL too.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use shegong::app::{self, AppState};
use shegong::platform::audit::{self, Actor, Event};
use shegong::platform::config::Config;
use shegong::platform::db::Db;
use tower::ServiceExt;

const PASSWORD: &str = "Bench-Passw0rd-Ks";

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
    let cfg = Config { database: database.to_string(), ..Config::default() };
    let db = Db::connect(&cfg.database, 10).await.expect("connect");
    db.migrate().await.expect("migrate");
    let t = Instant::now();
    shegong::demo::generate(&db, &cfg.security, PASSWORD, 1).await.expect("demo");
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
    let rep = shegong::orgs::import::import_xlsx(
        &db,
        &Actor::system("bench"),
        &shegong::platform::access::Scope::all(),
        &org_bytes,
    )
    .await
    .expect("import");
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
    let rep = shegong::units::import::import_xlsx(
        &db,
        &Actor::system("bench"),
        &shegong::platform::access::Scope::all(),
        &bytes,
    )
    .await
    .expect("import");
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
    let chain = audit::verify_chain(&db.conn).await.expect("verify");
    assert!(chain.problems.is_empty());
    report(&format!("verify audit chain ({} rows)", chain.rows), 1, t.elapsed());
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    run("SQLite (WAL, synchronous=FULL)", path.to_str().expect("path")).await;
    if let Ok(url) = std::env::var("SHEGONG_BENCH_POSTGRES") {
        let admin = Db::connect(&url, 1).await.expect("pg");
        let name = format!("shegong_bench_{}", std::process::id());
        sea_orm::ConnectionTrait::execute_unprepared(&admin.conn, &format!("CREATE DATABASE {name}"))
            .await
            .expect("create");
        let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(url.clone());
        run("PostgreSQL", &format!("{base}/{name}")).await;
        let _ = sea_orm::ConnectionTrait::execute_unprepared(
            &admin.conn,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await;
    }
}
