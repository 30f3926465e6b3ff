//! The record-level access matrix: every registered route that takes a record id, called by
//! every role with a limited data scope, with the ids of real records outside that scope taken
//! from the database (and valid-looking forms for POSTs), answers 404 and changes no table.
//!
//! Which records lie outside a scope is worked out here from the roles' data scopes and the
//! records' units, independently of the server's own filters (`Record::filter`). A new domain
//! joins the matrix by declaring its id routes with `Routes::with`; a record kind that the
//! matrix cannot place in the tree fails the test until it is taught here.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};
use shegong::platform::access::{DataScope, Reach, Record, RouteDef, DEMO_USERS, ROLES};

use crate::both_backends;
use crate::helpers::TestApp;

/// Tables a refused request may still touch: the session row (last seen, flash).
const VOLATILE: &[&str] = &["sessions"];

/// Row count and a digest of every row of every table.
async fn snapshot(app: &TestApp) -> BTreeMap<String, (i64, String)> {
    let conn = &app.db.conn;
    let b = conn.get_database_backend();
    let pg = app.db.is_postgres();
    let q = if pg {
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    };
    let tables: Vec<String> = conn
        .query_all(Statement::from_string(b, q))
        .await
        .expect("tables")
        .iter()
        .map(|r| r.try_get::<String>("", "name").expect("name"))
        .collect();
    let mut out = BTreeMap::new();
    for t in tables.into_iter().filter(|t| !VOLATILE.contains(&t.as_str())) {
        let q = if pg {
            format!("SELECT COUNT(*) AS n, COALESCE(string_agg(x::text, '|' ORDER BY x::text), '') AS body FROM {t} x")
        } else {
            let cols: Vec<String> = conn
                .query_all(Statement::from_string(b, format!("SELECT name FROM pragma_table_info('{t}')")))
                .await
                .expect("columns")
                .iter()
                .map(|r| r.try_get::<String>("", "name").expect("column"))
                .collect();
            let row = cols.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || ',' || ");
            format!(
                "SELECT COUNT(*) AS n, COALESCE(group_concat(r, '|'), '') AS body FROM (SELECT {row} AS r FROM \"{t}\" ORDER BY 1)"
            )
        };
        let r = conn.query_one(Statement::from_string(b, q)).await.expect("digest").expect("row");
        let n: i64 = r.try_get("", "n").expect("count");
        let body: String = r.try_get("", "body").expect("body");
        out.insert(t, (n, hex::encode(Sha256::digest(body.as_bytes()))));
    }
    out
}

/// Who a limited-scope demo user is, as the test sees it.
struct Who {
    id: i64,
    unit: i64,
    path: String,
    scope: DataScope,
    org: Option<i64>,
}

/// SQL over `u` (an org unit) that is true when the unit lies inside the user's data scope.
fn unit_inside(w: &Who) -> String {
    match w.scope {
        DataScope::UnitAndBelow => format!("u.path LIKE '{}%'", w.path),
        DataScope::Unit => format!("u.id = {}", w.unit),
        DataScope::Own => "1=0".into(),
        DataScope::All | DataScope::Custom => "1=1".into(),
    }
}

/// SQL over `t` (a row of `record`'s table) that is true when the user may reach the row.
/// `None` for city-level reference data, which every holder of the permission reaches.
fn inside(record: &Record, w: &Who) -> Option<String> {
    let by_unit = |col: &str| format!("{col} IN (SELECT u.id FROM org_units u WHERE {})", unit_inside(w));
    let project_inside = |alias: &str| {
        let mut s = format!("({} OR {alias}.created_by = {}", by_unit(&format!("{alias}.unit_id")), w.id);
        if let Some(org) = w.org {
            s.push_str(&format!(" OR {alias}.agency_id = {org}"));
        }
        s.push(')');
        s
    };
    Some(match (record.table, record.reach) {
        (_, Reach::Reference) => return None,
        (_, Reach::User(col)) => format!("t.{col} = {}", w.id),
        ("org_units", _) => format!("t.id IN (SELECT u.id FROM org_units u WHERE {})", unit_inside(w)),
        ("projects", _) => project_inside("t"),
        ("social_workers", Reach::Custom(_)) => format!(
            "({} OR t.created_by = {} OR t.id IN (SELECT m.worker_id FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {}))",
            by_unit("t.unit_id"),
            w.id,
            project_inside("p")
        ),
        ("volunteer_campaigns", Reach::Custom(_)) => format!(
            "({} OR t.created_by = {} OR EXISTS (SELECT 1 FROM volunteer_campaign_units cu WHERE cu.campaign_id = t.id AND {}))",
            by_unit("t.unit_id"),
            w.id,
            by_unit("cu.unit_id")
        ),
        ("attachments", _) => format!(
            "({} OR t.created_by = {} OR (t.entity = 'evaluation' AND t.entity_id IN (SELECT e.id FROM project_evaluations e JOIN projects p ON p.id = e.project_id WHERE {})))",
            by_unit("t.unit_id"),
            w.id,
            project_inside("p")
        ),
        ("party_instructors", Reach::Custom(_)) => format!(
            "t.organisation_id IN (SELECT o.id FROM organisations o WHERE ({} OR o.created_by = {}))",
            by_unit("o.unit_id"),
            w.id
        ),
        (_, Reach::Unit { owner }) => match owner {
            Some(o) => format!("({} OR t.{o} = {})", by_unit("t.unit_id"), w.id),
            None => by_unit("t.unit_id"),
        },
        (table, reach) => panic!("the matrix does not know how {table} ({reach:?}) hangs in the tree: teach `inside`"),
    })
}

