//! The audit log: search, and what someone holding the database file can and cannot do to it.
//! Tampering tests first drop the guard triggers with raw SQL, as such an attacker would.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, FromQueryResult};
use shegong::platform::audit::{self, Actor, AuditRow, Event, Keys};
use shegong::platform::db::{sql, Db};

use crate::both_backends;
use crate::helpers::{finish, new_postgres_database, test_config, TestApp};

/// Drops the triggers of migration 0015 (what an attacker with the file or the owner role can do).
async fn drop_guards(db: &Db) {
    let stmts: &[&str] = if db.is_postgres() {
        &[
            "DROP TRIGGER audit_log_no_change ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
            "DROP TRIGGER audit_head_no_rewind ON audit_head",
            "DROP TRIGGER audit_head_no_truncate ON audit_head",
        ]
    } else {
        &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
            "DROP TRIGGER audit_head_no_rewind",
            "DROP TRIGGER audit_head_no_delete",
        ]
    };
    for s in stmts {
        db.conn.execute_unprepared(s).await.expect("drop trigger");
    }
}

async fn rows(db: &Db) -> Vec<AuditRow> {
    AuditRow::find_by_statement(sql(db.backend(), "SELECT * FROM audit_log ORDER BY id", vec![]))
        .all(&db.conn)
        .await
        .expect("audit rows")
}

/// Rewrites the chain from row `from` on: `edit` changes each row, `hash` computes its new hash
/// (over the rewritten previous hash), and the head follows. What an attacker does after editing
/// a row so that every later link matches again.
async fn rewrite_from(db: &Db, from: i64, edit: impl Fn(&mut AuditRow), hash: impl Fn(&AuditRow) -> String) {
    let all = rows(db).await;
    let mut prev = all.iter().take_while(|r| r.id < from).last().map(|r| r.hash.clone()).unwrap_or("0".repeat(64));
    let b = db.backend();
    for mut r in all.into_iter().filter(|r| r.id >= from) {
        edit(&mut r);
        r.prev_hash = prev.clone();
        r.hash = hash(&r);
        db.conn
            .execute(sql(
                b,
                "UPDATE audit_log SET actor_name = ?, prev_hash = ?, hash = ?, key_id = ? WHERE id = ?",
                vec![
                    r.actor_name.clone().into(),
                    r.prev_hash.clone().into(),
                    r.hash.clone().into(),
                    r.key_id.clone().into(),
                    r.id.into(),
                ],
            ))
            .await
            .expect("rewrite row");
        prev = r.hash;
    }
    db.conn.execute(sql(b, "UPDATE audit_head SET hash = ? WHERE id = 1", vec![prev.into()])).await.expect("head");
}

async fn check(app: &TestApp) -> Vec<String> {
    shegong::cli::check(&app.db).await.expect("check").iter().map(ToString::to_string).collect()
}

async fn create_unit(app: &mut TestApp, code: &str) {
    let z = app.unit_id("/320583/zhoushi/").await.to_string();
    let r = app.post("/units", &[("parent_id", &z), ("code", code), ("name", code), ("kind", "community")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

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
    // Every row is signed with the configured key.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE key_id IS NULL OR key_id <> 'test'").await,
        0,
        "every row names the key that signed it"
    );
    // The chain verifies; then an edit made directly in the database is detected.
    assert!(check(&app).await.is_empty());
    drop_guards(&app.db).await;
    app.exec("UPDATE audit_log SET actor_name = 'someone-else' WHERE action = 'create' AND entity = 'org_unit'").await;
    let problems = check(&app).await;
    assert!(problems.iter().any(|p| p.contains("altered")), "{problems:?}");
    // Deleting the newest row is detected too.
    app.exec("UPDATE audit_log SET actor_name = 'admin' WHERE action = 'create' AND entity = 'org_unit'").await;
    assert!(check(&app).await.is_empty());
    let max = app.scalar("SELECT MAX(id) FROM audit_log").await;
    app.exec(&format!("DELETE FROM audit_log WHERE id = {max}")).await;
    let problems = check(&app).await;
    assert!(problems.iter().any(|p| p.contains("removed")), "{problems:?}");
});

