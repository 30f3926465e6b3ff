use axum::http::StatusCode;
use shegong::platform::access::{Need, Routes};

use crate::both_backends;
use crate::helpers::{test_config, TestApp};

both_backends!(health_ready_and_headers, |mut app: TestApp| async move {
    let h = app.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    let login = app.get("/login").await;
    let csp = login.headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(login.headers.get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
    assert!(login.headers.get("x-request-id").is_some());
    let r = app.login("bureau", crate::helpers::PASSWORD).await;
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sg_session="))
        .unwrap_or("")
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(app.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/static/app.css").await.status, StatusCode::OK);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_gets_a_500_page_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = test_config(dir.path().join("p.db").to_str().expect("path"));
    async fn boom() -> &'static str {
        panic!("deliberate test panic")
    }
    let extra = Routes::new().get("/test/panic", Need::Public, boom);
    let mut app = TestApp::with_config(cfg, extra).await;
    let r = app.get("/test/panic").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("系统出现错误") && r.body.contains("Something went wrong"));
    assert!(!r.body.contains("deliberate"), "internals are not shown");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_backup_and_check_on_sqlite() {
    let app = TestApp::sqlite().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("backup.db");
    let cli = shegong::cli::Cli {
        config: None,
        lang: None,
        command: shegong::cli::Command::Backup {
            out: out.to_string_lossy().to_string(),
            db: shegong::cli::DbArg { database: Some(app.db.url.clone()) },
        },
    };
    assert_eq!(shegong::cli::run(cli).await.expect("backup"), 0);
    let copy = shegong::platform::db::Db::connect(out.to_str().expect("path"), 2).await.expect("open backup");
    assert_eq!(
        shegong::platform::db::count(&copy.conn, "SELECT COUNT(*) FROM org_units", vec![]).await.expect("count"),
        app.scalar("SELECT COUNT(*) FROM org_units").await
    );
    assert!(shegong::cli::check(&copy).await.expect("check").is_empty());
    // Import of units: a bad file writes nothing and reports each row; a good one commits.
    let actor = shegong::platform::audit::Actor::system("test");
    let scope = shegong::platform::access::Scope::all();
    let ctx = shegong::platform::import::ImportCtx {
        db: &app.db,
        actor: &actor,
        scope: &scope,
        today: shegong::platform::time::today(),
        parent: None,
    };
    let csv_format = shegong::platform::import::Format::Csv;
    let units = &shegong::units::import::UNITS;
    let bad = "parent_path,code,name,name_en,kind\n/320583/zhoushi/,ok-one,好社区,,community\n/320583/nowhere/,x,无上级,,community\n/320583/zhoushi/,BAD CODE,坏代码,,community\n";
    let rep = units.import(&ctx, csv_format, bad.as_bytes()).await.expect("import");
    assert!(!rep.committed());
    assert_eq!(rep.errors.iter().map(|e| e.row).collect::<Vec<_>>(), vec![3, 4]);
    assert_eq!(rep.errors[0].key, "import.error.no_unit", "a parent that does not exist is no such unit");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'ok-one'").await, 0);
    let good = "\u{feff}parent_path,code,name,name_en,kind\n/320583/zhoushi/,ok-one,好社区 ,,community\n/320583/zhoushi/ok-one/,room,社工室,,other\n";
    let rep = units.import(&ctx, csv_format, good.as_bytes()).await.expect("import");
    assert!(rep.committed(), "{:?}", rep.errors);
    assert_eq!(rep.created, 2);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE path = '/320583/zhoushi/ok-one/room/'").await, 1);
    let exported = shegong::units::import::export_csv(&shegong::platform::import::ExportCtx::operator(&app.db, &scope))
        .await
        .expect("export");
    let csv = String::from_utf8(exported.bytes).expect("utf8");
    assert!(csv.contains("/320583/zhoushi/ok-one/,room,社工室"));
}

#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Everything logged at every level while passwords and phone numbers go through the system
/// (sign-in, failed sign-in, user creation, search) must not contain them. The capture is the
/// process-wide subscriber, so it also sees what other tests log meanwhile.
#[tokio::test(flavor = "current_thread")]
async fn passwords_and_phones_never_reach_the_logs() {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    let logs = LOGS
        .get_or_init(|| {
            let logs = Captured::default();
            // The production filter at its most verbose: everything at TRACE except what
            // `log_filter` always keeps quiet.
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(shegong::platform::telemetry::log_filter("trace"))
                .with_writer(logs.clone())
                .with_ansi(false)
                .finish();
            let _ = tracing::subscriber::set_global_default(subscriber);
            logs
        })
        .clone();
    let mut app = TestApp::sqlite().await;
    app.login("admin", "Wrong-Secret-4711").await;
    app.login_ok("admin").await;
    let unit = app.unit_id("/320583/").await.to_string();
    let r = app
        .post(
            "/admin/users",
            &[
                ("username", "logcheck"),
                ("display_name", "日志"),
                ("unit_id", &unit),
                ("phone", "13987654321"),
                ("password", "Very-Secret-Pw-99"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.get("/admin/users?q=13987654321").await;
    let text = String::from_utf8_lossy(&logs.0.lock().expect("lock")).to_string();
    assert!(text.len() > 1000, "logs were captured ({} bytes)", text.len());
    for secret in ["Wrong-Secret-4711", crate::helpers::PASSWORD, "Very-Secret-Pw-99", "13987654321"] {
        let line = text.lines().find(|l| l.contains(secret)).unwrap_or("");
        assert!(!text.contains(secret), "{secret} leaked into the logs: {line}");
    }
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let mut app = TestApp::sqlite_with(|c| c.security.secure_cookies = true).await;
    let r = app.login("bureau", crate::helpers::PASSWORD).await;
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sg_session="))
        .unwrap_or("")
        .to_string();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
    assert!(r.headers.get("strict-transport-security").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_request_is_answered_503_when_its_time_is_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = test_config(dir.path().join("t.db").to_str().expect("path"));
    cfg.limits.request_timeout_secs = 1;
    async fn slow() -> &'static str {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        "too late"
    }
    let extra = Routes::new().get("/test/slow", Need::Public, slow);
    let mut app = TestApp::with_config(cfg, extra).await;
    let t = std::time::Instant::now();
    let r = app.get("/test/slow").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(t.elapsed() < std::time::Duration::from_millis(2900));
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_pg), ignore = "set SHEGONG_TEST_POSTGRES to run")]
async fn postgres_statements_time_out() {
    let Some(app) = TestApp::postgres_with(|c| c.limits.statement_timeout_secs = 1).await else { return };
    let err = sea_orm::ConnectionTrait::execute_unprepared(&app.db.conn, "SELECT pg_sleep(3)").await;
    let msg = format!("{err:?}");
    assert!(err.is_err() && msg.contains("statement timeout"), "{msg}");
    crate::helpers::finish(app.db.clone()).await;
}
