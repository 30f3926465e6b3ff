//! The chain: each row's hash (HMAC-SHA256 under its key, or the plain SHA-256 of a row from
//! before keys) over the previous hash and the row's content, and the append of new rows.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{SubsecRound, Utc};
use hmac::Mac;
use sea_orm::{ConnectionTrait, DbErr, Value};
use sha2::{Digest, Sha256};

use super::keys::{installed, AuditKey, Keys};
use super::{ts, Actor, AuditRow, Event};
use crate::platform::db::sql;

/// A row's content as it is hashed.
pub(super) struct Content<'a> {
    pub(super) prev: &'a str,
    pub(super) seq: i64,
    pub(super) at: &'a str,
    pub(super) actor_id: Option<i64>,
    pub(super) actor: &'a str,
    pub(super) ip: &'a str,
    pub(super) action: &'a str,
    pub(super) entity: &'a str,
    pub(super) entity_id: &'a str,
    pub(super) unit_id: Option<i64>,
    pub(super) before: Option<&'a str>,
    pub(super) after: Option<&'a str>,
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

pub(super) fn keyed_hash(key: &AuditKey, c: &Content) -> String {
    let mut m = key.mac.clone();
    feed(c, Some(&key.id), |b| m.update(b));
    hex::encode(m.finalize().into_bytes())
}

pub(super) fn legacy_hash(c: &Content) -> String {
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
pub(super) static APPENDED: AtomicU64 = AtomicU64::new(0);
pub(super) static APPENDED_WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Appends many audit rows at once (bulk imports): one head update, multi-row inserts, the same
/// chain as one-by-one [`record`] calls would build. Call it inside the import's transaction.
pub async fn record_many<C: ConnectionTrait>(conn: &C, actor: &Actor, events: Vec<Event<'_>>) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    let keys = installed()
        .ok_or_else(|| DbErr::Custom("audit key not loaded (platform::audit::setup was not called)".into()))?;
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
        let (before, after) = (ev.before, ev.after);
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
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(200).collect();
        let marks = vec!["(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk.into_iter().flatten().collect();
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
