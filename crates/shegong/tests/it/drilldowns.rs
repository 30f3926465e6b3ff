//! Drill-downs (issue 15 item 7, "a click from a figure to the records behind it"): every
//! indicator of the engine links to a page listing exactly the records its value counts, for the
//! period and unit subtree asked, inside the reader's scope; and the dashboard's trend table shows
//! the years with records and the engine's value in each.
//!
//! A drill-down page states its figure in markup the tests read: the list's record count
//! (`data-total` on the shared pager), or, where the link has a fragment (`#id`), the element of
//! that id: its `data-value` (a sum or a distinct count of the listed records) or its
//! `data-part` and `data-whole` (a share's numerator and denominator).

use std::collections::{BTreeMap, HashSet};

use axum::http::StatusCode;
use serde_json::Value;
use shegong::orgs::figures::CoverageCounts;
use shegong::platform::access::{DataScope, DEMO_USERS, ROLES};
use shegong::platform::figures::Measure;
use shegong::platform::indicator::Ask;
use shegong::platform::period::Period;

use crate::both_backends;
use crate::helpers::TestApp;

/// The value of attribute `name` in the first tag of `tag_text`.
fn attr(tag_text: &str, name: &str) -> Option<i64> {
    let tag = tag_text.split('>').next()?;
    let v = tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next()?;
    v.parse().ok()
}

/// The figure a drill-down page states for a link: see the module's comment. `None` when the
/// page has no such marker.
fn shown(body: &str, href: &str, measure: Measure) -> Option<i64> {
    match href.split_once('#') {
        None => body.split("<nav class=\"pager\"").nth(1).and_then(|t| attr(t, "data-total")),
        Some((_, id)) => {
            let start = body.find(&format!(" id=\"{id}\""))?;
            let open = body[..start].rfind('<')?;
            let tag = &body[open..];
            match (attr(tag, "data-part"), attr(tag, "data-whole")) {
                (Some(part), Some(whole)) => {
                    assert_eq!(measure, Measure::Permille, "{href}: a share for a {measure:?}");
                    Some(CoverageCounts::permille(part, whole))
                }
                _ => attr(tag, "data-value"),
            }
        }
    }
}

/// The demo user who reads each indicator group: the Bureau officer where their role may, else
/// the first demo user with a city-wide role that may (the system administrator for accounts, the
/// hotline supervisor for the hotline).
fn reader_of(need: &str) -> &'static str {
    let role = |code: &str| ROLES.iter().find(|r| r.code == code).expect("role");
    if role("bureau").permissions.contains(&need) {
        return "bureau";
    }
    DEMO_USERS
        .iter()
        .find(|(_, r)| {
            let r = role(r);
            matches!(r.scope, DataScope::All) && r.permissions.contains(&need)
        })
        .map(|(u, _)| *u)
        .unwrap_or_else(|| panic!("no demo user reads {need}"))
}

/// The href and value of every indicator the API gives a token for a period and unit.
async fn api_values(
    app: &mut TestApp,
    token: &str,
    period: &str,
    unit: i64,
) -> BTreeMap<String, (Option<i64>, String)> {
    let (s, set) = app.api("GET", &format!("/api/v1/indicators?period={period}&unit={unit}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{set}");
    set["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|x: &Value| {
            let key = x["key"].as_str().expect("key").to_string();
            (key, (x["value"].as_i64(), x["href"].as_str().expect("href").to_string()))
        })
        .collect()
}

/// Opens a drill-down and returns the figure it states.
async fn drill(app: &mut TestApp, key: &str, href: &str, measure: Measure) -> (i64, String) {
    let path = href.split('#').next().expect("path");
    let page = app.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{key}: {href}");
    let n = shown(&page.body, href, measure).unwrap_or_else(|| panic!("{key}: {href} states no figure"));
    (n, page.body)
}

