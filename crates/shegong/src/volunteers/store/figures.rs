//! The volunteer figures of a unit subtree and a period, read from the summary tables (never
//! from the records: `volunteer_summary` and `volunteer_day_volunteers` are kept in the
//! records' transactions, and a test checks that they equal the raw aggregate).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::db::count;

/// The raw figures of a subtree (`path` of its root unit) and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VolunteerTotals {
    pub volunteers: i64,
    pub active_volunteers: i64,
    pub communities: i64,
    pub person_times: i64,
    pub minutes: i64,
}

/// The units of a subtree, by their (code-only, never user-typed) path.
const SUBTREE: &str = "IN (SELECT id FROM org_units WHERE path LIKE ?)";

pub async fn totals<C: ConnectionTrait>(
    c: &C,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<VolunteerTotals, DbErr> {
    let p = || sea_orm::Value::from(format!("{path}%"));
    let period = |v: Vec<sea_orm::Value>| {
        let mut v = v;
        v.push(from.into());
        v.push(to.into());
        v
    };
    let volunteers = count(
        c,
        &format!(
            "SELECT COUNT(DISTINCT s.volunteer_id) FROM volunteer_signups s JOIN volunteer_campaigns k ON k.id = s.campaign_id \
             WHERE s.unit_id {SUBTREE} AND k.starts_on <= ? AND k.ends_on >= ?"
        ),
        vec![p(), to.into(), from.into()],
    )
    .await?;
    let active_volunteers = count(
        c,
        &format!("SELECT COUNT(DISTINCT volunteer_id) FROM volunteer_day_volunteers WHERE unit_id {SUBTREE} AND day >= ? AND day <= ?"),
        period(vec![p()]),
    )
    .await?;
    let communities = count(
        c,
        &format!(
            "SELECT COUNT(DISTINCT unit_id) FROM volunteer_summary WHERE unit_id {SUBTREE} AND day >= ? AND day <= ? AND records > 0"
        ),
        period(vec![p()]),
    )
    .await?;
    let person_times = count(
        c,
        &format!(
            "SELECT SUM_INT(person_times) FROM volunteer_summary WHERE unit_id {SUBTREE} AND day >= ? AND day <= ?"
        ),
        period(vec![p()]),
    )
    .await?;
    let minutes = count(
        c,
        &format!("SELECT SUM_INT(minutes) FROM volunteer_summary WHERE unit_id {SUBTREE} AND day >= ? AND day <= ?"),
        period(vec![p()]),
    )
    .await?;
    Ok(VolunteerTotals { volunteers, active_volunteers, communities, person_times, minutes })
}
