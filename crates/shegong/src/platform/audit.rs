//! The audit log: the one call every write makes ([`record`]), in the same transaction as the
//! write.
//!
//! Rows are append-only (database triggers refuse UPDATE and DELETE, migration 0015) and chained:
//! each row's hash is HMAC-SHA256 under a secret key from the configuration ([`Keys`], never
//! stored in the database) over the previous row's hash and the row's content, and `audit_head`
//! holds the last sequence number and hash. Someone holding the database file but not the key
//! cannot edit a row and recompute the later hashes. To find rows cut from the end (with the head
//! moved back), the head is also written as a signed line to a checkpoint file outside the
//! database ([`checkpoint`]) every `audit.checkpoint_rows` rows or `audit.checkpoint_minutes`
//! minutes, at start, at clean shutdown and after `shegong check`; [`verify`] checks the chain
//! against the keys and every checkpoint. Rows written before migration 0015 carry no key id and
//! keep their plain SHA-256 link; they are accepted only before the first keyed row and the first
//! checkpoint. See docs/SECURITY.md.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::platform::access::CurrentUser;
use crate::platform::config::Config;
use crate::platform::db::{count, sql, Db};
use crate::platform::paging::{Page, PageParams};

type HmacSha256 = Hmac<Sha256>;

/// The `prev_hash` of the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: String,
    pub ip: String,
}

impl Actor {
    pub fn user(u: &CurrentUser, ip: &str) -> Actor {
        Actor { id: Some(u.id), name: u.username.clone(), ip: ip.to_string() }
    }

    /// The command line or the system itself (demo generator, migrations).
    pub fn system(name: &str) -> Actor {
        Actor { id: None, name: name.to_string(), ip: String::new() }
    }
}

/// One thing that happened.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub unit_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: impl ToString) -> Self {
        Event { action, entity, entity_id: entity_id.to_string(), unit_id: None, before: None, after: None }
    }
    pub fn unit(mut self, unit_id: i64) -> Self {
        self.unit_id = Some(unit_id);
        self
    }
    pub fn before<T: Serialize>(mut self, v: &T) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }
    pub fn after<T: Serialize>(mut self, v: &T) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