// (a) An edited row with every later hash recomputed is found unless the real key was used.
both_backends!(a_rewritten_chain_is_found_without_the_key, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    create_unit(&mut app, "rewritten").await;
    create_unit(&mut app, "after-it").await;
    assert!(check(&app).await.is_empty());
    let target = app
        .scalar("SELECT id FROM audit_log WHERE entity = 'org_unit' AND action = 'create' ORDER BY id LIMIT 1")
        .await;
    let later = app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE id > {target}")).await;
    assert!(later >= 1, "rows after the edited one are rewritten too");
    drop_guards(&app.db).await;
    let forge = |r: &mut AuditRow| {
        if r.actor_name == "admin" {
            r.actor_name = "someone-else".into();
        }
    };
    let real = audit::installed().expect("keys");

    // Plain SHA-256 (how the chain was built before keys), keeping the key id.
    let plain = Keys::new("test", &[0u8; 32]).expect("keys");
    rewrite_from(&app.db, target, forge, |r| {
        let mut legacy = r.clone();
        legacy.key_id = None;
        audit::hash_row(&legacy, &plain).expect("sha-256")
    })
    .await;
    let problems = check(&app).await;
    assert!(problems.iter().any(|p| p.contains(&format!("audit row {target}: content altered"))), "{problems:?}");

    // Plain SHA-256 as unsigned (pre-key) rows: refused after signed rows.
    rewrite_from(
        &app.db,
        target,
        |r| {
            forge(r);
            r.key_id = None;
        },
        |r| audit::hash_row(r, &plain).expect("sha-256"),
    )
    .await;
    let problems = check(&app).await;
    assert!(
        problems.iter().any(|p| p.contains(&format!("audit row {target}: unsigned row after signed rows"))),
        "{problems:?}"
    );

    // HMAC under a wrong key with the right id.
    let wrong = Keys::new("test", b"an attacker's guess at the audit key!").expect("keys");
    rewrite_from(
        &app.db,
        target,
        |r| {
            forge(r);
            r.key_id = Some("test".into());
        },
        |r| audit::hash_row(r, &wrong).expect("hmac"),
    )
    .await;
    let problems = check(&app).await;
    assert!(problems.iter().any(|p| p.contains(&format!("audit row {target}: content altered"))), "{problems:?}");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE id >= {target} AND actor_name = 'admin'")).await,
        0
    );

    // The same rewrite under the real key passes: the key alone is what an attacker lacks.
    rewrite_from(&app.db, target, forge, |r| audit::hash_row(r, &real).expect("hmac")).await;
    assert!(check(&app).await.is_empty());
});

/// Runs `shegong check` as the command line does, with a configuration file for `app`.
async fn cli_check(app: &TestApp) -> i32 {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("shegong.toml");
    let c = &app.config;
    let toml = format!(
        "database = {:?}\ndata_dir = {:?}\n[audit]\nkey = {:?}\nkey_id = {:?}\n",
        app.db.url,
        c.data_dir,
        c.audit.key.as_ref().map(|k| k.expose().to_string()).unwrap_or_default(),
        c.audit.key_id
    );
    std::fs::write(&file, toml).expect("config file");
    let cli = shegong::cli::Cli {
        config: Some(file.to_string_lossy().to_string()),
        lang: None,
        command: shegong::cli::Command::Check { db: shegong::cli::DbArg { database: None } },
    };
    shegong::cli::run(cli).await.expect("check runs")
}

fn checkpoint_lines(app: &TestApp) -> Vec<String> {
    let path = &app.db.anchor.as_ref().expect("anchor").path;
    std::fs::read_to_string(path).unwrap_or_default().lines().map(str::to_string).collect()
}