/// Ids for a route's parameters naming a record outside the user's reach, or None when the
/// database holds no such record. A part of another record (a member of a project) is taken
/// from a parent outside the reach, so that only the parent's scope can refuse it.
async fn outside_ids(app: &TestApp, def: &RouteDef, w: &Who) -> Option<Vec<(&'static str, i64)>> {
    let (first_param, first) = def.records.first()?;
    let cond = inside(first, w)?;
    let parent_id = app
        .db
        .conn
        .query_one(Statement::from_string(
            app.db.conn.get_database_backend(),
            // COALESCE: an owner column left NULL must not make the condition unknown.
            format!("SELECT MIN(t.id) AS id FROM {} t WHERE NOT COALESCE({cond}, FALSE)", first.table),
        ))
        .await
        .expect("outside query")?
        .try_get::<Option<i64>>("", "id")
        .expect("id")?;
    let mut ids = vec![(*first_param, parent_id)];
    for (param, record) in def.records.iter().skip(1) {
        let (_, col) = record.parent.expect("a second id is a part of the first");
        let child = app
            .db
            .conn
            .query_one(Statement::from_string(
                app.db.conn.get_database_backend(),
                format!("SELECT MIN(t.id) AS id FROM {} t WHERE t.{col} = {parent_id}", record.table),
            ))
            .await
            .expect("child query")?
            .try_get::<Option<i64>>("", "id")
            .expect("id")?;
        ids.push((*param, child));
    }
    Some(ids)
}

