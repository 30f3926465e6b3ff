//! The hotline's case and referral figures (`cases` in `/hotline/figures`, its xlsx and
//! `GET /api/v1/hotline/figures`) equal raw queries for any year and scope, and the engine's
//! hotline indicators (`hotline.calls`, `hotline.cases`, `hotline.counsellors`) equal raw
//! queries for any period and unit.

use axum::http::StatusCode;
use chrono::Datelike;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use shegong::platform::access::Scope;
use shegong::platform::indicator::Ask;
use shegong::platform::period::Period;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::hotline_escalation::{bucket, high_risk_call};

/// Checks the `cases` figures of `year` against raw queries over the cases `who` reaches
/// (`None`: every case); returns the figures.
async fn check_cases(app: &TestApp, fig: &Value, year: i32, who: Option<i64>) -> Value {
    let cases = fig["cases"].clone();
    assert!(cases.is_object(), "cases is no longer null: {fig}");
    let mine = who.map(|u| format!(" AND t.counsellor_id = {u}")).unwrap_or_default();
    let (from, to) = (format!("'{year}-01-01'"), format!("'{year}-12-31'"));
    let today = format!("'{}'", shegong::platform::time::today());
    let n = |q: String| async move { app.scalar(&q).await };
    let case = |cond: String| format!("SELECT COUNT(*) FROM hotline_cases t WHERE {cond}{mine}");
    let fu = |cond: String| {
        format!("SELECT COUNT(*) FROM hotline_followups f JOIN hotline_cases t ON t.id = f.case_id WHERE f.due_on >= {from} AND f.due_on <= {to} {cond}{mine}")
    };
    let want = [
        ("opened", n(case(format!("t.opened_on >= {from} AND t.opened_on <= {to}"))).await),
        ("closed", n(case(format!("t.closed_on >= {from} AND t.closed_on <= {to}"))).await),
        ("open_at_end", n(case(format!("t.opened_on <= {to} AND (t.closed_on IS NULL OR t.closed_on > {to})"))).await),
        ("followups_due", n(fu(String::new())).await),
        ("followups_done", n(fu("AND f.done_on IS NOT NULL".into())).await),
        (
            "followups_overdue",
            n(fu(format!("AND f.due_on < {today} AND f.done_on IS NULL AND t.status = 'open'"))).await,
        ),
    ];
    for (key, value) in want {
        assert_eq!(cases[key].as_i64(), Some(value), "{key} of {year} ({who:?})");
    }
    for r in ["none", "low", "medium", "high", "imminent"] {
        let raw = n(case(format!("t.risk_level = '{r}' AND t.opened_on >= {from} AND t.opened_on <= {to}"))).await;
        assert_eq!(bucket(&cases["by_risk"], r), raw, "risk {r} of {year}");
    }
    let referrals = |cond: String| {
        format!("SELECT COUNT(*) FROM hotline_referrals r JOIN hotline_cases t ON t.id = r.case_id WHERE r.referred_on >= {from} AND r.referred_on <= {to} AND {cond}{mine}")
    };
    for s in ["pending", "accepted", "refused", "completed"] {
        assert_eq!(bucket(&cases["referrals_by_state"], s), n(referrals(format!("r.state = '{s}'"))).await, "{s}");
    }
    for k in ["station", "organisation", "charity", "medical"] {
        assert_eq!(
            bucket(&cases["referrals_by_target"], k),
            n(referrals(format!("r.target_kind = '{k}'"))).await,
            "{k}"
        );
    }
    cases
}

