//! Shifts and the volunteers on them: a campaign's shifts, one shift, the slots a volunteer
//! holds (for the dispatch rules), assignments and their status changes.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::volunteers::model::{hhmm, ShiftInput, Slot, Welfare};

/// Statuses of an assignment that hold the volunteer's time (and a place on the shift).
pub const HOLDING: &str = "('assigned', 'checked_in', 'done')";

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ShiftRow {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub campaign_status: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub shift_date: NaiveDate,
    pub start_minute: i32,
    pub end_minute: i32,
    pub role: String,
    pub capacity: i32,
    pub place: String,
    pub service_type_id: Option<i64>,
    pub version: i32,
    pub taken: i64,
    pub max_minutes_per_day: i32,
    pub max_consecutive_days: i32,
    pub min_rest_minutes: i32,
}

impl ShiftRow {
    pub fn slot(&self) -> Slot {
        Slot { date: self.shift_date, start: self.start_minute, end: self.end_minute }
    }
    pub fn welfare(&self) -> Welfare {
        Welfare {
            max_minutes_per_day: self.max_minutes_per_day,
            max_consecutive_days: self.max_consecutive_days,
            min_rest_minutes: self.min_rest_minutes,
        }
    }
    pub fn start(&self) -> String {
        hhmm(self.start_minute)
    }
    pub fn end(&self) -> String {
        hhmm(self.end_minute)
    }
    pub fn open_places(&self) -> i64 {
        (i64::from(self.capacity) - self.taken).max(0)
    }
}

const SHIFT_SELECT: &str = "SELECT t.id, t.campaign_id, k.title AS campaign_title, k.status AS campaign_status, t.unit_id, \
     u.name AS unit_name, u.name_en AS unit_name_en, t.shift_date, t.start_minute, t.end_minute, t.role, t.capacity, t.place, t.service_type_id, t.version, \
     (SELECT COUNT(*) FROM volunteer_assignments a WHERE a.shift_id = t.id AND a.status IN ('assigned', 'checked_in', 'done')) AS taken, \
     k.max_minutes_per_day, k.max_consecutive_days, k.min_rest_minutes \
     FROM volunteer_shifts t JOIN volunteer_campaigns k ON k.id = t.campaign_id JOIN org_units u ON u.id = t.unit_id";

/// The shifts of a campaign in communities inside the scope, by day and time (at most 500).
pub async fn shifts_of_campaign<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    campaign_id: i64,
) -> Result<Vec<ShiftRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    vals.insert(0, campaign_id.into());
    ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{SHIFT_SELECT} WHERE t.campaign_id = ? AND {sf} ORDER BY t.shift_date, t.start_minute, u.path, t.id LIMIT 500"),
        vals,
    ))
    .all(c)
    .await
}

pub async fn shift<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<ShiftRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    vals.push(id.into());
    ShiftRow::find_by_statement(sql(c.get_database_backend(), &format!("{SHIFT_SELECT} WHERE {sf} AND t.id = ?"), vals))
        .one(c)
        .await
}

