use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(audit_log_is_searchable_and_tamper_evident, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let z = app.unit_id("/320583/zhoushi/").await.to_string();
    app.post("/units", &[("parent_id", &z), ("code", "audited"), ("name", "审计测试社区"), ("kind", "community")])
        .await;
    app.logout().await;
    // Only the audit administrator reads the log.
    app.login_ok("admin").await;
    assert_eq!(app.get("/admin/audit").await.status, StatusCode::FORBIDDEN);
    app.logout().await;
    app.login_ok("auditor").await;
    let page = app.get("/admin/audit?entity=org_unit&action=create").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("审计测试社区"));
    assert!(page.body.contains("共 1 条"));
    // The chain verifies; then an edit made directly in the database is detected.
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty());
    app.exec("UPDATE audit_log SET actor_name = 'someone-else' WHERE action = 'create' AND entity = 'org_unit'").await;
    let problems = shegong::cli::check(&app.db).await.expect("check");
    assert!(problems.iter().any(|p| p.contains("altered")), "{problems:?}");
    // Deleting the newest rows is detected too.
    app.exec("UPDATE audit_log SET actor_name = 'admin' WHERE action = 'create' AND entity = 'org_unit'").await;
    assert!(shegong::cli::check(&app.db).await.expect("check").is_empty());
    let max = app.scalar("SELECT MAX(id) FROM audit_log").await;
    app.exec(&format!("DELETE FROM audit_log WHERE id = {max}")).await;
    let problems = shegong::cli::check(&app.db).await.expect("check");
    assert!(problems.iter().any(|p| p.contains("removed")), "{problems:?}");
});
