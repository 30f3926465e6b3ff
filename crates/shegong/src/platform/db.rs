//! Database: connect to SQLite or PostgreSQL from one URL, apply the versioned migrations, and
//! open write transactions. Everything above this module talks to [`Db`] through SeaORM's
//! backend-neutral API, so one code base serves both backends.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqlxPostgresConnector,
    SqlxSqliteConnector, Statement, TransactionTrait,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::platform::config::LimitsConfig;

/// The versioned migrations, applied in order. Never edit an applied one: add a new file.
///
/// A file is plain SQL that both engines accept, with `{id}` replaced by each engine's
/// auto-increment primary key. Where the engines differ (triggers), a line `-- backend: sqlite`,
/// `-- backend: postgres` or `-- backend: all` starts a section that only that engine (or both)
/// runs. Statements end at a `;` that ends a line, except inside a `$$ … $$` body (PostgreSQL
/// functions) and inside a `CREATE TRIGGER … BEGIN … END;` body (SQLite), which end at their
/// closing `$$;` / `END;` line.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../../migrations/0001_foundation.sql")),
    (2, "api_tokens_and_submissions", include_str!("../../migrations/0002_api_tokens_and_submissions.sql")),
    (3, "orgs", include_str!("../../migrations/0003_orgs.sql")),
    (4, "events", include_str!("../../migrations/0004_events.sql")),
    (5, "action_plans", include_str!("../../migrations/0005_action_plans.sql")),
    (6, "annual_reports", include_str!("../../migrations/0006_annual_reports.sql")),
    (7, "attachments", include_str!("../../migrations/0007_attachments.sql")),
    (8, "talent_fund", include_str!("../../migrations/0008_talent_fund.sql")),
    (9, "social_workers", include_str!("../../migrations/0009_social_workers.sql")),
    (10, "selections", include_str!("../../migrations/0010_selections.sql")),
    (11, "stations", include_str!("../../migrations/0011_stations.sql")),
    (12, "services", include_str!("../../migrations/0012_services.sql")),
    (13, "services_indexes", include_str!("../../migrations/0013_services_indexes.sql")),
    (14, "sign_in_limits", include_str!("../../migrations/0014_sign_in_limits.sql")),
    (15, "audit_guard", include_str!("../../migrations/0015_audit_guard.sql")),
    (16, "reference_permissions", include_str!("../../migrations/0016_reference_permissions.sql")),
    (17, "data_version", include_str!("../../migrations/0017_data_version.sql")),
    (18, "volunteers", include_str!("../../migrations/0018_volunteers.sql")),
    (19, "instructor_version", include_str!("../../migrations/0019_instructor_version.sql")),
    (20, "hotline", include_str!("../../migrations/0020_hotline.sql")),
    (21, "volunteer_rollups", include_str!("../../migrations/0021_volunteer_rollups.sql")),
    (22, "volunteer_records", include_str!("../../migrations/0022_volunteer_records.sql")),
    (23, "hotline_cases", include_str!("../../migrations/0023_hotline_cases.sql")),
    (24, "hotline_escalation", include_str!("../../migrations/0024_hotline_escalation.sql")),
    (25, "indicator_version", include_str!("../../migrations/0025_indicator_version.sql")),
    (26, "reviews", include_str!("../../migrations/0026_reviews.sql")),
    (27, "records_triggers", include_str!("../../migrations/0027_records_triggers.sql")),
    (28, "photo_thumbnails", include_str!("../../migrations/0028_photo_thumbnails.sql")),
    (29, "hotline_rota", include_str!("../../migrations/0029_hotline_rota.sql")),
    (30, "volunteer_weeks", include_str!("../../migrations/0030_volunteer_weeks.sql")),
    (31, "bulk_records", include_str!("../../migrations/0031_bulk_records.sql")),
];