/// A form a user of the page could have sent (the handler would act on it if it ran).
fn sample_form(path: &str) -> Vec<(&'static str, String)> {
    let today = chrono::Utc::now().date_naive().to_string();
    let v = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, v.to_string())).collect::<Vec<_>>();
    match path {
        "/admin/users/{id}" => v(&[("display_name", "改名"), ("unit_id", "1"), ("phone", ""), ("version", "1")]),
        "/admin/users/{id}/disable" => v(&[("disabled", "true")]),
        "/admin/users/{id}/password" => v(&[("password", "Matrix-Reset-Pass-77")]),
        "/admin/users/{id}/roles" => v(&[("role", "1")]),
        "/admin/roles/{id}" => v(&[("name", "改名"), ("data_scope", "all"), ("version", "1")]),
        "/account/tokens/{id}/revoke" => vec![],
        "/services/projects/{id}" => v(&[("title", "改名项目"), ("amount", "1000"), ("version", "1")]),
        "/services/projects/{id}/advance" => v(&[("to", "procurement"), ("version", "1")]),
        "/services/projects/{id}/sign" => {
            v(&[("contract_no", "MATRIX-1"), ("amount", "1000"), ("signed_on", &today), ("version", "1")])
        }
        "/services/projects/{id}/payments" => v(&[("amount", "1"), ("paid_on", &today), ("kind", "advance")]),
        "/services/projects/{id}/evaluations" => v(&[
            ("kind", "midterm"),
            ("evaluated_on", &today),
            ("score_plan", "20"),
            ("score_delivery", "20"),
            ("score_outcome", "20"),
            ("score_money", "10"),
            ("score_file", "10"),
        ]),
        "/services/projects/{id}/plans" => v(&[("plan", "整改方案")]),
        "/services/projects/{id}/plans/{pid}/approve" => vec![],
        "/services/projects/{id}/members" => v(&[("name", "某人"), ("role", "assistant"), ("starts_on", &today)]),
        "/services/projects/{id}/members/{mid}/end" => v(&[("ends_on", &today)]),
        "/services/projects/{id}/milestones" => v(&[("title", "里程碑"), ("due_on", &today)]),
        "/services/projects/{id}/milestones/{mid}/done" => v(&[("done_on", &today)]),
        "/units/{id}" => v(&[("name", "改名"), ("name_en", "Renamed"), ("version", "1")]),
        "/units/{id}/active" => v(&[("active", "false")]),
        "/stations/{id}" => v(&[("name", "改名站"), ("phone", "051257000000"), ("version", "1")]),
        "/stations/{id}/staff" => v(&[("name", "某人"), ("role", "fulltime"), ("starts_on", &today)]),
        "/stations/{id}/staff/end" => v(&[("staff_id", "1"), ("ends_on", &today)]),
        "/orgs/{id}" => v(&[("name", "改名组织"), ("version", "1")]),
        "/orgs/{id}/status" => v(&[("status", "deregistered"), ("on", &today), ("version", "1")]),
        "/orgs/{id}/reveal" => vec![],
        "/orgs/{id}/party" => v(&[("kind", "branch"), ("name", "党支部"), ("founded_on", &today), ("members", "3")]),
        "/orgs/{id}/reports" => v(&[("year", "2022"), ("submitted_on", &today), ("party_status", "own")]),
        "/orgs/{id}/reports/{rid}/review" => v(&[("result", "pass"), ("version", "1")]),
        "/orgs/{id}/instructors" => v(&[("name", "指导员"), ("assigned_on", &today)]),
        "/talent/workers/{id}" => v(&[("name", "改名"), ("version", "1")]),
        "/talent/workers/{id}/reveal" => vec![],
        "/party/orgs/{id}" => v(&[
            ("name", "改名党支部"),
            ("kind", "branch"),
            ("members", "5"),
            ("established_on", "2020-01-01"),
            ("version", "1"),
        ]),
        "/party/instructors/{id}" => v(&[("name", "改名指导员"), ("assigned_on", &today), ("version", "1")]),
        "/events/{id}" => {
            v(&[("unit_id", "1"), ("kind", "meeting"), ("title", "改名活动"), ("held_on", &today), ("version", "1")])
        }
        "/documents/{id}" => v(&[("title", "改名文件"), ("issued_on", &today), ("version", "1")]),
        "/honours/{id}" => v(&[
            ("unit_id", "1"),
            ("title", "改名荣誉"),
            ("level", "city"),
            ("year", "2022"),
            ("awardee_kind", "person"),
            ("awardee_name", "某人"),
            ("version", "1"),
        ]),
        "/volunteers/records/{id}/confirm" => v(&[("version", "1")]),
        "/volunteers/records/{id}/corrections/{cid}/decide" => {
            v(&[("version", "1"), ("decision", "refuse"), ("note", "越权处理")])
        }
        "/hotline/calls/{id}" => v(&[
            ("category_id", "1"),
            ("channel", "direct"),
            ("started_at", "2022-04-01T10:00"),
            ("ended_at", "2022-04-01T10:05"),
            ("summary", "越权改动"),
            ("outcome", "resolved"),
            ("version", "1"),
        ]),
        "/hotline/escalations/{id}/emergency" => v(&[("service", "120"), ("reference", "越权")]),
        "/party/plans/{id}/activities" => v(&[("title", "活动"), ("held_on", &today), ("participants", "10")]),
        _ => vec![],
    }
}

/// Whether a POST route takes a file upload (multipart) rather than a form.
fn is_upload(path: &str) -> bool {
    path.ends_with("/photos") || path.ends_with("/file") || path.ends_with("/files") || path.ends_with("/import")
}

/// The smallest PNG: a real photo as far as the upload check is concerned.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn concrete(path: &str, ids: &[(&str, i64)]) -> String {
    let mut p = path.to_string();
    for (name, id) in ids {
        p = p.replace(&format!("{{{name}}}"), &id.to_string());
    }
    p
}

