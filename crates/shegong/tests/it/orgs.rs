//! The social-organisation registry and the two coverages.

use axum::http::StatusCode;
use cncodes::CreditCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{between, has_cjk, TestApp};

/// A valid code of the given type character ('1' group, '2' service institution, '3' foundation)
/// in Kunshan (320583) with a distinguishing serial.
fn code(t: char, serial: u32) -> String {
    CreditCode::complete(&format!("5{t}320583MJ{serial:07}")).expect("valid code").as_str().to_string()
}

async fn register(
    app: &mut TestApp,
    unit: &str,
    code: &str,
    name: &str,
    t: &str,
    registered: &str,
) -> axum::http::StatusCode {
    app.post(
        "/orgs",
        &[
            ("credit_code", code),
            ("name", name),
            ("org_type", t),
            ("unit_id", unit),
            ("registered_on", registered),
            ("contact_phone", "13912345678"),
        ],
    )
    .await
    .status
}

both_backends!(registry_validates_codes_and_flags_duplicates, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let good = code('1', 1);
    let r = app
        .post(
            "/orgs",
            &[
                ("credit_code", &good),
                ("name", "昆山市周市镇测试协会"),
                ("org_type", "social_group"),
                ("unit_id", &zhoushi),
                ("registered_on", "2015/3/8"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.scalar(&format!("SELECT id FROM organisations WHERE credit_code = '{good}'")).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM organisation_changes WHERE organisation_id = {id} AND kind = 'establish'"
        ))
        .await,
        1
    );
    // A wrong check character: the message names it.
    let mut bad = code('1', 2);
    let last = bad.pop().expect("char");
    bad.push(if last == '0' { '1' } else { '0' });
    let r = app
        .post(
            "/orgs",
            &[
                ("credit_code", &bad),
                ("name", "错误代码协会"),
                ("org_type", "social_group"),
                ("unit_id", &zhoushi),
                ("registered_on", "2015-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("校验位（最后一位）应为"), "which character is wrong");
    // Type character and type must agree; the division must be Kunshan's.
    let r = app
        .post(
            "/orgs",
            &[
                ("credit_code", &code('2', 3)),
                ("name", "类型不符协会"),
                ("org_type", "social_group"),
                ("unit_id", &zhoushi),
                ("registered_on", "2015-01-01"),
            ],
        )
        .await;
    assert!(r.body.contains("第2位与所选类型不一致"));
    let taicang = CreditCode::complete("51320585MJ0000004").expect("code").as_str().to_string();
    let r = app
        .post(
            "/orgs",
            &[
                ("credit_code", &taicang),
                ("name", "外地协会"),
                ("org_type", "social_group"),
                ("unit_id", &zhoushi),
                ("registered_on", "2015-01-01"),
            ],
        )
        .await;
    assert!(r.body.contains("不在所选单位范围内"), "division 320585 is not Kunshan");
    // The same code twice is refused.
    let r = app
        .post(
            "/orgs",
            &[
                ("credit_code", &good),
                ("name", "另一个名字"),
                ("org_type", "social_group"),
                ("unit_id", &zhoushi),
                ("registered_on", "2015-01-01"),
            ],
        )
        .await;
    assert!(r.body.contains("该统一社会信用代码已登记"));
    // A similar name is flagged before saving; a deliberate override is saved and audited.
    let form = [
        ("credit_code", code('1', 5)),
        ("name", "周市镇测试协会".to_string()),
        ("org_type", "social_group".into()),
        ("unit_id", zhoushi.clone()),
        ("registered_on", "2016-01-01".into()),
    ];
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post("/orgs", &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"duplicates\"") && r.body.contains("昆山市周市镇测试协会"));
    let mut with_override = pairs.clone();
    with_override.push(("not_duplicate", "yes"));
    assert_eq!(app.post("/orgs", &with_override).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'organisation' AND action = 'create' AND before_json LIKE '%duplicate_override%'").await, 1);
});

both_backends!(edits_are_dated_changes_and_status_is_never_deleted, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let c = code('2', 10);
    assert_eq!(
        register(&mut app, &zhoushi, &c, "昆山市周市镇阳光社工服务社", "service_institution", "2018-05-01").await,
        StatusCode::SEE_OTHER
    );
    let id = app.scalar(&format!("SELECT id FROM organisations WHERE credit_code = '{c}'")).await;
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM organisations WHERE id = {id} AND is_agency = TRUE")).await,
        0,
        "the name does not decide: without the box a 社工 service institution is no agency"
    );
    let edit = [
        ("credit_code", c.as_str()),
        ("name", "昆山市周市镇阳光社会工作服务中心"),
        ("org_type", "service_institution"),
        ("unit_id", &zhoushi),
        ("registered_on", "2018-05-01"),
        ("address", "周市镇青阳北路1号"),
        ("changed_on", "2022-03-01"),
        ("version", "1"),
    ];
    let r = app.post(&format!("/orgs/{id}"), &edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM organisation_changes WHERE organisation_id = {id} AND kind = 'name' AND changed_on = '2022-03-01'")).await, 1);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM organisations WHERE id = {id} AND contact_phone = '13912345678'"))
            .await,
        1,
        "an empty phone field keeps the number"
    );
    assert_eq!(app.post(&format!("/orgs/{id}"), &edit).await.status, StatusCode::CONFLICT, "stale version");
    let r = app
        .post(
            &format!("/orgs/{id}/status"),
            &[("status", "deregistered"), ("status_on", "2022-10-01"), ("note", "自行解散"), ("version", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM organisations WHERE id = {id} AND status = 'deregistered'")).await,
        1
    );
    let detail = app.get(&format!("/orgs/{id}")).await;
    assert!(detail.body.contains("名称变更") && detail.body.contains("登记状态") && detail.body.contains("自行解散"));
    let list = app.get("/orgs?status=deregistered").await;
    assert!(list.body.contains("阳光社会工作服务中心"));
});

