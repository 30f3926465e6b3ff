//! The volunteer figures of a unit subtree and a period, read from the summary tables (never
//! from the records: `volunteer_summary`, `volunteer_day_volunteers` and their roll-ups are kept
//! in the records' transactions, and a test checks that they equal the raw aggregate). Each part
//! of a period comes from the coarsest roll-up that covers it exactly, its edges from the day
//! rows: sums and communities from the whole ISO weeks of `volunteer_unit_weeks`, the service
//! types from the whole months of `volunteer_summary_months`, the active volunteers from the
//! whole years, quarters and months of `volunteer_period_volunteers` (their union counted once):
//! a year of a province answers from a few tens of thousands of rows.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::db::{count, sql};
use crate::platform::period::{split_calendar, split_months, split_weeks, Span};

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

/// The rows of a period: `SELECT {cols} FROM {whole_table}` for the whole units of `split`
/// (`{whole_col}` between their first and last), `UNION ALL` (or `UNION` when `distinct`)
/// `SELECT {cols} FROM {day_table}` for the days outside them; each part filtered to the
/// subtree (and `extra`).
#[allow(clippy::too_many_arguments)]
fn whole_and_days(
    path: &str,
    split: crate::platform::period::Split<NaiveDate>,
    whole_table: &str,
    whole_col: &str,
    day_table: &str,
    cols: &str,
    extra: &str,
    distinct: bool,
) -> (String, Vec<Value>) {
    let mut parts = Vec::new();
    let mut vals: Vec<Value> = Vec::new();
    if let Some((a, b)) = split.whole {
        parts.push(format!(
            "SELECT {cols} FROM {whole_table} WHERE unit_id {SUBTREE} AND {whole_col} >= ? AND {whole_col} <= ?{extra}"
        ));
        vals.extend([Value::from(format!("{path}%")), a.into(), b.into()]);
    }
    if !split.days.is_empty() || parts.is_empty() {
        let (df, dv) = days_filter("day", &split.days);
        parts.push(format!("SELECT {cols} FROM {day_table} WHERE unit_id {SUBTREE} AND {df}{extra}"));
        vals.push(format!("{path}%").into());
        vals.extend(dv);
    }
    (parts.join(if distinct { " UNION " } else { " UNION ALL " }), vals)
}

/// The distinct volunteers with records in a subtree and period: the whole years, quarters and
/// months of the period from `volunteer_period_volunteers` (one range each, in volunteer order),
/// its other days from `volunteer_day_volunteers`, the union counted once.
pub async fn active_volunteers<C: ConnectionTrait>(
    c: &C,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DbErr> {
    let spans = split_calendar(from, to);
    let mut parts = Vec::with_capacity(spans.len());
    let mut vals: Vec<Value> = Vec::new();
    for s in &spans {
        let (span, first) = match *s {
            Span::Year(d) => ("Y", d),
            Span::Quarter(d) => ("Q", d),
            Span::Month(d) => ("M", d),
            Span::Days(a, b) => {
                parts.push(format!(
                    "SELECT volunteer_id FROM volunteer_day_volunteers WHERE unit_id {SUBTREE} AND day >= ? AND day <= ?"
                ));
                vals.extend([Value::from(format!("{path}%")), a.into(), b.into()]);
                continue;
            }
        };
        parts.push(format!(
            "SELECT volunteer_id FROM volunteer_period_volunteers WHERE span = ? AND starts_on = ? AND unit_id {SUBTREE}"
        ));
        vals.extend([Value::from(span), first.into(), Value::from(format!("{path}%"))]);
    }
    match parts.len() {
        0 => Ok(0),
        // One part: grouped in the order the rows are kept (no temporary index for DISTINCT).
        1 => count(c, &format!("SELECT COUNT(*) FROM ({} GROUP BY volunteer_id) v", parts[0]), vals).await,
        _ => count(c, &format!("SELECT COUNT(*) FROM ({}) v", parts.join(" UNION ")), vals).await,
    }
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
    let active_volunteers = active_volunteers(c, path, from, to).await?;
    // Sums and communities in one read: the whole weeks, then the days at the edges.
    let (q, vals) = whole_and_days(
        path,
        split_weeks(from, to),
        "volunteer_unit_weeks",
        "week",
        "volunteer_unit_days",
        "unit_id, records, person_times, minutes",
        "",
        false,
    );
    let row = c
        .query_one(sql(
            b,
            &format!(
                "SELECT COUNT(DISTINCT CASE WHEN records > 0 THEN unit_id END), SUM_INT(records), SUM_INT(person_times), \
                 SUM_INT(minutes) FROM ({q}) s"
            ),
            vals,
        ))
        .await?;
    let get = |i: usize| -> Result<i64, DbErr> {
        Ok(row.as_ref().map(|r| r.try_get_by_index::<Option<i64>>(i)).transpose()?.flatten().unwrap_or(0))
    };
    Ok(VolunteerTotals {
        volunteers,
        active_volunteers,
        communities: get(0)?,
        records: get(1)?,
        person_times: get(2)?,
        minutes: get(3)?,
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
    let (q, vals) = whole_and_days(
        path,
        split_months(from, to),
        "volunteer_summary_months",
        "month",
        "volunteer_summary",
        "service_type_id, records, person_times, minutes",
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

/// The parts of the period's ISO weeks with records in a subtree, in order: each whole week
/// (named by its Monday) from `volunteer_unit_weeks`, the days of the weeks cut by the period's
/// edges from `volunteer_unit_days` (the figures fold them into weeks).
pub async fn by_week<C: ConnectionTrait>(
    c: &C,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayLine>, DbErr> {
    let split = split_weeks(from, to);
    let sums = "SUM_INT(records) AS records, SUM_INT(person_times) AS person_times, SUM_INT(minutes) AS minutes";
    let mut parts = Vec::new();
    let mut vals: Vec<Value> = Vec::new();
    if let Some((a, z)) = split.whole {
        parts.push(format!(
            "SELECT week AS day, {sums} FROM volunteer_unit_weeks WHERE unit_id {SUBTREE} AND week >= ? AND week <= ? \
             GROUP BY week HAVING SUM_INT(records) > 0"
        ));
        vals.extend([Value::from(format!("{path}%")), a.into(), z.into()]);
    }
    if !split.days.is_empty() {
        let (df, dv) = days_filter("day", &split.days);
        parts.push(format!(
            "SELECT day, {sums} FROM volunteer_unit_days WHERE unit_id {SUBTREE} AND {df} GROUP BY day \
             HAVING SUM_INT(records) > 0"
        ));
        vals.push(format!("{path}%").into());
        vals.extend(dv);
    }
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    DayLine::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT day, records, person_times, minutes FROM ({}) w ORDER BY day", parts.join(" UNION ALL ")),
        vals,
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
