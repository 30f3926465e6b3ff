//! Test harness: a fresh database per test (a temporary SQLite file, or a new PostgreSQL
//! database when `SHEGONG_TEST_POSTGRES` is set) holding the demo data (copied from the
//! process's template, `demo_template`), and a client with a cookie jar that speaks to the
//! router in-process.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sea_orm::ConnectionTrait;
use shegong::app;
use shegong::platform::access::Routes;
use shegong::platform::config::Config;
use shegong::platform::db::Db;
use shegong::platform::AppState;
use tower::ServiceExt;

pub const PASSWORD: &str = "Test-Passw0rd-Ks";

/// The audit key of every test app (one key ring per process, see `platform::audit::install`).
pub const AUDIT_KEY: &str = "54657374206175646974206b6579202d2d206e6f7420666f722070726f64756374";
pub const AUDIT_KEY_ID: &str = "test";
/// The personal-data key of every test app (one vault per process, see `platform::vault`).
pub const PII_KEY: &str = "5465737420706969206b6579202d2d206e6f7420666f722070726f64756374696f6e";

/// Runs a test body once on SQLite and once on PostgreSQL (two test functions). The PostgreSQL
/// one is `#[ignore]`d (reported as skipped) unless `SHEGONG_TEST_POSTGRES` is set or `CI=true`
/// when the tests are built (`cfg(shegong_pg)`, build.rs); when it runs without a server it fails.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        $crate::both_backends_with!($name, |_: &mut shegong::platform::config::Config| {}, $body);
    };
}

/// `both_backends!` with a change to the test configuration (`|c: &mut Config| …`).
#[macro_export]
macro_rules! both_backends_with {
    ($name:ident, $tweak:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::sqlite_with($tweak).await;
                let db = app.db.clone();
                ($body)(app).await;
                $crate::helpers::finish(db).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(shegong_pg), ignore = "set SHEGONG_TEST_POSTGRES to run")]
            async fn postgres() {
                let Some(app) = $crate::helpers::TestApp::postgres_with($tweak).await else {
                    return;
                };
                let db = app.db.clone();
                ($body)(app).await;
                $crate::helpers::finish(db).await;
            }
        }
    };
}

pub fn test_config(database: &str) -> Config {
    let mut c = Config { database: database.to_string(), ..Config::default() };
    c.security.password_hash_memory_kib = 1024;
    c.security.password_hash_iterations = 1;
    c.limits.db_max_connections = 5;
    c.data_dir = std::env::temp_dir()
        .join(format!("shegong-test-{}", shegong::platform::web::random_token(6).expect("random")))
        .to_string_lossy()
        .to_string();
    c.audit.key = Some(shegong::platform::config::Secret::new(AUDIT_KEY));
    c.audit.key_id = AUDIT_KEY_ID.into();
    c.pii.key = Some(shegong::platform::config::Secret::new(PII_KEY));
    c
}

/// Connects to and migrates the database of `cfg`, loads its audit keys and anchors the head
/// (what `shegong serve` does before it writes).
pub async fn open_db(cfg: &Config) -> Db {
    let db = connect_db(cfg).await;
    shegong::platform::audit::checkpoint(&db).await.expect("first checkpoint");
    db
}

/// Connects to and migrates the database of `cfg` and loads its keys, without a checkpoint (a
/// copy of the demo comes with the checkpoint file its first start wrote).
async fn connect_db(cfg: &Config) -> Db {
    let db = Db::connect_limits(&cfg.database, &cfg.limits).await.expect("connect");
    db.migrate().await.expect("migrate");
    let (db, _) = shegong::platform::audit::setup(db, cfg, true).expect("audit keys");
    shegong::platform::vault::setup(cfg, true).expect("pii key");
    db
}

/// The PostgreSQL server URL for tests. PostgreSQL tests are ignored unless they are wanted
/// (`cfg(shegong_pg)`), so one that runs without the URL (under CI=true, or with `--ignored`)
/// fails instead of passing without having run; so does an unreachable server.
pub fn postgres_url() -> Option<String> {
    match std::env::var("SHEGONG_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but SHEGONG_TEST_POSTGRES is not set: the PostgreSQL suite must run in CI")
        }
        _ => panic!("SHEGONG_TEST_POSTGRES is not set: this PostgreSQL test cannot run"),
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub cookies: HashMap<String, String>,
    pub csrf: String,
    /// Database to drop at the end (PostgreSQL).
    pub pg_admin: Option<(String, String)>,
    /// The configuration the app runs with.
    pub config: Config,
}

