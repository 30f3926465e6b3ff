//! The request path's caches (platform/cache.rs): the statements a request costs, and every change
//! that must take effect on the very next request, made on one app node while the user's access
//! is cached on another (both on the same database). The cross-node tests run with
//! `session_recheck_ms = 0` (every request reads its session); with the default, a session is
//! believed for that long unless this node writes, and `sessions_*` below pin both halves.

use axum::http::StatusCode;

use crate::helpers::{TestApp, PASSWORD};
use crate::{both_backends, both_backends_with};
use shegong::platform::config::Config;

/// Runs `path` and returns (status, statements it cost).
async fn counted(app: &mut TestApp, path: &str) -> (StatusCode, u64) {
    let before = app.db.statements();
    let r = app.get(path).await;
    (r.status, app.db.statements() - before)
}

/// Every request reads its session in the database (what the cross-node tests need).
fn recheck_always(c: &mut Config) {
    c.security.session_recheck_ms = 0;
}

/// Signs `user` in on a second node and warms that node's cache: afterwards a signed-in
/// `/healthz` there costs the one session statement.
async fn warm_node(app: &TestApp, user: &str) -> TestApp {
    let mut node = app.other_node().await;
    node.login_ok(user).await;
    assert_eq!(node.get("/orgs").await.status, StatusCode::OK);
    assert_eq!(counted(&mut node, "/healthz").await, (StatusCode::OK, 1), "{user}'s access is cached");
    node
}

/// The request is refused as signed out: pages send to the sign-in page.
fn signed_out(r: &crate::helpers::TestResponse) -> bool {
    r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login")
}

/// Posts the edit form of the 周市 town (same parent) with a new code and name.
async fn edit_zhoushi(app: &mut TestApp, code: &str, name: &str) -> crate::helpers::TestResponse {
    let id = app.unit_id("/320583/zhoushi/").await;
    let root = app.unit_id("/320583/").await.to_string();
    let version = app.scalar(&format!("SELECT version FROM org_units WHERE id = {id}")).await.to_string();
    let form = [
        ("parent_id", root.as_str()),
        ("code", code),
        ("name", name),
        ("name_en", "Zhoushi Town"),
        ("kind", "town"),
        ("division_code", "320583102"),
        ("version", version.as_str()),
    ];
    app.post(&format!("/units/{id}"), &form).await
}

both_backends_with!(statements_per_request, recheck_always, |mut app: TestApp| async move {
    // Without a session: no statement at all.
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 0));
    app.login_ok("bureau").await;
    for path in ["/healthz", "/orgs", "/api/v1/orgs?per_page=50"] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    // Warm: the session statement, then the page's own (one: the list's rows carry its count; the
    // unit and department pickers come from the cache).
    for (path, want) in [("/healthz", 1), ("/orgs", 2), ("/api/v1/orgs?per_page=50", 2), ("/healthz", 1)] {
        assert_eq!(counted(&mut app, path).await, (StatusCode::OK, want), "{path}");
    }
    // A change to any role reloads the user's access once: their row, roles, permissions.
    app.exec("UPDATE roles SET name_en = name_en WHERE code = 'leader'").await;
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 4));
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 1));
    // A department change reloads the department picker once, and nothing else.
    app.exec("UPDATE departments SET name_en = name_en WHERE id = (SELECT MIN(id) FROM departments)").await;
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 1));
    assert_eq!(counted(&mut app, "/orgs").await, (StatusCode::OK, 3));
    assert_eq!(counted(&mut app, "/orgs").await, (StatusCode::OK, 2));
    // A unit change: the access (unit paths) and the unit picker.
    app.exec("UPDATE org_units SET sort_order = sort_order WHERE depth = 0").await;
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 4));
    assert_eq!(counted(&mut app, "/orgs").await, (StatusCode::OK, 3));
    assert_eq!(counted(&mut app, "/orgs").await, (StatusCode::OK, 2));
    // Sign-in failures and successes write to users without touching what is cached.
    let mut other = app.other_node().await;
    assert_eq!(other.login("party", "wrong-password").await.status, StatusCode::UNAUTHORIZED);
    other.login_ok("party").await;
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 1));
});

