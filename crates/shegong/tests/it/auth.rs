use axum::http::StatusCode;
use shegong::auth::model::{base32_decode, totp_code};

use crate::both_backends;
use crate::helpers::{TestApp, PASSWORD};

both_backends!(login_logout_and_audit, |mut app: TestApp| async move {
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
    app.login_ok("bureau").await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("工作台"));
    let cookie_set = app.cookies.contains_key("sg_session");
    assert!(cookie_set);
    app.logout().await;
    assert_eq!(app.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND actor_name = 'bureau'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'logout' AND actor_name = 'bureau'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
});

both_backends!(wrong_password_and_lockout, |mut app: TestApp| async move {
    let r = app.login("leader", "nope").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("用户名或密码错误"));
    let r = app.login("nobody", "nope").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "unknown users get the same answer");
    for _ in 0..4 {
        app.login("leader", "still-wrong").await;
    }
    // Five failures: even the right password is refused for 15 minutes, with the same answer as a
    // wrong one (the lock is for administrators to see, not for whoever is guessing).
    let r = app.login("leader", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("用户名或密码错误") && !r.body.contains("锁定"), "{}", r.body);
    assert!(app.scalar("SELECT COUNT(*) FROM users WHERE username = 'leader' AND locked_until IS NOT NULL").await == 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account_locked'").await, 1);
    // Failures are audited once per window and name (the first of each), the rest counted.
    let names = app.scalar("SELECT COUNT(*) FROM login_throttle WHERE kind = 'username'").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'").await, names);
    // After the lock expires the user can sign in again.
    app.exec("UPDATE users SET locked_until = NULL WHERE username = 'leader'").await;
    app.login_ok("leader").await;
});

both_backends!(idle_and_absolute_timeouts, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    assert_eq!(app.get("/").await.status, StatusCode::OK);
    let old = (chrono::Utc::now() - chrono::Duration::minutes(31)).to_rfc3339();
    app.exec(&format!("UPDATE sessions SET last_seen_at = '{old}'")).await;
    assert_eq!(app.get("/").await.status, StatusCode::SEE_OTHER, "idle session ended");
    app.login_ok("bureau").await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    app.exec(&format!("UPDATE sessions SET expires_at = '{past}'")).await;
    assert_eq!(app.get("/").await.status, StatusCode::SEE_OTHER, "absolute lifetime ended");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
});

both_backends!(csrf_is_required, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let form = [("parent_id", unit.as_str()), ("code", "csrf-test"), ("name", "测试"), ("kind", "community")];
    let r = app.post_raw("/units", &form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token");
    let mut with_bad = vec![("_csrf", "0123456789abcdef0123456789abcdef")];
    with_bad.extend_from_slice(&form);
    assert_eq!(app.post_raw("/units", &with_bad).await.status, StatusCode::FORBIDDEN, "wrong token");
    // A cross-site Origin is refused even with the right token.
    let body = serde_urlencoded::to_string([
        ("_csrf", app.csrf.as_str()),
        ("code", "x"),
        ("name", "x"),
        ("kind", "community"),
    ])
    .expect("encode");
    let req = axum::http::Request::post("/units")
        .header("cookie", format!("sg_session={}", app.cookies["sg_session"]))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "shegong.example")
        .header("origin", "https://evil.example")
        .body(axum::body::Body::from(body))
        .expect("request");
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'csrf-test'").await, 0);
    let r = app.post("/units", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'csrf-test'").await, 1);
});

both_backends!(forced_password_change, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let unit = app.unit_id("/320583/").await.to_string();
    let r = app
        .post(
            "/admin/users",
            &[("username", "newbie"), ("display_name", "新同事"), ("unit_id", &unit), ("password", "Initial-Pass-9")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.logout().await;
    let r = app.login("newbie", "Initial-Pass-9").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/account/password");
    // Policy: too short, and containing the username, are refused with messages by the field.
    let r = app
        .post(
            "/account/password",
            &[("current", "Initial-Pass-9"), ("new_password", "newbie-Short1"), ("confirm", "newbie-Short1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("密码不能包含用户名"));
    let r = app
        .post(
            "/account/password",
            &[("current", "Initial-Pass-9"), ("new_password", "Better-Pass-2026"), ("confirm", "Better-Pass-2026")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("密码已修改"), "flash shown once");
    assert!(!app.get("/").await.body.contains("密码已修改"), "and only once");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'password_change'").await, 1);
});

both_backends!(totp_second_factor, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let page = app.get("/account/totp").await;
    assert_eq!(page.status, StatusCode::OK);
    let secret: String = {
        let i = page.body.find("class=\"secret\">").expect("secret shown") + 15;
        page.body[i..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect()
    };
    let key = base32_decode(&secret).expect("base32");
    let code = totp_code(&key, chrono::Utc::now().timestamp());
    let wrong = app.post("/account/totp", &[("action", "enable"), ("code", "000000")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.post("/account/totp", &[("action", "enable"), ("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'totp_secret_issued'").await,
        1,
        "issuing the secret is audited"
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%{secret}%'")).await,
        0,
        "the secret itself never is"
    );
    app.logout().await;
    let r = app.login("bureau", PASSWORD).await;
    assert!(r.location().starts_with("/login/totp"));
    assert_eq!(app.get("/").await.location(), "/login/totp", "no access before the second factor");
    app.get("/login/totp").await;
    let bad = app.post("/login/totp", &[("code", "123456"), ("next", "/")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    // The code that enabled TOTP is used up; the next time step's code (within the drift allowed) is not.
    let code = totp_code(&key, chrono::Utc::now().timestamp() + 30);
    let ok = app.post("/login/totp", &[("code", &code), ("next", "/")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/").await.status, StatusCode::OK);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_must_enrol_totp_when_required() {
    let mut app = TestApp::sqlite_with(|c| c.security.require_totp_for_admins = true).await;
    let r = app.login("admin", PASSWORD).await;
    assert!(r.location().starts_with("/login/totp"));
    let page = app.get("/login/totp").await;
    assert!(page.body.contains("otpauth://totp/shegong:admin"), "enrolment shown");
    // A non-admin role is not asked.
    app.logout().await;
    let r = app.login("leader", PASSWORD).await;
    assert_eq!(r.location(), "/");
}

both_backends!(language_switch, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    app.get("/lang/en?next=/").await;
    let home = app.get("/").await;
    assert!(home.body.contains("Dashboard"), "English after the switch");
    assert!(home.body.contains("lang=\"en\""));
    app.get("/lang/zh-CN?next=/").await;
    assert!(app.get("/").await.body.contains("工作台"));
});
