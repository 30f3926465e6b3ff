//! Volunteers' service records (issue 13, items 5, 7 and 11): the coordinators' scoped list and
//! confirmation, the correction flow from `/me` to the coordinator's decision (record and
//! summary in one transaction), service types as managed data, the bulk import (every problem
//! reported, nothing written on error, the summary kept), the national export and the roster
//! (masked, the reveal audited and refused without the right), and the limit of `/verify`.

use axum::http::StatusCode;
use shegong::platform::access::Scope;
use shegong::platform::audit::Actor;
use shegong::platform::import::{Format, ImportCtx, ImportReport};
use shegong::platform::xlsx::{self, Cell};
use shegong::volunteers::import::{COLUMNS, RECORDS};

use crate::both_backends;
use crate::helpers::{between, TestApp};

/// Rows of the summary that disagree with the raw records, both ways, and for the distinct
/// volunteers per unit and day: 0 when the summary is exact.
async fn summary_mismatches(app: &TestApp) -> i64 {
    let raw =
        "SELECT unit_id, service_date, service_type_id, COUNT(*) AS n, SUM(person_times) AS p, SUM(minutes) AS m \
               FROM volunteer_records GROUP BY unit_id, service_date, service_type_id";
    let a = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM ({raw}) r WHERE NOT EXISTS (SELECT 1 FROM volunteer_summary s WHERE s.unit_id = r.unit_id \
             AND s.day = r.service_date AND s.service_type_id = r.service_type_id AND s.records = r.n \
             AND s.person_times = r.p AND s.minutes = r.m)"
        ))
        .await;
    let b = app
        .scalar(
            "SELECT COUNT(*) FROM volunteer_summary s WHERE (s.records <> 0 OR s.minutes <> 0 OR s.person_times <> 0) \
             AND NOT EXISTS (SELECT 1 FROM volunteer_records x WHERE x.unit_id = s.unit_id AND x.service_date = s.day \
             AND x.service_type_id = s.service_type_id)",
        )
        .await;
    let days = "SELECT unit_id, service_date, volunteer_id, COUNT(*) AS n FROM volunteer_records \
                GROUP BY unit_id, service_date, volunteer_id";
    let c = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM ({days}) r WHERE NOT EXISTS (SELECT 1 FROM volunteer_day_volunteers d \
             WHERE d.unit_id = r.unit_id AND d.day = r.service_date AND d.volunteer_id = r.volunteer_id AND d.records = r.n)"
        ))
        .await;
    let d = app.scalar(&format!("SELECT COUNT(*) FROM ({days}) r")).await
        - app.scalar("SELECT COUNT(*) FROM volunteer_day_volunteers").await;
    a + b + c + d.abs()
}

/// A resident ID number (GB 11643) from 17 digits.
fn resident(first17: &str) -> String {
    cncodes::IdNumber::complete(first17).expect("valid id").as_str().to_string()
}