// (b) Rows cut from the end, with the head moved back to match, are found through the checkpoint.
both_backends!(a_cut_tail_is_found_through_the_checkpoint, |mut app: TestApp| async move {
    app.login_ok("admin").await;
    for code in ["cut-1", "cut-2", "cut-3"] {
        create_unit(&mut app, code).await;
    }
    // `shegong check` passes and anchors the head it verified.
    let before = checkpoint_lines(&app).len();
    assert_eq!(cli_check(&app).await, 0);
    let lines = checkpoint_lines(&app);
    assert_eq!(lines.len(), before + 1, "{lines:?}");
    let max = app.scalar("SELECT MAX(id) FROM audit_log").await;
    assert!(lines.last().is_some_and(|l| l.starts_with(&format!("v1 {max} "))), "{lines:?}");

    // Cut the last three rows and move the head back onto the new last row: a consistent chain.
    drop_guards(&app.db).await;
    let keep = max - 3;
    app.exec(&format!("DELETE FROM audit_log WHERE id > {keep}")).await;
    let hash: String = app
        .db
        .conn
        .query_one(sql(app.db.backend(), "SELECT hash FROM audit_log WHERE id = ?", vec![keep.into()]))
        .await
        .expect("query")
        .expect("row")
        .try_get_by_index(0)
        .expect("hash");
    app.db
        .conn
        .execute(sql(
            app.db.backend(),
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
            vec![keep.into(), hash.into()],
        ))
        .await
        .expect("head back");
    let problems = check(&app).await;
    assert!(
        problems.iter().any(|p| p.contains("the checkpoint of")
            && p.contains(&format!("records row {max}, the database ends at row {keep}"))),
        "{problems:?}"
    );
    // In Chinese for a Chinese reader, and only in Chinese (one language per message).
    let zh: Vec<String> = shegong::cli::check(&app.db)
        .await
        .expect("check")
        .iter()
        .map(|p| p.render(shegong::platform::i18n::Lang::Zh))
        .collect();
    assert!(zh.iter().any(|p| p.contains("末尾被截断") && !p.contains("checkpoint")), "{zh:?}");
    assert_eq!(cli_check(&app).await, 1, "shegong check exits non-zero");

    // New rows written over the cut do not hide it: the row at the checkpoint now differs.
    create_unit(&mut app, "cut-4").await;
    create_unit(&mut app, "cut-5").await;
    create_unit(&mut app, "cut-6").await;
    assert!(app.scalar("SELECT MAX(id) FROM audit_log").await >= max);
    let problems = check(&app).await;
    assert!(
        problems.iter().any(|p| p.contains(&format!("audit row {max} differs from the checkpoint"))),
        "{problems:?}"
    );

    // Moving the checkpoint back in the file breaks its MAC.
    let path = app.db.anchor.as_ref().expect("anchor").path.clone();
    let text = std::fs::read_to_string(&path).expect("file");
    std::fs::write(&path, text.replace(&format!("v1 {max} "), &format!("v1 {keep} "))).expect("edit");
    let problems = check(&app).await;
    assert!(problems.iter().any(|p| p.contains("MAC does not verify")), "{problems:?}");
    // And deleting the file while signed rows exist is reported.
    std::fs::remove_file(&path).expect("remove");
    let problems = check(&app).await;
    assert!(problems.iter().any(|p| p.contains("checkpoint file") && p.contains("missing")), "{problems:?}");
});

// (c) The database itself refuses to change or remove audit rows or to move the head back.
both_backends!(the_database_refuses_to_change_the_audit_log, |mut app: TestApp| async move {
    let rows_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let head_before = app.scalar("SELECT seq FROM audit_head WHERE id = 1").await;
    let mut refused = vec![
        "UPDATE audit_log SET actor_name = 'x' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
        "DELETE FROM audit_log",
        "UPDATE audit_head SET seq = seq - 1 WHERE id = 1",
        "UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'",
        "DELETE FROM audit_head",
    ];
    if app.db.is_postgres() {
        refused.push("TRUNCATE audit_log");
        refused.push("TRUNCATE audit_head");
    }
    for q in refused {
        let r = app.db.conn.execute_unprepared(q).await;
        let msg = format!("{r:?}");
        assert!(r.is_err(), "{q} was accepted");
        assert!(msg.contains("audit_log is append-only") || msg.contains("audit_head"), "{q}: {msg}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, rows_before);
    assert_eq!(app.scalar("SELECT seq FROM audit_head WHERE id = 1").await, head_before);
    // Appending still works (the head moves forward).
    app.login_ok("admin").await;
    create_unit(&mut app, "still-works").await;
    assert!(app.scalar("SELECT seq FROM audit_head WHERE id = 1").await > head_before);
    assert!(check(&app).await.is_empty());
});

// (d) A normal chain with checkpoints written by the background task passes.
both_backends!(a_chain_with_checkpoints_passes, |mut app: TestApp| async move {
    let path = app.db.anchor.as_ref().expect("anchor").path.clone();
    let every = 3;
    let db = app.db.clone().with_anchor(Arc::new(audit::Anchor::new(path.clone(), every, Duration::from_secs(3600))));
    let task = audit::spawn_checkpointer(&db).expect("checkpointer");
    let before = checkpoint_lines(&app).len();
    app.login_ok("admin").await;
    for i in 0..7 {
        create_unit(&mut app, &format!("cp-{i}")).await;
    }
    let max = app.scalar("SELECT MAX(id) FROM audit_log").await;
    // The task writes a second after the rows it was told of (it may not have reached `max`).
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = checkpoint_lines(&app);
        if lines.len() > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    task.abort();
    assert!(lines.len() > before, "the background task wrote checkpoints: {lines:?}");
    let keys = audit::installed().expect("keys");
    let (cps, problems) = audit::parse_checkpoints(&std::fs::read_to_string(&path).expect("file"), &keys);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(cps.iter().all(|c| c.seq <= max && c.key_id == "test"));
    assert!(cps.iter().any(|c| c.seq > 0), "{cps:?}");
    let report = audit::verify(&app.db).await.expect("verify");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.checkpoints, cps.len());
    assert_eq!(report.rows, app.scalar("SELECT COUNT(*) FROM audit_log").await);
    assert_eq!(report.keyed_rows, report.rows);
    assert!(check(&app).await.is_empty());
});

/// A database as the release before keys left it: migrations up to 0013 and an unsigned
/// (SHA-256) chain, written here with raw SQL.
async fn legacy_database(postgres: bool) -> (Db, shegong::platform::config::Config) {
    let url = if postgres {
        new_postgres_database().await.expect("postgres").2
    } else {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("legacy.db");
        std::mem::forget(dir);
        path.to_string_lossy().to_string()
    };
    let cfg = test_config(&url);
    let db = Db::connect(&url, 2).await.expect("connect");
    db.migrate_up_to(13).await.expect("old schema");
    let b = db.backend();
    let no_keys = Keys::new("unused", &[1u8; 32]).expect("keys");
    let mut prev = "0".repeat(64);
    for seq in 1..=4i64 {
        let mut r = AuditRow {
            id: seq,
            at: chrono::Utc::now(),
            actor_id: None,
            actor_name: "cli".into(),
            ip: String::new(),
            action: "create".into(),
            entity: "org_unit".into(),
            entity_id: seq.to_string(),
            unit_id: None,
            before_json: None,
            after_json: Some(format!("{{\"n\":{seq}}}")),
            prev_hash: prev.clone(),
            hash: String::new(),
            key_id: None,
        };
        r.at = chrono::DateTime::from_timestamp_micros(r.at.timestamp_micros()).expect("time");
        r.hash = audit::hash_row(&r, &no_keys).expect("sha-256");
        db.conn
            .execute(sql(
                b,
                "INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                vec![
                    r.id.into(),
                    r.at.into(),
                    r.actor_id.into(),
                    r.actor_name.clone().into(),
                    r.ip.clone().into(),
                    r.action.clone().into(),
                    r.entity.clone().into(),
                    r.entity_id.clone().into(),
                    r.unit_id.into(),
                    r.before_json.clone().into(),
                    r.after_json.clone().into(),
                    r.prev_hash.clone().into(),
                    r.hash.clone().into(),
                ],
            ))
            .await
            .expect("legacy row");
        db.conn
            .execute(sql(
                b,
                "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
                vec![seq.into(), r.hash.clone().into()],
            ))
            .await
            .expect("head");
        prev = r.hash;
    }
    (db, cfg)
}

