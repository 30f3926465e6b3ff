//! Service records and the summary the figures read: every record written or changed updates
//! `volunteer_summary` (unit × day × service type) and `volunteer_day_volunteers` (the distinct
//! volunteers of a unit and day) in the same transaction, through [`add_to_summary`] only.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;

use crate::platform::db::{count, insert_id, sql};

/// A service record to write.
#[derive(Debug, Clone, Serialize)]
pub struct NewRecord {
    pub volunteer_id: i64,
    pub campaign_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub unit_id: i64,
    pub service_date: NaiveDate,
    pub service_type_id: i64,
    pub minutes: i32,
    pub person_times: i32,
    pub source: String,
    pub status: String,
    pub content: String,
}

/// Writes a record and adds it to the summary; returns its id.
pub async fn insert_record<C: ConnectionTrait>(c: &C, r: &NewRecord, by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO volunteer_records (volunteer_id, campaign_id, assignment_id, unit_id, service_date, service_type_id, \
         minutes, person_times, source, status, content, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
        ],
    )
    .await?;
    add_to_summary(
        c,
        r.unit_id,
        r.service_date,
        r.service_type_id,
        r.volunteer_id,
        1,
        i64::from(r.person_times),
        i64::from(r.minutes),
    )
    .await?;
    Ok(id)
}

/// Adds (or, with negative numbers, takes away) records, persons served and minutes to the
/// summary of a unit, day and service type, and the records to the volunteer's row of that unit
/// and day (a row whose count falls to zero is removed, so rows are the distinct volunteers),
/// and the same to the roll-ups ([`super::rollup`]).
#[allow(clippy::too_many_arguments)]
pub async fn add_to_summary<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    day: NaiveDate,
    service_type_id: i64,
    volunteer_id: i64,
    records: i64,
    person_times: i64,
    minutes: i64,
) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    super::rollup(c, &[super::Delta { unit_id, day, service_type_id, volunteer_id, records, person_times, minutes }])
        .await?;
    c.execute(sql(
        b,
        "INSERT INTO volunteer_summary (unit_id, day, service_type_id, records, person_times, minutes) VALUES (?,?,?,?,?,?) \
         ON CONFLICT (unit_id, day, service_type_id) DO UPDATE SET records = volunteer_summary.records + excluded.records, \
         person_times = volunteer_summary.person_times + excluded.person_times, minutes = volunteer_summary.minutes + excluded.minutes",
        vec![unit_id.into(), day.into(), service_type_id.into(), records.into(), person_times.into(), minutes.into()],
    ))
    .await?;
    if records != 0 {
        c.execute(sql(
            b,
            "INSERT INTO volunteer_day_volunteers (unit_id, day, volunteer_id, records) VALUES (?,?,?,?) \
             ON CONFLICT (unit_id, day, volunteer_id) DO UPDATE SET records = volunteer_day_volunteers.records + excluded.records",
            vec![unit_id.into(), day.into(), volunteer_id.into(), records.into()],
        ))
        .await?;
        c.execute(sql(
            b,
            "DELETE FROM volunteer_day_volunteers WHERE unit_id = ? AND day = ? AND volunteer_id = ? AND records <= 0",
            vec![unit_id.into(), day.into(), volunteer_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// A volunteer's confirmed service minutes.
pub async fn confirmed_minutes<C: ConnectionTrait>(c: &C, volunteer_id: i64) -> Result<i64, DbErr> {
    count(
        c,
        "SELECT SUM_INT(minutes) FROM volunteer_records WHERE volunteer_id = ? AND status = 'confirmed'",
        vec![volunteer_id.into()],
    )
    .await
}

/// The service type of a code (`other` for shifts without one).
pub async fn service_type_id<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<i64>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT id FROM volunteer_service_types WHERE code = ?",
            vec![code.into()],
        ))
        .await?;
    row.map(|r| r.try_get_by_index::<i64>(0)).transpose()
}