/// Signs a volunteer up to the recruiting demo campaign: (volunteer number, personal code).
async fn sign_up(app: &mut TestApp, n: u32, id: &str) -> (String, String) {
    let k = app.scalar("SELECT MIN(id) FROM volunteer_campaigns WHERE status = 'recruiting'").await;
    // A community of 周市 the campaign serves: the volunteer is placed there.
    let unit = app
        .scalar(&format!(
            "SELECT MIN(cu.unit_id) FROM volunteer_campaign_units cu JOIN org_units u ON u.id = cu.unit_id \
             WHERE cu.campaign_id = {k} AND u.path LIKE '/320583/zhoushi/%'"
        ))
        .await;
    app.get(&format!("/join/{k}")).await;
    let r = app
        .post_from(
            &format!("10.77.0.{n}"),
            &format!("/join/{k}"),
            &[
                ("name", "记录测试"),
                ("id_type", "resident"),
                ("id_number", id),
                ("phone", &format!("1370000{n:04}")),
                ("consent", "yes"),
                ("unit_id", &unit.to_string()),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let no = between(&r.body, "<code id=\"volunteer-no\">", "</code>")[0].to_string();
    let code = between(&r.body, "<code id=\"personal-code\">", "</code>")[0].to_string();
    (no, code)
}

/// A community of 周市 (inside the station's scope) and one outside it: their paths.
async fn communities(app: &TestApp) -> (String, String) {
    let inside = app
        .text(
            "SELECT MIN(u.path) FROM volunteer_campaign_units cu JOIN org_units u ON u.id = cu.unit_id \
             JOIN volunteer_campaigns k ON k.id = cu.campaign_id WHERE k.status = 'recruiting' AND u.path LIKE '/320583/zhoushi/%'",
        )
        .await;
    let outside = app
        .text(
            "SELECT MIN(path) FROM org_units WHERE path NOT LIKE '/320583/zhoushi/%' AND kind IN ('community', 'village')",
        )
        .await;
    (inside, outside)
}

/// Imports CSV text through the registry as the command line does (no signed-in user, the whole
/// city in scope).
async fn import_csv(app: &TestApp, csv: &str) -> ImportReport {
    let actor = Actor { id: None, name: "cli".into(), ip: String::new() };
    let scope = Scope::all();
    let ctx =
        ImportCtx { db: &app.db, actor: &actor, scope: &scope, today: shegong::platform::time::today(), parent: None };
    RECORDS.import(&ctx, Format::Csv, csv.as_bytes()).await.expect("import")
}

/// One import row: number, date, community, type, minutes, persons, campaign, status.
#[allow(clippy::too_many_arguments)]
fn row(
    no: &str,
    date: &str,
    community: &str,
    kind: &str,
    minutes: i64,
    persons: i64,
    status: &'static str,
) -> Vec<Cell> {
    vec![
        Cell::Text(no.into()),
        Cell::Date(date.parse().expect("date")),
        Cell::Text(community.into()),
        Cell::Text(kind.into()),
        Cell::Int(minutes),
        Cell::Int(persons),
        Cell::Empty,
        if status.is_empty() { Cell::Empty } else { Cell::Enum(status) },
        Cell::Text("测试导入".into()),
    ]
}

both_backends!(import_reports_every_row_and_keeps_the_summary, |mut app: TestApp| async move {
    let (no, _) = sign_up(&mut app, 1, &resident("32058319800101001")).await;
    let (inside, outside) = communities(&app).await;
    app.login_ok("station").await;
    let records = app.scalar("SELECT COUNT(*) FROM volunteer_records").await;
    let summary = app.scalar("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM volunteer_summary").await;
    // Every kind of problem, each in its own row, and one good row: nothing is written.
    let future = (shegong::platform::time::today() + chrono::Duration::days(3)).to_string();
    let bad = vec![
        row(&no, "2022-04-01", &inside, "物资配送", 90, 3, ""),
        row("V999999999", "2022-04-01", &inside, "物资配送", 90, 3, ""),
        row(&no, "2022-04-01", &outside, "物资配送", 90, 3, ""),
        row(&no, "2022-04-01", &inside, "没有的类型", 90, 3, ""),
        row(&no, "2022-04-01", &inside, "物资配送", 0, 3, ""),
        row(&no, &future, &inside, "物资配送", 60, 3, ""),
        row(&no, "2022-04-01", &inside, "delivery", 60, 100_001, ""),
    ];
    let file = xlsx::write(COLUMNS, &bad).expect("xlsx");
    let r = app.upload("/volunteers/records/import", "records.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for needle in [
        "没有这个志愿者编号",
        "不在您的数据范围内",
        "没有这个在用的服务类型",
        "服务分钟数应为 1 至 1440",
        "服务日期应在",
        "服务人次应为",
    ] {
        assert!(r.body.contains(needle), "report names: {needle}");
    }
    for n in 3..=8 {
        assert!(r.body.contains(&format!("<td class=\"num\">{n}</td>")), "row {n} reported");
    }
    assert!(!r.body.contains("<td class=\"num\">2</td>"), "the good row has no problem");
    assert!(r.body.contains(&shegong::platform::i18n::tf(
        shegong::platform::i18n::Lang::Zh,
        "import.failed",
        &[("n", "6")]
    )));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_records").await, records, "nothing written");
    assert_eq!(app.scalar("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM volunteer_summary").await, summary);

    // A good file: written with the summary, one audit row per record.
    let good = vec![
        row(&no, "2022-04-01", &inside, "物资配送", 90, 3, ""),
        row(&no, "2022-04-01", &inside, "物资配送", 30, 2, "confirmed"),
        row(&no, "2022-04-02", &inside, "Information screening", 45, 0, ""),
    ];
    let file = xlsx::write(COLUMNS, &good).expect("xlsx");
    let r = app.upload("/volunteers/records/import", "records.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_records").await, records + 3);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM volunteer_records WHERE source = 'import' AND status = 'confirmed'").await,
        1
    );
    assert_eq!(
        app.scalar("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM volunteer_summary").await,
        summary + 90 + 30 + 45
    );
    assert_eq!(summary_mismatches(&app).await, 0, "the summary equals the raw records");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'volunteer_record' AND action = 'import'").await,
        3
    );

    // CSV through the registry (the command line's path): the same rules, Chinese headers.
    let csv = format!(
        "志愿者编号,服务日期,服务社区（村）,服务类型,服务时长（分钟）,服务人次\n{no},2022-04-03,{inside},心理疏导,60,1\n{no},2022/4/4,{inside},心理疏导,abc,1\n"
    );
    let report = import_csv(&app, &csv).await;
    assert!(!report.committed());
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].row, 3);
    let csv =
        format!("volunteer_no,service_date,community,service_type,minutes\n{no},2022-04-03,{inside},counselling,60\n");
    let report = import_csv(&app, &csv).await;
    assert!(report.committed(), "{:?}", report.errors);
    assert_eq!(report.created, 1);
    assert_eq!(summary_mismatches(&app).await, 0);
});

