//! The demo's second year (issue 15 item 9): the 2023 records give the generator's 2023
//! constants (raw SQL), the engine's change from 2022 to 2023 is the difference of the two
//! years' constants, and the dashboard for 2023 shows it.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use shegong::demo::{events, hotline, orgs_2023, services, volunteers_2022, volunteers_2023, workers, year_2023};
use shegong::platform::access::Scope;
use shegong::platform::indicator::Ask;
use shegong::platform::period::Period;

use crate::both_backends;
use crate::helpers::TestApp;

/// Hotline calls of a China-time year, counted in Rust from the raw rows.
async fn calls_in(app: &TestApp, year: i32) -> i64 {
    let rows = app
        .db
        .conn
        .query_all(shegong::platform::db::sql(app.db.backend(), "SELECT started_at FROM hotline_calls", vec![]))
        .await
        .expect("calls");
    let china = shegong::platform::time::china();
    rows.iter()
        .map(|r| r.try_get_by_index::<DateTime<Utc>>(0).expect("started_at").with_timezone(&china))
        .filter(|t| chrono::Datelike::year(t) == year)
        .count() as i64
}

// Each domain's 2023 figures, from the records, equal the generator's constants.
both_backends!(the_2023_records_give_the_constants, |app: TestApp| async move {
    let n = |v: usize| v as i64;
    let y = "p.year = 2023";
    let checks: Vec<(&str, i64, i64)> = vec![
        ("projects", app.scalar(&format!("SELECT COUNT(*) FROM projects p WHERE {y}")).await, n(services::PROJECTS_2023)),
        (
            "amount",
            app.scalar(&format!("SELECT SUM_INT(p.amount_fen) FROM projects p WHERE {y}")).await,
            services::TOTAL_FEN_2023,
        ),
        (
            "agencies",
            app.scalar(&format!("SELECT COUNT(DISTINCT p.agency_id) FROM projects p WHERE {y}")).await,
            n(services::AGENCIES_2023),
        ),
        (
            "staff",
            app.scalar(&format!(
                "SELECT COUNT(DISTINCT m.worker_id) FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {y}"
            ))
            .await,
            n(services::STAFF_2023),
        ),
        (
            "payments",
            app.scalar(&format!(
                "SELECT SUM_INT(x.amount_fen) FROM project_payments x JOIN projects p ON p.id = x.project_id WHERE {y}"
            ))
            .await,
            services::TOTAL_FEN_2023,
        ),
        (
            "exam passes",
            app.scalar("SELECT COUNT(*) FROM qualifications WHERE exam_year = 2023").await,
            n(workers::EXAM_PASSES_2023),
        ),
        (
            "awards",
            app.scalar(
                "SELECT COUNT(*) FROM programmes p JOIN nominations x ON x.programme_id = p.id \
                 WHERE p.year = 2023 AND p.status = 'published' AND x.status = 'selected'",
            )
            .await,
            n(workers::AWARDS_2023),
        ),
        (
            "fund in",
            app.scalar(
                "SELECT SUM_INT(amount_fen) FROM fund_entries WHERE kind = 'contribution' \
                 AND entry_on >= '2023-01-01' AND entry_on <= '2023-12-31'",
            )
            .await,
            year_2023::FUND_IN_2023_FEN,
        ),
        (
            "volunteers",
            app.scalar(
                "SELECT COUNT(DISTINCT volunteer_id) FROM volunteer_records \
                 WHERE service_date >= '2023-01-01' AND service_date <= '2023-12-31'",
            )
            .await,
            n(volunteers_2023::VOLUNTEERS_2023),
        ),
        (
            "returning volunteers",
            app.scalar(
                "SELECT COUNT(DISTINCT a.volunteer_id) FROM volunteer_records a JOIN volunteer_records b \
                 ON b.volunteer_id = a.volunteer_id WHERE a.service_date >= '2023-01-01' AND a.service_date <= '2023-12-31' \
                 AND b.service_date >= '2022-01-01' AND b.service_date <= '2022-12-31'",
            )
            .await,
            n(volunteers_2023::RETURNING_2023),
        ),
        (
            "communities",
            app.scalar(
                "SELECT COUNT(DISTINCT unit_id) FROM volunteer_records \
                 WHERE service_date >= '2023-01-01' AND service_date <= '2023-12-31'",
            )
            .await,
            n(volunteers_2023::COMMUNITIES_2023),
        ),
        (
            "person-times",
            app.scalar(
                "SELECT SUM_INT(person_times) FROM volunteer_records \
                 WHERE service_date >= '2023-01-01' AND service_date <= '2023-12-31'",
            )
            .await,
            volunteers_2023::PERSON_TIMES_2023,
        ),
        ("calls", calls_in(&app, 2023).await, n(hotline::CALLS_2023)),
        (
            "cases",
            app.scalar("SELECT COUNT(*) FROM hotline_cases WHERE opened_on >= '2023-01-01' AND opened_on <= '2023-12-31'")
                .await,
            n(hotline::CASES_2023),
        ),
        (
            "events",
            app.scalar("SELECT COUNT(*) FROM events WHERE held_on >= '2023-01-01' AND held_on <= '2023-12-31'").await,
            n(events::EVENTS_2023.len()),
        ),
        (
            "documents",
            app.scalar("SELECT COUNT(*) FROM documents WHERE issued_on >= '2023-01-01' AND issued_on <= '2023-12-31'")
                .await,
            n(events::DOCUMENTS_2023.len()),
        ),
        (
            "honours",
            app.scalar("SELECT COUNT(*) FROM honours WHERE year = 2023").await,
            n(events::HONOURS_2023.len() + workers::AWARDS_2023),
        ),
        (
            "new organisations",
            app.scalar(
                "SELECT COUNT(*) FROM organisations WHERE registered_on >= '2023-01-01' AND registered_on <= '2023-12-31'",
            )
            .await,
            n(orgs_2023::NEW_ORGS_2023),
        ),
        (
            "new Party organisations",
            app.scalar(
                "SELECT COUNT(*) FROM party_orgs WHERE established_on >= '2023-01-01' AND established_on <= '2023-12-31'",
            )
            .await,
            n(orgs_2023::NEW_PARTY_ORGS_2023),
        ),
        (
            "new instructors",
            app.scalar(
                "SELECT COUNT(*) FROM party_instructors WHERE assigned_on >= '2023-01-01' AND assigned_on <= '2023-12-31'",
            )
            .await,
            n(orgs_2023::NEW_INSTRUCTORS_2023),
        ),
    ];
    for (what, got, want) in checks {
        assert_eq!(got, want, "2023 {what}");
    }
    // 2022 keeps its published figures.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM projects WHERE year = 2022").await, n(services::PROJECTS));
    assert_eq!(calls_in(&app, 2022).await, n(hotline::CALLS_2022));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM qualifications WHERE exam_year = 2022").await,
        n(workers::EXAM_PASSES_2022)
    );
});

