//! `shegong rotate-key`: every sealed column sealed again with the vault's current key
//! (platform/vault.rs), in batches of one transaction each, so that a run cut short is taken up
//! by the next one (rows already on the current key are not read again). Each domain declares
//! its sealed columns ([`Sealed`], in its `mod.rs`); `app::sealed_columns` lists them.

use sea_orm::{ConnectionTrait, Value};
use serde::Serialize;

use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::{escape_like, sql, Db};
use crate::platform::vault::Vault;

/// A column holding ciphers of the vault (`v1.` or `x1.`), every row's with the same purpose.
#[derive(Debug, Clone, Copy)]
pub struct Sealed {
    pub table: &'static str,
    pub column: &'static str,
    pub purpose: &'static str,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RekeyReport {
    /// Ciphers sealed again with the current key.
    pub resealed: u64,
    /// Transactions committed.
    pub batches: u64,
    /// Ciphers no key held here opens (left as they are).
    pub unreadable: u64,
    /// Whether every column was gone through (false when `max_batches` stopped the run).
    pub complete: bool,
}

/// Seals every cipher of `columns` that another key sealed again with `vault`'s key, `batch`
/// rows per transaction (each audited), at most `max_batches` transactions (`None`: all).
pub async fn rotate(
    db: &Db,
    vault: &Vault,
    columns: &[&Sealed],
    batch: u64,
    max_batches: Option<u64>,
) -> anyhow::Result<RekeyReport> {
    let mut report = RekeyReport::default();
    let current = escape_like(vault.id());
    let batch = batch.clamp(1, 10_000);
    for col in columns {
        let (t, c) = (col.table, col.column);
        // The key id is letters, digits, `_` and `-` (Vault::new), escaped for LIKE: no user text.
        let select = format!(
            "SELECT id, {c} FROM {t} WHERE id > ? AND {c} <> '' AND {c} NOT LIKE 'x1.{current}.%' ESCAPE '\\' \
             AND {c} NOT LIKE 'v1.{current}.%' ESCAPE '\\' ORDER BY id LIMIT {batch}"
        );
        let update = format!("UPDATE {t} SET {c} = ? WHERE id = ? AND {c} = ?");
        let mut after = 0i64;
        loop {
            if max_batches.is_some_and(|m| report.batches >= m) {
                return Ok(report);
            }
            let tx = db.write().await?;
            let b = tx.get_database_backend();
            let vals: Vec<Value> =
                vec![after.into(), format!("x1.{current}.%").into(), format!("v1.{current}.%").into()];
            let rows = tx.query_all(sql(b, &select, vals)).await?;
            if rows.is_empty() {
                break;
            }
            let mut done = 0u64;
            for r in &rows {
                let id: i64 = r.try_get_by_index(0)?;
                let old: String = r.try_get_by_index(1)?;
                after = after.max(id);
                match vault.reseal(col.purpose, &old) {
                    Ok(Some(new)) => {
                        tx.execute(sql(b, &update, vec![new.into(), id.into(), old.into()])).await?;
                        done += 1;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(table = t, column = c, id, error = %e, "a cipher does not open; left as it is");
                        report.unreadable += 1;
                    }
                }
            }
            audit::record(
                &*tx,
                &Actor::system("rotate-key"),
                Event::new("rekey", t, "").after(
                    &serde_json::json!({"column": c, "resealed": done, "key_id": vault.id(), "up_to_id": after}),
                ),
            )
            .await?;
            tx.commit().await?;
            report.resealed += done;
            report.batches += 1;
        }
    }
    report.complete = true;
    Ok(report)
}

/// How many ciphers of `columns` another key than `key_id` sealed.
pub async fn pending(db: &Db, key_id: &str, columns: &[&Sealed]) -> anyhow::Result<u64> {
    let current = escape_like(key_id);
    let mut n = 0u64;
    for col in columns {
        let (t, c) = (col.table, col.column);
        let q = format!(
            "SELECT COUNT(*) FROM {t} WHERE {c} <> '' AND {c} NOT LIKE 'x1.{current}.%' ESCAPE '\\' \
             AND {c} NOT LIKE 'v1.{current}.%' ESCAPE '\\'"
        );
        let vals: Vec<Value> = vec![];
        if let Some(r) = db.conn.query_one(sql(db.backend(), &q, vals)).await? {
            n += r.try_get_by_index::<i64>(0)?.max(0) as u64;
        }
    }
    Ok(n)
}
