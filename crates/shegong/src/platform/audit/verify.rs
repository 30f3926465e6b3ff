//! Verification: the chain recomputed under the keys and compared with every checkpoint (what
//! `shegong check` reports about the audit log).

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use super::chain::hash_row;
use super::checkpoints::{read_checkpoints, Checkpoint};
use super::keys::{installed, Keys};
use super::{AuditRow, GENESIS};
use crate::platform::db::{count, sql, Db};
use crate::platform::i18n::Msg;

/// The result of checking the chain.
#[derive(Debug, Default)]
pub struct ChainReport {
    pub rows: i64,
    /// Rows signed with a key (the rest are from before migration 0015).
    pub keyed_rows: i64,
    /// Checkpoints whose MAC verified.
    pub checkpoints: usize,
    /// What is wrong, each rendered in the reader's language (`check.audit.*`).
    pub problems: Vec<Msg>,
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
                report.problems.push(
                    Msg::new("check.audit.missing_row")
                        .arg("expected", expect_seq.to_string())
                        .arg("id", r.id.to_string()),
                );
            }
            if r.prev_hash != prev {
                report.problems.push(Msg::new("check.audit.link_broken").arg("id", r.id.to_string()));
            }
            match &r.key_id {
                Some(_) => report.keyed_rows += 1,
                None if report.keyed_rows > 0 => {
                    report.problems.push(Msg::new("check.audit.unsigned_after_signed").arg("id", r.id.to_string()))
                }
                None if first_checkpoint.is_some_and(|f| r.id > f) => {
                    report.problems.push(Msg::new("check.audit.unsigned_after_checkpoint").arg("id", r.id.to_string()))
                }
                None => {}
            }
            match hash_row(&r, keys) {
                Some(h) if crate::platform::secret::eq(&h, &r.hash) => {}
                Some(_) => report.problems.push(Msg::new("check.audit.altered").arg("id", r.id.to_string())),
                None => report.problems.push(
                    Msg::new("check.audit.unknown_key")
                        .arg("id", r.id.to_string())
                        .arg("key", r.key_id.as_deref().unwrap_or("")),
                ),
            }
            for c in at_seq.get(&r.id).into_iter().flatten() {
                if c.hash != r.hash {
                    report
                        .problems
                        .push(Msg::new("check.audit.rewritten").arg("id", r.id.to_string()).arg("at", c.at.as_str()));
                }
            }
            prev = r.hash;
            last_id = r.id;
            expect_seq = r.id + 1;
        }
    }
    if let Some((&seq, cps)) = at_seq.iter().next_back().filter(|(&seq, _)| seq > last_id) {
        let at = cps.first().map(|c| c.at.as_str()).unwrap_or_default();
        report.problems.push(
            Msg::new("check.audit.cut").arg("at", at).arg("seq", seq.to_string()).arg("last", last_id.to_string()),
        );
    }
    if let Some(c) = at_seq.get(&0).and_then(|v| v.first()) {
        if c.hash != GENESIS {
            report.problems.push(Msg::new("check.audit.bad_start").arg("line", c.line.to_string()));
        }
    }
    let head = conn.query_one(sql(b, "SELECT seq, hash FROM audit_head WHERE id = 1", vec![])).await?;
    match head {
        Some(h) => {
            let seq: i64 = h.try_get_by_index(0)?;
            let hash: String = h.try_get_by_index(1)?;
            if seq != last_id || hash != prev {
                report.problems.push(
                    Msg::new("check.audit.head_mismatch").arg("seq", seq.to_string()).arg("last", last_id.to_string()),
                );
            }
        }
        None => report.problems.push(Msg::new("check.audit.head_missing")),
    }
    Ok(report)
}

/// Verifies `db`'s audit chain with the installed keys and against its checkpoint file (when
/// `db` has an anchor): what `shegong check` reports about the audit log.
pub async fn verify(db: &Db) -> anyhow::Result<ChainReport> {
    let Some(keys) = installed() else {
        return Ok(ChainReport { problems: vec![Msg::new("check.audit.no_key")], ..ChainReport::default() });
    };
    let (checkpoints, mut problems, missing) = match &db.anchor {
        None => (Vec::new(), Vec::new(), None),
        Some(a) => match read_checkpoints(&a.path, &keys).map_err(|e| {
            Msg::new("check.audit.checkpoint_file")
                .arg("path", a.path.display().to_string())
                .arg("error", e.to_string())
        })? {
            Some((c, p)) => (c, p, None),
            None => (Vec::new(), Vec::new(), Some(a.path.clone())),
        },
    };
    let mut report = verify_chain(&db.conn, &keys, &checkpoints).await?;
    if let Some(path) = missing.filter(|_| report.keyed_rows > 0) {
        problems.push(Msg::new("check.audit.checkpoint_missing").arg("path", path.display().to_string()));
    }
    problems.append(&mut report.problems);
    report.problems = problems;
    Ok(report)
}