fn api_entry<'a>(set: &'a Value, key: &str) -> &'a Value {
    set["indicators"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["key"] == key))
        .unwrap_or_else(|| panic!("{key} listed: {set}"))
}

// The engine's 2023 values and their change from 2022 equal the constants and their
// differences, straight from the records and through the API.
both_backends!(the_engine_gives_the_change_from_2022, |mut app: TestApp| async move {
    let n = |v: usize| v as i64;
    let awards_2022 = n(workers::winners(&workers::PROGRAMMES_2022));
    let honours_2022 = app.scalar("SELECT COUNT(*) FROM honours WHERE year = 2022").await;
    // (key, 2023 value, change from 2022)
    let want: Vec<(&str, i64, i64)> = vec![
        ("services.projects", n(services::PROJECTS_2023), n(services::PROJECTS_2023) - n(services::PROJECTS)),
        ("services.agencies", n(services::AGENCIES_2023), n(services::AGENCIES_2023) - n(services::AGENCIES)),
        ("services.amount", services::TOTAL_FEN_2023, services::TOTAL_FEN_2023 - services::TOTAL_FEN),
        (
            "services.staff",
            n(services::STAFF_2023),
            n(services::STAFF_2023) - n(services::team_size(services::PROJECTS, services::AGENCIES)),
        ),
        (
            "talent.exam_passes",
            n(workers::EXAM_PASSES_2023),
            n(workers::EXAM_PASSES_2023) - n(workers::EXAM_PASSES_2022),
        ),
        ("talent.awards", n(workers::AWARDS_2023), n(workers::AWARDS_2023) - awards_2022),
        ("talent.fund_in", year_2023::FUND_IN_2023_FEN, year_2023::FUND_IN_2023_FEN - shegong::demo::FUND_2022_FEN),
        (
            "volunteers.volunteers",
            n(volunteers_2023::VOLUNTEERS_2023),
            n(volunteers_2023::VOLUNTEERS_2023) - n(volunteers_2022::VOLUNTEERS_2022),
        ),
        (
            "volunteers.active",
            n(volunteers_2023::VOLUNTEERS_2023),
            n(volunteers_2023::VOLUNTEERS_2023) - n(volunteers_2022::VOLUNTEERS_2022),
        ),
        (
            "volunteers.communities",
            n(volunteers_2023::COMMUNITIES_2023),
            n(volunteers_2023::COMMUNITIES_2023) - n(volunteers_2022::COMMUNITIES_2022),
        ),
        (
            "volunteers.person_times",
            volunteers_2023::PERSON_TIMES_2023,
            volunteers_2023::PERSON_TIMES_2023 - volunteers_2022::PERSON_TIMES_2022,
        ),
        ("hotline.calls", n(hotline::CALLS_2023), n(hotline::CALLS_2023) - n(hotline::CALLS_2022)),
        (
            "events.events",
            n(events::EVENTS_2023.len()),
            n(events::EVENTS_2023.len())
                - app
                    .scalar("SELECT COUNT(*) FROM events WHERE held_on >= '2022-01-01' AND held_on <= '2022-12-31'")
                    .await,
        ),
        (
            "events.honours",
            n(events::HONOURS_2023.len() + workers::AWARDS_2023),
            n(events::HONOURS_2023.len() + workers::AWARDS_2023) - honours_2022,
        ),
    ];
    let city = app.unit_id("/320583/").await;
    let ask = |y: i32| Ask::new(Period::Year(y), city, "/320583/", Scope::all());
    let now = shegong::review::figures::compute_uncached(&app.db.conn, &ask(2023)).await.expect("engine 2023");
    let then = shegong::review::figures::compute_uncached(&app.db.conn, &ask(2022)).await.expect("engine 2022");
    let value = |set: &[(&str, Option<i64>)], key: &str| set.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v);
    for (key, v2023, change) in &want {
        assert_eq!(value(&now, key), Some(*v2023), "{key} in 2023");
        assert_eq!(value(&now, key).zip(value(&then, key)).map(|(a, b)| a - b), Some(*change), "{key}: 2023 - 2022");
    }
    // The registry: organisations registered in 2023 join, none left; the Party branches of 2023
    // raise the organisation coverage from 2022's counts (raw SQL) by exactly that many.
    let active_2022 = value(&then, "orgs.active").expect("orgs 2022");
    assert_eq!(value(&now, "orgs.active"), Some(active_2022 + n(orgs_2023::NEW_ORGS_2023)));
    // Organisations active on a day, and those covered (a Party organisation; or, for the work
    // coverage, an instructor too) on that day, from the records.
    let covered = |day: &'static str, work: bool| {
        let party = format!(
            "EXISTS (SELECT 1 FROM party_org_members m JOIN party_orgs p ON p.id = m.party_org_id \
             WHERE m.organisation_id = o.id AND p.established_on <= '{day}' AND (p.dissolved_on IS NULL OR p.dissolved_on > '{day}'))"
        );
        let instructor = format!(
            "EXISTS (SELECT 1 FROM party_instructors i WHERE i.organisation_id = o.id \
             AND i.assigned_on <= '{day}' AND (i.ended_on IS NULL OR i.ended_on > '{day}'))"
        );
        let cover = if work { format!("({party} OR {instructor})") } else { party };
        format!(
            "SELECT COUNT(*) FROM organisations o WHERE o.registered_on <= '{day}' \
             AND (o.status = 'normal' OR o.status_on > '{day}') AND {cover}"
        )
    };
    let permille = shegong::orgs::figures::CoverageCounts::permille;
    let org_2022 = app.scalar(&covered("2022-12-31", false)).await;
    let work_2022 = app.scalar(&covered("2022-12-31", true)).await;
    let work_2023 = app.scalar(&covered("2023-12-31", true)).await;
    assert_eq!(value(&then, "orgs.party.org_coverage"), Some(permille(org_2022, active_2022)));
    assert_eq!(
        value(&now, "orgs.party.org_coverage"),
        Some(permille(org_2022 + n(orgs_2023::NEW_PARTY_ORGS_2023), active_2022 + n(orgs_2023::NEW_ORGS_2023))),
        "2023's branches cover organisations of 2022; 2023's new organisations have none yet"
    );
    let active_2023 = active_2022 + n(orgs_2023::NEW_ORGS_2023);
    assert_eq!(value(&then, "orgs.party.work_coverage"), Some(permille(work_2022, active_2022)));
    assert_eq!(value(&now, "orgs.party.work_coverage"), Some(permille(work_2023, active_2023)));
    assert!(
        work_2023 >= work_2022 + n(orgs_2023::NEW_INSTRUCTORS_2023),
        "2023's instructors work with organisations that had no coverage"
    );
    // The API gives the same values and changes (the leader reads every group but the hotline's).
    let token = app.token_for("leader").await;
    let (s, set) = app.api("GET", &format!("/api/v1/indicators?period=2023&unit={city}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{set}");
    for (key, v2023, change) in want.iter().filter(|w| w.0 != "hotline.calls") {
        let e = api_entry(&set, key);
        assert_eq!(e["value"].as_i64(), Some(*v2023), "API {key}");
        assert_eq!(e["change"].as_i64(), Some(*change), "API change of {key}");
    }
});

