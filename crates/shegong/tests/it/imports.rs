//! The xlsx import kit through the web page, with files written by LibreOffice.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

const BAD: &[u8] = include_bytes!("../fixtures/units-libreoffice.xlsx");
const GOOD: &[u8] = include_bytes!("../fixtures/units-good-libreoffice.xlsx");

both_backends!(xlsx_import_is_all_or_nothing_with_a_row_report, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM org_units").await;
    let audit_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let r = app.upload("/units/import", "units.xlsx", BAD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Row 6: an 18-digit number typed into a number cell; 9: unknown kind; 10: no name; 11: bad order;
    // row 2 names 周市, which exists already.
    for needle in [
        "<td class=\"num\">6</td>",
        "<td class=\"num\">9</td>",
        "<td class=\"num\">10</td>",
        "<td class=\"num\">11</td>",
        "未写入任何数据",
    ] {
        assert!(r.body.contains(needle), "{needle} missing from the report");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units").await, before, "nothing written");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit_before);
    // Not an xlsx (type from content, not name), and an oversized file.
    let r = app.upload("/units/import", "units.xlsx", b"parent_path,code\n/320583/,x\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(shegong::platform::i18n::t(shegong::platform::i18n::Lang::Zh, "import.error.not_xlsx")));
    let big = vec![0u8; shegong::platform::xlsx::MAX_BYTES + 1];
    let r = app.upload("/units/import", "big.xlsx", &big).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(shegong::platform::i18n::t(shegong::platform::i18n::Lang::Zh, "import.error.too_large")));
    // Make room for the good file's 周市 by renaming the demo unit (its subtree follows).
    let z = app.unit_id("/320583/zhoushi/").await;
    let city = app.unit_id("/320583/").await.to_string();
    let r = app
        .post(
            &format!("/units/{z}"),
            &[
                ("parent_id", &city),
                ("code", "zhoushi-old"),
                ("name", "周市镇（旧）"),
                ("kind", "town"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.upload("/units/import", "good.xlsx", GOOD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("共写入 3 条"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM org_units WHERE path = '/320583/zhoushi/' AND division_code = '320583102'")
            .await,
        1,
        "a number cell became the code's digits"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM org_units WHERE path = '/320583/zhoushi/shibei/' AND kind = 'community'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM org_units WHERE path = '/320583/zhoushi/dongshi/' AND kind = 'village'").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'import'").await, 3);
    // The export is an xlsx that the importer reads back.
    let r = app.get("/units/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("filename*=UTF-8''")));
    let t = app.get("/units/template.xlsx").await;
    assert_eq!(t.status, StatusCode::OK);
});

#[tokio::test]
async fn station_manager_cannot_import_outside_scope() {
    let mut app = TestApp::sqlite().await;
    // Give the station role units.write for this test through a custom role.
    app.login_ok("security").await;
    let r = app
        .post(
            "/admin/roles",
            &[
                ("code", "unit_keeper"),
                ("name", "单位维护"),
                ("data_scope", "unit_and_below"),
                ("perm", "units.read"),
                ("perm", "units.write"),
                ("perm", "dashboard.read"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let role = app.scalar("SELECT id FROM roles WHERE code = 'unit_keeper'").await.to_string();
    let station = app.scalar("SELECT id FROM users WHERE username = 'station'").await;
    app.post(&format!("/admin/users/{station}/roles"), &[("role", &role)]).await;
    app.logout().await;
    app.login_ok("station").await;
    let before = app.scalar("SELECT COUNT(*) FROM org_units").await;
    let r = app.upload("/units/import", "good.xlsx", GOOD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "parents /320583/ are outside 周市's scope");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units").await, before);
}

fn credit_code(serial: u32) -> String {
    cncodes::CreditCode::complete(&format!("51320583MJ{serial:07}")).expect("valid code").as_str().to_string()
}

/// An organisation row of the import (registered 2020-05-01 in `unit`).
fn org(code: &str, name: &str, unit: &str) -> Vec<shegong::platform::xlsx::Cell> {
    use shegong::platform::xlsx::Cell;
    vec![
        Cell::Text(code.into()),
        Cell::Text(name.into()),
        Cell::Enum("social_group"),
        Cell::Text(unit.into()),
        Cell::Empty,
        Cell::Date(chrono::NaiveDate::from_ymd_opt(2020, 5, 1).expect("date")),
    ]
}

// One upload reports every problem: a cell problem on one row and a rule problem on another
// come back together (the rules used to run only once the cells were clean, so a second upload
// showed more problems on untouched rows), a rule does not repeat a cell's problem, and nothing
// is written. A unit is named by its path, code or name; one that does not exist is "no such
// unit", one outside the importer's scope says so.
both_backends!(one_upload_reports_cell_and_rule_problems_together, |mut app: TestApp| async move {
    use shegong::platform::import::{Format, ImportCtx, RowError};
    use shegong::platform::xlsx::Cell;
    let columns = shegong::orgs::import::XLSX_COLUMNS;
    let mut bad_date = org(&credit_code(9001), "昆山市一次报告测试一协会", "/320583/zhoushi/");
    bad_date[5] = Cell::Text("2020-13-45".into());
    let nowhere = org(&credit_code(9002), "昆山市一次报告测试二协会", "/320583/nowhere/");
    // 周市镇 and its community 周市社区 share the code "zhoushi": the code alone is ambiguous.
    let by_code = org(&credit_code(9003), "昆山市一次报告测试三协会", "zhoushi");
    let town: String = {
        use sea_orm::ConnectionTrait;
        let q = "SELECT name FROM org_units WHERE path = '/320583/zhoushi/'";
        let row = app.db.conn.query_one(sea_orm::Statement::from_string(app.db.backend(), q)).await.expect(q);
        row.expect("the town").try_get_by_index(0).expect("name")
    };
    let by_name = org(&credit_code(9005), "昆山市一次报告测试五协会", &town);
    let file = shegong::platform::xlsx::write(columns, &[bad_date, nowhere, by_code, by_name]).expect("xlsx");
    let before = app.scalar("SELECT COUNT(*) FROM organisations").await;
    let imports = "SELECT COUNT(*) FROM audit_log WHERE action = 'import'";
    let audit_before = app.scalar(imports).await;

    let actor = shegong::platform::audit::Actor::system("test");
    let all = shegong::platform::access::Scope::all();
    let ctx =
        |scope| ImportCtx { db: &app.db, actor: &actor, scope, today: shegong::platform::time::today(), parent: None };
    let report = shegong::orgs::import::ORGS.import(&ctx(&all), Format::Xlsx, &file).await.expect("import");
    let found: Vec<(usize, &str, &str)> =
        report.errors.iter().map(|e: &RowError| (e.row, e.column.as_str(), e.key.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (2, "登记日期", "import.error.date"),
            (3, "unit_path", "import.error.no_unit"),
            (4, "unit_path", "import.error.unit_ambiguous")
        ],
        "every problem, once each; the unit named by its name is found"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM organisations").await, before, "nothing written");

    // Inside 周市's subtree the city itself is out of scope: its own message.
    let zhoushi = shegong::platform::access::Scope {
        subtrees: vec!["/320583/zhoushi/".into()],
        ..shegong::platform::access::Scope::default()
    };
    let city = org(&credit_code(9004), "昆山市一次报告测试四协会", "/320583/");
    let file2 = shegong::platform::xlsx::write(columns, &[city]).expect("xlsx");
    let report = shegong::orgs::import::ORGS.import(&ctx(&zhoushi), Format::Xlsx, &file2).await.expect("import");
    assert_eq!(report.errors.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), vec!["import.error.unit_scope"]);

    // The page shows both problems of the first file in one upload.
    app.login_ok("bureau").await;
    let r = app.upload("/orgs/import", "orgs.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let zh = |key: &str| shegong::platform::i18n::t(shegong::platform::i18n::Lang::Zh, key).to_string();
    for needle in
        ["<td class=\"num\">2</td>", "<td class=\"num\">3</td>", &zh("import.error.date"), &zh("import.error.no_unit")]
    {
        assert!(r.body.contains(needle), "{needle} missing from the report");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM organisations").await, before, "nothing written");
    assert_eq!(app.scalar(imports).await, audit_before, "nothing audited");
});

/// Every cell of a sheet of a workbook as text.
fn sheet_cells(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
}

// The template explains each column (what to enter, required, format, the labels allowed, not
// the internal codes; the grade year's example is a year) and lists the units the uploader may
// name: every unit for the Bureau, the station's subtree for a station manager.
both_backends!(templates_explain_columns_and_list_the_units_in_scope, |mut app: TestApp| async move {
    use shegong::platform::xlsx::{HELP_SHEET, UNITS_SHEET};
    app.login_ok("bureau").await;
    let (status, bytes) = app.get_bytes("/orgs/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let help = sheet_cells(&bytes, HELP_SHEET);
    let row = |zh: &str| help.iter().find(|r| r.first().is_some_and(|c| c.starts_with(zh))).cloned();
    let grade_year = row("评估年度").expect("grade year explained").join(" ");
    assert!(grade_year.contains("2022") && !grade_year.contains("如 12"), "{grade_year}");
    let unit = row("所属单位路径").expect("unit explained").join(" ");
    assert!(unit.contains(UNITS_SHEET) && unit.contains("是 / Yes"), "{unit}");
    let org_type = row("类型").expect("type explained").join(" ");
    assert!(org_type.contains("社会团体") && !org_type.contains("social_group"), "{org_type}");
    assert!(!help.concat().concat().contains("(social_group)"));
    let units = sheet_cells(&bytes, UNITS_SHEET);
    assert_eq!(units.len() as i64 - 1, app.scalar("SELECT COUNT(*) FROM org_units WHERE active = TRUE").await);
    assert!(units.iter().any(|r| r.first().is_some_and(|p| p == "/320583/zhoushi/")));
    app.logout().await;
    app.login_ok("station").await;
    let station_unit = app.scalar("SELECT unit_id FROM users WHERE username = 'station'").await;
    let (status, bytes) = app.get_bytes("/party/activities/template.xlsx").await;
    if status == StatusCode::OK {
        let units = sheet_cells(&bytes, UNITS_SHEET);
        let below = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM org_units WHERE active = TRUE AND path LIKE \
                 (SELECT path FROM org_units WHERE id = {station_unit}) || '%'"
            ))
            .await;
        assert_eq!(units.len() as i64 - 1, below, "the station's subtree only");
    }
});

// An enum cell that is not one of the choices is reported with the choices' labels in the
// reader's language, never the internal codes ("allowed: social_group, …" in English used to
// be shown); the English label named there is accepted.
both_backends!(enum_problems_list_labels_in_the_readers_language, |app: TestApp| async move {
    use shegong::platform::i18n::Lang;
    use shegong::platform::import::{Format, ImportCtx};
    use shegong::platform::xlsx::Cell;
    let columns = shegong::orgs::import::XLSX_COLUMNS;
    let mut bad = org(&credit_code(9101), "昆山市选项标签测试协会", "/320583/zhoushi/");
    bad[2] = Cell::Text("association".into());
    let file = shegong::platform::xlsx::write(columns, &[bad]).expect("xlsx");
    let actor = shegong::platform::audit::Actor::system("test");
    let all = shegong::platform::access::Scope::all();
    let ctx =
        ImportCtx { db: &app.db, actor: &actor, scope: &all, today: shegong::platform::time::today(), parent: None };
    let report = shegong::orgs::import::ORGS.import(&ctx, Format::Xlsx, &file).await.expect("import");
    let en = report.to_text(Lang::En, columns);
    let zh = report.to_text(Lang::Zh, columns);
    for (code, label_zh, label_en) in shegong::orgs::import::TYPE_OPTIONS {
        assert!(en.contains(label_en) && !en.contains(code), "{en}");
        assert!(zh.contains(label_zh) && !zh.contains(code), "{zh}");
    }
    // The English label is read as the choice.
    // (A social service institution's credit code has 2 as its second character.)
    let code = cncodes::CreditCode::complete("52320583MJ0009102").expect("valid code").as_str().to_string();
    let mut by_label = org(&code, "昆山市英文标签测试中心", "/320583/zhoushi/");
    by_label[2] = Cell::Text("social service institution".into());
    let file = shegong::platform::xlsx::write(columns, &[by_label]).expect("xlsx");
    let report = shegong::orgs::import::ORGS.import(&ctx, Format::Xlsx, &file).await.expect("import");
    assert!(report.errors.is_empty(), "{}", report.to_text(Lang::En, columns));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM organisations WHERE credit_code = '{code}' AND org_type = 'service_institution'"
        ))
        .await,
        1
    );
});

// The exam-results import bounds exam years as the worker form does (1990 to next year,
// `talent::model::exam_years`); it used to take 2008 to 2100.
both_backends!(exam_import_bounds_years_as_the_worker_form_does, |app: TestApp| async move {
    use chrono::Datelike;
    use shegong::platform::xlsx::Cell;
    let today = shegong::platform::time::today();
    let years = shegong::talent::model::exam_years(today);
    let id = {
        use sea_orm::ConnectionTrait;
        let q = "SELECT id_number FROM social_workers ORDER BY id LIMIT 1";
        let row = app.db.conn.query_one(sea_orm::Statement::from_string(app.db.backend(), q)).await.expect(q);
        row.expect("a worker").try_get_by_index::<String>(0).expect("id number")
    };
    let row = |year: i32| {
        vec![
            Cell::Text("某社工".into()),
            Cell::Text(id.clone()),
            Cell::Enum("assistant"),
            Cell::Int(i64::from(year)),
            Cell::Text(String::new()),
        ]
    };
    let all = shegong::platform::access::Scope::all();
    let cols = shegong::talent::import::COLUMNS;
    let refused = |p: &shegong::talent::import::ExamPreview| {
        p.errors.iter().filter(|e| e.column == "exam_year").map(|e| e.row).collect::<Vec<_>>()
    };
    // The bounds themselves pass; one year outside either is refused (row 2 is the first row).
    let file =
        shegong::platform::xlsx::write(cols, &[row(*years.start()), row(*years.end()), row(2005)]).expect("xlsx");
    let p = shegong::talent::import::preview(&app.db, &all, today, &file).await.expect("preview");
    assert!(refused(&p).is_empty(), "{:?}", p.errors);
    let file = shegong::platform::xlsx::write(cols, &[row(*years.start() - 1), row(today.year() + 2)]).expect("xlsx");
    let p = shegong::talent::import::preview(&app.db, &all, today, &file).await.expect("preview");
    assert_eq!(refused(&p), vec![2, 3], "{:?}", p.errors);
});
