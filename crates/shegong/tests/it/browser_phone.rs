//! A volunteer on a phone (390 × 844, Chromium's mobile emulation): signs up for the recruiting
//! campaign without an account, signs in to `/me` with phone and personal code, takes a shift,
//! and checks in on the shift's check-in page (what its QR code opens). Every page fits the
//! phone's width (nothing scrolls sideways); a screenshot of each goes to `docs/screenshots/`.
//! Gated like `browser.rs` (`cfg(shegong_browser)`): run with SHEGONG_BROWSER_TEST=1.

use fantoccini::{Client, Locator};

use crate::browser_kit::{bounded, check_fits, click_to_next, doc_shot_path, inner_width, Kit, Screen};

/// Checks the page is no wider than the phone (no horizontal scrolling; a page that is goes into
/// `problems` with the elements that stick out) and saves its screenshot as `phone-<name>.png`.
async fn fits_and_shoot(c: &Client, name: &str, problems: &mut Vec<String>) -> Result<(), fantoccini::error::CmdError> {
    let width = inner_width(c).await?;
    if width != i64::from(Screen::PHONE_ZH.width) {
        problems.push(format!("{name}: the viewport is not the phone's: {width}"));
    }
    check_fits(c, name, problems).await?;
    let png = c.screenshot().await?;
    std::fs::write(doc_shot_path(&format!("phone-{name}.png")), png).expect("write screenshot");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_browser), ignore = "set SHEGONG_BROWSER_TEST=1 to run")]
async fn browser_volunteer_on_a_phone_signs_up_takes_a_shift_and_checks_in() {
    use shegong::volunteers::model::{ShiftInput, Slot};
    // The platform with the demo data: its recruiting campaign gets a shift in one of its 周市
    // communities covering the whole of today, so that the check-in is open now.
    let mut kit = Kit::start().await;
    let db = kit.db.clone();
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
    // Chromium emulating a 390 × 844 phone.
    let c = kit.client_on(Screen::PHONE_ZH).await;
    let mut problems: Vec<String> = Vec::new();
    let steps = async {
        let problems = &mut problems;
        let base = kit.base.clone();
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
    let result = bounded(240, steps).await;
    kit.finish(vec![c], result, "phone-failure").await;
    assert!(problems.is_empty(), "pages wider than the phone: {problems:#?}");
}