/// Drops a PostgreSQL test database after a passing test (failed ones stay for inspection).
pub async fn finish(db: Db) {
    if db.is_postgres() {
        let url = db.url.clone();
        drop(db);
        if let (Some(base), Some(name)) = (postgres_url(), url.rsplit('/').next()) {
            if let Ok(admin) = Db::connect(&base, 1).await {
                let _ = admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            }
        }
    }
}

/// Creates an empty PostgreSQL database: (server URL, database name, database URL).
pub async fn new_postgres_database() -> Option<(String, String, String)> {
    let (base, name, url) = new_postgres_name()?;
    let admin = Db::connect(&base, 1).await.unwrap_or_else(|e| panic!("PostgreSQL at {base} unreachable: {e}"));
    admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    Some((base, name, url))
}

/// A new name for a PostgreSQL test database, not yet created: (server URL, name, database URL).
fn new_postgres_name() -> Option<(String, String, String)> {
    let base = postgres_url()?;
    let name = format!("shegong_t_{}", shegong::platform::web::random_token(6).expect("random"));
    let url = database_url(&base, &name);
    Some((base, name, url))
}

/// The URL of the database `name` on the server of `base`.
pub fn database_url(base: &str, name: &str) -> String {
    match base.rfind('/') {
        Some(i) if base[..i].contains("://") && i > base.find("://").map(|p| p + 2).unwrap_or(0) => {
            format!("{}/{name}", &base[..i])
        }
        _ => format!("{}/{name}", base.trim_end_matches('/')),
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(|_| {}).await
    }

    pub async fn sqlite_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("test.db");
        // Keep the directory for the life of the process (the file must outlive the test body).
        std::mem::forget(dir);
        let mut cfg = test_config(path.to_str().expect("utf8 path"));
        tweak(&mut cfg);
        Self::with_config(cfg, Routes::new()).await
    }

    pub async fn postgres_with(tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        // `with_config` creates the database (a copy of the demo template when it can).
        let (base, name, url) = new_postgres_name()?;
        let mut cfg = test_config(&url);
        tweak(&mut cfg);
        let mut app = Self::with_config(cfg, Routes::new()).await;
        app.pg_admin = Some((base, name));
        Some(app)
    }

    /// An app on the database of `cfg` holding the demo: a copy of the process's demo template
    /// (`demo_template`) when `cfg`'s demo is the template's and the database is not there yet,
    /// else the demo generated into it.
    pub async fn with_config(cfg: Config, extra: Routes) -> TestApp {
        let db = if crate::demo_template::copy_into(&cfg).await {
            connect_db(&cfg).await
        } else {
            let db = open_db(&cfg).await;
            shegong::demo::generate(&db, &cfg.security, &cfg.data_dir, PASSWORD, 1).await.expect("demo data");
            db
        };
        let state = AppState::new(db.clone(), cfg.clone(), shegong::platform::telemetry::init_metrics());
        let router = app::build_with(state.clone(), extra);
        TestApp { router, db, cookies: HashMap::new(), csrf: String::new(), pg_admin: None, config: cfg }
    }

    /// Another app node on the same database: its own state (and so its own caches), router and
    /// cookie jar, as when several nodes share one PostgreSQL.
    /// Another app node on the same database: its own connections, caches and write count, as a
    /// second process would have.
    pub async fn other_node(&self) -> TestApp {
        let db = Db::connect_limits(&self.config.database, &self.config.limits).await.expect("connect");
        let (db, _) = shegong::platform::audit::setup(db, &self.config, true).expect("audit keys");
        let state = AppState::new(db.clone(), self.config.clone(), None);
        TestApp {
            router: app::build(state),
            db,
            cookies: HashMap::new(),
            csrf: String::new(),
            pg_admin: None,
            config: self.config.clone(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, req: Request<Body>) -> TestResponse {
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        for sc in headers.get_all(header::SET_COOKIE) {
            let s = sc.to_str().unwrap_or("");
            if let Some((kv, _)) = s.split_once(';').or(Some((s, ""))) {
                if let Some((k, v)) = kv.split_once('=') {
                    if s.contains("Max-Age=0") || v.is_empty() {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_string(), v.to_string());
                    }
                }
            }
        }
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let body = String::from_utf8_lossy(&bytes).to_string();
        if let Some(i) = body.find("\"X-CSRF-Token\": \"") {
            let rest = &body[i + 17..];
            if let Some(end) = rest.find('"') {
                self.csrf = rest[..end].to_string();
            }
        }
        TestResponse { status, headers, body }
    }

    /// Sends a request as if it arrived over TCP from `peer` (the in-process router has no peer
    /// address otherwise).
    pub async fn send_from(&mut self, peer: &str, mut req: Request<Body>) -> TestResponse {
        let ip: std::net::IpAddr = peer.parse().expect("peer address");
        let addr = std::net::SocketAddr::new(ip, 40000);
        req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        self.send(req).await
    }

    /// POSTs a form with the current CSRF token from `peer`, with extra headers.
    pub async fn post_from(
        &mut self,
        peer: &str,
        path: &str,
        form: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let mut pairs: Vec<(&str, &str)> = vec![("_csrf", "")];
        let csrf = self.csrf.clone();
        pairs[0].1 = &csrf;
        pairs.extend_from_slice(form);
        let mut req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let req = req.body(Body::from(serde_urlencoded::to_string(&pairs).expect("encode"))).expect("request");
        self.send_from(peer, req).await
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let req = Request::get(path).header(header::COOKIE, self.cookie_header()).body(Body::empty()).expect("request");
        self.send(req).await
    }

    /// POSTs a form with the current CSRF token.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let mut pairs: Vec<(&str, &str)> = vec![("_csrf", "")];
        let csrf = self.csrf.clone();
        pairs[0].1 = &csrf;
        pairs.extend_from_slice(form);
        self.post_raw(path, &pairs).await
    }

    /// POSTs a form exactly as given (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(form).expect("encode");
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// Signs in (fetching the login page first for the anonymous CSRF cookie).
    pub async fn login(&mut self, username: &str, password: &str) -> TestResponse {
        self.cookies.remove("sg_session");
        self.get("/login").await;
        let r = self.post("/login", &[("username", username), ("password", password), ("next", "/")]).await;
        // Pick up the session's CSRF token from a page.
        if r.status == StatusCode::SEE_OTHER {
            self.get("/account/password").await;
        }
        r
    }

    pub async fn login_ok(&mut self, username: &str) {
        let r = self.login(username, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {username} failed: {}", r.body);
    }

    pub async fn logout(&mut self) {
        self.post("/logout", &[]).await;
        self.cookies.remove("sg_session");
    }

    /// Runs a query returning one integer.
    pub async fn scalar(&self, q: &str) -> i64 {
        shegong::platform::db::count(&self.db.conn, q, vec![]).await.expect("scalar query")
    }

    /// Runs a query returning one text.
    pub async fn text(&self, q: &str) -> String {
        let row = self
            .db
            .conn
            .query_one(sea_orm::Statement::from_string(self.db.conn.get_database_backend(), q.to_string()))
            .await
            .expect("text query")
            .expect("a row");
        row.try_get_by_index::<String>(0).expect("a text")
    }

    /// Runs a statement through this node's connection (counted as its write, as the app's own are).
    pub async fn exec(&self, q: &str) {
        let stmt = sea_orm::Statement::from_string(self.db.backend(), q);
        self.db.conn.execute(stmt).await.expect("exec");
    }

    pub async fn unit_id(&self, path: &str) -> i64 {
        shegong::units::store::get_by_path(&self.db.conn, path).await.expect("query").expect("unit exists").id
    }
}

