//! Pages with a period: each opens on the latest year with records in the caller's scope, offers
//! exactly the years with records in a select (plus the year a page documents as extra), keeps the
//! chosen year through a refused form, and shows "no records" instead of an empty chart; the
//! figures tables end in a totals row equal to the database's sum; pickers list units in their
//! official order.

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use shegong::platform::money::Money;
use shegong::platform::period::this_year;

use crate::both_backends;
use crate::helpers::{between, TestApp};

/// The integers of the first column of `q`, in order.
async fn ints(app: &TestApp, q: &str) -> Vec<i64> {
    app.db
        .conn
        .query_all(Statement::from_string(app.db.backend(), q))
        .await
        .expect(q)
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).expect("integer"))
        .collect()
}

/// The part of `body` from the select named `name` to its end.
fn select<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let at = body.find(&format!("<select name=\"{name}\"")).or_else(|| body.find(&format!("name=\"{name}\">")))?;
    let rest = &body[at..];
    Some(&rest[..rest.find("</select>").unwrap_or(rest.len())])
}

/// The option values of the select named `name`.
fn options(body: &str, name: &str) -> Vec<i64> {
    select(body, name)
        .map(|s| between(s, "<option value=\"", "\"").iter().filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default()
}

/// The selected option of the select named `name`.
fn selected(body: &str, name: &str) -> Option<i64> {
    let s = select(body, name)?;
    s.split("<option value=\"")
        .skip(1)
        .find(|o| o.contains(" selected") || o.contains("\"selected"))
        .and_then(|o| o.split('"').next().and_then(|v| v.parse().ok()))
}

/// The cells of the totals row of the table with id `table`.
fn totals_row(body: &str, table: &str) -> Vec<String> {
    let t = body.split(&format!("id=\"{table}\"")).nth(1).expect("the table");
    let t = &t[..t.find("</table>").expect("table end")];
    let foot = between(t, "<tfoot>", "</tfoot>").first().copied().expect("a totals row");
    between(foot, "<td class=\"num\">", "</td>").iter().map(|s| s.to_string()).collect()
}

both_backends!(pages_open_on_the_latest_year_with_records, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    // Purchased services.
    let years = ints(&app, "SELECT DISTINCT CAST(year AS BIGINT) AS y FROM projects ORDER BY y DESC").await;
    let page = app.get("/services/figures").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(selected(&page.body, "year"), years.first().copied(), "the latest year with projects");
    assert_eq!(options(&page.body, "year"), years, "exactly the years with projects");
    assert!(!page.body.contains("<input name=\"year\""), "a select, not a text box");
    // Talent figures: years of exam passes and of published selections with winners.
    let years = ints(
        &app,
        "SELECT DISTINCT y FROM (SELECT CAST(q.exam_year AS BIGINT) AS y FROM qualifications q \
         UNION SELECT CAST(p.year AS BIGINT) AS y FROM programmes p JOIN nominations n ON n.programme_id = p.id \
         WHERE p.status = 'published' AND n.status = 'selected') t ORDER BY y DESC",
    )
    .await;
    let page = app.get("/talent/figures").await;
    assert_eq!(selected(&page.body, "year"), years.first().copied());
    assert_eq!(options(&page.body, "year"), years);
    // The fund: the years with entries, and this year for new entries.
    let fund_years =
        "SELECT DISTINCT CAST(SUBSTR(CAST(entry_on AS TEXT), 1, 4) AS BIGINT) AS y FROM fund_entries ORDER BY y DESC";
    let years = ints(&app, fund_years).await;
    let page = app.get("/talent/fund").await;
    assert_eq!(selected(&page.body, "year"), years.first().copied());
    let mut offered = years.clone();
    offered.push(i64::from(this_year()));
    offered.sort_unstable_by(|a, b| b.cmp(a));
    offered.dedup();
    assert_eq!(options(&page.body, "year"), offered);
    // Annual reports: the years with reports, and last year, whose reports are coming in.
    let years = ints(&app, "SELECT DISTINCT CAST(year AS BIGINT) AS y FROM annual_reports ORDER BY y DESC").await;
    let page = app.get("/orgs/reports").await;
    assert_eq!(selected(&page.body, "year"), years.first().copied());
    let mut offered = years.clone();
    offered.push(i64::from(this_year()) - 1);
    offered.sort_unstable_by(|a, b| b.cmp(a));
    offered.dedup();
    assert_eq!(options(&page.body, "year"), offered);
    // A year without records: its charts say so instead of drawing a bare legend.
    let empty = app.get("/services/figures?year=2001").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(selected(&empty.body, "year"), Some(2001), "the year asked for is offered");
    assert!(empty.body.contains("该年度没有记录") && !empty.body.contains("<svg"), "no bare legend");
    assert!(app.get("/services/figures").await.body.contains("<svg"), "charts where there are records");
    // Not a year: refused with a message, not a 500.
    let bad = app.get("/talent/fund?year=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("年度无效"));
});

both_backends!(a_station_managers_latest_year_is_that_of_their_scope, |mut app: TestApp| async move {
    // Another town buys in a later year: the Bureau opens on it, 周市's manager does not.
    let later = ints(&app, "SELECT CAST(MAX(year) AS BIGINT) FROM projects").await[0] + 1;
    app.exec(&format!(
        "UPDATE projects SET year = {later} WHERE id = (SELECT MIN(p.id) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE '/320583/lujia/%')"
    ))
    .await;
    app.login_ok("bureau").await;
    assert_eq!(selected(&app.get("/services/figures").await.body, "year"), Some(later));
    app.logout().await;
    app.login_ok("station").await;
    let expected = ints(
        &app,
        "SELECT CAST(MAX(p.year) AS BIGINT) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE '/320583/zhoushi/%'",
    )
    .await[0];
    assert_ne!(expected, later);
    let page = app.get("/services/figures").await;
    assert_eq!(selected(&page.body, "year"), Some(expected), "the latest year in the manager's scope");
    assert!(!options(&page.body, "year").contains(&later), "no year of another town's records");
    // The agency's staff: their agency's projects decide the year, and they pick no unit.
    app.logout().await;
    app.login_ok("agency").await;
    let expected = ints(
        &app,
        "SELECT CAST(MAX(year) AS BIGINT) FROM projects WHERE agency_id = (SELECT organisation_id FROM users WHERE username = 'agency')",
    )
    .await[0];
    let page = app.get("/services/figures").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(selected(&page.body, "year"), Some(expected));
    assert!(!page.body.contains("<select name=\"unit\""), "no empty unit picker");
});

both_backends!(a_refused_fund_entry_keeps_the_year, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    // An entry in a later year than the demo's: the ledger now opens on that year.
    let first =
        ints(&app, "SELECT CAST(MAX(SUBSTR(CAST(entry_on AS TEXT), 1, 4)) AS BIGINT) FROM fund_entries").await[0];
    let later = first + 1;
    let (on, year) = (format!("{later}-03-01"), later.to_string());
    let contribution = [
        ("kind", "contribution"),
        ("entry_on", on.as_str()),
        ("amount", "1000"),
        ("counterparty", "某慈善基金会"),
        ("year", year.as_str()),
    ];
    let r = app.post("/talent/fund", &contribution).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/talent/fund?year={later}"), "back on the entry's year");
    assert_eq!(selected(&app.get("/talent/fund").await.body, "year"), Some(later));
    // On the earlier year, a refused entry re-renders on that year, with what was typed.
    let page = app.get(&format!("/talent/fund?year={first}")).await;
    assert!(page.body.contains(&format!("name=\"year\" value=\"{first}\"")), "the form carries the year");
    let r = app
        .post(
            "/talent/fund",
            &[
                ("kind", "grant"),
                ("entry_on", &format!("{first}-06-01")),
                ("amount", "abc"),
                ("counterparty", "某社工"),
                ("year", &first.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(selected(&r.body, "year"), Some(first), "not today's year, not the latest");
    assert!(r.body.contains(&format!("（{first}）")), "the heading names the year");
    assert!(r.body.contains("value=\"某社工\""), "the values typed are kept");
});

both_backends!(figures_tables_end_in_totals_equal_to_the_database, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let year = ints(&app, "SELECT CAST(MAX(year) AS BIGINT) FROM projects").await[0];
    let page = app.get("/services/figures").await;
    let projects = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE year = {year}")).await;
    let amount = app.scalar(&format!("SELECT SUM_INT(amount_fen) FROM projects WHERE year = {year}")).await;
    let paid = app
        .scalar(&format!(
            "SELECT SUM_INT(amount_fen) FROM project_payments WHERE project_id IN (SELECT id FROM projects WHERE year = {year})"
        ))
        .await;
    let expected = vec![projects.to_string(), Money(amount).yuan_text(), Money(paid).yuan_text()];
    for table in ["by-category", "by-agency", "by-station"] {
        assert_eq!(totals_row(&page.body, table), expected, "{table}");
    }
    // The awards of the talent figures.
    let year = ints(
        &app,
        "SELECT CAST(MAX(p.year) AS BIGINT) FROM programmes p JOIN nominations n ON n.programme_id = p.id WHERE p.status = 'published' AND n.status = 'selected'",
    )
    .await;
    if let Some(year) = year.first() {
        let winners = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM nominations n JOIN programmes p ON p.id = n.programme_id WHERE p.year = {year} AND p.status = 'published' AND n.status = 'selected'"
            ))
            .await;
        let page = app.get(&format!("/talent/figures?year={year}")).await;
        assert_eq!(totals_row(&page.body, "awards"), vec![winners.to_string()]);
    }
});

