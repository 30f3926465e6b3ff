//! The audit log: the one call every write makes ([`record`]), in the same transaction as the
//! write. Rows are append-only and hash-chained: each row's hash covers its content and the
//! previous row's hash, and `audit_head` holds the last hash, so an edit, a deletion or an
//! insertion in the database is found by [`verify_chain`] (run by `shegong check`).

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::platform::access::CurrentUser;
use crate::platform::db::sql;
use crate::platform::paging::{Page, PageParams};

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

#[allow(clippy::too_many_arguments)]
fn row_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor_id: Option<i64>,
    actor: &str,
    ip: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    unit_id: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        at,
        &actor_id.map(|v| v.to_string()).unwrap_or_default(),
        actor,
        ip,
        action,
        entity,
        entity_id,
        &unit_id.map(|v| v.to_string()).unwrap_or_default(),
        before.unwrap_or("\u{0}"),
        after.unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

fn ts(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Appends an audit row. Call it inside the transaction of the write it describes.
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

/// The result of checking the chain.
#[derive(Debug, Default)]
pub struct ChainReport {
    pub rows: i64,
    pub problems: Vec<String>,
}

/// Recomputes every row's hash and link, and the head. Reads in batches.
pub async fn verify_chain<C: ConnectionTrait>(conn: &C) -> Result<ChainReport, DbErr> {
    let b = conn.get_database_backend();
    let mut report = ChainReport::default();
    let mut prev = "0".repeat(64);
    let mut last_id = 0i64;
    let mut expect_seq = 1i64;
    loop {
        let rows = AuditRow::find_by_statement(sql(
            b,
            "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT 2000",
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
            let h = row_hash(
                &r.prev_hash,
                r.id,
                &ts(&r.at),
                r.actor_id,
                &r.actor_name,
                &r.ip,
                &r.action,
                &r.entity,
                &r.entity_id,
                r.unit_id,
                r.before_json.as_deref(),
                r.after_json.as_deref(),
            );
            if h != r.hash {
                report.problems.push(format!("audit row {}: content altered / 内容被篡改", r.id));
            }
            prev = r.hash;
            last_id = r.id;
            expect_seq = r.id + 1;
        }
    }
    let head = conn.query_one(sql(b, "SELECT seq, hash FROM audit_head WHERE id = 1", vec![])).await?;
    if let Some(h) = head {
        let seq: i64 = h.try_get_by_index(0)?;
        let hash: String = h.try_get_by_index(1)?;
        if seq != last_id || hash != prev {
            report.problems.push(format!(
                "audit head (seq {seq}) does not match the last row ({last_id}): rows removed at the end / 末尾记录被删除"
            ));
        }
    }
    Ok(report)
}

/// Appends many audit rows at once (bulk imports): one head update, multi-row inserts, the same
/// chain as one-by-one [`record`] calls would build. Call it inside the import's transaction.
pub async fn record_many<C: ConnectionTrait>(conn: &C, actor: &Actor, events: Vec<Event<'_>>) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
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
        let hash = row_hash(
            &prev,
            seq,
            &at_text,
            actor.id,
            &actor.name,
            &actor.ip,
            ev.action,
            ev.entity,
            &ev.entity_id,
            ev.unit_id,
            before.as_deref(),
            after.as_deref(),
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
        ]);
        prev = hash;
    }
    for chunk in rows.chunks(200) {
        let marks = vec!["(?,?,?,?,?,?,?,?,?,?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk.iter().flatten().cloned().collect();
        conn.execute(sql(
            b,
            &format!("INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash) VALUES {marks}"),
            vals,
        ))
        .await?;
    }
    conn.execute(sql(b, "UPDATE audit_head SET hash = ? WHERE id = 1", vec![prev.into()])).await?;
    Ok(())
}
