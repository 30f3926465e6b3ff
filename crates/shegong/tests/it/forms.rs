//! What every form page owes its user: a way back (a cancel link to the list or the record the
//! form came from), and an empty required date reported as missing rather than wrong.

use axum::http::{Method, StatusCode};
use shegong::platform::access::{DataScope, Need, DEMO_USERS, ROLES};

use crate::both_backends;
use crate::helpers::{between, TestApp};

both_backends!(every_form_page_has_a_cancel_link, |mut app: TestApp| async move {
    // A project that may still be edited (the demo's are all signed).
    app.login_ok("bureau").await;
    let editable = crate::services::create_project(&mut app, "周市镇取消链接测试项目", "50,000").await;
    app.logout().await;
    let table = shegong::app::route_table();
    let forms: Vec<_> = table
        .iter()
        .filter(|d| d.method == Method::GET && (d.path.ends_with("/new") || d.path.ends_with("/edit")))
        .collect();
    assert!(forms.len() >= 15, "form pages found: {}", forms.len());
    // Each page with a city-wide demo user holding its permission, grouped by user (one sign-in
    // each: sign-ins are rate-limited).
    let mut pages: Vec<(&str, String)> = Vec::new();
    for def in forms {
        let Need::Perm(perm) = def.need else { panic!("{}: a form page needs a permission", def.path) };
        let (user, _) = DEMO_USERS
            .iter()
            .find(|(_, role)| {
                ROLES.iter().any(|r| r.code == *role && r.scope == DataScope::All && r.permissions.contains(&perm))
            })
            .unwrap_or_else(|| panic!("no city-wide demo user holds {perm}"));
        let mut path = def.path.to_string();
        for (param, record) in &def.records {
            let id = if record.table == "projects" {
                editable
            } else {
                app.scalar(&format!("SELECT MIN(id) FROM {}", record.table)).await
            };
            path = path.replace(&format!("{{{param}}}"), &id.to_string());
        }
        pages.push((user, path));
    }
    pages.sort();
    let mut signed_in = "";
    for (user, path) in &pages {
        if *user != signed_in {
            if !signed_in.is_empty() {
                app.logout().await;
            }
            app.login_ok(user).await;
            signed_in = *user;
        }
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{user} GET {path}");
        let links = between(&page.body, "class=\"button cancel\" href=\"", "\"");
        assert_eq!(links.len(), 1, "{path}: one cancel link");
        let back = links[0].to_string();
        assert!(back.starts_with('/') && !back.starts_with("//"), "{path}: cancel goes to a page of the site");
        if path.ends_with("/edit") {
            assert_eq!(back, path.trim_end_matches("/edit"), "{path}: cancel goes back to the record");
        }
        assert_eq!(app.get(&back).await.status, StatusCode::OK, "{path}: cancel → {back}");
    }
    assert!(pages.len() >= 15);
});

