//! Numbers and input (issue 10, item 5): the ceiling of one amount in every form and import, sums
//! that no stored amount can break, bounded paging, JSON for panicking API routes, search boxes
//! whose `%` and `_` match themselves, and bounded import reports with the whole report as xlsx.

use axum::http::{header, StatusCode};
use shegong::platform::access::{Need, Routes};
use shegong::platform::money::{max_amount, Money};
use shegong::platform::xlsx::{write, Cell};

use crate::both_backends;
use crate::helpers::{test_config, TestApp};

/// The amount that overflowed the sums: i64::MAX fen.
const HUGE: &str = "92,233,720,368,547,758.07";

/// The ceiling message as the pages show it (default ceiling: 10,000,000,000 yuan).
fn ceiling_message() -> String {
    format!("金额不能超过 {} 元", max_amount().yuan_text())
}

async fn item(app: &TestApp, code: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM service_categories WHERE year = 2022 AND code = '{code}'")).await
}

/// The sum of every stored amount of a table, as the figures should show it: exact, saturated at
/// the i64 bounds (the raw rows are summed here in i128).
async fn stored_sum(app: &TestApp, q: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let rows =
        app.db.conn.query_all(sea_orm::Statement::from_string(app.db.backend(), q.to_string())).await.expect("rows");
    let total: i128 = rows.iter().map(|r| i128::from(r.try_get_by_index::<i64>(0).expect("fen"))).sum();
    i64::try_from(total).unwrap_or(i64::MAX)
}

/// POSTs a form given as owned values.
async fn post(app: &mut TestApp, path: &str, form: &[(&str, String)]) -> crate::helpers::TestResponse {
    let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, &f).await
}

async fn amounts_above_ceiling(app: &TestApp) -> i64 {
    let max = max_amount().fen();
    let mut n = 0;
    for t in ["projects", "project_payments", "fund_entries"] {
        n += app.scalar(&format!("SELECT COUNT(*) FROM {t} WHERE amount_fen > {max}")).await;
    }
    n
}

