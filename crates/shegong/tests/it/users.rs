use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(user_admin_and_separation_of_duties, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let r = app
        .post(
            "/admin/users",
            &[
                ("username", "Zhou.Li"),
                ("display_name", "周丽"),
                ("unit_id", &unit),
                ("phone", "138 1234 5678"),
                ("password", "Zhou-Station-88"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.scalar("SELECT id FROM users WHERE username = 'zhou.li'").await;
    let r = app
        .post(
            "/admin/users",
            &[("username", "zhou.li"), ("display_name", "重名"), ("unit_id", &unit), ("password", "Zhou-Station-88")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该用户名已被使用"));
    // Phones are masked in lists and details.
    let list = app.get("/admin/users?q=zhou").await;
    assert!(list.body.contains("138****5678") && !list.body.contains("13812345678"));
    // The system administrator cannot grant roles: that is the security administrator's duty.
    let sys = app.scalar("SELECT id FROM roles WHERE code = 'sysadmin'").await.to_string();
    let audit = app.scalar("SELECT id FROM roles WHERE code = 'auditadmin'").await.to_string();
    assert_eq!(app.post(&format!("/admin/users/{id}/roles"), &[("role", &sys)]).await.status, StatusCode::FORBIDDEN);
    app.logout().await;
    app.login_ok("security").await;
    let r = app.post(&format!("/admin/users/{id}/roles"), &[("role", &sys), ("role", &audit)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "one person never holds two administrator duties");
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM user_roles WHERE user_id = {id}")).await, 0);
    let station = app.scalar("SELECT id FROM roles WHERE code = 'station'").await.to_string();
    let r = app.post(&format!("/admin/users/{id}/roles"), &[("role", &station)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Nobody changes their own roles.
    let me = app.scalar("SELECT id FROM users WHERE username = 'security'").await;
    assert_eq!(app.post(&format!("/admin/users/{me}/roles"), &[("role", &sys)]).await.status, StatusCode::BAD_REQUEST);
    // A role that mixes duties cannot be saved.
    let r = app
        .post(
            "/admin/roles",
            &[
                ("code", "super"),
                ("name", "超级"),
                ("data_scope", "all"),
                ("perm", "users.write"),
                ("perm", "audit.read"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能由同一角色或同一人兼任"));
    let r = app
        .post(
            "/admin/roles",
            &[
                ("code", "viewer"),
                ("name", "查看员"),
                ("data_scope", "unit_and_below"),
                ("perm", "units.read"),
                ("perm", "dashboard.read"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.logout().await;
    // The new user signs in (forced to change the initial password first).
    app.login("zhou.li", "Zhou-Station-88").await;
    assert_eq!(app.get("/units").await.location(), "/account/password");
    app.post(
        "/account/password",
        &[("current", "Zhou-Station-88"), ("new_password", "Zhou-Station-99!"), ("confirm", "Zhou-Station-99!")],
    )
    .await;
    assert_eq!(app.get("/units").await.status, StatusCode::OK);
    app.logout().await;
    // Disabling a user ends their sessions and blocks sign-in.
    app.login_ok("admin").await;
    let r = app.post(&format!("/admin/users/{id}/disable"), &[("disabled", "true")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.logout().await;
    assert_eq!(app.login("zhou.li", "Zhou-Station-99!").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'grant'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'lock'").await, 1);
});

both_backends!(user_list_is_scoped, |mut app: TestApp| async move {
    // A custom role with users.read and own-unit-and-below scope sees only its town's users.
    app.login_ok("security").await;
    let r = app
        .post(
            "/admin/roles",
            &[
                ("code", "town_admin"),
                ("name", "镇用户查看"),
                ("data_scope", "unit_and_below"),
                ("perm", "users.read"),
                ("perm", "dashboard.read"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let role = app.scalar("SELECT id FROM roles WHERE code = 'town_admin'").await.to_string();
    let station_user = app.scalar("SELECT id FROM users WHERE username = 'station'").await;
    let r = app.post(&format!("/admin/users/{station_user}/roles"), &[("role", &role)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.logout().await;
    app.login_ok("station").await;
    let list = app.get("/admin/users").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(">station<") && list.body.contains(">worker<"), "users of 周市 and below");
    assert!(!list.body.contains(">bureau<"), "city users are outside the scope");
    let bureau = app.scalar("SELECT id FROM users WHERE username = 'bureau'").await;
    assert_eq!(app.get(&format!("/admin/users/{bureau}")).await.status, StatusCode::NOT_FOUND);
});

both_backends!(double_submitted_user_form_creates_one_user, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let unit = app.unit_id("/320583/").await.to_string();
    let form = [
        ("username", "once.only"),
        ("display_name", "一次"),
        ("unit_id", unit.as_str()),
        ("password", "Only-Once-Pass-1"),
        ("_nonce", "feedfacefeedfacefeedfacefeedface"),
    ];
    let first = app.post("/admin/users", &form).await;
    let second = app.post("/admin/users", &form).await;
    assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(first.location(), second.location());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users WHERE username = 'once.only'").await, 1);
});
