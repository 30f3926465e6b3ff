//! Bulk writes of service records (the import, the demo and the province-scale generator) and the
//! look-ups of a whole import file at once (volunteer numbers, campaigns): many records (and the
//! assignments behind the demo's records) in few statements. The summary is kept in the same
//! transaction as ever: [`insert_records`] sums the rows' deltas per summary key first and adds
//! them with one upsert per key (several keys a statement), so that the summary equals the raw
//! aggregate exactly as after [`super::insert_record`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};

use super::NewRecord;
use crate::platform::access::Scope;
use crate::platform::db::{insert_ids, sql};
use crate::platform::period::week_start;

/// Rows per multi-row statement (14 values a record: far below SQLite's and PostgreSQL's limits).
const CHUNK: usize = 500;

/// `(?,?,…),(?,?,…)…`: `rows` groups of `cols` placeholders.
fn placeholders(rows: usize, cols: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(","));
    vec![one; rows].join(",")
}

/// The ids of the volunteers with these numbers (numbers not found are left out).
pub async fn volunteer_ids_by_no<C: ConnectionTrait>(c: &C, nos: &[String]) -> Result<HashMap<String, i64>, DbErr> {
    let mut out = HashMap::with_capacity(nos.len());
    for chunk in nos.chunks(1000) {
        let marks = vec!["?"; chunk.len()].join(",");
        let rows = c
            .query_all(sql(
                c.get_database_backend(),
                &format!("SELECT volunteer_no, id FROM volunteers WHERE volunteer_no IN ({marks})"),
                chunk.iter().map(|n| Value::from(n.clone())).collect(),
            ))
            .await?;
        for r in rows {
            out.insert(r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?);
        }
    }
    Ok(out)
}

/// The campaigns a scope reaches, by id, with their period.
pub async fn campaign_periods<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<HashMap<i64, (NaiveDate, NaiveDate)>, DbErr> {
    let (sf, vals) = super::campaign_reach(scope);
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            &format!("SELECT t.id, t.starts_on, t.ends_on FROM volunteer_campaigns t WHERE {sf}"),
            vals,
        ))
        .await?;
    rows.iter().map(|r| Ok((r.try_get_by_index(0)?, (r.try_get_by_index(1)?, r.try_get_by_index(2)?)))).collect()
}

/// Writes the records in multi-row statements and returns their ids (the import audits each),
/// then moves the summary and its roll-ups by the records' totals, in the caller's transaction.
pub async fn insert_records_bulk<C: ConnectionTrait>(
    c: &C,
    rows: &[NewRecord],
    by: Option<i64>,
) -> Result<Vec<i64>, DbErr> {
    let now = Utc::now();
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            vec![
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
            ]
        })
        .collect();
    let ids = insert_ids(
        c,
        "INSERT INTO volunteer_records (volunteer_id, campaign_id, assignment_id, unit_id, service_date, \
         service_type_id, minutes, person_times, source, status, content, created_by, created_at, updated_at)",
        values,
    )
    .await?;
    add_many_to_summary(c, rows).await?;
    Ok(ids)
}

