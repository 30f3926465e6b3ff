//! The demo database, generated once per test process and copied for each test.
//!
//! Generating the demo (two years of records) is most of what a test costs to start, and every
//! test starts from the same demo, so the first test that needs it generates it into a template
//! on its own thread and runtime, and every test then gets a copy: on SQLite a copy of the file
//! (its WAL checkpointed into it first), on PostgreSQL `CREATE DATABASE … TEMPLATE`. The copy
//! comes with the template's checkpoint file, whose one line anchors the empty chain as the
//! first start before the demo did, so the audit chain verifies as on a generated database.
//!
//! The demo depends on the password hashing parameters and on the audit and personal-data keys;
//! a test whose configuration changes any of them gets its demo generated as before.
//!
//! The template outlives the process (a test binary has no hook at its end): its name carries
//! the process id (`shegong-demo-<pid>` in the temporary directory, `shegong_demo_<pid>` on the
//! PostgreSQL server), and the next run removes the templates of processes no longer running.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sea_orm::ConnectionTrait;
use shegong::platform::config::Config;
use shegong::platform::db::Db;

use crate::helpers::{open_db, test_config, PASSWORD};

/// A generated demo database.
struct Template {
    /// The SQLite file, or the PostgreSQL database name.
    database: String,
    /// The checkpoint file written when the template's chain was first anchored.
    checkpoints: PathBuf,
    /// The template's data directory: the demo's attachment files (photos) are copied with it.
    data_dir: PathBuf,
}

static SQLITE: OnceLock<Template> = OnceLock::new();
static POSTGRES: OnceLock<Template> = OnceLock::new();

const PREFIX_DIR: &str = "shegong-demo-";
const PREFIX_DB: &str = "shegong_demo_";

/// Whether the demo generated with `a` is the demo generated with `b`: the password hashes
/// (`demo::generate` hashes with `security`) and what the audit chain and the sealed personal
/// data are made with (the keys of the process, installed from the configuration).
fn same_demo(a: &Config, b: &Config) -> bool {
    fn retired(keys: &[shegong::platform::config::RetiredKey]) -> Vec<(&str, &str)> {
        keys.iter().map(|k| (k.id.as_str(), k.key.expose())).collect()
    }
    let secret = |s: &Option<shegong::platform::config::Secret>| s.as_ref().map(|s| s.expose().to_string());
    (a.security.password_hash_memory_kib, a.security.password_hash_iterations)
        == (b.security.password_hash_memory_kib, b.security.password_hash_iterations)
        && (secret(&a.audit.key), &a.audit.key_id, &a.audit.key_file, retired(&a.audit.retired_keys))
            == (secret(&b.audit.key), &b.audit.key_id, &b.audit.key_file, retired(&b.audit.retired_keys))
        && (secret(&a.pii.key), &a.pii.key_id, &a.pii.key_file, &a.pii.hash_key_id, retired(&a.pii.retired_keys))
            == (secret(&b.pii.key), &b.pii.key_id, &b.pii.key_file, &b.pii.hash_key_id, retired(&b.pii.retired_keys))
}

/// Puts a copy of the demo where `cfg.database` names it, with the template's checkpoint file
/// at `cfg`'s checkpoint file, when the demo of `cfg` is the template's and nothing is there yet.
/// Returns whether it did. Otherwise the database is left for the caller to fill (created empty
/// on PostgreSQL when it did not exist).
pub async fn copy_into(cfg: &Config) -> bool {
    let copied =
        if let Some(name) = postgres_name(&cfg.database) { copy_postgres(cfg, name).await } else { copy_sqlite(cfg) };
    if let Some(t) = copied {
        let to = cfg.audit_checkpoint_file();
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).expect("data directory");
        }
        std::fs::copy(&t.checkpoints, &to).expect("copy the checkpoint file");
        copy_tree(&t.data_dir.join("attachments"), &Path::new(&cfg.data_dir).join("attachments"));
    }
    copied.is_some()
}

/// Copies a directory tree (the demo's attachment files), if it exists.
fn copy_tree(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else { return };
    std::fs::create_dir_all(to).expect("attachments directory");
    for e in entries.flatten() {
        let target = to.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy an attachment");
        }
    }
}

fn copy_sqlite(cfg: &Config) -> Option<&'static Template> {
    let to = Path::new(shegong::platform::db::sqlite_path(&cfg.database));
    if to.exists() || cfg.database.contains(":memory:") {
        return None;
    }
    if !same_demo(cfg, &test_config("")) {
        return None;
    }
    let t = SQLITE.get_or_init(|| on_own_runtime(make_sqlite));
    std::fs::copy(&t.database, to).expect("copy the demo database");
    Some(t)
}

