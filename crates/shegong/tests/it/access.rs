//! Walks every registered route with every predefined role (and anonymously) and checks that
//! the server allows exactly what the route declares; then checks data scoping.

use axum::http::{Method, StatusCode};
use shegong::platform::access::{Need, DEMO_USERS, ROLES};

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(every_route_checks_its_permission, |mut app: TestApp| async move {
    let table = shegong::app::route_table();
    assert!(table.len() > 30, "routes registered: {}", table.len());
    // A unit and a user that the walk may touch without harming the demo logins.
    let unit = app.unit_id("/320583/zhoushi/").await;
    app.login_ok("admin").await;
    let unit_s = unit.to_string();
    let r = app
        .post(
            "/admin/users",
            &[
                ("username", "victim"),
                ("display_name", "受测"),
                ("unit_id", &unit_s),
                ("password", "Walk-Route-Pass-77"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let victim = app.scalar("SELECT id FROM users WHERE username = 'victim'").await;
    app.logout().await;

    // Anonymous: everything but public routes sends to the login page (GET) or answers 401.
    for def in &table {
        let (path, _) = crate::helpers::route_path(&app, def, None, victim).await;
        let r = if def.method == Method::GET { app.get(&path).await } else { app.post(&path, &[]).await };
        if def.need == Need::Public {
            // A public route may still answer 401 on its own terms (a failed sign-in), never 403 or 5xx.
            assert!(
                r.status != StatusCode::FORBIDDEN && !r.status.is_server_error(),
                "{} {path} public but {}",
                def.method,
                r.status
            );
        } else if def.path.starts_with("/api/") {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {} {path}", def.method);
            assert!(r.body.contains("\"code\":\"error.unauthorized\""), "API answers JSON: {}", r.body);
        } else if def.method == Method::GET {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous GET {path}");
            assert!(r.location().starts_with("/login"), "anonymous GET {path} → {}", r.location());
        } else {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous POST {path}");
        }
    }

    let mut checked = 0;
    for (username, role_code) in DEMO_USERS {
        let role = ROLES.iter().find(|r| r.code == *role_code).expect("role spec");
        app.login_ok(username).await;
        let mut defs = table.clone();
        // Signing out ends the walk for this role.
        defs.sort_by_key(|d| d.path == "/logout");
        for def in &defs {
            let (path, found) = crate::helpers::route_path(&app, def, Some(username), victim).await;
            let r = if def.method == Method::GET { app.get(&path).await } else { app.post(&path, &[]).await };
            let allowed = match def.need {
                Need::Public | Need::Session | Need::Login => true,
                Need::Perm(p) => role.permissions.contains(&p),
            };
            if def.need == Need::Public {
                assert!(
                    r.status != StatusCode::FORBIDDEN && !r.status.is_server_error(),
                    "{username} {} {path} → {}",
                    def.method,
                    r.status
                );
            } else if allowed {
                assert!(
                    r.status != StatusCode::FORBIDDEN && r.status != StatusCode::UNAUTHORIZED,
                    "{username} should reach {} {path} but got {}",
                    def.method,
                    r.status
                );
                assert!(!r.status.is_server_error(), "{username} {} {path} → {}: {}", def.method, r.status, r.body);
            } else if !found {
                // No record of the kind within the user's reach: the record guard answers first.
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{username} {} {path}", def.method);
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{username} must not reach {} {path}", def.method);
            }
            checked += 1;
        }
        app.logout().await;
    }
    assert_eq!(checked, table.len() * DEMO_USERS.len());
});

both_backends!(station_manager_sees_only_own_subtree, |mut app: TestApp| async move {
    let own_town = app.unit_id("/320583/zhoushi/").await;
    let own_children = app.scalar(&format!("SELECT COUNT(*) FROM org_units WHERE parent_id = {own_town}")).await;
    let other = app.unit_id("/320583/kaifaqu/xiuyi/").await;
    let other_town = app.unit_id("/320583/zhouzhuang/").await;
    app.login_ok("station").await;
    assert_eq!(app.get(&format!("/units/{own_town}")).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/units/{other}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/units/{other_town}/children")).await.status, StatusCode::NOT_FOUND);
    let list = app.get("/units/list?per_page=200").await;
    assert!(
        list.body.contains(&format!("共 {} 条", own_children + 1)),
        "station sees its town and its communities only"
    );
    assert!(!list.body.contains("绣衣社区"));
    let tree = app.get("/units").await;
    assert!(tree.body.contains("周市镇") && !tree.body.contains("周庄镇"));
    let home = app.get("/").await;
    assert!(
        home.body.contains(&format!("<span class=\"figure-value\">{own_children}</span>")),
        "dashboard counts the station's communities"
    );
    // The city-wide officer sees everything.
    app.logout().await;
    app.login_ok("bureau").await;
    assert_eq!(app.get(&format!("/units/{other}")).await.status, StatusCode::OK);
    let all = app.scalar("SELECT COUNT(*) FROM org_units").await;
    assert!(app.get("/units/list").await.body.contains(&format!("共 {all} 条")));
});

both_backends!(own_unit_scope_and_own_records, |mut app: TestApp| async move {
    // The social worker's scope is their community only.
    app.login_ok("worker").await;
    let unit = app.scalar("SELECT unit_id FROM users WHERE username = 'worker'").await;
    let parent = app.scalar(&format!("SELECT parent_id FROM org_units WHERE id = {unit}")).await;
    assert_eq!(app.get(&format!("/units/{unit}")).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/units/{parent}")).await.status, StatusCode::NOT_FOUND);
    assert!(app.get("/units/list").await.body.contains("共 1 条"));
});

// Error pages come in the user's language only, inside the shell with the navigation; the
// answer keeps its status and headers.
both_backends!(error_pages_speak_one_language_inside_the_shell, |mut app: TestApp| async move {
    use shegong::platform::i18n::{t, Lang};
    app.login_ok("bureau").await;
    for lang in [Lang::Zh, Lang::En] {
        app.get(&format!("/lang/{}?next=/", lang.code())).await;
        let other = if lang == Lang::Zh { Lang::En } else { Lang::Zh };
        for path in ["/orgs/99999999", "/no/such/page"] {
            let r = app.get(path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(r.body.contains(t(lang, "error.not_found")), "{path}: the message in the user's language");
            assert!(!r.body.contains(t(other, "error.not_found")), "{path}: not in the other language");
            assert!(r.body.contains(r#"class="sidenav""#), "{path}: inside the shell with the navigation");
            assert!(r.body.contains(&format!(r#"<html lang="{}">"#, lang.code())), "{path}");
        }
    }
});