both_backends!(an_empty_required_date_says_required, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let required = shegong::platform::i18n::t(shegong::platform::i18n::Lang::Zh, "common.required");
    let later = shegong::platform::i18n::t(shegong::platform::i18n::Lang::Zh, "orgs.error.registered_on");
    let code = cncodes::CreditCode::complete("52320583MJ7000001").expect("code").as_str().to_string();
    let org = |registered_on: &'static str| {
        vec![
            ("credit_code", code.clone()),
            ("name", "昆山市周市镇日期测试社工服务社".to_string()),
            ("org_type", "service_institution".to_string()),
            ("unit_id", unit.clone()),
            ("registered_on", registered_on.to_string()),
        ]
    };
    let field_error = |body: &str| between(body, "<p class=\"field-error\">", "</p>").join(" | ");
    // Empty: required. A date after today: the date rule.
    for (typed, says, not) in [("", required, later), ("2099-01-01", later, required)] {
        let f = org(typed);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post("/orgs", &pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = field_error(&r.body);
        assert!(errors.contains(says) && !errors.contains(not), "registered_on {typed:?}: {errors}");
    }
    // The other forms with a required date: events, projects, joint branches.
    let r = app.post("/events", &[("unit_id", unit.as_str()), ("kind", "meeting"), ("title", "日期测试会议")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&r.body), required, "an event without a date");
    let r =
        app.post("/party/orgs", &[("name", "日期测试联合党支部"), ("members", "5"), ("unit_id", unit.as_str())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&r.body).contains(required), "a joint branch without a date: {}", field_error(&r.body));
    let r = app
        .post(
            "/services/projects",
            &[("unit_id", unit.as_str()), ("year", "2022"), ("title", "日期测试服务项目"), ("amount", "1000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&r.body).contains(required), "a project without dates: {}", field_error(&r.body));
});

// The two forms on an organisation's page (own Party organisation, instructor) answered a 400
// error page on a mistake: the page is re-shown (422) with the form open, each message next to
// its field, and every value typed kept; nothing is written.
both_backends!(organisation_page_forms_reshow_their_problems, |mut app: TestApp| async move {
    use shegong::platform::i18n::{t, Lang};
    let id = app.scalar("SELECT MIN(id) FROM organisations WHERE status = 'normal'").await;
    let parties = app.scalar("SELECT COUNT(*) FROM party_orgs").await;
    let instructors = app.scalar("SELECT COUNT(*) FROM party_instructors").await;
    app.login_ok("party").await;
    let field_error = |body: &str| between(body, "<p class=\"field-error\">", "</p>").join(" | ");
    let r = app
        .post(
            &format!("/orgs/{id}/party"),
            &[
                ("name", "表单回显测试党支部"),
                ("kind", "general_branch"),
                ("members", "2"),
                ("secretary", "李书记"),
                ("established_on", ""),
                ("in_action_plan", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = field_error(&r.body);
    for key in ["party.error.members", "common.required"] {
        assert!(errors.contains(t(Lang::Zh, key)), "{key}: {errors}");
    }
    for typed in
        ["value=\"表单回显测试党支部\"", "value=\"2\"", "value=\"李书记\"", "value=\"general_branch\" selected"]
    {
        assert!(r.body.contains(typed), "{typed} kept");
    }
    assert!(r.body.contains("id=\"add-party\" open"), "the form is open");
    // A joint branch is not set up for one organisation: said next to the kind.
    let r = app
        .post(
            &format!("/orgs/{id}/party"),
            &[
                ("name", "表单回显测试党支部"),
                ("kind", "joint_branch"),
                ("members", "5"),
                ("established_on", "2022-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&r.body).contains(t(Lang::Zh, "party.error.kind")), "{}", field_error(&r.body));
    let r = app.post(&format!("/orgs/{id}/instructors"), &[("name", "王"), ("assigned_on", "2099-01-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = field_error(&r.body);
    for key in ["party.error.instructor", "party.error.assigned_on"] {
        assert!(errors.contains(t(Lang::Zh, key)), "{key}: {errors}");
    }
    assert!(r.body.contains("value=\"王\"") && r.body.contains("value=\"2099-01-01\""), "typed values kept");
    assert!(r.body.contains("id=\"add-instructor\" open"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM party_orgs").await, parties, "nothing written");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM party_instructors").await, instructors);
});

// The annual report form and the review form on an organisation's page answered a bare 400 page
// on a mistake (an empty or bad year, a word for a number, a fail without reasons): the page is
// re-shown (422) with the form open, each message next to its field, and the values typed kept;
// nothing is written.
both_backends!(annual_report_forms_reshow_their_problems, |mut app: TestApp| async move {
    use shegong::platform::i18n::{t, Lang};
    // An organisation registered before last year that has not reported on last year.
    let last_year = shegong::platform::period::this_year() - 1;
    let id = app
        .scalar(&format!(
            "SELECT MIN(o.id) FROM organisations o WHERE o.status = 'normal' AND o.registered_on < '{last_year}-01-01' \
             AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.organisation_id = o.id AND r.year = {last_year})"
        ))
        .await;
    let reports = app.scalar("SELECT COUNT(*) FROM annual_reports").await;
    app.login_ok("bureau").await;
    let field_error = |body: &str| between(body, "<p class=\"field-error\">", "</p>").join(" | ");
    let typed = [
        ("submitted_on", ""),
        ("party_status", "own"),
        ("party_members", "十二"),
        ("party_activities", "7"),
        ("summary", "全年开展活动十二次"),
    ];
    for (year, year_key) in [("", "common.required"), ("20222", "reports.error.year"), ("1999", "reports.error.year")] {
        let mut form = vec![("year", year)];
        form.extend_from_slice(&typed);
        let r = app.post(&format!("/orgs/{id}/reports"), &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "year {year:?}: {}", r.body);
        let errors = field_error(&r.body);
        for key in [year_key, "common.required", "reports.error.number"] {
            assert!(errors.contains(t(Lang::Zh, key)), "year {year:?}, {key}: {errors}");
        }
        for kept in ["value=\"十二\"", "value=\"7\"", "全年开展活动十二次</textarea>", "value=\"own\" selected"]
        {
            assert!(r.body.contains(kept), "{kept} kept");
        }
        assert!(r.body.contains("id=\"add-report\" open"), "the form is open");
    }
    // A year the organisation has reported on already: said next to the year, in English too.
    let done = app.scalar("SELECT MIN(organisation_id) FROM annual_reports").await;
    let done_year = app.scalar(&format!("SELECT MIN(year) FROM annual_reports WHERE organisation_id = {done}")).await;
    let before = app.scalar("SELECT COUNT(*) FROM annual_reports").await;
    app.get("/lang/en?next=/").await;
    let r = app
        .post(
            &format!("/orgs/{done}/reports"),
            &[
                ("year", done_year.to_string().as_str()),
                ("submitted_on", &format!("{}-03-01", done_year + 1)),
                ("party_status", "none"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        field_error(&r.body).contains(&t(Lang::En, "reports.error.exists").replace('\'', "&#39;")),
        "{}",
        field_error(&r.body)
    );
    assert!(r.body.contains(&format!("<option value=\"{done_year}\" selected>")), "the year kept");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM annual_reports").await, before, "nothing written");
    app.get("/lang/zh-CN?next=/").await;
    // A review that fails without reasons: the message on that report's row, the result kept.
    let rid = app.scalar("SELECT MIN(id) FROM annual_reports WHERE result IS NULL").await;
    let org = app.scalar(&format!("SELECT organisation_id FROM annual_reports WHERE id = {rid}")).await;
    let version = app.scalar(&format!("SELECT version FROM annual_reports WHERE id = {rid}")).await.to_string();
    let r = app
        .post(
            &format!("/orgs/{org}/reports/{rid}/review"),
            &[("result", "fail"), ("reasons", " "), ("version", version.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let row = between(&r.body, &format!("id=\"review-{rid}\""), "</form>").join("");
    assert!(row.contains(t(Lang::Zh, "reports.error.reasons")), "{row}");
    assert!(row.contains("value=\"fail\" selected"), "{row}");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM annual_reports WHERE id = {rid} AND result IS NULL")).await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM annual_reports").await, reports, "nothing written");
});
