//! Headless Chromium (Debian's, through chromedriver) signs in and opens the dashboard.
//! Runs when SHEGONG_BROWSER_TEST=1 or CI=true at build time (`cfg(shegong_browser)`, build.rs);
//! otherwise it is reported as ignored. When it runs, a missing browser fails the test.

use std::time::Duration;

use fantoccini::Locator;

use crate::browser_kit::{click_to_next, new_page};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_browser), ignore = "set SHEGONG_BROWSER_TEST=1 to run")]
async fn browser_login_and_dashboard() {
    let mut kit = crate::browser_kit::Kit::start().await;
    let c = kit.client().await;
    let addr = kit.base.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    // Bounded as a whole: a step that hangs fails with the screenshot below instead of stalling CI.
    let steps = async {
        let base = format!("http://{addr}");
        c.goto(&format!("{base}/")).await?;
        c.wait().for_element(Locator::Css("input[name=username]")).await?;
        assert!(c.current_url().await?.path().starts_with("/login"));
        c.find(Locator::Css("input[name=username]")).await?.send_keys("station").await?;
        c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
        c.find(Locator::Css("button[type=submit].primary")).await?.click().await?;
        let fig = c.wait().for_element(Locator::Css(".figure[data-key='units.community'] .figure-value")).await?;
        let n: i64 = fig.text().await?.trim().parse().unwrap_or(-1);
        assert!(n > 10 && n < 60, "周市 has a few dozen communities, dashboard shows {n}");
        let png = c.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
        std::fs::write(&out, png).expect("write screenshot");
        // The tree expands through htmx.
        c.goto(&format!("{base}/units")).await?;
        c.wait().for_element(Locator::Css(".tree .subtree a")).await?;
        let body = c.find(Locator::Css("body")).await?.text().await?;
        assert!(body.contains("周市镇") && !body.contains("周庄镇"));
        // Sign out, and register an organisation through the form as a Bureau officer.
        c.find(Locator::Css("details.usermenu summary")).await?.click().await?;
        c.find(Locator::Css("form[action='/logout'] button")).await?.click().await?;
        c.wait().for_element(Locator::Css("input[name=username]")).await?;
        c.find(Locator::Css("input[name=username]")).await?.send_keys("bureau").await?;
        c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
        c.find(Locator::Css("button[type=submit].primary")).await?.click().await?;
        c.wait().for_element(Locator::Css(".figure")).await?;
        c.goto(&format!("{base}/orgs/new")).await?;
        let code =
            cncodes::CreditCode::complete("52320583MJ9876543").map(|c| c.as_str().to_string()).unwrap_or_default();
        c.wait().for_element(Locator::Css("input[name=credit_code]")).await?.send_keys(&code).await?;
        c.find(Locator::Css("input[name=name]")).await?.send_keys("昆山市浏览器测试社会工作服务中心").await?;
        c.find(Locator::Css("select[name=org_type] option[value=service_institution]")).await?.click().await?;
        c.execute("document.querySelector('input[name=registered_on]').value = '2021-06-01'", vec![]).await?;
        c.find(Locator::Css("input[name=contact_phone]")).await?.send_keys("13800001111").await?;
        c.find(Locator::Css("form button[type=submit].primary")).await?.click().await?;
        let h1 = c.wait().for_element(Locator::Css("h1")).await?;
        let title = h1.text().await?;
        assert!(title.contains("浏览器测试社会工作服务中心"), "detail page after registering: {title}");
        let phone = c.find(Locator::Css("#phone")).await?.text().await?;
        assert!(phone.contains("138****1111"), "masked: {phone}");
        let png = c.screenshot().await?;
        std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("org-detail.png"), png)
            .expect("write screenshot");

        // A period picker: the figures page opens on the latest year with records and offers the
        // years that have them; choosing another one reloads the page on that year.
        c.goto(&format!("{base}/services/figures")).await?;
        let select = c.wait().for_element(Locator::Css("select[name=year]")).await?;
        let chosen = select.prop("value").await?.unwrap_or_default();
        let options = c.find_all(Locator::Css("select[name=year] option")).await?;
        let mut years = Vec::new();
        for o in &options {
            years.push(o.attr("value").await?.unwrap_or_default());
        }
        let latest = years.iter().filter_map(|y| y.parse::<i32>().ok()).max().map(|y| y.to_string());
        assert_eq!(Some(chosen.clone()), latest, "opens on the latest of the years offered {years:?}");
        if let Some(other) = years.iter().find(|y| **y != chosen).cloned() {
            c.find(Locator::Css(&format!("select[name=year] option[value='{other}']"))).await?.click().await?;
            c.find(Locator::Css("form.filters button[type=submit]")).await?.click().await?;
            c.wait()
                .for_url(&url::Url::parse(&format!("{base}/services/figures?year={other}")).expect("url"))
                .await
                .ok();
            let h1 = c.wait().for_element(Locator::Css("h1")).await?.text().await?;
            assert!(h1.contains(&other), "the page is on the chosen year {other}: {h1}");
            let now = c.find(Locator::Css("select[name=year]")).await?.prop("value").await?.unwrap_or_default();
            assert_eq!(now, other, "the select keeps the chosen year");
        }

        // An import with a problem in a cell (a date that is none) and one of the rules (a unit that
        // does not exist), on different rows: both come back from one upload, nothing is written.
        let row = |serial: u32, name: &str, unit: &str, date: shegong::platform::xlsx::Cell| {
            use shegong::platform::xlsx::Cell;
            let code = cncodes::CreditCode::complete(&format!("51320583MJ{serial:07}"))
                .map(|c| c.as_str().to_string())
                .unwrap_or_default();
            vec![
                Cell::Text(code),
                Cell::Text(name.into()),
                Cell::Enum("social_group"),
                Cell::Text(unit.into()),
                Cell::Empty,
                date,
            ]
        };
        let good_date = shegong::platform::xlsx::Cell::Date(chrono::NaiveDate::from_ymd_opt(2020, 5, 1).expect("date"));
        let rows = vec![
            row(
                8001,
                "昆山市浏览器导入测试一协会",
                "/320583/zhoushi/",
                shegong::platform::xlsx::Cell::Text("2020-13-45".into()),
            ),
            row(8002, "昆山市浏览器导入测试二协会", "/320583/nowhere/", good_date),
        ];
        let file = shegong::platform::xlsx::write(shegong::orgs::import::XLSX_COLUMNS, &rows).expect("xlsx");
        let upload = dir.path().join("organisations.xlsx");
        std::fs::write(&upload, file).expect("write the upload");
        c.goto(&format!("{base}/orgs/import")).await?;
        c.wait().for_element(Locator::Css("input[type=file]")).await?.send_keys(&upload.display().to_string()).await?;
        c.find(Locator::Css("form[enctype='multipart/form-data'] button.primary")).await?.click().await?;
        let report = c.wait().for_element(Locator::Css("#import-errors tbody")).await?.text().await?;
        // In the browser's language (headless Chromium asks for English).
        let said = |key: &str| {
            use shegong::platform::i18n::{t, Lang};
            report.contains(t(Lang::Zh, key)) || report.contains(t(Lang::En, key))
        };
        assert!(said("import.error.date"), "the cell problem: {report}");
        assert!(said("import.error.no_unit"), "the rule problem: {report}");
        let rows_reported = c.find_all(Locator::Css("#import-errors tbody tr")).await?.len();
        assert_eq!(rows_reported, 2, "one line each: {report}");
        let png = c.screenshot().await?;
        std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-report.png"), png)
            .expect("write screenshot");

        // A selection from nomination to publication: the Bureau opens a programme, the 周市
        // station nominates, the Bureau scores, decides and publishes; the winner is an honour.
        async fn login(c: &fantoccini::Client, base: &str, user: &str) -> Result<(), fantoccini::error::CmdError> {
            c.goto(&format!("{base}/")).await?;
            if let Ok(menu) = c.find(Locator::Css("details.usermenu summary")).await {
                menu.click().await?;
                c.find(Locator::Css("form[action='/logout'] button")).await?.click().await?;
            }
            c.wait().for_element(Locator::Css("input[name=username]")).await?;
            c.find(Locator::Css("input[name=username]")).await?.send_keys(user).await?;
            c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
            c.find(Locator::Css("button[type=submit].primary")).await?.click().await?;
            c.wait().for_element(Locator::Css(".sidenav")).await?;
            Ok(())
        }
        // A click that asks for confirmation: the dialog is answered "yes" once it is open
        // (overriding window.confirm raced with page loads: the old page got the override).
        async fn confirm_click(c: &fantoccini::Client, css: &str) -> Result<(), fantoccini::error::CmdError> {
            c.execute("document.body.dataset.old = '1';", vec![]).await?;
            c.find(Locator::Css(css)).await?.click().await?;
            let mut accepted = false;
            for _ in 0..50 {
                if c.accept_alert().await.is_ok() {
                    accepted = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if !accepted {
                c.accept_alert().await?;
            }
            new_page(c).await
        }
        c.goto(&format!("{base}/talent/selections")).await?;
        c.find(Locator::Css("details.card summary")).await?.click().await?;
        c.find(Locator::Css("input[name=title]")).await?.send_keys("浏览器测试评选").await?;
        // A year after the demo's two (2022, 2023), so the year's honours are only this programme's.
        c.find(Locator::Css("input[name=year]")).await?.send_keys("2024").await?;
        c.find(Locator::Css("input[name=quota]")).await?.send_keys("1").await?;
        click_to_next(&c, "form[action='/talent/selections'] button.primary").await?;
        c.wait().for_element(Locator::Css("#nominations")).await?;
        let programme_url = c.current_url().await?.to_string();
        login(&c, &base, "station").await?;
        c.goto(&programme_url).await?;
        c.find(Locator::Css("details.card summary")).await?.click().await?;
        click_to_next(&c, "form[action$='/nominate'] button.primary").await?;
        c.wait().for_element(Locator::Css("#nominations")).await?;
        // Running the programme is the Bureau's: it closes the nominations and scores.
        login(&c, &base, "bureau").await?;
        c.goto(&programme_url).await?;
        c.wait().for_element(Locator::Css("form[action$='/advance'] button")).await?;
        confirm_click(&c, "form[action$='/advance'] button").await?;
        c.wait().for_element(Locator::Css("#nominations")).await?;
        c.wait().for_element(Locator::Css("#scores input[name^=score_]")).await?.send_keys("92").await?;
        click_to_next(&c, "#scores button[type=submit]").await?;
        c.wait().for_element(Locator::Css("#nominations")).await?;
        c.find(Locator::Css("details.card summary")).await?.click().await?;
        c.find(Locator::Css("form[action$='/decide'] input[name=select]")).await?.click().await?;
        confirm_click(&c, "form[action$='/decide'] button.primary").await?;
        c.wait().for_element(Locator::Css("form[action$='/advance'] button.primary")).await?;
        confirm_click(&c, "form[action$='/advance'] button.primary").await?;
        c.wait().for_element(Locator::Css("#nominations")).await?;
        c.goto(&format!("{base}/honours?year=2024")).await?;
        let honours = c.find(Locator::Css("#honours tbody")).await?.text().await?;
        assert!(honours.contains("浏览器测试评选"), "the winner is in the honours register: {honours}");

        // A purchased-service project: the Bureau initiates it, moves it to procurement, signs it
        // with an agency and records the first payment.
        let set = |id: &str, v: &str| format!("document.getElementById('{id}').value = '{v}';");
        c.goto(&format!("{base}/services/projects/new")).await?;
        c.wait().for_element(Locator::Css("#project-form")).await?;
        c.find(Locator::Css("input[name=title]")).await?.send_keys("浏览器测试居家养老服务项目").await?;
        c.find(Locator::Css("select[name=category_id] option:nth-child(3)")).await?.click().await?;
        c.find(Locator::Css("input[name=amount]")).await?.send_keys("200,000").await?;
        c.execute(&(set("starts_on", "2022-03-01") + &set("ends_on", "2022-12-31")), vec![]).await?;
        click_to_next(&c, "#project-form button.primary").await?;
        let h1 = c.wait().for_element(Locator::Css("h1")).await?.text().await?;
        assert!(h1.contains("浏览器测试居家养老服务项目"), "project page after 立项: {h1}");
        confirm_click(&c, "form#advance button.primary").await?;
        c.wait().for_element(Locator::Css("#sign select[name=agency_id]")).await?;
        c.find(Locator::Css("#sign select[name=agency_id] option:nth-child(2)")).await?.click().await?;
        c.find(Locator::Css("#sign input[name=contract_no]")).await?.send_keys("KS-BROWSER-001").await?;
        c.execute(&set("signed_on", "2022-03-01"), vec![]).await?;
        click_to_next(&c, "#sign button.primary").await?;
        c.wait().for_element(Locator::Css("#pay summary")).await?.click().await?;
        c.execute(&set("paid_on", "2022-03-15"), vec![]).await?;
        c.find(Locator::Css("#payment-form input[name=amount]")).await?.send_keys("80,000").await?;
        c.find(Locator::Css("#payment-form input[name=voucher_ref]")).await?.send_keys("KSCZ-B-1").await?;
        click_to_next(&c, "#payment-form button.primary").await?;
        c.wait().for_element(Locator::Css("#payments td.num")).await?;
        let paid = c.find(Locator::Css("#paid")).await?.text().await?;
        assert!(paid.contains("80,000.00") && paid.contains("40%"), "paid after the payment: {paid}");
        let payments = c.find(Locator::Css("#payments tbody")).await?.text().await?;
        assert!(payments.contains("KSCZ-B-1"), "the payment is listed: {payments}");
        let png = c.screenshot().await?;
        std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("project-detail.png"), png)
            .expect("write screenshot");
        Ok::<(), fantoccini::error::CmdError>(())
    };
    let result = crate::browser_kit::bounded(300, steps).await;
    kit.finish(vec![c], result, "browser-failure").await;
}