both_backends_with!(sign_out_is_seen_on_the_next_request, recheck_always, |app: TestApp| async move {
    let mut b = warm_node(&app, "station").await;
    // The same session signs out through the other node.
    let mut a = app.other_node().await;
    a.cookies = b.cookies.clone();
    a.csrf = b.csrf.clone();
    assert_eq!(a.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    assert!(signed_out(&b.get("/orgs").await));
});

both_backends_with!(password_change_is_seen_on_the_next_request, recheck_always, |app: TestApp| async move {
    let mut b = warm_node(&app, "station").await;
    let mut a = app.other_node().await;
    a.login_ok("station").await;
    let r = a
        .post(
            "/account/password",
            &[("current", PASSWORD), ("new_password", "Kunshan-Harbour-2031!"), ("confirm", "Kunshan-Harbour-2031!")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(signed_out(&b.get("/orgs").await), "the other session ends");
    assert_eq!(a.get("/orgs").await.status, StatusCode::OK, "the session that changed it goes on");
});

both_backends_with!(lock_is_seen_on_the_next_request, recheck_always, |mut app: TestApp| async move {
    let mut b = warm_node(&app, "station").await;
    let id = app.scalar("SELECT id FROM users WHERE username = 'station'").await;
    app.login_ok("admin").await;
    let r = app.post(&format!("/admin/users/{id}/disable"), &[("disabled", "true")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(signed_out(&b.get("/orgs").await));
});

both_backends_with!(disabling_is_seen_on_the_next_request, recheck_always, |app: TestApp| async move {
    // Disabled by another tool or node without ending the sessions: the flag itself is read
    // with every session.
    let mut b = warm_node(&app, "station").await;
    app.exec("UPDATE users SET disabled = TRUE WHERE username = 'station'").await;
    assert!(signed_out(&b.get("/orgs").await));
});

both_backends_with!(role_change_is_seen_on_the_next_request, recheck_always, |mut app: TestApp| async move {
    // Through the page (which also ends the user's sessions) …
    let mut b = warm_node(&app, "station").await;
    let id = app.scalar("SELECT id FROM users WHERE username = 'station'").await;
    let worker = app.scalar("SELECT id FROM roles WHERE code = 'worker'").await.to_string();
    app.login_ok("security").await;
    assert_eq!(app.post(&format!("/admin/users/{id}/roles"), &[("role", &worker)]).await.status, StatusCode::SEE_OTHER);
    assert!(signed_out(&b.get("/orgs").await));
    // … and directly in the database, sessions kept: the roles are reloaded.
    let mut b = warm_node(&app, "party").await;
    assert_eq!(b.get("/party/orgs").await.status, StatusCode::OK);
    app.exec(
        "UPDATE user_roles SET role_id = (SELECT id FROM roles WHERE code = 'worker') \
         WHERE user_id = (SELECT id FROM users WHERE username = 'party')",
    )
    .await;
    assert_eq!(b.get("/party/orgs").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/orgs").await.status, StatusCode::FORBIDDEN);
});

both_backends_with!(role_permission_edit_is_seen_on_the_next_request, recheck_always, |mut app: TestApp| async move {
    let mut b = warm_node(&app, "station").await;
    let org = app
        .scalar(
            "SELECT MIN(o.id) FROM organisations o JOIN org_units u ON u.id = o.unit_id \
             WHERE u.path LIKE '/320583/zhoushi/%'",
        )
        .await;
    assert_eq!(b.get(&format!("/orgs/{org}")).await.status, StatusCode::OK);
    // The security administrator takes orgs.read from the station role (its users keep their sessions).
    let role = app.scalar("SELECT id FROM roles WHERE code = 'station'").await;
    let version = app.scalar(&format!("SELECT version FROM roles WHERE id = {role}")).await.to_string();
    let spec = shegong::platform::access::ROLES.iter().find(|r| r.code == "station").expect("station role");
    let mut form: Vec<(&str, &str)> =
        vec![("name", spec.name), ("name_en", spec.name_en), ("data_scope", "unit_and_below"), ("version", &version)];
    form.extend(spec.permissions.iter().filter(|p| **p != "orgs.read").map(|p| ("perm", *p)));
    app.login_ok("security").await;
    let r = app.post(&format!("/admin/roles/{role}"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(b.get(&format!("/orgs/{org}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/orgs").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/units").await.status, StatusCode::OK, "the other permissions stay");
});

both_backends_with!(unit_move_is_seen_on_the_next_request, recheck_always, |mut app: TestApp| async move {
    // The station manager's scope is the 周市 subtree, by path; a cached path that no longer
    // exists would reach nothing (404).
    let mut b = warm_node(&app, "station").await;
    let org = app
        .scalar(
            "SELECT MIN(o.id) FROM organisations o JOIN org_units u ON u.id = o.unit_id \
             WHERE u.path LIKE '/320583/zhoushi/%'",
        )
        .await;
    assert_eq!(b.get(&format!("/orgs/{org}")).await.status, StatusCode::OK);
    // 周市 gets a new code through the page: every path below it changes.
    app.login_ok("admin").await;
    let r = edit_zhoushi(&mut app, "zhoushi-new", "周市镇").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE path LIKE '/320583/zhoushi/%'").await, 0);
    assert_eq!(b.get(&format!("/orgs/{org}")).await.status, StatusCode::OK);
    // Another node (or an import) moves it under 陆家: the scope follows again.
    let lujia = app.unit_id("/320583/lujia/").await;
    app.exec(&format!(
        "UPDATE org_units SET parent_id = CASE WHEN depth = 1 THEN {lujia} ELSE parent_id END, depth = depth + 1, \
         path = '/320583/lujia/' || SUBSTR(path, LENGTH('/320583/') + 1) WHERE path LIKE '/320583/zhoushi-new/%'"
    ))
    .await;
    assert!(app.scalar("SELECT COUNT(*) FROM org_units WHERE path LIKE '/320583/lujia/zhoushi-new/%'").await > 1);
    assert_eq!(b.get(&format!("/orgs/{org}")).await.status, StatusCode::OK);
    assert!(
        b.get("/orgs?per_page=200").await.body.contains(&format!("/orgs/{org}\"")),
        "listed in the manager's scope"
    );
});

both_backends_with!(pickers_follow_writes_on_another_node, recheck_always, |mut app: TestApp| async move {
    let mut b = warm_node(&app, "bureau").await;
    let page = b.get("/orgs").await;
    assert!(page.body.contains("周市镇") && !page.body.contains("缓存测试局"));
    app.login_ok("bureau").await;
    let r = app.post("/orgs/departments", &[("code", "cache-test"), ("name", "缓存测试局"), ("name_en", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(b.get("/orgs?per_page=200").await.body.contains("缓存测试局"), "a new department is in the filter at once");
    app.logout().await;
    app.login_ok("admin").await;
    let r = edit_zhoushi(&mut app, "zhoushi", "周市镇新名").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(b.get("/orgs?per_page=200").await.body.contains("周市镇新名"), "a renamed unit is in the filter at once");
});

both_backends!(sessions_cost_no_statement_while_nothing_is_written, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    for path in ["/healthz", "/orgs"] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    // Warm, with the default recheck time: the session is believed, a page costs its own statements.
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 0));
    assert_eq!(counted(&mut app, "/orgs").await, (StatusCode::OK, 1), "the list's rows, carrying its count");
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 0));
    // Any write through this node sends the next request back to the database (here, a write
    // that changes nothing the user depends on: one session statement, nothing reloaded).
    app.exec("UPDATE organisations SET name = name WHERE id = (SELECT MIN(id) FROM organisations)").await;
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 1));
    assert_eq!(counted(&mut app, "/healthz").await, (StatusCode::OK, 0));
});

both_backends!(sessions_end_at_once_when_this_node_writes, |app: TestApp| async move {
    // Signed out through the same node, and disabled through the same node's connection, while
    // the session is believed: both seen by the very next request.
    let mut a = app.other_node().await;
    a.login_ok("station").await;
    assert_eq!(a.get("/orgs").await.status, StatusCode::OK);
    let mut b = a.other_node().await;
    b.cookies = a.cookies.clone();
    b.csrf = a.csrf.clone();
    assert_eq!(b.get("/orgs").await.status, StatusCode::OK);
    assert_eq!(b.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    assert!(signed_out(&b.get("/orgs").await), "signed out where it signed out");
    a.login_ok("station").await;
    assert_eq!(a.get("/orgs").await.status, StatusCode::OK);
    a.exec("UPDATE users SET disabled = TRUE WHERE username = 'station'").await;
    assert!(signed_out(&a.get("/orgs").await), "disabled through this node");
});

both_backends_with!(
    sessions_see_other_nodes_within_the_recheck_time,
    |c: &mut Config| c.security.session_recheck_ms = 300,
    |app: TestApp| async move {
        // Disabled by another node (or the command line): this node believes the session it read
        // for at most `session_recheck_ms`, then reads it again and signs the user out.
        let mut b = app.other_node().await;
        b.login_ok("station").await;
        assert_eq!(b.get("/orgs").await.status, StatusCode::OK);
        app.exec("UPDATE users SET disabled = TRUE WHERE username = 'station'").await;
        tokio::time::sleep(std::time::Duration::from_millis(350)).await;
        assert!(signed_out(&b.get("/orgs").await));
    }
);

// The list's department and unit filters are rendered once per language, scope and data version:
// a renamed department or unit shows on the very next view, in each language, another scope sees
// its own units, and a chosen filter is selected (that view is rendered anew).
both_backends!(list_filters_follow_changes_languages_and_scopes, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let dept = app.scalar("SELECT MIN(id) FROM departments WHERE active = TRUE").await;
    let town = app.unit_id("/320583/zhoushi/").await;
    let option = |id: i64| format!("<option value=\"{id}\" >");
    let body = app.get("/orgs").await.body;
    assert!(body.contains(&option(dept)) && body.contains(&option(town)), "both filters, nothing selected");
    // Warm, then a rename through the database (as another node would write it).
    assert_eq!(app.get("/orgs").await.status, StatusCode::OK);
    app.exec(&format!(
        "UPDATE departments SET name = '改名后的业务主管单位', name_en = 'Renamed Department' WHERE id = {dept}"
    ))
    .await;
    app.exec(&format!("UPDATE org_units SET name = '改名后的周市镇' WHERE id = {town}")).await;
    let body = app.get("/orgs").await.body;
    assert!(body.contains(&format!("{}改名后的业务主管单位</option>", option(dept))), "the new department name");
    assert!(body.contains("改名后的周市镇</option>"), "the new unit name");
    app.get("/lang/en?next=/").await;
    let body = app.get("/orgs").await.body;
    assert!(body.contains(&format!("{}Renamed Department</option>", option(dept))), "English, its own entry");
    assert!(body.contains(">All departments</option>"), "English labels");
    app.get("/lang/zh-CN?next=/").await;
    // A chosen filter is selected, and the next plain view is not.
    let body = app.get(&format!("/orgs?department={dept}&unit={town}")).await.body;
    assert!(body.contains(&format!("<option value=\"{dept}\" selected>")), "department selected");
    assert!(body.contains(&format!("<option value=\"{town}\" selected>")), "unit selected");
    assert!(!app.get("/orgs").await.body.contains(" selected>改名后"), "the cached fragment has no selection");
    app.logout().await;
    // Another scope: the station manager's filter holds its own town, not the others.
    app.login_ok("station").await;
    let other_town = app.unit_id("/320583/lujia/").await;
    let body = app.get("/orgs").await.body;
    assert!(body.contains(&option(town)), "the station's town");
    assert!(!body.contains(&option(other_town)), "no town outside the scope");
});
