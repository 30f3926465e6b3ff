//! Charts on the pages (issue 15, item 5): every figures page and the dashboard draw with
//! `render::chart::svg`, the one chart component the review's Word and PDF use, with an
//! accessible title and the data as a table; the drawing's text stays text.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::{between, TestApp};

/// The charts of a page: each `<svg>` element.
fn svgs(body: &str) -> Vec<&str> {
    between(body, "<svg", "</svg>")
}

/// The numbers of a chart table's cells ("1,234个" → 1234.0).
fn number(cell: &str) -> f64 {
    let digits: String = cell.chars().filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    digits.parse().unwrap_or_else(|_| panic!("a number in {cell:?}"))
}

/// The data tables under the charts: per chart, its rows' cells.
fn chart_tables(body: &str) -> Vec<Vec<Vec<String>>> {
    between(body, "<details class=\"chart-data\">", "</details>")
        .into_iter()
        .map(|t| {
            let tbody = between(t, "<tbody>", "</tbody>").concat();
            between(&tbody, "<tr>", "</tr>")
                .into_iter()
                .map(|row| between(row, "<td class=\"num\">", "</td>").into_iter().map(String::from).collect())
                .collect()
        })
        .collect()
}

// Every figures page draws its charts with the one component (its SVG class), each with a
// title read out by screen readers and its data table; the numbers are the records' (the demo
// generator's constants).
both_backends!(figures_pages_draw_with_the_one_chart_component, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    for (path, charts) in [
        ("/services/figures?year=2022", 3),
        ("/talent/figures?year=2022", 1),
        ("/volunteers/figures?year=2022", 4),
        ("/party/coverage", 1),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let drawn = svgs(&page.body);
        assert_eq!(drawn.len(), charts, "{path}");
        for s in &drawn {
            assert!(s.contains("class=\"chart-svg\" role=\"img\" aria-label=\""), "{path}: {s:.200}");
            let title = between(s, "<title>", "</title>").first().copied().unwrap_or_default().to_string();
            assert!(!title.is_empty(), "{path}: a title");
            assert!(s.contains(&format!("aria-label=\"{title}\"")), "{path}: the label is the title");
        }
        assert_eq!(chart_tables(&page.body).len(), charts, "{path}: a data table under each chart");
    }
    // The services' projects by category add up to the year's projects.
    let page = app.get("/services/figures?year=2022").await;
    let by_category = &chart_tables(&page.body)[0];
    let sum: f64 = by_category.iter().map(|r| number(&r[0])).sum();
    assert_eq!(sum as usize, shegong::demo::services::PROJECTS);
    app.logout().await;
    // The hotline: the hours of each weekday as a heat table whose cells add up to the year's calls.
    app.login_ok("supervisor").await;
    let page = app.get("/hotline/figures?year=2022").await;
    assert_eq!(page.status, StatusCode::OK);
    let tables = chart_tables(&page.body);
    let heat = tables.iter().find(|t| t.len() == 24 && t.iter().all(|r| r.len() == 7)).expect("a 24 × 7 heat table");
    let calls: f64 = heat.iter().flatten().map(|c| number(c)).sum();
    assert_eq!(calls as usize, shegong::demo::hotline::CALLS_2022);
    assert!(svgs(&page.body).iter().any(|s| s.matches("<rect").count() >= 24 * 7), "the heat table drawn");
});

// The dashboard's trend table comes with a line chart per headline indicator that has a value
// in every year shown.
both_backends!(the_dashboard_draws_the_trends, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let trends = between(&page.body, "<section class=\"trends\"", "</section>").concat();
    assert!(!trends.is_empty(), "the demo has two years");
    let rows: Vec<Vec<&str>> = between(&trends, "<tr data-key=", "</tr>")
        .into_iter()
        .map(|r| between(r, "<td class=\"num\">", "</td>"))
        .collect();
    assert!(rows.iter().all(|r| r.len() >= 2));
    let drawable = rows.iter().filter(|r| r.iter().all(|c| *c != "—") && r.iter().any(|c| number(c) != 0.0)).count();
    assert!(drawable > 0);
    let lines = svgs(&trends);
    assert_eq!(lines.len(), drawable, "one chart per indicator with values");
    assert!(lines.iter().all(|s| s.contains("<polyline")), "line charts");
    // The charts are drawn once per language and kept with the cached page: the English view
    // gets English charts, and Chinese again the same drawing as the first view.
    let zh: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    app.get("/lang/en?next=/").await;
    let en_page = app.get("/").await;
    let en_trends = between(&en_page.body, "<section class=\"trends\"", "</section>").concat();
    let en = svgs(&en_trends);
    assert_eq!(en.len(), zh.len());
    assert!(en.iter().zip(&zh).all(|(e, z)| e != z), "English charts are drawn in English");
    assert!(en.iter().all(|s| !s.contains("社会组织")), "no Chinese label in the English charts");
    app.get("/lang/zh-CN?next=/").await;
    let again = app.get("/").await;
    let again_trends = between(&again.body, "<section class=\"trends\"", "</section>").concat();
    assert_eq!(svgs(&again_trends), zh.iter().map(String::as_str).collect::<Vec<_>>());
});

// A name from the records with markup in it is drawn as text: escaped in the SVG and in the
// table, never an element.
both_backends!(chart_labels_stay_text, |mut app: TestApp| async move {
    let name = "<script>alert(1)</script>周市";
    let b = app.db.backend();
    let q = format!("UPDATE org_units SET name = '{name}' WHERE path = '/320583/zhoushi/'");
    sea_orm::ConnectionTrait::execute(&app.db.conn, sea_orm::Statement::from_string(b, q)).await.expect("rename");
    app.login_ok("bureau").await;
    let page = app.get("/party/coverage").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert(1)"), "no script element");
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;周市";
    // The label is wrapped into lines (tspans) of the drawing: its text, joined, is the name.
    let svg = svgs(&page.body).concat();
    let drawn: String = between(&svg, "<tspan", "</tspan>")
        .into_iter()
        .filter_map(|t| t.split_once('>').map(|x| x.1))
        .collect::<Vec<_>>()
        .join("");
    assert!(drawn.contains(escaped), "the label drawn as text: {drawn}");
    let table = between(&page.body, "<details class=\"chart-data\">", "</details>").concat();
    assert!(
        table.contains("&#60;script&#62;alert(1)&#60;/script&#62;周市"),
        "and in the chart's table (askama's escape): {table}"
    );
});