both_backends!(pickers_list_units_in_their_official_order, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let towns =
        ints(&app, "SELECT id FROM org_units WHERE depth <= 1 AND active = TRUE ORDER BY depth, sort_order, code")
            .await;
    let pinyin = ints(&app, "SELECT id FROM org_units WHERE depth <= 1 AND active = TRUE ORDER BY path").await;
    assert_ne!(towns, pinyin, "the demo's official order is not the alphabetical one");
    assert_eq!(options(&app.get("/services/figures").await.body, "unit"), towns);
    assert_eq!(
        options(&app.get("/orgs").await.body, "unit").into_iter().filter(|id| towns.contains(id)).collect::<Vec<_>>(),
        towns
    );
    // A station manager's subtree: the town, then its communities and villages in their order.
    app.logout().await;
    app.login_ok("station").await;
    let subtree = ints(
        &app,
        "SELECT id FROM org_units WHERE path LIKE '/320583/zhoushi/%' AND active = TRUE ORDER BY depth, sort_order, code",
    )
    .await;
    assert_eq!(options(&app.get("/talent/workers/new").await.body, "unit_id"), subtree);
});

both_backends!(lists_filter_on_a_year_with_records, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let years = ints(&app, "SELECT DISTINCT CAST(year AS BIGINT) AS y FROM projects ORDER BY y DESC").await;
    for path in ["/services", "/services/team"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(select(&page.body, "year").is_some_and(|s| s.contains("<option value=\"\">")), "{path}: all years");
        assert_eq!(options(&page.body, "year"), years, "{path}: the years with projects");
        assert_eq!(selected(&page.body, "year"), None, "{path}: every year by default");
    }
    let year = years[0];
    let page = app.get(&format!("/services?year={year}&per_page=200")).await;
    assert_eq!(selected(&page.body, "year"), Some(year));
    let n = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE year = {year}")).await;
    assert!(page.body.contains(&format!("共 {n} 条")), "the year's projects");
});

