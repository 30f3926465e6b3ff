//! The writes of the bulk import of service records: the look-ups of a whole file at once
//! (volunteer numbers, campaigns), the records in multi-row statements, and the summary moved
//! by the file's totals per key — the same sums [`add_to_summary`](super::add_to_summary) adds
//! row by row, in the import's transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};

use super::NewRecord;
use crate::platform::access::Scope;
use crate::platform::db::{insert_ids, sql};

/// Values per statement at most (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_VALUES: usize = 30_000;

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

/// Writes the records in multi-row statements and returns their ids, then moves the summary
/// by the records' totals per unit, day and type (and the volunteers' per unit and day).
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
    let b = c.get_database_backend();

    // The summary: one upsert per distinct key, many keys per statement (keys are distinct
    // within a statement, as PostgreSQL requires).
    let mut sums: BTreeMap<(i64, NaiveDate, i64), (i64, i64, i64)> = BTreeMap::new();
    let mut days: BTreeMap<(i64, NaiveDate, i64), i64> = BTreeMap::new();
    for r in rows {
        let s = sums.entry((r.unit_id, r.service_date, r.service_type_id)).or_default();
        s.0 += 1;
        s.1 += i64::from(r.person_times);
        s.2 += i64::from(r.minutes);
        *days.entry((r.unit_id, r.service_date, r.volunteer_id)).or_default() += 1;
    }
    let sums: Vec<_> = sums.into_iter().collect();
    for chunk in sums.chunks(MAX_VALUES / 6) {
        let marks = vec!["(?,?,?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk
            .iter()
            .flat_map(|((u, d, t), (n, p, m))| {
                [(*u).into(), (*d).into(), (*t).into(), (*n).into(), (*p).into(), (*m).into()]
            })
            .collect();
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_summary (unit_id, day, service_type_id, records, person_times, minutes) VALUES {marks} \
                 ON CONFLICT (unit_id, day, service_type_id) DO UPDATE SET records = volunteer_summary.records + excluded.records, \
                 person_times = volunteer_summary.person_times + excluded.person_times, \
                 minutes = volunteer_summary.minutes + excluded.minutes"
            ),
            vals,
        ))
        .await?;
    }
    let days: Vec<_> = days.into_iter().collect();
    for chunk in days.chunks(MAX_VALUES / 4) {
        let marks = vec!["(?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> =
            chunk.iter().flat_map(|((u, d, v), n)| [(*u).into(), (*d).into(), (*v).into(), (*n).into()]).collect();
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO volunteer_day_volunteers (unit_id, day, volunteer_id, records) VALUES {marks} \
                 ON CONFLICT (unit_id, day, volunteer_id) DO UPDATE SET records = volunteer_day_volunteers.records + excluded.records"
            ),
            vals,
        ))
        .await?;
    }
    Ok(ids)
}
