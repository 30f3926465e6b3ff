//! The talent development fund ledger.

use axum::http::StatusCode;
use chrono::Datelike;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{between, has_cjk, TestApp};

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
    assert!(problems.iter().any(|p| p.to_string().contains("below zero")), "{problems:?}");
    app.exec("UPDATE fund_entries SET amount_fen = amount_fen - 1 WHERE kind = 'grant' AND entry_on = '2022-05-01'")
        .await;
    // The statement is an xlsx with the opening, every entry and the closing line.
    let st = app.get("/talent/fund/statement.xlsx?year=2022").await;
    assert_eq!(st.status, StatusCode::OK);
    // A station manager sees no city fund and cannot record into it.
    app.logout().await;
    app.login_ok("station").await;
    assert_eq!(app.get("/talent/fund?year=2022").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/talent/fund", &grant("1", "2022-06-01")).await.status, StatusCode::FORBIDDEN);
});

both_backends!(social_workers_are_masked_everywhere_and_reveals_audited, |mut app: TestApp| async move {
    // The review's 2022 figure comes out of the register.
    let token = app.token_for("bureau").await;
    let (s, fig) = app.api("GET", "/api/v1/talent/figures?year=2022", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(fig["exam_passes"], json!(194));
    let awards: Vec<(String, i64)> = fig["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .map(|a| (a[0].as_str().unwrap_or("").to_string(), a[2].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(
        awards,
        vec![
            ("昆山市“最美社工”".to_string(), 5),
            ("昆山高层次社会工作人才".to_string(), 4),
            ("江苏省“最美社工”".to_string(), 1),
            ("苏州市“红色社工”".to_string(), 17)
        ]
    );
    assert!(fig["workers"].as_i64().unwrap_or(0) >= 100);
    app.login_ok("bureau").await;
    let (s, xlsx) = app.get_bytes("/talent/figures.xlsx?year=2022").await;
    assert_eq!(s, StatusCode::OK);
    let cols = [
        shegong::platform::xlsx::Column {
            key: "indicator",
            zh: "指标",
            en: "Indicator",
            kind: shegong::platform::xlsx::ColKind::Text,
            required: true,
        },
        shegong::platform::xlsx::Column {
            key: "value",
            zh: "数值",
            en: "Value",
            kind: shegong::platform::xlsx::ColKind::Integer,
            required: true,
        },
    ];
    let sheet = shegong::platform::xlsx::read(&xlsx, &cols).expect("figures export reads back");
    let exam = sheet
        .rows
        .iter()
        .find(|(_, c)| c[0].text().is_some_and(|t| t.contains("职业水平考试")))
        .and_then(|(_, c)| c[1].int());
    assert_eq!(exam, Some(194));
    let city = app.unit_id("/320583/zhoushi/").await.to_string();
    let id = cncodes::IdNumber::complete("32058319880808131").expect("id");
    let form = |gender: &'static str| {
        vec![
            ("name", "测试社工".to_string()),
            ("id_number", id.as_str().to_string()),
            ("gender", gender.into()),
            ("phone", "13611112222".into()),
            ("unit_id", city.clone()),
            ("level", "social_worker".into()),
            ("exam_year", "2022".into()),
        ]
    };
    let f = form("female");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post("/talent/workers", &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "digit 17 says male");
    assert!(r.body.contains("性别与身份号码第17位不一致"));
    // Every value the user typed comes back with the message: nothing is to be typed again.
    for typed in [id.as_str(), "13611112222", "测试社工", "2022"] {
        assert!(r.body.contains(&format!("value=\"{typed}\"")), "the typed {typed} is kept");
    }
    let f = form("male");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post("/talent/workers", &pairs).await.status, StatusCode::SEE_OTHER);
    let wid = app.scalar("SELECT id FROM social_workers WHERE name = '测试社工'").await;
    // Masked in the list, the detail page, the API and the audit log.
    for page in ["/talent/workers?q=测试社工".to_string(), format!("/talent/workers/{wid}")] {
        let body = app.get(&page).await.body;
        assert!(!body.contains(id.as_str()) && !body.contains("13611112222"), "{page} leaks");
        assert!(body.contains(&id.masked()));
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'social_worker' AND after_json LIKE '%{}%'",
            id.as_str()
        ))
        .await,
        0
    );
    // The ID number cannot be searched for (probing would reveal it).
    assert!(app.get(&format!("/talent/workers?q={}", id.as_str())).await.body.contains("共 0 条"));
    // Editing keeps the ID number; an empty phone keeps the number; a stale form is refused.
    let agency = app.scalar("SELECT MIN(id) FROM organisations WHERE is_agency = TRUE").await.to_string();
    let edit = [
        ("name", "测试社工"),
        ("unit_id", city.as_str()),
        ("education", "master"),
        ("employer_org_id", agency.as_str()),
        ("version", "1"),
    ];
    assert_eq!(app.post(&format!("/talent/workers/{wid}"), &edit).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.post(&format!("/talent/workers/{wid}"), &edit).await.status, StatusCode::CONFLICT);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM social_workers WHERE id = {wid} AND phone = '13611112222' AND education = 'master' AND employer_org_id = {agency} AND id_number = '{}'", id.as_str())).await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'social_worker' AND action = 'update' AND (after_json LIKE '%13611112222%' OR before_json LIKE '%13611112222%')").await, 0, "audit rows keep phones masked");
    // Bureau officers may reveal, one record at a time, audited.
    let r = app.post(&format!("/talent/workers/{wid}/reveal"), &[]).await;
    assert!(r.body.contains(id.as_str()) && r.body.contains("13611112222"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND entity = 'social_worker'").await,
        1
    );
    // Exports: full for roles that may reveal, masked otherwise; both audited. The file is read back.
    let cols = [
        shegong::platform::xlsx::Column {
            key: "name",
            zh: "姓名",
            en: "Name",
            kind: shegong::platform::xlsx::ColKind::Text,
            required: true,
        },
        shegong::platform::xlsx::Column {
            key: "id_number",
            zh: "公民身份号码",
            en: "ID number",
            kind: shegong::platform::xlsx::ColKind::Text,
            required: true,
        },
    ];
    let id_of = |bytes: &[u8]| -> String {
        let sheet = shegong::platform::xlsx::read(bytes, &cols).expect("readable export");
        sheet
            .rows
            .iter()
            .find(|(_, c)| c[0].text() == Some("测试社工"))
            .and_then(|(_, c)| c[1].text().map(str::to_string))
            .unwrap_or_default()
    };
    let (s, full) = app.get_bytes("/talent/workers/export.xlsx?q=测试社工").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(id_of(&full), id.as_str());
    app.logout().await;
    app.login_ok("leader").await;
    let (_, masked) = app.get_bytes("/talent/workers/export.xlsx").await;
    assert_eq!(id_of(&masked), id.masked(), "a role without the right exports masked numbers");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'social_worker'").await,
        2
    );
    app.logout().await;
    // The station manager (周市) sees the worker masked and cannot reveal.
    app.logout().await;
    app.login_ok("station").await;
    let body = app.get(&format!("/talent/workers/{wid}")).await.body;
    assert!(!body.contains(id.as_str()));
    assert_eq!(app.post(&format!("/talent/workers/{wid}/reveal"), &[]).await.status, StatusCode::FORBIDDEN);
    let st = app.token_for("station").await;
    let (_, fig) = app.api("GET", "/api/v1/talent/figures?year=2022", Some(&st), None).await;
    let zhoushi = app.scalar("SELECT COUNT(*) FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.path LIKE '/320583/zhoushi/%'").await;
    assert_eq!(fig["workers"], json!(zhoushi));
});

