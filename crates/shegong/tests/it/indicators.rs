//! The indicator engine (issue 15): values equal the raw queries for several periods and units,
//! the cache follows every write on any node, the API and the pages read the same values, and a
//! figure opens the records it counts.

use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use shegong::platform::access::Scope;
use shegong::platform::i18n::{tf, Lang};
use shegong::platform::indicator::Ask;
use shegong::platform::period::Period;

use crate::both_backends;
use crate::helpers::TestApp;

/// The three levels of the tree the tests ask about: the city, a town, a community.
async fn units(app: &TestApp) -> Vec<(i64, String)> {
    let city = app.text("SELECT path FROM org_units WHERE parent_id IS NULL").await;
    let mut out = Vec::new();
    for path in [city.as_str(), "/320583/kaifaqu/", "/320583/kaifaqu/xiuyi/"] {
        out.push((app.unit_id(path).await, path.to_string()));
    }
    out
}

/// Hotline calls of a subtree between two days (China time), counted in Rust from the raw rows.
async fn raw_calls(app: &TestApp, path: &str, from: NaiveDate, to: NaiveDate) -> i64 {
    let rows = app
        .db
        .conn
        .query_all(shegong::platform::db::sql(
            app.db.backend(),
            "SELECT t.started_at FROM hotline_calls t JOIN org_units u ON u.id = t.unit_id WHERE u.path LIKE ?",
            vec![format!("{path}%").into()],
        ))
        .await
        .expect("calls");
    let china = shegong::platform::time::china();
    rows.iter()
        .map(|r| r.try_get_by_index::<DateTime<Utc>>(0).expect("started_at").with_timezone(&china).date_naive())
        .filter(|d| *d >= from && *d <= to)
        .count() as i64
}

/// Every indicator checked here, from raw SQL (`None`: an annual indicator asked for less than a
/// whole year).
async fn raw(app: &TestApp, path: &str, p: Period) -> Vec<(&'static str, Option<i64>)> {
    let (from, to) = p.bounds();
    let year = match p {
        Period::Year(y) => Some(y),
        _ => None,
    };
    let under = format!("u.path LIKE '{path}%'");
    let annual = |q: String| async move {
        match year {
            Some(y) => Some(app.scalar(&q.replace("{year}", &y.to_string())).await),
            None => None,
        }
    };
    vec![
        (
            "services.projects",
            annual(format!("SELECT COUNT(*) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE {under} AND p.year = {{year}}")).await,
        ),
        (
            "services.amount",
            annual(format!("SELECT SUM_INT(p.amount_fen) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE {under} AND p.year = {{year}}")).await,
        ),
        (
            "services.agencies",
            annual(format!("SELECT COUNT(DISTINCT p.agency_id) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE {under} AND p.year = {{year}}")).await,
        ),
        (
            "talent.exam_passes",
            annual(format!("SELECT COUNT(*) FROM qualifications q JOIN social_workers w ON w.id = q.worker_id JOIN org_units u ON u.id = w.unit_id WHERE {under} AND q.exam_year = {{year}}")).await,
        ),
        (
            "events.honours",
            annual(format!("SELECT COUNT(*) FROM honours h JOIN org_units u ON u.id = h.unit_id WHERE {under} AND h.year = {{year}}")).await,
        ),
        (
            "talent.fund_in",
            Some(app.scalar(&format!("SELECT SUM_INT(f.amount_fen) FROM fund_entries f JOIN org_units u ON u.id = f.unit_id WHERE {under} AND f.kind = 'contribution' AND f.entry_on >= '{from}' AND f.entry_on <= '{to}'")).await),
        ),
        (
            "events.events",
            Some(app.scalar(&format!("SELECT COUNT(*) FROM events e JOIN org_units u ON u.id = e.unit_id WHERE {under} AND e.held_on >= '{from}' AND e.held_on <= '{to}'")).await),
        ),
        (
            "orgs.active",
            Some(app.scalar(&format!("SELECT COUNT(*) FROM organisations o JOIN org_units u ON u.id = o.unit_id WHERE {under} AND o.registered_on <= '{to}' AND (o.status = 'normal' OR o.status_on > '{to}')")).await),
        ),
        (
            "units.community",
            Some(app.scalar(&format!("SELECT COUNT(*) FROM org_units u WHERE {under} AND u.depth = 2 AND u.active = TRUE")).await),
        ),
        ("hotline.calls", Some(raw_calls(app, path, from, to).await)),
        ("hotline.counsellors", Some(raw_counsellors(app, path, from, to).await)),
        (
            "hotline.cases",
            Some(app.scalar(&format!("SELECT COUNT(*) FROM hotline_cases k JOIN org_units u ON u.id = k.unit_id WHERE {under} AND k.opened_on >= '{from}' AND k.opened_on <= '{to}'")).await),
        ),
    ]
}

