//! The home page (dashboard) as each kind of user meets it.

use axum::http::StatusCode;
use shegong::platform::i18n::{t, tf, Lang};

use crate::both_backends;
use crate::helpers::TestApp;

// The scope line says what the figures cover: the agency user's dashboard does not claim the
// whole city while it shows only their agency's projects.
both_backends!(the_scope_line_says_what_the_figures_cover, |mut app: TestApp| async move {
    let city = app.scalar("SELECT id FROM org_units WHERE parent_id IS NULL").await;
    let city_name: String = {
        let row = sea_orm::ConnectionTrait::query_one(
            &app.db.conn,
            shegong::platform::db::sql(app.db.backend(), "SELECT name FROM org_units WHERE id = ?", vec![city.into()]),
        )
        .await
        .expect("query")
        .expect("row");
        row.try_get_by_index(0).expect("name")
    };
    let cases = [
        ("bureau", tf(Lang::Zh, "scope.all", &[("unit", &city_name)])),
        ("station", tf(Lang::Zh, "scope.unit_and_below", &[("unit", "周市镇")])),
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
