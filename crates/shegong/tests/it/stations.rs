//! Social-work stations on the three tiers: demo figures, scoping, validation, optimistic
//! locking, audit and photos.

use axum::http::StatusCode;
use serde_json::json;
use shegong::demo::stations::{plan, DemoStation};

use crate::both_backends;
use crate::helpers::TestApp;

/// (stations, people, organisation covered, work covered) of a tier, from the generator's plan.
fn expected(plan: &[DemoStation], tier: &str, town: Option<&str>) -> (i64, i64, i64, i64) {
    let rows: Vec<&DemoStation> =
        plan.iter().filter(|s| s.tier == tier && (town.is_none() || s.town == town)).collect();
    (
        rows.len() as i64,
        rows.iter().map(|s| s.staff.len() as i64).sum(),
        rows.iter().filter(|s| s.org_covered()).count() as i64,
        rows.iter().filter(|s| s.work_covered()).count() as i64,
    )
}

fn tier_of(api: &serde_json::Value, tier: &str) -> (i64, i64, i64, i64) {
    let t = api["tiers"].as_array().and_then(|ts| ts.iter().find(|t| t["tier"] == json!(tier))).cloned();
    let t = t.unwrap_or_default();
    let n = |k: &str| t[k].as_i64().unwrap_or(-1);
    (n("stations"), n("staff"), n("org_covered"), n("work_covered"))
}

async fn text(app: &TestApp, q: &str) -> String {
    let row = sea_orm::ConnectionTrait::query_one(&app.db.conn, sea_orm::Statement::from_string(app.db.backend(), q))
        .await
        .expect("query")
        .expect("row");
    row.try_get_by_index::<String>(0).expect("text")
}

async fn station_id(app: &TestApp, unit_path: &str) -> i64 {
    app.scalar(&format!(
        "SELECT s.id FROM stations s JOIN org_units u ON u.id = s.unit_id WHERE u.path = '{unit_path}'"
    ))
    .await
}

