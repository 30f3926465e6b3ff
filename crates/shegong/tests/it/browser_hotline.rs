//! The hotline in a real browser (headless Chromium through chromedriver): a counsellor records a
//! high-risk call; the escalations page the supervisor has open shows it without a reload (htmx
//! polls the live list every few seconds); the supervisor acknowledges it. Runs like `browser.rs`
//! (`cfg(shegong_browser)`).

use std::time::Duration;

use fantoccini::Locator;

use crate::browser_kit::{bounded, shot_path, sign_in, Kit};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_browser), ignore = "set SHEGONG_BROWSER_TEST=1 to run")]
async fn a_high_risk_call_reaches_the_supervisors_open_page_live() {
    let mut kit = Kit::start().await;
    let supervisor = kit.client().await;
    let counsellor = kit.client().await;
    let base = kit.base.clone();
    let sup_id = kit.scalar("SELECT id FROM users WHERE username = 'supervisor'").await;
    let last_before = kit.scalar("SELECT COALESCE(MAX(id), 0) FROM hotline_escalations").await;
    let poll = shegong::hotline::ESCALATION_POLL_SECONDS;
    let steps = async {
        // The supervisor (on the demo's rota now) opens the escalations page; a mark on the
        // page's window tells later whether it was reloaded.
        sign_in(&supervisor, &base, "supervisor").await?;
        supervisor.goto(&format!("{base}/hotline/escalations")).await?;
        supervisor.wait().for_element(Locator::Css("#escalations-live #open-escalations")).await?;
        supervisor.execute("window.shegongNoReload = 'still here';", vec![]).await?;

        // The counsellor records a call at high risk with the keyboard-first form.
        sign_in(&counsellor, &base, "counsellor").await?;
        counsellor.goto(&format!("{base}/hotline/calls/new")).await?;
        counsellor.wait().for_element(Locator::Css("select[name=category_id]")).await?;
        let pick = |name: &str, value: &str| format!("select[name={name}] option[value='{value}']");
        let crisis = kit.scalar("SELECT id FROM hotline_categories WHERE code = 'crisis'").await.to_string();
        counsellor.find(Locator::Css(&pick("category_id", &crisis))).await?.click().await?;
        let started = (chrono::Utc::now() - chrono::Duration::minutes(12))
            .with_timezone(&shegong::platform::time::china())
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        counsellor
            .execute(&format!("document.querySelector('input[name=started_at]').value = '{started}';"), vec![])
            .await?;
        counsellor.find(Locator::Css("textarea[name=summary]")).await?.send_keys("浏览器测试危机来电").await?;
        for (name, value) in [
            ("ideation", "active"),
            ("plan", "vague"),
            ("timeframe", "week"),
            ("risk_level", "high"),
            ("outcome", "escalated"),
        ] {
            counsellor.find(Locator::Css(&pick(name, value))).await?.click().await?;
        }
        counsellor.find(Locator::Css("form button[type=submit].primary")).await?.click().await?;
        let mut esc = 0;
        for _ in 0..100 {
            esc = kit.scalar("SELECT COALESCE(MAX(id), 0) FROM hotline_escalations").await;
            if esc > last_before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(esc > last_before, "the call raised an escalation");
        let row = format!("#open-escalations tr[data-id='{esc}']");
        assert_eq!(kit.scalar(&format!("SELECT assigned_to FROM hotline_escalations WHERE id = {esc}")).await, sup_id);

        // The supervisor's open page shows it within a poll or two, without a reload.
        supervisor.wait().at_most(Duration::from_secs(u64::from(poll) * 3 + 5)).for_element(Locator::Css(&row)).await?;
        let mark = supervisor.execute("return window.shegongNoReload || '';", vec![]).await?;
        assert_eq!(mark.as_str(), Some("still here"), "the page was not reloaded");
        let text = supervisor.find(Locator::Css(&row)).await?.text().await?;
        assert!(text.contains("热线咨询员刘敏"), "the counsellor is named: {text}");
        let png = supervisor.screenshot().await?;
        std::fs::write(shot_path("hotline-escalation.png"), png).expect("write screenshot");

        // The supervisor acknowledges it: gone from the open list, recorded as theirs.
        // (The list is swapped in every few seconds: a button found just before a swap is stale.)
        let ack = format!("{row} form[action$='/ack'] button");
        for attempt in 0..5 {
            match supervisor.find(Locator::Css(&ack)).await?.click().await {
                Ok(()) => break,
                Err(e) if attempt == 4 => return Err(e),
                Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
            }
        }
        supervisor.wait().for_element(Locator::Css("#open-escalations")).await?;
        for _ in 0..50 {
            if kit
                .scalar(&format!(
                    "SELECT COUNT(*) FROM hotline_escalations WHERE id = {esc} AND acknowledged_by = {sup_id}"
                ))
                .await
                == 1
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            kit.scalar(&format!(
                "SELECT COUNT(*) FROM hotline_escalations WHERE id = {esc} AND acknowledged_by = {sup_id}"
            ))
            .await,
            1
        );
        let gone = supervisor.find_all(Locator::Css(&row)).await?;
        assert!(gone.is_empty(), "no longer open");
        Ok(())
    };
    let result = bounded(180, steps).await;
    kit.finish(vec![supervisor, counsellor], result, "browser-hotline-failure").await;
}
