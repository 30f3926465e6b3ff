//! Volunteers: the identity key, sign-ups, the phone-and-code lookup of `/me`, and the rate
//! limits of the public pages.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{count, insert_id, sql};

/// What a new volunteer row holds: hashes, masks and ciphers already computed (the store never
/// sees a plain ID number or phone).
#[derive(Debug, Clone)]
pub struct NewVolunteer {
    pub unit_id: i64,
    pub name: String,
    pub id_type: String,
    pub id_hash: String,
    pub id_masked: String,
    pub id_cipher: String,
    pub phone_hash: String,
    pub phone_masked: String,
    pub phone_cipher: String,
    pub code_hash: String,
    pub skills: String,
    pub availability: String,
    pub consent_version: String,
}

/// The volunteer with this identity key, if any.
pub async fn volunteer_by_identity<C: ConnectionTrait>(
    c: &C,
    id_type: &str,
    id_hash: &str,
) -> Result<Option<i64>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT id FROM volunteers WHERE id_type = ? AND id_hash = ?",
            vec![id_type.into(), id_hash.into()],
        ))
        .await?;
    row.map(|r| r.try_get_by_index::<i64>(0)).transpose()
}

/// The unified number of a volunteer id.
pub fn volunteer_no(id: i64) -> String {
    format!("V{id:09}")
}

/// Inserts a volunteer and gives them their unified number; returns (id, number).
pub async fn insert_volunteer<C: ConnectionTrait>(c: &C, v: &NewVolunteer) -> Result<(i64, String), DbErr> {
    let now = Utc::now();
    // A placeholder as unique as the identity key until the id is known.
    let id = insert_id(
        c,
        "INSERT INTO volunteers (volunteer_no, unit_id, name, id_type, id_hash, id_masked, id_cipher, phone_hash, \
         phone_masked, phone_cipher, code_hash, skills, availability, consent_version, consent_at, created_at, updated_at) \
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        vec![
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
        ],
    )
    .await?;
    let no = volunteer_no(id);
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE volunteers SET volunteer_no = ? WHERE id = ?",
        vec![no.clone().into(), id.into()],
    ))
    .await?;
    Ok((id, no))
}

/// Signs a volunteer up to a campaign; false when they already were.
pub async fn add_signup<C: ConnectionTrait>(
    c: &C,
    campaign_id: i64,
    volunteer_id: i64,
    unit_id: i64,
    skills: &str,
    availability: &str,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "INSERT INTO volunteer_signups (campaign_id, volunteer_id, unit_id, skills, availability, created_at) \
             VALUES (?,?,?,?,?,?) ON CONFLICT (campaign_id, volunteer_id) DO NOTHING",
            vec![
                campaign_id.into(),
                volunteer_id.into(),
                unit_id.into(),
                skills.into(),
                availability.into(),
                Utc::now().into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn signed_up<C: ConnectionTrait>(c: &C, campaign_id: i64, volunteer_id: i64) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM volunteer_signups WHERE campaign_id = ? AND volunteer_id = ?",
        vec![campaign_id.into(), volunteer_id.into()],
    )
    .await?
        > 0)
}

/// A volunteer as the volunteer and coordinators see them (masked).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct VolunteerRow {
    pub id: i64,
    pub volunteer_no: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub name: String,
    pub id_type: String,
    pub id_masked: String,
    pub phone_masked: String,
    #[serde(skip)]
    pub code_hash: String,
    pub skills: String,
    pub availability: String,
}

impl VolunteerRow {
    pub fn id_type_key(&self) -> String {
        format!("volunteers.id_type.{}", self.id_type)
    }
}

const VOLUNTEER_SELECT: &str =
    "SELECT v.id, v.volunteer_no, v.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, v.name, v.id_type, v.id_masked, \
     v.phone_masked, v.code_hash, v.skills, v.availability FROM volunteers v JOIN org_units u ON u.id = v.unit_id";