// The events and honours lists filter on a year with records through the shared select (they
// had a free-text year box), and the events list has no upload control on its rows (the upload
// is on the event's own page).
both_backends!(events_and_honours_filter_on_a_year_with_records, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let event_years = ints(
        &app,
        "SELECT DISTINCT CAST(SUBSTR(CAST(held_on AS TEXT), 1, 4) AS BIGINT) AS y FROM events ORDER BY y DESC",
    )
    .await;
    let honour_years = ints(&app, "SELECT DISTINCT CAST(year AS BIGINT) AS y FROM honours ORDER BY y DESC").await;
    for (path, years) in [("/events", &event_years), ("/honours", &honour_years)] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<input name=\"year\""), "{path}: no free-text year");
        assert!(select(&page.body, "year").is_some_and(|s| s.contains("<option value=\"\">")), "{path}: all years");
        assert_eq!(&options(&page.body, "year"), years, "{path}: the years with records");
        assert_eq!(selected(&page.body, "year"), None, "{path}: every year by default");
        let year = years[0];
        let page = app.get(&format!("{path}?year={year}")).await;
        assert_eq!(selected(&page.body, "year"), Some(year), "{path}");
    }
    let year = event_years[0];
    let n = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM events WHERE CAST(SUBSTR(CAST(held_on AS TEXT), 1, 4) AS BIGINT) = {year}"
        ))
        .await;
    let page = app.get(&format!("/events?year={year}&per_page=200")).await;
    assert!(page.body.contains(&format!("共 {n} 条")), "the year's events");
    assert!(!page.body.contains("/photos\""), "no upload control on the list's rows");
    let id = app.scalar("SELECT MIN(id) FROM events").await;
    assert!(
        app.get(&format!("/events/{id}")).await.body.contains(&format!("/events/{id}/photos\"")),
        "upload on the page"
    );
});

