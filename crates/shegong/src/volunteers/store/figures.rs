//! The volunteer figures of a unit subtree and a period, read from the summary tables (never
//! from the records: `volunteer_summary`, `volunteer_day_volunteers` and their roll-ups are kept
//! in the records' transactions, and a test checks that they equal the raw aggregate). A period
//! reads its whole months from `volunteer_summary_months` and its other days from the day rows;
//! its active volunteers come from whole years of `volunteer_year_volunteers` and the days
//! outside them: a year of a province answers from a few thousand rows.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::db::{count, sql};
use crate::platform::period::{split_months, split_years};

/// The raw figures of a subtree (`path` of its root unit) and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VolunteerTotals {
    pub volunteers: i64,
    pub active_volunteers: i64,
    pub communities: i64,
    pub records: i64,
    pub person_times: i64,
    pub minutes: i64,
}

/// The units of a subtree, by their (code-only, never user-typed) path.
const SUBTREE: &str = "IN (SELECT id FROM org_units WHERE path LIKE ?)";

/// `(day >= ? AND day <= ?) OR …` over day ranges, with their values (`FALSE` when none).
fn days_filter(column: &str, ranges: &[(NaiveDate, NaiveDate)]) -> (String, Vec<Value>) {
    if ranges.is_empty() {
        return ("1 = 0".into(), Vec::new());
    }
    let text = ranges.iter().map(|_| format!("({column} >= ? AND {column} <= ?)")).collect::<Vec<_>>().join(" OR ");
    (format!("({text})"), ranges.iter().flat_map(|(a, b)| [Value::from(*a), Value::from(*b)]).collect())
}

/// The rows of a period from the roll-ups: `SELECT {month_cols} FROM volunteer_summary_months`
/// for the whole months, `UNION ALL` (or `UNION` when `distinct`) `SELECT {day_cols} FROM
/// {day_table}` for the days outside them; each part filtered to the subtree (and `extra`).
fn by_month_and_day(
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
    cols: &str,
    day_table: &str,
    extra: &str,
    distinct: bool,
) -> (String, Vec<Value>) {
    let split = split_months(from, to);
    let mut parts = Vec::new();
    let mut vals: Vec<Value> = Vec::new();
    if let Some((a, b)) = split.whole {
        parts.push(format!(
            "SELECT {cols} FROM volunteer_summary_months WHERE unit_id {SUBTREE} AND month >= ? AND month <= ?{extra}"
        ));
        vals.extend([Value::from(format!("{path}%")), a.into(), b.into()]);
    }
    let (df, dv) = days_filter("day", &split.days);
    parts.push(format!("SELECT {cols} FROM {day_table} WHERE unit_id {SUBTREE} AND {df}{extra}"));
    vals.push(format!("{path}%").into());
    vals.extend(dv);
    (parts.join(if distinct { " UNION " } else { " UNION ALL " }), vals)
}

pub async fn totals<C: ConnectionTrait>(
    c: &C,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<VolunteerTotals, DbErr> {
    let b = c.get_database_backend();
    let p = || Value::from(format!("{path}%"));
    let volunteers = count(
        c,
        &format!(
            "SELECT COUNT(DISTINCT s.volunteer_id) FROM volunteer_signups s JOIN volunteer_campaigns k ON k.id = s.campaign_id \
             WHERE s.unit_id {SUBTREE} AND k.starts_on <= ? AND k.ends_on >= ?"
        ),
        vec![p(), to.into(), from.into()],
    )
    .await?;
    // Active volunteers: the whole years from the year roll-up, the days outside them from the
    // day rows, the union counted once.
    let years = split_years(from, to);
    let mut parts = Vec::new();
    let mut vals: Vec<Value> = Vec::new();
    if let Some((a, z)) = years.whole {
        parts.push(format!(
            "SELECT volunteer_id FROM volunteer_year_volunteers WHERE unit_id {SUBTREE} AND year >= ? AND year <= ?"
        ));
        vals.extend([p(), a.into(), z.into()]);
    }
    let (df, dv) = days_filter("day", &years.days);
    parts.push(format!("SELECT volunteer_id FROM volunteer_day_volunteers WHERE unit_id {SUBTREE} AND {df}"));
    vals.push(p());
    vals.extend(dv);
    let active_volunteers =
        count(c, &format!("SELECT COUNT(DISTINCT volunteer_id) FROM ({}) v", parts.join(" UNION ")), vals).await?;
    let (q, vals) = by_month_and_day(path, from, to, "unit_id", "volunteer_unit_days", " AND records > 0", true);
    let communities = count(c, &format!("SELECT COUNT(DISTINCT unit_id) FROM ({q}) u"), vals).await?;
    let (q, vals) =
        by_month_and_day(path, from, to, "records, person_times, minutes", "volunteer_unit_days", "", false);
    let row = c
        .query_one(sql(
            b,
            &format!("SELECT SUM_INT(records), SUM_INT(person_times), SUM_INT(minutes) FROM ({q}) s"),
            vals,
        ))
        .await?;
    let get = |i: usize| -> Result<i64, DbErr> {
        Ok(row.as_ref().map(|r| r.try_get_by_index::<Option<i64>>(i)).transpose()?.flatten().unwrap_or(0))
    };
    Ok(VolunteerTotals {
        volunteers,
        active_volunteers,
        communities,
        records: get(0)?,
        person_times: get(1)?,
        minutes: get(2)?,
    })
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
    let (q, vals) = by_month_and_day(
        path,
        from,
        to,
        "service_type_id, records, person_times, minutes",
        "volunteer_summary",
        "",
        false,
    );
    TypeLine::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT t.code, t.name, t.name_en, SUM_INT(s.records) AS records, SUM_INT(s.person_times) AS person_times, \
             SUM_INT(s.minutes) AS minutes FROM ({q}) s JOIN volunteer_service_types t ON t.id = s.service_type_id \
             GROUP BY t.id, t.code, t.name, t.name_en, t.sort_order HAVING SUM_INT(s.records) > 0 ORDER BY t.sort_order, t.id"
        ),
        vals,
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
             FROM volunteer_unit_days WHERE unit_id {SUBTREE} AND day >= ? AND day <= ? GROUP BY day \
             HAVING SUM_INT(records) > 0 ORDER BY day"
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
    // Two queries: SQLite reads a lone MIN or MAX from the index, but scans the table for both
    // in one query.
    let mut ends = Vec::with_capacity(2);
    for q in ["SELECT MIN(day) FROM volunteer_summary", "SELECT MAX(day) FROM volunteer_summary"] {
        let row = c.query_one(sql(b, q, vec![])).await?;
        ends.push(row.and_then(|r| r.try_get_by_index::<Option<NaiveDate>>(0).ok().flatten()));
    }
    let (Some(lo), Some(hi)) = (ends[0], ends[1]) else {
        return Ok(Vec::new());
    };
    let mut years = Vec::new();
    for y in (lo.year()..=hi.year()).rev() {
        let (from, to) = crate::platform::period::bounds(y);
        let hit = c
            .query_one(sql(
                b,
                &format!(
                    "SELECT 1 FROM volunteer_summary_months WHERE month >= ? AND month <= ? AND records > 0 \
                     AND unit_id {SUBTREE} LIMIT 1"
                ),
                vec![from.into(), to.into(), format!("{path}%").into()],
            ))
            .await?;
        if hit.is_some() {
            years.push(y);
        }
    }
    Ok(years)
}
