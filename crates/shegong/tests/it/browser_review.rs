//! The annual review and the dashboard in a real browser (headless Chromium through chromedriver),
//! as the Bureau officer: the editor opened from a draft previews as it is typed (htmx), an error
//! says its line, the saved version reaches the draft; a dashboard figure opens exactly the
//! records it counts; the Word and PDF links answer files; the printed page is the document
//! alone. A second test looks at the review pages and the dashboard on a laptop and a phone.
//! Runs like `browser.rs` (`cfg(shegong_browser)`).

use std::collections::BTreeSet;
use std::time::Duration;

use fantoccini::{Client, Locator};
use shegong::platform::i18n::{t, tf, Lang};

use crate::browser_kit::{
    bounded, check_fits, click_to_next, doc_shot_path, inner_width, shot_path, sign_in, Kit, Screen,
};

/// The digits of a figure as shown (`1,234` → 1234).
fn number(text: &str) -> i64 {
    text.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(-1)
}

/// Waits (up to 20 s) until the script returns `true`.
async fn until(c: &Client, script: &str) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..200 {
        if c.execute(script, vec![]).await?.as_bool() == Some(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(fantoccini::error::CmdError::WaitTimeout)
}

/// The ids of the projects the list shows, over all its pages (following its "next" links).
async fn listed_projects(c: &Client) -> Result<BTreeSet<i64>, fantoccini::error::CmdError> {
    let mut ids = BTreeSet::new();
    loop {
        for a in c.find_all(Locator::Css("#projects tbody a[href^='/services/projects/']")).await? {
            let href = a.attr("href").await?.unwrap_or_default();
            ids.insert(href.rsplit('/').next().and_then(|v| v.parse().ok()).unwrap_or(-1));
        }
        if c.find_all(Locator::Css("nav.pager a[rel=next]")).await?.is_empty() {
            return Ok(ids);
        }
        click_to_next(c, "nav.pager a[rel=next]").await?;
    }
}

/// Fetches `href` from the page (with its session) and answers the status, the content type and
/// the first four bytes.
async fn fetch_head(c: &Client, href: &str) -> Result<(i64, String, Vec<u8>), fantoccini::error::CmdError> {
    let v = c
        .execute(
            "return fetch(arguments[0]).then(r => r.arrayBuffer().then(b => [r.status, r.headers.get('content-type') || '', Array.from(new Uint8Array(b.slice(0, 4)))]));",
            vec![serde_json::json!(href)],
        )
        .await?;
    let status = v[0].as_i64().unwrap_or(0);
    let kind = v[1].as_str().unwrap_or_default().to_string();
    let head =
        v[2].as_array().map(|a| a.iter().filter_map(|b| b.as_u64()).map(|b| b as u8).collect()).unwrap_or_default();
    Ok((status, kind, head))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_browser), ignore = "set SHEGONG_BROWSER_TEST=1 to run")]
