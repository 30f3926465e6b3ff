//! Sign-in hardening (issue 10): atomic lockout, answers that do not enumerate accounts, rate
//! limits shared through the database with a bounded audit log, TOTP replay, client addresses
//! behind proxies, personal access tokens, /metrics, the Origin check and redirect targets.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use shegong::auth::model::{base32_decode, totp_code, totp_url};
use shegong::platform::config::Config;
use tower::ServiceExt;

use crate::helpers::{TestApp, PASSWORD};
use crate::{both_backends, both_backends_with};

fn defaults() -> shegong::platform::config::SecurityConfig {
    Config::default().security
}

/// The page without the per-visitor CSRF token, for byte comparison.
fn without_csrf(body: &str, csrf: &str) -> String {
    if csrf.is_empty() {
        body.to_string()
    } else {
        body.replace(csrf, "CSRF")
    }
}

both_backends!(parallel_wrong_guesses_lock_the_account, |mut app: TestApp| async move {
    let cfg = defaults();
    app.get("/login").await;
    let body = serde_urlencoded::to_string([
        ("_csrf", app.csrf.as_str()),
        ("username", "leader"),
        ("password", "wrong-guess"),
        ("next", "/"),
    ])
    .expect("encode");
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let req = Request::post("/login")
            .header(header::COOKIE, app.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .expect("request");
        let router = app.router.clone();
        set.spawn(async move { router.oneshot(req).await.expect("infallible").status() });
    }
    let mut statuses = Vec::new();
    while let Some(s) = set.join_next().await {
        statuses.push(s.expect("task"));
    }
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS));
    let refused = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count() as i64;
    assert_eq!(refused, cfg.login_limit_per_username.min(20), "the per-name limit holds under parallel requests");
    let failed = app.scalar("SELECT failed_logins FROM users WHERE username = 'leader'").await;
    assert!(failed >= i64::from(cfg.lockout_threshold), "every parallel failure counted: {failed}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE username = 'leader' AND locked_until IS NOT NULL").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account_locked'").await, 1, "locked once");
    // Even the right password is refused now.
    assert_eq!(app.login("leader", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
});

both_backends!(unknown_wrong_and_locked_answer_alike, |mut app: TestApp| async move {
    let threshold = defaults().lockout_threshold;
    // 1. The name does not exist yet.
    let unknown = app.login("probe", "Wrong-Passw0rd-1").await;
    let unknown_body = without_csrf(&unknown.body, &app.csrf);
    // 2. It exists; the password is wrong.
    app.login_ok("admin").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let r = app
        .post(
            "/admin/users",
            &[("username", "probe"), ("display_name", "探针"), ("unit_id", &unit), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.logout().await;
    let wrong = app.login("probe", "Wrong-Passw0rd-1").await;
    let wrong_body = without_csrf(&wrong.body, &app.csrf);
    // 3. Locked (by failures), then the right password.
    for _ in 1..threshold {
        app.login("probe", "Wrong-Passw0rd-1").await;
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users WHERE username = 'probe' AND locked_until IS NOT NULL").await, 1);
    let locked = app.login("probe", PASSWORD).await;
    let locked_body = without_csrf(&locked.body, &app.csrf);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong.status, locked.status), (unknown.status, unknown.status));
    assert!(unknown_body.contains("用户名或密码错误"));
    assert_eq!(wrong_body, unknown_body, "a wrong password reads like an unknown name");
    assert_eq!(locked_body, unknown_body, "a locked account reads like an unknown name");
    assert_eq!(
        unknown.headers.get(header::CONTENT_TYPE),
        locked.headers.get(header::CONTENT_TYPE),
        "same headers that matter"
    );
    // Administrators still see the lock: the audit log and the user page.
    let id = app.scalar("SELECT id FROM users WHERE username = 'probe'").await;
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'account_locked' AND entity_id = '{id}'"))
            .await,
        1
    );
    app.login_ok("admin").await;
    let page = app.get(&format!("/admin/users/{id}")).await;
    assert!(page.body.contains("已锁定"), "the user page shows the lock");
});