async fn copy_postgres(cfg: &Config, name: &str) -> Option<&'static Template> {
    let base = crate::helpers::postgres_url()?;
    let t = if same_demo(cfg, &test_config("")) {
        let base = base.clone();
        Some(POSTGRES.get_or_init(move || on_own_runtime(move || make_postgres(base))))
    } else {
        None
    };
    let admin = Db::connect(&base, 1).await.unwrap_or_else(|e| panic!("PostgreSQL at {base} unreachable: {e}"));
    let create = match t {
        Some(t) => format!("CREATE DATABASE {name} TEMPLATE {}", t.database),
        None => format!("CREATE DATABASE {name}"),
    };
    let result = admin.conn.execute_unprepared(&create).await;
    admin.conn.close_by_ref().await.ok();
    match result {
        Ok(_) => t,
        // Made by the caller (`new_postgres_database`): the demo is generated into it.
        Err(e) if e.to_string().contains("already exists") => None,
        Err(e) => panic!("{create}: {e}"),
    }
}

/// The database name of a PostgreSQL URL.
fn postgres_name(url: &str) -> Option<&str> {
    shegong::platform::db::is_postgres(url).then(|| url.rsplit('/').next().unwrap_or_default())
}

/// Runs `make` on a thread of its own with a runtime of its own: the template is made once,
/// while the test that asked for it (on its own runtime) waits, and its connections close with
/// that runtime.
fn on_own_runtime<F: std::future::Future<Output = Template> + Send + 'static>(
    make: impl FnOnce() -> F + Send + 'static,
) -> Template {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("template runtime");
        rt.block_on(make())
    })
    .join()
    .expect("the demo template could not be made")
}

/// A directory of this process for the template, the stale ones of finished processes removed.
fn template_dir(suffix: &str) -> PathBuf {
    let tmp = std::env::temp_dir();
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some(pid) = name.strip_prefix(PREFIX_DIR).and_then(|r| r.split('-').next()) {
                if finished(pid) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
    let dir = tmp.join(format!("{PREFIX_DIR}{}-{suffix}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("template directory");
    dir
}

/// Whether the process `pid` (of this machine) has ended. Only Linux is asked (`/proc`);
/// elsewhere nothing counts as ended and stale templates stay.
fn finished(pid: &str) -> bool {
    let Ok(pid) = pid.parse::<u32>() else { return false };
    pid != std::process::id() && Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

fn template_config(database: &str, dir: &Path) -> Config {
    let mut cfg = test_config(database);
    cfg.data_dir = dir.to_string_lossy().to_string();
    cfg
}

async fn make_sqlite() -> Template {
    let dir = template_dir("sqlite");
    let path = dir.join("demo.db");
    let config = template_config(path.to_str().expect("utf8 path"), &dir);
    let db = open_db(&config).await;
    shegong::demo::generate(&db, &config.security, &config.data_dir, PASSWORD, 1).await.expect("demo data");
    // Everything into the main file, so that a copy of the file alone is the database.
    db.conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint the WAL");
    db.conn.close_by_ref().await.expect("close the template");
    Template {
        database: path.to_string_lossy().to_string(),
        checkpoints: config.audit_checkpoint_file(),
        data_dir: dir,
    }
}

async fn make_postgres(base: String) -> Template {
    let admin = Db::connect(&base, 1).await.unwrap_or_else(|e| panic!("PostgreSQL at {base} unreachable: {e}"));
    let rows = admin
        .conn
        .query_all(sea_orm::Statement::from_string(
            admin.backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX_DB}%'"),
        ))
        .await
        .expect("list templates");
    for row in rows {
        let name: String = row.try_get_by_index(0).expect("datname");
        if name.strip_prefix(PREFIX_DB).is_some_and(finished) {
            let _ = admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
    let name = format!("{PREFIX_DB}{}", std::process::id());
    admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.expect("drop");
    admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create the template");
    let dir = template_dir("postgres");
    let config = template_config(&crate::helpers::database_url(&base, &name), &dir);
    let db = open_db(&config).await;
    shegong::demo::generate(&db, &config.security, &config.data_dir, PASSWORD, 1).await.expect("demo data");
    db.conn.close_by_ref().await.expect("close the template");
    drop(db);
    // A template is copied only while nobody is connected to it; the server may take a moment
    // to end the sessions just closed.
    let open = format!("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{name}'");
    for _ in 0..100 {
        let row = admin
            .conn
            .query_one(sea_orm::Statement::from_string(admin.backend(), open.clone()))
            .await
            .expect("sessions")
            .expect("a count");
        if row.try_get_by_index::<i64>(0).expect("count") == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    admin.conn.close_by_ref().await.ok();
    Template { database: name, checkpoints: config.audit_checkpoint_file(), data_dir: dir }
}
