//! The browser tests' harness: the platform with the demo data on a real socket, chromedriver on
//! a free port, and headless Chromium sessions through it (each with its own profile, so its own
//! cookies: two users can be signed in at once), on a desktop screen or an emulated phone. Every
//! browser test (`browser*.rs`) starts here; the helpers below are the steps they share.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use sea_orm::ConnectionTrait;

use crate::helpers::{test_config, PASSWORD};

/// The screen a session has: its viewport (CSS pixels), whether Chromium emulates a phone
/// (touch, a mobile user agent, device pixel ratio 2), and the languages it asks for (`None`:
/// headless Chromium's own, English).
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    pub width: u32,
    pub height: u32,
    pub phone: bool,
    pub lang: Option<&'static str>,
}

impl Screen {
    /// The default session: a desktop window, English.
    pub const DESKTOP: Screen = Screen { width: 1280, height: 900, phone: false, lang: None };
    /// The most common office laptop screen, Chinese.
    pub const LAPTOP_ZH: Screen = Screen { width: 1366, height: 768, phone: false, lang: Some("zh-CN,zh") };
    /// A phone (390 × 844), Chinese.
    pub const PHONE_ZH: Screen = Screen { width: 390, height: 844, phone: true, lang: Some("zh-CN,zh") };
}

pub struct Kit {
    /// `http://127.0.0.1:<port>` of the platform.
    pub base: String,
    pub db: shegong::platform::db::Db,
    driver: std::process::Child,
    port: u16,
    chromium: String,
    _dir: tempfile::TempDir,
    profiles: Vec<tempfile::TempDir>,
}

impl Kit {
    /// Starts the platform (a new SQLite database with the demo data) and chromedriver.
    pub async fn start() -> Kit {
        let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(std::path::Path::new(&driver).exists(), "chromedriver not found at {driver}");

        // The platform on a real socket.
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = test_config(dir.path().join("b.db").to_str().expect("path"));
        let db = crate::helpers::open_db(&cfg).await;
        shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, PASSWORD, 1).await.expect("demo");
        let state = shegong::platform::AppState::new(db.clone(), cfg, None);
        let router = shegong::app::build(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
        });

        // chromedriver on a free port.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let child = std::process::Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start chromedriver");
        Kit { base: format!("http://{addr}"), db, driver: child, port, chromium, _dir: dir, profiles: Vec::new() }
    }

    /// A new browser session on a desktop screen.
    pub async fn client(&mut self) -> Client {
        self.client_on(Screen::DESKTOP).await
    }

    /// A new browser session on `screen`.
    pub async fn client_on(&mut self, screen: Screen) -> Client {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--hide-scrollbars".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut options = serde_json::json!({ "binary": self.chromium });
        if screen.phone {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": screen.width, "height": screen.height, "pixelRatio": 2.0, "mobile": true, "touch": true },
                "userAgent": "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
            });
        } else {
            args.push(format!("--window-size={},{}", screen.width, screen.height));
        }
        if let Some(lang) = screen.lang {
            let first = lang.split(',').next().unwrap_or(lang);
            args.push(format!("--lang={first}"));
            options["prefs"] = serde_json::json!({ "intl.accept_languages": lang });
        }
        options["args"] = serde_json::json!(args);
        let caps: serde_json::Map<String, serde_json::Value> =
            serde_json::from_value(serde_json::json!({ "goog:chromeOptions": options })).expect("caps");
        self.profiles.push(profile);
        for _ in 0..50 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(c) => return c,
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        panic!("connect to chromedriver");
    }

    /// A number the test reads back from the database (the first column of the first row;
    /// NULL or no row is 0).
    pub async fn scalar(&self, q: &str) -> i64 {
        let c = &self.db.conn;
        let r = c.query_one(shegong::platform::db::sql(c.get_database_backend(), q, vec![])).await;
        r.expect("query").map(|r| r.try_get_by_index::<Option<i64>>(0).expect("number").unwrap_or(0)).unwrap_or(0)
    }

    /// Ends the sessions and chromedriver, and fails the test when `result` is an error (with a
    /// screenshot of each session, `<name>-<n>.png` under the target's temporary directory).
    pub async fn finish(self, clients: Vec<Client>, result: Result<(), CmdError>, name: &str) {
        for (i, c) in clients.into_iter().enumerate() {
            if result.is_err() {
                if let (Ok(png), Ok(url)) = (c.screenshot().await, c.current_url().await) {
                    let path = shot_path(&format!("{name}-{i}.png"));
                    let _ = std::fs::write(&path, png);
                    eprintln!("browser test failed at {url}; screenshot: {}", path.display());
                }
            }
            let _ = c.close().await;
        }
        result.expect("browser steps");
    }
}

