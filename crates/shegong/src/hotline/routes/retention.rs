//! The retention purge (`shegong purge-hotline`): calls older than `hotline.retention_years`
//! (at least 3, per 《心理援助热线技术指南（试行）》) lose their free text and caller links and keep
//! what the figures count; so do cases whose last activity is that old (their assessment, plan,
//! closure note, follow-up notes and referral reasons); caller profiles no call or case links any
//! more are deleted. In batches of one transaction each, one audit row per record (no text).

use chrono::{DateTime, Months, Utc};
use sea_orm::DbErr;
use serde::Serialize;

use crate::hotline::store::retention as store;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;

/// Records per transaction.
pub const BATCH: u64 = 500;

/// The start of the records kept whole: `years` before `now`.
pub fn cutoff(now: DateTime<Utc>, years: i32) -> DateTime<Utc> {
    let months = u32::try_from(years.max(3)).unwrap_or(3) * 12;
    now.checked_sub_months(Months::new(months)).unwrap_or(now)
}

/// What a purge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub calls: u64,
    pub cases: u64,
    pub callers: u64,
}

/// The kinds of record the purge goes through, in order (calls and cases first, so that the
/// caller profiles they linked are left unlinked).
#[derive(Clone, Copy)]
enum Kind {
    Call,
    Case,
    Caller,
}

/// Purges every call, case and caller profile past `years` (at least 3) before `now`.
pub async fn purge(db: &Db, years: i32, now: DateTime<Utc>) -> Result<Purged, DbErr> {
    let before = cutoff(now, years);
    let before_day = before.with_timezone(&crate::platform::time::china()).date_naive();
    let mut done = Purged::default();
    for kind in [Kind::Call, Kind::Case, Kind::Caller] {
        loop {
            let tx = db.write().await?;
            let ids = match kind {
                Kind::Call => store::due(&*tx, before, BATCH).await?,
                Kind::Case => store::due_cases(&*tx, before_day, before, BATCH).await?,
                Kind::Caller => store::due_callers(&*tx, before, BATCH).await?,
            };
            if ids.is_empty() {
                break;
            }
            let mut events = Vec::new();
            for id in ids {
                let (did, entity) = match kind {
                    Kind::Call => (store::purge_call(&*tx, id, now).await?, "hotline_call"),
                    Kind::Case => (store::purge_case(&*tx, id, now).await?, "hotline_case"),
                    Kind::Caller => (store::delete_caller(&*tx, id).await?, "hotline_caller"),
                };
                if did {
                    events.push(
                        Event::new("purge", entity, id).after(&serde_json::json!({"before": before, "years": years})),
                    );
                }
            }
            let n = events.len() as u64;
            match kind {
                Kind::Call => done.calls += n,
                Kind::Case => done.cases += n,
                Kind::Caller => done.callers += n,
            }
            audit::record_many(&*tx, &Actor::system("retention"), events).await?;
            tx.commit().await?;
            if n == 0 {
                // Everything this batch found changed meanwhile: look again no more.
                break;
            }
        }
    }
    Ok(done)
}
