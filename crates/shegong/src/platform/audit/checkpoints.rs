//! Checkpoints: the committed head of the chain, signed and appended to a file outside the
//! database, so that rows cut from the end (with the head moved back) are found.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use hmac::Mac;
use sea_orm::ConnectionTrait;

use super::chain::{APPENDED, APPENDED_WAKE};
use super::keys::{installed, AuditKey, Keys};
use super::{ts, GENESIS};
use crate::platform::db::{sql, Db};
use crate::platform::i18n::Msg;

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
pub(super) fn checkpoint_line(key: &AuditKey, seq: i64, hash: &str, at: &str) -> String {
    format!("v1 {seq} {hash} {at} {} {}\n", key.id, checkpoint_mac(key, seq, hash, at))
}

/// Parses and verifies a checkpoint file: the lines whose MAC verifies, and a problem for each
/// line that does not. An unfinished last line (no newline: being written) is skipped.
pub fn parse_checkpoints(text: &str, keys: &Keys) -> (Vec<Checkpoint>, Vec<Msg>) {
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
            problems.push(Msg::new("check.audit.line_malformed").arg("line", n.to_string()));
            continue;
        };
        let Some(key) = keys.get(key_id) else {
            problems.push(Msg::new("check.audit.line_unknown_key").arg("line", n.to_string()).arg("key", key_id));
            continue;
        };
        if !crate::platform::secret::eq(checkpoint_mac(key, seq, hash, at), mac) {
            problems.push(Msg::new("check.audit.line_mac").arg("line", n.to_string()));
            continue;
        }
        good.push(Checkpoint { line: n, seq, hash: hash.to_string(), at: at.to_string(), key_id: key_id.to_string() });
    }
    (good, problems)
}

/// Reads and verifies the checkpoint file; `None` when it does not exist.
pub fn read_checkpoints(path: &Path, keys: &Keys) -> std::io::Result<Option<(Vec<Checkpoint>, Vec<Msg>)>> {
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
    let keys = installed().ok_or_else(|| Msg::new("cli.audit_key.not_loaded"))?;
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
        .map_err(|e| {
            Msg::new("check.audit.checkpoint_file")
                .arg("path", anchor.path.display().to_string())
                .arg("error", e.to_string())
        })?;
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
