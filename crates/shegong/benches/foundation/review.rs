//! The 2022 Kunshan review (the demo's draft of 昆山市 from the default template, Chinese) as
//! the Bureau opens it: the HTML page, the Word file and the PDF, each through the whole router
//! (session, scoped loader, the indicator engine, the document, the renderer). Three figures per
//! output: the first request of the process (the figures computed, the fonts read and the typst
//! engine built), the median of warm requests (the figures from the indicator cache), and the
//! median with the figures computed anew each time (the `records` data version bumped before
//! each request, as any write to a register does). Goals (issue 15): HTML < 300 ms, docx < 1 s,
//! PDF < 2 s.

use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use shegong::app;
use shegong::platform::AppState;

use crate::{bench_config, get, median, open, report, session_cookie, PASSWORD};

pub async fn run(label: &str, database: &str) {
    println!("\n== {label}: the 2022 Kunshan review ==");
    let cfg = bench_config(database);
    let db = open(&cfg).await;
    shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, PASSWORD, 1).await.expect("demo");
    let id: i64 = db
        .conn
        .query_one(shegong::platform::db::sql(
            db.conn.get_database_backend(),
            "SELECT MIN(r.id) AS id FROM reviews r JOIN org_units u ON u.id = r.unit_id \
             WHERE u.parent_id IS NULL AND r.year = 2022",
            vec![],
        ))
        .await
        .expect("query")
        .and_then(|row| row.try_get::<i64>("", "id").ok())
        .expect("the demo's Kunshan 2022 review");
    let state = AppState::new(db.clone(), cfg.clone(), None);
    let router = app::build(state);
    let bureau = session_cookie(&router, "bureau").await;
    let bump = || async {
        db.conn
            .execute_unprepared("UPDATE data_version SET records = records + 1 WHERE id = 1")
            .await
            .expect("bump records");
    };
    for (what, path, runs) in [
        ("HTML page", format!("/review/{id}"), 20),
        ("Word (.docx)", format!("/review/{id}/docx"), 10),
        ("PDF", format!("/review/{id}/pdf"), 10),
    ] {
        let t = Instant::now();
        let bytes = get(&router, &path, &bureau).await;
        report(&format!("{what}: first request ({} KB)", bytes / 1024), 1, t.elapsed());
        let mut warm = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            get(&router, &path, &bureau).await;
            warm.push(t.elapsed());
        }
        report(&format!("{what}: warm (figures cached)"), runs, median(warm));
        let mut cold: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            bump().await;
            let t = Instant::now();
            get(&router, &path, &bureau).await;
            cold.push(t.elapsed());
        }
        report(&format!("{what}: figures computed anew"), runs, median(cold));
    }
}