/// Writes many records and adds them to the summary (the demo and the province-scale generator).
pub async fn insert_records<C: ConnectionTrait>(c: &C, rows: &[NewRecord], by: Option<i64>) -> Result<(), DbErr> {
    insert_records_bulk(c, rows, by).await.map(|_| ())
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

/// The first days of the year, quarter and month of a day (the spans of
/// `volunteer_period_volunteers`).
fn spans_of(day: NaiveDate) -> [(&'static str, NaiveDate); 3] {
    let month = day.with_day(1).unwrap_or(day);
    let quarter = month.with_month(month.month0() / 3 * 3 + 1).unwrap_or(month);
    let year = month.with_month(1).unwrap_or(month);
    [("Y", year), ("Q", quarter), ("M", month)]
}

/// Applies changes to the roll-ups of the summary (migrations 0021 and 0030): unit × month ×
/// service type, unit × day, unit × ISO week, and the volunteers of a unit in a year, quarter and
/// month (a row whose records fall to zero is removed, so rows are the distinct volunteers).
/// Called by every writer of the summary, with the changes summed per key first: one row per
/// key, several keys a statement.
pub async fn rollup<C: ConnectionTrait>(c: &C, deltas: &[Delta]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    let mut months: BTreeMap<(i64, NaiveDate, i64), (i64, i64, i64)> = BTreeMap::new();
    let mut days: BTreeMap<(i64, NaiveDate), (i64, i64, i64)> = BTreeMap::new();
    let mut weeks: BTreeMap<(i64, NaiveDate), (i64, i64, i64)> = BTreeMap::new();
    let mut people: BTreeMap<(&'static str, NaiveDate, i64, i64), i64> = BTreeMap::new();
    for d in deltas {
        let m = months.entry((d.unit_id, d.day.with_day(1).unwrap_or(d.day), d.service_type_id)).or_default();
        *m = (m.0 + d.records, m.1 + d.person_times, m.2 + d.minutes);
        let u = days.entry((d.unit_id, d.day)).or_default();
        *u = (u.0 + d.records, u.1 + d.person_times, u.2 + d.minutes);
        let w = weeks.entry((d.unit_id, week_start(d.day))).or_default();
        *w = (w.0 + d.records, w.1 + d.person_times, w.2 + d.minutes);
        if d.records != 0 {
            for (span, first) in spans_of(d.day) {
                *people.entry((span, first, d.volunteer_id, d.unit_id)).or_default() += d.records;
            }
        }
    }
    let sums = |table: &str, key: &str| {
        format!(
            "ON CONFLICT ({key}) DO UPDATE SET records = {table}.records + excluded.records, \
             person_times = {table}.person_times + excluded.person_times, minutes = {table}.minutes + excluded.minutes"
        )
    };
    let months: Vec<_> = months.into_iter().collect();
    for chunk in months.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for ((unit, month, kind), (n, p, m)) in chunk {
            vals.extend([(*unit).into(), (*month).into(), (*kind).into(), (*n).into(), (*p).into(), (*m).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_summary_months (unit_id, month, service_type_id, records, person_times, minutes) VALUES {} {}",
                placeholders(chunk.len(), 6),
                sums("volunteer_summary_months", "unit_id, month, service_type_id")
            ),
            vals,
        ))
        .await?;
    }
    for (table, col, rows) in [
        ("volunteer_unit_days", "day", days.into_iter().collect::<Vec<_>>()),
        ("volunteer_unit_weeks", "week", weeks.into_iter().collect::<Vec<_>>()),
    ] {
        for chunk in rows.chunks(CHUNK) {
            let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
            for ((unit, day), (n, p, m)) in chunk {
                vals.extend([(*unit).into(), (*day).into(), (*n).into(), (*p).into(), (*m).into()]);
            }
            c.execute(sql(
                b,
                &format!(
                    "INSERT INTO {table} (unit_id, {col}, records, person_times, minutes) VALUES {} {}",
                    placeholders(chunk.len(), 5),
                    sums(table, &format!("unit_id, {col}"))
                ),
                vals,
            ))
            .await?;
        }
    }
    let people: Vec<_> = people.into_iter().filter(|(_, n)| *n != 0).collect();
    for chunk in people.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for ((span, first, volunteer, unit), n) in chunk {
            vals.extend([(*span).into(), (*first).into(), (*volunteer).into(), (*unit).into(), (*n).into()]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records) VALUES {} \
                 ON CONFLICT (span, starts_on, volunteer_id, unit_id) DO UPDATE SET \
                 records = volunteer_period_volunteers.records + excluded.records",
                placeholders(chunk.len(), 5)
            ),
            vals,
        ))
        .await?;
    }
    for ((span, first, volunteer, unit), _) in people.iter().filter(|(_, n)| *n < 0) {
        c.execute(sql(
            b,
            "DELETE FROM volunteer_period_volunteers WHERE span = ? AND starts_on = ? AND volunteer_id = ? AND unit_id = ? \
             AND records <= 0",
            vec![(*span).into(), (*first).into(), (*volunteer).into(), (*unit).into()],
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

/// Inserts many volunteers and gives them their unified numbers; returns their ids in order.
pub async fn insert_volunteers<C: ConnectionTrait>(c: &C, vs: &[super::NewVolunteer]) -> Result<Vec<i64>, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let mut ids = Vec::with_capacity(vs.len());
    for chunk in vs.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 17);
        for v in chunk {
            vals.extend([
                format!("new-{}-{}", v.id_type, v.id_hash).into(),
                v.unit_id.into(),
                v.name.clone().into(),
                v.id_type.clone().into(),
                v.id_hash.clone().into(),
                v.id_masked.clone().into(),
                v.id_cipher.clone().into(),
                v.phone_hash.clone().into(),
                v.phone_masked.clone().into(),
                v.phone_cipher.clone().into(),
                v.code_hash.clone().into(),
                v.skills.clone().into(),
                v.availability.clone().into(),
                v.consent_version.clone().into(),
                now.into(),
                now.into(),
                now.into(),
            ]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteers (volunteer_no, unit_id, name, id_type, id_hash, id_masked, id_cipher, phone_hash, \
                 phone_masked, phone_cipher, code_hash, skills, availability, consent_version, consent_at, created_at, \
                 updated_at) VALUES {}",
                placeholders(chunk.len(), 17)
            ),
            vals,
        ))
        .await?;
        // The new rows by their placeholder numbers, then their real numbers in one statement.
        let keys: Vec<Value> = chunk.iter().map(|v| format!("new-{}-{}", v.id_type, v.id_hash).into()).collect();
        let found = c
            .query_all(sql(
                b,
                &format!(
                    "SELECT id, volunteer_no FROM volunteers WHERE volunteer_no IN ({})",
                    vec!["?"; keys.len()].join(",")
                ),
                keys,
            ))
            .await?;
        let mut by_key: HashMap<String, i64> = HashMap::with_capacity(found.len());
        for r in found {
            by_key.insert(r.try_get_by_index(1)?, r.try_get_by_index(0)?);
        }
        let mut case = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        let mut list: Vec<Value> = Vec::new();
        for v in chunk {
            let id = *by_key
                .get(&format!("new-{}-{}", v.id_type, v.id_hash))
                .ok_or_else(|| DbErr::Custom("bulk volunteer not found after insert".into()))?;
            case.push("WHEN ? THEN ?");
            vals.extend([Value::from(id), super::volunteer_no(id).into()]);
            list.push(id.into());
            ids.push(id);
        }
        let marks = vec!["?"; list.len()].join(",");
        vals.extend(list);
        c.execute(sql(
            b,
            &format!("UPDATE volunteers SET volunteer_no = CASE id {} END WHERE id IN ({marks})", case.join(" ")),
            vals,
        ))
        .await?;
    }
    Ok(ids)
}

