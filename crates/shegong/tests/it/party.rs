//! Action plans: domains and modes as data, activities, the heat table.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::{between, TestApp};

both_backends!(action_plan_heat_table_and_activities, |mut app: TestApp| async move {
    let reg = shegong::demo::orgs::generate(1);
    let in_plan = reg.party_orgs.iter().filter(|p| p.in_action_plan).count();
    app.login_ok("party").await;
    let plan = app.scalar("SELECT MIN(id) FROM action_plans").await;
    let page = app.get(&format!("/party/plans/{plan}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("data-key=\"plan.participants\"><span class=\"figure-value\">{in_plan}</span>")),
        "participants = the register's plan members"
    );
    let activities = app.scalar(&format!("SELECT COUNT(*) FROM plan_activities WHERE plan_id = {plan}")).await;
    assert!(page
        .body
        .contains(&format!("data-key=\"plan.activities\"><span class=\"figure-value\">{activities}</span>")));
    for d in shegong::demo::plan::DOMAINS.iter().chain(shegong::demo::plan::MODES.iter()) {
        assert!(page.body.contains(d), "{d} in the heat table");
    }
    // One cell of the heat table, before and after a new activity.
    let domain = app.scalar(&format!("SELECT id FROM plan_domains WHERE plan_id = {plan} AND name = '红色赋能'")).await;
    let mode = app.scalar(&format!("SELECT id FROM plan_modes WHERE plan_id = {plan} AND name = '联建'")).await;
    let cell_q = format!("SELECT COUNT(*) FROM plan_activities WHERE domain_id = {domain} AND mode_id = {mode}");
    let before = app.scalar(&cell_q).await;
    let party_name = "测试不存在的党支部";
    let unit = app.unit_id("/320583/").await.to_string();
    let form = |names: &'static str| {
        vec![
            ("title", "红色阵地共建（测试）".to_string()),
            ("held_on", "2022-07-01".into()),
            ("domain_id", domain.to_string()),
            ("mode_id", mode.to_string()),
            ("unit_id", unit.clone()),
            ("participants", "45".into()),
            ("party_orgs", names.to_string()),
        ]
    };
    let bad = form("测试不存在的党支部");
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&format!("/party/plans/{plan}/activities"), &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{party_name} is not registered");
    let real: String = {
        let name_row = sea_orm::ConnectionTrait::query_one(
            &app.db.conn,
            sea_orm::Statement::from_string(app.db.backend(), "SELECT name FROM party_orgs ORDER BY id LIMIT 1"),
        )
        .await
        .expect("q")
        .expect("row");
        name_row.try_get_by_index::<String>(0).expect("name")
    };
    let good: Vec<(&str, String)> =
        form("").into_iter().map(|(k, v)| if k == "party_orgs" { (k, real.clone()) } else { (k, v) }).collect();
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&format!("/party/plans/{plan}/activities"), &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar(&cell_q).await, before + 1);
    // A new plan: its domains and modes are whatever the form says.
    let r = app
        .post(
            "/party/plans",
            &[
                ("title", "红色领航行动"),
                ("year", "2023"),
                ("domains", "乡村振兴\n社区治理"),
                ("modes", "结对\n共建\n共享"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let new_plan = app.scalar("SELECT MAX(id) FROM action_plans").await;
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM plan_modes WHERE plan_id = {new_plan}")).await, 3);
    // Read-only roles see the plan but cannot add to it.
    app.logout().await;
    app.login_ok("leader").await;
    assert_eq!(app.get(&format!("/party/plans/{plan}")).await.status, StatusCode::OK);
    assert_eq!(app.post(&format!("/party/plans/{plan}/activities"), &pairs).await.status, StatusCode::FORBIDDEN);
});

both_backends!(party_exports_and_activity_photos, |mut app: TestApp| async move {
    app.login_ok("party").await;
    let plan = app.scalar("SELECT MIN(id) FROM action_plans").await;
    let r = app.get(&format!("/party/plans/{plan}/export.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("spreadsheetml")));
    let r = app.get("/party/orgs/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    let activity = app.scalar(&format!("SELECT MIN(id) FROM plan_activities WHERE plan_id = {plan}")).await;
    let png = crate::helpers::png(40, 30);
    let r = app.upload(&format!("/party/activities/{activity}/photos"), "联学.png", &png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/party/activities/{activity}"), "back on the activity");
    let id = app.scalar("SELECT id FROM attachments WHERE entity = 'plan_activity'").await;
    assert_eq!(app.get(&format!("/attachments/{id}")).await.status, StatusCode::OK);
    // Readers without party rights cannot fetch it.
    app.logout().await;
    app.login_ok("worker").await;
    assert_eq!(app.get(&format!("/attachments/{id}")).await.status, StatusCode::NOT_FOUND);
});

both_backends!(party_org_and_activity_imports_are_all_or_nothing, |mut app: TestApp| async move {
    use shegong::platform::xlsx::{write, Cell};
    app.login_ok("party").await;
    // Two normal organisations of 陆家 without Party organisations, registered before 2022.
    let codes: Vec<String> = {
        let rows = sea_orm::ConnectionTrait::query_all(
            &app.db.conn,
            sea_orm::Statement::from_string(
                app.db.backend(),
                "SELECT o.credit_code FROM organisations o JOIN org_units u ON u.id = o.unit_id WHERE u.path = '/320583/lujia/' AND o.status = 'normal' AND o.registered_on < '2021-01-01' ORDER BY o.id LIMIT 3",
            ),
        )
        .await
        .expect("q");
        rows.iter().map(|r| r.try_get_by_index::<String>(0).expect("code")).collect()
    };
    assert_eq!(codes.len(), 3);
    let date = chrono::NaiveDate::from_ymd_opt(2022, 5, 4).expect("date");
    let row = |name: &str, kind: &'static str, codes: String| {
        vec![
            Cell::Text(name.into()),
            Cell::Enum(kind),
            Cell::Text("/320583/lujia/".into()),
            Cell::Int(8),
            Cell::Text("李书记".into()),
            Cell::Date(date),
            Cell::Text(codes),
            Cell::Enum("yes"),
        ]
    };
    let cols = shegong::orgs::import::PARTY_COLUMNS;
    let bad = write(
        cols,
        &[
            row("导入测试党支部", "branch", format!("{};{}", codes[0], codes[1])),
            row("导入测试联合党支部", "joint_branch", codes[2].clone()),
        ],
    )
    .expect("xlsx");
    let before = app.scalar("SELECT COUNT(*) FROM party_orgs").await;
    let r = app.upload("/party/orgs/import", "p.xlsx", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("本组织党组织应覆盖且只覆盖1个组织") && r.body.contains("联合党支部至少覆盖2个组织"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM party_orgs").await, before);
    let good = write(
        cols,
        &[
            row("导入测试党支部", "branch", codes[0].clone()),
            row("导入测试联合党支部", "joint_branch", format!("{}; {}", codes[1], codes[2])),
        ],
    )
    .expect("xlsx");
    let r = app.upload("/party/orgs/import", "p.xlsx", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM party_orgs").await, before + 2);
    // Activities naming those Party organisations.
    let plan = app.scalar("SELECT MIN(id) FROM action_plans").await;
    let act = |title: &str, domain: &str, names: &str| {
        vec![
            Cell::Text(title.into()),
            Cell::Date(date),
            Cell::Text(domain.into()),
            Cell::Text("联学".into()),
            Cell::Text("/320583/lujia/".into()),
            Cell::Int(30),
            Cell::Text(names.into()),
            Cell::Empty,
        ]
    };
    let cols = shegong::party::import::COLUMNS;
    let bad = write(
        cols,
        &[act("导入联学一", "社会治理", "导入测试党支部"), act("导入联学二", "不存在的领域", "查无此支部")],
    )
    .expect("xlsx");
    let n = app.scalar("SELECT COUNT(*) FROM plan_activities").await;
    let r = app.upload(&format!("/party/plans/{plan}/import"), "a.xlsx", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM plan_activities").await, n);
    let good = write(
        cols,
        &[
            act("导入联学一", "社会治理", "导入测试党支部；导入测试联合党支部"),
            act("导入联学二", "公益活动", "导入测试联合党支部"),
        ],
    )
    .expect("xlsx");
    let r = app.upload(&format!("/party/plans/{plan}/import"), "a.xlsx", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM plan_activities").await, n + 2);
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty());
});

both_backends!(plan_activities_are_paged_and_photos_are_added_on_the_activity, |mut app: TestApp| async move {
    app.login_ok("party").await;
    let plan = app.scalar("SELECT MIN(id) FROM action_plans").await;
    let total = app.scalar(&format!("SELECT COUNT(*) FROM plan_activities WHERE plan_id = {plan}")).await;
    assert!(total > 20, "the demo plan has more activities than a page");
    let page = app.get(&format!("/party/plans/{plan}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page.body.split("id=\"activities\"").nth(1).expect("the activities table");
    let rows = |body: &str| between(body, "<a href=\"/party/activities/", "\"").len() as i64;
    assert_eq!(rows(table) as u64, shegong::platform::paging::DEFAULT_PER_PAGE, "one page of activities");
    assert!(!page.body.contains("type=\"file\""), "no upload control on the plan's page");
    assert!(page.body.contains("rel=\"next\""), "the shared pager");
    let last = app.get(&format!("/party/plans/{plan}?page={}&per_page=50", (total + 49) / 50)).await;
    let on_last = last.body.split("id=\"activities\"").nth(1).map(rows).unwrap_or(0);
    assert_eq!(on_last, total - 50 * ((total + 49) / 50 - 1), "the last page holds the rest");
    // The activity's own page: its facts, its Party organisations, its photos and the upload.
    let activity = app.scalar(&format!("SELECT MAX(id) FROM plan_activities WHERE plan_id = {plan}")).await;
    let detail = app.get(&format!("/party/activities/{activity}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let orgs: Vec<String> = sea_orm::ConnectionTrait::query_all(
        &app.db.conn,
        sea_orm::Statement::from_string(
            app.db.backend(),
            format!("SELECT o.name FROM plan_activity_party_orgs x JOIN party_orgs o ON o.id = x.party_org_id WHERE x.activity_id = {activity}"),
        ),
    )
    .await
    .expect("q")
    .iter()
    .map(|r| r.try_get_by_index::<String>(0).expect("name"))
    .collect();
    assert!(!orgs.is_empty());
    for name in &orgs {
        assert!(detail.body.contains(name.as_str()), "{name}");
    }
    assert!(detail.body.contains(&format!("action=\"/party/activities/{activity}/photos\"")));
    // Readers see the page without the upload; a missing activity is a 404.
    app.logout().await;
    app.login_ok("leader").await;
    let read = app.get(&format!("/party/activities/{activity}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("type=\"file\""));
    assert_eq!(app.get("/party/activities/999999").await.status, StatusCode::NOT_FOUND);
});

/// The station manager's scope (周市): records outside it are refused.
const OUTSIDE_ZHOUSHI: &str = "u.path NOT LIKE '/320583/zhoushi/%'";

both_backends!(party_organisations_have_a_page_and_an_edit_form, |mut app: TestApp| async move {
    let id = app.scalar("SELECT MIN(id) FROM party_orgs WHERE kind = 'branch'").await;
    let name = app.text(&format!("SELECT name FROM party_orgs WHERE id = {id}")).await;
    let outside = app
        .scalar(&format!(
            "SELECT MIN(p.id) FROM party_orgs p JOIN org_units u ON u.id = p.unit_id WHERE {OUTSIDE_ZHOUSHI}"
        ))
        .await;
    let s = |v: &str| v.to_string();
    crate::helpers::check_edit(
        &mut app,
        crate::helpers::EditCase {
            page: format!("/party/orgs/{id}"),
            list: format!("/party/orgs?{}", serde_urlencoded::to_string([("q", name.as_str())]).expect("query")),
            table: "party_orgs",
            entity: "party_org",
            id,
            good: vec![
                ("name", name.clone()),
                ("kind", s("general_branch")),
                ("members", s("12")),
                ("secretary", s("王更正")),
                ("established_on", s("2020-01-01")),
                ("in_action_plan", s("yes")),
            ],
            saved: format!(
                "SELECT COUNT(*) FROM party_orgs WHERE id = {id} AND kind = 'general_branch' AND members = 12 \
                 AND secretary = '王更正' AND in_action_plan = TRUE AND dissolved_on IS NULL"
            ),
            bad: vec![
                ("name", name.clone()),
                ("kind", s("branch")),
                ("members", s("2")),
                ("secretary", s("李保留")),
                ("established_on", s("2020-01-01")),
            ],
            message: "党员人数应为3以上的整数",
            kept: "李保留",
            outside,
        },
    )
    .await;
    // A joint branch stays one; dissolving is a dated correction, not a deletion.
    app.login_ok("bureau").await;
    let joint = app.scalar("SELECT MIN(id) FROM party_orgs WHERE kind = 'joint_branch'").await;
    let covered = app.scalar(&format!("SELECT COUNT(*) FROM party_org_members WHERE party_org_id = {joint}")).await;
    let page = app.get(&format!("/party/orgs/{joint}")).await.body;
    assert_eq!(
        crate::helpers::between(&page, "<tr><td><a href=\"/orgs/", "\"").len() as i64,
        covered,
        "the page lists every covered organisation"
    );
    let v = app.scalar(&format!("SELECT version FROM party_orgs WHERE id = {joint}")).await.to_string();
    let joint_name = app.text(&format!("SELECT name FROM party_orgs WHERE id = {joint}")).await;
    let form = |kind: &'static str, dissolved: &'static str| {
        vec![
            ("name", joint_name.clone()),
            ("kind", kind.to_string()),
            ("members", "9".to_string()),
            ("established_on", "2019-06-01".to_string()),
            ("dissolved_on", dissolved.to_string()),
            ("version", v.clone()),
        ]
    };
    for (kind, dissolved, message) in [
        ("branch", "", "党组织类型无效"),
        ("joint_branch", "2019-05-31", "撤销日期无效"),
        ("joint_branch", "2099-01-01", "撤销日期无效"),
    ] {
        let f = form(kind, dissolved);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post(&format!("/party/orgs/{joint}"), &pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind} {dissolved}");
        assert!(r.body.contains(message), "{kind} {dissolved}: {message}");
    }
    let f = form("joint_branch", "2022-10-01");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&format!("/party/orgs/{joint}"), &pairs).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM party_orgs WHERE id = {joint} AND kind = 'joint_branch' AND dissolved_on = '2022-10-01'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM party_org_members WHERE party_org_id = {joint}")).await,
        covered,
        "the covered organisations stay"
    );
});

both_backends!(instructors_have_a_page_and_an_edit_form, |mut app: TestApp| async move {
    let id = app.scalar("SELECT MIN(id) FROM party_instructors").await;
    let org = app.scalar(&format!("SELECT organisation_id FROM party_instructors WHERE id = {id}")).await;
    let outside = app
        .scalar(&format!(
            "SELECT MIN(i.id) FROM party_instructors i JOIN organisations o ON o.id = i.organisation_id \
             JOIN org_units u ON u.id = o.unit_id WHERE {OUTSIDE_ZHOUSHI}"
        ))
        .await;
    let s = |v: &str| v.to_string();
    crate::helpers::check_edit(
        &mut app,
        crate::helpers::EditCase {
            page: format!("/party/instructors/{id}"),
            list: format!("/orgs/{org}"),
            table: "party_instructors",
            entity: "party_instructor",
            id,
            good: vec![("name", s("张更正")), ("assigned_on", s("2021-03-01")), ("ended_on", s("2022-06-30"))],
            saved: format!(
                "SELECT COUNT(*) FROM party_instructors WHERE id = {id} AND name = '张更正' \
                 AND assigned_on = '2021-03-01' AND ended_on = '2022-06-30'"
            ),
            bad: vec![("name", s("张更正")), ("assigned_on", s("2021-03-01")), ("ended_on", s("2020-01-01"))],
            message: "结束日期无效（不能早于选派日期，不能晚于今天）",
            kept: "2020-01-01",
            outside,
        },
    )
    .await;
    // An empty assignment date is missing, not wrong.
    app.login_ok("bureau").await;
    let v = app.scalar(&format!("SELECT version FROM party_instructors WHERE id = {id}")).await.to_string();
    let r = app
        .post(&format!("/party/instructors/{id}"), &[("name", "张更正"), ("assigned_on", ""), ("version", v.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("此项为必填") && !r.body.contains("选派日期无效"), "{}", r.body);
});