/// The counsellors who answered hotline calls in a subtree between two days (China time),
/// counted in Rust from the raw rows.
async fn raw_counsellors(app: &TestApp, path: &str, from: NaiveDate, to: NaiveDate) -> i64 {
    let rows = app
        .db
        .conn
        .query_all(shegong::platform::db::sql(
            app.db.backend(),
            "SELECT t.started_at, t.counsellor_id FROM hotline_calls t JOIN org_units u ON u.id = t.unit_id WHERE u.path LIKE ?",
            vec![format!("{path}%").into()],
        ))
        .await
        .expect("calls");
    let china = shegong::platform::time::china();
    rows.iter()
        .filter(|r| {
            let d = r.try_get_by_index::<DateTime<Utc>>(0).expect("started_at").with_timezone(&china).date_naive();
            d >= from && d <= to
        })
        .map(|r| r.try_get_by_index::<i64>(1).expect("counsellor"))
        .collect::<std::collections::HashSet<_>>()
        .len() as i64
}

fn api_value(set: &Value, key: &str) -> Option<i64> {
    set["indicators"].as_array().and_then(|a| a.iter().find(|x| x["key"] == key)).and_then(|x| x["value"].as_i64())
}

// Engine = raw SQL for a year, a quarter, a month and a range, at the city, a town and a
// community; straight from the records and through the API's cache alike.
both_backends!(engine_values_equal_the_raw_queries, |mut app: TestApp| async move {
    let token = app.token_for("leader").await;
    // The demo's hotline calls are of the last weeks.
    let today = shegong::platform::time::today();
    let recent = format!("{}..{today}", today - chrono::Duration::days(40));
    let periods = ["2022", "2022-Q2", "2022-03", "2022-06-01..2022-09-30", "2021", recent.as_str()];
    let mut nonzero = std::collections::HashSet::new();
    for (id, path) in units(&app).await {
        for p in periods {
            let period = Period::parse(p).expect("period");
            let want = raw(&app, &path, period).await;
            let got =
                shegong::review::figures::compute_uncached(&app.db.conn, &Ask::new(period, id, &path, Scope::all()))
                    .await
                    .expect("engine");
            let (s, set) =
                app.api("GET", &format!("/api/v1/indicators?period={p}&unit={id}"), Some(&token), None).await;
            assert_eq!(s, StatusCode::OK, "{set}");
            for (key, value) in &want {
                let engine = got.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
                assert_eq!(engine, Some(*value), "{key} at {path} for {p}");
                let listed = set["indicators"].as_array().is_some_and(|a| a.iter().any(|x| x["key"] == *key));
                if listed {
                    assert_eq!(api_value(&set, key), *value, "API {key} at {path} for {p}");
                } else {
                    assert!(key.starts_with("hotline."), "the leader reads every indicator but the hotline's: {key}");
                }
                if value.unwrap_or(0) > 0 {
                    nonzero.insert(*key);
                }
            }
        }
    }
    // The comparison means something: every indicator checked is non-zero somewhere.
    for key in
        ["services.projects", "talent.exam_passes", "events.honours", "talent.fund_in", "orgs.active", "hotline.calls"]
    {
        assert!(nonzero.contains(key), "{key} is zero everywhere");
    }
});