both_backends!(amounts_above_the_ceiling_are_refused_in_every_form_and_import, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    let category = item(&app, "B1").await.to_string();
    let project = |amount: &'static str| {
        vec![
            ("unit_id", unit.clone()),
            ("year", "2022".to_string()),
            ("title", "周市镇金额上限测试项目".to_string()),
            ("category_id", category.clone()),
            ("amount", amount.to_string()),
            ("starts_on", "2022-03-01".to_string()),
            ("ends_on", "2022-12-31".to_string()),
        ]
    };
    // The project form.
    let r = post(&mut app, "/services/projects", &project(HUGE)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&ceiling_message()), "{}", r.body);
    let r = post(&mut app, "/services/projects", &project("10,000,000,000.01")).await;
    assert!(r.body.contains(&ceiling_message()), "one fen above the ceiling");
    // At the ceiling: accepted.
    let r = post(&mut app, "/services/projects", &project("10,000,000,000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/services/projects/").parse().expect("project id");
    // The sign form.
    let v = app.scalar(&format!("SELECT version FROM projects WHERE id = {id}")).await.to_string();
    let r = app
        .post(
            &format!("/services/projects/{id}/advance"),
            &[("to", "procurement"), ("version", v.as_str()), ("happened_on", "2022-02-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let agency =
        app.scalar("SELECT MIN(id) FROM organisations WHERE is_agency = TRUE AND status = 'normal'").await.to_string();
    let v = app.scalar(&format!("SELECT version FROM projects WHERE id = {id}")).await.to_string();
    let sign = |amount: &str| {
        vec![
            ("agency_id", agency.clone()),
            ("contract_no", "KS-CEIL-001".to_string()),
            ("amount", amount.to_string()),
            ("signed_on", "2022-03-01".to_string()),
            ("version", v.clone()),
        ]
    };
    let r = post(&mut app, &format!("/services/projects/{id}/sign"), &sign(HUGE)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&ceiling_message()), "{}", r.body);
    let r = post(&mut app, &format!("/services/projects/{id}/sign"), &sign("9,000,000,000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The payment form.
    let r = app
        .post(
            &format!("/services/projects/{id}/payments"),
            &[("kind", "instalment"), ("paid_on", "2022-06-10"), ("amount", HUGE), ("voucher_ref", "V-CEIL")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&ceiling_message()), "{}", r.body);
    // The fund form.
    let r = app
        .post(
            "/talent/fund",
            &[("kind", "contribution"), ("entry_on", "2022-06-01"), ("amount", HUGE), ("counterparty", "某慈善基金会")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&ceiling_message()), "{}", r.body);
    // The project and payment imports (a huge amount is written as exact text).
    use shegong::services::import::{PAYMENT_COLUMNS, PROJECT_COLUMNS};
    let d = |s: &str| Cell::Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date"));
    let t = |s: &str| Cell::Text(s.to_string());
    let row = vec![
        t("周市镇"),
        Cell::Int(2022),
        t("导入金额上限测试项目"),
        t("B1"),
        Cell::Fen(i64::MAX),
        d("2022-03-01"),
        d("2022-12-31"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ];
    let r = app.upload("/services/import/projects", "p.xlsx", &write(PROJECT_COLUMNS, &[row]).expect("xlsx")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&ceiling_message()), "{}", r.body);
    let pay = vec![t("KS-CEIL-001"), Cell::Enum("instalment"), d("2022-04-01"), Cell::Fen(i64::MAX), t("P-CEIL")];
    let r = app.upload("/services/import/payments", "pay.xlsx", &write(PAYMENT_COLUMNS, &[pay]).expect("xlsx")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&ceiling_message()), "{}", r.body);
    // Nothing above the ceiling was stored, and every figure still answers.
    assert_eq!(amounts_above_ceiling(&app).await, 0);
    for path in ["/", "/services/figures?year=2022", "/services/figures.xlsx?year=2022", "/talent/fund?year=2022"] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    // No API takes an amount; the figures APIs answer (and the English message names the ceiling).
    let token = app.token_for("bureau").await;
    for path in ["/api/v1/services/figures?year=2022", "/api/v1/fund?year=2022", "/api/v1/figures"] {
        let (s, body) = app.api("GET", path, Some(&token), None).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
    }
    let en =
        shegong::platform::i18n::message(shegong::platform::i18n::Lang::En, shegong::platform::money::KEY_TOO_LARGE);
    assert!(en.contains("10,000,000,000.00 yuan"), "{en}");
});

both_backends!(stored_amounts_beyond_any_sum_do_not_break_the_figures, |mut app: TestApp| async move {
    // Amounts written before the ceiling existed (or behind the application's back): every
    // figure, export and API still answers, with sums saturated at the i64 bounds.
    let max = i64::MAX;
    app.exec(&format!("UPDATE projects SET amount_fen = {max} WHERE id IN (SELECT id FROM projects WHERE year = 2022 ORDER BY id LIMIT 2)")).await;
    let paid = app.scalar("SELECT MIN(project_id) FROM project_payments").await;
    app.exec(&format!("UPDATE project_payments SET amount_fen = {max} WHERE project_id = {paid}")).await;
    app.exec(&format!("UPDATE fund_entries SET amount_fen = {max}")).await;
    app.exec(&format!(
        "INSERT INTO fund_entries (unit_id, kind, entry_on, amount_fen, counterparty, purpose, approval_ref, created_at) \
         SELECT unit_id, 'contribution', entry_on, {max}, counterparty, purpose, approval_ref, created_at FROM fund_entries \
         WHERE kind = 'contribution'"
    ))
    .await;
    app.login_ok("bureau").await;
    for path in [
        "/",
        "/services",
        "/services?per_page=200&sort=amount",
        "/services/figures?year=2022",
        "/services/figures.xlsx?year=2022",
        "/services/figures.csv?year=2022",
        "/services/export/projects.xlsx",
        "/talent/fund?year=2022",
        "/talent/fund/statement.xlsx?year=2022",
        &format!("/services/projects/{paid}"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body.chars().take(300).collect::<String>());
    }
    let token = app.token_for("bureau").await;
    let (s, f) = app.api("GET", "/api/v1/services/figures?year=2022", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let expected = stored_sum(&app, "SELECT amount_fen FROM projects WHERE year = 2022").await;
    assert_eq!(f["amount_fen"].as_i64(), Some(expected));
    assert_eq!(expected, i64::MAX, "saturated");
    let (s, f) = app.api("GET", "/api/v1/fund?year=2022", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(
        f["in_fen"].as_i64(),
        Some(stored_sum(&app, "SELECT amount_fen FROM fund_entries WHERE kind = 'contribution'").await)
    );
    for path in ["/api/v1/figures", "/api/v1/services/projects?per_page=200"] {
        let (s, body) = app.api("GET", path, Some(&token), None).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
    }
    // `shegong check` names the amounts above the ceiling.
    let problems = shegong::cli::check(&app.db).await.expect("check");
    assert!(problems.iter().any(|p| p.to_string().starts_with("projects.amount_fen: 2 ")), "{problems:?}");
    assert!(problems.iter().any(|p| p.to_string().starts_with("fund_entries.amount_fen")), "{problems:?}");
    // Money formatting of the saturated sum.
    assert_eq!(Money(i64::MAX).yuan_text(), HUGE);
});

both_backends!(page_numbers_are_bounded, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    for q in ["page=18446744073709551615", "page=0", "page=abc", "page=100001", "per_page=201", "per_page=-1"] {
        let r = app.get(&format!("/orgs?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "/orgs?{q}");
        assert!(r.body.contains("页码或每页条数无效"), "{}", r.body);
    }
    // The last allowed page is an empty page; a blank value is the default.
    assert_eq!(app.get("/orgs?page=100000&per_page=200").await.status, StatusCode::OK);
    assert_eq!(app.get("/orgs?page=&per_page=").await.status, StatusCode::OK);
    assert_eq!(app.get("/services?page=18446744073709551615").await.status, StatusCode::BAD_REQUEST);
    let token = app.token_for("bureau").await;
    for path in
        ["/api/v1/orgs?page=18446744073709551615", "/api/v1/units?per_page=100000", "/api/v1/services/projects?page=x"]
    {
        let (s, body) = app.api("GET", path, Some(&token), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["code"], "error.paging", "{path}: {body}");
        assert!(body["message_en"].as_str().is_some_and(|m| m.contains("100000")), "{body}");
    }
    let (s, body) = app.api("GET", "/api/v1/orgs?page=100000&per_page=200", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0));
    // Past the end there is no row to carry the count: it is still the count of every match.
    let all = app.scalar("SELECT COUNT(*) FROM organisations").await;
    assert_eq!(body["total"].as_i64(), Some(all), "{body}");
    let (_, first) = app.api("GET", "/api/v1/orgs?per_page=7", Some(&token), None).await;
    assert_eq!((first["total"].as_i64(), first["items"].as_array().map(Vec::len)), (Some(all), Some(7)));
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_api_route_answers_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = test_config(dir.path().join("p.db").to_str().expect("path"));
    async fn boom() -> &'static str {
        panic!("deliberate test panic")
    }
    let extra = Routes::new().get("/api/v1/test/panic", Need::Public, boom).get("/test/panic", Need::Public, boom);
    let mut app = TestApp::with_config(cfg, extra).await;
    let req = axum::http::Request::get("/api/v1/test/panic").body(axum::body::Body::empty()).expect("request");
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let ctype = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let body: serde_json::Value = serde_json::from_str(&r.body).expect("JSON body");
    assert_eq!(body["code"], "error.internal");
    assert!(!r.body.contains("deliberate"), "internals are not shown");
    // The security headers are on the answer; pages still get the HTML error page.
    assert!(r.headers.contains_key(header::X_CONTENT_TYPE_OPTIONS));
    let page = app.get("/test/panic").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("系统出现错误"), "{}", page.body);
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

both_backends!(search_wildcards_match_themselves, |mut app: TestApp| async move {
    // Two organisations get a literal % and _ in their names.
    let a = app.scalar("SELECT MIN(id) FROM organisations").await;
    let b = app.scalar("SELECT MAX(id) FROM organisations").await;
    app.exec(&format!("UPDATE organisations SET name = name || '100%' WHERE id = {a}")).await;
    app.exec(&format!("UPDATE organisations SET name = name || 'a_b' WHERE id = {b}")).await;
    let all = app.scalar("SELECT COUNT(*) FROM organisations").await;
    let token = app.token_for("bureau").await;
    for (q, needle) in [("%25", "%"), ("_", "_"), ("0%25", "0%"), ("a_b", "a_b"), ("%5C", "\\")] {
        let names = {
            use sea_orm::ConnectionTrait;
            app.db
                .conn
                .query_all(sea_orm::Statement::from_string(
                    app.db.backend(),
                    "SELECT name FROM organisations".to_string(),
                ))
                .await
                .expect("names")
                .iter()
                .filter(|r| r.try_get_by_index::<String>(0).expect("name").contains(needle))
                .count() as i64
        };
        let (s, body) = app.api("GET", &format!("/api/v1/orgs?q={q}&per_page=200"), Some(&token), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body["total"].as_i64(), Some(names), "q={needle}: {body}");
        assert!(names < all);
    }
    app.login_ok("bureau").await;
    let page = app.get("/orgs?q=%25").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("共 1 条") && page.body.contains("100%"), "only the organisation with a literal %");
    assert!(app.get("/orgs?q=_").await.body.contains("共 1 条"), "only the organisation with a literal _");
    for path in ["/units/list?q=%25", "/services?q=%25", "/services/team?q=_", "/events?q=%25", "/talent/workers?q=_"] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    app.logout().await;
    app.login_ok("admin").await;
    // Users whose user name, name or unit holds a literal _ (the administrator sees every user).
    app.exec("UPDATE users SET display_name = display_name || '_x' WHERE username = 'worker'").await;
    let literal = {
        use sea_orm::ConnectionTrait;
        let q = "SELECT u.username || u.display_name || o.name FROM users u JOIN org_units o ON o.id = u.unit_id";
        app.db
            .conn
            .query_all(sea_orm::Statement::from_string(app.db.backend(), q.to_string()))
            .await
            .expect("users")
            .iter()
            .filter(|r| r.try_get_by_index::<String>(0).expect("text").contains('_'))
            .count()
    };
    assert!(literal >= 1);
    let users = app.get("/admin/users?q=_").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains(&format!("共 {literal} 条")), "only users with a literal _");
});

both_backends!(import_pages_show_the_first_problems_and_offer_all_of_them, |mut app: TestApp| async move {
    use shegong::services::import::PROJECT_COLUMNS;
    app.login_ok("bureau").await;
    let d = |s: &str| Cell::Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date"));
    let t = |s: &str| Cell::Text(s.to_string());
    // 250 rows, each with an amount above the ceiling and a bad year: 500 problems.
    let rows: Vec<Vec<Cell>> = (0..250)
        .map(|i| {
            vec![
                t("周市镇"),
                Cell::Text(format!("year{i}")),
                t("导入报告测试项目"),
                t("B1"),
                Cell::Fen(i64::MAX),
                d("2022-03-01"),
                d("2022-12-31"),
            ]
        })
        .collect();
    let bytes = write(PROJECT_COLUMNS, &rows).expect("xlsx");
    let r = app.upload("/services/import/projects", "p.xlsx", &bytes).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let table = &r.body[r.body.find("id=\"import-errors\"").expect("table")..];
    let table = &table[..table.find("</table>").expect("end")];
    assert_eq!(table.matches("<tr><td class=\"num\">").count(), shegong::platform::import::SHOWN_ERRORS);
    assert!(r.body.contains("文件有 500 处错误"), "the total is named");
    assert!(r.body.contains("以下列出前 200 处，共 500 处"));
    let i = r.body.find("href=\"/imports/report/").expect("report link") + 6;
    let href: String = r.body[i..].chars().take_while(|c| *c != '"').collect();
    let (s, report) = app.get_bytes(&href).await;
    assert_eq!(s, StatusCode::OK);
    // Read back with calamine: a header and every problem.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(report)).expect("xlsx");
    let sheet = wb.worksheet_range(shegong::platform::xlsx::DATA_SHEET).expect("sheet");
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 501);
    let too_large = rows.iter().filter(|r| r[2].to_string().contains(&ceiling_message())).count();
    assert_eq!(too_large, 250);
    assert!(rows.iter().skip(1).all(|r| !r[0].to_string().is_empty() && !r[3].to_string().is_empty()));
    assert_eq!(rows[1][1].to_string(), "年度");
    // The report is the uploader's own: another user (and a made-up token) gets 404.
    app.logout().await;
    app.login_ok("admin").await;
    assert_eq!(app.get_bytes(&href).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_bytes("/imports/report/00000000000000000000000000000000").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_bytes("/imports/report/..%2F..%2Fetc").await.0, StatusCode::NOT_FOUND);
    // A small failed import lists every problem without the "first N" note.
    app.logout().await;
    app.login_ok("bureau").await;
    let bytes = write(PROJECT_COLUMNS, &rows_of(&t, &d, 3)).expect("xlsx");
    let r = app.upload("/services/import/projects", "p.xlsx", &bytes).await;
    assert!(r.body.contains("文件有 3 处错误") && !r.body.contains("以下列出前"), "{}", r.body);
    // The earlier report of this user was replaced.
    assert_eq!(app.get_bytes(&href).await.0, StatusCode::NOT_FOUND);
});

fn rows_of(t: &dyn Fn(&str) -> Cell, d: &dyn Fn(&str) -> Cell, n: usize) -> Vec<Vec<Cell>> {
    (0..n)
        .map(|_| {
            vec![
                t("周市镇"),
                Cell::Int(2022),
                t("导入报告测试项目"),
                t("B1"),
                Cell::Fen(-5),
                d("2022-03-01"),
                d("2022-12-31"),
            ]
        })
        .collect()
}
