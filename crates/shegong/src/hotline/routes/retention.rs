//! The retention purge (`shegong purge-hotline`): calls older than `hotline.retention_years`
//! (at least 3, per 《心理援助热线技术指南（试行）》) lose their free text and caller links and keep
//! what the figures count. In batches of one transaction each, one audit row per call.

use chrono::{DateTime, Months, Utc};
use sea_orm::DbErr;

use crate::hotline::store::retention as store;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;

/// Calls per transaction.
pub const BATCH: u64 = 500;

/// The start of the calls kept whole: `years` before `now`.
pub fn cutoff(now: DateTime<Utc>, years: i32) -> DateTime<Utc> {
    let months = u32::try_from(years.max(3)).unwrap_or(3) * 12;
    now.checked_sub_months(Months::new(months)).unwrap_or(now)
}

/// Purges every call started more than `years` (at least 3) before `now`; returns how many.
pub async fn purge(db: &Db, years: i32, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let before = cutoff(now, years);
    let mut n = 0u64;
    loop {
        let tx = db.write().await?;
        let ids = store::due(&*tx, before, BATCH).await?;
        if ids.is_empty() {
            break;
        }
        let mut events = Vec::new();
        for id in ids {
            if store::purge_call(&*tx, id, now).await? {
                events.push(
                    Event::new("purge", "hotline_call", id)
                        .after(&serde_json::json!({"before": before, "years": years})),
                );
            }
        }
        n += events.len() as u64;
        audit::record_many(&*tx, &Actor::system("retention"), events).await?;
        tx.commit().await?;
    }
    Ok(n)
}