both_backends!(corrections_go_from_me_to_the_coordinator, |mut app: TestApp| async move {
    let (no, code) = sign_up(&mut app, 2, &resident("32058319800101002")).await;
    let (inside, _) = communities(&app).await;
    app.login_ok("station").await;
    let file = xlsx::write(COLUMNS, &[row(&no, "2022-04-05", &inside, "物资配送", 120, 4, "")]).expect("xlsx");
    assert_eq!(app.upload("/volunteers/records/import", "r.xlsx", &file).await.status, StatusCode::OK);
    let id = app.scalar(&format!("SELECT MAX(r.id) FROM volunteer_records r JOIN volunteers v ON v.id = r.volunteer_id WHERE v.volunteer_no = '{no}'")).await;
    // The coordinator sees it pending in the list (filtered) and confirms it.
    let list = app.get("/volunteers/records?status=pending").await;
    assert_eq!(list.status, StatusCode::OK);
    let list = app.get(&format!("/volunteers/records?q={no}")).await;
    assert!(list.body.contains(&format!("/volunteers/records/{id}")), "the record is listed");
    let version = app.scalar(&format!("SELECT version FROM volunteer_records WHERE id = {id}")).await.to_string();
    let r = app.post(&format!("/volunteers/records/{id}/confirm"), &[("version", &version)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.text(&format!("SELECT status FROM volunteer_records WHERE id = {id}")).await, "confirmed");
    let r = app.post(&format!("/volunteers/records/{id}/confirm"), &[("version", &version)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a stale confirmation");
    app.logout().await;

    // The volunteer asks from /me: a bad request keeps the values; a good one waits.
    app.get("/me").await;
    let r = app.post("/me", &[("phone", "13700000002"), ("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let me = app.get("/me").await;
    assert!(me.body.contains(&format!("/me/records/{id}/correction")), "the record on /me");
    let form = app.get(&format!("/me/records/{id}/correction")).await;
    assert_eq!(form.status, StatusCode::OK);
    let r = app
        .post(&format!("/me/records/{id}/correction"), &[("minutes", "150"), ("person_times", "4"), ("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写 2 至 200 字的更正理由") && r.body.contains("value=\"150\""));
    let r = app
        .post(
            &format!("/me/records/{id}/correction"),
            &[("minutes", "120"), ("person_times", "4"), ("reason", "没有改动")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing to correct");
    let r = app
        .post(
            &format!("/me/records/{id}/correction"),
            &[("minutes", "150"), ("person_times", "6"), ("reason", "签退晚了半小时")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post(
            &format!("/me/records/{id}/correction"),
            &[("minutes", "160"), ("person_times", "6"), ("reason", "再次申请")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one request waits at a time");
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM volunteer_corrections WHERE record_id = {id}")).await, 1);
    // Another volunteer's record is not theirs to correct.
    let other = app.scalar(&format!("SELECT MIN(id) FROM volunteer_records WHERE id <> {id}")).await;
    assert_eq!(app.get(&format!("/me/records/{other}/correction")).await.status, StatusCode::NOT_FOUND);
    app.post("/me/leave", &[]).await;

    // The coordinator: a refusal needs a reason; the acceptance changes record and summary.
    app.login_ok("station").await;
    let cid = app.scalar(&format!("SELECT MAX(id) FROM volunteer_corrections WHERE record_id = {id}")).await;
    let page = app.get(&format!("/volunteers/records/{id}")).await;
    assert!(page.body.contains("签退晚了半小时"));
    let path = format!("/volunteers/records/{id}/corrections/{cid}/decide");
    let r = app.post(&path, &[("version", "1"), ("decision", "refuse"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不予更正时请填写处理意见"));
    let before = app.scalar("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM volunteer_summary").await;
    let r = app.post(&path, &[("version", "1"), ("decision", "accept"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar(&format!("SELECT minutes FROM volunteer_records WHERE id = {id}")).await, 150);
    assert_eq!(app.scalar(&format!("SELECT person_times FROM volunteer_records WHERE id = {id}")).await, 6);
    assert_eq!(
        app.scalar("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM volunteer_summary").await,
        before + 30
    );
    assert_eq!(summary_mismatches(&app).await, 0);
    assert_eq!(app.post(&path, &[("version", "1"), ("decision", "accept")]).await.status, StatusCode::CONFLICT);
    app.logout().await;

    // A second request, refused with a reason: the record stays, both requests are kept.
    app.get("/me").await;
    app.post("/me", &[("phone", "13700000002"), ("code", &code)]).await;
    let r = app.post(&format!("/me/records/{id}/correction"), &[("minutes", "200"), ("reason", "还有一小时")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.post("/me/leave", &[]).await;
    app.login_ok("station").await;
    let cid2 = app.scalar(&format!("SELECT MAX(id) FROM volunteer_corrections WHERE record_id = {id}")).await;
    let r = app
        .post(
            &format!("/volunteers/records/{id}/corrections/{cid2}/decide"),
            &[("version", "1"), ("decision", "refuse"), ("note", "与签到记录不符")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT minutes FROM volunteer_records WHERE id = {id}")).await, 150);
    assert_eq!(
        app.text(&format!("SELECT status FROM volunteer_corrections WHERE record_id = {id} ORDER BY id")).await,
        "accepted"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM volunteer_corrections WHERE record_id = {id} AND status = 'rejected'"
        ))
        .await,
        1
    );
    for action in ["request", "accept", "refuse"] {
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'volunteer_correction' AND action = '{action}'"
            ))
            .await
                >= 1,
            "{action} audited"
        );
    }
    assert_eq!(summary_mismatches(&app).await, 0);
});

both_backends!(a_station_sees_its_own_communities_only, |mut app: TestApp| async move {
    let (no, _) = sign_up(&mut app, 4, &resident("32058319800101004")).await;
    let (community, _) = communities(&app).await;
    app.login_ok("station").await;
    let file = xlsx::write(COLUMNS, &[row(&no, "2022-04-07", &community, "物资配送", 60, 1, "")]).expect("xlsx");
    assert_eq!(app.upload("/volunteers/records/import", "r.xlsx", &file).await.status, StatusCode::OK);
    let outside = app
        .scalar(
            "SELECT MIN(r.id) FROM volunteer_records r JOIN org_units u ON u.id = r.unit_id WHERE u.path NOT LIKE '/320583/zhoushi/%'",
        )
        .await;
    let inside = app
        .scalar("SELECT MIN(r.id) FROM volunteer_records r JOIN org_units u ON u.id = r.unit_id WHERE u.path LIKE '/320583/zhoushi/%'")
        .await;
    assert!(outside > 0 && inside > 0, "records in and outside 周市");
    assert_eq!(app.get(&format!("/volunteers/records/{outside}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/volunteers/records/{inside}")).await.status, StatusCode::OK);
    // The list's total is the raw count of the records in 周市.
    let expected = app
        .scalar("SELECT COUNT(*) FROM volunteer_records r JOIN org_units u ON u.id = r.unit_id WHERE u.path LIKE '/320583/zhoushi/%'")
        .await;
    let list = app.get("/volunteers/records?per_page=200").await;
    assert_eq!(list.status, StatusCode::OK);
    let summary = shegong::platform::i18n::tf(
        shegong::platform::i18n::Lang::Zh,
        "paging.summary",
        &[("total", &expected.to_string()), ("page", "1"), ("pages", &((expected + 199) / 200).max(1).to_string())],
    );
    assert!(list.body.contains(&summary), "{summary}");
    // The roster likewise.
    let people = app
        .scalar("SELECT COUNT(*) FROM volunteers v JOIN org_units u ON u.id = v.unit_id WHERE u.path LIKE '/320583/zhoushi/%'")
        .await;
    let roster = app.get("/volunteers/people").await;
    assert_eq!(roster.status, StatusCode::OK);
    let far = app
        .text("SELECT MIN(v.volunteer_no) FROM volunteers v JOIN org_units u ON u.id = v.unit_id WHERE u.path NOT LIKE '/320583/zhoushi/%'")
        .await;
    let r = app.get(&format!("/volunteers/people?q={far}")).await;
    assert!(!r.body.contains(&format!("<code>{far}</code>")), "a volunteer outside 周市 is not listed");
    let per = i64::try_from(shegong::platform::paging::DEFAULT_PER_PAGE).expect("page size");
    let r = app.get(&format!("/volunteers/people?q={no}")).await;
    assert!(r.body.contains(&format!("<code>{no}</code>")), "one inside is");
    let summary = shegong::platform::i18n::tf(
        shegong::platform::i18n::Lang::Zh,
        "paging.summary",
        &[("total", &people.to_string()), ("page", "1"), ("pages", &((people + per - 1) / per).max(1).to_string())],
    );
    assert!(roster.body.contains(&summary), "{summary}");
});

both_backends!(export_and_roster_reveal_only_with_the_right, |mut app: TestApp| async move {
    let id = resident("32058319800101003");
    let (no, _) = sign_up(&mut app, 3, &id).await;
    let (inside, _) = communities(&app).await;
    app.login_ok("station").await;
    let file = xlsx::write(COLUMNS, &[row(&no, "2022-04-06", &inside, "物资配送", 90, 2, "confirmed")]).expect("xlsx");
    assert_eq!(app.upload("/volunteers/records/import", "r.xlsx", &file).await.status, StatusCode::OK);
    let vid = app.scalar(&format!("SELECT id FROM volunteers WHERE volunteer_no = '{no}'")).await;
    // The station: masked numbers in the export, no reveal.
    let (status, bytes) = app.get_bytes("/volunteers/records/export.xlsx?from=2022-04-06&to=2022-04-06&unit=").await;
    assert_eq!(status, StatusCode::OK);
    let text = cells_text(&bytes);
    assert!(text.contains(&no) && !text.contains(&id), "masked for the station");
    assert!(text.contains("1.5"), "hours");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'volunteer_record' AND after_json LIKE '%masked%'").await,
        1
    );
    let r = app.post(&format!("/volunteers/people/{vid}/reveal"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let roster = app.get(&format!("/volunteers/people?q={no}")).await;
    assert!(roster.body.contains(&no) && !roster.body.contains(&id) && !roster.body.contains("/reveal"));
    app.logout().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND entity = 'volunteer'").await, 0);

    // The Bureau: the full number in the export and through the audited reveal.
    app.login_ok("bureau").await;
    let (status, bytes) = app.get_bytes("/volunteers/records/export.xlsx?from=2022-04-06&to=2022-04-06").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cells_text(&bytes).contains(&id), "the full number for the reveal right");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'volunteer_record' AND after_json LIKE '%full%'").await,
        1
    );
    let r = app.post(&format!("/volunteers/people/{vid}/reveal"), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&id) && r.body.contains("13700000003"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND entity = 'volunteer' AND entity_id = '{vid}'"
        ))
        .await,
        1
    );
});

/// Every cell of the first sheet of an xlsx, as text.
fn cells_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).expect("sheet");
    range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>().join("|")
}

both_backends!(service_types_are_kept_by_the_bureau, |mut app: TestApp| async move {
    app.login_ok("station").await;
    assert_eq!(app.get("/volunteers/types").await.status, StatusCode::OK, "readable");
    let r = app.post("/volunteers/types", &[("code", "sandbag"), ("name", "防汛沙袋"), ("name_en", "Sandbags")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.logout().await;
    app.login_ok("bureau").await;
    let r = app.post("/volunteers/types", &[("code", "Bad Code"), ("name", "防汛沙袋"), ("name_en", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"防汛沙袋\"") && r.body.contains("代码须为"));
    let r = app.post("/volunteers/types", &[("code", "delivery"), ("name", "另一个"), ("name_en", "Another")]).await;
    assert!(r.body.contains("该代码已存在"));
    let r = app
        .post(
            "/volunteers/types",
            &[("code", "sandbag"), ("name", "防汛沙袋"), ("name_en", "Sandbags"), ("sort_order", "7")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.scalar("SELECT id FROM volunteer_service_types WHERE code = 'sandbag'").await;
    let r = app
        .post(
            &format!("/volunteers/types/{id}"),
            &[("name", "装运沙袋"), ("name_en", "Sandbag loading"), ("sort_order", "7"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.text(&format!("SELECT name_en FROM volunteer_service_types WHERE id = {id}")).await,
        "Sandbag loading"
    );
    // Disabled: no longer offered, and an import naming it is refused.
    let r = app.post(&format!("/volunteers/types/{id}/active"), &[("active", "false"), ("version", "2")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let offered = shegong::volunteers::store::service_types(&app.db.conn).await.expect("types");
    assert!(!offered.iter().any(|t| t.id == id));
    // A used type is not deleted (disable it instead); an unused one is.
    let used = app.scalar("SELECT MIN(service_type_id) FROM volunteer_records").await;
    let v = app.scalar(&format!("SELECT version FROM volunteer_service_types WHERE id = {used}")).await.to_string();
    let r = app.post(&format!("/volunteers/types/{used}/delete"), &[("version", &v)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM volunteer_service_types WHERE id = {used}")).await, 1);
    let r = app.post(&format!("/volunteers/types/{id}/delete"), &[("version", "3")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM volunteer_service_types WHERE id = {id}")).await, 0);
    let audited = app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'volunteer_service_type'").await;
    assert_eq!(audited, 4, "create, update, disable, delete");
});

both_backends!(verify_has_a_limit_of_its_own, |mut app: TestApp| async move {
    app.exec("UPDATE volunteer_limits SET max_hits = 2 WHERE kind = 'verify_address'").await;
    let limit = app.scalar("SELECT max_hits FROM volunteer_limits WHERE kind = 'verify_address'").await;
    let mut last = StatusCode::OK;
    for _ in 0..=limit {
        let req = axum::http::Request::get("/verify?number=VC0&code=ABCD2345")
            .body(axum::body::Body::empty())
            .expect("request");
        last = app.send_from("10.55.0.1", req).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_throttle WHERE kind = 'verify_address'").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM volunteer_throttle WHERE kind = 'me_address'").await,
        0,
        "not /me's limit"
    );
});

// A bulk write (`Db::write_bulk`, migration 0031) bumps the records' data version exactly once
// for the whole import on both engines (on SQLite its per-row triggers stay quiet), and leaves
// no flag behind: the next ordinary write bumps it again. A bulk write rolled back changes
// nothing.
both_backends!(a_bulk_import_bumps_the_records_version_once, |mut app: TestApp| async move {
    let (no, _) = sign_up(&mut app, 5, &resident("32058319800101005")).await;
    let (inside, _) = communities(&app).await;
    let version = || app.scalar("SELECT records FROM data_version WHERE id = 1");
    let before = version().await;
    let csv = format!(
        "volunteer_no,service_date,community,service_type,minutes\n{no},2022-05-03,{inside},counselling,60\n{no},2022-05-04,{inside},counselling,30\n{no},2022-06-04,{inside},物资配送,45\n"
    );
    let report = import_csv(&app, &csv).await;
    assert!(report.committed(), "{:?}", report.errors);
    assert_eq!(report.created, 3);
    assert_eq!(version().await, before + 1, "one bump for the import's records and roll-up rows");
    assert_eq!(summary_mismatches(&app).await, 0);
    if !app.db.is_postgres() {
        assert_eq!(app.scalar("SELECT bulk FROM data_version WHERE id = 1").await, 0, "the flag is back to 0");
    }
    // An ordinary write after it fires its trigger again.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db.conn,
        "UPDATE volunteer_summary SET minutes = minutes WHERE day = '2022-05-03'",
    )
    .await
    .expect("update");
    let after = version().await;
    assert!(after > before + 1, "an ordinary write bumps the version: {after}");

    // Rolled back: no record, no bump, no flag.
    let records = app.scalar("SELECT COUNT(*) FROM volunteer_records").await;
    let tx = app.db.write_bulk().await.expect("bulk");
    sea_orm::ConnectionTrait::execute_unprepared(
        &*tx,
        "UPDATE volunteer_summary SET records = records + 1 WHERE day = '2022-05-03'",
    )
    .await
    .expect("write");
    tx.rollback().await.expect("rollback");
    assert_eq!(version().await, after);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM volunteer_records").await, records);
    assert_eq!(summary_mismatches(&app).await, 0);
    if !app.db.is_postgres() {
        assert_eq!(app.scalar("SELECT bulk FROM data_version WHERE id = 1").await, 0);
    }
});
