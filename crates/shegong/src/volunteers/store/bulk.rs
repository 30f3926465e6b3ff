//! Bulk writes for the demo and the province-scale generator: many service records (and the
//! assignments behind the demo's records) in few statements. The summary is kept in the same
//! transaction as ever: [`insert_records`] sums the rows' deltas per summary key first and adds
//! them with one upsert per key (several keys a statement), so that the summary equals the raw
//! aggregate exactly as after [`super::insert_record`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};

use super::NewRecord;
use crate::platform::db::sql;

/// Rows per multi-row statement (14 values a record: far below SQLite's and PostgreSQL's limits).
const CHUNK: usize = 500;

/// `(?,?,…),(?,?,…)…`: `rows` groups of `cols` placeholders.
fn placeholders(rows: usize, cols: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(","));
    vec![one; rows].join(",")
}

/// Writes many records and adds them to the summary, in the caller's transaction.
pub async fn insert_records<C: ConnectionTrait>(c: &C, rows: &[NewRecord], by: Option<i64>) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 14);
        for r in chunk {
            vals.extend([
                r.volunteer_id.into(),
                r.campaign_id.into(),
                r.assignment_id.into(),
                r.unit_id.into(),
                r.service_date.into(),
                r.service_type_id.into(),
                r.minutes.into(),
                r.person_times.into(),
                r.source.clone().into(),
                r.status.clone().into(),
                r.content.clone().into(),
                by.into(),
                now.into(),
                now.into(),
            ]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_records (volunteer_id, campaign_id, assignment_id, unit_id, service_date, service_type_id, \
                 minutes, person_times, source, status, content, created_by, created_at, updated_at) VALUES {}",
                placeholders(chunk.len(), 14)
            ),
            vals,
        ))
        .await?;
    }
    add_many_to_summary(c, rows).await
}

/// Adds new records to the summary: their records, persons served and minutes per unit, day and
/// service type, and their records per unit, day and volunteer.
async fn add_many_to_summary<C: ConnectionTrait>(c: &C, rows: &[NewRecord]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    let mut sums: BTreeMap<(i64, NaiveDate, i64), (i64, i64, i64)> = BTreeMap::new();
    let mut people: BTreeMap<(i64, NaiveDate, i64), i64> = BTreeMap::new();
    let deltas: Vec<Delta> = rows
        .iter()
        .map(|r| Delta {
            unit_id: r.unit_id,
            day: r.service_date,
            service_type_id: r.service_type_id,
            volunteer_id: r.volunteer_id,
            records: 1,
            person_times: i64::from(r.person_times),
            minutes: i64::from(r.minutes),
        })
        .collect();
    rollup(c, &deltas).await?;
    for r in rows {
        let s = sums.entry((r.unit_id, r.service_date, r.service_type_id)).or_default();
        s.0 += 1;
        s.1 += i64::from(r.person_times);
        s.2 += i64::from(r.minutes);
        *people.entry((r.unit_id, r.service_date, r.volunteer_id)).or_default() += 1;
    }
    let sums: Vec<_> = sums.into_iter().collect();
    for chunk in sums.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for ((unit, day, kind), (n, p, m)) in chunk {
            vals.extend([(*unit).into(), (*day).into(), (*kind).into(), (*n).into(), (*p).into(), (*m).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_summary (unit_id, day, service_type_id, records, person_times, minutes) VALUES {} \
                 ON CONFLICT (unit_id, day, service_type_id) DO UPDATE SET records = volunteer_summary.records + excluded.records, \
                 person_times = volunteer_summary.person_times + excluded.person_times, \
                 minutes = volunteer_summary.minutes + excluded.minutes",
                placeholders(chunk.len(), 6)
            ),
            vals,
        ))
        .await?;
    }
    let people: Vec<_> = people.into_iter().collect();
    for chunk in people.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for ((unit, day, volunteer), n) in chunk {
            vals.extend([(*unit).into(), (*day).into(), (*volunteer).into(), (*n).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_day_volunteers (unit_id, day, volunteer_id, records) VALUES {} \
                 ON CONFLICT (unit_id, day, volunteer_id) DO UPDATE SET records = volunteer_day_volunteers.records + excluded.records",
                placeholders(chunk.len(), 4)
            ),
            vals,
        ))
        .await?;
    }
    Ok(())
}

/// A change to the summary: records, persons served and minutes added (or, negative, taken
/// away) on a unit, day and service type by a volunteer.
#[derive(Debug, Clone, Copy)]
pub struct Delta {
    pub unit_id: i64,
    pub day: NaiveDate,
    pub service_type_id: i64,
    pub volunteer_id: i64,
    pub records: i64,
    pub person_times: i64,
    pub minutes: i64,
}