// A day-long window: the windows are aligned to the epoch, and a five-minute one could end in the
// middle of the loops below on a slow machine (every count would start again).
both_backends_with!(
    rate_limits_per_address_and_name_with_bounded_audit,
    |c: &mut Config| c.security.login_window_secs = 86_400,
    |mut app: TestApp| async move {
        let cfg = app.config.security.clone();
        app.get("/login").await;
        let audit_rows = |ip: &str| format!("SELECT COUNT(*) FROM audit_log WHERE ip = '{ip}'");

        // One address, one unknown name, many guesses: refused after the per-name limit, one audit row
        // for the failures and one for going over the limit.
        let a = "198.51.100.1";
        let n = cfg.login_limit_per_username + 5;
        let mut statuses = Vec::new();
        for _ in 0..n {
            let r = app.post_from(a, "/login", &[("username", "ghost"), ("password", "x")], &[]).await;
            statuses.push(r.status);
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                assert!(r.body.contains("登录尝试过多"), "a clear message: {}", r.body);
                assert!(r.headers.contains_key(header::RETRY_AFTER));
            }
        }
        let allowed = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count() as i64;
        assert_eq!(allowed, cfg.login_limit_per_username);
        assert!(statuses[allowed as usize..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(app.scalar(&format!("{} AND action = 'login_failed'", audit_rows(a))).await, 1);
        assert_eq!(app.scalar(&format!("{} AND action = 'login_rate_limited'", audit_rows(a))).await, 1);
        assert_eq!(app.scalar(&audit_rows(a)).await, 2, "{n} guesses, two audit rows");
        let counted =
            app.scalar("SELECT attempts FROM login_throttle WHERE kind = 'username' AND subject = 'ghost'").await;
        assert_eq!(counted, n, "every attempt counted in the shared table");

        // One address, a new name each time: refused after the per-address limit; audit rows at most
        // one per name tried plus one for going over.
        let b = "198.51.100.2";
        let n = cfg.login_limit_per_address + 5;
        let mut refused = 0;
        for i in 0..n {
            let name = format!("spray-{i}");
            let r = app.post_from(b, "/login", &[("username", &name), ("password", "x")], &[]).await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                refused += 1;
            } else {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            }
        }
        assert_eq!(refused, n - cfg.login_limit_per_address);
        assert!(app.scalar(&audit_rows(b)).await <= cfg.login_limit_per_address + 1);

        // One name from many addresses: the per-name limit still applies, even to the right password.
        for i in 0..cfg.login_limit_per_username {
            let r = app
                .post_from(&format!("203.0.113.{}", i + 1), "/login", &[("username", "leader"), ("password", "x")], &[])
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = app.post_from("203.0.113.200", "/login", &[("username", "leader"), ("password", PASSWORD)], &[]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "per-name limit across addresses");

        // A success takes its attempt back: signing in does not use up the address's allowance.
        let c = "198.51.100.3";
        for _ in 0..3 {
            app.post_from(c, "/login", &[("username", "bureau"), ("password", PASSWORD)], &[]).await;
            app.cookies.remove("sg_session");
            app.get("/login").await;
        }
        assert_eq!(
            app.scalar(&format!("SELECT attempts FROM login_throttle WHERE kind = 'address' AND subject = '{c}'"))
                .await,
            0
        );

        // When a window is over, its count becomes one summary row (on the key's next attempt, or by the sweep).
        app.exec("UPDATE login_throttle SET window_start = '2000-01-01 00:00:00+00:00'").await;
        let ghost_attempts =
            app.scalar("SELECT attempts FROM login_throttle WHERE kind = 'username' AND subject = 'ghost'").await;
        let r = app.post_from(a, "/login", &[("username", "ghost"), ("password", "x")], &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a new window");
        let summary = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failures' AND actor_name = 'ghost' AND after_json LIKE '%\"attempts\":{ghost_attempts}%'"
        ))
        .await;
        assert_eq!(summary, 1);
        let finished = app.scalar("SELECT COUNT(*) FROM login_throttle WHERE window_start < '2001-01-01'").await;
        let with_counts =
            app.scalar("SELECT COUNT(*) FROM login_throttle WHERE window_start < '2001-01-01' AND attempts > 1").await;
        let before = app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failures'").await;
        let swept = shegong::auth::sweep_sign_in_limits(&app.db, &cfg).await.expect("sweep");
        assert_eq!(swept as i64, finished);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failures'").await,
            before + with_counts
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM login_throttle WHERE window_start < '2001-01-01'").await, 0);
    }
);