both_backends!(out_of_scope_records_answer_404_and_change_nothing, |mut app: TestApp| async move {
    // Records the demo lacks but the matrix needs: an access token of another user and an
    // attachment outside the towns' scopes.
    app.token_for("bureau").await;
    app.login_ok("bureau").await;
    let city_event = app
        .scalar("SELECT MIN(e.id) FROM events e JOIN org_units u ON u.id = e.unit_id WHERE u.parent_id IS NULL")
        .await;
    let r = app.upload(&format!("/events/{city_event}/photos"), "p.png", PNG).await;
    assert!(r.status.is_redirection(), "bureau uploads a photo: {} {}", r.status, r.body);
    // Photos on the first record of each kind and on the first outside 周市, so that the photo
    // removal routes (`…/photos/{photo}/delete`) are called with a real photo of a record outside.
    for (table, base) in [
        ("events", "/events"),
        ("honours", "/honours"),
        ("plan_activities", "/party/activities"),
        ("stations", "/stations"),
    ] {
        for cond in ["1=1", "u.path NOT LIKE '/320583/zhoushi/%'"] {
            let id = app
                .scalar(&format!("SELECT MIN(t.id) FROM {table} t JOIN org_units u ON u.id = t.unit_id WHERE {cond}"))
                .await;
            let r = app.upload(&format!("{base}/{id}/photos"), "p.png", PNG).await;
            assert!(r.status.is_redirection(), "bureau uploads a photo to {base}/{id}: {} {}", r.status, r.body);
        }
    }
    app.logout().await;
    let table = shegong::app::route_table();
    let id_routes: Vec<&RouteDef> = table.iter().filter(|d| !d.records.is_empty()).collect();
    let mut exercised: BTreeSet<&'static str> = BTreeSet::new();
    let mut limited = 0;
    for (username, role_code) in DEMO_USERS {
        let role = ROLES.iter().find(|r| r.code == *role_code).expect("role spec");
        if role.scope == DataScope::All {
            continue;
        }
        limited += 1;
        let row = app
            .db
            .conn
            .query_one(Statement::from_string(
                app.db.conn.get_database_backend(),
                format!("SELECT u.id, u.unit_id, o.path, u.organisation_id FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = '{username}'"),
            ))
            .await
            .expect("user")
            .expect("demo user");
        let w = Who {
            id: row.try_get("", "id").expect("id"),
            unit: row.try_get("", "unit_id").expect("unit"),
            path: row.try_get("", "path").expect("path"),
            scope: role.scope,
            org: row.try_get::<Option<i64>>("", "organisation_id").expect("org"),
        };
        app.login_ok(username).await;
        let before = snapshot(&app).await;
        let mut called = 0;
        for def in &id_routes {
            let Some(ids) = outside_ids(&app, def, &w).await else { continue };
            let path = concrete(def.path, &ids);
            let r = if def.method == Method::GET {
                app.get(&path).await
            } else if is_upload(def.path) {
                app.upload(&path, "p.png", PNG).await
            } else {
                let form = sample_form(def.path);
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post(&path, &pairs).await
            };
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{username} {} {path} ({} outside the scope) → {}",
                def.method,
                def.records[0].1.name,
                r.status
            );
            if def.path.starts_with("/api/") {
                assert!(r.body.contains("\"code\":\"error.not_found\""), "API answers JSON: {}", r.body);
            }
            exercised.insert(def.records[0].1.name);
            called += 1;
        }
        assert!(called > 0, "{username}: no record outside the scope was found");
        let after = snapshot(&app).await;
        for (t, v) in &before {
            assert_eq!(after.get(t), Some(v), "{username}: table {t} changed through out-of-scope requests");
        }
        assert_eq!(before.len(), after.len(), "{username}: tables appeared or vanished");

        // The guard refuses only what lies outside: a record inside the scope still opens.
        if *username == "station" {
            let own = app
                .scalar(&format!(
                    "SELECT MIN(t.id) FROM projects t WHERE {}",
                    inside(&shegong::services::PROJECT, &w).expect("scoped")
                ))
                .await;
            assert_eq!(app.get(&format!("/services/projects/{own}")).await.status, StatusCode::OK);
            let worker = app
                .scalar(&format!(
                    "SELECT MIN(t.id) FROM social_workers t WHERE {}",
                    inside(&shegong::talent::WORKER, &w).expect("scoped")
                ))
                .await;
            assert_eq!(app.get(&format!("/talent/workers/{worker}")).await.status, StatusCode::OK);
        }
        app.logout().await;
    }
    assert!(limited >= 3, "limited-scope demo roles: {limited}");
    // Every kind of scoped record that an id route names was called from outside its scope.
    let scoped: BTreeSet<&'static str> = id_routes
        .iter()
        .filter(|d| !matches!(d.records[0].1.reach, Reach::Reference))
        .map(|d| d.records[0].1.name)
        .collect();
    let missed: Vec<_> = scoped.difference(&exercised).collect();
    assert!(missed.is_empty(), "record kinds never exercised from outside their scope: {missed:?}");
});

