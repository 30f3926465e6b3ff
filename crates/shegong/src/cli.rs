//! The `shegong` command line. Subcommand names and flags are a contract for scripts and
//! operators; `--help` explains each in Chinese and English (it is documentation). Every message
//! the commands print is in one language, from the locale files: `--lang zh|en`, else the
//! environment's `LC_ALL`, `LC_MESSAGES` or `LANG` (see [`lang_from_env`]).

use std::io::{BufRead, Write};
use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::app;
use crate::auth::model::check_password_policy;
use crate::platform::access::{Scope, DEMO_USERS};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::config::Config;
use crate::platform::db::{is_postgres, sql, sqlite_path, Db};
use crate::platform::i18n::{error_chain, Detail, Lang, Msg};
use crate::platform::import::{Exchange, ExportCtx, Format, ImportCtx};
use crate::platform::passwords::hash_password;
use crate::platform::telemetry;
use crate::platform::web::random_token;
use crate::platform::AppState;

mod review;
mod sealed;
mod users;

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
    /// 提示信息的语言：zh 或 en（默认按 LC_ALL、LC_MESSAGES、LANG，否则中文）/ language of the messages: zh or en (default from LC_ALL, LC_MESSAGES, LANG, else Chinese)
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("{s:?}: zh | en"))
}

/// The language of the command line's messages when `--lang` is not given, from the locale
/// environment as POSIX reads it (the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`): `zh…` is
/// Chinese, `en…` English; unset, `C`, `POSIX` or any other language gives Chinese, the
/// platform's language (as on the web without a choice).
pub fn lang_from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.trim().is_empty()))
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

impl Cli {
    /// The language of this run's messages: `--lang`, else the environment's.
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_else(|| lang_from_env(|name| std::env::var(name).ok()))
    }
}