both_backends!(case_and_referral_figures_equal_the_records, |mut app: TestApp| async move {
    // This year's case: opened from a high-risk call (so with its follow-up schedule), referred to
    // a medical service and to a station; one referral accepted.
    app.login_ok("counsellor").await;
    let call = high_risk_call(&mut app, "测试统计个案").await;
    let r = app.post(&format!("/hotline/calls/{call}/case"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = app.scalar(&format!("SELECT case_id FROM hotline_calls WHERE id = {call}")).await;
    for (kind, name) in [("medical", "测试医院"), ("charity", "测试慈善会")] {
        let r = app
            .post(
                &format!("/hotline/cases/{case}/referrals"),
                &[("target_kind", kind), ("target_name", name), ("reason", "测试转介")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let first = app.scalar(&format!("SELECT MIN(id) FROM hotline_followups WHERE case_id = {case}")).await;
    let r = app.post(&format!("/hotline/cases/{case}/followups/{first}/done"), &[("note", "测试回访")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rid = app.scalar(&format!("SELECT MIN(id) FROM hotline_referrals WHERE case_id = {case}")).await;
    app.post(&format!("/hotline/cases/{case}/referrals/{rid}/state"), &[("to", "accepted")]).await;
    app.logout().await;

    let token = app.token_for("supervisor").await;
    let this_year = shegong::platform::time::today().year();
    let mut seen = std::collections::HashMap::new();
    // Next year too: this year's first follow-up falls due tomorrow.
    for year in [2022, this_year, this_year + 1] {
        let (status, fig) = app.api("GET", &format!("/api/v1/hotline/figures?year={year}"), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{fig}");
        let cases = check_cases(&app, &fig, year, None).await;
        for key in ["opened", "closed", "open_at_end", "followups_due", "followups_done", "followups_overdue"] {
            *seen.entry(key).or_insert(0) += cases[key].as_i64().unwrap_or(0);
        }
        if year == 2022 {
            assert_eq!(cases["opened"].as_i64(), Some(shegong::demo::hotline::CASES_2022 as i64));
        }
    }
    // The comparisons mean something: every figure is non-zero in one of the years.
    for (key, total) in &seen {
        assert!(*total > 0, "{key} is zero in every year");
    }
    // A counsellor's figures are their own cases only.
    let me = app.scalar("SELECT id FROM users WHERE username = 'counsellor'").await;
    let mine = app.token_for("counsellor").await;
    let (_, fig) = app.api("GET", &format!("/api/v1/hotline/figures?year={this_year}"), Some(&mine), None).await;
    let cases = check_cases(&app, &fig, this_year, Some(me)).await;
    assert!(cases["opened"].as_i64().unwrap_or(0) >= 1);

    // The page and the export show them (the export names nobody and holds no text).
    app.login_ok("supervisor").await;
    let page = app.get("/hotline/figures?year=2022").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"cases-opened\">{}<", shegong::demo::hotline::CASES_2022)), "tile");
    assert!(page.body.contains("id=\"case-figures\"") && page.body.contains("转介按状态"));
    let (status, bytes) = app.get_bytes(&format!("/hotline/figures.xlsx?year={this_year}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::hotline_escalation::xlsx_text(&bytes);
    assert!(text.contains("新开个案") && text.contains("转介按去向") && text.contains("医疗服务"), "{text}");
    assert!(!text.contains("测试转介") && !text.contains("测试医院") && !text.contains("测试慈善会"), "de-identified");
});

both_backends!(the_hotline_indicators_equal_the_records, |app: TestApp| async move {
    let city = app.scalar("SELECT id FROM org_units WHERE parent_id IS NULL").await;
    let centre = app.scalar("SELECT MIN(unit_id) FROM hotline_calls").await;
    let other = app.scalar(&format!("SELECT MIN(id) FROM org_units WHERE depth = 1 AND id <> {centre}")).await;
    let mut nonzero = std::collections::HashSet::new();
    for unit in [city, centre, other] {
        let path = app.text(&format!("SELECT path FROM org_units WHERE id = {unit}")).await;
        for p in ["2022", "2022-Q2", "2022-03", "2022-06-01..2022-09-30", "2021"] {
            let period = Period::parse(p).expect("period");
            let (from, to) = period.bounds();
            let got =
                shegong::review::figures::compute_uncached(&app.db.conn, &Ask::new(period, unit, &path, Scope::all()))
                    .await
                    .expect("engine");
            let value = |key: &str| got.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v);
            let under = format!("t.unit_id IN (SELECT u.id FROM org_units u WHERE u.path LIKE '{path}%')");
            // Calls and counsellors by the China date of the start (counted here from the instants).
            let rows = app
                .db
                .conn
                .query_all(shegong::platform::db::sql(
                    app.db.backend(),
                    &format!("SELECT t.counsellor_id, t.started_at FROM hotline_calls t WHERE {under}"),
                    vec![],
                ))
                .await
                .expect("calls");
            let china = shegong::platform::time::china();
            let mut calls = 0;
            let mut who = std::collections::HashSet::new();
            for r in &rows {
                let at = r.try_get_by_index::<chrono::DateTime<chrono::Utc>>(1).expect("started_at");
                let day = at.with_timezone(&china).date_naive();
                if day >= from && day <= to {
                    calls += 1;
                    who.insert(r.try_get_by_index::<i64>(0).expect("counsellor"));
                }
            }
            let cases = app
                .scalar(&format!("SELECT COUNT(*) FROM hotline_cases t WHERE {under} AND t.opened_on >= '{from}' AND t.opened_on <= '{to}'"))
                .await;
            for (key, want) in
                [("hotline.calls", calls), ("hotline.counsellors", who.len() as i64), ("hotline.cases", cases)]
            {
                assert_eq!(value(key), Some(want), "{key} at {path} for {p}");
                if want > 0 {
                    nonzero.insert(key);
                }
            }
        }
    }
    assert_eq!(nonzero.len(), 3, "every indicator is non-zero somewhere: {nonzero:?}");
    // The 2022 year at the city: the generator's figures.
    let path = app.text(&format!("SELECT path FROM org_units WHERE id = {city}")).await;
    let got = shegong::review::figures::compute_uncached(
        &app.db.conn,
        &Ask::new(Period::Year(2022), city, &path, Scope::all()),
    )
    .await
    .expect("engine");
    let value = |key: &str| got.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v);
    assert_eq!(value("hotline.cases"), Some(shegong::demo::hotline::CASES_2022 as i64));
    assert_eq!(value("hotline.counsellors"), Some(shegong::demo::hotline::COUNSELLORS_2022 as i64));
});
