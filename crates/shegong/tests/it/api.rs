use axum::http::{Method, StatusCode};
use serde_json::json;
use shegong::platform::access::{Need, DEMO_USERS, ROLES};

use crate::both_backends;
use crate::helpers::TestApp;

#[tokio::test]
async fn openapi_document_is_valid_and_lists_every_api_route() {
    let mut app = TestApp::sqlite().await;
    let (status, doc) = app.api("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let paths = doc["paths"].as_object().expect("paths");
    let mut api_routes = 0;
    for def in shegong::app::route_table() {
        if !def.path.starts_with("/api/v1/") || def.path == "/api/v1/openapi.json" {
            continue;
        }
        api_routes += 1;
        let m = def.method.as_str().to_lowercase();
        let op = &paths.get(def.path).unwrap_or_else(|| panic!("{} missing from OpenAPI", def.path))[&m];
        assert!(op.is_object(), "{} {} missing from OpenAPI", def.method, def.path);
        assert!(op["responses"].is_object());
        if def.need != Need::Public {
            assert!(op["security"].is_array(), "{} {} must declare its security", def.method, def.path);
        }
    }
    // Every documented operation is a real route.
    let documented: usize = paths.values().map(|p| p.as_object().map(|o| o.len()).unwrap_or(0)).sum();
    assert_eq!(documented, api_routes);
    // Every referenced schema exists.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for (i, _) in text.match_indices("#/components/schemas/") {
        let name: String = text[i + 21..].chars().take_while(|c| *c != '"').collect();
        assert!(schemas.contains_key(&name), "schema {name} referenced but not defined");
    }
}

both_backends!(tokens_authenticate_and_can_be_revoked, |mut app: TestApp| async move {
    let (s, body) = app.api("GET", "/api/v1/me", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "error.unauthorized");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("登录")));
    app.login_ok("bureau").await;
    let page = app.post("/account/tokens", &[("name", "数据对接"), ("days", "30")]).await;
    assert_eq!(page.status, StatusCode::OK);
    let i = page.body.find("id=\"new-token\">").expect("token shown once") + 15;
    let token: String = page.body[i..].chars().take_while(|c| *c != '<').collect();
    assert!(token.starts_with("sg_"));
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'")).await,
        0,
        "only a hash is stored"
    );
    assert!(!app.get("/account/tokens").await.body.contains(&token), "never shown again");
    app.logout().await;
    let (s, me) = app.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["username"], "bureau");
    // A token does not open pages.
    app.cookies.clear();
    let req = axum::http::Request::get("/")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .expect("req");
    assert_eq!(app.send(req).await.status, StatusCode::SEE_OTHER);
    // Revoke it.
    app.login_ok("bureau").await;
    let id = app.scalar("SELECT id FROM api_tokens").await;
    assert_eq!(app.post(&format!("/account/tokens/{id}/revoke"), &[]).await.status, StatusCode::SEE_OTHER);
    let (s, body) = app.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "error.bad_token");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'api_token'").await, 2);
    // An expired token is refused as well.
    let t2 = app.token_for("bureau").await;
    app.exec("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00+00:00' WHERE revoked_at IS NULL").await;
    assert_eq!(app.api("GET", "/api/v1/me", Some(&t2), None).await.0, StatusCode::UNAUTHORIZED);
});

both_backends!(api_permissions_match_the_pages, |mut app: TestApp| async move {
    let table: Vec<_> = shegong::app::route_table().into_iter().filter(|d| d.path.starts_with("/api/")).collect();
    for (username, role_code) in DEMO_USERS {
        let role = ROLES.iter().find(|r| r.code == *role_code).expect("role");
        let token = app.token_for(username).await;
        for def in &table {
            let (path, found) = if def.records.is_empty() {
                (def.path.to_string(), true)
            } else {
                crate::helpers::route_path(&app, def, Some(username), 0).await
            };
            let (status, body) = if def.method == Method::GET {
                app.api("GET", &path, Some(&token), None).await
            } else {
                app.api("POST", &path, Some(&token), Some(json!({"code": "", "name": "", "kind": ""}))).await
            };
            let allowed = match def.need {
                Need::Public | Need::Session | Need::Login => true,
                Need::Perm(p) => role.permissions.contains(&p),
            };
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED && !status.is_server_error(),
                    "{username} {} {path}: {status} {body}",
                    def.method
                );
            } else if !found {
                // No record of the kind within the user's reach: the record guard answers first.
                assert_eq!(status, StatusCode::NOT_FOUND, "{username} {} {path}", def.method);
                assert_eq!(body["code"], "error.not_found");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{username} must not reach {} {path}", def.method);
                assert_eq!(body["code"], "error.forbidden");
            }
        }
    }
});

both_backends!(api_is_scoped_and_validates, |mut app: TestApp| async move {
    let station = app.token_for("station").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await;
    let in_town = app.scalar("SELECT COUNT(*) FROM org_units WHERE path LIKE '/320583/zhoushi/%'").await;
    let (s, page) = app.api("GET", "/api/v1/units?per_page=5", Some(&station), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(page["total"], json!(in_town));
    assert_eq!(page["items"].as_array().map(|a| a.len()), Some(5));
    let other = app.unit_id("/320583/kaifaqu/xiuyi/").await;
    let (s, body) = app.api("GET", &format!("/api/v1/units/{other}"), Some(&station), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "error.not_found");
    // Creation through the API: field errors as JSON, then success, audited.
    let admin = app.token_for("admin").await;
    let (s, body) = app
        .api(
            "POST",
            "/api/v1/units",
            Some(&admin),
            Some(json!({"parent_id": zhoushi, "code": "Bad Code", "name": "", "kind": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        body["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, vec!["code", "name", "kind"]);
    let (s, body) = app
        .api(
            "POST",
            "/api/v1/units",
            Some(&admin),
            Some(json!({"parent_id": zhoushi, "code": "api-made", "name": "接口社区", "kind": "community"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["path"], "/320583/zhoushi/api-made/");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'org_unit' AND action = 'create'").await, 1);
    // Malformed JSON is a clear 4xx JSON error, not a 500.
    let req = axum::http::Request::post("/api/v1/units")
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .expect("req");
    let r = app.send(req).await;
    assert!(r.status.is_client_error());
    assert!(r.body.contains("\"code\""));
    // The station manager cannot create outside their town.
    let kfq = app.unit_id("/320583/kaifaqu/").await;
    let station_writer = app.token_for("admin").await;
    let _ = station_writer;
    let (s, _) = app
        .api(
            "POST",
            "/api/v1/units",
            Some(&station),
            Some(json!({"parent_id": kfq, "code": "nope", "name": "越权", "kind": "community"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "station role has no units.write");
});

both_backends!(double_submit_creates_one_record, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let z = app.unit_id("/320583/zhoushi/").await.to_string();
    let form = [
        ("parent_id", z.as_str()),
        ("code", "twice"),
        ("name", "重复提交"),
        ("kind", "community"),
        ("_nonce", "0123456789abcdef0123456789abcdef"),
    ];
    let first = app.post("/units", &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = app.post("/units", &form).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(second.location(), first.location(), "the repeat lands on the first result");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'twice'").await, 1);
    assert!(app.get(second.location()).await.body.contains("该表单已提交过"));
});
