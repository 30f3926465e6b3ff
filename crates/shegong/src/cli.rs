//! The `shegong` command line. Subcommand names and flags are a contract for scripts and
//! operators; each is explained in Chinese and English.

use std::io::{BufRead, Write};
use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, AppState};
use crate::auth::model::{check_password_policy, hash_password};
use crate::platform::access::DEMO_USERS;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::config::Config;
use crate::platform::db::{is_postgres, sql, sqlite_path, Db};
use crate::platform::i18n::{t, Lang};
use crate::platform::telemetry;
use crate::platform::web::random_token;

#[derive(Parser, Debug)]
#[command(
    name = "shegong",
    version,
    about = "社工：社会组织与社会工作管理平台 / shegong: social organisation and social-work platform",
    long_about = "社工：市民政局的社会组织、社工站、购买服务、人才、志愿者、热线与年度总结平台。\nshegong: the platform of a Civil Affairs Bureau for social organisations, stations, purchased services, talent, volunteers, the hotline and the annual review."
)]
pub struct Cli {
    /// 配置文件（默认 shegong.toml）/ configuration file (default shegong.toml)
    #[arg(long, global = true, env = "SHEGONG_CONFIG")]
    pub config: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DbArg {
    /// 数据库：SQLite 文件路径或 postgres:// 地址 / database: a SQLite file path or a postgres:// URL
    #[arg(long)]
    pub database: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 启动平台 / start the web platform
    Serve {
        /// 监听地址 / address to listen on
        #[arg(long)]
        addr: Option<String>,
        #[command(flatten)]
        db: DbArg,
        /// 空库时写入昆山2022演示数据并创建演示账号 / on an empty database, write the Kunshan 2022 demo data and demo logins
        #[arg(long)]
        demo: bool,
    },
    /// 创建或升级数据库 / create or migrate the database
    Init {
        #[command(flatten)]
        db: DbArg,
    },
    /// 写入演示数据 / write the demo data set
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// 批量记录倍数（用于性能测试）/ multiplier for bulk records (benchmarks)
        #[arg(long, default_value_t = 1)]
        scale: u32,
    },
    /// 导入数据文件（全部成功才提交）/ import a data file (all rows or nothing)
    Import {
        /// 类型：units / kind: units
        kind: String,
        /// 文件 / file
        file: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// 导出数据文件 / export a data file
    Export {
        /// 类型：units, audit / kind: units, audit
        kind: String,
        /// 文件 / file
        file: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// 用户管理 / manage users
    User {
        #[command(subcommand)]
        action: UserCmd,
    },
    /// SQLite 在线一致性备份 / consistent online backup of the SQLite database
    Backup {
        /// 备份文件 / backup file
        out: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// 检查数据库完整性（外键、树、审计链、台账）/ check database integrity (foreign keys, tree, audit chain, ledgers)
    Check {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// 新增用户（密码从标准输入读取）/ add a user (password read from standard input)
    Add {
        username: String,
        /// 姓名 / display name
        #[arg(long)]
        name: String,
        /// 所属单位路径，如 /320583/zhoushi/ / unit path, e.g. /320583/zhoushi/
        #[arg(long)]
        unit: String,
        /// 角色代码，可重复 / role code, repeatable
        #[arg(long)]
        role: Vec<String>,
        /// 所属机构（社工机构人员）的统一社会信用代码 / credit code of the user's organisation (agency staff)
        #[arg(long)]
        organisation: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// 重设密码（从标准输入读取，下次登录须修改）/ reset a password (from standard input; must be changed at next login)
    Passwd {
        username: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// 锁定用户 / lock (disable) a user
    Lock {
        username: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// 解锁用户 / unlock a user
    Unlock {
        username: String,
        #[command(flatten)]
        db: DbArg,
    },
}

fn config(cli_config: Option<&str>, db: &DbArg) -> anyhow::Result<Config> {
    let mut cfg = Config::load(cli_config).map_err(|e| anyhow::anyhow!("配置错误 / configuration error: {e}"))?;
    if let Some(d) = &db.database {
        cfg.database = d.clone();
    }
    cfg.apply_globals();
    let problems = cfg.problems();
    if !problems.is_empty() {
        anyhow::bail!("配置错误 / configuration error:\n  {}", problems.join("\n  "));
    }
    Ok(cfg)
}

async fn open(cfg: &Config) -> anyhow::Result<Db> {
    open_with(cfg, false).await
}

/// Connects, migrates, loads the audit keys (see [`audit_setup`]), anchors the head as found
/// (on the first start after migration 0015 that is the last legacy row), and creates the
/// predefined roles.
async fn open_with(cfg: &Config, demo: bool) -> anyhow::Result<Db> {
    let db = Db::connect_limits(&cfg.database, &cfg.limits).await.map_err(|e| {
        anyhow::anyhow!("无法连接数据库 / cannot connect to the database {}: {e}", redact(&cfg.database))
    })?;
    db.migrate().await?;
    let db = audit_setup(db, cfg, true, demo)?;
    audit::checkpoint(&db).await?;
    crate::demo::ensure_roles(&db).await?;
    Ok(db)
}

/// Loads and installs the audit keys and ties `db` to its checkpoint file. Without
/// `audit.key` the key file in the data directory is used (created when `create`), with a
/// warning outside the demo: production sets `audit.key` from a secret store.
fn audit_setup(db: Db, cfg: &Config, create: bool, demo: bool) -> anyhow::Result<Db> {
    let (db, origin) = audit::setup(db, cfg, create)?;
    match origin {
        audit::KeyOrigin::Config => {}
        audit::KeyOrigin::File(p) | audit::KeyOrigin::Generated(p) if demo => {
            tracing::info!(file = %p.display(), "audit key from the key file (demo)");
        }
        audit::KeyOrigin::File(p) | audit::KeyOrigin::Generated(p) => {
            eprintln!(
                "注意：未配置审计密钥（audit.key），使用密钥文件 {p}；生产环境请从密钥管理系统设置 SHEGONG_AUDIT__KEY / note: no audit key configured (audit.key), using the key file {p}; in production set SHEGONG_AUDIT__KEY from a secret store",
                p = p.display()
            );
            tracing::warn!(file = %p.display(), "no audit.key configured; using the key file");
        }
    }
    Ok(db)
}

/// Hides a password in a database URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn read_password(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let cfg_path = cli.config.clone();
    match cli.command {
        Command::Serve { addr, db, demo } => {
            let mut cfg = config(cfg_path.as_deref(), &db)?;
            if let Some(a) = addr {
                cfg.addr = a;
            }
            serve(cfg, demo).await?;
            Ok(0)
        }
        Command::Init { db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            telemetry::init_logs(&cfg.log_format);
            let d = Db::connect(&cfg.database, 2).await?;
            let applied = d.migrate().await?;
            let d = audit_setup(d, &cfg, true, false)?;
            audit::checkpoint(&d).await?;
            let roles = crate::demo::ensure_roles(&d).await?;
            audit::checkpoint(&d).await?;
            println!(
                "数据库就绪 / database ready: {} (migrations applied: {applied:?}, roles created: {roles})",
                redact(&cfg.database)
            );
            Ok(0)
        }
        Command::Demo { db, scale } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = open(&cfg).await?;
            let password = demo_password()?;
            let report = crate::demo::generate(&d, &cfg.security, &password, scale).await?;
            audit::checkpoint(&d).await?;
            println!("演示数据已写入 / demo data written: {report:?}");
            print_logins(&password);
            Ok(0)
        }
        Command::Import { kind, file, db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = open(&cfg).await?;
            let code = crate::units::import::run_cli(&d, &kind, &file).await?;
            audit::checkpoint(&d).await?;
            Ok(code)
        }
        Command::Export { kind, file, db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = open(&cfg).await?;
            let code = crate::units::import::export_cli(&d, &kind, &file).await?;
            audit::checkpoint(&d).await?;
            Ok(code)
        }
        Command::User { action } => user_cmd(cfg_path.as_deref(), action).await,
        Command::Backup { out, db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            if is_postgres(&cfg.database) {
                eprintln!("PostgreSQL 请使用 pg_dump 备份 / for PostgreSQL use pg_dump, e.g.\n  pg_dump --format=custom --file=shegong.dump '{}'", redact(&cfg.database));
                return Ok(2);
            }
            if std::path::Path::new(&out).exists() {
                anyhow::bail!("备份文件已存在 / backup file already exists: {out}");
            }
            let d = Db::connect(&cfg.database, 2).await?;
            // VACUUM INTO writes a consistent snapshot while the platform keeps running.
            let escaped = out.replace('\'', "''");
            sea_orm::ConnectionTrait::execute_unprepared(&d.conn, &format!("VACUUM INTO '{escaped}'")).await?;
            println!("已备份 / backed up {} → {out}", sqlite_path(&cfg.database));
            Ok(0)
        }
        Command::Check { db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = Db::connect(&cfg.database, 2).await?;
            // The keys are read, never created: a missing key is an error here.
            let d = audit_setup(d, &cfg, false, false)?;
            let problems = check(&d).await?;
            if problems.is_empty() {
                // Anchor the verified head.
                audit::checkpoint(&d).await?;
                println!("数据库完整 / database consistent");
                Ok(0)
            } else {
                for p in &problems {
                    println!("✗ {p}");
                }
                println!("发现 {} 个问题 / {} problems found", problems.len(), problems.len());
                Ok(1)
            }
        }
    }
}

/// Integrity checks of `shegong check`: engine integrity and foreign keys (SQLite), the
/// org-unit tree, the fund ledger, the audit chain (with the installed keys, and against the
/// checkpoint file when `d` has one: see [`audit::verify`]).
pub async fn check(d: &Db) -> anyhow::Result<Vec<String>> {
    use sea_orm::ConnectionTrait;
    let mut problems = Vec::new();
    let b = d.backend();
    if !d.is_postgres() {
        let rows = d.conn.query_all(sql(b, "PRAGMA integrity_check", vec![])).await?;
        for r in rows {
            let s: String = r.try_get_by_index(0)?;
            if s != "ok" {
                problems.push(format!("integrity: {s}"));
            }
        }
        let rows = d.conn.query_all(sql(b, "PRAGMA foreign_key_check", vec![])).await?;
        for r in rows {
            let table: String = r.try_get_by_index(0)?;
            let rowid: Option<i64> = r.try_get_by_index(1)?;
            let parent: String = r.try_get_by_index(2)?;
            problems.push(format!("foreign key: {table} row {rowid:?} → {parent} missing / 外键引用缺失"));
        }
    }
    problems.extend(crate::units::store::check_tree(&d.conn).await?);
    problems.extend(crate::talent::store::check_ledger(&d.conn).await?);
    problems.extend(crate::services::store::check_payments(&d.conn).await?);
    problems.extend(crate::platform::money::check_amounts(&d.conn).await?);
    let chain = audit::verify(d).await?;
    problems.extend(chain.problems);
    Ok(problems)
}

fn demo_password() -> anyhow::Result<String> {
    match std::env::var("SHEGONG_DEMO_PASSWORD").ok().filter(|p| !p.is_empty()) {
        Some(p) => Ok(p),
        None => Ok(format!("Demo-{}", random_token(5)?)),
    }
}

fn print_logins(password: &str) {
    println!("演示账号（密码相同）/ demo logins (same password): {password}");
    for (user, role) in DEMO_USERS {
        let label = crate::platform::access::ROLES.iter().find(|r| r.code == *role).map(|r| r.name).unwrap_or(role);
        println!("  {user:<12} {label}");
    }
}

async fn serve(cfg: Config, demo: bool) -> anyhow::Result<()> {
    telemetry::init_logs(&cfg.log_format);
    let metrics = telemetry::init_metrics();
    let started = std::time::Instant::now();
    let db = open_with(&cfg, demo).await?;
    if demo {
        if db.is_empty().await? {
            let password = demo_password()?;
            let report = crate::demo::generate(&db, &cfg.security, &password, 1).await?;
            audit::checkpoint(&db).await?;
            tracing::info!(units = report.units, users = report.users, "demo data written");
            print_logins(&password);
        } else {
            println!("数据库已有数据，未重写演示数据 / the database has data; demo data left as it is");
            println!("演示账号 / demo logins: {}", DEMO_USERS.iter().map(|(u, _)| *u).collect::<Vec<_>>().join(", "));
        }
    }
    let state = AppState::new(db.clone(), cfg.clone(), metrics);
    let router = app::build(state);
    let listener = tokio::net::TcpListener::bind(&cfg.addr)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 / cannot listen on {}: {e}", cfg.addr))?;
    let local = listener.local_addr()?;
    println!("社工平台已启动 / shegong is running: http://{local}/  (started in {} ms)", started.elapsed().as_millis());
    // Sessions that ended by time are removed every ten minutes.
    let sweeper_db = db.clone();
    let sec = cfg.security.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = crate::auth::store::purge_expired_sessions(&sweeper_db.conn, &sec).await {
                tracing::warn!(error = %e, "session sweep failed");
            }
            if let Err(e) = crate::platform::once::purge(&sweeper_db.conn).await {
                tracing::warn!(error = %e, "form submission sweep failed");
            }
            if let Err(e) = crate::auth::throttle::sweep(&sweeper_db, &sec).await {
                tracing::warn!(error = %e, "sign-in limit sweep failed");
            }
        }
    });
    let checkpointer = audit::spawn_checkpointer(&db);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    if let Some(c) = checkpointer {
        c.abort();
    }
    // The head at a clean shutdown is anchored too.
    if let Err(e) = audit::checkpoint(&db).await {
        tracing::warn!(error = %e, "audit checkpoint at shutdown failed");
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received, finishing requests");
}

async fn user_cmd(cfg_path: Option<&str>, action: UserCmd) -> anyhow::Result<i32> {
    let actor = Actor::system("cli");
    match action {
        UserCmd::Add { username, name, unit, role, organisation, db } => {
            let cfg = config(cfg_path, &db)?;
            let d = open(&cfg).await?;
            let username = crate::users::model::parse_username(&username)
                .map_err(|k| anyhow::anyhow!("{} / {}", t(Lang::Zh, k), t(Lang::En, k)))?;
            let unit_row = crate::units::store::get_by_path(&d.conn, &unit)
                .await?
                .ok_or_else(|| anyhow::anyhow!("单位不存在 / no unit with path {unit}"))?;
            let mut role_ids = Vec::new();
            for r in &role {
                role_ids.push(
                    crate::users::store::role_id_by_code(&d.conn, r)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("角色不存在 / no role {r}"))?,
                );
            }
            if crate::users::store::admin_kinds(&d.conn, &role_ids).await?.len() > 1 {
                anyhow::bail!("{} / {}", t(Lang::Zh, "users.error.duties"), t(Lang::En, "users.error.duties"));
            }
            let organisation_id = match organisation.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                None => None,
                Some(code) => {
                    // Normalised and checked (check character included) like every credit code.
                    let code = cncodes::CreditCode::parse(code)
                        .map_err(|e| anyhow::anyhow!("统一社会信用代码有误 / invalid credit code {code}: {e}"))?;
                    let code = code.as_str();
                    match crate::services::store::agency_by_code(&d.conn, code).await? {
                        Some((id, true)) => Some(id),
                        Some((_, false)) => anyhow::bail!(
                            "{} / {}: {code}",
                            t(Lang::Zh, "users.error.organisation"),
                            t(Lang::En, "users.error.organisation")
                        ),
                        None => anyhow::bail!("机构不存在 / no organisation with credit code {code}"),
                    }
                }
            };
            let password = read_password("初始密码 / initial password: ")?;
            let problems = check_password_policy(&cfg.security, &username, &password);
            if !problems.is_empty() {
                for k in problems {
                    eprintln!("{} / {}", t(Lang::Zh, k), t(Lang::En, k));
                }
                return Ok(2);
            }
            let hash = hash_password(&cfg.security, &password)?;
            let input = crate::users::model::UserInput {
                username: username.clone(),
                display_name: name,
                unit_id: unit_row.id,
                phone: None,
                email: None,
                organisation_id,
            };
            let tx = d.write().await?;
            if crate::users::store::username_taken(&*tx, &username).await? {
                anyhow::bail!("用户名已存在 / username taken: {username}");
            }
            let id = crate::users::store::insert(&*tx, &input, &hash, true).await?;
            crate::users::store::set_user_roles(&*tx, id, &role_ids).await?;
            audit::record(
                &*tx,
                &actor,
                Event::new("create", "user", id)
                    .unit(unit_row.id)
                    .after(&serde_json::json!({"user": input, "roles": role})),
            )
            .await?;
            tx.commit().await?;
            audit::checkpoint(&d).await?;
            println!("已创建用户 / user created: {username} (id {id})");
            Ok(0)
        }
        UserCmd::Passwd { username, db } => {
            let cfg = config(cfg_path, &db)?;
            let d = open(&cfg).await?;
            let id = crate::users::store::user_id_by_username(&d.conn, &username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("用户不存在 / no user {username}"))?;
            let password = read_password("新密码 / new password: ")?;
            let problems = check_password_policy(&cfg.security, &username, &password);
            if !problems.is_empty() {
                for k in problems {
                    eprintln!("{} / {}", t(Lang::Zh, k), t(Lang::En, k));
                }
                return Ok(2);
            }
            let hash = hash_password(&cfg.security, &password)?;
            let tx = d.write().await?;
            crate::auth::store::set_password(&*tx, id, &hash, true).await?;
            crate::auth::store::delete_user_sessions(&*tx, id, None).await?;
            audit::record(&*tx, &actor, Event::new("password_reset", "user", id)).await?;
            tx.commit().await?;
            audit::checkpoint(&d).await?;
            println!("密码已重设，下次登录须修改 / password reset; to be changed at next login: {username}");
            Ok(0)
        }
        UserCmd::Lock { username, db } => lock(cfg_path, &db, &username, true, &actor).await,
        UserCmd::Unlock { username, db } => lock(cfg_path, &db, &username, false, &actor).await,
    }
}

async fn lock(
    cfg_path: Option<&str>,
    db: &DbArg,
    username: &str,
    disabled: bool,
    actor: &Actor,
) -> anyhow::Result<i32> {
    let cfg = config(cfg_path, db)?;
    let d = open(&cfg).await?;
    let id = crate::users::store::user_id_by_username(&d.conn, username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("用户不存在 / no user {username}"))?;
    let tx = d.write().await?;
    crate::users::store::set_disabled(&*tx, id, disabled).await?;
    if disabled {
        crate::auth::store::delete_user_sessions(&*tx, id, None).await?;
    }
    audit::record(&*tx, actor, Event::new(if disabled { "lock" } else { "unlock" }, "user", id)).await?;
    tx.commit().await?;
    audit::checkpoint(&d).await?;
    println!(
        "{} / {}: {username}",
        if disabled { "已锁定" } else { "已解锁" },
        if disabled { "locked" } else { "unlocked" }
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact("postgres://app:secret@db:5432/shegong"), "postgres://app:***@db:5432/shegong");
        assert_eq!(redact("postgres://app@db/shegong"), "postgres://app@db/shegong");
        assert_eq!(redact("shegong.db"), "shegong.db");
    }