/// A handle to the database shared by all requests.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// SQLite allows one writer at a time; write transactions queue here instead of failing
    /// with SQLITE_BUSY when a deferred transaction tries to upgrade its lock.
    write_gate: Option<Arc<Mutex<()>>>,
    pub url: String,
    /// Where this database's audit checkpoints go (set by [`crate::platform::audit::setup`]).
    pub anchor: Option<Arc<crate::platform::audit::Anchor>>,
    /// Statements run through `conn` and its transactions (see [`Db::statements`]).
    statements: Arc<AtomicU64>,
    /// Writes made through this handle (see [`Db::writes`]).
    writes: Arc<AtomicU64>,
}

/// A write transaction. On SQLite it holds the write gate until it ends.
pub struct WriteTx {
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    writes: Arc<AtomicU64>,
    /// Opened by [`Db::write_bulk`] on SQLite: the flag and the page cache to put back.
    bulk: bool,
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

/// SQLite's page cache of a connection, in KiB (`PRAGMA cache_size` takes it negated): the
/// default, and the one of a bulk write (see [`Db::write_bulk`]).
const SQLITE_CACHE_KIB: i64 = 2_000;
const SQLITE_BULK_CACHE_KIB: i64 = 256 * 1024;

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        if self.bulk {
            // The records' triggers were quiet: one bump for the whole transaction, and the
            // flag back to 0 before anyone can see it.
            self.txn
                .execute_unprepared(
                    "UPDATE data_version SET bulk = 0, records = records + 1, \
                     records_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = 1",
                )
                .await?;
            self.end_bulk().await?;
        }
        let done = self.txn.commit().await;
        // Counted after the commit too: a reader that looked between a statement and its
        // commit saw the old rows and must not keep them.
        self.writes.fetch_add(1, Ordering::Relaxed);
        done
    }

    /// Rolls back; after a bulk write, puts the connection's page cache back first (the flag
    /// goes back with the transaction). Dropping a transaction also rolls it back, but leaves a
    /// bulk write's larger cache on the pooled connection until the pool retires it.
    pub async fn rollback(self) -> Result<(), DbErr> {
        if self.bulk {
            self.end_bulk().await?;
        }
        self.txn.rollback().await
    }

    /// The default page cache again on this connection (the pages a bulk write made dirty are
    /// written at the commit and then freed down to the default).
    async fn end_bulk(&self) -> Result<(), DbErr> {
        self.txn.execute_unprepared(&format!("PRAGMA cache_size = -{SQLITE_CACHE_KIB}")).await.map(|_| ())
    }
}

/// Whether a statement only reads (`SELECT …`); anything else counts as a write.
fn reads_only(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or("");
    head.eq_ignore_ascii_case("select")
}

/// Whether a URL names PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Turns `shegong.db`, `sqlite:shegong.db` or `sqlite://shegong.db` into a file path.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