both_backends!(phones_are_masked_and_reveals_audited, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let c = code('1', 20);
    register(&mut app, &zhoushi, &c, "昆山市周市镇书法协会", "social_group", "2010-01-01").await;
    let id = app.scalar(&format!("SELECT id FROM organisations WHERE credit_code = '{c}'")).await;
    for page in [format!("/orgs/{id}"), "/orgs?q=书法".to_string(), format!("/orgs/{id}/edit")] {
        let body = app.get(&page).await.body;
        assert!(!body.contains("13912345678"), "{page} shows the full number");
    }
    assert!(app.get(&format!("/orgs/{id}")).await.body.contains("139****5678"));
    let token = app.token_for("bureau").await;
    let (_, j) = app.api("GET", &format!("/api/v1/orgs/{id}"), Some(&token), None).await;
    assert_eq!(j["contact_phone_masked"], "139****5678");
    assert!(!j.to_string().contains("13912345678"), "the API never sends the number");
    let r = app.post(&format!("/orgs/{id}/reveal"), &[]).await;
    assert!(r.body.contains("13912345678"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND entity = 'organisation'").await,
        1
    );
    app.logout().await;
    app.login_ok("station").await;
    assert_eq!(app.post(&format!("/orgs/{id}/reveal"), &[]).await.status, StatusCode::FORBIDDEN);
});