fn ts(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Appends an audit row, signed with the installed key ([`install`]). Call it inside the
/// transaction of the write it describes.
pub async fn record<C: ConnectionTrait>(conn: &C, actor: &Actor, ev: Event<'_>) -> Result<(), DbErr> {
    record_many(conn, actor, vec![ev]).await
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub unit_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The id of the key that signed the row; `None` for rows written before migration 0015
    /// (plain SHA-256).
    pub key_id: Option<String>,
}

/// Filters for the audit search page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// Searches the audit log, newest first.
pub async fn search<C: ConnectionTrait>(conn: &C, f: &AuditFilter, page: &PageParams) -> Result<Page<AuditRow>, DbErr> {
    let b = conn.get_database_backend();
    let mut wh = String::from(" WHERE 1=1");
    let mut vals: Vec<Value> = Vec::new();
    if !f.actor.trim().is_empty() {
        wh.push_str(" AND actor_name = ?");
        vals.push(f.actor.trim().to_string().into());
    }
    if !f.action.trim().is_empty() {
        wh.push_str(" AND action = ?");
        vals.push(f.action.trim().to_string().into());
    }
    if !f.entity.trim().is_empty() {
        wh.push_str(" AND entity = ?");
        vals.push(f.entity.trim().to_string().into());
    }
    if !f.entity_id.trim().is_empty() {
        wh.push_str(" AND entity_id = ?");
        vals.push(f.entity_id.trim().to_string().into());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(f.from.trim(), "%Y-%m-%d") {
        wh.push_str(" AND at >= ?");
        vals.push(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).into());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(f.to.trim(), "%Y-%m-%d") {
        wh.push_str(" AND at < ?");
        vals.push(d.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).into());
    }
    let total = conn
        .query_one(sql(b, &format!("SELECT COUNT(*) FROM audit_log{wh}"), vals.clone()))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    let limit = page.limit_clause();
    let rows =
        AuditRow::find_by_statement(sql(b, &format!("SELECT * FROM audit_log{wh} ORDER BY id DESC{limit}"), vals))
            .all(conn)
            .await?;
    Ok(Page::new(rows, total, page))
}

// ---------------------------------------------------------------------------------------------
// Keys

/// One audit key: its id (stored with each row it signs) and the keyed MAC state. `Debug`
/// shows the id only.
#[derive(Clone)]
pub struct AuditKey {
    id: String,
    mac: HmacSha256,
    /// SHA-256 of the key, to tell whether two entries with one id are the same key.
    fingerprint: [u8; 32],
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl AuditKey {
    fn new(id: &str, key: &[u8]) -> anyhow::Result<AuditKey> {
        let id_ok = !id.is_empty()
            && id.len() <= 32
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !id_ok {
            anyhow::bail!("审计密钥编号无效（字母、数字、. _ -，至多 32 个）/ invalid audit key id {id:?} (letters, digits, . _ -, at most 32)");
        }
        if key.len() < 32 {
            anyhow::bail!("审计密钥 {id} 太短（至少 32 字节）/ audit key {id} is too short (at least 32 bytes)");
        }
        let mac = HmacSha256::new_from_slice(key).map_err(|_| anyhow::anyhow!("audit key {id}: unusable"))?;
        Ok(AuditKey { id: id.to_string(), mac, fingerprint: Sha256::digest(key).into() })
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The audit keys of this process: the one that signs new rows and checkpoints, and every key
/// rows may have been signed with (the signing key, retired keys, the key file).
#[derive(Clone, Debug)]
pub struct Keys {
    signing: AuditKey,
    verify: Vec<AuditKey>,
}

/// Where the signing key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `audit.key` in the configuration.
    Config,
    /// The key file, as found.
    File(PathBuf),
    /// The key file, created now.
    Generated(PathBuf),
}

/// Decodes a key written as hex or as base64.
pub fn parse_key(text: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine;
    let t = text.trim();
    if t.len() % 2 == 0 && !t.is_empty() && t.chars().all(|c| c.is_ascii_hexdigit()) {
        return hex::decode(t).map_err(|_| anyhow::anyhow!("not hex"));
    }
    base64::engine::general_purpose::STANDARD
        .decode(t)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(t))
        .map_err(|_| anyhow::anyhow!("审计密钥须为十六进制或 base64 / the audit key must be hex or base64"))
}

impl Keys {
    /// A key ring with one key (id and raw bytes, at least 32).
    pub fn new(id: &str, key: &[u8]) -> anyhow::Result<Keys> {
        let k = AuditKey::new(id, key)?;
        Ok(Keys { signing: k.clone(), verify: vec![k] })
    }

    /// Adds a key that only verifies (a retired key). The same id twice must be the same key.
    pub fn retire(mut self, id: &str, key: &[u8]) -> anyhow::Result<Keys> {
        let k = AuditKey::new(id, key)?;
        match self.verify.iter().find(|v| v.id == k.id) {
            Some(v) if v.fingerprint == k.fingerprint => {}
            Some(_) => {
                anyhow::bail!("审计密钥编号 {id} 重复且密钥不同 / audit key id {id} given twice with different keys")
            }
            None => self.verify.push(k),
        }
        Ok(self)
    }

    /// The id new rows are signed with.
    pub fn signing_id(&self) -> &str {
        &self.signing.id
    }

    fn get(&self, id: &str) -> Option<&AuditKey> {
        self.verify.iter().find(|k| k.id == id)
    }

    /// The keys of a configuration: `audit.key` (with `audit.key_id`) signs, `audit.retired_keys`
    /// verify. Without `audit.key` the key file (`audit.key_file`, default `<data_dir>/audit.key`)
    /// signs; with `create` it is generated (32 random bytes, mode 0600) when missing. A key file
    /// present beside a configured key still verifies the rows it signed.
    pub fn from_config(cfg: &Config, create: bool) -> anyhow::Result<(Keys, KeyOrigin)> {
        let path = cfg.audit_key_file();
        let mut file_key = read_key_file(&path)?;
        let (mut keys, origin) = match &cfg.audit.key {
            Some(k) => {
                let bytes = parse_key(k.expose()).context("audit.key")?;
                (Keys::new(cfg.audit.key_id.trim(), &bytes)?, KeyOrigin::Config)
            }
            None => match file_key.take() {
                Some((id, bytes)) => (Keys::new(&id, &bytes)?, KeyOrigin::File(path.clone())),
                None if create => {
                    let (id, bytes) = create_key_file(&path)?;
                    (Keys::new(&id, &bytes)?, KeyOrigin::Generated(path.clone()))
                }
                None => anyhow::bail!(
                    "未配置审计密钥（audit.key），也没有密钥文件 {p} / no audit key configured (audit.key) and no key file at {p}",
                    p = path.display()
                ),
            },
        };
        for r in &cfg.audit.retired_keys {
            let bytes = parse_key(r.key.expose()).with_context(|| format!("audit.retired_keys {}", r.id))?;
            keys = keys.retire(r.id.trim(), &bytes)?;
        }
        if let Some((id, bytes)) = file_key {
            keys = keys.retire(&id, &bytes)?;
        }
        Ok((keys, origin))
    }
}

/// Reads `<id> <hex key>` from a key file; `None` when there is none.
fn read_key_file(path: &Path) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("审计密钥文件 / audit key file {}", path.display())),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                tracing::warn!(file = %path.display(), "the audit key file is readable by others; chmod 600 it");
            }
        }
    }
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(key), None) => Ok(Some((id.to_string(), parse_key(key)?))),
        _ => anyhow::bail!("审计密钥文件格式有误 / the audit key file {} is not `<id> <key>`", path.display()),
    }
}