both_backends_with!(
    forwarded_for_only_from_trusted_proxies,
    |c: &mut Config| c.server.trusted_proxies = vec!["192.0.2.10".into()],
    |mut app: TestApp| async move {
        app.get("/login").await;
        // An untrusted peer claiming another address: the claim is ignored.
        app.post_from(
            "203.0.113.5",
            "/login",
            &[("username", "xff-a"), ("password", "x")],
            &[("x-forwarded-for", "6.6.6.6")],
        )
        .await;
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'xff-a' AND ip = '203.0.113.5'").await,
            1
        );
        // Through the trusted proxy: the right-most address it added, not what the client prepended.
        app.post_from(
            "192.0.2.10",
            "/login",
            &[("username", "xff-b"), ("password", "x")],
            &[("x-forwarded-for", "6.6.6.6, 198.51.100.20")],
        )
        .await;
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'xff-b' AND ip = '198.51.100.20'").await,
            1
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE ip = '6.6.6.6'").await, 0);
    }
);

both_backends!(a_totp_code_is_accepted_once, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let page = app.get("/account/totp").await;
    assert!(page.body.contains("<svg"), "the enrolment page shows a QR code");
    let secret: String = {
        let i = page.body.find("class=\"secret\">").expect("secret shown") + 15;
        page.body[i..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect()
    };
    let key = base32_decode(&secret).expect("base32");
    let now = chrono::Utc::now().timestamp();
    let r = app.post("/account/totp", &[("action", "enable"), ("code", &totp_code(&key, now))]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.logout().await;
    // Signing in with the next step's code works once…
    let code = totp_code(&key, now + 30);
    app.login("bureau", PASSWORD).await;
    app.get("/login/totp").await;
    let ok = app.post("/login/totp", &[("code", &code), ("next", "/")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    app.logout().await;
    // …and never again, nor does an older one.
    app.login("bureau", PASSWORD).await;
    app.get("/login/totp").await;
    let replay = app.post("/login/totp", &[("code", &code), ("next", "/")]).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "a replayed code is refused");
    let older = app.post("/login/totp", &[("code", &totp_code(&key, now)), ("next", "/")]).await;
    assert_eq!(older.status, StatusCode::UNAUTHORIZED, "an earlier step is refused");
    assert_eq!(app.get("/").await.location(), "/login/totp", "still not signed in");
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND after_json LIKE '%totp_replayed%'"
        )
        .await
            >= 2
    );
    let step = app.scalar("SELECT totp_last_step FROM users WHERE username = 'bureau'").await;
    assert_eq!(step, (now + 30) / 30, "the last accepted step is stored");
});

both_backends_with!(
    totp_enrolment_encodes_the_otpauth_uri,
    |c: &mut Config| c.security.totp_issuer = "昆山 社工:局".into(),
    |mut app: TestApp| async move {
        app.login_ok("bureau").await;
        let page = app.get("/account/totp").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg"), "inline SVG QR code");
        let secret: String = {
            let i = page.body.find("class=\"secret\">").expect("secret shown") + 15;
            page.body[i..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect()
        };
        let url = totp_url(&secret, "bureau", "昆山 社工:局");
        assert!(url.contains("%20") && url.contains("%3A") && !url.contains(' '));
        let shown = page.body.find("otpauth://").map(|i| &page.body[i..(i + 300).min(page.body.len())]).unwrap_or("");
        assert!(page.body.contains(&url.replace('&', "&#38;")), "the page shows the encoded URI: {shown}\n{url}");
        let raw = "otpauth://totp/昆山 社工:局:bureau";
        assert!(!page.body.contains(raw));
    }
);

both_backends!(tokens_need_api_tokens_at_use, |mut app: TestApp| async move {
    let token = app.token_for("bureau").await;
    let (status, _) = app.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    // The role loses the permission: the token stops working at once.
    app.exec("DELETE FROM role_permissions WHERE permission = 'api.tokens'").await;
    let (status, body) = app.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "error.bad_token", "{body}");
    app.exec(
        "INSERT INTO role_permissions (role_id, permission) SELECT id, 'api.tokens' FROM roles WHERE code = 'bureau'",
    )
    .await;
    assert_eq!(app.api("GET", "/api/v1/me", Some(&token), None).await.0, StatusCode::OK);
    // The holder's roles change to one without it: refused too.
    app.exec(
        "UPDATE user_roles SET role_id = (SELECT id FROM roles WHERE code = 'party') \
         WHERE user_id = (SELECT id FROM users WHERE username = 'bureau')",
    )
    .await;
    let (status, body) = app.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "error.bad_token");
});

