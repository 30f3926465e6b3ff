//! Repeat callers: a profile per consenting caller, found by the keyed hash of the phone
//! (platform/vault.rs `hash`); the phone itself is never stored. Flags are codes with who set
//! them and when they expire.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{insert_id, sql};

/// The purpose under which a caller's phone is hashed.
pub const PHONE_HASH: &str = "hotline.caller.phone";

/// The keyed hash of a phone number (digits only, so spacing and dashes do not matter); `None`
/// when it holds too few digits to be a number or the vault is not configured.
pub fn phone_hash(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 || digits.len() > 20 {
        return None;
    }
    crate::platform::vault::vault().ok().map(|v| v.hash(PHONE_HASH, &digits))
}

/// The caller profile with this hash, made when there is none (with the consent time).
pub async fn ensure_caller<C: ConnectionTrait>(c: &C, hash: &str, by: i64) -> Result<(i64, bool), DbErr> {
    let b = c.get_database_backend();
    let found = c.query_one(sql(b, "SELECT id FROM hotline_callers WHERE phone_hash = ?", vec![hash.into()])).await?;
    if let Some(r) = found {
        return Ok((r.try_get_by_index::<i64>(0)?, false));
    }
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO hotline_callers (phone_hash, consent_at, created_by, created_at) VALUES (?, ?, ?, ?)",
        vec![hash.into(), now.into(), by.into(), now.into()],
    )
    .await?;
    Ok((id, true))
}

/// Links a call to a caller profile.
pub async fn set_call_caller<C: ConnectionTrait>(c: &C, call_id: i64, caller_id: i64) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE hotline_calls SET caller_id = ? WHERE id = ?",
        vec![caller_id.into(), call_id.into()],
    ))
    .await?;
    Ok(())
}

/// An earlier contact of a caller: when, who answered, the category and the risk level (no text).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ContactRow {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub counsellor_name: String,
    pub category_name: String,
    pub category_name_en: String,
    pub risk_level: String,
    pub case_id: Option<i64>,
}

impl ContactRow {
    pub fn started_text(&self) -> String {
        crate::platform::time::local_minutes(&self.started_at)
    }
}

/// The caller's other calls, newest first (at most 50).
pub async fn contacts<C: ConnectionTrait>(c: &C, caller_id: i64, except_call: i64) -> Result<Vec<ContactRow>, DbErr> {
    ContactRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT t.id, t.started_at, u.display_name AS counsellor_name, k.name AS category_name, \
         k.name_en AS category_name_en, t.risk_level, t.case_id FROM hotline_calls t JOIN users u ON u.id = t.counsellor_id \
         JOIN hotline_categories k ON k.id = t.category_id WHERE t.caller_id = ? AND t.id <> ? \
         ORDER BY t.started_at DESC, t.id DESC LIMIT 50",
        vec![caller_id.into(), except_call.into()],
    ))
    .all(c)
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct FlagRow {
    pub id: i64,
    pub flag: String,
    pub set_by_name: String,
    pub set_at: DateTime<Utc>,
    pub expires_on: NaiveDate,
}

impl FlagRow {
    pub fn set_text(&self) -> String {
        crate::platform::time::local_minutes(&self.set_at)
    }
}

/// The caller's flags that have not expired on `today`.
pub async fn flags<C: ConnectionTrait>(c: &C, caller_id: i64, today: NaiveDate) -> Result<Vec<FlagRow>, DbErr> {
    FlagRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT f.id, f.flag, u.display_name AS set_by_name, f.set_at, f.expires_on FROM hotline_caller_flags f \
         JOIN users u ON u.id = f.set_by WHERE f.caller_id = ? AND f.expires_on >= ? ORDER BY f.set_at DESC, f.id DESC",
        vec![caller_id.into(), today.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_flag<C: ConnectionTrait>(
    c: &C,
    caller_id: i64,
    flag: &str,
    by: i64,
    expires_on: NaiveDate,
) -> Result<i64, DbErr> {
    insert_id(
        c,
        "INSERT INTO hotline_caller_flags (caller_id, flag, set_by, set_at, expires_on) VALUES (?, ?, ?, ?, ?)",
        vec![caller_id.into(), flag.into(), by.into(), Utc::now().into(), expires_on.into()],
    )
    .await
}