impl TestApp {
    /// Creates an API token for a user directly in the database. A token works only while its
    /// holder has `api.tokens` (checked at every use), so the user's roles are given it here: the
    /// tests use tokens of every role to check the API's permissions and scope.
    pub async fn token_for(&self, username: &str) -> String {
        let id = self.scalar(&format!("SELECT id FROM users WHERE username = '{username}'")).await;
        self.exec(&format!(
            "INSERT INTO role_permissions (role_id, permission) SELECT ur.role_id, 'api.tokens' FROM user_roles ur \
             WHERE ur.user_id = {id} AND NOT EXISTS (SELECT 1 FROM role_permissions rp WHERE rp.role_id = ur.role_id AND rp.permission = 'api.tokens')"
        ))
        .await;
        shegong::auth::store::create_token(&self.db.conn, id, "test", None).await.expect("token").1
    }

    pub async fn api(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        json: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match json {
            Some(j) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        let r = self.send(req.body(body).expect("request")).await;
        let v = serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null);
        (r.status, v)
    }
}

impl TestApp {
    /// Uploads a file as multipart/form-data with the CSRF token, like the browser form.
    pub async fn upload(&mut self, path: &str, filename: &str, bytes: &[u8]) -> TestResponse {
        self.upload_named(path, filename, bytes).await
    }