/// A shift read inside a write transaction, locked on PostgreSQL (its places are counted next).
pub async fn shift_locked<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<ShiftRow>, DbErr> {
    let lock = super::for_update(c);
    if !lock.is_empty() {
        c.execute(sql(
            c.get_database_backend(),
            &format!("SELECT id FROM volunteer_shifts WHERE id = ?{lock}"),
            vec![id.into()],
        ))
        .await?;
    }
    ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{SHIFT_SELECT} WHERE t.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

pub async fn insert_shift<C: ConnectionTrait>(
    c: &C,
    campaign_id: i64,
    i: &ShiftInput,
    token: &str,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO volunteer_shifts (campaign_id, unit_id, shift_date, start_minute, end_minute, role, capacity, place, \
         service_type_id, checkin_token, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            campaign_id.into(),
            i.unit_id.into(),
            i.slot.date.into(),
            i.slot.start.into(),
            i.slot.end.into(),
            i.role.clone().into(),
            i.capacity.into(),
            i.place.clone().into(),
            i.service_type_id.into(),
            token.into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
struct SlotRow {
    shift_date: NaiveDate,
    start_minute: i32,
    end_minute: i32,
}

/// The slots a volunteer holds (assigned, checked in or done), leaving out one assignment (the
/// one being moved).
pub async fn held_slots<C: ConnectionTrait>(c: &C, volunteer_id: i64, except: Option<i64>) -> Result<Vec<Slot>, DbErr> {
    let rows = SlotRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT shift_date, start_minute, end_minute FROM volunteer_assignments \
             WHERE volunteer_id = ? AND status IN {HOLDING} AND id <> ?"
        ),
        vec![volunteer_id.into(), except.unwrap_or(0).into()],
    ))
    .all(c)
    .await?;
    Ok(rows.into_iter().map(|r| Slot { date: r.shift_date, start: r.start_minute, end: r.end_minute }).collect())
}

/// An assignment with its volunteer (masked) and shift.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AssignmentRow {
    pub id: i64,
    pub shift_id: i64,
    pub volunteer_id: i64,
    pub volunteer_no: String,
    pub name: String,
    pub phone_masked: String,
    pub status: String,
    pub source: String,
    pub shift_date: NaiveDate,
    pub start_minute: i32,
    pub end_minute: i32,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub campaign_title: String,
    pub role: String,
    pub place: String,
    pub minutes: Option<i32>,
    pub checkin_at: Option<chrono::DateTime<Utc>>,
    pub checkout_at: Option<chrono::DateTime<Utc>>,
    pub confirmed_at: Option<chrono::DateTime<Utc>>,
    pub version: i32,
}

impl AssignmentRow {
    pub fn checkin_text(&self) -> String {
        self.checkin_at.as_ref().map(crate::platform::time::local_minutes).unwrap_or_default()
    }
    pub fn checkout_text(&self) -> String {
        self.checkout_at.as_ref().map(crate::platform::time::local_minutes).unwrap_or_default()
    }
    pub fn hours(&self) -> String {
        self.minutes.map(|m| crate::volunteers::hours_text(i64::from(m))).unwrap_or_default()
    }
    /// Checked out and waiting for the coordinator.
    pub fn to_confirm(&self) -> bool {
        self.status == "done" && self.confirmed_at.is_none()
    }
    pub fn status_key(&self) -> String {
        format!("volunteers.assignment.{}", self.status)
    }
    pub fn start(&self) -> String {
        hhmm(self.start_minute)
    }
    pub fn end(&self) -> String {
        hhmm(self.end_minute)
    }
    pub fn holding(&self) -> bool {
        matches!(self.status.as_str(), "assigned" | "checked_in" | "done")
    }
}

const ASSIGNMENT_SELECT: &str = "SELECT a.id, a.shift_id, a.volunteer_id, v.volunteer_no, v.name, v.phone_masked, a.status, a.source, \
     a.shift_date, a.start_minute, a.end_minute, u.name AS unit_name, u.name_en AS unit_name_en, k.title AS campaign_title, s.role, s.place, a.minutes, a.checkin_at, a.checkout_at, a.confirmed_at, a.version \
     FROM volunteer_assignments a JOIN volunteers v ON v.id = a.volunteer_id JOIN volunteer_shifts s ON s.id = a.shift_id \
     JOIN volunteer_campaigns k ON k.id = s.campaign_id JOIN org_units u ON u.id = a.unit_id";

/// Who comes to a shift (every assignment, withdrawn ones too), by status and number.
pub async fn assignments_of_shift<C: ConnectionTrait>(c: &C, shift_id: i64) -> Result<Vec<AssignmentRow>, DbErr> {
    AssignmentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ASSIGNMENT_SELECT} WHERE a.shift_id = ? ORDER BY a.status, v.volunteer_no"),
        vec![shift_id.into()],
    ))
    .all(c)
    .await
}