/// Creates a key file with a new random key, readable by its owner only.
fn create_key_file(path: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let mut key = vec![0u8; 32];
    getrandom::getrandom(&mut key).map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
    let mut id_bytes = [0u8; 4];
    getrandom::getrandom(&mut id_bytes).map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
    let id = format!("file-{}", hex::encode(id_bytes));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(format!("{id} {}\n", hex::encode(&key)).as_bytes())?;
            f.sync_all()?;
            Ok((id, key))
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key_file(path)?.ok_or_else(|| anyhow::anyhow!("audit key file {} vanished", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("审计密钥文件 / audit key file {}", path.display())),
    }
}

static INSTALLED: RwLock<Option<Arc<Keys>>> = RwLock::new(None);

/// Makes `keys` the keys of this process: [`record`] signs with them and [`verify`] checks with
/// them. One process serves one database, so there is one key ring (set at start).
pub fn install(keys: Keys) -> Arc<Keys> {
    let keys = Arc::new(keys);
    *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = Some(keys.clone());
    keys
}

/// The installed keys, if any.
pub fn installed() -> Option<Arc<Keys>> {
    INSTALLED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Loads the keys of `cfg` and installs them, and ties `db` to its checkpoint file. Every
/// process that writes or checks the audit log calls it once at start.
pub fn setup(db: Db, cfg: &Config, create_key: bool) -> anyhow::Result<(Db, KeyOrigin)> {
    let (keys, origin) = Keys::from_config(cfg, create_key)?;
    install(keys);
    let anchor = Anchor::new(
        cfg.audit_checkpoint_file(),
        cfg.audit.checkpoint_rows,
        Duration::from_secs(cfg.audit.checkpoint_minutes.max(1) * 60),
    );
    Ok((db.with_anchor(Arc::new(anchor)), origin))
}

// ---------------------------------------------------------------------------------------------
// Row hashes

/// A row's content as it is hashed.
struct Content<'a> {
    prev: &'a str,
    seq: i64,
    at: &'a str,
    actor_id: Option<i64>,
    actor: &'a str,
    ip: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    unit_id: Option<i64>,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

/// Feeds the canonical form (each part length-prefixed) to `update`. Keyed rows add a domain
/// tag first and the key id last; legacy rows are exactly what was hashed before keys existed.
fn feed(c: &Content, key_id: Option<&str>, mut update: impl FnMut(&[u8])) {
    let mut part = |p: &str| {
        update(&(p.len() as u64).to_le_bytes());
        update(p.as_bytes());
    };
    if key_id.is_some() {
        part("shegong-audit-row-v2");
    }
    for p in [
        c.prev,
        &c.seq.to_string(),
        c.at,
        &c.actor_id.map(|v| v.to_string()).unwrap_or_default(),
        c.actor,
        c.ip,
        c.action,
        c.entity,
        c.entity_id,
        &c.unit_id.map(|v| v.to_string()).unwrap_or_default(),
        c.before.unwrap_or("\u{0}"),
        c.after.unwrap_or("\u{0}"),
    ] {
        part(p);
    }
    if let Some(k) = key_id {
        part(k);
    }
}

fn keyed_hash(key: &AuditKey, c: &Content) -> String {
    let mut m = key.mac.clone();
    feed(c, Some(&key.id), |b| m.update(b));
    hex::encode(m.finalize().into_bytes())
}

fn legacy_hash(c: &Content) -> String {
    let mut h = Sha256::new();
    feed(c, None, |b| h.update(b));
    hex::encode(h.finalize())
}

/// The hash a stored row must have: HMAC-SHA256 under the key its `key_id` names, or the plain
/// SHA-256 of a row from before keys (`key_id` NULL). `None` when the key is not in `keys`.
pub fn hash_row(row: &AuditRow, keys: &Keys) -> Option<String> {
    let at = ts(&row.at);
    let c = Content {
        prev: &row.prev_hash,
        seq: row.id,
        at: &at,
        actor_id: row.actor_id,
        actor: &row.actor_name,
        ip: &row.ip,
        action: &row.action,
        entity: &row.entity,
        entity_id: &row.entity_id,
        unit_id: row.unit_id,
        before: row.before_json.as_deref(),
        after: row.after_json.as_deref(),
    };
    match &row.key_id {
        None => Some(legacy_hash(&c)),
        Some(id) => keys.get(id).map(|k| keyed_hash(k, &c)),
    }
}

/// Audit rows appended by this process (a hint for the checkpoint task) and its wake-up.
static APPENDED: AtomicU64 = AtomicU64::new(0);
static APPENDED_WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Appends many audit rows at once (bulk imports): one head update, multi-row inserts, the same
/// chain as one-by-one [`record`] calls would build. Call it inside the import's transaction.
pub async fn record_many<C: ConnectionTrait>(conn: &C, actor: &Actor, events: Vec<Event<'_>>) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    let keys = installed().ok_or_else(|| {
        DbErr::Custom("审计密钥未加载 / audit key not loaded (platform::audit::setup was not called)".into())
    })?;
    let key = &keys.signing;
    let b = conn.get_database_backend();
    let n = events.len() as i64;
    let head = conn
        .query_one(sql(b, "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, hash", vec![n.into()]))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let last_seq: i64 = head.try_get_by_index(0)?;
    let mut prev: String = head.try_get_by_index(1)?;
    let at = Utc::now().trunc_subsecs(6);
    let at_text = ts(&at);
    let mut seq = last_seq - n;
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(events.len());
    for ev in events {
        seq += 1;
        let before = ev.before.as_ref().map(|v| v.to_string());
        let after = ev.after.as_ref().map(|v| v.to_string());
        let hash = keyed_hash(
            key,
            &Content {
                prev: &prev,
                seq,
                at: &at_text,
                actor_id: actor.id,
                actor: &actor.name,
                ip: &actor.ip,
                action: ev.action,
                entity: ev.entity,
                entity_id: &ev.entity_id,
                unit_id: ev.unit_id,
                before: before.as_deref(),
                after: after.as_deref(),
            },
        );
        rows.push(vec![
            seq.into(),
            at.into(),
            actor.id.into(),
            actor.name.clone().into(),
            actor.ip.clone().into(),
            ev.action.into(),
            ev.entity.into(),
            ev.entity_id.clone().into(),
            ev.unit_id.into(),
            before.into(),
            after.into(),
            prev.clone().into(),
            hash.clone().into(),
            key.id.clone().into(),
        ]);
        prev = hash;
    }
    for chunk in rows.chunks(200) {
        let marks = vec!["(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk.iter().flatten().cloned().collect();
        conn.execute(sql(
            b,
            &format!("INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash, key_id) VALUES {marks}"),
            vals,
        ))
        .await?;
    }
    conn.execute(sql(b, "UPDATE audit_head SET hash = ? WHERE id = 1", vec![prev.into()])).await?;
    APPENDED.fetch_add(n as u64, Ordering::Relaxed);
    APPENDED_WAKE.notify_waiters();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

/// Where a database's checkpoints go and how often.
#[derive(Debug)]
pub struct Anchor {
    pub path: PathBuf,
    pub every_rows: u64,
    pub every: Duration,
    /// The sequence number of the last checkpoint in the file (read at the first use).
    last: tokio::sync::Mutex<Option<i64>>,
}

impl Anchor {
    /// Checkpoints to `path` after `every_rows` new rows or every `every` with new rows.
    pub fn new(path: PathBuf, every_rows: u64, every: Duration) -> Anchor {
        Anchor { path, every_rows: every_rows.max(1), every, last: tokio::sync::Mutex::new(None) }
    }
}

/// One verified line of the checkpoint file: the head of the chain at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Line number in the file (from 1).
    pub line: usize,
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub key_id: String,
}

