//! The volunteer figures of a unit subtree and a period, read from the summary tables (never
//! from the records: `volunteer_summary` and `volunteer_day_volunteers` are kept in the
//! records' transactions, and a test checks that they equal the raw aggregate).

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{count, sql};

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

/// One service type's share of a subtree and period.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct TypeLine {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub records: i64,
    pub person_times: i64,
    pub minutes: i64,
}

/// One day of a subtree: records, persons served and minutes.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DayLine {
    pub day: NaiveDate,
    pub records: i64,
    pub person_times: i64,
    pub minutes: i64,
}

/// The service types with records in a subtree and period, in their managed order.
pub async fn by_service_type<C: ConnectionTrait>(
    c: &C,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TypeLine>, DbErr> {
    TypeLine::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT t.code, t.name, t.name_en, SUM_INT(s.records) AS records, SUM_INT(s.person_times) AS person_times, \
             SUM_INT(s.minutes) AS minutes FROM volunteer_summary s JOIN volunteer_service_types t ON t.id = s.service_type_id \
             WHERE s.unit_id {SUBTREE} AND s.day >= ? AND s.day <= ? GROUP BY t.id, t.code, t.name, t.name_en, t.sort_order \
             HAVING SUM_INT(s.records) > 0 ORDER BY t.sort_order, t.id"
        ),
        vec![format!("{path}%").into(), from.into(), to.into()],
    ))
    .all(c)
    .await
}

/// The days with records in a subtree and period, in order (the figures fold them into weeks).
pub async fn by_day<C: ConnectionTrait>(
    c: &C,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayLine>, DbErr> {
    DayLine::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT day, SUM_INT(records) AS records, SUM_INT(person_times) AS person_times, SUM_INT(minutes) AS minutes \
             FROM volunteer_summary WHERE unit_id {SUBTREE} AND day >= ? AND day <= ? GROUP BY day HAVING SUM_INT(records) > 0 \
             ORDER BY day"
        ),
        vec![format!("{path}%").into(), from.into(), to.into()],
    ))
    .all(c)
    .await
}

/// The years with service records in a subtree, newest first: the first and last day of the
/// whole summary (read from its day index), then one probe per year between them.
pub async fn figure_years<C: ConnectionTrait>(c: &C, path: &str) -> Result<Vec<i32>, DbErr> {
    let b = c.get_database_backend();
    let row = c.query_one(sql(b, "SELECT MIN(day) AS lo, MAX(day) AS hi FROM volunteer_summary", vec![])).await?;
    let (Some(lo), Some(hi)) = (
        row.as_ref().and_then(|r| r.try_get::<Option<NaiveDate>>("", "lo").ok().flatten()),
        row.as_ref().and_then(|r| r.try_get::<Option<NaiveDate>>("", "hi").ok().flatten()),
    ) else {
        return Ok(Vec::new());
    };
    let mut years = Vec::new();
    for y in (lo.year()..=hi.year()).rev() {
        let (from, to) = crate::platform::period::bounds(y);
        let hit = c
            .query_one(sql(
                b,
                &format!("SELECT 1 FROM volunteer_summary WHERE day >= ? AND day <= ? AND unit_id {SUBTREE} LIMIT 1"),
                vec![from.into(), to.into(), format!("{path}%").into()],
            ))
            .await?;
        if hit.is_some() {
            years.push(y);
        }
    }
    Ok(years)
}