    pub async fn upload_named(&mut self, path: &str, filename: &str, bytes: &[u8]) -> TestResponse {
        let boundary = "----shegongtestboundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n", self.csrf)
                .as_bytes(),
        );
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }
}

impl TestApp {
    /// GET returning the raw body (downloads).
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let req = Request::get(path).header(header::COOKIE, self.cookie_header()).body(Body::empty()).expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, bytes)
    }
}

/// The route with each record id replaced by a real record the user reaches (the victim user
/// for user routes), or `None` in the second place when the database holds no such record.
pub async fn route_path(
    app: &TestApp,
    def: &shegong::platform::access::RouteDef,
    username: Option<&str>,
    victim_user: i64,
) -> (String, bool) {
    let mut path = def.path.replace("{name}", "app.css").replace("{code}", "zh-CN");
    let who = match username {
        Some(u) => {
            let (id, path): (i64, String) = {
                let conn = &app.db.conn;
                let r = conn
                    .query_one(sea_orm::Statement::from_string(
                        conn.get_database_backend(),
                        format!("SELECT u.id, o.path FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = '{u}'"),
                    ))
                    .await
                    .expect("user")
                    .expect("user row");
                (r.try_get("", "id").expect("id"), r.try_get("", "path").expect("path"))
            };
            let (_, _, scope) = shegong::auth::store::load_access(&app.db.conn, id, &path).await.expect("access");
            Some((id, scope))
        }
        None => None,
    };
    let mut found = true;
    let mut ids: Vec<(&str, i64)> = Vec::new();
    for (param, record) in &def.records {
        let id = if record.table == "users" {
            victim_user
        } else {
            let (scope, uid) = match &who {
                Some((id, scope)) => (scope.clone(), *id),
                None => (shegong::platform::access::Scope::all(), 0),
            };
            let (f, mut vals) = record.filter(&scope, uid);
            let mut q = format!("SELECT MIN(t.id) AS id FROM {} t WHERE {f}", record.table);
            if let Some((pparam, col)) = record.parent {
                let pid = ids.iter().find(|(n, _)| *n == pparam).map(|(_, i)| *i).unwrap_or(0);
                q.push_str(&format!(" AND t.{col} = ?"));
                vals.push(pid.into());
            }
            let conn = &app.db.conn;
            let b = conn.get_database_backend();
            conn.query_one(shegong::platform::db::sql(b, &q, vals))
                .await
                .expect("record query")
                .and_then(|r| r.try_get::<Option<i64>>("", "id").ok().flatten())
                .unwrap_or_else(|| {
                    found = false;
                    0
                })
        };
        ids.push((param, id));
    }
    if let Some((uid, scope)) = &who {
        // The victim user may lie outside a role's reach: then the record guard answers.
        for (i, (param, record)) in def.records.iter().enumerate() {
            let parent = record.parent.and_then(|(p, _)| ids.iter().find(|(n, _)| *n == p).map(|(_, v)| *v));
            let ok = record.reachable(&app.db.conn, scope, *uid, ids[i].1, parent).await.expect("reachable");
            found &= ok && ids[i].0 == *param;
        }
    }
    for (param, id) in ids {
        path = path.replace(&format!("{{{param}}}"), &id.to_string());
    }
    (path, found)
}

/// The texts between each `open` and the next `close` in `body`.
pub fn between<'a>(body: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    body.match_indices(open)
        .filter_map(|(i, _)| {
            let rest = &body[i + open.len()..];
            rest.find(close).map(|end| &rest[..end])
        })
        .collect()
}

/// Whether `s` holds a Chinese character or Chinese punctuation (full-width brackets, 、。：…).
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| matches!(c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF))
}