/// Signs many volunteers up: (campaign, volunteer, community, skills); a repeat is skipped.
pub async fn insert_signups<C: ConnectionTrait>(c: &C, rows: &[(i64, i64, i64, String)]) -> Result<(), DbErr> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (campaign, volunteer, unit, skills) in chunk {
            vals.extend([
                (*campaign).into(),
                (*volunteer).into(),
                (*unit).into(),
                skills.clone().into(),
                String::new().into(),
                now.into(),
            ]);
        }
        c.execute(sql(
            c.get_database_backend(),
            &format!(
                "INSERT INTO volunteer_signups (campaign_id, volunteer_id, unit_id, skills, availability, created_at) \
                 VALUES {} ON CONFLICT (campaign_id, volunteer_id) DO NOTHING",
                placeholders(chunk.len(), 6)
            ),
            vals,
        ))
        .await?;
    }
    Ok(())
}

/// Inserts many shifts of a campaign, each with its check-in token; returns their ids in order.
pub async fn insert_shifts<C: ConnectionTrait>(
    c: &C,
    campaign_id: i64,
    rows: &[(crate::volunteers::model::ShiftInput, String)],
    by: Option<i64>,
) -> Result<Vec<i64>, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 13);
        for (i, token) in chunk {
            vals.extend([
                campaign_id.into(),
                i.unit_id.into(),
                i.slot.date.into(),
                i.slot.start.into(),
                i.slot.end.into(),
                i.role.clone().into(),
                i.capacity.into(),
                i.place.clone().into(),
                i.service_type_id.into(),
                token.clone().into(),
                by.into(),
                now.into(),
                now.into(),
            ]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_shifts (campaign_id, unit_id, shift_date, start_minute, end_minute, role, capacity, \
                 place, service_type_id, checkin_token, created_by, created_at, updated_at) VALUES {}",
                placeholders(chunk.len(), 13)
            ),
            vals,
        ))
        .await?;
    }
    let found = c
        .query_all(sql(
            b,
            "SELECT id, checkin_token FROM volunteer_shifts WHERE campaign_id = ?",
            vec![campaign_id.into()],
        ))
        .await?;
    let mut by_token: HashMap<String, i64> = HashMap::with_capacity(found.len());
    for r in found {
        by_token.insert(r.try_get_by_index(1)?, r.try_get_by_index(0)?);
    }
    rows.iter()
        .map(|(_, t)| by_token.get(t).copied().ok_or_else(|| DbErr::Custom("bulk shift not found after insert".into())))
        .collect()
}