async fn browser_review_editor_previews_live_and_a_figure_opens_its_records() {
    let mut kit = Kit::start().await;
    let c = kit.client_on(Screen::LAPTOP_ZH).await;
    let base = kit.base.clone();
    // The demo's draft review of the whole city, its year and its unit.
    let review = kit.scalar("SELECT r.id FROM reviews r JOIN org_units u ON u.id = r.unit_id WHERE u.path = '/320583/' AND r.state = 'draft'").await;
    let year = kit.scalar(&format!("SELECT year FROM reviews WHERE id = {review}")).await;
    let projects = |year: i64| {
        format!("SELECT COUNT(*) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE '/320583/%' AND p.year = {year}")
    };
    let want_projects = kit.scalar(&projects(year)).await;
    assert!(
        review > 0 && want_projects > 0,
        "the demo has a draft of Kunshan ({review}) and projects ({want_projects})"
    );
    let versions_before = kit.scalar("SELECT COUNT(*) FROM review_templates").await;
    let audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity = 'review_template'";
    let audited_before = kit.scalar(audit).await;
    let mut timeouts = c.get_timeouts().await.expect("timeouts");
    timeouts.set_script(Some(Duration::from_secs(180)));
    c.update_timeouts(timeouts).await.expect("script timeout");

    let steps = async {
        sign_in(&c, &base, "bureau").await?;
        // The reviews, the draft, and the editor of its template.
        c.goto(&format!("{base}/review")).await?;
        click_to_next(&c, &format!("#reviews a[href='/review/{review}']")).await?;
        click_to_next(&c, "a#edit-template").await?;
        let textarea = c.wait().for_element(Locator::Css("textarea#body")).await?;
        let place = c.find(Locator::Css("#preview-for")).await?.text().await?;
        assert!(place.contains("昆山市") && place.contains(&year.to_string()), "the preview is the draft's: {place}");
        c.wait().for_element(Locator::Css("#preview .doc")).await.ok();

        // A line that names no indicator: the preview says so, with its line.
        let bad = "{{ ind(\"no.such.indicator\") }}";
        textarea.send_keys(&format!("\n\n{bad}")).await?;
        let error =
            c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("#preview #preview-error")).await?;
        let message = error.text().await?;
        let line = c
            .execute(
                "const v = document.getElementById('body').value; return v.slice(0, v.indexOf('no.such.indicator')).split('\\n').length;",
                vec![],
            )
            .await?
            .as_i64()
            .unwrap_or(0);
        let at_line = tf(Lang::Zh, "review.error.at_line", &[("line", &line.to_string()), ("what", "")]);
        let what = tf(Lang::Zh, "review.error.unknown_indicator", &[("key", "no.such.indicator")]);
        assert!(message.starts_with(&at_line) && message.contains(&what), "line {line}: {message}");

        // Take it back, and write a sentence with the number of projects instead: the preview
        // shows the sentence with the engine's value, which is the raw count.
        let backspaces = fantoccini::key::Key::Backspace.repeat(bad.chars().count());
        textarea.send_keys(&backspaces).await?;
        until(&c, "return !document.querySelector('#preview-error') && !!document.querySelector('#preview .doc');")
            .await?;
        let sentence = "浏览器测试：本年度购买服务项目";
        textarea.send_keys(&format!("{sentence}{{{{ ind(\"services.projects\") }}}}个。")).await?;
        until(&c, &format!("return document.getElementById('preview').textContent.includes('{sentence}');")).await?;
        let shown = c
            .execute(
                "const p = Array.from(document.querySelectorAll('#preview p')).find(p => p.textContent.includes(arguments[0])); const f = p && p.querySelector('.doc-figure'); return [p ? p.textContent : '', f ? f.dataset.key : '', f ? f.textContent : ''];",
                vec![serde_json::json!(sentence)],
            )
            .await?;
        assert_eq!(shown[1].as_str(), Some("services.projects"), "the sentence places the figure: {shown}");
        assert_eq!(
            number(shown[2].as_str().unwrap_or_default()),
            want_projects,
            "the figure is the raw count: {shown}"
        );
        std::fs::write(doc_shot_path("review-editor-zh.png"), c.screenshot().await?).expect("write screenshot");

        // Saved as a new version, back on the draft, which takes it: the document says it.
        c.find(Locator::Css("input#note")).await?.send_keys("浏览器测试").await?;
        click_to_next(&c, "#template-form button.primary").await?;
        assert_eq!(c.current_url().await?.path(), format!("/review/{review}"), "saving goes back to the review");
        click_to_next(&c, &format!("form[action='/review/{review}/refresh'] button")).await?;
        let doc = c.wait().for_element(Locator::Css(".doc")).await?.text().await?;
        assert!(doc.contains(sentence), "the draft uses the saved version");

        // The Word and PDF links of the review answer those files (the registered media types,
        // a zip and a PDF).
        for (ext, kind, magic) in [
            (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK\x03\x04".as_slice(),
            ),
            ("pdf", "application/pdf", b"%PDF".as_slice()),
        ] {
            let link = c.find(Locator::Css(&format!(".page-head a[href$='/{ext}']"))).await?;
            let href = link.attr("href").await?.unwrap_or_default();
            assert_eq!(href, format!("/review/{review}/{ext}"));
            let (status, got, head) = fetch_head(&c, &href).await?;
            assert_eq!((status, got.as_str(), head.as_slice()), (200, kind, magic), "{href}");
        }

        // Printed, the page is the document alone: no navigation, no buttons.
        let pdf = c.print(fantoccini::wd::PrintConfiguration::default()).await?;
        let printed = shot_path("review-print.pdf");
        std::fs::write(&printed, &pdf).expect("write print");
        let text = std::process::Command::new("pdftotext").arg(&printed).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains(sentence), "the document is printed");
        for chrome in [t(Lang::Zh, "review.download_docx"), t(Lang::Zh, "review.submit"), t(Lang::Zh, "layout.skip")] {
            assert!(!text.contains(chrome), "{chrome:?} is not printed");
        }

        // The dashboard: the projects figure opens the list of exactly the projects it counts.
        c.goto(&format!("{base}/")).await?;
        let tile = c.wait().for_element(Locator::Css(".figure[data-key='services.projects']")).await?;
        let shown = number(&tile.find(Locator::Css(".figure-value")).await?.text().await?);
        let dash_year: i64 = c
            .find(Locator::Css("select[name=year]"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        assert_eq!(shown, kit.scalar(&projects(dash_year)).await, "the figure is the raw count for {dash_year}");
        click_to_next(&c, ".figure[data-key='services.projects']").await?;
        let url = c.current_url().await?;
        assert_eq!(url.path(), "/services", "{url}");
        let summary = c.find(Locator::Css("nav.pager .muted")).await?.text().await?;
        let total = tf(Lang::Zh, "paging.summary", &[("total", &shown.to_string()), ("page", "1"), ("pages", "")]);
        let total = total.split('第').next().unwrap_or_default().to_string();
        assert!(summary.starts_with(&total), "{summary} counts {shown}");
        let listed = listed_projects(&c).await?;
        let raw = {
            use sea_orm::ConnectionTrait;
            let q = format!("SELECT p.id FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE '/320583/%' AND p.year = {dash_year}");
            let conn = &kit.db.conn;
            let rows =
                conn.query_all(shegong::platform::db::sql(conn.get_database_backend(), &q, vec![])).await.expect("ids");
            rows.iter().map(|r| r.try_get_by_index::<i64>(0).expect("id")).collect::<BTreeSet<i64>>()
        };
        assert_eq!(listed, raw, "the list is exactly the projects counted");
        Ok(())
    };
    let result = bounded(300, steps).await;
    let versions_after = kit.scalar("SELECT COUNT(*) FROM review_templates").await;
    let audited = kit.scalar(audit).await;
    kit.finish(vec![c], result, "browser-review-failure").await;
    assert_eq!(versions_after, versions_before + 1, "one new version");
    assert_eq!(audited, audited_before + 1, "the save is audited");
}

