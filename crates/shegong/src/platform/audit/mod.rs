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
//!
//! The parts: `keys` (the key ring, the key file, [`setup`]), `chain` (row hashes and
//! [`record_many`]), `checkpoints` (the signed heads outside the database) and `verify` (what
//! `shegong check` reports). Their public items are re-exported here: callers use
//! `platform::audit::…` only.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::CurrentUser;
use crate::platform::db::sql;
use crate::platform::paging::{Page, PageParams};

mod chain;
mod checkpoints;
mod keys;
#[cfg(test)]
mod tests;
mod verify;

pub use chain::{hash_row, record_many};
pub use checkpoints::{checkpoint, parse_checkpoints, read_checkpoints, spawn_checkpointer, Anchor, Checkpoint};
pub use keys::{install, installed, parse_key, setup, AuditKey, KeyOrigin, Keys};
pub use verify::{verify, verify_chain, ChainReport};

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
    /// The record before and after the change, as JSON text (serialized once, when the event
    /// is made: a bulk import makes 100,000 of them).
    pub before: Option<String>,
    pub after: Option<String>,
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
        self.before = serde_json::to_string(v).ok();
        self
    }
    pub fn after<T: Serialize>(mut self, v: &T) -> Self {
        self.after = serde_json::to_string(v).ok();
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
    let mut v = vals;
    v.push(page.limit().into());
    v.push(page.offset().into());
    let rows = AuditRow::find_by_statement(sql(
        b,
        &format!("SELECT * FROM audit_log{wh} ORDER BY id DESC LIMIT ? OFFSET ?"),
        v,
    ))
    .all(conn)
    .await?;
    Ok(Page::new(rows, total, page))
}