    #[test]
    fn cli_parses_the_contract() {
        let c = Cli::try_parse_from(["shegong", "serve", "--addr", "127.0.0.1:9000", "--database", "x.db", "--demo"])
            .expect("serve");
        assert!(matches!(c.command, Command::Serve { demo: true, .. }));
        assert!(Cli::try_parse_from(["shegong", "demo", "--scale", "3"]).is_ok());
        assert!(Cli::try_parse_from([
            "shegong", "user", "add", "li", "--name", "李", "--unit", "/320583/", "--role", "bureau"
        ])
        .is_ok());
        let c = Cli::try_parse_from([
            "shegong",
            "user",
            "add",
            "wang",
            "--name",
            "王",
            "--unit",
            "/320583/",
            "--role",
            "agency",
            "--organisation",
            "52320583MJ5123456",
        ])
        .expect("user add --organisation");
        assert!(matches!(c.command, Command::User { action: UserCmd::Add { organisation: Some(_), .. }, .. }));
        assert!(Cli::try_parse_from(["shegong", "user", "lock", "li"]).is_ok());
        assert!(Cli::try_parse_from(["shegong", "import", "units", "u.csv"]).is_ok());
        assert!(Cli::try_parse_from(["shegong", "backup", "b.db"]).is_ok());
        assert!(Cli::try_parse_from(["shegong", "check"]).is_ok());
    }
}