fn checkpoint_mac(key: &AuditKey, seq: i64, hash: &str, at: &str) -> String {
    let mut m = key.mac.clone();
    for p in ["shegong-audit-checkpoint-v1", &seq.to_string(), hash, at, &key.id] {
        m.update(&(p.len() as u64).to_le_bytes());
        m.update(p.as_bytes());
    }
    hex::encode(m.finalize().into_bytes())
}

/// One checkpoint line: `v1 <seq> <hash> <time> <key id> <mac>`.
fn checkpoint_line(key: &AuditKey, seq: i64, hash: &str, at: &str) -> String {
    format!("v1 {seq} {hash} {at} {} {}\n", key.id, checkpoint_mac(key, seq, hash, at))
}

/// Parses and verifies a checkpoint file: the lines whose MAC verifies, and a problem for each
/// line that does not. An unfinished last line (no newline: being written) is skipped.
pub fn parse_checkpoints(text: &str, keys: &Keys) -> (Vec<Checkpoint>, Vec<String>) {
    let mut good = Vec::new();
    let mut problems = Vec::new();
    let complete = match text.rfind('\n') {
        Some(i) => &text[..i],
        None => "",
    };
    for (i, line) in complete.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(' ').collect();
        let parsed = match f.as_slice() {
            ["v1", seq, hash, at, key_id, mac] => seq.parse::<i64>().ok().map(|seq| (seq, *hash, *at, *key_id, *mac)),
            _ => None,
        };
        let Some((seq, hash, at, key_id, mac)) = parsed else {
            problems.push(format!("检查点文件第 {n} 行格式有误 / checkpoint line {n} is malformed (file edited)"));
            continue;
        };
        let Some(key) = keys.get(key_id) else {
            problems.push(format!(
                "检查点文件第 {n} 行的密钥 {key_id} 未配置 / checkpoint line {n}: key {key_id} is not configured (add it to audit.retired_keys)"
            ));
            continue;
        };
        if checkpoint_mac(key, seq, hash, at) != mac {
            problems
                .push(format!("检查点文件第 {n} 行校验失败 / checkpoint line {n}: MAC does not verify (file edited)"));
            continue;
        }
        good.push(Checkpoint { line: n, seq, hash: hash.to_string(), at: at.to_string(), key_id: key_id.to_string() });
    }
    (good, problems)
}