/// A volunteer's assignments, latest first (at most 200).
pub async fn assignments_of_volunteer<C: ConnectionTrait>(
    c: &C,
    volunteer_id: i64,
) -> Result<Vec<AssignmentRow>, DbErr> {
    AssignmentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "{ASSIGNMENT_SELECT} WHERE a.volunteer_id = ? ORDER BY a.shift_date DESC, a.start_minute DESC LIMIT 200"
        ),
        vec![volunteer_id.into()],
    ))
    .all(c)
    .await
}

pub async fn assignment<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<AssignmentRow>, DbErr> {
    AssignmentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ASSIGNMENT_SELECT} WHERE a.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// Puts a volunteer on a shift (again, when an earlier assignment was withdrawn or a no-show);
/// returns the assignment id. The caller has checked the rules and the places.
pub async fn assign<C: ConnectionTrait>(
    c: &C,
    s: &ShiftRow,
    volunteer_id: i64,
    source: &str,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let existing = c
        .query_one(sql(
            b,
            "SELECT id FROM volunteer_assignments WHERE shift_id = ? AND volunteer_id = ?",
            vec![s.id.into(), volunteer_id.into()],
        ))
        .await?;
    if let Some(r) = existing {
        let id: i64 = r.try_get_by_index(0)?;
        c.execute(sql(
            b,
            "UPDATE volunteer_assignments SET status = 'assigned', source = ?, checkin_at = NULL, checkout_at = NULL, \
             minutes = NULL, created_by = ?, updated_at = ?, version = version + 1 WHERE id = ?",
            vec![source.into(), by.into(), now.into(), id.into()],
        ))
        .await?;
        return Ok(id);
    }
    insert_id(
        c,
        "INSERT INTO volunteer_assignments (shift_id, volunteer_id, unit_id, shift_date, start_minute, end_minute, status, \
         source, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,'assigned',?,?,?,?)",
        vec![
            s.id.into(),
            volunteer_id.into(),
            s.unit_id.into(),
            s.shift_date.into(),
            s.start_minute.into(),
            s.end_minute.into(),
            source.into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// Whether the volunteer holds a place on the shift already.
pub async fn holds<C: ConnectionTrait>(c: &C, shift_id: i64, volunteer_id: i64) -> Result<bool, DbErr> {
    Ok(count(
        c,
        &format!("SELECT COUNT(*) FROM volunteer_assignments WHERE shift_id = ? AND volunteer_id = ? AND status IN {HOLDING}"),
        vec![shift_id.into(), volunteer_id.into()],
    )
    .await?
        > 0)
}

/// Moves an assignment from status `from` to `to` at `version`; false when it was not there.
pub async fn set_status<C: ConnectionTrait>(c: &C, id: i64, from: &str, to: &str, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE volunteer_assignments SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = ? AND version = ?",
            vec![to.into(), Utc::now().into(), id.into(), from.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Moves an assigned volunteer to another shift at `version`; false when it changed meanwhile.
pub async fn move_assignment<C: ConnectionTrait>(c: &C, id: i64, to: &ShiftRow, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE volunteer_assignments SET shift_id = ?, unit_id = ?, shift_date = ?, start_minute = ?, end_minute = ?, \
             updated_at = ?, version = version + 1 WHERE id = ? AND status = 'assigned' AND version = ?",
            vec![
                to.id.into(),
                to.unit_id.into(),
                to.shift_date.into(),
                to.start_minute.into(),
                to.end_minute.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Shifts a volunteer may take from `/me`: of campaigns they signed up to that are open, from
/// `today` on, with a free place, not held by them already (at most 100, soonest first).
pub async fn open_shifts_for<C: ConnectionTrait>(
    c: &C,
    volunteer_id: i64,
    today: NaiveDate,
) -> Result<Vec<ShiftRow>, DbErr> {
    ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "{SHIFT_SELECT} WHERE k.status IN ('recruiting', 'running') AND t.shift_date >= ? \
             AND EXISTS (SELECT 1 FROM volunteer_signups g WHERE g.campaign_id = t.campaign_id AND g.volunteer_id = ?) \
             AND NOT EXISTS (SELECT 1 FROM volunteer_assignments x WHERE x.shift_id = t.id AND x.volunteer_id = ? AND x.status IN {HOLDING}) \
             AND t.capacity > (SELECT COUNT(*) FROM volunteer_assignments y WHERE y.shift_id = t.id AND y.status IN {HOLDING}) \
             ORDER BY t.shift_date, t.start_minute, t.id LIMIT 100"
        ),
        vec![today.into(), volunteer_id.into(), volunteer_id.into()],
    ))
    .all(c)
    .await
}

/// The shift a check-in code names, whatever the caller's scope (the code is the capability).
pub async fn shift_by_token<C: ConnectionTrait>(c: &C, token: &str) -> Result<Option<ShiftRow>, DbErr> {
    ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{SHIFT_SELECT} WHERE t.checkin_token = ?"),
        vec![token.into()],
    ))
    .one(c)
    .await
}

/// The check-in code of a shift.
pub async fn checkin_token<C: ConnectionTrait>(c: &C, shift_id: i64) -> Result<Option<String>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT checkin_token FROM volunteer_shifts WHERE id = ?",
            vec![shift_id.into()],
        ))
        .await?;
    row.map(|r| r.try_get_by_index::<String>(0)).transpose()
}

