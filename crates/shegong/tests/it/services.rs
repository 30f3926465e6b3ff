//! Purchased services: the review's 2022 figures from the records, the workflow and money rules,
//! scoping of stations and agencies, imports and exports.

use axum::http::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

/// The id of a 2022 guideline item by code.
async fn item(app: &TestApp, code: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM service_categories WHERE year = 2022 AND code = '{code}'")).await
}

/// Creates a 2022 project for 周市 as the signed-in user and returns its id.
pub(crate) async fn create_project(app: &mut TestApp, title: &str, amount: &str) -> i64 {
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let category = item(app, "B1").await.to_string();
    let r = app
        .post(
            "/services/projects",
            &[
                ("unit_id", unit.as_str()),
                ("year", "2022"),
                ("title", title),
                ("category_id", category.as_str()),
                ("amount", amount),
                ("starts_on", "2022-03-01"),
                ("ends_on", "2022-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().trim_start_matches("/services/projects/").parse().expect("project id")
}

async fn version(app: &TestApp, id: i64) -> String {
    app.scalar(&format!("SELECT version FROM projects WHERE id = {id}")).await.to_string()
}

async fn advance(app: &mut TestApp, id: i64, to: &str) -> crate::helpers::TestResponse {
    let v = version(app, id).await;
    app.post(
        &format!("/services/projects/{id}/advance"),
        &[("to", to), ("version", v.as_str()), ("happened_on", "2022-06-01")],
    )
    .await
}

/// A refused workflow step: 303 back to the project (a refresh does not post the step again),
/// the reason shown on the page that follows. Returns that page.
async fn refused(app: &mut TestApp, id: i64, to: &str) -> String {
    let r = advance(app, id, to).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "a refused step redirects: {}", r.body);
    assert_eq!(r.location(), format!("/services/projects/{id}"));
    let page = app.get(&format!("/services/projects/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("class=\"flash error\" role=\"alert\""), "shown as an alert");
    page.body
}

async fn pay(app: &mut TestApp, id: i64, kind: &str, amount: &str, voucher: &str) -> crate::helpers::TestResponse {
    app.post(
        &format!("/services/projects/{id}/payments"),
        &[("kind", kind), ("paid_on", "2022-06-10"), ("amount", amount), ("voucher_ref", voucher)],
    )
    .await
}

async fn evaluate(app: &mut TestApp, id: i64, kind: &str, pass: bool) -> crate::helpers::TestResponse {
    // 59 of 100 fails, 80 passes.
    let s: [&str; 5] = if pass { ["16", "24", "16", "16", "8"] } else { ["12", "18", "12", "12", "5"] };
    app.post(
        &format!("/services/projects/{id}/evaluations"),
        &[
            ("kind", kind),
            ("evaluated_on", "2022-07-20"),
            ("evaluator", "第三方评估机构"),
            ("management", s[0]),
            ("outcomes", s[1]),
            ("finance", s[2]),
            ("satisfaction", s[3]),
            ("team", s[4]),
        ],
    )
    .await
}

both_backends!(the_2022_figures_come_out_of_the_records, |mut app: TestApp| async move {
    let token = app.token_for("bureau").await;
    let (s, f) = app.api("GET", "/api/v1/services/figures?year=2022", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    // The review: 11 stations ran 35 projects, run by 18 agencies, 13,000,000 yuan, 100+ staff.
    assert_eq!(f["projects"], json!(35));
    assert_eq!(f["agencies"], json!(18));
    assert_eq!(f["amount_fen"], json!(1_300_000_000i64));
    assert_eq!(f["by_station"].as_array().map(Vec::len), Some(11));
    let staff = f["staff"].as_i64().expect("staff");
    assert!(staff >= 100, "100+ staff, got {staff}");
    assert_eq!(
        staff,
        app.scalar(
            "SELECT COUNT(DISTINCT m.worker_id) FROM project_members m JOIN projects p ON p.id = m.project_id WHERE p.year = 2022"
        )
        .await
    );
    let roles: Vec<&str> = f["by_role"].as_array().expect("roles").iter().filter_map(|r| r["role"].as_str()).collect();
    assert_eq!(roles, vec!["supervisor", "manager", "fulltime", "assistant"]);
    // Paid is the sum of the payment rows, exact in fen; breakdowns add up to the totals.
    assert_eq!(
        f["paid_fen"].as_i64(),
        Some(
            app.scalar(
                "SELECT CAST(SUM(x.amount_fen) AS BIGINT) FROM project_payments x JOIN projects p ON p.id = x.project_id \
                 WHERE p.year = 2022"
            )
            .await
        )
    );
    let sum =
        |k: &str, field: &str| f[k].as_array().expect(k).iter().map(|b| b[field].as_i64().unwrap_or(0)).sum::<i64>();
    assert_eq!(sum("by_category", "amount_fen"), 1_300_000_000);
    assert_eq!(sum("by_agency", "projects"), 35);
    assert_eq!(sum("by_station", "paid_fen"), f["paid_fen"].as_i64().unwrap_or(-1));
    // The page shows the same figures, in 万元 as the review writes them.
    app.login_ok("bureau").await;
    let page = app.get("/services/figures?year=2022").await;
    assert_eq!(page.status, StatusCode::OK);
    // 万元 through the one formatter of figures (rounded, grouped: "1,300"), yuan exact.
    let wan = shegong::platform::figures::wan_text(f["amount_fen"].as_i64().unwrap_or(-1));
    assert!(page.body.contains(&format!(r#"<span class="figure-value">{wan}</span>"#)), "amount in 万元: {wan}");
    assert!(page.body.contains("13,000,000.00"), "amount in yuan");
    assert!(page.body.contains(&format!(">{staff}<")));
    assert!(page.body.contains("<svg"), "charts");
    // Workload across projects: the agency supervisors are on several projects.
    let team = app.get("/services/team?year=2022&sort=projects&dir=desc").await;
    assert_eq!(team.status, StatusCode::OK);
    let busiest = app
        .scalar(
            "SELECT MAX(n) FROM (SELECT COUNT(DISTINCT m.project_id) AS n FROM project_members m \
             JOIN projects p ON p.id = m.project_id WHERE p.year = 2022 GROUP BY m.worker_id) t",
        )
        .await;
    assert!(busiest > 1);
    assert!(team.body.contains(&format!("<td class=\"num\">{busiest}</td>")), "the busiest person's count is shown");
    let worker = app.scalar("SELECT MIN(worker_id) FROM project_members WHERE role = 'supervisor'").await;
    let person = app.get(&format!("/services/team/{worker}")).await;
    assert_eq!(person.status, StatusCode::OK);
    assert!(person.body.contains("督导"));
    // In English the categories and stations use their English names.
    app.get("/lang/en?next=/").await;
    let en = app.get("/services/figures?year=2022").await;
    assert!(en.body.contains("Elderly care") && en.body.contains("Zhoushi"), "English names");
    app.get("/lang/zh-CN?next=/").await;
    // CSV and xlsx exports carry the same totals.
    let csv = app.get("/services/figures.csv?year=2022").await;
    assert!(csv.body.contains("13000000.00"), "{}", csv.body);
    let (s, xlsx) = app.get_bytes("/services/figures.xlsx?year=2022").await;
    assert_eq!(s, StatusCode::OK);
    assert!(shegong::platform::xlsx::sniff_xlsx(&xlsx));
    // A station's subtree: only its own projects.
    let zhoushi = app.unit_id("/320583/zhoushi/").await;
    let (_, z) =
        app.api("GET", &format!("/api/v1/services/figures?year=2022&unit={zhoushi}"), Some(&token), None).await;
    assert_eq!(
        z["projects"].as_i64(),
        Some(app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE unit_id = {zhoushi} AND year = 2022")).await)
    );
    // No 2021 purchases in the demo.
    let (_, y) = app.api("GET", "/api/v1/services/figures?year=2021", Some(&token), None).await;
    assert_eq!(y["projects"], json!(0));
    // The dashboard shows the latest year's purchases, the same numbers.
    let (_, dash) = app.api("GET", "/api/v1/figures", Some(&token), None).await;
    let value =
        |k: &str| dash.as_array().and_then(|a| a.iter().find(|x| x["key"] == json!(k))).map(|x| x["value"].clone());
    let latest = app.scalar("SELECT MAX(year) FROM projects").await;
    let of_latest = |q: &str| q.replace("{y}", &latest.to_string());
    assert_eq!(
        value("services.projects"),
        Some(json!(app.scalar(&of_latest("SELECT COUNT(*) FROM projects WHERE year = {y}")).await))
    );
    assert_eq!(
        value("services.agencies"),
        Some(json!(app.scalar(&of_latest("SELECT COUNT(DISTINCT agency_id) FROM projects WHERE year = {y}")).await))
    );
    // Money in fen (the page shows it in 万元: 1,300 for the 13,000,000 yuan of 2022).
    let fen = app.scalar(&of_latest("SELECT SUM_INT(amount_fen) FROM projects WHERE year = {y}")).await;
    assert_eq!(value("services.amount"), Some(json!(fen)));
    let home = app.get("/").await.body;
    let tile = home.split(r#"data-key="services.amount""#).nth(1).expect("the amount tile");
    assert!(
        tile.contains(&format!(r#"<span class="figure-value">{}</span>"#, shegong::platform::figures::wan_text(fen)))
    );
    let staff_latest = app
        .scalar(&of_latest(
            "SELECT COUNT(DISTINCT m.worker_id) FROM project_members m JOIN projects p ON p.id = m.project_id WHERE p.year = {y}",
        ))
        .await;
    assert_eq!(value("services.staff"), Some(json!(staff_latest)));
    let (s, _) = app.api("GET", "/api/v1/services/figures?year=abc", Some(&token), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty());
});

both_backends!(the_workflow_and_the_money_follow_the_rules, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let id = create_project(&mut app, "周市镇社区养老服务测试项目", "300,000").await;
    let page = app.get(&format!("/services/projects/{id}")).await;
    assert!(page.body.contains("立项"));
    // Skipping steps is refused with a message naming both steps.
    let before = version(&app, id).await;
    let page = refused(&mut app, id, "executing").await;
    assert!(page.contains("不能从“立项”直接进入“执行”"), "{page}");
    assert_eq!(version(&app, id).await, before, "nothing changed");
    // Shown once: a refresh of the project's page no longer says it.
    assert!(!app.get(&format!("/services/projects/{id}")).await.body.contains("直接进入“执行”"));
    // No payment before signing.
    let r = pay(&mut app, id, "instalment", "1", "V-0").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("尚未签约"));
    assert_eq!(advance(&mut app, id, "procurement").await.status, StatusCode::SEE_OTHER);
    // The generic step cannot sign; signing needs an eligible agency.
    assert!(refused(&mut app, id, "contracted").await.contains("签约须填写承接机构"));
    let group = app.scalar("SELECT MIN(id) FROM organisations WHERE org_type = 'social_group'").await.to_string();
    let agency =
        app.scalar("SELECT MIN(id) FROM organisations WHERE is_agency = TRUE AND status = 'normal'").await.to_string();
    let sign = |agency: String, v: String, no: &'static str| {
        vec![
            ("agency_id", agency),
            ("contract_no", no.to_string()),
            ("amount", "280,000".to_string()),
            ("signed_on", "2022-03-01".to_string()),
            ("version", v),
        ]
    };
    let v = version(&app, id).await;
    let form = sign(group, v.clone(), "KS-T-001");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&format!("/services/projects/{id}/sign"), &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("社会服务机构"));
    // A contract number already used by a demo project is refused.
    let form = sign(agency.clone(), v.clone(), "KSMZ-GM-2022-001");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(app.post(&format!("/services/projects/{id}/sign"), &pairs).await.body.contains("已被其他项目使用"));
    let form = sign(agency.clone(), v.clone(), "KS-T-001");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&format!("/services/projects/{id}/sign"), &pairs).await.status, StatusCode::SEE_OTHER);
    // The same form again: the project is signed already.
    assert!(app
        .post(&format!("/services/projects/{id}/sign"), &pairs)
        .await
        .body
        .contains("不能从“签约”直接进入“签约”"));
    // A step from a page loaded before someone else changed the project is stale.
    let stale = [("to", "executing"), ("version", v.as_str()), ("happened_on", "2022-03-02")];
    assert_eq!(app.post(&format!("/services/projects/{id}/advance"), &stale).await.status, StatusCode::CONFLICT);
    assert_eq!(app.scalar(&format!("SELECT amount_fen FROM projects WHERE id = {id}")).await, 28_000_000);
    // Payments: never more than the contract; the final payment only after a passing final evaluation.
    assert_eq!(pay(&mut app, id, "instalment", "100,000", "V-1").await.status, StatusCode::SEE_OTHER);
    let r = pay(&mut app, id, "instalment", "180,000.01", "V-2").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("最多还可支付 180,000.00 元"), "{}", r.body);
    assert!(pay(&mut app, id, "final", "1", "V-2").await.body.contains("尾款须在结项评估合格后支付"));
    // A double submit of one payment form writes one payment.
    let nonce = "payment-nonce-1";
    for _ in 0..2 {
        let r = app
            .post(
                &format!("/services/projects/{id}/payments"),
                &[
                    ("kind", "instalment"),
                    ("paid_on", "2022-06-10"),
                    ("amount", "50,000"),
                    ("voucher_ref", "V-3"),
                    ("_nonce", nonce),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM project_payments WHERE project_id = {id}")).await, 2);
    // Team members come from the register; the same person twice is refused.
    let worker = app.scalar("SELECT MIN(id) FROM social_workers WHERE unit_id = (SELECT id FROM org_units WHERE path = '/320583/zhoushi/')").await.to_string();
    let add = [("worker_id", worker.as_str()), ("role", "manager"), ("from_on", "2022-03-01")];
    assert_eq!(app.post(&format!("/services/projects/{id}/members"), &add).await.status, StatusCode::SEE_OTHER);
    assert!(app.post(&format!("/services/projects/{id}/members"), &add).await.body.contains("已在本项目团队中"));
    let r = app.post(&format!("/services/projects/{id}/members"), &[("role", "boss"), ("from_on", "2022-03-01")]).await;
    assert!(r.body.contains("请选择岗位") && r.body.contains("请选择人才库中的社工"));
    // Mid-term: a failing evaluation puts the project on hold.
    assert_eq!(advance(&mut app, id, "executing").await.status, StatusCode::SEE_OTHER);
    assert!(evaluate(&mut app, id, "midterm", false).await.body.contains("只有在“中期评估”环节"));
    assert_eq!(advance(&mut app, id, "midterm").await.status, StatusCode::SEE_OTHER);
    assert!(refused(&mut app, id, "final_review").await.contains("尚未登记中期评估"));
    assert_eq!(evaluate(&mut app, id, "midterm", false).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE id = {id} AND on_hold = TRUE")).await, 1);
    assert!(refused(&mut app, id, "final_review").await.contains("已暂停"));
    assert!(pay(&mut app, id, "instalment", "1", "V-4").await.body.contains("暂停期间不能支付"));
    // A corrective plan lifts the hold once someone other than its author approves it.
    let r = app.post(&format!("/services/projects/{id}/plans"), &[("plan", "短")]).await;
    assert!(r.body.contains("至少10个字"));
    let r = app
        .post(&format!("/services/projects/{id}/plans"), &[("plan", "增配专职社工一名，每月报送服务台账并接受督导。")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let plan = app.scalar(&format!("SELECT id FROM corrective_plans WHERE project_id = {id}")).await;
    let r = app.post(&format!("/services/projects/{id}/plans/{plan}/approve"), &[]).await;
    assert!(r.body.contains("须由提交人以外的人批准"));
    app.logout().await;
    app.login_ok("station").await;
    assert_eq!(
        app.post(&format!("/services/projects/{id}/plans/{plan}/approve"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE id = {id} AND on_hold = FALSE")).await, 1);
    // Final evaluation: no closing without a pass.
    assert_eq!(advance(&mut app, id, "final_review").await.status, StatusCode::SEE_OTHER);
    assert!(refused(&mut app, id, "closed").await.contains("没有合格的结项评估"));
    assert_eq!(evaluate(&mut app, id, "final", false).await.status, StatusCode::SEE_OTHER);
    assert!(refused(&mut app, id, "closed").await.contains("没有合格的结项评估"));
    assert_eq!(evaluate(&mut app, id, "final", true).await.status, StatusCode::SEE_OTHER);
    // The final payment: exactly the rest; then nothing more.
    assert!(pay(&mut app, id, "final", "130,000.01", "V-5").await.body.contains("最多还可支付 130,000.00 元"));
    assert_eq!(pay(&mut app, id, "final", "130,000", "V-5").await.status, StatusCode::SEE_OTHER);
    assert!(pay(&mut app, id, "instalment", "0.01", "V-6").await.body.contains("尾款已支付"));
    assert_eq!(advance(&mut app, id, "closed").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar(&format!("SELECT CAST(SUM(amount_fen) AS BIGINT) FROM project_payments WHERE project_id = {id}"))
            .await,
        28_000_000,
        "paid exactly the contract, in fen"
    );
    // Every step has who and when; every write is audited with before and after.
    let steps = app
        .scalar(&format!("SELECT COUNT(*) FROM project_transitions WHERE project_id = {id} AND actor_id IS NOT NULL"))
        .await;
    assert_eq!(steps, 7, "立项, 采购, 签约, 执行, 中期评估, 结项评估, 结项");
    let page = app.get(&format!("/services/projects/{id}")).await;
    assert!(page.body.contains("周市镇社工站张站长") && page.body.contains("民政局王科长"));
    let audited = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'project' AND entity_id = '{id}' AND before_json IS NOT NULL AND after_json IS NOT NULL"
        ))
        .await;
    assert!(audited >= 10, "audited steps with before/after: {audited}");
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty());
});

both_backends!(stations_and_agencies_see_only_their_own, |mut app: TestApp| async move {
    let zhoushi = app.unit_id("/320583/zhoushi/").await;
    let lujia = app.unit_id("/320583/lujia/").await;
    let other = app.scalar(&format!("SELECT MIN(id) FROM projects WHERE unit_id = {lujia}")).await;
    let own_count = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE unit_id = {zhoushi}")).await;
    let token = app.token_for("station").await;
    let (s, list) = app.api("GET", "/api/v1/services/projects?per_page=200", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"].as_i64(), Some(own_count));
    assert!(list["items"].as_array().expect("items").iter().all(|p| p["unit_id"] == json!(zhoushi)));
    let (s, _) = app.api("GET", &format!("/api/v1/services/projects/{other}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.api("GET", &format!("/api/v1/services/figures?unit={lujia}&year=2022"), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    app.login_ok("station").await;
    assert_eq!(app.get(&format!("/services/projects/{other}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(pay(&mut app, other, "instalment", "1", "X").await.status, StatusCode::NOT_FOUND);
    assert_eq!(advance(&mut app, other, "closed").await.status, StatusCode::NOT_FOUND);
    // A station buys only for itself.
    let category = item(&app, "A1").await.to_string();
    let lujia_s = lujia.to_string();
    let r = app
        .post(
            "/services/projects",
            &[
                ("unit_id", lujia_s.as_str()),
                ("year", "2022"),
                ("title", "陆家镇越权项目"),
                ("category_id", category.as_str()),
                ("amount", "1000"),
                ("starts_on", "2022-03-01"),
                ("ends_on", "2022-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("购买单位须为您权限范围内的社工站"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM projects WHERE title = '陆家镇越权项目'").await, 0);
    let list = app.get("/services?per_page=200").await;
    let links =
        list.body.matches("href=\"/services/projects/").count() - list.body.matches("/services/projects/new").count();
    assert_eq!(links as i64, own_count, "only 周市's projects are listed");
    assert!(!list.body.contains(&format!("href=\"/services/projects/{other}\"")));
    // Agency staff: their agency's projects wherever bought, read-only.
    let org = app.scalar("SELECT organisation_id FROM users WHERE username = 'agency'").await;
    let mine = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE agency_id = {org}")).await;
    assert!(mine > 0);
    let token = app.token_for("agency").await;
    let (_, list) = app.api("GET", "/api/v1/services/projects?per_page=200", Some(&token), None).await;
    assert_eq!(list["total"].as_i64(), Some(mine));
    assert!(list["items"].as_array().expect("items").iter().all(|p| p["agency_id"] == json!(org)));
    let foreign = app.scalar(&format!("SELECT MIN(id) FROM projects WHERE agency_id <> {org}")).await;
    let (s, _) = app.api("GET", &format!("/api/v1/services/projects/{foreign}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, f) = app.api("GET", "/api/v1/services/figures?year=2022", Some(&token), None).await;
    let mine_2022 = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE agency_id = {org} AND year = 2022")).await;
    assert_eq!(f["projects"].as_i64(), Some(mine_2022));
    app.logout().await;
    app.login_ok("agency").await;
    let own = app.scalar(&format!("SELECT MIN(id) FROM projects WHERE agency_id = {org}")).await;
    assert_eq!(app.get(&format!("/services/projects/{own}")).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/services/agencies/{org}")).await.status, StatusCode::OK);
    let other_agency = app.scalar(&format!("SELECT MIN(agency_id) FROM projects WHERE agency_id <> {org}")).await;
    assert_eq!(app.get(&format!("/services/agencies/{other_agency}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(pay(&mut app, own, "instalment", "1", "X").await.status, StatusCode::FORBIDDEN);
});

#[tokio::test]
async fn the_guideline_is_kept_by_year() {
    let mut app = TestApp::sqlite().await;
    app.login_ok("bureau").await;
    let page = app.get("/services/guideline?year=2022").await;
    assert!(page.body.contains("居家养老支持"));
    // A project's category must be in that year's guideline.
    let r = app.post("/services/guideline/copy", &[("from", "2022"), ("to", "2024")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rows = app.scalar("SELECT COUNT(*) FROM service_categories WHERE year = 2022").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM service_categories WHERE year = 2024").await, rows);
    assert_eq!(
        app.post("/services/guideline/copy", &[("from", "2022"), ("to", "2024")]).await.status,
        StatusCode::CONFLICT
    );
    let item_2023 = app.scalar("SELECT id FROM service_categories WHERE year = 2024 AND code = 'B1'").await.to_string();
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let r = app
        .post(
            "/services/projects",
            &[
                ("unit_id", unit.as_str()),
                ("year", "2022"),
                ("title", "跨年度类别项目"),
                ("category_id", item_2023.as_str()),
                ("amount", "1000"),
                ("starts_on", "2022-03-01"),
                ("ends_on", "2022-12-31"),
            ],
        )
        .await;
    assert!(r.body.contains("不在该年度的服务清单指引之内"));
    // A used entry cannot be deleted; an unused one can.
    let used = item(&app, "B1").await;
    assert_eq!(app.post(&format!("/services/guideline/{used}/delete"), &[]).await.status, StatusCode::CONFLICT);
    assert_eq!(app.post(&format!("/services/guideline/{item_2023}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    let r = app.post("/services/guideline", &[("year", "2024"), ("code", "H"), ("name", "新增类别")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post("/services/guideline", &[("year", "2024"), ("code", "H"), ("name", "重复编号")]).await;
    assert!(r.body.contains("该年度已有此编号"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity IN ('service_category', 'service_guideline')").await,
        3
    );
    crate::helpers::finish(app.db.clone()).await;
}

both_backends!(imports_are_all_or_nothing_with_row_errors, |mut app: TestApp| async move {
    use shegong::platform::xlsx::{write, Cell};
    use shegong::services::import::{PAYMENT_COLUMNS, PROJECT_COLUMNS};
    app.login_ok("bureau").await;
    let d = |s: &str| Cell::Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date"));
    let t = |s: &str| Cell::Text(s.to_string());
    let agency_code = {
        let id = app.scalar("SELECT MIN(id) FROM organisations WHERE is_agency = TRUE AND status = 'normal'").await;
        shegong::orgs::store::get_scoped(&app.db.conn, &shegong::platform::access::Scope::all(), id)
            .await
            .expect("query")
            .expect("agency")
            .credit_code
    };
    let project = |unit: &str, category: &str, contract: &str, amount_fen: i64| {
        vec![
            t(unit),
            Cell::Int(2022),
            t("导入测试服务项目"),
            t(category),
            Cell::Fen(amount_fen),
            d("2022-03-01"),
            d("2022-12-31"),
            t(&agency_code),
            t(contract),
            d("2022-03-01"),
            Cell::Empty,
        ]
    };
    // Row 3 names a category outside the guideline, row 4 repeats row 2's contract: nothing is written.
    let bad = write(
        PROJECT_COLUMNS,
        &[
            project("周市镇", "B1", "IMP-001", 10_000_000),
            project("周市镇", "Z9", "IMP-002", 100),
            project("周市镇", "居家养老支持", "IMP-001", 100),
        ],
    )
    .expect("xlsx");
    let before = app.scalar("SELECT COUNT(*) FROM projects").await;
    let r = app.upload("/services/import/projects", "p.xlsx", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不在该年度的服务清单指引之内") && r.body.contains("与文件中前面的行重复"), "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM projects").await, before);
    let good = write(
        PROJECT_COLUMNS,
        &[project("周市镇", "B1", "IMP-001", 10_000_000), project("陆家镇", "居家养老支持", "IMP-002", 5_000_000)],
    )
    .expect("xlsx");
    let r = app.upload("/services/import/projects", "p.xlsx", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM projects WHERE contract_no LIKE 'IMP-%' AND status = 'contracted'").await,
        2
    );
    // Payments are checked cumulatively: the second row would exceed the contract.
    let payment = |contract: &str, amount_fen: i64, voucher: &str| {
        vec![t(contract), Cell::Enum("instalment"), d("2022-04-01"), Cell::Fen(amount_fen), t(voucher), Cell::Empty]
    };
    let bad = write(
        PAYMENT_COLUMNS,
        &[payment("IMP-001", 6_000_000, "P1"), payment("IMP-001", 4_000_001, "P2"), payment("NOPE-1", 1, "P3")],
    )
    .expect("xlsx");
    let r = app.upload("/services/import/payments", "pay.xlsx", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("最多还可支付") && r.body.contains("找不到该合同编号的项目"), "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM project_payments WHERE voucher_ref LIKE 'P%'").await, 0);
    let good = write(PAYMENT_COLUMNS, &[payment("IMP-001", 6_000_000, "P1"), payment("IMP-001", 4_000_000, "P2")])
        .expect("xlsx");
    assert_eq!(app.upload("/services/import/payments", "pay.xlsx", &good).await.status, StatusCode::OK);
    assert_eq!(
        app.scalar("SELECT CAST(SUM(amount_fen) AS BIGINT) FROM project_payments WHERE voucher_ref IN ('P1', 'P2')")
            .await,
        10_000_000
    );
    // The export reads back through the same columns.
    let (s, bytes) = app.get_bytes("/services/export/payments.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    let sheet = shegong::platform::xlsx::read(&bytes, PAYMENT_COLUMNS).expect("export reads back");
    assert_eq!(sheet.rows.len() as i64, app.scalar("SELECT COUNT(*) FROM project_payments").await);
    // A station cannot import into another station's contract.
    app.logout().await;
    app.login_ok("station").await;
    let other = write(PAYMENT_COLUMNS, &[payment("IMP-002", 1, "P9")]).expect("xlsx");
    let r = app.upload("/services/import/payments", "pay.xlsx", &other).await;
    assert!(r.body.contains("找不到该合同编号的项目"));
});

#[tokio::test]
async fn evaluation_files_are_served_within_scope() {
    let mut app = TestApp::sqlite().await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await;
    let project = app.scalar(&format!("SELECT MIN(id) FROM projects WHERE unit_id = {zhoushi}")).await;
    let evaluation = app.scalar(&format!("SELECT MIN(id) FROM project_evaluations WHERE project_id = {project}")).await;
    app.login_ok("station").await;
    let path = format!("/services/projects/{project}/evaluations/{evaluation}/files");
    let r = app.upload(&path, "评估报告.pdf", b"%PDF-1.7 evaluation report").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.upload(&path, "x.exe", b"MZ\x90\x00").await.status, StatusCode::BAD_REQUEST);
    let file = app.scalar("SELECT MAX(id) FROM attachments WHERE entity = 'evaluation'").await;
    let page = app.get(&format!("/services/projects/{project}")).await;
    assert!(page.body.contains(&format!("/attachments/{file}")) && page.body.contains("评估报告.pdf"));
    let (s, bytes) = app.get_bytes(&format!("/attachments/{file}")).await;
    assert_eq!((s, bytes.as_slice()), (StatusCode::OK, b"%PDF-1.7 evaluation report".as_slice()));
    // An evaluation of another project cannot be attached to through this one.
    let other = app.scalar(&format!("SELECT MIN(id) FROM project_evaluations WHERE project_id <> {project}")).await;
    let r = app.upload(&format!("/services/projects/{project}/evaluations/{other}/files"), "a.pdf", b"%PDF-1.7").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'evaluation' AND action = 'attach'").await, 1);
    // Readers of another station and roles without services.read do not get the file.
    app.logout().await;
    app.exec("UPDATE users SET unit_id = (SELECT id FROM org_units WHERE path = '/320583/lujia/') WHERE username = 'station'").await;
    app.login_ok("station").await;
    assert_eq!(app.get_bytes(&format!("/attachments/{file}")).await.0, StatusCode::NOT_FOUND);
    app.logout().await;
    app.login_ok("party").await;
    assert_eq!(app.get_bytes(&format!("/attachments/{file}")).await.0, StatusCode::NOT_FOUND);
    app.logout().await;
    app.login_ok("leader").await;
    assert_eq!(app.get_bytes(&format!("/attachments/{file}")).await.0, StatusCode::OK);
    crate::helpers::finish(app.db.clone()).await;
}

// A projects file typed in LibreOffice Calc: numbers with decimals, date cells, a category by name
// or by code, a row without a signing. Rows 5 and 6 are wrong and the whole file is refused.
both_backends!(a_libreoffice_projects_file_imports_all_or_nothing, |mut app: TestApp| async move {
    const BAD: &[u8] = include_bytes!("../fixtures/projects-libreoffice.xlsx");
    const GOOD: &[u8] = include_bytes!("../fixtures/projects-good-libreoffice.xlsx");
    app.login_ok("bureau").await;
    let before = app.scalar("SELECT COUNT(*) FROM projects").await;
    let r = app.upload("/services/import/projects", "项目.xlsx", BAD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("承接机构须为登记状态正常的社会服务机构"), "row 5: a social group");
    assert!(r.body.contains("结束日期不能早于开始日期"), "row 6: the period");
    let row = |n: usize| format!("<td class=\"num\">{n}</td>");
    assert!(r.body.contains(&row(5)) && r.body.contains(&row(6)));
    for ok in 2..=4 {
        assert!(!r.body.contains(&row(ok)), "row {ok} is fine");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM projects").await, before, "nothing written");
    let r = app.upload("/services/import/projects", "项目.xlsx", GOOD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM projects").await, before + 3);
    // 286,000.50 yuan typed as a number is exact in fen; the unsigned row stays at 立项.
    assert_eq!(app.scalar("SELECT amount_fen FROM projects WHERE contract_no = 'LO-2022-001'").await, 28_600_050);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM projects WHERE title LIKE '%童心港湾%' AND status = 'initiated'").await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM project_transitions t JOIN projects p ON p.id = t.project_id WHERE p.contract_no = 'LO-2022-003'")
            .await,
        3,
        "imported signed: 立项, 采购, 签约"
    );
});

both_backends!(a_project_past_procurement_says_why_it_cannot_be_edited, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    // While initiated, the page offers the edit form, and the form has a way back.
    let id = create_project(&mut app, "周市镇编辑状态测试项目", "100,000").await;
    let page = app.get(&format!("/services/projects/{id}")).await.body;
    assert!(page.contains(&format!("href=\"/services/projects/{id}/edit\"")));
    let form = app.get(&format!("/services/projects/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("class=\"button cancel\" href=\"/services/projects/{id}\"")));
    // A signed project: no edit button; following an old link lands on the project's page, which
    // says why (its step), instead of a bare error page.
    let signed = app.scalar("SELECT MIN(id) FROM projects WHERE status NOT IN ('initiated', 'procurement')").await;
    let status = app.text(&format!("SELECT status FROM projects WHERE id = {signed}")).await;
    let step = |lang| shegong::platform::i18n::t(lang, &format!("services.status.{status}")).to_string();
    let (zh, en) = (step(shegong::platform::i18n::Lang::Zh), step(shegong::platform::i18n::Lang::En));
    let page = app.get(&format!("/services/projects/{signed}")).await.body;
    assert!(!page.contains(&format!("/services/projects/{signed}/edit")), "no edit link on a signed project");
    let r = app.get(&format!("/services/projects/{signed}/edit")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/services/projects/{signed}"));
    let page = app.get(&format!("/services/projects/{signed}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("项目已进入“{zh}”环节，立项信息不能再修改")), "{}", page.body);
    // A form posted anyway changes nothing and says the same.
    let v = version(&app, signed).await;
    let r = app
        .post(&format!("/services/projects/{signed}"), &[("title", "不应保存的标题"), ("version", v.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(version(&app, signed).await, v);
    // In English too, with the step's name in English.
    app.get("/lang/en?next=/").await;
    app.get(&format!("/services/projects/{signed}/edit")).await;
    let page = app.get(&format!("/services/projects/{signed}")).await.body;
    let alert = crate::helpers::between(&page, "class=\"flash error\" role=\"alert\" id=\"flash\">", "</div>");
    assert!(
        alert.len() == 1
            && alert[0].contains(en.as_str())
            && alert[0].contains("step: its plan can no longer be edited"),
        "{alert:?}"
    );
});
