use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(create_edit_move_and_stale_edits, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let lujia = app.unit_id("/320583/lujia/").await.to_string();
    // Bad input: every problem is shown next to its field, nothing is written.
    let r = app.post("/units", &[("parent_id", &zhoushi), ("code", "Bad Code"), ("name", ""), ("kind", "moon")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("代码只能包含小写字母、数字和连字符"));
    assert!(r.body.contains("请填写名称"));
    assert!(r.body.contains("请选择类型"));
    // Create a community with a child.
    let r = app
        .post("/units", &[("parent_id", &zhoushi), ("code", "xinjie"), ("name", "新街社区"), ("kind", "community")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.unit_id("/320583/zhoushi/xinjie/").await;
    let r = app
        .post("/units", &[("parent_id", &id.to_string()), ("code", "room1"), ("name", "社工室"), ("kind", "other")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Duplicate code under the same parent.
    let r = app
        .post("/units", &[("parent_id", &zhoushi), ("code", "xinjie"), ("name", "重复"), ("kind", "community")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("同一上级下已有相同代码"));
    // Move it to 陆家 and rename: the child's path follows.
    let r = app
        .post(
            &format!("/units/{id}"),
            &[
                ("parent_id", &lujia),
                ("code", "xinjie2"),
                ("name", "新街社区"),
                ("kind", "community"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM org_units WHERE path = '/320583/lujia/xinjie2/room1/' AND depth = 3").await,
        1
    );
    // The same form again carries version 1: refused as stale, nothing changes.
    let r = app
        .post(
            &format!("/units/{id}"),
            &[("parent_id", &zhoushi), ("code", "xinjie"), ("name", "旧名"), ("kind", "community"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("已被他人修改"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE name = '旧名'").await, 0);
    // A unit cannot move under its own child.
    let child = app.unit_id("/320583/lujia/xinjie2/room1/").await.to_string();
    let r = app
        .post(
            &format!("/units/{id}"),
            &[
                ("parent_id", &child),
                ("code", "xinjie2"),
                ("name", "新街社区"),
                ("kind", "community"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Deactivate with the current version.
    let r = app.post(&format!("/units/{id}/active"), &[("active", "false"), ("version", "2")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM org_units WHERE id = {id} AND active = FALSE")).await, 1);
    // Every write is in the audit log with before and after.
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'org_unit' AND entity_id = '{id}' AND before_json IS NOT NULL AND after_json IS NOT NULL")).await, 2);
    assert!(shegong::units::store::check_tree(&app.db.conn).await.expect("check").is_empty());
});

both_backends!(read_only_roles_cannot_write, |mut app: TestApp| async move {
    app.login_ok("leader").await;
    let zhoushi = app.unit_id("/320583/zhoushi/").await.to_string();
    let r = app
        .post("/units", &[("parent_id", &zhoushi), ("code", "nope"), ("name", "不该有"), ("kind", "community")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("您没有权限"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE code = 'nope'").await, 0);
});

both_backends!(demo_tree_is_kunshan, |app: TestApp| async move {
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE depth = 1").await, 11);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM org_units WHERE path = '/320583/kaifaqu/xiuyi/'").await, 1);
    let communities = app.scalar("SELECT COUNT(*) FROM org_units WHERE depth = 2").await;
    assert!((250..=450).contains(&communities), "a few hundred communities: {communities}");
});

// The first node of the tree opens with its children already there (an open `<details>` never
// fires the `toggle` that loads the others): the open node's list starts with a child, not the
// "loading" placeholder, and every child of the scope's root is named on the page.
both_backends!(tree_opens_with_the_first_level_loaded, |mut app: TestApp| async move {
    for (user, root) in [("bureau", "/320583/"), ("station", "/320583/zhoushi/")] {
        app.login_ok(user).await;
        let r = app.get("/units").await;
        assert_eq!(r.status, StatusCode::OK);
        let open = r.body.split("<details open>").nth(1).expect("the first node is open");
        let list = open.split_once(r#"<ul class="subtree">"#).map(|x| x.1).expect("its list").trim_start();
        assert!(list.starts_with("<li>"), "{user}: the open node lists its children: {}", &list[..list.len().min(200)]);
        let root_id = app.unit_id(root).await;
        let rows = shegong::units::children(&app.db.conn, &shegong::platform::access::Scope::all(), root_id)
            .await
            .expect("children");
        assert_eq!(
            rows.len() as i64,
            app.scalar(&format!("SELECT COUNT(*) FROM org_units WHERE parent_id = {root_id}")).await
        );
        assert!(!rows.is_empty());
        for u in &rows {
            assert!(list.contains(&format!("/units/{}\"", u.id)), "{user}: {} is listed", u.name);
        }
        app.logout().await;
    }
});

// Units have English names (the demo's city, districts and towns): the English interface used
// them only on the units' own pages, and showed the Chinese names in every unit picker, in the
// tables and in the header. Now each screen is in one language, the Chinese name standing in
// where a unit has no English one (communities and villages).
both_backends!(english_pages_name_units_in_english, |mut app: TestApp| async move {
    let (zh, en) = (
        app.text("SELECT name FROM org_units WHERE path = '/320583/zhoushi/'").await,
        app.text("SELECT name_en FROM org_units WHERE path = '/320583/zhoushi/'").await,
    );
    assert!(!en.is_empty());
    let zhoushi = app.unit_id("/320583/zhoushi/").await;
    let option = |name: &str| format!(">　{name}</option>");
    app.login_ok("bureau").await;
    let pickers = ["/orgs", "/orgs/new", "/events/new", "/talent/workers/new", "/party/coverage"];
    for path in pickers {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains(&option(&zh)), "{path}: the Chinese page's picker: {}", r.body);
    }
    app.get("/lang/en?next=/").await;
    for path in pickers {
        let r = app.get(path).await;
        assert!(r.body.contains(&option(&en)), "{path}: the English page's picker names {en}");
        assert!(!r.body.contains(&option(&zh)), "{path}: and not {zh}");
    }
    // Tables: an organisation registered on the town itself, and the Party coverage by town.
    let org = app.text("SELECT MIN(o.name) FROM organisations o JOIN org_units u ON u.id = o.unit_id WHERE u.path = '/320583/zhoushi/'").await;
    let list = app.get(&format!("/orgs?unit={zhoushi}&per_page=200")).await;
    let row = crate::helpers::between(&list.body, &format!("{org}</a>"), "</tr>").join("");
    assert!(row.contains(&en) && !row.contains(&zh), "{row}");
    let coverage = app.get("/party/coverage").await;
    assert!(coverage.body.contains(&format!(">{en}</a>")), "coverage lines name the towns in English");
    // An organisation's competent department, where it has an English name.
    let org = app.scalar("SELECT MIN(id) FROM organisations WHERE department_id IS NOT NULL").await;
    app.exec(&format!(
        "UPDATE departments SET name_en = 'Test Bureau of Education' WHERE id = (SELECT department_id FROM organisations WHERE id = {org})"
    ))
    .await;
    let detail = app.get(&format!("/orgs/{org}")).await;
    assert!(detail.body.contains("<dd>Test Bureau of Education</dd>"), "the department in English");
    // A community without an English name keeps its Chinese one.
    let community = app.text("SELECT MIN(name) FROM org_units WHERE depth = 2 AND name_en = ''").await;
    let r = app.get("/orgs/new").await;
    assert!(r.body.contains(&format!("　　{community}</option>")), "{community} falls back to Chinese");
});
