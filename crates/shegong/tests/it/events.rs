//! Events, documents and honours (shared registers), and the 2022 demo entries.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(honours_register_with_the_2022_station_honours, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let stations = app.get("/honours?year=2022&awardee_kind=station").await;
    assert!(stations.body.contains("共 5 条"), "the five station honours");
    assert!(app.get("/honours?year=2022&awardee_kind=unit").await.body.contains("绣衣社区"));
    let suzhou = app.get("/honours?year=2022&level=suzhou&awardee_kind=station").await;
    assert!(suzhou.body.contains("共 4 条"), "1 demonstration site, 1 excellent and 2 red stations");
    assert!(
        app.get("/honours?year=2022&awardee_kind=person").await.body.contains("共 27 条"),
        "5 + 4 + 1 + 17 award winners"
    );
    assert!(app.get("/honours?level=provincial").await.body.contains("高新区亭林社工站"));
    assert!(app.get("/honours?level=national").await.body.contains("绣衣社区"));
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM honours WHERE year = 2022 AND awardee_kind = 'station' AND title LIKE '%红色社工站%'"
        )
        .await,
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
    let mine = app.get("/honours?year=2022&awardee_kind=station").await;
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
    let jpeg = crate::helpers::jpeg(64, 48);
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

/// The station manager's scope (周市): records outside it are refused.
const OUTSIDE_ZHOUSHI: &str = "u.path NOT LIKE '/320583/zhoushi/%'";

async fn outside(app: &TestApp, table: &str) -> i64 {
    app.scalar(&format!("SELECT MIN(t.id) FROM {table} t JOIN org_units u ON u.id = t.unit_id WHERE {OUTSIDE_ZHOUSHI}"))
        .await
}

fn search(path: &str, q: &str) -> String {
    format!("{path}?{}", serde_urlencoded::to_string([("q", q)]).expect("query"))
}

both_backends!(events_have_a_page_and_an_edit_form, |mut app: TestApp| async move {
    let id = app.scalar("SELECT MIN(id) FROM events").await;
    let title = app.text(&format!("SELECT title FROM events WHERE id = {id}")).await;
    let unit = app.scalar(&format!("SELECT unit_id FROM events WHERE id = {id}")).await.to_string();
    let outside = outside(&app, "events").await;
    let s = |v: &str| v.to_string();
    let form = |title: &str, held_on: &str| {
        vec![
            ("unit_id", unit.clone()),
            ("kind", s("training")),
            ("title", s(title)),
            ("held_on", s(held_on)),
            ("attendees", s("88")),
            ("hours", s("3.5")),
        ]
    };
    crate::helpers::check_edit(
        &mut app,
        crate::helpers::EditCase {
            page: format!("/events/{id}"),
            list: search("/events", &title),
            table: "events",
            entity: "event",
            id,
            good: form("更正后的活动标题", "2022-05-20"),
            saved: format!(
                "SELECT COUNT(*) FROM events WHERE id = {id} AND title = '更正后的活动标题' AND kind = 'training' \
                 AND held_on = '2022-05-20' AND attendees = 88 AND hours_tenths = 35"
            ),
            // An empty date is missing, not wrong.
            bad: form("改了一半的活动标题", ""),
            message: "此项为必填",
            kept: "改了一半的活动标题",
            outside,
        },
    )
    .await;
});

both_backends!(honours_have_a_page_and_an_edit_form, |mut app: TestApp| async move {
    let id = app.scalar("SELECT MIN(id) FROM honours").await;
    let title = app.text(&format!("SELECT title FROM honours WHERE id = {id}")).await;
    let unit = app.scalar(&format!("SELECT unit_id FROM honours WHERE id = {id}")).await.to_string();
    let outside = outside(&app, "honours").await;
    let s = |v: &str| v.to_string();
    let form = |year: &str, name: &str| {
        vec![
            ("unit_id", unit.clone()),
            ("title", s("更正后的荣誉名称")),
            ("level", s("suzhou")),
            ("year", s(year)),
            ("awardee_kind", s("person")),
            ("awardee_name", s(name)),
            ("awarding_body", s("苏州市民政局")),
        ]
    };
    crate::helpers::check_edit(
        &mut app,
        crate::helpers::EditCase {
            page: format!("/honours/{id}"),
            list: search("/honours", &title),
            table: "honours",
            entity: "honour",
            id,
            good: form("2021", "李更正"),
            saved: format!(
                "SELECT COUNT(*) FROM honours WHERE id = {id} AND title = '更正后的荣誉名称' AND level = 'suzhou' \
                 AND year = 2021 AND awardee_kind = 'person' AND awardee_name = '李更正'"
            ),
            bad: form("20222", "李保留"),
            message: "年度应为四位数字",
            kept: "李保留",
            outside,
        },
    )
    .await;
});

both_backends!(documents_have_a_page_and_an_edit_form, |mut app: TestApp| async move {
    let id = app.scalar("SELECT MIN(id) FROM documents").await;
    let outside = outside(&app, "documents").await;
    let s = |v: &str| v.to_string();
    let form = |issued_on: &str| {
        vec![
            ("title", s("更正后的文件名称")),
            ("doc_number", s("昆民发〔2022〕9号")),
            ("issuer", s("昆山市民政局")),
            ("issued_on", s(issued_on)),
        ]
    };
    crate::helpers::check_edit(
        &mut app,
        crate::helpers::EditCase {
            page: format!("/documents/{id}"),
            list: "/documents".to_string(),
            table: "documents",
            entity: "document",
            id,
            good: form("2022-04-01"),
            saved: format!(
                "SELECT COUNT(*) FROM documents WHERE id = {id} AND title = '更正后的文件名称' \
                 AND doc_number = '昆民发〔2022〕9号' AND issued_on = '2022-04-01'"
            ),
            bad: form(""),
            message: "此项为必填",
            kept: "昆民发〔2022〕9号",
            outside,
        },
    )
    .await;
    // The registration form on the list keeps what was typed and names each problem.
    app.login_ok("bureau").await;
    let r = app.post("/documents", &[("title", "x"), ("doc_number", "昆民发〔2022〕10号"), ("issued_on", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写文件名称（2至200字）") && r.body.contains("此项为必填"));
    assert!(r.body.contains("value=\"昆民发〔2022〕10号\""));
});