// The cached values follow every write, on this node and on another one (the `records` data
// version is bumped in the writing transaction), and the change against the year before is the
// difference of the two years' values.
both_backends!(cached_values_follow_writes_on_any_node, |mut app: TestApp| async move {
    let token = app.token_for("bureau").await;
    let url = "/api/v1/indicators?period=2022";
    let (_, before) = app.api("GET", url, Some(&token), None).await;
    let honours = api_value(&before, "events.honours").expect("honours");
    let (_, again) = app.api("GET", url, Some(&token), None).await;
    assert_eq!(api_value(&again, "events.honours"), Some(honours));
    let version = before["data_version"].as_i64().expect("version");
    assert_eq!(again["data_version"].as_i64(), Some(version), "reading bumps nothing");
    let mut other = app.other_node().await;
    let (_, warm) = other.api("GET", url, Some(&token), None).await;
    assert_eq!(api_value(&warm, "events.honours"), Some(honours));
    let city = app.scalar("SELECT id FROM org_units WHERE parent_id IS NULL").await;
    for year in [2022, 2021] {
        app.exec(&format!(
            "INSERT INTO honours (unit_id, title, level, year, awardee_kind, awardee_name, created_at, updated_at) \
             VALUES ({city}, 'test', 'city', {year}, 'unit', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))
        .await;
    }
    let (_, after) = app.api("GET", url, Some(&token), None).await;
    assert_eq!(api_value(&after, "events.honours"), Some(honours + 1));
    assert!(after["data_version"].as_i64().expect("version") > version);
    // Another node sees the write at once (it reads the version on every question).
    let (_, there) = other.api("GET", url, Some(&token), None).await;
    assert_eq!(api_value(&there, "events.honours"), Some(honours + 1), "the other node's cache is stale");
    let entry = after["indicators"].as_array().and_then(|a| a.iter().find(|x| x["key"] == "events.honours")).cloned();
    let entry = entry.expect("honours entry");
    let y2021 = app.scalar("SELECT COUNT(*) FROM honours WHERE year = 2021").await;
    assert_eq!(entry["before"].as_i64(), Some(y2021));
    assert_eq!(entry["change"].as_i64(), Some(honours + 1 - y2021));
    assert!(after["changed_at"].is_string(), "the time of the last change");
});

// Scope and input: a unit outside the caller's scope does not exist for them, a bad period is
// refused, and a user without the domain's permission gets none of its indicators.
both_backends!(indicators_keep_to_the_scope, |mut app: TestApp| async move {
    let token = app.token_for("station").await;
    let other = app.unit_id("/320583/zhouzhuang/").await;
    let (s, _) = app.api("GET", &format!("/api/v1/indicators?period=2022&unit={other}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = app.api("GET", "/api/v1/indicators?period=2022-Q5", Some(&token), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    // By default, the station's own town.
    let (s, set) = app.api("GET", "/api/v1/indicators?period=2022", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    let own = app.scalar("SELECT unit_id FROM users WHERE username = 'station'").await;
    assert_eq!(set["unit_id"].as_i64(), Some(own));
    let path = app.text(&format!("SELECT path FROM org_units WHERE id = {own}")).await;
    let communities = app
        .scalar(&format!("SELECT COUNT(*) FROM org_units WHERE path LIKE '{path}%' AND depth = 2 AND active = TRUE"))
        .await;
    assert_eq!(api_value(&set, "units.community"), Some(communities));
    let keys: Vec<&str> =
        set["indicators"].as_array().expect("list").iter().filter_map(|x| x["key"].as_str()).collect();
    assert!(!keys.contains(&"hotline.calls"), "no hotline permission, no hotline indicator: {keys:?}");
});

// The dashboard: the latest year with records, a breadcrumb down the tree, each figure with its
// change and a link to exactly the records it counts, and the time of the last change.
both_backends!(dashboard_reads_the_engine_and_drills_down, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let town = app.unit_id("/320583/kaifaqu/").await;
    let home = app.get(&format!("/?unit={town}")).await;
    assert_eq!(home.status, StatusCode::OK);
    let latest = app.scalar("SELECT MAX(year) FROM projects").await;
    assert!(home.body.contains(&format!(r#"<option value="{latest}" selected>"#)), "opens on {latest}");
    assert!(home.body.contains(r#"<nav class="breadcrumb""#) && home.body.contains("开发区"));
    assert!(home.body.contains("绣衣社区"), "the town's communities to drill down to");
    let changed = tf(Lang::Zh, "indicators.changed_at", &[("time", "")]);
    assert!(home.body.contains(changed.trim()), "the time the data last changed");
    let tile = home.body.split(r#"data-key="services.projects" href=""#).nth(1).expect("projects tile");
    let href = tile.split('"').next().expect("href").replace("&amp;", "&").replace("&#38;", "&");
    let shown: i64 = tile
        .split(r#"<span class="figure-value">"#)
        .nth(1)
        .and_then(|v| v.split('<').next())
        .and_then(|v| v.replace(',', "").parse().ok())
        .expect("value");
    let want = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE '/320583/kaifaqu/%' AND p.year = {latest}"
        ))
        .await;
    assert_eq!(shown, want);
    assert!(want > 0);
    let list = app.get(&href).await;
    assert_eq!(list.status, StatusCode::OK, "{href}");
    let summary = tf(Lang::Zh, "paging.summary", &[("total", &want.to_string()), ("page", "1"), ("pages", "")]);
    let summary = summary.split('第').next().expect("prefix").to_string();
    assert!(list.body.contains(&summary), "{href} lists the {want} projects");
    assert!(tile.contains("figure-change"), "the change against the year before");
    // Every figure opens a page.
    for part in home.body.split(r#"<a class="figure" data-key=""#).skip(1) {
        let key = part.split('"').next().expect("key");
        let href = part.split(r#"href=""#).nth(1).and_then(|h| h.split('"').next()).expect("href");
        let href = href.replace("&amp;", "&").replace("&#38;", "&");
        assert_eq!(app.get(&href).await.status, StatusCode::OK, "{key}: {href}");
    }
    // The catalogue lists every indicator with its definition, for a quarter too.
    let cat = app.get(&format!("/review/indicators?period=2022-Q1&unit={town}")).await;
    assert_eq!(cat.status, StatusCode::OK);
    let bureau = shegong::platform::access::ROLES.iter().find(|r| r.code == "bureau").expect("bureau role");
    for g in shegong::review::figures::catalogue() {
        let readable = bureau.permissions.contains(&g.need);
        for i in &g.indicators {
            if !readable {
                assert!(!cat.body.contains(&format!(r#"data-key="{}""#, i.key)), "{} needs {}", i.key, g.need);
                continue;
            }
            assert!(cat.body.contains(&format!(r#"data-key="{}""#, i.key)), "{}", i.key);
            assert!(cat.body.contains(shegong::platform::i18n::t(Lang::Zh, i.definition_key)), "{}", i.definition_key);
        }
    }
    assert_eq!(app.get("/review/indicators?period=abc").await.status, StatusCode::BAD_REQUEST);
});

// An agency's staff see their own records only: their dashboard asks about the whole tree inside
// that scope, and each figure still opens exactly the records it counts.
both_backends!(own_scope_dashboard_links_work, |mut app: TestApp| async move {
    app.login_ok("agency").await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let mut tiles = 0;
    for part in home.body.split(r#"<a class="figure" data-key=""#).skip(1) {
        let key = part.split('"').next().expect("key").to_string();
        let href = part.split(r#"href=""#).nth(1).and_then(|h| h.split('"').next()).expect("href");
        let href = href.replace("&amp;", "&").replace("&#38;", "&");
        assert!(!href.contains("unit=0"), "{key}: {href}");
        let list = app.get(&href).await;
        assert_eq!(list.status, StatusCode::OK, "{key}: {href}");
        if key == "services.projects" {
            let shown: String = part
                .split(r#"<span class="figure-value">"#)
                .nth(1)
                .and_then(|v| v.split('<').next())
                .expect("value")
                .replace(',', "");
            let summary = tf(Lang::Zh, "paging.summary", &[("total", &shown), ("page", "1"), ("pages", "")]);
            let summary = summary.split('第').next().expect("prefix").to_string();
            assert!(shown != "0" && list.body.contains(&summary), "{href} lists the agency's {shown} projects");
        }
        tiles += 1;
    }
    assert!(tiles > 0 && home.body.contains(r#"data-key="services.projects""#));
});
