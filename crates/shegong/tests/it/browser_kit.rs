//! The browser tests' harness: the platform with the demo data on a real socket, chromedriver on
//! a free port, and headless Chromium sessions through it (each with its own profile, so its own
//! cookies: two users can be signed in at once). Used by `browser.rs` and `browser_hotline.rs`.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::{test_config, PASSWORD};

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
            .spawn()
            .expect("start chromedriver");
        Kit { base: format!("http://{addr}"), db, driver: child, port, chromium, _dir: dir, profiles: Vec::new() }
    }

    /// A new browser session.
    pub async fn client(&mut self) -> Client {
        let profile = tempfile::tempdir().expect("profile dir");
        let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=1280,900", format!("--user-data-dir={}", profile.path().display())]
            }
        }))
        .expect("caps");
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

    /// Ends the sessions and chromedriver, and fails the test when `result` is an error (with a
    /// screenshot of each session, `<name>-<n>.png` under the target's temporary directory).
    pub async fn finish(mut self, clients: Vec<Client>, result: Result<(), CmdError>, name: &str) {
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
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        result.expect("browser steps");
    }
}

/// Where a screenshot named `name` goes.
pub fn shot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
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