/// One register's record pages as a user meets them: the list links to the record's page, the
/// page links to its edit form, the form has a cancel link back; a good edit is saved (303 back to
/// the page) and audited with before and after; the same version again is stale (409); bad input
/// answers 422 with the message and the user's values; a user whose scope does not reach a record
/// gets 404 for its page, its form and a write.
pub struct EditCase<'a> {
    /// The record's page, e.g. `/events/7`.
    pub page: String,
    /// A list page expected to link to the record (searched or filtered to show it).
    pub list: String,
    pub table: &'a str,
    /// The audit log's entity name.
    pub entity: &'a str,
    pub id: i64,
    /// A valid edit (without `version`).
    pub good: Vec<(&'a str, String)>,
    /// SQL counting 1 when the good edit is in the row.
    pub saved: String,
    /// An invalid edit (without `version`), the message it must show and a typed value it keeps.
    pub bad: Vec<(&'a str, String)>,
    pub message: &'a str,
    pub kept: &'a str,
    /// A record of the same register outside the station manager's scope.
    pub outside: i64,
}

pub async fn check_edit(app: &mut TestApp, case: EditCase<'_>) {
    let EditCase { page, list, table, entity, id, good, saved, bad, message, kept, outside } = case;
    app.login_ok("bureau").await;
    let l = app.get(&list).await;
    assert_eq!(l.status, StatusCode::OK, "{list}");
    assert!(l.body.contains(&format!("href=\"{page}\"")), "{list} links to {page}");
    let p = app.get(&page).await;
    assert_eq!(p.status, StatusCode::OK, "{page}: {}", p.body);
    assert!(p.body.contains(&format!("href=\"{page}/edit\"")), "{page} links to its edit form");
    let form = app.get(&format!("{page}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{page}/edit");
    assert!(form.body.contains(&format!("class=\"button cancel\" href=\"{page}\"")), "cancel goes back to {page}");
    let version = app.scalar(&format!("SELECT version FROM {table} WHERE id = {id}")).await.to_string();
    fn with_version(fields: &[(&str, String)], v: &str) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        f.push(("version".into(), v.to_string()));
        f
    }
    // Bad input: 422, the message next to the field, the user's values kept, nothing saved.
    let b = with_version(&bad, &version);
    let pairs: Vec<(&str, &str)> = b.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post(&page, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{page}: bad input");
    assert!(r.body.contains(message), "{page}: the message {message}: {}", r.body);
    assert!(r.body.contains(kept), "{page}: the typed {kept} comes back");
    assert_eq!(app.scalar(&format!("SELECT version FROM {table} WHERE id = {id}")).await.to_string(), version);
    // A good edit: saved, audited with before and after, back on the record's page.
    let g = with_version(&good, &version);
    let pairs: Vec<(&str, &str)> = g.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let audits = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity = '{entity}' AND entity_id = '{id}' \
         AND before_json IS NOT NULL AND after_json IS NOT NULL"
    );
    assert_eq!(app.scalar(&audits).await, 0);
    let r = app.post(&page, &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}: {}", r.body);
    assert_eq!(r.location(), page);
    assert_eq!(app.scalar(&saved).await, 1, "{page}: the edit is saved");
    assert_eq!(app.scalar(&audits).await, 1, "{page}: the edit is audited");
    // The same form again: someone (here: the user) changed the record since it was loaded.
    let r = app.post(&page, &pairs).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{page}: stale version");
    app.logout().await;
    // Outside the station manager's scope: neither page, form nor write.
    app.login_ok("station").await;
    let base = page.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or_default();
    let other = format!("{base}/{outside}");
    let before = app.scalar(&format!("SELECT version FROM {table} WHERE id = {outside}")).await;
    assert_eq!(app.get(&other).await.status, StatusCode::NOT_FOUND, "{other}");
    assert_eq!(app.get(&format!("{other}/edit")).await.status, StatusCode::NOT_FOUND, "{other}/edit");
    let v = before.to_string();
    let g = with_version(&good, &v);
    let pairs: Vec<(&str, &str)> = g.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(app.post(&other, &pairs).await.status, StatusCode::NOT_FOUND, "POST {other}");
    assert_eq!(app.scalar(&format!("SELECT version FROM {table} WHERE id = {outside}")).await, before);
    app.logout().await;
}

/// A real PNG of `w` × `h` pixels (a gradient with some transparency), made with the image crate.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([(x % 251) as u8, (y % 241) as u8, 90, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img).write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// A real JPEG of `w` × `h` pixels, made with the image crate.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 253) as u8, 120, (y % 239) as u8]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).expect("encode jpeg");
    out
}

/// A small real PNG whose header declares `w` × `h` pixels (the header's checksum made right):
/// what a decompression bomb looks like to a decoder that trusts the header.
pub fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = png(4, 4);
    // Signature (8), then the IHDR chunk: length (4), type (4), width (4), height (4), …, CRC.
    bytes[16..20].copy_from_slice(&w.to_be_bytes());
    bytes[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