/// Applies changes to the roll-ups of the summary (migration 0022): unit × month × service type,
/// unit × day, and the volunteers of a unit and year (a row whose records fall to zero is
/// removed, so rows are the distinct volunteers). Called by every writer of the summary.
pub async fn rollup<C: ConnectionTrait>(c: &C, deltas: &[Delta]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    let mut months: BTreeMap<(i64, NaiveDate, i64), (i64, i64, i64)> = BTreeMap::new();
    let mut days: BTreeMap<(i64, NaiveDate), (i64, i64, i64)> = BTreeMap::new();
    let mut years: BTreeMap<(i64, i32, i64), i64> = BTreeMap::new();
    for d in deltas {
        let m = months.entry((d.unit_id, d.day.with_day(1).unwrap_or(d.day), d.service_type_id)).or_default();
        *m = (m.0 + d.records, m.1 + d.person_times, m.2 + d.minutes);
        let u = days.entry((d.unit_id, d.day)).or_default();
        *u = (u.0 + d.records, u.1 + d.person_times, u.2 + d.minutes);
        if d.records != 0 {
            *years.entry((d.unit_id, d.day.year(), d.volunteer_id)).or_default() += d.records;
        }
    }
    let months: Vec<_> = months.into_iter().collect();
    for chunk in months.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for ((unit, month, kind), (n, p, m)) in chunk {
            vals.extend([(*unit).into(), (*month).into(), (*kind).into(), (*n).into(), (*p).into(), (*m).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_summary_months (unit_id, month, service_type_id, records, person_times, minutes) VALUES {} \
                 ON CONFLICT (unit_id, month, service_type_id) DO UPDATE SET \
                 records = volunteer_summary_months.records + excluded.records, \
                 person_times = volunteer_summary_months.person_times + excluded.person_times, \
                 minutes = volunteer_summary_months.minutes + excluded.minutes",
                placeholders(chunk.len(), 6)
            ),
            vals,
        ))
        .await?;
    }
    let days: Vec<_> = days.into_iter().collect();
    for chunk in days.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for ((unit, day), (n, p, m)) in chunk {
            vals.extend([(*unit).into(), (*day).into(), (*n).into(), (*p).into(), (*m).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_unit_days (unit_id, day, records, person_times, minutes) VALUES {} \
                 ON CONFLICT (unit_id, day) DO UPDATE SET records = volunteer_unit_days.records + excluded.records, \
                 person_times = volunteer_unit_days.person_times + excluded.person_times, \
                 minutes = volunteer_unit_days.minutes + excluded.minutes",
                placeholders(chunk.len(), 5)
            ),
            vals,
        ))
        .await?;
    }
    let years: Vec<_> = years.into_iter().filter(|(_, n)| *n != 0).collect();
    for chunk in years.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for ((unit, year, volunteer), n) in chunk {
            vals.extend([(*unit).into(), (*year).into(), (*volunteer).into(), (*n).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_year_volunteers (unit_id, year, volunteer_id, records) VALUES {} \
                 ON CONFLICT (unit_id, year, volunteer_id) DO UPDATE SET \
                 records = volunteer_year_volunteers.records + excluded.records",
                placeholders(chunk.len(), 4)
            ),
            vals,
        ))
        .await?;
    }
    for ((unit, year, volunteer), _) in years.iter().filter(|(_, n)| *n < 0) {
        c.execute(sql(
            b,
            "DELETE FROM volunteer_year_volunteers WHERE unit_id = ? AND year = ? AND volunteer_id = ? AND records <= 0",
            vec![(*unit).into(), (*year).into(), (*volunteer).into()],
        ))
        .await?;
    }
    Ok(())
}

/// A volunteer who served a shift: checked in and out, the minutes confirmed.
#[derive(Debug, Clone)]
pub struct ServedShift {
    pub shift_id: i64,
    pub volunteer_id: i64,
    pub unit_id: i64,
    pub shift_date: NaiveDate,
    pub start_minute: i32,
    pub end_minute: i32,
    pub checkin_at: DateTime<Utc>,
    pub checkout_at: DateTime<Utc>,
    pub minutes: i32,
}

/// Writes served shifts as done assignments (source `coordinator`); returns the ids by (shift,
/// volunteer).
pub async fn insert_served<C: ConnectionTrait>(
    c: &C,
    rows: &[ServedShift],
    by: Option<i64>,
) -> Result<HashMap<(i64, i64), i64>, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 13);
        for r in chunk {
            vals.extend([
                r.shift_id.into(),
                r.volunteer_id.into(),
                r.unit_id.into(),
                r.shift_date.into(),
                r.start_minute.into(),
                r.end_minute.into(),
                r.checkin_at.into(),
                r.checkout_at.into(),
                r.minutes.into(),
                by.into(),
                r.checkout_at.into(),
                now.into(),
                now.into(),
            ]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_assignments (shift_id, volunteer_id, unit_id, shift_date, start_minute, end_minute, \
                 checkin_at, checkout_at, minutes, confirmed_by, confirmed_at, created_at, updated_at, status, source) \
                 VALUES {}",
                vec![format!("({},'done','coordinator')", vec!["?"; 13].join(",")); chunk.len()].join(",")
            ),
            vals,
        ))
        .await?;
    }
    let mut ids = HashMap::with_capacity(rows.len());
    let shifts: std::collections::BTreeSet<i64> = rows.iter().map(|r| r.shift_id).collect();
    let shifts: Vec<i64> = shifts.into_iter().collect();
    for chunk in shifts.chunks(CHUNK) {
        let found = c
            .query_all(sql(
                b,
                &format!(
                    "SELECT id, shift_id, volunteer_id FROM volunteer_assignments WHERE shift_id IN ({})",
                    vec!["?"; chunk.len()].join(",")
                ),
                chunk.iter().map(|s| Value::from(*s)).collect(),
            ))
            .await?;
        for r in found {
            let (id, shift, volunteer): (i64, i64, i64) =
                (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?);
            ids.insert((shift, volunteer), id);
        }
    }
    Ok(ids)
}
