//! Events, documents and honours (shared registers), and the 2022 demo entries.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(honours_register_with_the_2022_station_honours, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let all = app.get("/honours?year=2022&per_page=100").await;
    assert!(all.body.contains("共 6 条"), "five station honours and 绣衣社区");
    let suzhou = app.get("/honours?level=suzhou").await;
    assert!(suzhou.body.contains("共 4 条"));
    assert!(app.get("/honours?level=provincial").await.body.contains("高新区亭林社工站"));
    assert!(app.get("/honours?level=national").await.body.contains("绣衣社区"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honours WHERE awardee_kind = 'station' AND title LIKE '%红色社工站%'").await,
        3
    );
    // A new honour, validated and audited.
    let unit = app.unit_id("/320583/lujia/").await.to_string();
    let r = app
        .post(
            "/honours",
            &[
                ("unit_id", &unit),
                ("title", "x"),
                ("level", "galactic"),
                ("year", "22"),
                ("awardee_kind", "station"),
                ("awardee_name", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("年度应为四位数字") && r.body.contains("请选择级别"));
    let r = app
        .post(
            "/honours",
            &[
                ("unit_id", &unit),
                ("title", "昆山市优秀社工站"),
                ("level", "city"),
                ("year", "2023"),
                ("awardee_kind", "station"),
                ("awardee_name", "陆家镇社工站"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'honour'").await, 1);
    // The station manager of 周市 sees 周市's honour only.
    app.logout().await;
    app.login_ok("station").await;
    let mine = app.get("/honours").await;
    assert!(mine.body.contains("周市镇社工站") && !mine.body.contains("周庄镇社工站") && mine.body.contains("共 1 条"));
});

both_backends!(events_and_committee_documents, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let list = app.get("/events?year=2022").await;
    assert!(list.body.contains("先锋引领2.0行动计划启动仪式") && list.body.contains("共 5 条"));
    let unit = app.unit_id("/320583/").await.to_string();
    let r = app
        .post(
            "/events",
            &[
                ("unit_id", &unit),
                ("kind", "training"),
                ("title", "社工督导培训班"),
                ("held_on", "2022-09-01"),
                ("attendees", "60"),
                ("hours", "12.55"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "hours have one decimal");
    let r = app
        .post(
            "/events",
            &[
                ("unit_id", &unit),
                ("kind", "training"),
                ("title", "社工督导培训班"),
                ("held_on", "2022-09-01"),
                ("attendees", "60"),
                ("hours", "12.5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT hours_tenths FROM events WHERE title = '社工督导培训班'").await, 125);
    let docs = app.get("/documents").await;
    assert!(
        docs.body.contains("社会组织行业党建专业委员会工作职责") && docs.body.contains("社会组织行业党建专委会座谈会")
    );
    app.logout().await;
    app.login_ok("party").await;
    let committee = app.get("/party/committee").await;
    assert_eq!(committee.status, StatusCode::OK);
    assert!(committee.body.contains("社会组织党建行动计划方案"));
});
