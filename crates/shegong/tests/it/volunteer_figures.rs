//! Volunteer figures (issue 13, items 8–10): the published 2022 figures of the demo, the summary
//! equal to the raw aggregate over the records for several units and periods on both databases,
//! and the figures page (charts, totals, export, unit picker, period).

use axum::http::StatusCode;
use chrono::NaiveDate;
use shegong::demo::volunteers::{COMMUNITIES_2022, PERSON_TIMES_2022, VOLUNTEERS_2022};
use shegong::volunteers::store::{self, NewRecord};

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(the_2022_demo_gives_the_published_figures, |mut app: TestApp| async move {
    let token = app.token_for("bureau").await;
    let city = app.unit_id("/320583/").await;
    let (s, f) = app.api("GET", &format!("/api/v1/volunteers/figures?year=2022&unit={city}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["unit_name"], "昆山市");
    assert_eq!(f["communities"], COMMUNITIES_2022 as i64);
    assert_eq!(f["person_times"], PERSON_TIMES_2022);
    assert!(f["volunteers"].as_i64().unwrap_or(0) >= 1000, "1000+ volunteers");
    assert_eq!(f["volunteers"], VOLUNTEERS_2022 as i64);
    assert_eq!(f["active_volunteers"], VOLUNTEERS_2022 as i64, "every 2022 volunteer served");
    for key in ["volunteers", "active_volunteers", "communities", "person_times", "hours"] {
        assert!(f.get(key).is_some(), "API key {key}");
    }
    // The city's default is the city itself, and the latest year with records (the demo's 2023).
    let (_, d) = app.api("GET", "/api/v1/volunteers/figures", Some(&token), None).await;
    let latest =
        app.scalar("SELECT CAST(MAX(SUBSTR(CAST(service_date AS TEXT), 1, 4)) AS BIGINT) FROM volunteer_records").await;
    assert_eq!((d["unit_id"].as_i64(), d["year"].as_i64()), (Some(city), Some(latest)));
    assert_eq!(latest, 2023);
    // Shifts and records in exactly 71 communities, all within the campaign.
    let k = app.scalar("SELECT MIN(id) FROM volunteer_campaigns WHERE status = 'closed'").await;
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(DISTINCT unit_id) FROM volunteer_shifts WHERE campaign_id = {k}")).await,
        COMMUNITIES_2022 as i64
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM volunteer_records r JOIN volunteer_assignments a ON a.id = r.assignment_id \
             WHERE r.campaign_id = {k} AND a.status = 'done' AND a.minutes = r.minutes"
        ))
        .await,
        app.scalar(&format!("SELECT COUNT(*) FROM volunteer_records WHERE campaign_id = {k}")).await,
        "every record comes from a served shift"
    );
    // The ID numbers are valid and the people clearly synthetic.
    let v = shegong::demo::volunteers::demo_volunteer(VOLUNTEERS_2022 - 1).expect("volunteer");
    assert!(cncodes::IdNumber::parse(&v.id.number).is_ok() && v.name.starts_with("演示志愿者"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteers WHERE name NOT LIKE '演示志愿者%'").await, 0);
});

/// A record for the roll-up test.
fn record(volunteer_id: i64, unit_id: i64, day: &str, kind: i64, minutes: i32, persons: i32) -> NewRecord {
    NewRecord {
        volunteer_id,
        campaign_id: None,
        assignment_id: None,
        unit_id,
        service_date: NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("day"),
        service_type_id: kind,
        minutes,
        person_times: persons,
        source: "coordinator".into(),
        status: "confirmed".into(),
        content: String::new(),
    }
}

both_backends!(summary_figures_equal_the_raw_aggregate, |mut app: TestApp| async move {
    // More records beside the demo's: one at a time and in bulk, in several towns, on days at
    // the edges of weeks, months and quarters, for volunteers serving in two communities.
    let kinds: Vec<i64> = store::service_types(&app.db.conn).await.expect("types").iter().map(|t| t.id).collect();
    let volunteers: Vec<i64> = {
        let first = app.scalar("SELECT MIN(id) FROM volunteers").await;
        (first..first + 5).collect()
    };
    let zhoushi = app.scalar("SELECT MIN(id) FROM org_units WHERE path LIKE '/320583/zhoushi/%' AND depth = 2").await;
    let bacheng = app.scalar("SELECT MIN(id) FROM org_units WHERE path LIKE '/320583/bacheng/%' AND depth = 2").await;
    let days = ["2022-03-31", "2022-04-01", "2022-04-03", "2022-04-04", "2022-06-30", "2022-07-01", "2023-01-02"];
    {
        let tx = app.db.write().await.expect("tx");
        for (i, day) in days.iter().enumerate() {
            let (v, u, k) = (volunteers[i % 5], [zhoushi, bacheng][i % 2], kinds[i % kinds.len()]);
            store::insert_record(&*tx, &record(v, u, day, k, 45 + 15 * i as i32, 3 + i as i32), None)
                .await
                .expect("one");
        }
        let bulk: Vec<NewRecord> = (0..40)
            .map(|i| {
                let (v, u) = (volunteers[i % 5], [zhoushi, bacheng][i % 3 % 2]);
                record(v, u, days[i % days.len()], kinds[i % 4], 60 + 15 * (i % 5) as i32, 1 + (i % 9) as i32)
            })
            .collect();
        store::insert_records(&*tx, &bulk, None).await.expect("bulk");
        // Days at the edges of years, quarters and ISO weeks (2022-12-31 is a Saturday, 2023-01-01
        // a Sunday of week 2022-W52, 2021-12-31 before any demo record).
        let edges = ["2021-12-31", "2022-09-30", "2022-10-03", "2022-12-31", "2023-01-01"];
        let more: Vec<NewRecord> = (0..15)
            .map(|i| record(volunteers[i % 5], [zhoushi, bacheng][i % 2], edges[i % 5], kinds[i % 3], 30, 2 + i as i32))
            .collect();
        store::insert_records(&*tx, &more[..10], None).await.expect("bulk at the edges");
        for r in &more[10..] {
            store::insert_record(&*tx, r, None).await.expect("one at the edges");
        }
        tx.commit().await.expect("commit");
    }
    // A record taken away (as a correction does): the summary and its roll-ups follow, and a
    // volunteer's only record of a day and year leaves no row behind.
    {
        let (id, v, u, k, m, p) = {
            let row = app
                .text(&format!(
                    "SELECT CAST(id AS TEXT) || ',' || CAST(volunteer_id AS TEXT) || ',' || CAST(unit_id AS TEXT) || ',' || \
                     CAST(service_type_id AS TEXT) || ',' || CAST(minutes AS TEXT) || ',' || CAST(person_times AS TEXT) \
                     FROM volunteer_records WHERE service_date = '2023-01-02' AND volunteer_id = {} ORDER BY id LIMIT 1",
                    volunteers[3]
                ))
                .await;
            let n: Vec<i64> = row.split(',').map(|x| x.parse().expect("number")).collect();
            (n[0], n[1], n[2], n[3], n[4], n[5])
        };
        let tx = app.db.write().await.expect("tx");
        let day = NaiveDate::from_ymd_opt(2023, 1, 2).expect("day");
        store::add_to_summary(&*tx, u, day, k, v, -1, -p, -m).await.expect("take away");
        sea_orm::ConnectionTrait::execute_unprepared(&*tx, &format!("DELETE FROM volunteer_records WHERE id = {id}"))
            .await
            .expect("delete");
        tx.commit().await.expect("commit");
    }
    let token = app.token_for("bureau").await;
    let mut checked = 0;
    for path in ["/320583/", "/320583/zhoushi/", "/320583/bacheng/", "/320583/zhouzhuang/"] {
        let unit = app.unit_id(path).await;
        let community = app.text(&format!("SELECT path FROM org_units WHERE id = {zhoushi}")).await;
        for p in [path.to_string(), community] {
            if !p.starts_with(path) {
                continue;
            }
            let unit = if p == path { unit } else { zhoushi };
            for (period, from, to) in [
                ("2022", "2022-01-01", "2022-12-31"),
                ("2022-Q2", "2022-04-01", "2022-06-30"),
                ("2022-04", "2022-04-01", "2022-04-30"),
                ("2022-W13", "2022-03-28", "2022-04-03"),
                ("2022-03-20..2022-07-01", "2022-03-20", "2022-07-01"),
                ("2023", "2023-01-01", "2023-12-31"),
                ("2022-Q4", "2022-10-01", "2022-12-31"),
                ("2022-09", "2022-09-01", "2022-09-30"),
                ("2022-W52", "2022-12-26", "2023-01-01"),
                ("2022-12-26..2023-01-08", "2022-12-26", "2023-01-08"),
                ("2021-11-15..2023-05-02", "2021-11-15", "2023-05-02"),
                ("2021-12-31..2022-12-31", "2021-12-31", "2022-12-31"),
            ] {
                let (s, f) = app
                    .api("GET", &format!("/api/v1/volunteers/figures?unit={unit}&period={period}"), Some(&token), None)
                    .await;
                assert_eq!(s, StatusCode::OK, "{f}");
                assert_eq!((f["from"].as_str(), f["to"].as_str()), (Some(from), Some(to)), "{period}");
                let w = format!(
                    "FROM volunteer_records WHERE service_date >= '{from}' AND service_date <= '{to}' \
                     AND unit_id IN (SELECT id FROM org_units WHERE path LIKE '{p}%')"
                );
                let raw = [
                    ("person_times", format!("SELECT COALESCE(SUM(person_times), 0) {w}")),
                    ("minutes", format!("SELECT COALESCE(SUM(minutes), 0) {w}")),
                    ("records", format!("SELECT COUNT(*) {w}")),
                    ("active_volunteers", format!("SELECT COUNT(DISTINCT volunteer_id) {w}")),
                    ("communities", format!("SELECT COUNT(DISTINCT unit_id) {w}")),
                ];
                for (key, q) in raw {
                    assert_eq!(f[key].as_i64(), Some(app.scalar(&q).await), "{key} of {p} in {period}");
                }
                // By service type: each type's line equals its raw sums; by week: the weeks add up.
                for line in f["by_service_type"].as_array().expect("types") {
                    let code = line["code"].as_str().expect("code");
                    let q = format!(
                        "SELECT COALESCE(SUM(person_times), 0) {w} AND service_type_id = \
                         (SELECT id FROM volunteer_service_types WHERE code = '{code}')"
                    );
                    assert_eq!(line["person_times"].as_i64(), Some(app.scalar(&q).await), "{code} of {p} in {period}");
                }
                let types_sum: i64 = f["by_service_type"]
                    .as_array()
                    .expect("types")
                    .iter()
                    .map(|l| l["minutes"].as_i64().unwrap_or(0))
                    .sum();
                assert_eq!(Some(types_sum), f["minutes"].as_i64());
                let weeks = f["by_week"].as_array().expect("weeks");
                let week_sum: i64 = weeks.iter().map(|l| l["person_times"].as_i64().unwrap_or(0)).sum();
                assert_eq!(Some(week_sum), f["person_times"].as_i64());
                for wk in weeks {
                    let monday =
                        NaiveDate::parse_from_str(wk["starts_on"].as_str().expect("monday"), "%Y-%m-%d").expect("d");
                    let sunday = monday + chrono::Duration::days(6);
                    let q =
                        format!("SELECT COUNT(*) {w} AND service_date >= '{monday}' AND service_date <= '{sunday}'");
                    assert_eq!(wk["records"].as_i64(), Some(app.scalar(&q).await), "week {} of {p}", wk["week"]);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked} unit × period pairs");
    // The summary rows themselves are the raw groups.
    let groups = app
        .scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM volunteer_records GROUP BY unit_id, service_date, service_type_id) g",
        )
        .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_summary WHERE records > 0").await, groups);
    let pairs = app
        .scalar("SELECT COUNT(*) FROM (SELECT DISTINCT unit_id, service_date, volunteer_id FROM volunteer_records) d")
        .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_day_volunteers").await, pairs);
    let unit_days =
        app.scalar("SELECT COUNT(*) FROM (SELECT DISTINCT unit_id, service_date FROM volunteer_records) d").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_unit_days WHERE records > 0").await, unit_days);
    // The distinct volunteers of a unit in a year, quarter and month: one row each, no row left
    // behind by the record taken away, and their records add up.
    let date = "CAST(service_date AS TEXT)";
    for (span, key) in [
        ("Y", format!("SUBSTR({date}, 1, 4)")),
        ("Q", format!("SUBSTR({date}, 1, 4) || '-' || CAST((CAST(SUBSTR({date}, 6, 2) AS INTEGER) - 1) / 3 AS TEXT)")),
        ("M", format!("SUBSTR({date}, 1, 7)")),
    ] {
        let raw = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM (SELECT DISTINCT unit_id, {key}, volunteer_id FROM volunteer_records) d"
            ))
            .await;
        let kept = app.scalar(&format!("SELECT COUNT(*) FROM volunteer_period_volunteers WHERE span = '{span}'")).await;
        assert_eq!(kept, raw, "{span}");
        let records = app
            .scalar(&format!("SELECT SUM_INT(records) FROM volunteer_period_volunteers WHERE span = '{span}'"))
            .await;
        assert_eq!(records, app.scalar("SELECT COUNT(*) FROM volunteer_records").await, "{span}");
    }
    // The unit × ISO week rows are the raw (unit, week) groups, with the raw sums.
    let rows = sea_orm::ConnectionTrait::query_all(
        &app.db.conn,
        sea_orm::Statement::from_string(
            app.db.backend(),
            "SELECT unit_id, service_date, person_times FROM volunteer_records".to_string(),
        ),
    )
    .await
    .expect("records");
    let mut weeks: std::collections::BTreeMap<(i64, String), i64> = std::collections::BTreeMap::new();
    for r in rows {
        let (unit, day, persons): (i64, NaiveDate, i32) = (
            r.try_get_by_index(0).expect("unit"),
            r.try_get_by_index(1).expect("day"),
            r.try_get_by_index(2).expect("persons"),
        );
        *weeks.entry((unit, shegong::platform::period::week_start(day).to_string())).or_default() += i64::from(persons);
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_unit_weeks WHERE records > 0").await, weeks.len() as i64);
    for ((unit, monday), persons) in weeks.iter().step_by(7) {
        let kept = app
            .scalar(&format!(
                "SELECT person_times FROM volunteer_unit_weeks WHERE unit_id = {unit} AND week = '{monday}'"
            ))
            .await;
        assert_eq!(kept, *persons, "unit {unit}, week of {monday}");
    }
    // A period that is not one is refused.
    for bad in ["2022-13", "2022-W60", "2022-05-01..2022-04-01", "1999"] {
        let (s, _) = app.api("GET", &format!("/api/v1/volunteers/figures?period={bad}"), Some(&token), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    }
});

both_backends!(the_figures_page_shows_charts_totals_and_exports, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let r = app.get("/volunteers/figures?year=2022").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let grouped = shegong::platform::figures::grouped(PERSON_TIMES_2022);
    assert!(r.body.contains(&format!("<span class=\"figure-value\">{grouped}</span>")), "persons served shown");
    assert!(r.body.matches("<svg").count() >= 4, "charts by type and by week");
    assert!(
        r.body.contains("id=\"by-type\"") && r.body.contains("id=\"by-week\"") && r.body.contains("class=\"total\"")
    );
    assert!(r.body.contains("<select name=\"unit\"") && r.body.contains("<option value=\"2022\" selected>"));
    // The totals row equals the sum.
    assert!(r.body.contains(&format!("<td class=\"num\">{PERSON_TIMES_2022}</td>")));
    // A month of a town.
    let town = app.unit_id("/320583/zhoushi/").await;
    let r = app.get(&format!("/volunteers/figures?unit={town}&period=2022-04")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("2022-04-01") && r.body.contains("2022-04-30"));
    let (s, bytes) = app.get_bytes(&format!("/volunteers/figures.xlsx?unit={town}&period=2022-04")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"), "an xlsx file");
    let bad = app.get("/volunteers/figures?period=2022-13").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("时段无效"));
    app.logout().await;
    // A station sees its own town only: another town does not exist for it.
    app.login_ok("station").await;
    let other = app.unit_id("/320583/zhouzhuang/").await;
    assert_eq!(app.get(&format!("/volunteers/figures?unit={other}")).await.status, StatusCode::NOT_FOUND);
    let own = app.get("/volunteers/figures?year=2022").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains(&format!("<option value=\"{other}\"")), "the picker offers the scope only");
});
