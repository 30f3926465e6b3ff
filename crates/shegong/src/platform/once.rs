//! Double-submit protection: create forms carry a one-time `_nonce`; the first submission
//! claims it in the same transaction as the record it creates, and a repeated submission (a
//! double click, a browser retry) is sent to the record the first one created.

use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::db::sql;

/// Claims a nonce for a user. Returns `Some(location)` of the earlier result when the nonce was
/// already used (then nothing must be created), `None` when this submission is the first.
/// An empty nonce (API and command line) is never deduplicated.
pub async fn claim<C: ConnectionTrait>(c: &C, nonce: &str, user_id: i64) -> Result<Option<String>, DbErr> {
    if nonce.is_empty() {
        return Ok(None);
    }
    let b = c.get_database_backend();
    let nonce: String = nonce.chars().take(64).collect();
    let r = c
        .execute(sql(
            b,
            "INSERT INTO form_submissions (nonce, user_id, result, created_at) VALUES (?, ?, '', ?) ON CONFLICT (nonce) DO NOTHING",
            vec![nonce.clone().into(), user_id.into(), Utc::now().into()],
        ))
        .await?;
    if r.rows_affected() > 0 {
        return Ok(None);
    }
    let row = c
        .query_one(sql(
            b,
            "SELECT result FROM form_submissions WHERE nonce = ? AND user_id = ?",
            vec![nonce.into(), user_id.into()],
        ))
        .await?;
    Ok(Some(match row {
        Some(r) => r.try_get_by_index::<String>(0)?,
        None => String::new(),
    }))
}

/// The result of an earlier submission with this nonce, without claiming it. Handlers that
/// validate against the database (e.g. "username taken") ask this first, so that a repeat is
/// sent to the first result instead of failing validation.
pub async fn previous<C: ConnectionTrait>(c: &C, nonce: &str, user_id: i64) -> Result<Option<String>, DbErr> {
    if nonce.is_empty() {
        return Ok(None);
    }
    let nonce: String = nonce.chars().take(64).collect();
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT result FROM form_submissions WHERE nonce = ? AND user_id = ?",
            vec![nonce.into(), user_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get_by_index::<String>(0)?),
        None => None,
    })
}

/// Records where the first submission's result can be seen.
pub async fn complete<C: ConnectionTrait>(c: &C, nonce: &str, location: &str) -> Result<(), DbErr> {
    if nonce.is_empty() {
        return Ok(());
    }
    let nonce: String = nonce.chars().take(64).collect();
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE form_submissions SET result = ? WHERE nonce = ?",
        vec![location.into(), nonce.into()],
    ))
    .await?;
    Ok(())
}

/// Forgets submissions older than a day.
pub async fn purge<C: ConnectionTrait>(c: &C) -> Result<u64, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "DELETE FROM form_submissions WHERE created_at < ?",
            vec![(Utc::now() - Duration::days(1)).into()],
        ))
        .await?;
    Ok(r.rows_affected())
}