/// Reads and verifies the checkpoint file; `None` when it does not exist.
pub fn read_checkpoints(path: &Path, keys: &Keys) -> std::io::Result<Option<(Vec<Checkpoint>, Vec<String>)>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(parse_checkpoints(&t, keys))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes a checkpoint of the committed head of `db`'s chain, unless the last checkpoint already
/// holds it. The line is appended and flushed to disk (one `fsync` per checkpoint, never per
/// row), and logged. Returns the checkpoint written, if any; does nothing for a database without
/// an anchor ([`setup`]).
pub async fn checkpoint(db: &Db) -> anyhow::Result<Option<Checkpoint>> {
    let Some(anchor) = db.anchor.clone() else {
        return Ok(None);
    };
    let keys = installed().ok_or_else(|| anyhow::anyhow!("审计密钥未加载 / audit key not loaded"))?;
    let mut last = anchor.last.lock().await;
    if last.is_none() {
        let file = read_checkpoints(&anchor.path, &keys)?;
        *last = Some(file.and_then(|(cps, _)| cps.last().map(|c| c.seq)).unwrap_or(-1));
    }
    let b = db.backend();
    // One statement, so the head and its row come from one snapshot.
    let row = db
        .conn
        .query_one(sql(
            b,
            "SELECT h.seq, h.hash, l.hash FROM audit_head h LEFT JOIN audit_log l ON l.id = h.seq WHERE h.id = 1",
            vec![],
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("audit_head is missing"))?;
    let seq: i64 = row.try_get_by_index(0)?;
    let head_hash: String = row.try_get_by_index(1)?;
    let row_hash: Option<String> = row.try_get_by_index(2)?;
    if *last == Some(seq) {
        return Ok(None);
    }
    let consistent = if seq == 0 { head_hash == GENESIS } else { row_hash.as_deref() == Some(head_hash.as_str()) };
    if !consistent {
        // Never anchor a head that does not match its row; `shegong check` reports it.
        tracing::warn!(seq, "audit head does not match the audit log; no checkpoint written");
        return Ok(None);
    }
    let at = ts(&Utc::now().trunc_subsecs(6));
    let line = checkpoint_line(&keys.signing, seq, &head_hash, &at);
    let path = anchor.path.clone();
    let written = line.clone();
    tokio::task::spawn_blocking(move || append_line(&path, &written))
        .await
        .map_err(|e| anyhow::anyhow!("checkpoint task: {e}"))?
        .with_context(|| format!("审计检查点文件 / audit checkpoint file {}", anchor.path.display()))?;
    let mac = line.trim_end().rsplit(' ').next().unwrap_or_default().to_string();
    tracing::info!(seq, hash = %head_hash, at = %at, key_id = %keys.signing.id, mac = %mac, "audit checkpoint");
    *last = Some(seq);
    Ok(Some(Checkpoint { line: 0, seq, hash: head_hash, at, key_id: keys.signing.id.clone() }))
}

fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    // One write of one short line: appends from several writers do not interleave.
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

/// Starts the task that writes a checkpoint after every `audit.checkpoint_rows` new rows (a
/// second after the write, so that its transaction has committed) and every
/// `audit.checkpoint_minutes` when rows were added. `None` for a database without an anchor.
pub fn spawn_checkpointer(db: &Db) -> Option<tokio::task::JoinHandle<()>> {
    let anchor = db.anchor.clone()?;
    let db = db.clone();
    Some(tokio::spawn(async move {
        let mut seen = APPENDED.load(Ordering::Relaxed);
        let mut tick = tokio::time::interval(anchor.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            let timed = tokio::select! {
                _ = APPENDED_WAKE.notified() => false,
                _ = tick.tick() => true,
            };
            if !timed {
                if APPENDED.load(Ordering::Relaxed).saturating_sub(seen) < anchor.every_rows {
                    continue;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            seen = APPENDED.load(Ordering::Relaxed);
            if let Err(e) = checkpoint(&db).await {
                tracing::warn!(error = %e, "audit checkpoint failed");
            }
        }
    }))
}

// ---------------------------------------------------------------------------------------------
// Verification

/// The result of checking the chain.
#[derive(Debug, Default)]
pub struct ChainReport {
    pub rows: i64,
    /// Rows signed with a key (the rest are from before migration 0015).
    pub keyed_rows: i64,
    /// Checkpoints whose MAC verified.
    pub checkpoints: usize,
    pub problems: Vec<String>,
}

/// Recomputes every row's hash (under the key its id names) and link, the head, and compares
/// the chain with `checkpoints`: a checkpoint beyond the last row means rows were cut from the
/// end; a different hash at a checkpoint's row means the chain was rewritten. Reads in batches.
pub async fn verify_chain<C: ConnectionTrait>(
    conn: &C,
    keys: &Keys,
    checkpoints: &[Checkpoint],
) -> Result<ChainReport, DbErr> {
    let b = conn.get_database_backend();
    let mut report = ChainReport { checkpoints: checkpoints.len(), ..ChainReport::default() };
    // A database not yet migrated to 0015 has no key id column (all rows are legacy).
    let has_key_id = count(conn, "SELECT COUNT(*) FROM schema_migrations WHERE version = 15", vec![]).await? > 0;
    let key_col = if has_key_id { "key_id" } else { "CAST(NULL AS TEXT) AS key_id" };
    let mut at_seq: BTreeMap<i64, Vec<&Checkpoint>> = BTreeMap::new();
    for c in checkpoints {
        at_seq.entry(c.seq).or_default().push(c);
    }
    let first_checkpoint = checkpoints.iter().map(|c| c.seq).min();
    let mut prev = GENESIS.to_string();
    let mut last_id = 0i64;
    let mut expect_seq = 1i64;
    loop {
        let rows = AuditRow::find_by_statement(sql(
            b,
            &format!("SELECT id, at, actor_id, actor_name, ip, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash, {key_col} FROM audit_log WHERE id > ? ORDER BY id LIMIT 2000"),
            vec![last_id.into()],
        ))
        .all(conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            report.rows += 1;
            if r.id != expect_seq {
                report.problems.push(format!("audit row {} missing before row {} / 审计记录缺失", expect_seq, r.id));
            }
            if r.prev_hash != prev {
                report.problems.push(format!("audit row {}: link broken / 链接断裂", r.id));
            }
            match &r.key_id {
                Some(_) => report.keyed_rows += 1,
                None if report.keyed_rows > 0 => report.problems.push(format!(
                    "审计记录 {} 未签名却在已签名记录之后 / audit row {}: unsigned row after signed rows: content altered",
                    r.id, r.id
                )),
                None if first_checkpoint.is_some_and(|f| r.id > f) => report.problems.push(format!(
                    "审计记录 {} 未签名却在首个检查点之后 / audit row {}: unsigned row after the first checkpoint: content altered",
                    r.id, r.id
                )),
                None => {}
            }
            match hash_row(&r, keys) {
                Some(h) if h == r.hash => {}
                Some(_) => report.problems.push(format!("audit row {}: content altered / 内容被篡改", r.id)),
                None => report.problems.push(format!(
                    "审计记录 {} 的密钥 {} 未配置 / audit row {}: key {} is not configured (add it to audit.retired_keys)",
                    r.id,
                    r.key_id.as_deref().unwrap_or(""),
                    r.id,
                    r.key_id.as_deref().unwrap_or("")
                )),
            }
            for c in at_seq.get(&r.id).into_iter().flatten() {
                if c.hash != r.hash {
                    report.problems.push(format!(
                        "审计记录 {} 与检查点（{}）不符，审计链被改写 / audit row {} differs from the checkpoint of {}: the chain was rewritten (content altered)",
                        r.id, c.at, r.id, c.at
                    ));
                }
            }
            prev = r.hash;
            last_id = r.id;
            expect_seq = r.id + 1;
        }
    }
    if let Some((&seq, cps)) = at_seq.iter().next_back().filter(|(&seq, _)| seq > last_id) {
        let at = cps.first().map(|c| c.at.as_str()).unwrap_or_default();
        report.problems.push(format!(
            "审计日志末尾被截断：检查点（{at}）记录到第 {seq} 条，数据库只到第 {last_id} 条 / audit log cut at the end: the checkpoint of {at} records row {seq}, the database ends at row {last_id} (rows removed)"
        ));
    }
    if let Some(c) = at_seq.get(&0).and_then(|v| v.first()) {
        if c.hash != GENESIS {
            report.problems.push(format!(
                "检查点第 {} 行的起点有误 / checkpoint line {}: wrong start of the chain",
                c.line, c.line
            ));
        }
    }
    let head = conn.query_one(sql(b, "SELECT seq, hash FROM audit_head WHERE id = 1", vec![])).await?;
    match head {
        Some(h) => {
            let seq: i64 = h.try_get_by_index(0)?;
            let hash: String = h.try_get_by_index(1)?;
            if seq != last_id || hash != prev {
                report.problems.push(format!(
                    "audit head (seq {seq}) does not match the last row ({last_id}): rows removed at the end / 末尾记录被删除"
                ));
            }
        }
        None => report.problems.push("audit head missing: rows removed / 审计链头缺失".to_string()),
    }
    Ok(report)
}

/// Verifies `db`'s audit chain with the installed keys and against its checkpoint file (when
/// `db` has an anchor): what `shegong check` reports about the audit log.
pub async fn verify(db: &Db) -> anyhow::Result<ChainReport> {
    let Some(keys) = installed() else {
        return Ok(ChainReport {
            problems: vec![
                "审计密钥未加载，无法校验审计链 / audit key not loaded: the audit chain cannot be verified".into()
            ],
            ..ChainReport::default()
        });
    };
    let (checkpoints, mut problems, missing) = match &db.anchor {
        None => (Vec::new(), Vec::new(), None),
        Some(a) => match read_checkpoints(&a.path, &keys)
            .with_context(|| format!("审计检查点文件 / audit checkpoint file {}", a.path.display()))?
        {
            Some((c, p)) => (c, p, None),
            None => (Vec::new(), Vec::new(), Some(a.path.clone())),
        },
    };
    let mut report = verify_chain(&db.conn, &keys, &checkpoints).await?;
    if let Some(path) = missing.filter(|_| report.keyed_rows > 0) {
        problems.push(format!(
            "审计检查点文件缺失：{p}，无法检查日志末尾 / audit checkpoint file {p} is missing: the end of the log cannot be checked",
            p = path.display()
        ));
    }
    problems.append(&mut report.problems);
    report.problems = problems;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn keys() -> Keys {
        Keys::new("k1", &parse_key(KEY).expect("hex")).expect("keys")
    }

    #[test]
    fn keys_are_hex_or_base64_and_long_enough() {
        let hex_key = parse_key(KEY).expect("hex");
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&hex_key);
        assert_eq!(parse_key(&b64).expect("base64"), hex_key);
        assert!(Keys::new("k1", &hex_key[..31]).is_err(), "31 bytes are too short");
        assert!(Keys::new("bad id", &hex_key).is_err());
        assert!(parse_key("not a key!").is_err());
        let dbg = format!("{:?}", keys());
        assert!(dbg.contains("k1") && !dbg.contains("0011223344"), "{dbg}");
    }

    #[test]
    fn a_retired_id_given_twice_must_be_the_same_key() {
        let k = keys();
        let same = parse_key(KEY).expect("hex");
        assert!(k.clone().retire("k1", &same).is_ok());
        assert!(k.retire("k1", &[7u8; 32]).is_err());
    }

    #[test]
    fn a_key_file_is_created_once_owner_only_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = Config { data_dir: dir.path().join("data").to_string_lossy().to_string(), ..Config::default() };
        assert!(Keys::from_config(&cfg, false).is_err(), "no key and no file: refused when not allowed to create");
        let (k1, o1) = Keys::from_config(&cfg, true).expect("generate");
        assert_eq!(o1, KeyOrigin::Generated(cfg.audit_key_file()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cfg.audit_key_file()).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (k2, o2) = Keys::from_config(&cfg, true).expect("reuse");
        assert_eq!(o2, KeyOrigin::File(cfg.audit_key_file()));
        assert_eq!(k1.signing.fingerprint, k2.signing.fingerprint);
        assert_eq!(k1.signing_id(), k2.signing_id());
        // A configured key signs from now on; the file's key still verifies its rows.
        let mut cfg = cfg;
        cfg.audit.key = Some(crate::platform::config::Secret::new(KEY));
        let (k3, o3) = Keys::from_config(&cfg, true).expect("configured");
        assert_eq!((o3, k3.signing_id()), (KeyOrigin::Config, "k1"));
        assert!(k3.get(k1.signing_id()).is_some());
    }

    #[test]
    fn checkpoint_lines_verify_and_edits_do_not() {
        let k = keys();
        let h = "ab".repeat(32);
        let text = format!(
            "{}{}",
            checkpoint_line(&k.signing, 5, &h, "2025-01-01T00:00:00.000000Z"),
            checkpoint_line(&k.signing, 9, &h, "2025-01-01T00:05:00.000000Z")
        );
        let (good, problems) = parse_checkpoints(&text, &k);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(good.iter().map(|c| (c.line, c.seq)).collect::<Vec<_>>(), vec![(1, 5), (2, 9)]);
        // Moving a checkpoint back (seq 9 → 4) breaks its MAC.
        let edited = text.replace(" 9 ", " 4 ");
        let (good, problems) = parse_checkpoints(&edited, &k);
        assert_eq!(good.len(), 1);
        assert!(problems[0].contains("line 2"), "{problems:?}");
        // Under another key nothing verifies; an unfinished last line is not read.
        let other = Keys::new("k1", &[9u8; 32]).expect("other");
        assert_eq!(parse_checkpoints(&text, &other).1.len(), 2);
        let unfinished = format!("{text}v1 12 {h}");
        assert_eq!(parse_checkpoints(&unfinished, &k).0.len(), 2);
    }

    #[test]
    fn keyed_hashes_differ_by_key_and_legacy_hashes_are_unchanged() {
        let c = Content {
            prev: GENESIS,
            seq: 1,
            at: "2025-01-01T00:00:00.000000Z",
            actor_id: Some(3),
            actor: "admin",
            ip: "127.0.0.1",
            action: "create",
            entity: "org_unit",
            entity_id: "7",
            unit_id: None,
            before: None,
            after: Some("{}"),
        };
        let other = Keys::new("k1", &[9u8; 32]).expect("other");
        assert_ne!(keyed_hash(&keys().signing, &c), keyed_hash(&other.signing, &c));
        assert_ne!(keyed_hash(&keys().signing, &c), legacy_hash(&c));
        // The legacy form is the SHA-256 chain written before keys existed.
        let mut h = Sha256::new();
        for p in [GENESIS, "1", c.at, "3", "admin", "127.0.0.1", "create", "org_unit", "7", "", "\u{0}", "{}"] {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        assert_eq!(legacy_hash(&c), hex::encode(h.finalize()));
    }
}
