//! A volunteer on a phone (390 × 844, Chromium's mobile emulation): signs up for the recruiting
//! campaign without an account, signs in to `/me` with phone and personal code, takes a shift,
//! and checks in on the shift's check-in page (what its QR code opens). Every page fits the
//! phone's width (nothing scrolls sideways); a screenshot of each goes to `docs/screenshots/`.
//! Gated like `browser.rs` (`cfg(shegong_browser)`): run with SHEGONG_BROWSER_TEST=1.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::{test_config, PASSWORD};

/// The phone's viewport, in CSS pixels.
const WIDTH: u32 = 390;
const HEIGHT: u32 = 844;

/// Where the screenshots go: the project's `docs/screenshots/`.
fn shot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots").join(format!("phone-{name}.png"))
}

/// Checks the page is no wider than the phone (no horizontal scrolling; a page that is goes into
/// `problems` with the elements that stick out) and saves its screenshot.
async fn fits_and_shoot(c: &Client, name: &str, problems: &mut Vec<String>) -> Result<(), fantoccini::error::CmdError> {
    let widths = c
        .execute("return [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth];", vec![])
        .await?;
    let w: Vec<i64> = widths.as_array().map(|a| a.iter().filter_map(|v| v.as_i64()).collect()).unwrap_or_default();
    if w.len() != 3 || w[2] != i64::from(WIDTH) {
        problems.push(format!("{name}: the viewport is not the phone's: {widths}"));
    } else if w[0] > i64::from(WIDTH) {
        // Name the elements that stick out, for whoever fixes the layout.
        let wide = c
            .execute(
                "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await?;
        problems.push(format!("{name}: the page is {} px wide on a {WIDTH} px phone; too wide: {wide}", w[0]));
    }
    let png = c.screenshot().await?;
    std::fs::write(shot_path(name), png).expect("write screenshot");
    Ok(())
}

/// Marks the page, clicks, and waits until the next page has replaced it.
async fn click_to_next(c: &Client, css: &str) -> Result<(), fantoccini::error::CmdError> {
    c.execute("document.body.dataset.old = '1';", vec![]).await?;
    c.find(Locator::Css(css)).await?.click().await?;
    for _ in 0..100 {
        let v = c.execute("return document.readyState === 'complete' && !document.body.dataset.old;", vec![]).await;
        if matches!(v, Ok(serde_json::Value::Bool(true))) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(fantoccini::error::CmdError::WaitTimeout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_browser), ignore = "set SHEGONG_BROWSER_TEST=1 to run")]
async fn browser_volunteer_on_a_phone_signs_up_takes_a_shift_and_checks_in() {
    use shegong::volunteers::model::{ShiftInput, Slot};
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(std::path::Path::new(&driver).exists(), "chromedriver not found at {driver}");

    // The platform on a real socket, with the demo data: its recruiting campaign gets a shift in
    // one of its 周市 communities covering the whole of today, so that the check-in is open now.
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = test_config(dir.path().join("phone.db").to_str().expect("path"));
    let db = crate::helpers::open_db(&cfg).await;
    shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, PASSWORD, 1).await.expect("demo");
    let campaign = shegong::platform::db::count(
        &db.conn,
        "SELECT MIN(id) FROM volunteer_campaigns WHERE status = 'recruiting'",
        vec![],
    )
    .await
    .expect("campaign");
    let unit = shegong::platform::db::count(
        &db.conn,
        &format!(
            "SELECT MIN(cu.unit_id) FROM volunteer_campaign_units cu JOIN org_units u ON u.id = cu.unit_id \
             WHERE cu.campaign_id = {campaign} AND u.path LIKE '/320583/zhoushi/%'"
        ),
        vec![],
    )
    .await
    .expect("community");
    let token = shegong::platform::web::random_token(16).expect("token");
    let shift_input = ShiftInput {
        unit_id: unit,
        slot: Slot { date: shegong::platform::time::today(), start: 0, end: 1440 },
        role: "信息排查".into(),
        capacity: 3,
        place: "社区党群服务中心".into(),
        service_type_id: None,
    };
    let shift =
        shegong::volunteers::store::insert_shift(&db.conn, campaign, &shift_input, &token, None).await.expect("shift");
    // A whole day is longer than the campaign's hours per day: this campaign allows it.
    sea_orm::ConnectionTrait::execute_unprepared(
        &db.conn,
        &format!("UPDATE volunteer_campaigns SET max_minutes_per_day = 1440 WHERE id = {campaign}"),
    )
    .await
    .expect("allow a day");
    let state = shegong::platform::AppState::new(db, cfg, None);
    let router = shegong::app::build(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
    });

    // chromedriver on a free port; Chromium emulating a 390 × 844 phone.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").port()
    };
    let mut child = std::process::Command::new(&driver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().expect("profile dir");
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                     format!("--user-data-dir={}", profile.path().display())],
            "mobileEmulation": {
                "deviceMetrics": { "width": WIDTH, "height": HEIGHT, "pixelRatio": 2.0, "mobile": true, "touch": true },
                "userAgent": "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
            },
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }
    }))
    .expect("caps");
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("connect to chromedriver");
    let mut problems: Vec<String> = Vec::new();
    let steps = async {
        let problems = &mut problems;
        let base = format!("http://{addr}");
        // The recruiting campaigns, then the campaign's sign-up form.
        c.goto(&format!("{base}/join")).await?;
        c.wait().for_element(Locator::Css(&format!("a[href='/join/{campaign}']"))).await?;
        fits_and_shoot(&c, "join-list", problems).await?;
        click_to_next(&c, &format!("a[href='/join/{campaign}']")).await?;
        c.wait().for_element(Locator::Css("input[name=name]")).await?;
        fits_and_shoot(&c, "join-form", problems).await?;
        let id_number = cncodes::IdNumber::complete("32058319900307123").expect("valid id").as_str().to_string();
        let phone = "13912345678";
        c.find(Locator::Css("input[name=name]")).await?.send_keys("手机测试志愿者").await?;
        c.find(Locator::Css("input[name=id_number]")).await?.send_keys(&id_number).await?;
        c.find(Locator::Css("input[name=phone]")).await?.send_keys(phone).await?;
        c.find(Locator::Css("input[name=consent]")).await?.click().await?;
        click_to_next(&c, "form[action^='/join/'] button[type=submit]").await?;
        // The answer: a volunteer number and a personal code.
        let no = c.wait().for_element(Locator::Css("#volunteer-no")).await?.text().await?;
        let code = c.find(Locator::Css("#personal-code")).await?.text().await?;
        assert!(!no.trim().is_empty() && !code.trim().is_empty(), "number {no:?} and code {code:?} shown");
        fits_and_shoot(&c, "joined", problems).await?;
        // `/me` with phone and code: the shift of today is offered; take it.
        click_to_next(&c, "a[href='/me']").await?;
        c.wait().for_element(Locator::Css("form[action='/me'] input[name=code]")).await?;
        c.find(Locator::Css("form[action='/me'] input[name=phone]")).await?.send_keys(phone).await?;
        c.find(Locator::Css("form[action='/me'] input[name=code]")).await?.send_keys(code.trim()).await?;
        click_to_next(&c, "form[action='/me'] button[type=submit]").await?;
        let take = format!("form[action='/me/shifts/{shift}/take'] button");
        c.wait().for_element(Locator::Css(&take)).await?;
        fits_and_shoot(&c, "me-open-shifts", problems).await?;
        click_to_next(&c, &take).await?;
        let mine = c.wait().for_element(Locator::Css("#mine")).await?.text().await?;
        assert!(mine.contains("社区党群服务中心"), "the shift is now the volunteer's: {mine}");
        fits_and_shoot(&c, "me-mine", problems).await?;
        // The QR code on the shift's sheet opens the check-in page: check in with phone and code.
        c.goto(&format!("{base}/checkin/{token}")).await?;
        c.wait().for_element(Locator::Css("button[name=action][value=in]")).await?;
        fits_and_shoot(&c, "checkin", problems).await?;
        c.find(Locator::Css("input[name=phone]")).await?.send_keys(phone).await?;
        c.find(Locator::Css("input[name=code]")).await?.send_keys(code.trim()).await?;
        click_to_next(&c, "button[name=action][value=in]").await?;
        let result = c.wait().for_element(Locator::Css("#result.flash")).await?.text().await?;
        assert!(result.contains("手机测试志愿者"), "checked in: {result}");
        fits_and_shoot(&c, "checked-in", problems).await?;
        Ok::<(), fantoccini::error::CmdError>(())
    };
    let result = tokio::time::timeout(Duration::from_secs(240), steps)
        .await
        .unwrap_or(Err(fantoccini::error::CmdError::WaitTimeout));
    if result.is_err() {
        if let (Ok(png), Ok(url)) = (c.screenshot().await, c.current_url().await) {
            let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("phone-failure.png");
            let _ = std::fs::write(&path, png);
            eprintln!("phone browser test failed at {url}; screenshot: {}", path.display());
        }
    }
    let _ = c.close().await;
    let _ = child.kill();
    let _ = child.wait();
    result.expect("phone steps");
    assert!(problems.is_empty(), "pages wider than the phone: {problems:#?}");
}