/// An error as the command line prints it, in `lang`.
pub fn error_text(lang: Lang, e: &anyhow::Error) -> String {
    Msg::new("cli.error").arg("error", error_chain(lang, e)).render(lang)
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
        /// 演示批量记录倍数（组织、计划、社工）/ multiplier of the demo's bulk records (organisations, plans, workers)
        #[arg(long, default_value_t = 1)]
        multiplier: u32,
        /// 追加的志愿服务记录条数（省级规模性能测试）/ volunteer service records to add (province-scale benchmark)
        #[arg(long = "scale", visible_alias = "volunteer-records", value_name = "N", default_value_t = 0)]
        scale: u64,
    },
    /// 导入数据文件（全部成功才提交）/ import a data file (all rows or nothing)
    Import {
        /// 类型（见 shegong import --help）/ kind (see shegong import --help)
        kind: String,
        /// 文件 / file
        file: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// 导出数据文件 / export a data file
    Export {
        /// 类型（见 shegong export --help）/ kind (see shegong export --help)
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
    /// 生成某年某单位的年度回顾文件 / write the annual review of a year and a unit as a file
    Review {
        /// 年度 / year
        #[arg(long)]
        year: i32,
        /// 单位：路径、代码或名称，如 昆山市 / unit: path, code or name, e.g. 昆山市
        #[arg(long)]
        unit: String,
        /// 格式 / format: html, docx, pdf
        #[arg(long, default_value = "html")]
        format: String,
        /// 输出文件 / output file
        #[arg(long)]
        out: String,
        /// 模板名称（默认 default）/ template name (default: default)
        #[arg(long)]
        template: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    #[command(flatten)]
    Sealed(sealed::SealedCmd),
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
    let mut cfg = Config::load(cli_config).map_err(|e| Msg::new("cli.config.error").arg("error", e.to_string()))?;
    if let Some(d) = &db.database {
        cfg.database = d.clone();
    }
    cfg.apply_globals();
    let problems = cfg.problems();
    if !problems.is_empty() {
        let lines = problems.into_iter().map(Detail::from).collect();
        return Err(Msg::new("cli.config.problems").arg("problems", Detail::Lines(lines)).into());
    }
    Ok(cfg)
}

async fn open(cfg: &Config, lang: Lang) -> anyhow::Result<Db> {
    open_with(cfg, false, lang).await
}

/// Connects, migrates, loads the audit keys (see [`audit_setup`]), anchors the head as found
/// (on the first start after migration 0015 that is the last legacy row), and creates the
/// predefined roles.
async fn open_with(cfg: &Config, demo: bool, lang: Lang) -> anyhow::Result<Db> {
    let db = Db::connect_limits(&cfg.database, &cfg.limits)
        .await
        .map_err(|e| Msg::new("cli.db_connect").arg("url", redact(&cfg.database)).arg("error", e.to_string()))?;
    db.migrate().await?;
    let db = audit_setup(db, cfg, true, demo, lang)?;
    audit::checkpoint(&db).await?;
    crate::demo::ensure_roles(&db).await?;
    Ok(db)
}

/// Loads and installs the audit keys and ties `db` to its checkpoint file. Without
/// `audit.key` the key file in the data directory is used (created when `create`), with a
/// warning outside the demo: production sets `audit.key` from a secret store.
fn audit_setup(db: Db, cfg: &Config, create: bool, demo: bool, lang: Lang) -> anyhow::Result<Db> {
    let (db, origin) = audit::setup(db, cfg, create)?;
    // The personal-data key (platform/vault.rs) beside it; `check` reads no personal data.
    if create {
        crate::platform::vault::setup(cfg, true)?;
    }
    match origin {
        audit::KeyOrigin::Config => {}
        audit::KeyOrigin::File(p) | audit::KeyOrigin::Generated(p) if demo => {
            tracing::info!(file = %p.display(), "audit key from the key file (demo)");
        }
        audit::KeyOrigin::File(p) | audit::KeyOrigin::Generated(p) => {
            eprintln!("{}", Msg::new("cli.audit_key.file_note").arg("path", p.display().to_string()).render(lang));
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

fn read_password(prompt: &'static str, lang: Lang) -> anyhow::Result<String> {
    eprint!("{}", Msg::new(prompt).render(lang));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let cfg_path = cli.config.clone();
    let lang = cli.lang();
    let say_msg = |m: Msg| say(&m.render(lang));
    match cli.command {
        Command::Serve { addr, db, demo } => {
            let mut cfg = config(cfg_path.as_deref(), &db)?;
            if let Some(a) = addr {
                cfg.addr = a;
            }
            serve(cfg, demo, lang).await?;
            Ok(0)
        }
        Command::Init { db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            telemetry::init_logs(&cfg.log_format);
            say_msg(init(&cfg, lang).await?);
            Ok(0)
        }
        Command::Demo { db, multiplier, scale } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = open(&cfg, lang).await?;
            let password = demo_password()?;
            let report = crate::demo::generate(&d, &cfg.security, &cfg.data_dir, &password, multiplier).await?;
            if scale > 0 {
                let started = std::time::Instant::now();
                let big = crate::demo::volunteers_scale::generate(&d, scale, |n| {
                    if n % 1_000_000 == 0 || n == scale {
                        eprintln!("{n} / {scale} ({:.0} s)", started.elapsed().as_secs_f64());
                    }
                })
                .await?;
                eprintln!("{big:?} in {:.1} s", started.elapsed().as_secs_f64());
                d.refresh_statistics().await?;
            }
            audit::checkpoint(&d).await?;
            say_msg(Msg::new("cli.demo_written").arg("report", format!("{report:?}")));
            print_logins(&password, lang);
            Ok(0)
        }
        Command::Import { kind, file, db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = open(&cfg, lang).await?;
            let (code, text) = import_file(&d, &kind, &file, lang).await?;
            if code == 2 {
                eprintln!("{text}");
            } else {
                say(&text);
            }
            audit::checkpoint(&d).await?;
            Ok(code)
        }
        Command::Export { kind, file, db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = open(&cfg, lang).await?;
            let (code, text) = export_file(&d, &kind, &file, lang).await?;
            if code == 2 {
                eprintln!("{text}");
            } else {
                say(&text);
            }
            audit::checkpoint(&d).await?;
            Ok(code)
        }
        Command::User { action } => users::user_cmd(cfg_path.as_deref(), action, lang).await,
        Command::Sealed(cmd) => sealed::run(cfg_path.as_deref(), cmd, lang).await,
        Command::Review { year, unit, format, out, template, db } => {
            let args = review::ReviewArgs { year, unit, format, out, template, db };
            review::review_cmd(cfg_path.as_deref(), args, lang).await
        }
        Command::Backup { out, db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            if is_postgres(&cfg.database) {
                eprintln!(
                    "{}\n  pg_dump --format=custom --file=shegong.dump '{}'",
                    Msg::new("cli.pg_backup").render(lang),
                    redact(&cfg.database)
                );
                return Ok(2);
            }
            if std::path::Path::new(&out).exists() {
                return Err(Msg::new("cli.backup_exists").arg("path", out).into());
            }
            let d = Db::connect(&cfg.database, 2).await?;
            // VACUUM INTO writes a consistent snapshot while the platform keeps running.
            let escaped = out.replace('\'', "''");
            sea_orm::ConnectionTrait::execute_unprepared(&d.conn, &format!("VACUUM INTO '{escaped}'")).await?;
            say_msg(Msg::new("cli.backed_up").arg("from", sqlite_path(&cfg.database)).arg("to", out));
            Ok(0)
        }
        Command::Check { db } => {
            let cfg = config(cfg_path.as_deref(), &db)?;
            let d = Db::connect(&cfg.database, 2).await?;
            // The keys are read, never created: a missing key is an error here.
            let d = audit_setup(d, &cfg, false, false, lang)?;
            let problems = check(&d).await?;
            if problems.is_empty() {
                // Anchor the verified head.
                audit::checkpoint(&d).await?;
                say_msg(Msg::new("cli.consistent"));
                Ok(0)
            } else {
                for p in &problems {
                    say(&format!("✗ {}", p.render(lang)));
                }
                say_msg(Msg::new("cli.problems_found").arg("n", problems.len().to_string()));
                Ok(1)
            }
        }
    }
}

/// `shegong init`: creates or migrates the database of `cfg`, its audit key and the predefined
/// roles; returns what to print.
pub async fn init(cfg: &Config, lang: Lang) -> anyhow::Result<Msg> {
    let d = Db::connect(&cfg.database, 2).await?;
    let applied = d.migrate().await?;
    let d = audit_setup(d, cfg, true, false, lang)?;
    audit::checkpoint(&d).await?;
    let roles = crate::demo::ensure_roles(&d).await?;
    audit::checkpoint(&d).await?;
    Ok(Msg::new("cli.db_ready")
        .arg("url", redact(&cfg.database))
        .arg("migrations", format!("{applied:?}"))
        .arg("roles", roles.to_string()))
}

/// Integrity checks of `shegong check`: engine integrity and foreign keys (SQLite), the
/// org-unit tree, the fund ledger, the audit chain (with the installed keys, and against the
/// checkpoint file when `d` has one: see [`audit::verify`]). Each problem is a message for the
/// reader's language (`Display` is English).
pub async fn check(d: &Db) -> anyhow::Result<Vec<Msg>> {
    use sea_orm::ConnectionTrait;
    let mut problems = Vec::new();
    let b = d.backend();
    if !d.is_postgres() {
        let rows = d.conn.query_all(sql(b, "PRAGMA integrity_check", vec![])).await?;
        for r in rows {
            let s: String = r.try_get_by_index(0)?;
            if s != "ok" {
                problems.push(Msg::new("check.integrity").arg("detail", s));
            }
        }
        let rows = d.conn.query_all(sql(b, "PRAGMA foreign_key_check", vec![])).await?;
        for r in rows {
            let table: String = r.try_get_by_index(0)?;
            let rowid: Option<i64> = r.try_get_by_index(1)?;
            let parent: String = r.try_get_by_index(2)?;
            problems.push(
                Msg::new("check.foreign_key")
                    .arg("table", table)
                    .arg("row", rowid.map_or_else(|| "?".to_string(), |r| r.to_string()))
                    .arg("parent", parent),
            );
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

fn print_logins(password: &str, lang: Lang) {
    say(&Msg::new("cli.demo_logins").arg("password", password).render(lang));
    for (user, role) in DEMO_USERS {
        let label = crate::platform::access::ROLES
            .iter()
            .find(|r| r.code == *role)
            .map(|r| Detail::Label { zh: r.name, en: r.name_en }.render(lang))
            .unwrap_or_else(|| role.to_string());
        say(&format!("  {user:<12} {label}"));
    }
}

async fn serve(cfg: Config, demo: bool, lang: Lang) -> anyhow::Result<()> {
    telemetry::init_logs(&cfg.log_format);
    let metrics = telemetry::init_metrics();
    let started = std::time::Instant::now();
    let db = open_with(&cfg, demo, lang).await?;
    if demo {
        if db.is_empty().await? {
            let password = demo_password()?;
            let report = crate::demo::generate(&db, &cfg.security, &cfg.data_dir, &password, 1).await?;
            audit::checkpoint(&db).await?;
            tracing::info!(units = report.units, users = report.users, "demo data written");
            print_logins(&password, lang);
        } else {
            say(&Msg::new("cli.demo_kept").render(lang));
            let users = DEMO_USERS.iter().map(|(u, _)| *u).collect::<Vec<_>>().join(", ");
            say(&Msg::new("cli.demo_users").arg("users", users).render(lang));
        }
    }
    let state = AppState::new(db.clone(), cfg.clone(), metrics);
    let router = app::build(state);
    let listener = tokio::net::TcpListener::bind(&cfg.addr)
        .await
        .map_err(|e| Msg::new("cli.listen").arg("addr", cfg.addr.as_str()).arg("error", e.to_string()))?;
    let local = listener.local_addr()?;
    say(&Msg::new("cli.running")
        .arg("addr", local.to_string())
        .arg("ms", started.elapsed().as_millis().to_string())
        .render(lang));
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
            if let Err(e) = crate::auth::sweep_sign_in_limits(&sweeper_db, &sec).await {
                tracing::warn!(error = %e, "sign-in limit sweep failed");
            }
            if let Err(e) = crate::volunteers::store::throttle_sweep(&sweeper_db.conn, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "volunteer limit sweep failed");
            }
        }
    });
    let checkpointer = audit::spawn_checkpointer(&db);
    let escalations = crate::hotline::spawn_sweeper(&db, &cfg.hotline);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    if let Some(c) = checkpointer {
        c.abort();
    }
    escalations.abort();
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

/// `shegong import KIND FILE`: the kind's importer from the registry (`app::exchanges`, the one
/// the web pages use, with the same row report), as the command line's system actor over every
/// unit; xlsx by content, else CSV. Returns the exit code (0 when written, 1 when the file had
/// problems and nothing was written, 2 for an unknown kind) and the report in `lang`.
pub async fn import_file(db: &Db, kind: &str, file: &str, lang: Lang) -> anyhow::Result<(i32, String)> {
    let all = app::exchanges();
    let Some(exchange) = Exchange::find(&all, kind).filter(|e| e.imports()) else {
        return Ok((2, unknown_kind(kind, Exchange::names(&all, true), lang)));
    };
    let bytes =
        std::fs::read(file).map_err(|e| Msg::new("cli.cannot_read").arg("file", file).arg("error", e.to_string()))?;
    let format = Format::of(file, Some(&bytes));
    let actor = Actor::system("cli");
    let scope = Scope::all();
    let ctx = ImportCtx { db, actor: &actor, scope: &scope, today: crate::platform::time::today(), parent: None };
    let report = exchange.import(&ctx, format, &bytes).await?;
    Ok((if report.committed() { 0 } else { 1 }, report.to_text(lang, exchange.columns)))
}

/// `shegong export KIND FILE`: every record of the kind, xlsx or (where the kind writes it) CSV
/// by the file name. Returns the exit code and what to print, in `lang`.
pub async fn export_file(db: &Db, kind: &str, file: &str, lang: Lang) -> anyhow::Result<(i32, String)> {
    let all = app::exchanges();
    let Some(exchange) = Exchange::find(&all, kind).filter(|e| e.exports()) else {
        return Ok((2, unknown_kind(kind, Exchange::names(&all, false), lang)));
    };
    let scope = Scope::all();
    let bytes = exchange.export(&ExportCtx::operator(db, &scope), Format::of(file, None)).await?.bytes;
    std::fs::write(file, bytes)
        .map_err(|e| Msg::new("cli.cannot_write").arg("file", file).arg("error", e.to_string()))?;
    Ok((0, Msg::new("cli.exported").arg("kind", kind).arg("file", file).render(lang)))
}

/// The command line's definition with the kinds of `import` and `export` listed from the
/// registry in their help (`shegong import --help`).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let all = app::exchanges();
    let kinds = |import: bool| {
        let names = Exchange::names(&all, import).join(", ");
        format!("类型 / kind: {names}")
    };
    let (import, export) = (kinds(true), kinds(false));
    Cli::command()
        .mut_subcommand("import", |c| c.mut_arg("kind", |a| a.help(import)))
        .mut_subcommand("export", |c| c.mut_arg("kind", |a| a.help(export)))
}

/// Parses the process's arguments (see [`command`]).
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

fn unknown_kind(kind: &str, names: Vec<&str>, lang: Lang) -> String {
    Msg::new("cli.unknown_kind").arg("kind", kind).arg("kinds", names.join(", ")).render(lang)
}

/// Prints a line; a closed pipe (e.g. `| head`) is not an error worth a panic.
fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{text}");
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
    fn the_language_of_messages() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            lang_from_env(move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
        };
        assert_eq!(env(&[]), Lang::Zh, "unset: the platform's language");
        assert_eq!(env(&[("LANG", "en_GB.UTF-8")]), Lang::En);
        assert_eq!(env(&[("LANG", "zh_CN.UTF-8")]), Lang::Zh);
        assert_eq!(env(&[("LANG", "C.UTF-8")]), Lang::Zh);
        assert_eq!(env(&[("LANG", "fr_FR.UTF-8")]), Lang::Zh);
        assert_eq!(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")]), Lang::En, "LC_ALL wins");
        assert_eq!(env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_TW.UTF-8")]), Lang::Zh);
        assert_eq!(env(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "")]), Lang::En, "an empty variable is unset");
        // `--lang` is global: before or after the subcommand; it overrides the environment.
        let c = Cli::try_parse_from(["shegong", "--lang", "en", "import", "orgs", "o.xlsx"]).expect("--lang en");
        assert_eq!(c.lang, Some(Lang::En));
        assert_eq!(c.lang(), Lang::En);
        let c = Cli::try_parse_from(["shegong", "check", "--lang", "zh"]).expect("--lang zh");
        assert_eq!(c.lang(), Lang::Zh);
        assert!(Cli::try_parse_from(["shegong", "--lang", "fr", "check"]).is_err());
        // Errors as printed: one language each.
        let e = anyhow::Error::from(Msg::new("cli.no_user").arg("username", "li"));
        assert_eq!(error_text(Lang::Zh, &e), "错误：用户不存在：li");
        assert_eq!(error_text(Lang::En, &e), "error: no user li");
    }

    #[test]
    fn import_help_lists_the_kinds_of_the_registry() {
        let mut cmd = command();
        for (sub, import) in [("import", true), ("export", false)] {
            let help = cmd.find_subcommand_mut(sub).expect(sub).render_help().to_string();
            for kind in Exchange::names(&app::exchanges(), import) {
                assert!(help.contains(kind), "{sub} --help lists {kind}: {help}");
            }
        }
        let help = cmd.find_subcommand_mut("import").expect("import").render_help().to_string();
        for kind in ["units", "departments", "orgs", "party-orgs", "activities", "exams", "projects", "payments"] {
            assert!(help.contains(kind), "{kind}: {help}");
        }
        let help = cmd.find_subcommand_mut("export").expect("export").render_help().to_string();
        assert!(help.contains("workers") && !help.contains("exams"), "{help}");
    }

    #[test]
    fn cli_parses_the_contract() {
        let c = Cli::try_parse_from(["shegong", "serve", "--addr", "127.0.0.1:9000", "--database", "x.db", "--demo"])
            .expect("serve");
        assert!(matches!(c.command, Command::Serve { demo: true, .. }));
        // `--scale N` adds N volunteer service records (issue 13); `--volunteer-records` is its alias.
        for flag in ["--scale", "--volunteer-records"] {
            let c = Cli::try_parse_from(["shegong", "demo", flag, "10000000"]).expect("demo --scale");
            assert!(matches!(c.command, Command::Demo { scale: 10_000_000, multiplier: 1, .. }), "{flag}");
        }
        assert!(Cli::try_parse_from(["shegong", "demo", "--scale", "many"]).is_err());
        assert!(Cli::try_parse_from(["shegong", "demo", "--multiplier", "3"]).is_ok());
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
