//! Verification: the chain recomputed under the keys and compared with every checkpoint (what
//! `shegong check` reports about the audit log).

use std::collections::BTreeMap;

use anyhow::Context;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use super::chain::hash_row;
use super::checkpoints::{read_checkpoints, Checkpoint};
use super::keys::{installed, Keys};
use super::{AuditRow, GENESIS};
use crate::platform::db::{count, sql, Db};

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
                Some(h) if crate::platform::secret::eq(&h, &r.hash) => {}
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