// Rows from before keys keep their SHA-256 link; the first keyed row links to the last of them,
// and the first checkpoint (written at the first start) anchors them.
async fn legacy_chain_upgrade(postgres: bool) {
    let (db, cfg) = legacy_database(postgres).await;
    // The old schema (no key id column) verifies as it did.
    let keys = Keys::new(&cfg.audit.key_id, &audit::parse_key(crate::helpers::AUDIT_KEY).expect("key")).expect("keys");
    let report = audit::verify_chain(&db.conn, &keys, &[]).await.expect("verify old schema");
    assert!(report.problems.is_empty() && report.rows == 4 && report.keyed_rows == 0, "{report:?}");
    // Upgrade and first start: migration 0015, keys, a checkpoint of the last legacy row.
    db.migrate().await.expect("migrate");
    let (db, _) = audit::setup(db, &cfg, true).expect("setup");
    let first = audit::checkpoint(&db).await.expect("checkpoint").expect("written");
    assert_eq!(first.seq, 4);
    let tx = db.write().await.expect("tx");
    audit::record_many(&*tx, &Actor::system("test"), (0..3).map(|i| Event::new("update", "org_unit", i)).collect())
        .await
        .expect("keyed rows");
    tx.commit().await.expect("commit");
    let all = rows(&db).await;
    assert_eq!(all[4].prev_hash, all[3].hash, "the first keyed row links to the last legacy row");
    assert_eq!(all.iter().filter(|r| r.key_id.is_none()).count(), 4);
    let report = audit::verify(&db).await.expect("verify");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.rows, report.keyed_rows), (7, 3));

    // Rewriting a legacy row and the rest of the chain as unsigned rows is found.
    drop_guards(&db).await;
    let plain = Keys::new("unused", &[1u8; 32]).expect("keys");
    rewrite_from(
        &db,
        2,
        |r| {
            r.actor_name = "forged".into();
            r.key_id = None;
        },
        |r| audit::hash_row(r, &plain).expect("sha-256"),
    )
    .await;
    let problems = audit::verify(&db).await.expect("verify").problems;
    assert!(problems.iter().any(|p| p.to_string().contains("audit row 4 differs from the checkpoint")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.to_string().contains("audit row 5: unsigned row after the first checkpoint")),
        "{problems:?}"
    );
    finish(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_chain_upgrade_sqlite() {
    legacy_chain_upgrade(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(shegong_pg), ignore = "set SHEGONG_TEST_POSTGRES to run")]
async fn legacy_chain_upgrade_postgres() {
    legacy_chain_upgrade(true).await;
}