/// The volunteers registered with a phone's keyed hash (a family may share one).
pub async fn volunteers_by_phone<C: ConnectionTrait>(c: &C, phone_hash: &str) -> Result<Vec<VolunteerRow>, DbErr> {
    VolunteerRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{VOLUNTEER_SELECT} WHERE v.phone_hash = ? ORDER BY v.id LIMIT 20"),
        vec![phone_hash.into()],
    ))
    .all(c)
    .await
}

pub async fn volunteer_by_id<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<VolunteerRow>, DbErr> {
    VolunteerRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{VOLUNTEER_SELECT} WHERE v.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

pub async fn volunteer_by_no<C: ConnectionTrait>(c: &C, no: &str) -> Result<Option<VolunteerRow>, DbErr> {
    VolunteerRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{VOLUNTEER_SELECT} WHERE v.volunteer_no = ?"),
        vec![no.trim().to_uppercase().into()],
    ))
    .one(c)
    .await
}

/// Serialises writers of one volunteer's shifts (PostgreSQL row lock; SQLite's write gate
/// already does).
pub async fn lock_volunteer<C: ConnectionTrait>(c: &C, id: i64) -> Result<(), DbErr> {
    let lock = super::for_update(c);
    if !lock.is_empty() {
        c.execute(sql(
            c.get_database_backend(),
            &format!("SELECT id FROM volunteers WHERE id = ?{lock}"),
            vec![id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// A hit counted against a public rate limit.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub hits: i64,
    pub max: i64,
    pub window_end: DateTime<Utc>,
}

impl Hit {
    pub fn over(&self) -> bool {
        self.hits > self.max
    }
}

/// Counts one hit of `subject` against the limit `kind` (a row of `volunteer_limits`) in the
/// current fixed window, in one statement per step so that parallel requests on any node cannot
/// pass the limit together. A kind without a limit row is unlimited.
pub async fn throttle_hit<C: ConnectionTrait>(
    c: &C,
    kind: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Hit, DbErr> {
    let b = c.get_database_backend();
    let Some(limit) = c
        .query_one(sql(b, "SELECT window_secs, max_hits FROM volunteer_limits WHERE kind = ?", vec![kind.into()]))
        .await?
    else {
        return Ok(Hit { hits: 0, max: i64::MAX, window_end: now });
    };
    let secs = i64::from(limit.try_get_by_index::<i32>(0)?).max(1);
    let max = i64::from(limit.try_get_by_index::<i32>(1)?);
    let t = now.timestamp();
    let start = DateTime::from_timestamp(t - t.rem_euclid(secs), 0).unwrap_or(now);
    let subject: String = subject.chars().take(100).collect();
    c.execute(sql(
        b,
        "DELETE FROM volunteer_throttle WHERE kind = ? AND subject = ? AND window_start < ?",
        vec![kind.into(), subject.clone().into(), start.into()],
    ))
    .await?;
    let row = c
        .query_one(sql(
            b,
            "INSERT INTO volunteer_throttle (kind, subject, window_start, hits) VALUES (?, ?, ?, 1) \
             ON CONFLICT (kind, subject) DO UPDATE SET hits = volunteer_throttle.hits + 1 RETURNING hits",
            vec![kind.into(), subject.into(), start.into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    let hits = i64::from(row.try_get_by_index::<i32>(0)?);
    Ok(Hit { hits, max, window_end: start + chrono::Duration::seconds(secs) })
}

/// Forgets windows that ended before `now` for every limit (the server's sweep every ten
/// minutes; the next hit of a subject also clears its own).
pub async fn throttle_sweep<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let longest = count(c, "SELECT MAX(window_secs) FROM volunteer_limits", vec![]).await?.max(1);
    let before = now - chrono::Duration::seconds(longest);
    Ok(c.execute(sql(
        c.get_database_backend(),
        "DELETE FROM volunteer_throttle WHERE window_start < ?",
        vec![before.into()],
    ))
    .await?
    .rows_affected())
}