both_backends!(exam_results_are_previewed_then_committed, |mut app: TestApp| async move {
    use shegong::platform::xlsx::{write, Cell};
    let q = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let row = sea_orm::ConnectionTrait::query_one(&db.conn, sea_orm::Statement::from_string(db.backend(), sql))
                .await
                .expect("q")
                .expect("row");
            row.try_get_by_index::<String>(0).expect("text")
        }
    };
    // A worker holding only the assistant level, and one holding the social-worker level.
    let assistant = q("SELECT w.id_number FROM social_workers w WHERE NOT EXISTS (SELECT 1 FROM qualifications q WHERE q.worker_id = w.id AND q.level <> 'assistant') AND EXISTS (SELECT 1 FROM qualifications q WHERE q.worker_id = w.id) ORDER BY w.id LIMIT 1").await;
    let sw = q("SELECT w.id_number FROM social_workers w JOIN qualifications q ON q.worker_id = w.id WHERE q.level = 'social_worker' ORDER BY w.id LIMIT 1").await;
    let stranger = cncodes::IdNumber::complete("11010519800101001").expect("id").as_str().to_string();
    let row = |id: &str, level: &'static str, cert: &str| {
        vec![
            Cell::Text("某社工".into()),
            Cell::Text(id.into()),
            Cell::Enum(level),
            Cell::Int(2023),
            Cell::Text(cert.into()),
        ]
    };
    let cols = shegong::talent::import::COLUMNS;
    app.login_ok("bureau").await;
    let bad = write(cols, &[row("12345", "assistant", "")]).expect("xlsx");
    let r = app.upload("/talent/exams", "e.xlsx", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let before = app.scalar("SELECT COUNT(*) FROM qualifications").await;
    let file = write(
        cols,
        &[
            row(&assistant, "social_worker", "A1"),
            row(&sw, "social_worker", "NEW-CERT"),
            row(&stranger, "assistant", ""),
        ],
    )
    .expect("xlsx");
    let r = app.upload("/talent/exams", "e.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for (key, n) in [("new", 1), ("updated", 1), ("unmatched", 1)] {
        assert!(r.body.contains(&format!("data-key=\"exams.{key}\"><span class=\"figure-value\">{n}</span>")), "{key}");
    }
    assert!(!r.body.contains(&assistant), "the preview masks ID numbers");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM qualifications").await, before, "nothing written by the preview");
    let i = r.body.find("name=\"token\" value=\"").expect("token") + 20;
    let token: String = r.body[i..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    let r = app.post("/talent/exams/commit", &[("token", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM qualifications").await, before + 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM qualifications WHERE certificate_no = 'NEW-CERT' AND exam_year = 2023").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'exam_import'").await, 2);
    // The history on the worker's page shows both levels.
    let wid = app.scalar(&format!("SELECT id FROM social_workers WHERE id_number = '{assistant}'")).await;
    let page = app.get(&format!("/talent/workers/{wid}")).await;
    assert!(
        page.body.contains("助理社会工作师") && page.body.contains("社会工作师</td><td>2023"),
        "qualification history"
    );
    assert_eq!(
        app.post("/talent/exams/commit", &[("token", &token)]).await.status,
        StatusCode::NOT_FOUND,
        "a preview is committed once"
    );
});

both_backends!(selection_from_nomination_to_publication, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let r = app
        .post(
            "/talent/selections",
            &[
                ("title", "昆山市“最美社工”（测试）"),
                ("level", "city"),
                ("edition", "3"),
                ("year", "2023"),
                ("quota", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = app.scalar("SELECT MAX(id) FROM programmes").await;
    app.logout().await;
    // The 周市 station nominates three of its social workers.
    app.login_ok("station").await;
    let ids: Vec<i64> = {
        let rows = sea_orm::ConnectionTrait::query_all(
            &app.db.conn,
            sea_orm::Statement::from_string(app.db.backend(), "SELECT w.id FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.path LIKE '/320583/zhoushi/%' ORDER BY w.id LIMIT 3"),
        )
        .await
        .expect("q");
        rows.iter().map(|r| r.try_get_by_index::<i64>(0).expect("id")).collect()
    };
    assert_eq!(ids.len(), 3);
    for w in &ids {
        let r = app
            .post(&format!("/talent/selections/{p}/nominate"), &[("worker_id", &w.to_string()), ("reason", "扎根社区")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.post(&format!("/talent/selections/{p}/nominate"), &[("worker_id", &ids[0].to_string())]).await.status,
        StatusCode::CONFLICT
    );
    let version = app.scalar(&format!("SELECT version FROM programmes WHERE id = {p}")).await.to_string();
    // Running the programme is the Bureau's: the station cannot close it.
    assert_eq!(
        app.post(&format!("/talent/selections/{p}/advance"), &[("to", "review"), ("version", &version)]).await.status,
        StatusCode::FORBIDDEN
    );
    app.logout().await;
    // The Bureau nominates one of the city's own workers, then closes the nominations.
    app.login_ok("bureau").await;
    let city_worker = app
        .scalar("SELECT MIN(w.id) FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.parent_id IS NULL")
        .await;
    let city_worker = if city_worker > 0 {
        city_worker
    } else {
        app.scalar("SELECT MIN(w.id) FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.path NOT LIKE '/320583/zhoushi/%'").await
    };
    let r = app.post(&format!("/talent/selections/{p}/nominate"), &[("worker_id", &city_worker.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.post(&format!("/talent/selections/{p}/advance"), &[("to", "review"), ("version", &version)]).await;
    let bureau_nom = app.scalar(&format!("SELECT MAX(id) FROM nominations WHERE programme_id = {p}")).await;
    // A reviewer cannot score a nominee put forward by their own unit.
    let r = app.post(&format!("/talent/selections/{p}/score"), &[(format!("score_{bureau_nom}").as_str(), "90")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能为本单位推荐的人选评分"));
    app.logout().await;
    app.login_ok("station").await;
    let noms: Vec<i64> = {
        let rows = sea_orm::ConnectionTrait::query_all(
            &app.db.conn,
            sea_orm::Statement::from_string(
                app.db.backend(),
                format!("SELECT id FROM nominations WHERE programme_id = {p} AND id <> {bureau_nom} ORDER BY id"),
            ),
        )
        .await
        .expect("q");
        rows.iter().map(|r| r.try_get_by_index::<i64>(0).expect("id")).collect()
    };
    // Scoring is the Bureau's reviewers', not the station's.
    let r = app.post(&format!("/talent/selections/{p}/score"), &[(format!("score_{}", noms[0]).as_str(), "90")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.logout().await;
    // Two city-level reviewers score.
    for reviewer in ["bureau", "admin"] {
        if reviewer == "admin" {
            // The system administrator has no talent rights: it is refused outright.
            app.login_ok(reviewer).await;
            assert_eq!(
                app.post(&format!("/talent/selections/{p}/score"), &[(format!("score_{}", noms[0]).as_str(), "80")])
                    .await
                    .status,
                StatusCode::FORBIDDEN
            );
            app.logout().await;
            continue;
        }
        app.login_ok(reviewer).await;
        let s0 = format!("score_{}", noms[0]);
        let s1 = format!("score_{}", noms[1]);
        let s2 = format!("score_{}", noms[2]);
        assert_eq!(
            app.post(
                &format!("/talent/selections/{p}/score"),
                &[(s0.as_str(), "95"), (s1.as_str(), "88"), (s2.as_str(), "70")]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.post(&format!("/talent/selections/{p}/score"), &[(s0.as_str(), "101")]).await.status,
            StatusCode::BAD_REQUEST
        );
        app.logout().await;
    }
    app.login_ok("bureau").await;
    let version = app.scalar(&format!("SELECT version FROM programmes WHERE id = {p}")).await.to_string();
    let (a, b, c) = (noms[0].to_string(), noms[1].to_string(), noms[2].to_string());
    let r = app
        .post(
            &format!("/talent/selections/{p}/decide"),
            &[("version", version.as_str()), ("select", &a), ("select", &b), ("select", &c)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "three selected for a quota of two");
    assert!(r.body.contains("入选人数超过名额"));
    assert_eq!(
        app.post(
            &format!("/talent/selections/{p}/decide"),
            &[("version", version.as_str()), ("select", &a), ("select", &b)]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let honours = app.scalar("SELECT COUNT(*) FROM honours").await;
    let version = app.scalar(&format!("SELECT version FROM programmes WHERE id = {p}")).await.to_string();
    assert_eq!(
        app.post(&format!("/talent/selections/{p}/advance"), &[("to", "published"), ("version", &version)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, honours + 2, "the winners enter the honours register");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honours WHERE title = '昆山市“最美社工”（测试）' AND awardee_kind = 'person'")
            .await,
        2
    );
});

/// Every GET page and API route, for every role without the reveal right, never shows a social
/// worker's full ID number, phone or birth date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitive_fields_never_leak_to_roles_without_the_right() {
    use shegong::platform::access::{Need, DEMO_USERS, ROLES};
    let mut app = TestApp::sqlite().await;
    let worker = workers_where(&app, "u.path LIKE '/320583/zhoushi/%'").await.remove(0);
    let wid = worker.0;
    let id_number = worker.2.clone();
    let table = shegong::app::route_table();
    for (username, role_code) in DEMO_USERS {
        let role = ROLES.iter().find(|r| r.code == *role_code).expect("role");
        if role.permissions.contains(&"talent.pii_reveal") {
            continue;
        }
        app.login_ok(username).await;
        for def in table.iter().filter(|d| {
            d.method == axum::http::Method::GET
                && !d.path.contains("export")
                && !d.path.contains("template")
                && !d.path.contains("static")
        }) {
            if let Need::Perm(p) = def.need {
                if !role.permissions.contains(&p) {
                    continue;
                }
            }
            let path = def.path.replace("{id}", &wid.to_string()).replace("{code}", "zh-CN");
            if path.contains('{') || path == "/logout" {
                continue;
            }
            let r = app.get(&path).await;
            assert_no_pii(&format!("{path} for {username}"), &r.body, &worker);
        }
        // Searching or listing with the number itself finds nothing.
        if role.permissions.contains(&"talent.read") {
            // (The search box shows what was typed; the point is that nothing is found by it.)
            let r = app.get(&format!("/talent/workers?q={id_number}")).await;
            assert!(r.body.contains("共 0 条"), "{username} found a worker by ID number");
        }
        app.logout().await;
    }
}

/// A social worker as stored: (id, name, ID number, phone, birth date).
type Stored = (i64, String, String, String, chrono::NaiveDate);

async fn workers_where(app: &TestApp, cond: &str) -> Vec<Stored> {
    let rows = sea_orm::ConnectionTrait::query_all(
        &app.db.conn,
        sea_orm::Statement::from_string(
            app.db.backend(),
            format!("SELECT w.id, w.name, w.id_number, w.phone, w.birth_date FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE {cond} ORDER BY w.id"),
        ),
    )
    .await
    .expect("workers");
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).expect("id"),
                r.try_get_by_index(1).expect("name"),
                r.try_get_by_index(2).expect("id number"),
                r.try_get_by_index(3).expect("phone"),
                r.try_get_by_index(4).expect("birth date"),
            )
        })
        .collect()
}

/// The ways a birth date is written: 1988-08-08, 1988/08/08, 19880808, 1988年8月8日.
fn date_forms(d: &chrono::NaiveDate) -> Vec<String> {
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%-m月%-d日"].iter().map(|f| d.format(f).to_string()).collect()
}

/// Every cell of the first sheet as text; date cells come out as "<date>".
fn xlsx_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let first = wb.sheet_names().into_iter().next().expect("a sheet");
    let range = wb.worksheet_range(&first).expect("the sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::DateTime(_) | Data::DateTimeIso(_) => "<date>".to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn assert_no_pii(what: &str, text: &str, w: &Stored) {
    assert!(!text.contains(&w.2), "{what} shows {}'s full ID number", w.1);
    assert!(!text.contains(&w.3), "{what} shows {}'s full phone", w.1);
    for d in date_forms(&w.4) {
        assert!(!text.contains(&d), "{what} shows {}'s birth date {d}", w.1);
    }
}

both_backends!(roles_without_reveal_see_the_birth_year_not_the_date, |mut app: TestApp| async move {
    use shegong::platform::pii;
    let zhoushi = workers_where(&app, "u.path LIKE '/320583/zhoushi/%'").await;
    assert!(zhoushi.len() > 5);
    let w = zhoushi[0].clone();
    app.login_ok("station").await;
    // The page: the mask, the phone masked in its own labelled row, the year of birth.
    let page = app.get(&format!("/talent/workers/{}", w.0)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_no_pii("the worker page", &page.body, &w);
    assert!(page.body.contains(&format!("<code>{}</code>", pii::id_masked(&w.2))));
    assert!(page.body.contains(&format!("<dt>手机号</dt><dd>{}</dd>", pii::phone_masked(&w.3))), "{}", page.body);
    assert!(page.body.contains(&format!("<dt>出生年份</dt><dd>{}</dd>", w.4.format("%Y"))));
    assert!(!page.body.contains("出生日期"));
    assert!(!page.body.contains("/reveal"), "no reveal button without the right");
    // The list, whichever way it is sorted (there is no order by birth date to probe).
    for q in ["", "?sort=birth", "?sort=-birth&per_page=100"] {
        let list = app.get(&format!("/talent/workers{q}")).await;
        assert_eq!(list.status, StatusCode::OK);
        for x in &zhoushi {
            assert_no_pii("the list", &list.body, x);
        }
    }
    // The export: masked numbers and phones, the year of birth, no date cells.
    let (s, bytes) = app.get_bytes("/talent/workers/export.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    let cells = xlsx_cells(&bytes);
    assert_eq!(cells.len(), zhoushi.len() + 1, "a header and every worker in scope");
    let header = &cells[0];
    let col =
        |name: &str| header.iter().position(|h| h.contains(name)).unwrap_or_else(|| panic!("{name} in {header:?}"));
    let (c_name, c_id, c_year, c_phone) = (col("姓名"), col("公民身份号码"), col("出生年份"), col("手机号"));
    let all = cells.iter().flatten().cloned().collect::<Vec<_>>().join("\n");
    assert!(!all.contains("<date>"), "no date cells");
    for x in &zhoushi {
        assert_no_pii("the export", &all, x);
        let row = cells.iter().find(|r| r[c_name] == x.1 && r[c_id] == pii::id_masked(&x.2)).expect("the worker's row");
        assert_eq!(row[c_year], x.4.format("%Y").to_string());
        assert_eq!(row[c_phone], pii::phone_masked(&x.3));
    }
    // The exam import would match full numbers against the register: not without the right.
    assert_eq!(app.get("/talent/exams").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.upload("/talent/exams", "e.xlsx", &bytes).await.status, StatusCode::FORBIDDEN);
    app.logout().await;
    // The bureau sees the same by default and reveals one record at a time, audited without the number.
    app.login_ok("bureau").await;
    let page = app.get(&format!("/talent/workers/{}", w.0)).await;
    assert_no_pii("the bureau's worker page", &page.body, &w);
    assert!(page.body.contains(&format!("/talent/workers/{}/reveal", w.0)));
    let before = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND entity = 'social_worker' AND entity_id = '{}'",
            w.0
        ))
        .await;
    let r = app.post(&format!("/talent/workers/{}/reveal", w.0), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&w.2) && r.body.contains(&w.3), "{}", r.body);
    assert!(r.body.contains("<dt>公民身份号码</dt>") && r.body.contains("<dt>手机号</dt>"));
    let revealed = format!("action = 'reveal' AND entity = 'social_worker' AND entity_id = '{}'", w.0);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE {revealed}")).await, before + 1);
    let bureau = app.scalar("SELECT id FROM users WHERE username = 'bureau'").await;
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE {revealed} AND actor_id = {bureau} AND after_json NOT LIKE '%{}%' AND after_json NOT LIKE '%{}%'", w.2, w.3)).await, before + 1);
});

both_backends!(audit_rows_hold_no_full_or_rebuildable_numbers, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let id = cncodes::IdNumber::complete("32058319880808131").expect("id");
    let form = [
        ("name", "审计社工"),
        ("id_number", id.as_str()),
        ("gender", "male"),
        ("phone", "13611113333"),
        ("unit_id", zhoushi.as_str()),
        ("level", "assistant"),
        ("exam_year", "2022"),
    ];
    assert_eq!(app.post("/talent/workers", &form).await.status, StatusCode::SEE_OTHER);
    let wid = app.scalar("SELECT id FROM social_workers WHERE name = '审计社工'").await;
    let edit = [("name", "审计社工"), ("unit_id", zhoushi.as_str()), ("phone", "13711114444"), ("version", "1")];
    assert_eq!(app.post(&format!("/talent/workers/{wid}"), &edit).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.post(&format!("/talent/workers/{wid}/reveal"), &[]).await.status, StatusCode::OK);
    // An organisation with a landline, then its phone changed to a mobile.
    let code = cncodes::CreditCode::complete("52320583MJ7654321").expect("code").as_str().to_string();
    let org = [
        ("credit_code", code.as_str()),
        ("name", "昆山市周市镇审计测试社工服务社"),
        ("org_type", "service_institution"),
        ("unit_id", zhoushi.as_str()),
        ("registered_on", "2018-05-01"),
        ("contact_phone", "0512-57654321"),
    ];
    let r = app.post("/orgs", &org).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let oid = app.scalar(&format!("SELECT id FROM organisations WHERE credit_code = '{code}'")).await;
    let mut org_edit: Vec<(&str, &str)> = org.iter().filter(|(k, _)| *k != "contact_phone").cloned().collect();
    org_edit.extend([("contact_phone", "13922225555"), ("version", "1")]);
    let r = app.post(&format!("/orgs/{oid}"), &org_edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.logout().await;
    // A user with a phone, created by the system administrator.
    app.login_ok("admin").await;
    let r = app
        .post(
            "/admin/users",
            &[
                ("username", "audit.phone"),
                ("display_name", "审计电话"),
                ("unit_id", zhoushi.as_str()),
                ("phone", "13533336666"),
                ("password", "Another-Passw0rd-9"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    app.logout().await;
    let secrets: Vec<String> =
        [id.as_str(), "13611113333", "13711114444", "0512-57654321", "57654321", "13922225555", "13533336666"]
            .iter()
            .map(|s| s.to_string())
            .chain(date_forms(&chrono::NaiveDate::from_ymd_opt(1988, 8, 8).expect("date")))
            .collect();
    let rows = sea_orm::ConnectionTrait::query_all(
        &app.db.conn,
        sea_orm::Statement::from_string(
            app.db.backend(),
            "SELECT id, action, entity, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log ORDER BY id",
        ),
    )
    .await
    .expect("audit rows");
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        let (action, entity): (String, String) = (r.try_get_by_index(1).expect("a"), r.try_get_by_index(2).expect("e"));
        let text =
            format!("{}{}", r.try_get_by_index::<String>(3).expect("b"), r.try_get_by_index::<String>(4).expect("a"));
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "audit row {action} {entity} holds {s}: {text}");
        }
        seen.insert((action, entity));
    }
    for (a, e) in [
        ("create", "social_worker"),
        ("update", "social_worker"),
        ("reveal", "social_worker"),
        ("create", "organisation"),
        ("update", "organisation"),
        ("create", "user"),
    ] {
        assert!(seen.contains(&(a.to_string(), e.to_string())), "{a} {e} audited");
    }
    // What the rows keep instead: the mask and the year of birth.
    let created = format!("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'social_worker' AND entity_id = '{wid}' AND after_json LIKE '%{}%' AND after_json LIKE '%1988%'", id.masked());
    assert_eq!(app.scalar(&created).await, 1);
    // The audit administrator's page shows none of it either.
    app.login_ok("auditor").await;
    for q in ["", "?entity=social_worker", "?entity=organisation", "?entity=user"] {
        let page = app.get(&format!("/admin/audit{q}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for s in &secrets {
            assert!(!page.body.contains(s.as_str()), "the audit page{q} shows {s}");
        }
    }
    assert!(app.get("/admin/audit?entity=social_worker").await.body.contains(&id.masked()));
});

/// An ID number with the right check character around the first 17 digits, valid or not.
fn with_check_character(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

// One language per message: an ID-number problem on the worker form is in the page's language
// only (it used to read "出生日期 birth date无效 / invalid 出生日期 birth date" in both).
both_backends!(id_number_problems_are_in_the_page_language, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    // 30 February 1990, with a check character that matches.
    let feb30 = with_check_character("32058319900230001");
    let wrong_check = {
        let good = cncodes::IdNumber::complete("32058319880808131").expect("id").as_str().to_string();
        let last = if good.ends_with('0') { "1" } else { "0" };
        format!("{}{last}", &good[..17])
    };
    for lang in ["zh-CN", "en"] {
        app.get(&format!("/lang/{lang}?next=/")).await;
        for (id, zh_says, en_says) in [
            (feb30.as_str(), "出生日期无效", "invalid birth date"),
            (wrong_check.as_str(), "校验位（最后一位）应为", "check character (last) should be"),
        ] {
            let form = [("name", "语言测试社工"), ("id_number", id), ("gender", "male"), ("unit_id", unit.as_str())];
            let r = app.post("/talent/workers", &form).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            let errors = between(&r.body, "<p class=\"field-error\">", "</p>");
            assert_eq!(errors.len(), 1, "{errors:?}");
            let e = errors[0];
            if lang == "en" {
                assert!(e.contains(en_says) && !has_cjk(e), "{e}");
            } else {
                assert!(e.contains(zh_says) && !e.contains("birth") && !e.contains("check"), "{e}");
            }
        }
    }
});

/// Registers a worker with a qualification of `exam_year` through the form.
async fn register_with_exam(
    app: &mut TestApp,
    serial: u32,
    unit: &str,
    exam_year: &str,
    phone: &str,
) -> (crate::helpers::TestResponse, String) {
    let id = cncodes::IdNumber::complete(&format!("32058319900101{serial:03}")).expect("id").as_str().to_string();
    let gender = if id.as_bytes()[16] % 2 == 1 { "male" } else { "female" };
    let nonce = format!("exam-{serial}");
    let form = [
        ("name", "年度测试社工"),
        ("id_number", id.as_str()),
        ("gender", gender),
        ("phone", phone),
        ("unit_id", unit),
        ("level", "assistant"),
        ("exam_year", exam_year),
        ("_nonce", nonce.as_str()),
    ];
    (app.post("/talent/workers", &form).await, id)
}

both_backends!(the_worker_form_keeps_what_was_typed_and_bounds_the_exam_year, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let next_year = shegong::platform::time::today().year() + 1;
    // Just outside the bounds (1989, the year after next, and the typos of the issue): refused,
    // with the message next to the field and every typed value kept.
    for (n, year) in
        [(1, "1989".to_string()), (2, (next_year + 1).to_string()), (3, "20222".into()), (4, "1850".into())]
    {
        let (r, typed_id) = register_with_exam(&mut app, n, &unit, &year, "13611110000").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "exam year {year}");
        assert!(r.body.contains("考试年度无效"), "exam year {year}: {}", r.body);
        for typed in [typed_id.as_str(), "13611110000", year.as_str()] {
            assert!(r.body.contains(&format!("value=\"{typed}\"")), "exam year {year}: {typed} kept");
        }
    }
    // On the bounds: 1990 and next year are accepted.
    for (n, year) in [(5, "1990".to_string()), (6, next_year.to_string())] {
        let (r, typed_id) = register_with_exam(&mut app, n, &unit, &year, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "exam year {year}: {}", r.body);
        let q = format!(
            "SELECT COUNT(*) FROM qualifications q JOIN social_workers w ON w.id = q.worker_id \
             WHERE w.id_number = '{typed_id}' AND q.exam_year = {year}"
        );
        assert_eq!(app.scalar(&q).await, 1, "exam year {year} recorded");
    }
    // A phone error on the edit form keeps the phone typed.
    let wid = app.scalar("SELECT MIN(id) FROM social_workers WHERE name = '年度测试社工'").await;
    let v = app.scalar(&format!("SELECT version FROM social_workers WHERE id = {wid}")).await.to_string();
    let r = app
        .post(
            &format!("/talent/workers/{wid}"),
            &[("name", "年度测试社工"), ("unit_id", unit.as_str()), ("phone", "1361111"), ("version", v.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"1361111\""), "the typed phone is kept on the edit form");
});