both_backends!(demo_stations_match_the_generator, |mut app: TestApp| async move {
    let plan = plan();
    let token = app.token_for("bureau").await;
    let (s, api) = app.api("GET", "/api/v1/stations", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{api}");
    assert_eq!(api["items"].as_array().map(|i| i.len()), Some(plan.len()));
    for tier in ["city", "town", "community"] {
        assert_eq!(tier_of(&api, tier), expected(&plan, tier, None), "tier {tier}");
    }
    // The review's figure: 11 district/town stations, all with Party organisation and work coverage.
    let (towns, _, org, work) = tier_of(&api, "town");
    assert_eq!((towns, org, work), (11, 11, 11));
    assert_eq!(api["tiers"][1]["org_rate"], json!(100.0));
    assert_eq!(api["tiers"][1]["work_rate"], json!(100.0));
    assert_eq!(tier_of(&api, "city").0, 1);
    // Each town station's own branch hangs at the station's unit.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM stations s JOIN party_orgs p ON p.id = s.party_org_id \
             WHERE s.tier = 'town' AND p.unit_id = s.unit_id AND p.kind = 'branch' AND p.name = s.name || '党支部'"
        )
        .await,
        11
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM stations WHERE tier = 'town' AND party_instructor = ''").await, 0);
    // Phones are masked in the API.
    let first = &api["items"][0];
    assert_eq!(first["name"], json!("昆山市社工总站"));
    assert!(first.get("phone").is_none() && first["phone_masked"].as_str().is_some_and(|p| p.contains('*')));

    app.login_ok("bureau").await;
    let page = app.get("/stations").await;
    assert_eq!(page.status, StatusCode::OK);
    for tier in ["city", "town", "community"] {
        let (n, staff, org, work) = expected(&plan, tier, None);
        assert!(
            page.body.contains(&format!("<tr data-tier=\"{tier}\">"))
                && page.body.contains(&format!(
                    "<td class=\"num\" id=\"tier-{tier}\" data-value=\"{n}\">{n}</td><td class=\"num\">{staff}</td><td class=\"num\">{org}</td>"
                ))
                && page.body.contains(&format!("<td class=\"num\">{work}</td>")),
            "tier table for {tier}"
        );
    }
    assert!(
        page.body.contains("周市镇社工站")
            && page.body.contains("亭林社区社工室")
            && page.body.contains("绣衣社区社工室")
    );
    // The dashboard shows the same.
    let home = app.get("/").await;
    // A tile's figure (its link opens the stations of its tier: drilldowns.rs checks the page).
    let tile = |key: &str| {
        let t = home.body.split(&format!("data-key=\"{key}\" href=\"/stations?")).nth(1).expect("tile");
        t.split("</a>").next().expect("tile end").to_string()
    };
    assert!(tile("stations.town").contains("<span class=\"figure-value\">11</span>"));
    assert!(tile("stations.town_work_coverage")
        .contains("<span class=\"figure-value\">100.0</span><span class=\"figure-unit\">%</span>"));
    // Honours of the register appear on the stations they were awarded to.
    let zhoushi = station_id(&app, "/320583/zhoushi/").await;
    let body = app.get(&format!("/stations/{zhoushi}")).await.body;
    assert!(body.contains("苏州市“红色社工站”") && body.contains("周市镇社工站党支部"));
    let honour = app
        .scalar(&format!(
            "SELECT MIN(h.id) FROM honours h JOIN stations s ON s.unit_id = h.unit_id WHERE s.id = {zhoushi} \
             AND h.awardee_kind IN ('station', 'unit')"
        ))
        .await;
    assert!(body.contains(&format!("href=\"/honours/{honour}\"")), "the station's honours link to their pages");
    let huaqiao = station_id(&app, "/320583/huaqiao/").await;
    let body = app.get(&format!("/stations/{huaqiao}")).await.body;
    assert!(body.contains("苏州市社会组织党建工作示范点") && body.contains("苏州市优秀“红色社工站”"));
    let tinglin = station_id(&app, "/320583/gaoxinqu/tinglin/").await;
    assert!(app.get(&format!("/stations/{tinglin}")).await.body.contains("江苏省党建引领社会工作服务示范点"));
    let xiuyi = station_id(&app, "/320583/kaifaqu/xiuyi/").await;
    assert!(app.get(&format!("/stations/{xiuyi}")).await.body.contains("全国示范性老年友好型社区"));
    // The export reads back with one row per station, in tree order, phones masked.
    let (s, xlsx) = app.get_bytes("/stations/export.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    let sheet =
        shegong::platform::xlsx::read(&xlsx, shegong::stations::model::EXPORT_COLUMNS).expect("export reads back");
    assert_eq!(sheet.rows.len(), plan.len());
    let names: Vec<String> = sheet.rows.iter().map(|(_, c)| c[1].text().unwrap_or("").to_string()).collect();
    let planned: Vec<String> = plan.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, planned, "tree order: the city, then each district/town by its sort order with its rooms");
    assert!(sheet.rows.iter().all(|(_, c)| c[6].text().is_some_and(|p| p.contains('*'))));
    let staff: i64 = sheet.rows.iter().filter_map(|(_, c)| c[9].int()).sum();
    assert_eq!(staff, plan.iter().map(|s| s.staff.len() as i64).sum::<i64>());
});