// The dashboard opens on 2023, the latest year, and shows each figure's change from 2022.
both_backends!(the_dashboard_shows_the_change_to_2023, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains(r#"<option value="2023" selected>"#), "opens on 2023");
    assert!(home.body.contains(r#"<option value="2022""#), "2022 is offered");
    let lang = shegong::platform::i18n::Lang::Zh;
    for (key, value, change) in [
        (
            "services.projects",
            services::PROJECTS_2023 as i64,
            services::PROJECTS_2023 as i64 - services::PROJECTS as i64,
        ),
        (
            "talent.exam_passes",
            workers::EXAM_PASSES_2023 as i64,
            workers::EXAM_PASSES_2023 as i64 - workers::EXAM_PASSES_2022 as i64,
        ),
    ] {
        let tile = home.body.split(&format!(r#"data-key="{key}""#)).nth(1).expect("tile");
        let tile = tile.split("</a>").next().expect("tile end");
        let shown = shegong::platform::figures::grouped(value);
        assert!(tile.contains(&format!(r#"<span class="figure-value">{shown}</span>"#)), "{key}: {tile}");
        let text = shegong::review::model::change_text(shegong::platform::figures::Measure::Count, change);
        let line = shegong::platform::i18n::tf(lang, "indicators.change", &[("change", text.as_str())]);
        assert!(tile.contains(&line), "{key} shows {line}: {tile}");
        assert!(tile.contains(if change > 0 { "figure-change up" } else { "figure-change down" }), "{key}");
    }
    // 2022 is still there when asked for, with its published figures.
    let old = app.get("/?year=2022").await;
    assert!(old.body.contains(r#"<option value="2022" selected>"#));
    let tile = old.body.split(r#"data-key="services.projects""#).nth(1).expect("tile");
    assert!(tile.contains(&format!(r#"<span class="figure-value">{}</span>"#, services::PROJECTS)));
});
