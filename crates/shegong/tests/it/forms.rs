//! What every form page owes its user: an empty required date reported as missing rather than
//! wrong.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::{between, TestApp};

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