both_backends!(station_manager_sees_own_town_only, |mut app: TestApp| async move {
    let plan = plan();
    let token = app.token_for("station").await;
    let (_, api) = app.api("GET", "/api/v1/stations", Some(&token), None).await;
    let mine = plan.iter().filter(|s| s.town == Some("zhoushi")).count();
    assert_eq!(api["items"].as_array().map(|i| i.len()), Some(mine));
    assert!(api["items"]
        .as_array()
        .is_some_and(|i| i.iter().all(|s| s["unit_path"].as_str().is_some_and(|p| p.starts_with("/320583/zhoushi/")))));
    assert_eq!(tier_of(&api, "city"), (0, 0, 0, 0));
    assert_eq!(tier_of(&api, "town"), expected(&plan, "town", Some("zhoushi")));
    assert_eq!(tier_of(&api, "community"), expected(&plan, "community", Some("zhoushi")));

    app.login_ok("station").await;
    let tree = app.get("/stations").await;
    assert!(
        tree.body.contains("周市镇社工站")
            && !tree.body.contains("周庄镇社工站")
            && !tree.body.contains("昆山市社工总站")
    );
    let (_, xlsx) = app.get_bytes("/stations/export.xlsx").await;
    let sheet = shegong::platform::xlsx::read(&xlsx, shegong::stations::model::EXPORT_COLUMNS).expect("export");
    assert_eq!(sheet.rows.len(), mine);
    // Another town's station does not exist for this user: every page and write answers 404.
    let other = station_id(&app, "/320583/zhouzhuang/").await;
    assert_eq!(app.get(&format!("/stations/{other}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/stations/{other}/edit")).await.status, StatusCode::NOT_FOUND);
    let r = app.post(&format!("/stations/{other}"), &[("name", "被改的站"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/stations/{other}/staff"),
            &[("name", "张三丰"), ("post", "volunteer"), ("from_on", "2022-06-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let staff = app.scalar(&format!("SELECT MIN(id) FROM station_staff WHERE station_id = {other}")).await.to_string();
    let r = app.post(&format!("/stations/{other}/staff/end"), &[("staff_id", &staff), ("to_on", "2022-12-01")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let png = crate::helpers::png(40, 30);
    assert_eq!(app.upload(&format!("/stations/{other}/photos"), "a.png", &png).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.scalar(&format!("SELECT version FROM stations WHERE id = {other}")).await, 1);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM station_staff WHERE station_id = {other} AND to_on IS NOT NULL"))
            .await,
        0
    );
    // The unit picker offers only free units of the own town; a unit outside the scope is refused.
    let form = app.get("/stations/new").await.body;
    assert!(form.contains("鑫茂社区") && !form.contains("周庄镇") && !form.contains("　周市社区</option>"));
    let outside = app.unit_id("/320583/zhouzhuang/").await;
    let outside_room =
        app.scalar(&format!("SELECT MAX(id) FROM org_units WHERE parent_id = {outside}")).await.to_string();
    let before = app.scalar("SELECT COUNT(*) FROM stations").await;
    let r = app.post("/stations", &[("unit_id", &outside_room), ("name", "越权社工室")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择您范围内的单位"));
    let own_room = app.unit_id("/320583/zhoushi/xinmao/").await.to_string();
    let r = app.post("/stations", &[("unit_id", &own_room), ("name", "鑫茂社区社工室")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM stations").await, before + 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM stations WHERE name = '鑫茂社区社工室' AND tier = 'community'").await,
        1
    );
});

both_backends!(station_forms_validate_without_partial_writes, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let stations = app.scalar("SELECT COUNT(*) FROM stations").await;
    let town = app.unit_id("/320583/zhoushi/").await.to_string();
    let room = app.unit_id("/320583/zhoushi/xinmao/").await.to_string();
    // One station per unit.
    let r = app.post("/stations", &[("unit_id", &town), ("name", "周市镇第二社工站")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该单位已设立站点") && r.body.contains("class=\"field-error\""));
    // A bad date, a bad phone and a short name, each next to its field.
    let r = app
        .post("/stations", &[("unit_id", &room), ("name", "站"), ("opened_on", "2022-02-30"), ("phone", "12345")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("建站日期无效") && r.body.contains("请填写站点名称") && r.body.contains("电话应为11位手机号")
    );
    // A Party organisation of another town cannot cover this room.
    let lujia_branch =
        app.scalar("SELECT p.id FROM party_orgs p WHERE p.name = '陆家镇社工站党支部'").await.to_string();
    let r =
        app.post("/stations", &[("unit_id", &room), ("name", "鑫茂社区社工室"), ("party_org_id", &lujia_branch)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择本单位或上级单位"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM stations").await, stations, "nothing written");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'station'").await, 0);
    // The picker offers the town station's branch for the room; with it the room is created once,
    // even when the form is sent twice.
    let options = app.get(&format!("/stations/party-orgs?unit_id={room}")).await.body;
    let zhoushi_branch =
        app.scalar("SELECT p.id FROM party_orgs p WHERE p.name = '周市镇社工站党支部'").await.to_string();
    assert!(
        options.contains(&format!("value=\"{zhoushi_branch}\""))
            && !options.contains(&format!("value=\"{lujia_branch}\""))
    );
    let form = [
        ("unit_id", room.as_str()),
        ("name", "鑫茂社区社工室"),
        ("opened_on", "2022年9月1日"),
        ("phone", "13912345678"),
        ("party_org_id", zhoushi_branch.as_str()),
        ("_nonce", "stations-test-nonce-1"),
    ];
    let first = app.post("/stations", &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = app.post("/stations", &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), first.location());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM stations").await, stations + 1);
    let id = app.scalar("SELECT id FROM stations WHERE name = '鑫茂社区社工室'").await;
    assert_eq!(first.location(), format!("/stations/{id}"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM stations WHERE id = {id} AND tier = 'community' AND opened_on = '2022-09-01'"
        ))
        .await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND action = 'create'").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND after_json LIKE '%13912345678%'").await,
        0,
        "the audit row keeps the phone masked"
    );
    let page = app.get(&format!("/stations/{id}")).await.body;
    assert!(!page.contains("13912345678") && page.contains("139****5678"));

    // People: a worker of another town is refused, so is a person with neither worker nor name.
    let own_worker = app
        .scalar("SELECT MIN(w.id) FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.path LIKE '/320583/zhoushi/%'")
        .await
        .to_string();
    let foreign_worker = app
        .scalar("SELECT MIN(w.id) FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.path LIKE '/320583/lujia/%'")
        .await
        .to_string();
    let staff = format!("/stations/{id}/staff");
    let r = app.post(&staff, &[("worker_id", &foreign_worker), ("post", "full_time"), ("from_on", "2022-09-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择本站所在单位上下级范围内的社工"));
    let r = app.post(&staff, &[("post", "volunteer"), ("from_on", "2022-09-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择社工或填写姓名"));
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM station_staff WHERE station_id = {id}")).await, 0);
    let r = app.post(&staff, &[("worker_id", &own_worker), ("post", "head"), ("from_on", "2022-09-01")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post(&staff, &[("worker_id", &own_worker), ("post", "full_time"), ("from_on", "2022-09-02")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "already at the station");
    // A double submit of the same form adds the volunteer once.
    for _ in 0..2 {
        let r = app
            .post(
                &staff,
                &[("name", "热心居民"), ("post", "volunteer"), ("from_on", "2022-09-01"), ("_nonce", "staff-1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM station_staff WHERE station_id = {id} AND name = '热心居民'")).await,
        1
    );
    let sid = app
        .scalar(&format!("SELECT id FROM station_staff WHERE station_id = {id} AND worker_id = {own_worker}"))
        .await
        .to_string();
    let end = format!("/stations/{id}/staff/end");
    let r = app.post(&end, &[("staff_id", &sid), ("to_on", "2022-08-31")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "before the start");
    let r = app.post(&end, &[("staff_id", &sid), ("to_on", "2022-12-31")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The audit row holds the person's record before and after, not a hand-made fragment.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'end_staff' AND entity_id = '{id}' \
             AND before_json LIKE '%\"post\":\"head\"%' AND before_json LIKE '%\"to_on\":null%' AND after_json LIKE '%2022-12-31%'"
        ))
        .await,
        1
    );
    assert_eq!(app.post(&end, &[("staff_id", &sid), ("to_on", "2022-12-31")]).await.status, StatusCode::BAD_REQUEST);
    let (_, api) = app.api("GET", "/api/v1/stations", Some(&app.token_for("bureau").await), None).await;
    let row =
        api["items"].as_array().and_then(|i| i.iter().find(|s| s["id"] == json!(id))).cloned().unwrap_or_default();
    assert_eq!(row["staff"], json!(1), "the volunteer only: the head has left");
    assert_eq!(row["org_covered"], json!(true));
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND entity_id = '{id}' AND action IN ('add_staff', 'end_staff')")).await,
        3
    );
});

both_backends!(station_edits_are_locked_and_audited, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let id = station_id(&app, "/320583/jinxi/").await;
    let phone = text(&app, &format!("SELECT phone FROM stations WHERE id = {id}")).await;
    let instructor = text(&app, &format!("SELECT party_instructor FROM stations WHERE id = {id}")).await;
    assert!(!instructor.is_empty());
    let edit = app.get(&format!("/stations/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(!edit.body.contains(&phone), "the number on record is not sent to the browser");
    // Drop the branch and the instructor: the town tier loses its full coverage.
    let form = [
        ("name", "锦溪镇社工站"),
        ("address", "锦溪镇长寿路8号"),
        ("party_org_id", ""),
        ("party_instructor", ""),
        ("version", "1"),
    ];
    let r = app.post(&format!("/stations/{id}"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM stations WHERE id = {id} AND version = 2 AND phone = '{phone}' AND party_org_id IS NULL AND address = '锦溪镇长寿路8号'")).await,
        1,
        "an empty phone keeps the number"
    );
    // The same form again carries a stale version: 409, nothing changes.
    let stale = [("name", "锦溪镇社工站（旧）"), ("party_org_id", ""), ("party_instructor", "某人"), ("version", "1")];
    let r = app.post(&format!("/stations/{id}"), &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM stations WHERE id = {id} AND name = '锦溪镇社工站' AND version = 2"))
            .await,
        1
    );
    // One audit row with before and after, phones masked.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND action = 'update'").await, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND action = 'update' AND entity_id = '{id}' \
             AND before_json LIKE '%\"party_instructor\":\"{instructor}\"%' AND after_json LIKE '%\"party_instructor\":\"\"%' \
             AND after_json LIKE '%\"party_org_id\":null%' AND after_json LIKE '%长寿路%'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND (before_json LIKE '%{phone}%' OR after_json LIKE '%{phone}%')")).await,
        0
    );
    let (_, api) = app.api("GET", "/api/v1/stations", Some(&app.token_for("bureau").await), None).await;
    assert_eq!(tier_of(&api, "town").2, 10);
    assert_eq!(tier_of(&api, "town").3, 10);
    assert_eq!(api["tiers"][1]["org_rate"], json!(90.9));
    // A version that is not a number is a bad request, not a crash.
    assert_eq!(
        app.post(&format!("/stations/{id}"), &[("name", "x站点"), ("version", "v")]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty(), "the audit chain holds");
});

both_backends!(station_photos_are_served_within_scope, |mut app: TestApp| async move {
    app.login_ok("station").await;
    let own = station_id(&app, "/320583/zhoushi/").await;
    let png = crate::helpers::png(40, 30);
    let r = app.upload(&format!("/stations/{own}/photos"), "站点外景.png", &png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.upload(&format!("/stations/{own}/photos"), "x.html", b"<html>").await.status,
        StatusCode::BAD_REQUEST
    );
    let photo = app.scalar("SELECT id FROM attachments WHERE entity = 'station'").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM attachments WHERE entity = 'station'").await, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'station' AND action = 'attach' AND entity_id = '{own}'"
        ))
        .await,
        1
    );
    let (s, bytes) = app.get_bytes(&format!("/attachments/{photo}")).await;
    assert_eq!((s, bytes.as_slice()), (StatusCode::OK, &png[..]));
    assert!(app.get(&format!("/stations/{own}")).await.body.contains(&format!("/attachments/{photo}")));
    // A photo of another town's station, uploaded by the Bureau, is not served to 周市's manager.
    app.logout().await;
    app.login_ok("bureau").await;
    let other = station_id(&app, "/320583/zhouzhuang/").await;
    assert_eq!(app.upload(&format!("/stations/{other}/photos"), "周庄.png", &png).await.status, StatusCode::SEE_OTHER);
    let other_photo = app.scalar("SELECT MAX(id) FROM attachments WHERE entity = 'station'").await;
    assert_eq!(app.get(&format!("/attachments/{photo}")).await.status, StatusCode::OK);
    app.logout().await;
    app.login_ok("station").await;
    assert_eq!(app.get(&format!("/attachments/{other_photo}")).await.status, StatusCode::NOT_FOUND);
    // Roles without station rights get nothing, even in their own town.
    app.logout().await;
    app.login_ok("worker").await;
    assert_eq!(app.get(&format!("/attachments/{photo}")).await.status, StatusCode::NOT_FOUND);
});