// Every indicator of the engine, for the city, a town and a community in 2022, the city in 2023,
// a quarter, a month and the recent weeks (the demo's hotline calls): the page its link opens
// states exactly the engine's value.
both_backends!(every_indicator_opens_exactly_its_records, |mut app: TestApp| async move {
    let city = app.scalar("SELECT id FROM org_units WHERE parent_id IS NULL").await;
    let town = app.unit_id("/320583/kaifaqu/").await;
    let community = app.unit_id("/320583/kaifaqu/xiuyi/").await;
    let today = shegong::platform::time::today();
    let recent = format!("{}..{today}", today - chrono::Duration::days(40));
    let asks: Vec<(String, i64)> = vec![
        ("2022".into(), city),
        ("2022".into(), town),
        ("2022".into(), community),
        ("2023".into(), city),
        ("2022-Q2".into(), city),
        ("2022-03".into(), town),
        (recent.clone(), city),
        (recent, town),
    ];
    // The groups by the user who reads them; every indicator of the engine, none typed here.
    let mut readers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for g in shegong::review::figures::catalogue() {
        readers.entry(reader_of(g.need)).or_default().extend(g.indicators.iter().map(|i| i.key));
    }
    let mut checked = HashSet::new();
    let mut nonzero = HashSet::new();
    for (user, keys) in &readers {
        app.login_ok(user).await;
        let token = app.token_for(user).await;
        for (period, unit) in &asks {
            let values = api_values(&mut app, &token, period, *unit).await;
            for key in keys {
                let (value, href) = values.get(*key).cloned().unwrap_or_else(|| panic!("{user} reads {key}"));
                let measure = shegong::review::figures::find(key).expect("indicator").1.measure;
                // An indicator of records dated by a year has no value for a quarter.
                let Some(value) = value else { continue };
                assert!(!href.contains("unit=0"), "{key}: {href}");
                if *unit != city || !href.starts_with("/units/") {
                    assert!(
                        href.contains(&format!("unit={unit}"))
                            || href.contains(&format!("under={unit}"))
                            || href.contains(&format!("signed_at={unit}")),
                        "{key}: {href} is about unit {unit}"
                    );
                }
                let (n, _) = drill(&mut app, key, &href, measure).await;
                assert_eq!(n, value, "{key} for {period} at unit {unit}: {href} states {n}, the engine {value}");
                checked.insert(key.to_string());
                if value > 0 {
                    nonzero.insert(key.to_string());
                }
            }
        }
    }
    for g in shegong::review::figures::catalogue() {
        for i in &g.indicators {
            assert!(checked.contains(i.key), "{} was never checked", i.key);
            assert!(nonzero.contains(i.key), "{} is zero everywhere: the check means nothing", i.key);
        }
    }
});

// A station manager (their own town): each drill-down states their value and lists no record of
// another town or its communities (no cell names one of their units).
both_backends!(a_station_managers_drilldowns_keep_to_the_town, |mut app: TestApp| async move {
    let own = app.scalar("SELECT unit_id FROM users WHERE username = 'station'").await;
    let own_path = app.text(&format!("SELECT path FROM org_units WHERE id = {own}")).await;
    // The names of the units outside the town (no cell of the pages may be one of them).
    let others: Vec<String> = {
        let rows = sea_orm::ConnectionTrait::query_all(
            &app.db.conn,
            shegong::platform::db::sql(
                app.db.backend(),
                "SELECT name FROM org_units WHERE depth >= 1 AND path NOT LIKE ?",
                vec![format!("{own_path}%").into()],
            ),
        )
        .await
        .expect("towns");
        rows.iter().map(|r| r.try_get_by_index::<String>(0).expect("name")).collect()
    };
    assert!(others.len() > 3, "{others:?}");
    app.login_ok("station").await;
    let token = app.token_for("station").await;
    let mut seen = 0;
    for period in ["2022", "2022-Q2", "2023"] {
        let values = api_values(&mut app, &token, period, own).await;
        assert!(values.contains_key("services.projects") && values.contains_key("stations.town"));
        for (key, (value, href)) in &values {
            let Some(value) = value else { continue };
            let measure = shegong::review::figures::find(key).expect("indicator").1.measure;
            // The same figure for the station manager as for the whole city's reader, asked
            // straight from the records within the town.
            let ask = Ask::new(
                Period::parse(period).expect("period"),
                own,
                &own_path,
                shegong::platform::access::Scope::all(),
            );
            let raw = shegong::review::figures::compute_uncached(&app.db.conn, &ask).await.expect("engine");
            let raw = raw.iter().find(|(k, _)| k == key).and_then(|(_, v)| *v);
            assert_eq!(raw, Some(*value), "{key}: the town's value");
            let (n, body) = drill(&mut app, key, href, measure).await;
            assert_eq!(n, *value, "{key} for {period}: {href} states {n}, the engine {value}");
            // The list itself (the page's main content) names no other town.
            let main = body.split("<main").nth(1).unwrap_or(&body);
            for other in &others {
                assert!(!main.contains(&format!(">{other}<")), "{key}: {href} shows {other}");
            }
            seen += 1;
        }
    }
    assert!(seen > 20, "{seen} drill-downs");
    // A unit outside the scope does not exist for the station manager's lists either.
    let other = app.unit_id("/320583/zhouzhuang/").await;
    assert_eq!(app.get(&format!("/stations?unit={other}")).await.status, StatusCode::NOT_FOUND);
    let projects = app.get(&format!("/services?year=2022&unit={other}")).await;
    assert_eq!(projects.status, StatusCode::OK);
    assert_eq!(shown(&projects.body, "/services", Measure::Count), Some(0), "no project of another town");
});