/// chromedriver ends with the kit, also when a test panics before `finish` (and Chromium with it).
impl Drop for Kit {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where a screenshot named `name` goes.
pub fn shot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Where a screenshot for the documentation goes: the project's `docs/screenshots/`.
pub fn doc_shot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots").join(name)
}

/// Runs `steps` bounded as a whole: a step that hangs fails instead of stalling CI.
pub async fn bounded(
    seconds: u64,
    steps: impl std::future::Future<Output = Result<(), CmdError>>,
) -> Result<(), CmdError> {
    tokio::time::timeout(Duration::from_secs(seconds), steps).await.unwrap_or(Err(CmdError::WaitTimeout))
}

/// Signs `user` in on the sign-in page (the demo password) and waits for the page after it.
pub async fn sign_in(c: &Client, base: &str, user: &str) -> Result<(), CmdError> {
    c.goto(&format!("{base}/login")).await?;
    c.wait().for_element(Locator::Css("input[name=username]")).await?;
    c.find(Locator::Css("input[name=username]")).await?.send_keys(user).await?;
    c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
    c.find(Locator::Css("button[type=submit].primary")).await?.click().await?;
    c.wait().for_element(Locator::Css("details.usermenu")).await?;
    Ok(())
}

/// Waits until the page that was marked before a click has been replaced by the next one (an
/// element present on both pages would otherwise be found on the old one).
pub async fn new_page(c: &Client) -> Result<(), CmdError> {
    for _ in 0..100 {
        let v = c.execute("return document.readyState === 'complete' && !document.body.dataset.old;", vec![]).await;
        if matches!(v, Ok(serde_json::Value::Bool(true))) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(CmdError::WaitTimeout)
}

/// Marks the page, clicks the element `css` selects, and waits until the next page has replaced it.
pub async fn click_to_next(c: &Client, css: &str) -> Result<(), CmdError> {
    c.execute("document.body.dataset.old = '1';", vec![]).await?;
    c.find(Locator::Css(css)).await?.click().await?;
    new_page(c).await
}

/// Checks the page is no wider than the window (nothing scrolls sideways; a page that does goes
/// into `problems` with the elements that stick out, for whoever fixes the layout).
pub async fn check_fits(c: &Client, name: &str, problems: &mut Vec<String>) -> Result<(), CmdError> {
    let widths = c
        .execute("return [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth];", vec![])
        .await?;
    let w: Vec<i64> = widths.as_array().map(|a| a.iter().filter_map(|v| v.as_i64()).collect()).unwrap_or_default();
    if w.len() != 3 {
        problems.push(format!("{name}: no widths: {widths}"));
    } else if w[0] > w[2] {
        let wide = c
            .execute(
                "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await?;
        problems.push(format!("{name}: the page is {} px wide in a {} px window; too wide: {wide}", w[0], w[2]));
    }
    Ok(())
}

/// The viewport's width in CSS pixels.
pub async fn inner_width(c: &Client) -> Result<i64, CmdError> {
    Ok(c.execute("return window.innerWidth;", vec![]).await?.as_i64().unwrap_or(0))
}
