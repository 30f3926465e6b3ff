//! Events, documents and honours (shared registers), and the 2022 demo entries.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(honours_register_with_the_2022_station_honours, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let stations = app.get("/honours?year=2022&awardee_kind=station").await;
    assert!(stations.body.contains("共 5 条"), "the five station honours");
    assert!(app.get("/honours?year=2022&awardee_kind=unit").await.body.contains("绣衣社区"));
    let suzhou = app.get("/honours?level=suzhou&awardee_kind=station").await;
    assert!(suzhou.body.contains("共 4 条"), "1 demonstration site, 1 excellent and 2 red stations");
    assert!(
        app.get("/honours?year=2022&awardee_kind=person").await.body.contains("共 27 条"),
        "5 + 4 + 1 + 17 award winners"
    );
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
    let mine = app.get("/honours?awardee_kind=station").await;
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

both_backends!(photos_and_files_are_checked_and_scoped, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let event = app.scalar("SELECT MIN(id) FROM events").await;
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend_from_slice(b"\x00\x10JFIF demo bytes");
    let r = app.upload(&format!("/events/{event}/photos"), "启动仪式.jpg", &jpeg).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r =
        app.upload(&format!("/events/{event}/photos"), "photo.jpg", b"<html><script>alert(1)</script></html>").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "type from content, not the name");
    assert!(r.body.contains("只能上传 JPEG 或 PNG 照片"));
    let id = app.scalar("SELECT id FROM attachments").await;
    let got = app.get(&format!("/attachments/{id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("image/jpeg"));
    assert!(app.get("/events").await.body.contains(&format!("/attachments/{id}")));
    let doc = app.scalar("SELECT MIN(id) FROM documents").await;
    let r = app.upload(&format!("/documents/{doc}/file"), "办法.pdf", b"%PDF-1.7 demo").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'attach'").await, 2);
    // The station manager of 周市 cannot fetch a city-level event's photo.
    app.logout().await;
    app.login_ok("station").await;
    assert_eq!(app.get(&format!("/attachments/{id}")).await.status, StatusCode::NOT_FOUND);
});
