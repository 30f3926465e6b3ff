//! SQL of the retention purge: after the configured years a call keeps only what is counted
//! (times, category, the caller's age band, gender and district, the structured assessment, the
//! risk level, the outcome) and loses its free text and its caller link; a case whose last
//! activity is that old loses its sealed text (assessment, plan, closure note, its follow-ups'
//! notes, its referrals' reasons) and its caller link and keeps its dates, states and levels; a
//! caller profile no call or case links any more is deleted with its flags.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::db::sql;

fn ids(rows: Vec<sea_orm::QueryResult>) -> Result<Vec<i64>, DbErr> {
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}

/// The calls started before `before` that still hold free text or a caller link, oldest first,
/// at most `limit`.
pub async fn due<C: ConnectionTrait>(c: &C, before: DateTime<Utc>, limit: u64) -> Result<Vec<i64>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            &format!(
                "SELECT id FROM hotline_calls WHERE started_at < ? AND (purged_at IS NULL OR caller_id IS NOT NULL) \
                 ORDER BY started_at, id LIMIT {}",
                limit.clamp(1, 10_000)
            ),
            vec![before.into()],
        ))
        .await?;
    ids(rows)
}

/// Removes the free text and the caller link of the call `id` (if it was not purged
/// meanwhile); true when it did.
pub async fn purge_call<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_calls SET summary_cipher = '', risk_note_cipher = '', caller_id = NULL, \
             purged_at = COALESCE(purged_at, ?), version = version + 1, updated_at = ? \
             WHERE id = ? AND (purged_at IS NULL OR caller_id IS NOT NULL)",
            vec![now.into(), now.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The cases not purged yet whose last activity was before `before` (a China date): opened
/// and (if closed) closed before it, and no call of theirs, follow-up (due or done) or referral
/// (made, decided or completed) on or after it. Oldest first, at most `limit`.
pub async fn due_cases<C: ConnectionTrait>(
    c: &C,
    before: NaiveDate,
    before_at: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            &format!(
                "SELECT t.id FROM hotline_cases t WHERE t.purged_at IS NULL AND t.opened_on < ? \
                 AND (t.closed_on IS NULL OR t.closed_on < ?) \
                 AND NOT EXISTS (SELECT 1 FROM hotline_calls k WHERE k.case_id = t.id AND k.started_at >= ?) \
                 AND NOT EXISTS (SELECT 1 FROM hotline_followups f WHERE f.case_id = t.id \
                                 AND (f.due_on >= ? OR f.done_on >= ?)) \
                 AND NOT EXISTS (SELECT 1 FROM hotline_referrals r WHERE r.case_id = t.id \
                                 AND (r.referred_on >= ? OR r.decided_on >= ? OR r.completed_on >= ?)) \
                 ORDER BY t.opened_on, t.id LIMIT {}",
                limit.clamp(1, 10_000)
            ),
            vec![
                before.into(),
                before.into(),
                before_at.into(),
                before.into(),
                before.into(),
                before.into(),
                before.into(),
                before.into(),
            ],
        ))
        .await?;
    ids(rows)
}

/// Removes the sealed text of the case `id`, its follow-ups and referrals, and its caller link
/// (if it was not purged meanwhile); true when it did.
pub async fn purge_case<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let r = c
        .execute(sql(
            b,
            "UPDATE hotline_cases SET assessment_cipher = '', plan_cipher = '', closure_note_cipher = '', \
             caller_id = NULL, purged_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND purged_at IS NULL",
            vec![now.into(), now.into(), id.into()],
        ))
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    c.execute(sql(
        b,
        "UPDATE hotline_followups SET note_cipher = '', version = version + 1 WHERE case_id = ? AND note_cipher <> ''",
        vec![id.into()],
    ))
    .await?;
    c.execute(sql(
        b,
        "UPDATE hotline_referrals SET reason_cipher = '', version = version + 1, updated_at = ? \
         WHERE case_id = ? AND reason_cipher <> ''",
        vec![now.into(), id.into()],
    ))
    .await?;
    Ok(true)
}

/// The caller profiles made before `before` that no call or case links any more, at most `limit`.
pub async fn due_callers<C: ConnectionTrait>(c: &C, before: DateTime<Utc>, limit: u64) -> Result<Vec<i64>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            &format!(
                "SELECT p.id FROM hotline_callers p WHERE p.created_at < ? \
                 AND NOT EXISTS (SELECT 1 FROM hotline_calls k WHERE k.caller_id = p.id) \
                 AND NOT EXISTS (SELECT 1 FROM hotline_cases t WHERE t.caller_id = p.id) ORDER BY p.id LIMIT {}",
                limit.clamp(1, 10_000)
            ),
            vec![before.into()],
        ))
        .await?;
    ids(rows)
}

/// Deletes the caller profile `id` with its flags when nothing links it; true when it did.
pub async fn delete_caller<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let unlinked = "NOT EXISTS (SELECT 1 FROM hotline_calls k WHERE k.caller_id = ?) \
                    AND NOT EXISTS (SELECT 1 FROM hotline_cases t WHERE t.caller_id = ?)";
    c.execute(sql(
        b,
        &format!("DELETE FROM hotline_caller_flags WHERE caller_id = ? AND {unlinked}"),
        vec![id.into(), id.into(), id.into()],
    ))
    .await?;
    let r = c
        .execute(sql(
            b,
            &format!("DELETE FROM hotline_callers WHERE id = ? AND {unlinked}"),
            vec![id.into(), id.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}
