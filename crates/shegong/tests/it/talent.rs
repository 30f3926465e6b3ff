//! The talent development fund ledger.

use axum::http::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(fund_balance_is_derived_and_never_overdrawn, |mut app: TestApp| async move {
    let token = app.token_for("bureau").await;
    let (s, f) = app.api("GET", "/api/v1/fund?year=2022", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        f,
        json!({"year": 2022, "opening_fen": 0, "in_fen": 200_000_000i64, "out_fen": 0, "closing_fen": 200_000_000i64})
    );
    app.login_ok("bureau").await;
    let page = app.get("/talent/fund?year=2022").await;
    assert!(page.body.contains("2,000,000.00"));
    // A grant larger than the fund is refused; so is one dated before the money came in.
    let grant = |amount: &'static str, on: &'static str| {
        [
            ("kind", "grant"),
            ("entry_on", on),
            ("amount", amount),
            ("counterparty", "最美社工获得者"),
            ("purpose", "表彰奖励"),
            ("approval_ref", "昆民〔2022〕12号"),
        ]
    };
    let r = app.post("/talent/fund", &grant("2,000,000.01", "2022-06-01")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("余额不足"));
    let r = app.post("/talent/fund", &grant("100", "2022-01-05")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "before the fund was set up");
    let r = app
        .post(
            "/talent/fund",
            &[("kind", "grant"), ("entry_on", "2022-06-01"), ("amount", "100"), ("counterparty", "某社工")],
        )
        .await;
    assert!(r.body.contains("资助须填写用途") && r.body.contains("资助须填写审批文号"));
    let r = app.post("/talent/fund", &grant("50,000.50", "2022-06-01")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A backdated grant that fits on its own date but would overdraw the fund on a later one is refused.
    let r = app.post("/talent/fund", &grant("1,960,000", "2022-05-01")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Exactly the rest, dated before the other grant: the balance never goes negative.
    let r = app.post("/talent/fund", &grant("1,949,999.50", "2022-05-01")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post("/talent/fund", &grant("0.01", "2022-12-01")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the fund is now empty");
    let (_, f) = app.api("GET", "/api/v1/fund?year=2022", Some(&token), None).await;
    assert_eq!(f["out_fen"], json!(200_000_000i64));
    assert_eq!(f["closing_fen"], json!(0));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'fund_entry'").await, 2);
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty());
    // An edit made behind the application's back that overdraws the fund is found by `check`.
    app.exec("UPDATE fund_entries SET amount_fen = amount_fen + 1 WHERE kind = 'grant' AND entry_on = '2022-05-01'")
        .await;
    let problems = shegong::cli::check(&app.db).await.expect("check");
    assert!(problems.iter().any(|p| p.contains("below zero")), "{problems:?}");
    app.exec("UPDATE fund_entries SET amount_fen = amount_fen - 1 WHERE kind = 'grant' AND entry_on = '2022-05-01'")
        .await;
    // The statement is an xlsx with the opening, every entry and the closing line.
    let st = app.get("/talent/fund/statement.xlsx?year=2022").await;
    assert_eq!(st.status, StatusCode::OK);
    // A station manager sees no city fund and cannot record into it.
    app.logout().await;
    app.login_ok("station").await;
    assert!(app.get("/talent/fund?year=2022").await.body.contains("共 0 条"));
    assert_eq!(app.post("/talent/fund", &grant("1", "2022-06-01")).await.status, StatusCode::NOT_FOUND);
});