/// A volunteer's assignment on a shift, if any.
pub async fn assignment_on<C: ConnectionTrait>(
    c: &C,
    shift_id: i64,
    volunteer_id: i64,
) -> Result<Option<AssignmentRow>, DbErr> {
    AssignmentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ASSIGNMENT_SELECT} WHERE a.shift_id = ? AND a.volunteer_id = ?"),
        vec![shift_id.into(), volunteer_id.into()],
    ))
    .one(c)
    .await
}

/// Checks an assigned volunteer in; false when the assignment is not (or no longer) assigned.
pub async fn check_in<C: ConnectionTrait>(c: &C, id: i64, at: chrono::DateTime<Utc>) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE volunteer_assignments SET status = 'checked_in', checkin_at = ?, updated_at = ?, version = version + 1 \
             WHERE id = ? AND status = 'assigned'",
            vec![at.into(), at.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Checks a volunteer out with the minutes served; false when not checked in.
pub async fn check_out<C: ConnectionTrait>(
    c: &C,
    id: i64,
    at: chrono::DateTime<Utc>,
    minutes: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE volunteer_assignments SET status = 'done', checkout_at = ?, minutes = ?, updated_at = ?, version = version + 1 \
             WHERE id = ? AND status = 'checked_in'",
            vec![at.into(), minutes.into(), at.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// When a volunteer checked in (for the minutes at check-out).
pub async fn checkin_at<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<chrono::DateTime<Utc>>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT checkin_at FROM volunteer_assignments WHERE id = ?",
            vec![id.into()],
        ))
        .await?;
    Ok(row.and_then(|r| r.try_get_by_index::<Option<chrono::DateTime<Utc>>>(0).ok().flatten()))
}

/// The coordinator confirms a checked-out assignment's minutes (possibly corrected) at
/// `version`; false when it is not done, already confirmed or changed meanwhile.
pub async fn confirm<C: ConnectionTrait>(c: &C, id: i64, minutes: i32, by: i64, version: i32) -> Result<bool, DbErr> {
    let now = Utc::now();
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE volunteer_assignments SET minutes = ?, confirmed_by = ?, confirmed_at = ?, updated_at = ?, version = version + 1 \
             WHERE id = ? AND status = 'done' AND confirmed_at IS NULL AND version = ?",
            vec![minutes.into(), by.into(), now.into(), now.into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}
