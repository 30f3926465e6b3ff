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