// Bad drill-down parameters are refused with a message, not a 500.
both_backends!(bad_drilldown_parameters_are_refused, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    for url in [
        "/events?period=2022-Q5",
        "/talent/fund?period=abc",
        "/orgs?on=2022-13-40",
        "/stations?on=yesterday",
        "/volunteers/people?signed_up=20x2",
    ] {
        let r = app.get(url).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}");
    }
    let r = app.get("/stations?unit=abc").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

// The dashboard's trend table: the years shown are the latest (up to eight) of the years with
// records, oldest first, and each cell is the engine's value for that year.
both_backends!(the_trend_table_shows_the_years_with_records, |mut app: TestApp| async move {
    let year_of = |col: &str| format!("SUBSTR(CAST({col} AS TEXT), 1, 4)");
    let q = format!(
        "SELECT CAST(year AS TEXT) FROM projects UNION SELECT CAST(year AS TEXT) FROM honours \
         UNION SELECT CAST(exam_year AS TEXT) FROM qualifications WHERE exam_year IS NOT NULL \
         UNION SELECT {} FROM fund_entries UNION SELECT {} FROM events \
         UNION SELECT {} FROM volunteer_records UNION SELECT {} FROM hotline_calls",
        year_of("entry_on"),
        year_of("held_on"),
        year_of("service_date"),
        year_of("started_at"),
    );
    let rows =
        sea_orm::ConnectionTrait::query_all(&app.db.conn, shegong::platform::db::sql(app.db.backend(), &q, vec![]))
            .await
            .expect("years");
    let mut years: Vec<i32> =
        rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).filter_map(|y| y.parse().ok()).collect();
    years.sort_unstable();
    years.dedup();
    let want: Vec<i32> = years.iter().rev().take(8).rev().copied().collect();
    assert!(want.contains(&2022) && want.contains(&2023), "{want:?}");
    let town = app.unit_id("/320583/kaifaqu/").await;
    let path = "/320583/kaifaqu/";
    app.login_ok("bureau").await;
    let home = app.get(&format!("/?unit={town}")).await;
    assert_eq!(home.status, StatusCode::OK);
    let table = home.body.split("<section class=\"trends\"").nth(1).expect("trend table");
    let table = table.split("</table>").next().expect("table");
    let head = table.split("</thead>").next().expect("head");
    let shown_years: Vec<i32> = head
        .split("<th scope=\"col\" class=\"num\">")
        .skip(1)
        .filter_map(|t| t.split('<').next())
        .filter_map(|y| y.parse().ok())
        .collect();
    assert_eq!(shown_years, want, "the years with records");
    let mut cells = 0;
    for y in &want {
        let ask = Ask::new(Period::Year(*y), town, path, shegong::platform::access::Scope::all());
        let engine = shegong::review::figures::compute_uncached(&app.db.conn, &ask).await.expect("engine");
        let col = want.iter().position(|x| x == y).expect("column");
        for (key, value) in &engine {
            let Some(row) = table.split(&format!("<tr data-key=\"{key}\">")).nth(1) else { continue };
            let row = row.split("</tr>").next().expect("row");
            let cell = row.split("<td class=\"num\">").nth(col + 1).and_then(|c| c.split('<').next()).expect("cell");
            let measure = shegong::review::figures::find(key).expect("indicator").1.measure;
            let text = shegong::review::model::value_text(measure, *value);
            assert_eq!(cell, text, "{key} in {y}");
            cells += 1;
        }
    }
    assert!(cells > 20 * want.len(), "{cells} cells");
});