impl Db {
    /// Connects to the database named by `url` (a SQLite file path or `sqlite:` URL, or a
    /// `postgres://` URL). A SQLite file is created if missing.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        Self::connect_with(url, max_connections, 30).await
    }

    /// Connects with a PostgreSQL statement timeout in seconds (SQLite has none of its own).
    pub async fn connect_with(url: &str, max_connections: u32, statement_timeout_secs: u64) -> anyhow::Result<Db> {
        let limits =
            LimitsConfig { db_max_connections: max_connections, statement_timeout_secs, ..LimitsConfig::default() };
        Self::connect_limits(url, &limits).await
    }

    /// Connects with the pool settings of `limits` (`db_max_connections`, `statement_timeout_secs`,
    /// `db_test_before_acquire`).
    pub async fn connect_limits(url: &str, limits: &LimitsConfig) -> anyhow::Result<Db> {
        let (max_connections, statement_timeout_secs) = (limits.db_max_connections, limits.statement_timeout_secs);
        if is_postgres(url) {
            let timeout = format!("{}s", statement_timeout_secs.max(1));
            let opts = PgConnectOptions::from_str(url)?.options([
                ("statement_timeout", timeout.as_str()),
                ("lock_timeout", "10s"),
                ("timezone", "UTC"),
            ]);
            let pool = PgPoolOptions::new()
                // Off by default: a ping before each statement is a second round trip to the
                // server (a connection is still checked when it goes back to the pool).
                .test_before_acquire(limits.db_test_before_acquire)
                .max_connections(max_connections.max(2))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::counted(SqlxPostgresConnector::from_sqlx_postgres_pool(pool), None, url))
        } else {
            let path = sqlite_path(url);
            let memory = path == ":memory:";
            let opts = if memory {
                SqliteConnectOptions::from_str("sqlite::memory:")?
            } else {
                SqliteConnectOptions::new().filename(path).create_if_missing(true)
            };
            let opts = opts
                .journal_mode(if memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory");
            // An in-memory database lives in one connection only.
            let max = if memory { 1 } else { max_connections.max(2) };
            let pool = SqlitePoolOptions::new()
                // A ping to the connection's own thread before each statement tells nothing the
                // statement would not (and costs a round trip to that thread).
                .test_before_acquire(false)
                .max_connections(max)
                .min_connections(if memory { 1 } else { 0 })
                .idle_timeout(if memory { None } else { Some(Duration::from_secs(600)) })
                .max_lifetime(if memory { None } else { Some(Duration::from_secs(3600)) })
                .connect_with(opts)
                .await?;
            Ok(Db::counted(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool), Some(Arc::new(Mutex::new(()))), url))
        }
    }

    /// A handle whose connection counts the statements it runs.
    fn counted(mut conn: DatabaseConnection, write_gate: Option<Arc<Mutex<()>>>, url: &str) -> Db {
        let statements = Arc::new(AtomicU64::new(0));
        let writes = Arc::new(AtomicU64::new(0));
        let (counter, written) = (statements.clone(), writes.clone());
        conn.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            if !reads_only(&info.statement.sql) {
                written.fetch_add(1, Ordering::Relaxed);
            }
        });
        Db { conn, write_gate, url: url.into(), anchor: None, statements, writes }
    }

    /// How many statements this database handle (and every clone of it) has run so far, through
    /// the connection pool and in transactions. Tests compare it before and after a request to
    /// pin the statements each request costs; `/metrics` reports it.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// A counter that grows with every write made through this handle (and every clone of it):
    /// each statement that is not a `SELECT`, and each commit of a [`WriteTx`]. What a process
    /// keeps from the database may be trusted while it has not moved (the session cache,
    /// `auth::store::load_session`); writes by other processes are not counted.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// This handle with its audit checkpoint file (see [`crate::platform::audit::setup`]).
    pub fn with_anchor(mut self, anchor: Arc<crate::platform::audit::Anchor>) -> Db {
        self.anchor = Some(anchor);
        self
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    pub fn is_postgres(&self) -> bool {
        self.backend() == DatabaseBackend::Postgres
    }

    /// Begins a write transaction (serialised on SQLite).
    pub async fn write(&self) -> Result<WriteTx, DbErr> {
        let gate = match &self.write_gate {
            Some(g) => Some(g.clone().lock_owned().await),
            None => None,
        };
        let txn = self.conn.begin().await?;
        Ok(WriteTx { txn, _gate: gate, writes: self.writes.clone(), bulk: false })
    }

    /// A write transaction for a bulk write of service records (an import of up to 200,000
    /// rows). On SQLite (migration 0031) the per-row triggers of the records and their roll-ups
    /// stay quiet and [`WriteTx::commit`] bumps `data_version.records` once instead, and the
    /// connection gets a page cache of 256 MiB instead of 2 MiB for the transaction, so that the
    /// indexes it grows are not spilled to the WAL and read back halfway (docs/PERFORMANCE.md,
    /// "Volunteers' service records: the bulk import"). End it with [`WriteTx::commit`] or
    /// [`WriteTx::rollback`]. PostgreSQL bumps once per transaction anyway: there it is
    /// [`Db::write`].
    pub async fn write_bulk(&self) -> Result<WriteTx, DbErr> {
        let mut tx = self.write().await?;
        if self.backend() == DatabaseBackend::Sqlite {
            tx.bulk = true;
            tx.txn.execute_unprepared("UPDATE data_version SET bulk = 1 WHERE id = 1").await?;
            tx.txn.execute_unprepared(&format!("PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")).await?;
        }
        Ok(tx)
    }

    /// Applies every migration not yet applied, in one transaction. On PostgreSQL an advisory
    /// lock keeps two app nodes starting at once from migrating together.
    pub async fn migrate(&self) -> anyhow::Result<Vec<i64>> {
        self.migrate_up_to(i64::MAX).await
    }

    /// Applies the migrations not yet applied up to version `last` (tests use it to build a
    /// database as an older release left it).
    pub async fn migrate_up_to(&self, last: i64) -> anyhow::Result<Vec<i64>> {
        let backend = self.backend();
        let create = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        self.conn.execute_unprepared(create).await?;
        let tx = self.write().await?;
        if backend == DatabaseBackend::Postgres {
            tx.execute_unprepared("SELECT pg_advisory_xact_lock(7403519)").await?;
        }
        let rows = tx.query_all(Statement::from_string(backend, "SELECT version FROM schema_migrations")).await?;
        let mut applied = Vec::new();
        for r in rows {
            applied.push(r.try_get_by_index::<i64>(0)?);
        }
        let mut done = Vec::new();
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(version) || *version > last {
                continue;
            }
            let sql = for_backend(sql, backend).replace(
                "{id}",
                match backend {
                    DatabaseBackend::Postgres => "BIGSERIAL PRIMARY KEY",
                    _ => "INTEGER PRIMARY KEY AUTOINCREMENT",
                },
            );
            for stmt in split_statements(&sql) {
                tx.execute_unprepared(&stmt)
                    .await
                    .map_err(|e| anyhow::anyhow!("migration {version} ({name}): {e}\n{stmt}"))?;
            }
            tx.execute(Statement::from_sql_and_values(
                backend,
                match backend {
                    DatabaseBackend::Postgres => {
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"
                    }
                    _ => "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                },
                [(*version).into(), (*name).into(), chrono::Utc::now().to_rfc3339().into()],
            ))
            .await?;
            done.push(*version);
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Whether the schema has no org units yet (a fresh database).
    pub async fn is_empty(&self) -> Result<bool, DbErr> {
        let row = self.conn.query_one(Statement::from_string(self.backend(), "SELECT COUNT(*) FROM org_units")).await?;
        Ok(match row {
            Some(r) => r.try_get_by_index::<i64>(0)? == 0,
            None => true,
        })
    }

    /// A cheap query used by /readyz.
    /// Refreshes PostgreSQL's planner statistics after a bulk write (imports), so the next queries
    /// do not wait for autovacuum to notice thousands of new rows. SQLite needs nothing.
    pub async fn analyze(&self, tables: &[&str]) -> Result<(), DbErr> {
        if self.is_postgres() && !tables.is_empty() {
            // Table names come from the code, never from input.
            self.conn.execute_unprepared(&format!("ANALYZE {}", tables.join(", "))).await?;
        }
        Ok(())
    }

    /// After a bulk load of the whole database (the demo): `VACUUM (ANALYZE)` on PostgreSQL, so
    /// the planner has statistics and the visibility map allows index-only counts before
    /// autovacuum gets round to the new tables (without it the registry list's statement took
    /// 0.8 ms instead of 0.35 ms on a fresh demo). Runs outside any transaction. SQLite needs
    /// nothing: its planner has no statistics unless `ANALYZE` is run, and the queries were
    /// measured without them.
    pub async fn refresh_statistics(&self) -> Result<(), DbErr> {
        if self.is_postgres() {
            self.conn.execute_unprepared("VACUUM (ANALYZE)").await?;
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.execute_unprepared("SELECT 1").await.map(|_| ())
    }
}

/// Keeps the lines of a migration that `backend` runs: everything outside `-- backend: …`
/// sections, and the sections for that backend (see [`MIGRATIONS`]).
fn for_backend(sql: &str, backend: DatabaseBackend) -> String {
    let mine = match backend {
        DatabaseBackend::Postgres => "postgres",
        DatabaseBackend::Sqlite => "sqlite",
        DatabaseBackend::MySql => "mysql",
    };
    let mut keep = true;
    let mut out = String::with_capacity(sql.len());
    for line in sql.lines() {
        if let Some(section) = line.trim().strip_prefix("-- backend:") {
            let section = section.trim();
            keep = section == "all" || section == mine;
            continue;
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Splits a migration file into statements at semicolons that end a line, dropping comment
/// lines; `$$ … $$` bodies and SQLite trigger bodies (`BEGIN` … `END;`) stay whole.
fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_trigger_body = false;
    for line in sql.lines() {
        let trimmed = line.trim();
        let in_dollar_body = cur.matches("$$").count() % 2 == 1;
        if (trimmed.starts_with("--") && !in_dollar_body) || trimmed.is_empty() {
            continue;
        }
        if !in_dollar_body
            && trimmed.eq_ignore_ascii_case("BEGIN")
            && cur.trim_start().to_ascii_uppercase().starts_with("CREATE TRIGGER")
        {
            in_trigger_body = true;
        }
        cur.push_str(line);
        cur.push('\n');
        let ends = if in_trigger_body {
            trimmed.eq_ignore_ascii_case("END;")
        } else {
            trimmed.ends_with(';') && cur.matches("$$").count().is_multiple_of(2)
        };
        if ends {
            in_trigger_body = false;
            let stmt = cur.trim().trim_end_matches(';').trim().to_string();
            if !stmt.is_empty() {
                out.push(stmt);
            }
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// The portable sum of integers (money in fen, counts): `SUM_INT(expr)` in SQL given to [`sql`].
/// It is a BIGINT on both backends, 0 over no rows, exact whenever the true sum fits in i64 and
/// saturated at the i64 bounds when it does not, so that no stored value can make a sum fail
/// (SQLite's `SUM` raises "integer overflow", PostgreSQL's cast of its NUMERIC sum to BIGINT
/// raises "out of range"). `expr` must not contain a `?` placeholder (SQLite repeats it).
pub const SUM_INT: &str = "SUM_INT(";

/// SQLite: the sum of the high and the low 32 bits separately (neither can overflow below 2^31
/// rows), recombined in arithmetic that turns an overflow into a REAL, which CAST saturates.
fn sum_int_sql(backend: DatabaseBackend, expr: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!(
            "CAST(LEAST(GREATEST(COALESCE(SUM({expr}), 0), -9223372036854775808), 9223372036854775807) AS BIGINT)"
        ),
        _ => format!(
            "CAST(COALESCE(SUM(({expr}) / 4294967296), 0) * 4294967296 + COALESCE(SUM(({expr}) % 4294967296), 0) AS INTEGER)"
        ),
    }
}

/// Expands every `SUM_INT(…)` (balanced parentheses; string literals skipped) for the backend.
fn expand_sums(backend: DatabaseBackend, text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(SUM_INT) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 128);
    let mut rest = text;
    while let Some(at) = rest.find(SUM_INT) {
        out.push_str(&rest[..at]);
        let inner_start = at + SUM_INT.len();
        let bytes = rest.as_bytes();
        let (mut depth, mut quoted, mut end) = (1usize, false, None);
        for (i, b) in bytes.iter().enumerate().skip(inner_start) {
            match b {
                b'\'' => quoted = !quoted,
                b'(' if !quoted => depth += 1,
                b')' if !quoted => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            // Unbalanced: leave the text as written (the database reports the syntax error).
            out.push_str(&rest[at..]);
            return std::borrow::Cow::Owned(out);
        };
        let inner = &rest[inner_start..end];
        debug_assert!(!inner.contains('?'), "no placeholder inside SUM_INT: {inner}");
        out.push_str(&sum_int_sql(backend, inner));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Builds a raw statement from SQL written with `?` placeholders, numbering them `$1…` for
/// PostgreSQL, and expanding [`SUM_INT`]. Only for SQL that has no `?` inside string literals.
pub fn sql(backend: DatabaseBackend, text: &str, values: Vec<sea_orm::Value>) -> Statement {
    let text = expand_sums(backend, text);
    let text = text.as_ref();
    if backend == DatabaseBackend::Postgres {
        let mut out = String::with_capacity(text.len() + 8);
        let mut n = 0;
        for ch in text.chars() {
            if ch == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(ch);
            }
        }
        Statement::from_sql_and_values(backend, out, values)
    } else {
        Statement::from_sql_and_values(backend, text, values)
    }
}

/// Escapes the LIKE wildcards of a user's text (`%`, `_`, and the escape character `\` itself),
/// for a pattern used with `ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A search for `text` anywhere in any of `terms` (SQL expression, the text to look for in it —
/// e.g. lowercased for a `LOWER(…)` expression): `(a LIKE ? ESCAPE '\' OR b LIKE ? ESCAPE '\')`
/// and its values. The user's `%` and `_` match themselves. Every search box goes through here
/// (a test finds any other `LIKE ?`); the same SQL works on SQLite and on PostgreSQL (where
/// `standard_conforming_strings` makes `'\'` one character).
pub fn contains_any(terms: &[(&str, &str)]) -> (String, Vec<sea_orm::Value>) {
    let parts: Vec<String> = terms.iter().map(|(expr, _)| format!("{expr} LIKE ? ESCAPE '\\'")).collect();
    let values = terms.iter().map(|(_, text)| format!("%{}%", escape_like(text)).into()).collect();
    (format!("({})", parts.join(" OR ")), values)
}

/// Runs an `INSERT … VALUES (…)` (written without `RETURNING`) and returns the new row's id: the
/// one way to insert a row whose id the caller needs (a test finds any other `RETURNING id`).
pub async fn insert_id<C: ConnectionTrait>(c: &C, insert: &str, values: Vec<sea_orm::Value>) -> Result<i64, DbErr> {
    let text = format!("{insert} RETURNING id");
    let row = c.query_one(sql(c.get_database_backend(), &text, values)).await?.ok_or(DbErr::RecordNotInserted)?;
    match row.try_get_by_index::<i64>(0) {
        Ok(id) => Ok(id),
        Err(_) => row.try_get_by_index::<i32>(0).map(i64::from),
    }
}

/// Inserts many rows with multi-row `INSERT … VALUES (…), (…)` statements (`head` is the
/// statement up to `VALUES`, each row one `Vec` of the same length) and returns the new rows'
/// ids in ascending order: the bulk form of [`insert_id`] (imports). Rows go in statements of at
/// most 30,000 values (SQLite allows 32,766 per statement, PostgreSQL 65,535).
pub async fn insert_ids<C: ConnectionTrait>(
    c: &C,
    head: &str,
    rows: Vec<Vec<sea_orm::Value>>,
) -> Result<Vec<i64>, DbErr> {
    let width = rows.first().map_or(1, Vec::len).max(1);
    let mark = format!("({})", vec!["?"; width].join(","));
    let mut ids = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<sea_orm::Value>> = rows.by_ref().take((30_000 / width).max(1)).collect();
        let marks = vec![mark.as_str(); chunk.len()].join(",");
        let text = format!("{head} VALUES {marks} RETURNING id");
        let values: Vec<sea_orm::Value> = chunk.into_iter().flatten().collect();
        for row in c.query_all(sql(c.get_database_backend(), &text, values)).await? {
            ids.push(match row.try_get_by_index::<i64>(0) {
                Ok(id) => id,
                Err(_) => i64::from(row.try_get_by_index::<i32>(0)?),
            });
        }
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Runs a query returning one integer (a COUNT or a SUM cast to BIGINT); no row counts as 0.
pub async fn count<C: ConnectionTrait>(c: &C, text: &str, values: Vec<sea_orm::Value>) -> Result<i64, DbErr> {
    let row = c.query_one(sql(c.get_database_backend(), text, values)).await?;
    Ok(match row {
        // PostgreSQL types INTEGER columns as int4: accept both widths.
        Some(r) => match r.try_get_by_index::<Option<i64>>(0) {
            Ok(v) => v.unwrap_or(0),
            Err(_) => r.try_get_by_index::<Option<i32>>(0)?.map(i64::from).unwrap_or(0),
        },
        None => 0,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn statements_are_split_and_comments_dropped() {
        let s = split_statements("-- c\nCREATE TABLE a (x INT);\n\nINSERT INTO a VALUES (1);\n");
        assert_eq!(s, vec!["CREATE TABLE a (x INT)".to_string(), "INSERT INTO a VALUES (1)".to_string()]);
    }

    #[test]
    fn sum_int_expands_for_each_backend() {
        let q =
            "SELECT SUM_INT(CASE WHEN k = ')' THEN a ELSE -a END) AS s, x FROM t WHERE y = ? ORDER BY SUM_INT(b) DESC";
        let pg = expand_sums(DatabaseBackend::Postgres, q);
        assert_eq!(
            pg,
            "SELECT CAST(LEAST(GREATEST(COALESCE(SUM(CASE WHEN k = ')' THEN a ELSE -a END), 0), -9223372036854775808), \
             9223372036854775807) AS BIGINT) AS s, x FROM t WHERE y = ? ORDER BY CAST(LEAST(GREATEST(COALESCE(SUM(b), 0), \
             -9223372036854775808), 9223372036854775807) AS BIGINT) DESC"
        );
        let lite = expand_sums(DatabaseBackend::Sqlite, "SELECT SUM_INT(a) FROM t");
        assert_eq!(
            lite,
            "SELECT CAST(COALESCE(SUM((a) / 4294967296), 0) * 4294967296 + COALESCE(SUM((a) % 4294967296), 0) AS INTEGER) FROM t"
        );
        assert_eq!(expand_sums(DatabaseBackend::Sqlite, "SELECT COUNT(*) FROM t"), "SELECT COUNT(*) FROM t");
    }

    #[tokio::test]
    async fn sums_are_exact_and_never_fail_on_sqlite() {
        let db = Db::connect(":memory:", 1).await.expect("connect");
        db.conn.execute_unprepared("CREATE TABLE t (g INTEGER, x BIGINT)").await.expect("table");
        let max = i64::MAX;
        db.conn
            .execute_unprepared(&format!(
                "INSERT INTO t VALUES (1, {max}), (1, {max}), (2, {max}), (2, -{max}), (2, -3), (2, 7), \
                 (3, -{max}), (3, -{max}), (4, 4294967297), (4, -1), (4, NULL), (5, 123456789012)"
            ))
            .await
            .expect("rows");
        // SQLite's own SUM fails on the first group: the reason for SUM_INT.
        assert!(count(&db.conn, "SELECT SUM(x) FROM t WHERE g = 1", vec![]).await.is_err());
        for (g, want) in [(1, max), (2, 4), (3, i64::MIN), (4, 4294967296), (5, 123456789012), (6, 0)] {
            let got = count(&db.conn, "SELECT SUM_INT(x) FROM t WHERE g = ?", vec![g.into()]).await.expect("sum");
            assert_eq!(got, want, "group {g}");
        }
    }

    #[tokio::test]
    async fn searches_escape_wildcards() {
        assert_eq!(escape_like(r"5%_a\b"), r"5\%\_a\\b");
        let (cond, vals) = contains_any(&[("a", "x%"), ("LOWER(b)", "y_")]);
        assert_eq!(cond, r"(a LIKE ? ESCAPE '\' OR LOWER(b) LIKE ? ESCAPE '\')");
        assert_eq!(vals, vec![sea_orm::Value::from(r"%x\%%"), sea_orm::Value::from(r"%y\_%")]);
        let db = Db::connect(":memory:", 1).await.expect("connect");
        db.conn.execute_unprepared("CREATE TABLE t (s TEXT)").await.expect("table");
        db.conn
            .execute_unprepared(r"INSERT INTO t VALUES ('100%'), ('1000'), ('a_b'), ('axb'), ('c\d'), ('cd')")
            .await
            .expect("rows");
        for (q, want) in [("%", 1), ("_", 1), (r"\", 1), ("0%", 1), ("a_", 1), ("x", 1), ("", 6)] {
            let (cond, vals) = contains_any(&[("s", q)]);
            let n = count(&db.conn, &format!("SELECT COUNT(*) FROM t WHERE {cond}"), vals).await.expect("query");
            assert_eq!(n, want, "{q}");
        }
    }

    /// Every line (`file:line`) of the crate's sources outside this module that `hit` matches.
    pub(crate) fn source_lines(hit: impl Fn(&str) -> bool) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("platform/db.rs") {
                    let text = std::fs::read_to_string(&p).expect("read");
                    for (n, line) in text.lines().enumerate() {
                        if hit(line) {
                            found.push(format!("{}:{}", p.display(), n + 1));
                        }
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_like_on_user_text_is_escaped() {
        // `LIKE ?` outside this module is only allowed on unit paths, whose codes cannot hold a
        // wildcard (units::model::UnitCode); searches use contains_any.
        let found = source_lines(|line| line.contains("LIKE ?") && !line.contains("path"));
        assert!(found.is_empty(), "use db::contains_any for searches: {found:#?}");
    }

    #[test]
    fn every_sum_in_the_code_is_a_sum_int() {
        // A plain SUM( in a query can fail on a large stored value (see SUM_INT).
        let found = source_lines(|line| line.replace("SUM_INT(", "").contains("SUM("));
        assert!(found.is_empty(), "use SUM_INT(…) instead of SUM(…): {found:#?}");
    }

    #[test]
    fn trigger_and_function_bodies_stay_whole() {
        let sqlite = "CREATE TRIGGER t BEFORE DELETE ON a\nBEGIN\n    SELECT RAISE(ABORT, 'no');\nEND;\nCREATE INDEX i ON a(x);\n";
        assert_eq!(
            split_statements(sqlite),
            vec![
                "CREATE TRIGGER t BEFORE DELETE ON a\nBEGIN\n    SELECT RAISE(ABORT, 'no');\nEND".to_string(),
                "CREATE INDEX i ON a(x)".to_string()
            ]
        );
        let pg = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    -- inside\n    RAISE EXCEPTION 'no';\nEND;\n$$;\nCREATE TRIGGER t BEFORE DELETE ON a FOR EACH ROW EXECUTE FUNCTION f();\n";
        let s = split_statements(pg);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].starts_with("CREATE FUNCTION") && s[0].ends_with("$$") && s[0].contains("-- inside"));
        assert!(s[1].starts_with("CREATE TRIGGER t BEFORE DELETE") && s[1].ends_with("f()"));
    }

    #[test]
    fn backend_sections_are_kept_for_their_backend_only() {
        let sql = "CREATE TABLE a (x INT);\n-- backend: sqlite\nSELECT 'lite';\n-- backend: postgres\nSELECT 'pg';\n-- backend: all\nSELECT 'both';\n";
        let lite = split_statements(&for_backend(sql, DatabaseBackend::Sqlite));
        let pg = split_statements(&for_backend(sql, DatabaseBackend::Postgres));
        assert_eq!(lite, vec!["CREATE TABLE a (x INT)", "SELECT 'lite'", "SELECT 'both'"]);
        assert_eq!(pg, vec!["CREATE TABLE a (x INT)", "SELECT 'pg'", "SELECT 'both'"]);
    }

    #[tokio::test]
    async fn migrations_apply_once_on_sqlite() {
        let db = Db::connect(":memory:", 1).await.expect("connect");
        // Numbered 1..=n without a gap, applied in that order (numbers handed out to branches are
        // made contiguous when they merge).
        let all: Vec<i64> = MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(all, (1..=all.len() as i64).collect::<Vec<_>>());
        assert_eq!(db.migrate().await.expect("migrate"), all);
        assert!(db.migrate().await.expect("again").is_empty());
        assert!(db.is_empty().await.expect("count"));
    }
}