// The talent and fund JSON API default to the latest year with records in scope, as the pages
// do (they defaulted to the calendar year, which has no demo records).
both_backends!(talent_apis_default_to_the_latest_year_with_records, |mut app: TestApp| async move {
    let fund = app.scalar("SELECT MAX(CAST(SUBSTR(CAST(entry_on AS TEXT), 1, 4) AS BIGINT)) FROM fund_entries").await;
    let figures = app
        .scalar(
            "SELECT MAX(y) FROM (SELECT q.exam_year AS y FROM qualifications q UNION \
             SELECT p.year AS y FROM programmes p JOIN nominations n ON n.programme_id = p.id \
             WHERE p.status = 'published' AND n.status = 'selected') t",
        )
        .await;
    assert!(fund < i64::from(this_year()) && figures < i64::from(this_year()), "the demo's records are older");
    let token = app.token_for("bureau").await;
    let (s, f) = app.api("GET", "/api/v1/fund", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["year"], serde_json::json!(fund), "{f}");
    let (s, f) = app.api("GET", &format!("/api/v1/fund?year={fund}"), Some(&token), None).await;
    assert_eq!((s, f["year"].clone()), (StatusCode::OK, serde_json::json!(fund)));
    let (s, fig) = app.api("GET", "/api/v1/talent/figures", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{fig}");
    let (_, asked) = app.api("GET", &format!("/api/v1/talent/figures?year={figures}"), Some(&token), None).await;
    assert_eq!(fig, asked, "the latest year's figures");
    // A year that is not a year is refused, as on the pages.
    let (s, _) = app.api("GET", "/api/v1/fund?year=1850", Some(&token), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
});

/// Every unit's place in the official order (tree order, siblings by sort order), by id.
async fn official_ranks(app: &TestApp) -> std::collections::HashMap<i64, usize> {
    let rows = app
        .db
        .conn
        .query_all(Statement::from_string(
            app.db.backend(),
            "SELECT id, parent_id, sort_order, code FROM org_units WHERE active = TRUE",
        ))
        .await
        .expect("units");
    let units: Vec<(i64, Option<i64>, i32, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get_by_index(0).expect("id"),
                r.try_get_by_index(1).expect("parent"),
                r.try_get_by_index(2).expect("sort order"),
                r.try_get_by_index(3).expect("code"),
            )
        })
        .collect();
    let nodes: Vec<_> = units.iter().map(|(id, parent, order, code)| (*id, *parent, *order, code.as_str())).collect();
    shegong::units::tree_order(&nodes).into_iter().enumerate().map(|(rank, i)| (units[i].0, rank)).collect()
}

/// The ids after `href="/orgs/` on a page, in order.
fn org_links(body: &str) -> Vec<i64> {
    between(body, "href=\"/orgs/", "\"").iter().filter_map(|s| s.parse().ok()).collect()
}

