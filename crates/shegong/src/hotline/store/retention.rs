//! SQL of the retention purge: after the configured years a call keeps only what is counted
//! (times, category, the caller's age band, gender and district, the structured assessment, the
//! risk level, the outcome) and loses its free text. No caller link exists yet (caller profiles,
//! issue 14 step 4); when it does, the purge clears it here too.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::db::sql;

/// The calls started before `before` that still hold free text, oldest first, at most `limit`.
pub async fn due<C: ConnectionTrait>(c: &C, before: DateTime<Utc>, limit: u64) -> Result<Vec<i64>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            &format!(
                "SELECT id FROM hotline_calls WHERE started_at < ? AND purged_at IS NULL ORDER BY started_at, id LIMIT {}",
                limit.clamp(1, 10_000)
            ),
            vec![before.into()],
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}

/// Removes the free text of the call `id` (if it was not purged meanwhile); true when it did.
pub async fn purge_call<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_calls SET summary_cipher = '', risk_note_cipher = '', purged_at = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND purged_at IS NULL",
            vec![now.into(), now.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}