fn metrics_request(token: Option<&str>, forwarded: bool) -> Request<Body> {
    let mut req = Request::get("/metrics");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if forwarded {
        req = req.header("x-forwarded-for", "127.0.0.1");
    }
    req.body(Body::empty()).expect("request")
}

both_backends!(metrics_are_loopback_only_without_a_token, |mut app: TestApp| async move {
    let r = app.send_from("127.0.0.1", metrics_request(None, false)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("shegong_uptime_seconds"));
    assert_eq!(app.send_from("::1", metrics_request(None, false)).await.status, StatusCode::OK);
    for (peer, forwarded) in [("192.0.2.1", false), ("127.0.0.1", true)] {
        let r = app.send_from(peer, metrics_request(None, forwarded)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{peer} forwarded={forwarded}");
        assert!(!r.body.contains("shegong_"));
    }
    assert_eq!(app.send(metrics_request(None, false)).await.status, StatusCode::UNAUTHORIZED, "no peer known");
});

both_backends_with!(
    metrics_need_the_configured_token,
    |c: &mut Config| c.telemetry.metrics_token = "metrics-secret-token-1".into(),
    |mut app: TestApp| async move {
        for token in [None, Some("wrong"), Some("metrics-secret-token-")] {
            let r = app.send_from("127.0.0.1", metrics_request(token, false)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{token:?}");
            assert!(r.headers.contains_key(header::WWW_AUTHENTICATE));
        }
        let r = app.send_from("192.0.2.1", metrics_request(Some("metrics-secret-token-1"), false)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("shegong_uptime_seconds"));
    }
);

both_backends!(origin_must_match_scheme_host_and_port, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let parent = app.unit_id("/320583/zhoushi/").await.to_string();
    let post = |app: &TestApp, origin: &str, code: &str| {
        let body = serde_urlencoded::to_string([
            ("_csrf", app.csrf.as_str()),
            ("parent_id", parent.as_str()),
            ("code", code),
            ("name", "来源测试"),
            ("kind", "community"),
        ])
        .expect("encode");
        Request::post("/units")
            .header(header::COOKIE, app.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "shegong.example")
            .header(header::ORIGIN, origin)
            .body(Body::from(body))
            .expect("request")
    };
    for origin in ["https://shegong.example", "http://shegong.example:8080", "null"] {
        let req = post(&app, origin, "origin-bad");
        assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN, "{origin} on an http site");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'origin-bad'").await, 0);
    let req = post(&app, "http://shegong.example", "origin-ok");
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'origin-ok'").await, 1);
});

both_backends!(redirect_targets_stay_on_the_site, |mut app: TestApp| async move {
    for next in [
        "/%09/evil.example",
        "%2F%0A",
        "/%0d%0aSet-Cookie:x=y",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example",
    ] {
        let r = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(r.location(), "/", "{next}");
        let r = app.get(&format!("/login?next={next}")).await;
        assert_eq!(r.status, StatusCode::OK, "{next}");
        assert!(r.body.contains("name=\"next\" value=\"/\""), "{next}");
    }
    assert_eq!(app.get("/lang/zh-CN?next=/units%3Fpage%3D2").await.location(), "/units?page=2");
    // After signing in, a hostile target falls back to the home page.
    app.get("/login").await;
    for next in ["/\t/evil.example", "/\n", "//evil.example"] {
        let r = app.post("/login", &[("username", "bureau"), ("password", PASSWORD), ("next", next)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.location(), "/", "{next:?}");
        app.cookies.remove("sg_session");
        app.get("/login").await;
    }
});