// Lists ordered by unit (the registry sorted by unit, the annual reports and the missing ones)
// follow the units' official order, not their paths' pinyin order.
both_backends!(lists_by_unit_follow_the_official_order, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let ranks = official_ranks(&app).await;
    let unit_of = |ids: &[i64]| {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        format!("SELECT id, unit_id FROM organisations WHERE id IN ({list})")
    };
    let year = app.scalar("SELECT MAX(year) FROM annual_reports").await;
    let mut checked = 0;
    for path in [
        "/orgs?sort=unit&per_page=200".to_string(),
        format!("/orgs/reports?year={year}&per_page=200"),
        format!("/orgs/reports?year={year}&status=missing&per_page=200"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let ids: Vec<i64> = org_links(&page.body);
        if ids.len() < 2 {
            continue;
        }
        let rows = app.db.conn.query_all(Statement::from_string(app.db.backend(), unit_of(&ids))).await.expect("orgs");
        let unit: std::collections::HashMap<i64, i64> =
            rows.iter().map(|r| (r.try_get_by_index(0).expect("id"), r.try_get_by_index(1).expect("unit"))).collect();
        let seq: Vec<usize> = ids.iter().map(|id| ranks.get(&unit[id]).copied().unwrap_or(usize::MAX)).collect();
        assert!(seq.windows(2).all(|w| w[0] <= w[1]), "{path}: rows in the units' official order: {seq:?}");
        checked += 1;
    }
    assert!(checked >= 2, "the lists have rows");
    // The demo's official order is not the paths' order, so the check above means something.
    let by_path = ints(&app, "SELECT id FROM org_units WHERE active = TRUE ORDER BY path").await;
    let by_rank: Vec<i64> = {
        let mut v: Vec<(usize, i64)> = ranks.iter().map(|(id, r)| (*r, *id)).collect();
        v.sort_unstable();
        v.into_iter().map(|(_, id)| id).collect()
    };
    assert_ne!(by_path, by_rank);
});

// The English services figures page names units, categories and agencies by their English
// names where the records have one (the title, the unit picker, the tables and the charts),
// and no chart label runs past the drawing's left edge.
both_backends!(english_service_figures_use_english_names, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    app.get("/lang/en?next=/").await;
    let page = app.get("/services/figures").await;
    assert_eq!(page.status, StatusCode::OK);
    let city_en: String = {
        let q = "SELECT name_en FROM org_units WHERE path = '/320583/'";
        let row = app.db.conn.query_one(Statement::from_string(app.db.backend(), q)).await.expect(q).expect("city");
        row.try_get_by_index(0).expect("name_en")
    };
    assert!(!city_en.is_empty());
    let title = between(&page.body, "<h1>", "</h1>").first().copied().unwrap_or_default().to_string();
    assert!(title.contains(&city_en), "{title}");
    let picker = select(&page.body, "unit").expect("the unit picker");
    let towns_en =
        ints(&app, "SELECT COUNT(*) FROM org_units WHERE depth = 1 AND active = TRUE AND name_en <> ''").await;
    assert!(towns_en[0] > 0);
    // Every option with an English name shows it: no CJK in the options of such units.
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let no_en = ints(&app, "SELECT COUNT(*) FROM org_units WHERE depth <= 1 AND active = TRUE AND name_en = ''").await;
    if no_en[0] == 0 {
        assert!(!cjk(picker), "{picker}");
    }
    // The category chart and table: the categories' English names (the demo gives every one).
    let svg: Vec<&str> = between(&page.body, "<svg", "</svg>");
    assert!(!svg.is_empty());
    let categories = between(&page.body, "id=\"by-category\"", "</table>").concat();
    assert!(!cjk(svg[0]) && !cjk(&categories), "category names in English");
    // Chart labels: every label's x is at least its drawn width (nothing left of 0).
    for s in &svg {
        for t in between(s, "text-anchor=\"end\">", "</text>") {
            let x: f64 = between(t, "<tspan x=\"", "\"").first().and_then(|v| v.parse().ok()).expect("a line");
            for line in between(t, "\">", "</tspan>") {
                assert!(render::chart::text_width(line, 13.0) <= x, "{line} fits left of {x}");
            }
        }
    }
});