/// The review pages and the dashboard on a laptop (1366 px) and a phone (390 px): nothing scrolls
/// sideways, and the screenshots go to the target's temporary directory (a few to `docs/`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_browser), ignore = "set SHEGONG_BROWSER_TEST=1 to run")]
async fn browser_review_pages_fit_a_laptop_and_a_phone() {
    let mut kit = Kit::start().await;
    let laptop = kit.client_on(Screen::LAPTOP_ZH).await;
    let phone = kit.client_on(Screen::PHONE_ZH).await;
    let base = kit.base.clone();
    let review =
        kit.scalar("SELECT r.id FROM reviews r JOIN org_units u ON u.id = r.unit_id WHERE u.path = '/320583/'").await;
    let template = kit.scalar("SELECT MAX(id) FROM review_templates WHERE lang = 'zh'").await;
    let mut problems: Vec<String> = Vec::new();
    let steps = async {
        let problems = &mut problems;
        for (c, screen, tag) in [(&laptop, Screen::LAPTOP_ZH, "laptop"), (&phone, Screen::PHONE_ZH, "phone")] {
            sign_in(c, &base, "bureau").await?;
            let width = inner_width(c).await?;
            assert_eq!(width, i64::from(screen.width), "the {tag}'s viewport");
            for (name, path, ready) in [
                ("dashboard", "/".to_string(), ".figure"),
                ("review-list", "/review".to_string(), "#reviews"),
                ("review", format!("/review/{review}"), ".doc"),
                ("review-editor", format!("/review/templates/{template}/edit?review={review}"), "#preview .doc"),
                ("review-templates", "/review/templates".to_string(), "#review-templates"),
                ("indicators", "/review/indicators".to_string(), "table"),
            ] {
                c.goto(&format!("{base}{path}")).await?;
                c.wait().for_element(Locator::Css(ready)).await?;
                check_fits(c, &format!("{name} ({tag})"), problems).await?;
                std::fs::write(shot_path(&format!("{name}-{tag}.png")), c.screenshot().await?).expect("screenshot");
            }
        }
        Ok(())
    };
    let result = bounded(240, steps).await;
    if result.is_ok() {
        for (from, to) in
            [("dashboard-laptop", "dashboard-zh"), ("review-laptop", "review-zh"), ("review-phone", "review-phone-zh")]
        {
            std::fs::copy(shot_path(&format!("{from}.png")), doc_shot_path(&format!("{to}.png")))
                .expect("copy screenshot");
        }
    }
    kit.finish(vec![laptop, phone], result, "browser-review-pages-failure").await;
    assert!(problems.is_empty(), "pages wider than their window: {problems:#?}");
}