both_backends!(station_manager_sees_own_town_only, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let kfq = app.unit_id("/320583/kaifaqu/").await.to_string();
    register(&mut app, &zhoushi, &code('1', 30), "昆山市周市镇甲协会", "social_group", "2012-01-01").await;
    register(&mut app, &kfq, &code('1', 31), "昆山开发区乙协会", "social_group", "2012-01-01").await;
    app.logout().await;
    app.login_ok("station").await;
    assert!(app.get("/orgs?q=甲协会").await.body.contains("周市镇甲协会"));
    let other_list = app.get("/orgs?q=乙协会").await;
    assert!(!other_list.body.contains("开发区乙协会") && other_list.body.contains("共 0 条"));
    let other = app.scalar("SELECT id FROM organisations WHERE name = '昆山开发区乙协会'").await;
    assert_eq!(app.get(&format!("/orgs/{other}")).await.status, StatusCode::NOT_FOUND);
    let token = app.token_for("station").await;
    let (s, _) = app.api("GET", &format!("/api/v1/orgs/{other}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both_backends!(two_coverages_on_any_date, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let city = app.unit_id("/320583/").await.to_string();
    app.post(
        "/units",
        &[
            ("parent_id", &city),
            ("code", "testtown"),
            ("name", "测试镇"),
            ("kind", "town"),
            ("division_code", "320583199"),
        ],
    )
    .await;
    let town = app.unit_id("/320583/testtown/").await.to_string();
    app.post("/units", &[("parent_id", &town), ("code", "c1"), ("name", "一村"), ("kind", "village")]).await;
    let village = app.unit_id("/320583/testtown/c1/").await.to_string();
    app.logout().await;
    app.login_ok("bureau").await;
    let names = ["甲", "乙", "丙", "丁", "戊", "己"];
    for (i, n) in names.iter().enumerate() {
        let unit = if i == 5 { &village } else { &town };
        let registered = if i == 4 { "2022-08-01" } else { "2015-01-01" };
        assert_eq!(
            register(&mut app, unit, &code('1', 100 + i as u32), &format!("测试镇{n}协会"), "social_group", registered)
                .await,
            StatusCode::SEE_OTHER
        );
    }
    let a = app.scalar("SELECT id FROM organisations WHERE name = '测试镇甲协会'").await;
    let d = app.scalar("SELECT id FROM organisations WHERE name = '测试镇丁协会'").await;
    app.logout().await;
    app.login_ok("party").await;
    // 甲: own branch from 2020; 乙+丙: joint branch from 2021; 丁: instructor from 2022-01-01.
    let r = app
        .post(
            &format!("/orgs/{a}/party"),
            &[
                ("name", "测试镇甲协会党支部"),
                ("kind", "branch"),
                ("members", "5"),
                ("established_on", "2020-06-01"),
                ("in_action_plan", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let code_b = code('1', 101);
    let code_c = code('1', 102);
    let r = app
        .post(
            "/party/orgs",
            &[
                ("name", "测试镇社会组织联合党支部"),
                ("unit_id", &town),
                ("members", "12"),
                ("established_on", "2021-03-01"),
                ("codes", &format!("{code_b}\n{code_c}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.post(&format!("/orgs/{d}/instructors"), &[("name", "王指导"), ("assigned_on", "2022-01-01")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A joint branch needs organisations of its unit: 己 is in a village below, which counts; a Zhoushi org would not.
    let r = app
        .post(
            "/party/orgs",
            &[
                ("name", "错误联合党支部"),
                ("unit_id", &town),
                ("members", "5"),
                ("established_on", "2021-03-01"),
                ("codes", &code('1', 101)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "at least two organisations");
    let token = app.token_for("party").await;
    let (s, cov) = app.api("GET", &format!("/api/v1/coverage?unit={town}&on=2022-12-31"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{cov}");
    assert_eq!(cov["counts"], json!({"total": 6, "own": 1, "joint_only": 2, "org_covered": 3, "work_covered": 4}));
    assert_eq!(cov["org_rate"], json!(50.0));
    assert_eq!(cov["work_rate"], json!(66.7));
    // One line for the town itself and one for the village below it.
    assert_eq!(cov["lines"].as_array().map(|l| l.len()), Some(2));
    // Earlier dates: 戊 did not exist yet, the joint branch and instructor neither.
    let (_, cov) = app.api("GET", &format!("/api/v1/coverage?unit={town}&on=2020-12-31"), Some(&token), None).await;
    assert_eq!(cov["counts"], json!({"total": 5, "own": 1, "joint_only": 0, "org_covered": 1, "work_covered": 1}));
    // A deregistered organisation leaves the count from its deregistration date on.
    app.logout().await;
    app.login_ok("bureau").await;
    app.post(
        &format!("/orgs/{d}/status"),
        &[("status", "deregistered"), ("status_on", "2022-11-01"), ("version", "1")],
    )
    .await;
    let (_, cov) = app.api("GET", &format!("/api/v1/coverage?unit={town}&on=2022-12-31"), Some(&token), None).await;
    assert_eq!(cov["counts"]["total"], json!(5));
    assert_eq!(cov["counts"]["work_covered"], json!(3));
    let (_, cov) = app.api("GET", &format!("/api/v1/coverage?unit={town}&on=2022-10-31"), Some(&token), None).await;
    assert_eq!(cov["counts"]["total"], json!(6));
    // The page shows the same numbers and a chart.
    let page = app.get(&format!("/party/coverage?unit={town}&on=2022-12-31")).await;
    assert!(page.body.contains("<svg") && page.body.contains("测试镇"));
});

both_backends!(demo_figures_match_the_generated_register, |mut app: TestApp| async move {
    // Expected values computed from the generator itself, independently of the SQL.
    let reg = shegong::demo::orgs::generate(1);
    let end = (2022, 12, 31);
    let active: Vec<usize> = (0..reg.orgs.len())
        .filter(|i| {
            reg.orgs[*i].registered_on <= end
                && (reg.orgs[*i].status == "normal" || reg.orgs[*i].status_on.is_some_and(|d| d > end))
        })
        .collect();
    let has_party = |i: usize| reg.party_orgs.iter().any(|p| p.organisations.contains(&i) && p.established_on <= end);
    let has_instr = |i: usize| reg.instructors.iter().any(|x| x.organisation == i && x.assigned_on <= end);
    let org_cov = active.iter().filter(|i| has_party(**i)).count();
    let work_cov = active.iter().filter(|i| has_party(**i) || has_instr(**i)).count();
    assert_eq!(reg.orgs.len(), 1500);
    assert!(
        reg.party_orgs.iter().filter(|p| p.in_action_plan).count() >= 100,
        "百余家 Party organisations in 五争五引领"
    );
    let token = app.token_for("party").await;
    let (s, cov) = app.api("GET", "/api/v1/coverage?on=2022-12-31", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cov["counts"]["total"], json!(active.len()));
    assert_eq!(cov["counts"]["org_covered"], json!(org_cov));
    assert_eq!(cov["counts"]["work_covered"], json!(work_cov));
    assert_eq!(cov["lines"].as_array().map(|l| l.len()), Some(12), "the city level and the 11 districts/towns");
    // The dashboard shows the same figures.
    app.login_ok("party").await;
    let home = app.get("/").await;
    let in_plan = reg.party_orgs.iter().filter(|p| p.in_action_plan).count();
    let tile =
        home.body.split("data-key=\"party.action_plan_orgs\" href=\"/party/orgs?in_plan=yes").nth(1).expect("tile");
    assert!(
        tile.split("</a>")
            .next()
            .is_some_and(|t| t.contains(&format!("<span class=\"figure-value\">{in_plan}</span>"))),
        "dashboard shows {in_plan} in the action plan"
    );
    // The committee: the Bureau and 9 industry departments.
    let committee = app.get("/party/committee").await;
    assert!(committee.body.contains("<span class=\"figure-value\">1</span><span class=\"figure-label\">牵头单位"));
    assert!(committee.body.contains("<span class=\"figure-value\">9</span><span class=\"figure-label\">成员行业部门"));
    // The station manager's coverage is 周市's alone.
    let zhoushi_active = active.iter().filter(|i| reg.orgs[**i].town == Some("zhoushi")).count();
    let st = app.token_for("station").await;
    let (_, cov) = app.api("GET", "/api/v1/coverage?on=2022-12-31", Some(&st), None).await;
    assert_eq!(cov["counts"]["total"], json!(zhoushi_active));
});

fn org_row(code: &str, name: &str, unit: &str, dept: &str) -> Vec<shegong::platform::xlsx::Cell> {
    use shegong::platform::xlsx::Cell;
    vec![
        Cell::Text(code.into()),
        Cell::Text(name.into()),
        Cell::Enum("social_group"),
        Cell::Text(unit.into()),
        Cell::Text(dept.into()),
        Cell::Date(chrono::NaiveDate::from_ymd_opt(2020, 5, 1).expect("date")),
        Cell::Enum("normal"),
        Cell::Empty,
        Cell::Empty,
        Cell::Text("昆山市".into()),
        Cell::Text("张三".into()),
        Cell::Text("13900001234".into()),
    ]
}

both_backends!(xlsx_import_of_organisations_is_all_or_nothing, |mut app: TestApp| async move {
    use shegong::orgs::import::XLSX_COLUMNS;
    app.login_ok("bureau").await;
    let before = app.scalar("SELECT COUNT(*) FROM organisations").await;
    let good1 = code('1', 7001);
    let good2 = code('1', 7002);
    let mut bad = code('1', 7003);
    bad.pop();
    bad.push('Z');
    let rows = vec![
        org_row(&good1, "昆山市导入测试一协会", "/320583/zhoushi/", "昆山市民政局"),
        org_row(&good2, "昆山市导入测试二协会", "/320583/zhoushi", ""),
        org_row(&bad, "昆山市导入测试三协会", "/320583/nowhere/", "不存在的局"),
    ];
    let file = shegong::platform::xlsx::write(XLSX_COLUMNS, &rows).expect("xlsx");
    let r = app.upload("/orgs/import", "orgs.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for needle in ["<td class=\"num\">4</td>", "所属单位路径", "业务主管单位", "统一社会信用代码"] {
        assert!(r.body.contains(needle), "{needle} missing from the report");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM organisations").await, before);
    let file = shegong::platform::xlsx::write(XLSX_COLUMNS, &rows[..2]).expect("xlsx");
    let r = app.upload("/orgs/import", "orgs.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM organisations").await, before + 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'organisation'").await,
        2
    );
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty(), "bulk audit rows keep the chain");
    // The same file again: every row is a duplicate, nothing is written.
    let r = app.upload("/orgs/import", "orgs.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该统一社会信用代码已登记"));
    // An export re-imported into the same registry is refused as a whole (every code exists).
    let export = app.get("/orgs/export.xlsx?unit=&q=导入测试").await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'organisation'").await,
        1
    );
});

both_backends!(annual_reports_submission_review_and_missing_list, |mut app: TestApp| async move {
    let due = app
        .scalar("SELECT COUNT(*) FROM organisations WHERE registered_on <= '2022-12-31' AND (status = 'normal' OR status_on > '2022-12-31')")
        .await;
    let submitted = app.scalar("SELECT COUNT(*) FROM annual_reports WHERE year = 2022").await;
    assert!(submitted > 0 && submitted < due);
    app.login_ok("bureau").await;
    let page = app.get("/orgs/reports?year=2022&status=missing").await;
    assert!(page.body.contains(&format!("data-key=\"reports.due\" href=\"/orgs/reports?year=2022&amp;status=missing\"><span class=\"figure-value\">{due}</span>")));
    assert!(
        page.body.contains(&format!("共 {} 条", due - submitted)),
        "the list of organisations that have not submitted"
    );
    // One of them submits; the Bureau reviews it.
    let org = app
        .scalar("SELECT MIN(o.id) FROM organisations o WHERE o.status = 'normal' AND o.registered_on <= '2022-12-31' AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.organisation_id = o.id AND r.year = 2022)")
        .await;
    let form =
        [("year", "2022"), ("submitted_on", "2023-04-01"), ("party_status", "none"), ("summary", "全年开展活动12次")];
    assert_eq!(app.post(&format!("/orgs/{org}/reports"), &form).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.post(&format!("/orgs/{org}/reports"), &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one report per year"
    );
    assert_eq!(
        app.post(
            &format!("/orgs/{org}/reports"),
            &[("year", "2022"), ("submitted_on", "2022-06-01"), ("party_status", "none")]
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let rid = app.scalar(&format!("SELECT id FROM annual_reports WHERE organisation_id = {org} AND year = 2022")).await;
    let r = app
        .post(&format!("/orgs/{org}/reports/{rid}/review"), &[("result", "fail"), ("reasons", ""), ("version", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a fail needs reasons");
    assert!(r.body.contains("须填写理由"));
    let r = app
        .post(
            &format!("/orgs/{org}/reports/{rid}/review"),
            &[("result", "basic_pass"), ("reasons", "财务制度待完善"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = app.get("/orgs/reports?year=2022&status=missing").await;
    assert!(after.body.contains(&format!("共 {} 条", due - submitted - 1)));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'annual_report'").await, 2);
    // The station manager counts only 周市's organisations.
    app.logout().await;
    app.login_ok("station").await;
    let zhoushi_due = app
        .scalar("SELECT COUNT(*) FROM organisations o JOIN org_units u ON u.id = o.unit_id WHERE u.path LIKE '/320583/zhoushi/%' AND o.registered_on <= '2022-12-31' AND (o.status = 'normal' OR o.status_on > '2022-12-31')")
        .await;
    let mine = app.get("/orgs/reports?year=2022").await;
    assert!(mine.body.contains(&format!("data-key=\"reports.due\" href=\"/orgs/reports?year=2022&amp;status=missing\"><span class=\"figure-value\">{zhoushi_due}</span>")));
});

both_backends!(departments_are_a_managed_list, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let r = app.post("/orgs/departments", &[("code", "Bad Code"), ("name", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post("/orgs/departments", &[("code", "zhujian"), ("name", "昆山市住房和城乡建设局"), ("on_committee", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.get("/orgs/new").await.body.contains("昆山市住房和城乡建设局"));
    let id = app.scalar("SELECT id FROM departments WHERE code = 'zhujian'").await;
    let r = app.post(&format!("/orgs/departments/{id}"), &[("name", "昆山市住房和城乡建设局"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "deactivated (no flags checked)");
    assert!(
        !app.get("/orgs/new").await.body.contains("昆山市住房和城乡建设局"),
        "an inactive department is not offered"
    );
    assert_eq!(
        app.post(&format!("/orgs/departments/{id}"), &[("name", "改名"), ("version", "1")]).await.status,
        StatusCode::CONFLICT
    );
    app.logout().await;
    app.login_ok("party").await;
    assert!(
        app.get("/party/committee")
            .await
            .body
            .contains("<span class=\"figure-value\">9</span><span class=\"figure-label\">成员行业部门"),
        "still 9 members"
    );
    assert_eq!(
        app.post("/orgs/departments", &[("code", "x2"), ("name", "无权新增")]).await.status,
        StatusCode::FORBIDDEN
    );
});

/// The registration form with the agency box ticked or not.
async fn register_agency(
    app: &mut TestApp,
    unit: &str,
    code: &str,
    name: &str,
    t: &str,
    agency: bool,
) -> crate::helpers::TestResponse {
    let mut form = vec![
        ("credit_code", code),
        ("name", name),
        ("org_type", t),
        ("unit_id", unit),
        ("registered_on", "2019-04-01"),
    ];
    if agency {
        form.push(("is_agency", "yes"));
    }
    app.post("/orgs", &form).await
}

both_backends!(the_agency_flag_is_a_field_set_on_registration_and_edited, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let agency_of =
        |code: &str| format!("SELECT COUNT(*) FROM organisations WHERE credit_code = '{code}' AND is_agency = TRUE");
    // A 社工 name without the box is no agency; a 养老 centre with the box is one.
    let named = code('2', 8001);
    let r =
        register_agency(&mut app, &zhoushi, &named, "昆山市周市镇星火社工服务中心", "service_institution", false).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar(&agency_of(&named)).await, 0, "the name does not make an agency");
    let ticked = code('2', 8002);
    let r = register_agency(&mut app, &zhoushi, &ticked, "昆山市周市镇夕阳红养老服务中心", "service_institution", true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar(&agency_of(&ticked)).await, 1, "the box makes an agency");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'organisation' AND action = 'create' AND after_json LIKE '%\"is_agency\":true%' AND after_json LIKE '%{ticked}%'")).await,
        1,
        "the flag is part of the audited record"
    );
    // Only a service institution may be an agency: refused with a message, nothing saved.
    let group = code('1', 8003);
    let r = register_agency(&mut app, &zhoushi, &group, "昆山市周市镇社工学会", "social_group", true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只有社会服务机构才能标记为社工机构"), "{}", r.body);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM organisations WHERE credit_code = '{group}'")).await, 0);
    // The detail page, the edit form and the API show it.
    let id = app.scalar(&format!("SELECT id FROM organisations WHERE credit_code = '{ticked}'")).await;
    let detail = app.get(&format!("/orgs/{id}")).await.body;
    assert!(detail.contains("<dd id=\"is_agency\">是</dd>"), "{detail}");
    let other = app.scalar(&format!("SELECT id FROM organisations WHERE credit_code = '{named}'")).await;
    assert!(app.get(&format!("/orgs/{other}")).await.body.contains("<dd id=\"is_agency\">否</dd>"));
    let form = app.get(&format!("/orgs/{id}/edit")).await.body;
    assert!(form.contains("name=\"is_agency\" value=\"yes\" checked"), "the edit form shows the box ticked");
    let token = app.token_for("bureau").await;
    let (status, one) = app.api("GET", &format!("/api/v1/orgs/{id}"), Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["is_agency"], json!(true));
    let (_, other_json) = app.api("GET", &format!("/api/v1/orgs/{other}"), Some(&token), None).await;
    assert_eq!(other_json["is_agency"], json!(false));
    // Editing: the box unticked clears it, audited before and after, with optimistic locking.
    let edit = [
        ("credit_code", ticked.as_str()),
        ("name", "昆山市周市镇夕阳红养老服务中心"),
        ("org_type", "service_institution"),
        ("unit_id", &zhoushi),
        ("registered_on", "2019-04-01"),
        ("version", "1"),
    ];
    let r = app.post(&format!("/orgs/{id}"), &edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar(&agency_of(&ticked)).await, 0, "unticked on edit");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'organisation' AND entity_id = '{id}' AND action = 'update' AND before_json LIKE '%\"is_agency\":true%' AND after_json LIKE '%\"is_agency\":false%'")).await,
        1,
        "the change is audited"
    );
    let mut tick = edit.to_vec();
    tick.push(("is_agency", "yes"));
    assert_eq!(app.post(&format!("/orgs/{id}"), &tick).await.status, StatusCode::CONFLICT, "stale version");
    assert_eq!(app.scalar(&agency_of(&ticked)).await, 0, "a stale edit changes nothing");
    tick[5] = ("version", "2");
    assert_eq!(app.post(&format!("/orgs/{id}"), &tick).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&agency_of(&ticked)).await, 1, "ticked again");
    // Changing the type away from service institution with the box still ticked is refused.
    let group_code = code('1', 8004);
    let mut retype = tick.clone();
    retype[0] = ("credit_code", group_code.as_str());
    retype[2] = ("org_type", "social_group");
    retype[5] = ("version", "3");
    let r = app.post(&format!("/orgs/{id}"), &retype).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只有社会服务机构才能标记为社工机构"));
});

both_backends!(the_agency_column_of_the_xlsx_import_and_export, |mut app: TestApp| async move {
    use shegong::orgs::import::XLSX_COLUMNS;
    use shegong::platform::xlsx::Cell;
    app.login_ok("bureau").await;
    let row = |code: &str, name: &str, t: &'static str, agency: Cell| {
        let mut r = org_row(code, name, "/320583/zhoushi/", "");
        r[2] = Cell::Enum(t);
        r.push(agency);
        r
    };
    let (named, ticked, group) = (code('2', 9001), code('2', 9002), code('1', 9003));
    // 是 for a social group is refused with the row's column.
    let bad = vec![row(&group, "昆山市周市镇导入社工协会", "social_group", Cell::Enum("yes"))];
    let r = app
        .upload("/orgs/import", "orgs.xlsx", &shegong::platform::xlsx::write(XLSX_COLUMNS, &bad).expect("xlsx"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只有社会服务机构才能标记为社工机构") && r.body.contains("社工机构"), "{}", r.body);
    let rows = vec![
        row(&named, "昆山市周市镇导入社工服务中心", "service_institution", Cell::Empty),
        row(&ticked, "昆山市周市镇导入养老服务中心", "service_institution", Cell::Enum("yes")),
    ];
    let r = app
        .upload("/orgs/import", "orgs.xlsx", &shegong::platform::xlsx::write(XLSX_COLUMNS, &rows).expect("xlsx"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let agency_of =
        |code: &str| format!("SELECT COUNT(*) FROM organisations WHERE credit_code = '{code}' AND is_agency = TRUE");
    assert_eq!(app.scalar(&agency_of(&named)).await, 0, "the name does not make an agency");
    assert_eq!(app.scalar(&agency_of(&ticked)).await, 1, "the column does");
    // The export carries the column: 是 and 否.
    let (status, bytes) = app.get_bytes("/orgs/export.xlsx?q=周市镇导入").await;
    assert_eq!(status, StatusCode::OK);
    let sheet = shegong::platform::xlsx::read(&bytes, XLSX_COLUMNS).expect("the export reads back");
    let flags: Vec<(String, String)> = sheet
        .rows
        .iter()
        .map(|(_, cells)| {
            let text = |c: &Cell| match c {
                Cell::Text(s) => s.clone(),
                Cell::Enum(e) => e.to_string(),
                _ => String::new(),
            };
            (text(&cells[0]), text(&cells[12]))
        })
        .collect();
    assert!(
        flags.contains(&(named.clone(), "no".into())) && flags.contains(&(ticked.clone(), "yes".into())),
        "{flags:?}"
    );
});

/// A credit code with a character that is never allowed (the check character 'Z').
fn code_ending_in_z(serial: u32) -> String {
    let mut bad = code('1', serial);
    bad.pop();
    bad.push('Z');
    bad
}

// One language per message: the credit-code problem on the form and in the import report is
// in the page's language only (it used to read "第18位字符“Z”不允许 / character 18 ('Z') is not
// allowed" in both interfaces).
both_backends!(credit_code_problems_are_in_the_page_language, |mut app: TestApp| async move {
    use shegong::orgs::import::XLSX_COLUMNS;
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let bad = code_ending_in_z(8001);
    let form = [
        ("credit_code", bad.as_str()),
        ("name", "昆山市语言测试协会"),
        ("org_type", "social_group"),
        ("unit_id", zhoushi.as_str()),
        ("registered_on", "2015-01-01"),
    ];
    let file =
        shegong::platform::xlsx::write(XLSX_COLUMNS, &[org_row(&bad, "昆山市语言测试协会", "/320583/zhoushi/", "")])
            .expect("xlsx");
    for lang in ["zh-CN", "en"] {
        app.get(&format!("/lang/{lang}?next=/")).await;
        let r = app.post("/orgs", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = between(&r.body, "<p class=\"field-error\">", "</p>");
        let e = errors.iter().find(|e| e.contains("18")).unwrap_or_else(|| panic!("{lang}: {errors:?}"));
        let r = app.upload("/orgs/import", "orgs.xlsx", &file).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let report = between(&r.body, "<tbody>", "</tbody>").concat();
        if lang == "en" {
            assert!(e.contains("character 18") && e.contains("is not allowed") && !has_cjk(e), "{e}");
            assert!(report.contains("Credit code") && report.contains("character 18"), "{report}");
            assert!(!has_cjk(&report), "{report}");
        } else {
            assert!(e.contains("第18位字符“Z”不允许") && !e.contains("character") && !e.contains("allowed"), "{e}");
            assert!(report.contains("统一社会信用代码") && report.contains("第18位字符“Z”不允许"), "{report}");
            assert!(!report.contains("character") && !report.contains("allowed"), "{report}");
        }
    }
});

// `shegong import orgs FILE`: the row report in the language chosen (`--lang` or `LANG`), each
// line in one language.
both_backends!(cli_import_report_is_in_one_language, |app: TestApp| async move {
    use shegong::platform::i18n::Lang;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("orgs.xlsx");
    let rows = [org_row(&code_ending_in_z(8101), "昆山市命令行测试协会", "/320583/zhoushi/", "")];
    std::fs::write(&path, shegong::platform::xlsx::write(shegong::orgs::import::XLSX_COLUMNS, &rows).expect("xlsx"))
        .expect("file");
    let file = path.to_str().expect("path");
    let (code, en) = shegong::cli::import_file(&app.db, "orgs", file, Lang::En).await.expect("import");
    assert_eq!(code, 1, "{en}");
    assert!(en.starts_with("1 errors, nothing was written\n"), "{en}");
    assert!(en.contains("row 2 [Credit code]") && en.contains("character 18 ('Z') is not allowed"), "{en}");
    assert!(!has_cjk(&en), "{en}");
    let (code, zh) = shegong::cli::import_file(&app.db, "orgs", file, Lang::Zh).await.expect("import");
    assert_eq!(code, 1);
    assert!(zh.starts_with("文件有 1 处错误，未写入任何数据\n"), "{zh}");
    assert!(zh.contains("第2行 [统一社会信用代码]") && zh.contains("第18位字符“Z”不允许"), "{zh}");
    assert!(!zh.contains("row") && !zh.contains("character") && !zh.contains("errors"), "{zh}");
    // An unknown kind answers 2 with the kinds there are, in the language chosen.
    let kinds = shegong::platform::import::Exchange::names(&shegong::app::exchanges(), true).join(", ");
    assert!(kinds.starts_with("units, departments, orgs, party-orgs, activities"), "{kinds}");
    let (code, text) = shegong::cli::import_file(&app.db, "nothing", file, Lang::En).await.expect("import");
    assert_eq!((code, text), (2, format!("unknown kind: nothing ({kinds})")));
    let (_, text) = shegong::cli::import_file(&app.db, "nothing", file, Lang::Zh).await.expect("import");
    assert_eq!(text, format!("未知类型：nothing（可选：{kinds}）"));
});
