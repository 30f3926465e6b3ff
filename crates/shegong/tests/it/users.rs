use axum::http::StatusCode;
use sea_orm::ConnectionTrait;

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

both_backends!(organisation_links_agency_staff_to_their_projects, |mut app: TestApp| async move {
    // An agency that runs projects, a social group (not a service institution) and a bogus id.
    let agency = app
        .scalar(
            "SELECT MIN(p.agency_id) FROM projects p JOIN organisations o ON o.id = p.agency_id \
             WHERE o.org_type = 'service_institution' AND o.status = 'normal'",
        )
        .await;
    let agency_s = agency.to_string();
    let runs = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE agency_id = {agency}")).await;
    assert!(runs > 0);
    let group = app.scalar("SELECT MIN(id) FROM organisations WHERE org_type = 'social_group'").await.to_string();
    let bogus = (app.scalar("SELECT MAX(id) FROM organisations").await + 1000).to_string();
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    app.login_ok("admin").await;
    let form = app.get("/admin/users/new").await;
    let picker = form.body.split("name=\"organisation_id\"").nth(1).and_then(|s| s.split("</select>").next());
    let picker = picker.expect("the 所属机构 picker");
    assert!(picker.contains(&format!("<option value=\"{agency}\"")));
    assert!(!picker.contains(&format!("<option value=\"{group}\"")), "social groups are not offered");
    let create = |org: &str| {
        vec![
            ("username", "ma.gong".to_string()),
            ("display_name", "马工".to_string()),
            ("unit_id", unit.clone()),
            ("organisation_id", org.to_string()),
            ("password", "Agency-Staff-77".to_string()),
        ]
    };
    for bad in [group.as_str(), bogus.as_str(), "abc"] {
        let f = create(bad);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post("/admin/users", &pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "organisation {bad}");
        assert!(r.body.contains("所属机构须为已登记、状态正常的社会服务机构"), "{}", r.body);
        assert!(r.body.contains("aria-invalid=\"true\""));
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users WHERE username = 'ma.gong'").await, 0, "nothing written");
    let f = create(&agency_s);
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post("/admin/users", &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.scalar("SELECT id FROM users WHERE username = 'ma.gong'").await;
    assert_eq!(app.scalar(&format!("SELECT organisation_id FROM users WHERE id = {id}")).await, agency);
    let name = {
        let row = app
            .db
            .conn
            .query_one(sea_orm::Statement::from_string(
                app.db.conn.get_database_backend(),
                format!("SELECT name FROM organisations WHERE id = {agency}"),
            ))
            .await
            .expect("query")
            .expect("row");
        row.try_get_by_index::<String>(0).expect("name")
    };
    assert!(app.get(&format!("/admin/users/{id}")).await.body.contains(&name), "detail shows the organisation");
    assert!(app.get("/admin/users?q=ma.gong").await.body.contains(&name), "list shows the organisation");
    let admin_token = app.token_for("admin").await;
    let (_, users) = app.api("GET", "/api/v1/users?q=ma.gong", Some(&admin_token), None).await;
    assert_eq!(users["items"][0]["organisation_id"], serde_json::json!(agency));
    assert_eq!(users["items"][0]["organisation_name"], serde_json::json!(name));
    app.logout().await;
    // The security administrator gives the 社工机构人员 role (data scope: own).
    app.login_ok("security").await;
    let role = app.scalar("SELECT id FROM roles WHERE code = 'agency'").await.to_string();
    assert_eq!(app.post(&format!("/admin/users/{id}/roles"), &[("role", &role)]).await.status, StatusCode::SEE_OTHER);
    app.logout().await;
    // The new user changes the initial password and then sees exactly their agency's projects.
    app.login("ma.gong", "Agency-Staff-77").await;
    app.post(
        "/account/password",
        &[("current", "Agency-Staff-77"), ("new_password", "Agency-Staff-88!"), ("confirm", "Agency-Staff-88!")],
    )
    .await;
    let page = app.get("/services?per_page=200").await;
    assert_eq!(page.status, StatusCode::OK);
    let links =
        page.body.matches("href=\"/services/projects/").count() - page.body.matches("/services/projects/new").count();
    assert_eq!(links as i64, runs, "the services page lists the agency's projects");
    let token = app.token_for("ma.gong").await;
    let (s, list) = app.api("GET", "/api/v1/services/projects?per_page=200", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"].as_i64(), Some(runs));
    assert!(list["items"].as_array().expect("items").iter().all(|p| p["agency_id"] == serde_json::json!(agency)));
    assert!(app.scalar(&format!("SELECT COUNT(*) FROM sessions WHERE user_id = {id}")).await > 0);
    // The user's session stays in the database while the administrator edits them.
    app.cookies.remove("sg_session");
    app.login_ok("admin").await;
    let edit = |org: &str, version: String| {
        vec![
            ("display_name", "马工".to_string()),
            ("unit_id", unit.clone()),
            ("organisation_id", org.to_string()),
            ("version", version),
        ]
    };
    let version = app.scalar(&format!("SELECT version FROM users WHERE id = {id}")).await.to_string();
    assert!(app.get(&format!("/admin/users/{id}/edit")).await.body.contains(&format!("value=\"{agency}\" selected")));
    for bad in [group.as_str(), bogus.as_str()] {
        let f = edit(bad, version.clone());
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post(&format!("/admin/users/{id}"), &pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("所属机构须为已登记、状态正常的社会服务机构"));
    }
    assert_eq!(app.scalar(&format!("SELECT organisation_id FROM users WHERE id = {id}")).await, agency);
    assert_eq!(app.scalar(&format!("SELECT version FROM users WHERE id = {id}")).await.to_string(), version);
    assert!(
        app.scalar(&format!("SELECT COUNT(*) FROM sessions WHERE user_id = {id}")).await > 0,
        "refusal ends nothing"
    );
    // Clearing it: optimistic locking still applies, the user's sessions end, the token sees nothing.
    let stale = edit("", (version.parse::<i64>().expect("v") - 1).to_string());
    let pairs: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&format!("/admin/users/{id}"), &pairs).await.status, StatusCode::CONFLICT);
    let f = edit("", version.clone());
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&format!("/admin/users/{id}"), &pairs).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM users WHERE id = {id} AND organisation_id IS NULL")).await, 1);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM sessions WHERE user_id = {id}")).await, 0);
    assert!(app.get(&format!("/admin/users/{id}")).await.status == StatusCode::OK, "the admin stays signed in");
    let (s, list) = app.api("GET", "/api/v1/services/projects?per_page=200", Some(&token), None).await;
    assert_eq!((s, list["total"].as_i64()), (StatusCode::OK, Some(0)), "effective on the next request");
    // The audit rows carry the organisation before and after.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = '{id}' AND action = 'create' \
             AND after_json LIKE '%\"organisation_id\":{agency}%'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = '{id}' AND action = 'update' \
             AND before_json LIKE '%\"organisation_id\":{agency}%' AND after_json LIKE '%\"organisation_id\":null%'"
        ))
        .await,
        1
    );
});