both_backends!(out_of_scope_without_the_permission_is_404_not_403, |mut app: TestApp| async move {
    // The station manager may not edit organisations at all; an organisation outside 周市 must
    // still answer 404 (not 403), exactly as its detail page does, so that nothing tells it exists.
    let outside = app
        .scalar(
            "SELECT MIN(o.id) FROM organisations o JOIN org_units u ON u.id = o.unit_id WHERE u.path NOT LIKE '/320583/zhoushi/%'",
        )
        .await;
    let inside = app
        .scalar("SELECT MIN(o.id) FROM organisations o JOIN org_units u ON u.id = o.unit_id WHERE u.path LIKE '/320583/zhoushi/%'")
        .await;
    app.login_ok("station").await;
    assert_eq!(app.get(&format!("/orgs/{outside}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/orgs/{outside}/edit")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/orgs/{inside}")).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/orgs/{inside}/edit")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/orgs/999999999/edit").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/orgs/not-a-number/edit").await.status, StatusCode::NOT_FOUND);
});

both_backends!(city_reference_data_is_kept_by_the_bureau, |mut app: TestApp| async move {
    // A published 2022 programme, an open one the Bureau creates, and the 2022 guideline.
    app.login_ok("bureau").await;
    let r = app
        .post(
            "/talent/selections",
            &[
                ("title", "昆山市“最美社工”（范围测试）"),
                ("level", "city"),
                ("edition", "4"),
                ("year", "2023"),
                ("quota", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let open = app.scalar("SELECT MAX(id) FROM programmes").await;
    app.logout().await;

    app.login_ok("station").await;
    let before = snapshot(&app).await;
    let version = app.scalar(&format!("SELECT version FROM programmes WHERE id = {open}")).await.to_string();
    // Programmes: the station nominates, but neither creates, closes, scores, decides nor publishes.
    let page = app.get(&format!("/talent/selections/{open}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("/nominate") && !page.body.contains("/advance"),
        "station sees the nomination form only"
    );
    for (path, form) in [
        (
            "/talent/selections".to_string(),
            vec![("title", "站点自建评选"), ("level", "city"), ("edition", "1"), ("year", "2023"), ("quota", "1")],
        ),
        (format!("/talent/selections/{open}/advance"), vec![("to", "review"), ("version", version.as_str())]),
        (format!("/talent/selections/{open}/score"), vec![("score_1", "90")]),
        (format!("/talent/selections/{open}/decide"), vec![("select", "1"), ("version", version.as_str())]),
    ] {
        assert_eq!(app.post(&path, &form).await.status, StatusCode::FORBIDDEN, "station POST {path}");
    }
    // The city-wide guideline: readable, not writable.
    let cat = app.scalar("SELECT MAX(id) FROM service_categories WHERE year = 2022").await;
    let guideline = app.get("/services/guideline?year=2022").await;
    assert_eq!(guideline.status, StatusCode::OK);
    assert!(!guideline.body.contains("/services/guideline/copy"), "no copy form for the station");
    for (path, form) in [
        ("/services/guideline".to_string(), vec![("year", "2022"), ("code", "Z9"), ("name", "站点自建类别")]),
        ("/services/guideline/copy".to_string(), vec![("from", "2022"), ("to", "2031")]),
        (format!("/services/guideline/{cat}/delete"), vec![]),
    ] {
        assert_eq!(app.post(&path, &form).await.status, StatusCode::FORBIDDEN, "station POST {path}");
    }
    // The fund: neither page, statement, API nor menu entry.
    assert_eq!(app.get("/talent/fund").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/talent/fund/statement.xlsx").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/fund").await.status, StatusCode::FORBIDDEN);
    assert!(!app.get("/").await.body.contains("href=\"/talent/fund\""), "no fund entry in the station's menu");
    let after = snapshot(&app).await;
    for (t, v) in &before {
        assert_eq!(after.get(t), Some(v), "table {t} changed");
    }
    app.logout().await;

    // The leader reads the fund; the Bureau keeps it.
    app.login_ok("leader").await;
    let fund = app.get("/talent/fund").await;
    assert_eq!(fund.status, StatusCode::OK);
    assert!(!fund.body.contains("name=\"amount\""), "the leader gets no entry form");
    app.logout().await;
    app.login_ok("bureau").await;
    assert!(app.get("/talent/fund").await.body.contains("name=\"amount\""), "the Bureau records entries");
});

both_backends!(agency_track_record_shows_foreign_projects_as_aggregates, |mut app: TestApp| async move {
    // An agency that ran projects for 周市 and for other stations.
    let agency = app
        .scalar(
            "SELECT MIN(p.agency_id) FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE '/320583/zhoushi/%' \
             AND EXISTS (SELECT 1 FROM projects q JOIN org_units v ON v.id = q.unit_id WHERE q.agency_id = p.agency_id AND v.path NOT LIKE '/320583/zhoushi/%')",
        )
        .await;
    let conn = &app.db.conn;
    let titles = |cond: &'static str| {
        let q = format!("SELECT p.title FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE p.agency_id = {agency} AND {cond}");
        async move {
            conn.query_all(Statement::from_string(conn.get_database_backend(), q))
                .await
                .expect("titles")
                .iter()
                .map(|r| r.try_get::<String>("", "title").expect("title"))
                .collect::<Vec<_>>()
        }
    };
    let own = titles("u.path LIKE '/320583/zhoushi/%'").await;
    let foreign = titles("u.path NOT LIKE '/320583/zhoushi/%'").await;
    assert!(!own.is_empty() && !foreign.is_empty());
    let total = app.scalar(&format!("SELECT COUNT(*) FROM projects WHERE agency_id = {agency}")).await;
    app.login_ok("station").await;
    let page = app.get(&format!("/services/agencies/{agency}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for t in &own {
        assert!(page.body.contains(t.as_str()), "own project {t} listed");
    }
    for t in &foreign {
        assert!(!page.body.contains(t.as_str()), "foreign project {t} must not be listed");
    }
    assert!(
        page.body.contains(&format!("data-key=\"agency.projects\"><span class=\"figure-value\">{total}</span>")),
        "the project count covers every project of the agency"
    );
    assert!(page.body.contains("id=\"track-hidden\""));
    app.logout().await;
    // The Bureau sees every project.
    app.login_ok("bureau").await;
    let page = app.get(&format!("/services/agencies/{agency}")).await;
    for t in own.iter().chain(foreign.iter()) {
        assert!(page.body.contains(t.as_str()), "bureau sees {t}");
    }
    assert!(!page.body.contains("id=\"track-hidden\""));
});

both_backends!(an_id_number_clash_answers_alike_and_is_audited, |mut app: TestApp| async move {
    let row = |cond: &'static str| {
        let conn = app.db.conn.clone();
        async move {
            let q = format!("SELECT w.id_number FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE {cond} ORDER BY w.id LIMIT 1");
            conn.query_one(Statement::from_string(conn.get_database_backend(), q))
                .await
                .expect("q")
                .expect("worker")
                .try_get::<String>("", "id_number")
                .expect("id")
        }
    };
    let inside = row("u.path LIKE '/320583/zhoushi/%'").await;
    let outside = row("u.path NOT LIKE '/320583/zhoushi/%'").await;
    let unit = app.unit_id("/320583/zhoushi/").await.to_string();
    app.login_ok("station").await;
    let mut bodies = Vec::new();
    for id in [&inside, &outside] {
        let odd = id.as_bytes()[16].saturating_sub(b'0') % 2 == 1;
        let gender = if odd { "male" } else { "female" };
        let r = app
            .post(
                "/talent/workers",
                &[
                    ("name", "重复登记"),
                    ("id_number", id.as_str()),
                    ("unit_id", unit.as_str()),
                    ("gender", gender),
                    ("_nonce", &format!("clash-{id}")),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The form shows the number the user typed (their own input); apart from it, one answer.
        let msg = r
            .body
            .lines()
            .filter(|l| l.contains("该身份号码"))
            .map(|l| l.trim().replace(id.as_str(), "(typed)"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!msg.is_empty(), "the clash is reported: {}", r.body);
        bodies.push(msg);
    }
    assert_eq!(bodies[0], bodies[1], "a clash inside and outside the scope reads the same");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'id_number_clash'").await, 2);
    let leaked =
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%{}%'", &outside[6..14])).await;
    assert_eq!(leaked, 0, "the attempt is logged without the number");
});
