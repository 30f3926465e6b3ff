//! The home page (dashboard) as each kind of user meets it.

use axum::http::StatusCode;
use shegong::platform::i18n::{t, tf, Lang};

use crate::both_backends;
use crate::helpers::TestApp;

// The scope line says what the figures cover: the agency user's dashboard does not claim the
// whole city while it shows only their agency's projects.
both_backends!(the_scope_line_says_what_the_figures_cover, |mut app: TestApp| async move {
    let name_of = |id: i64| {
        let db = app.db.clone();
        async move {
            let row = sea_orm::ConnectionTrait::query_one(
                &db.conn,
                shegong::platform::db::sql(db.backend(), "SELECT name FROM org_units WHERE id = ?", vec![id.into()]),
            )
            .await
            .expect("query")
            .expect("row");
            row.try_get_by_index::<String>(0).expect("name")
        }
    };
    let city_name = name_of(app.scalar("SELECT id FROM org_units WHERE parent_id IS NULL").await).await;
    // The station manager's own unit, as the demo users record it.
    let station_unit = app.scalar("SELECT unit_id FROM users WHERE username = 'station'").await;
    let station_name = name_of(station_unit).await;
    let cases = [
        ("bureau", tf(Lang::Zh, "scope.all", &[("unit", &city_name)])),
        ("station", tf(Lang::Zh, "scope.unit_and_below", &[("unit", &station_name)])),
        ("agency", t(Lang::Zh, "scope.own_and_agency").to_string()),
    ];
    for (user, want) in cases {
        app.login_ok(user).await;
        let r = app.get("/").await;
        assert_eq!(r.status, StatusCode::OK);
        let line = tf(Lang::Zh, "dashboard.scope", &[("unit", &want)]);
        assert!(r.body.contains(&line), "{user}: {line}");
        app.logout().await;
    }
});

// A tile opens exactly the records it counts: the community/village tile lists every unit of the
// third tier (communities and villages alike), as many as the tile says.
both_backends!(a_tile_opens_exactly_the_records_it_counts, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let home = app.get("/").await.body;
    for key in ["units.community", "units.district_town"] {
        let tile = home.split(&format!(r#"data-key="{key}" href=""#)).nth(1).expect("tile");
        let href = tile.split('"').next().expect("href").replace("&amp;", "&");
        let value: i64 = tile
            .split(r#"<span class="figure-value">"#)
            .nth(1)
            .and_then(|v| v.split('<').next())
            .map(|v| v.replace(',', ""))
            .and_then(|v| v.parse().ok())
            .expect("value");
        let list = app.get(&href).await;
        assert_eq!(list.status, StatusCode::OK, "{href}");
        let summary = tf(Lang::Zh, "paging.summary", &[("total", &value.to_string()), ("page", "1"), ("pages", "")]);
        let summary = summary.split('第').next().expect("prefix").to_string();
        assert!(list.body.contains(&summary), "{key}: {href} lists {value} records");
    }
    let third = app.scalar("SELECT COUNT(*) FROM org_units WHERE depth = 2").await;
    let r = app.get("/units/list?tier=3").await;
    assert!(r.body.contains(&tf(
        Lang::Zh,
        "paging.summary",
        &[("total", &third.to_string()), ("page", "1"), ("pages", &((third + 19) / 20).to_string())]
    )));
});

// Shares read the same on every page: the coverage page shows the API's counts through the one
// percent formatter (percent with one decimal), not a per-page format.
both_backends!(coverage_shares_use_the_one_formatter, |mut app: TestApp| async move {
    let token = app.token_for("party").await;
    let (s, cov) = app.api("GET", "/api/v1/coverage", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{cov}");
    let n = |k: &str| cov["counts"][k].as_i64().expect("count");
    app.login_ok("party").await;
    let page = app.get("/party/coverage").await;
    assert_eq!(page.status, StatusCode::OK);
    for part in ["org_covered", "work_covered"] {
        let text =
            tf(Lang::Zh, "common.percent", &[("n", &shegong::platform::figures::percent_text(n(part), n("total")))]);
        assert!(page.body.contains(&format!(r#"<span class="figure-value">{text}</span>"#)), "{part}: {text}");
    }
});
