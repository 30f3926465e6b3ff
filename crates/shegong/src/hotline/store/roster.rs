//! The "星光社工" roster and the rota: counsellors (linked to their account and, where they are
//! social workers, to the talent register), shifts with their counsellors and the supervisor on
//! duty.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::hotline::model::{minute_text, CounsellorInput, ShiftInput};
use crate::platform::db::{insert_id, sql};
use crate::platform::paging::{Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CounsellorRow {
    pub id: i64,
    pub unit_id: i64,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub worker_id: Option<i64>,
    pub worker_name: Option<String>,
    pub name: String,
    pub is_supervisor: bool,
    pub supervisor_id: Option<i64>,
    pub supervisor_name: Option<String>,
    pub joined_on: NaiveDate,
    pub active: bool,
    pub version: i32,
}

const COUNSELLOR_SELECT: &str = "SELECT t.id, t.unit_id, t.user_id, u.username, t.worker_id, w.name AS worker_name, \
     t.name, t.is_supervisor, t.supervisor_id, s.name AS supervisor_name, t.joined_on, t.active, t.version \
     FROM hotline_counsellors t LEFT JOIN users u ON u.id = t.user_id LEFT JOIN social_workers w ON w.id = t.worker_id \
     LEFT JOIN hotline_counsellors s ON s.id = t.supervisor_id";

/// The roster, supervisors first, then by name.
pub async fn counsellors<C: ConnectionTrait>(c: &C, p: &PageParams) -> Result<Page<CounsellorRow>, DbErr> {
    let mut wh = " WHERE 1=1".to_string();
    let mut vals: Vec<Value> = vec![];
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("t.name", q), ("u.username", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    let order = p.order_by(&[("name", "t.name"), ("joined_on", "t.joined_on")], "t.id");
    let order =
        if p.sort.is_none() { " ORDER BY t.is_supervisor DESC, t.active DESC, t.id".to_string() } else { order };
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM hotline_counsellors t LEFT JOIN users u ON u.id = t.user_id{wh}"),
        &format!("{COUNSELLOR_SELECT}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

/// Every active counsellor (for pickers), supervisors first.
pub async fn active_counsellors<C: ConnectionTrait>(c: &C) -> Result<Vec<CounsellorRow>, DbErr> {
    CounsellorRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{COUNSELLOR_SELECT} WHERE t.active = TRUE ORDER BY t.is_supervisor DESC, t.id"),
        vec![],
    ))
    .all(c)
    .await
}

pub async fn counsellor<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<CounsellorRow>, DbErr> {
    CounsellorRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{COUNSELLOR_SELECT} WHERE t.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// The roster entry of a user (their account), if they are on the roster.
pub async fn counsellor_of_user<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Option<CounsellorRow>, DbErr> {
    CounsellorRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{COUNSELLOR_SELECT} WHERE t.user_id = ?"),
        vec![user_id.into()],
    ))
    .one(c)
    .await
}

/// The account of the supervisor of the counsellor whose account is `user_id`.
pub async fn supervisor_user_of<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Option<i64>, DbErr> {
    let r = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT s.user_id FROM hotline_counsellors t JOIN hotline_counsellors s ON s.id = t.supervisor_id \
             WHERE t.user_id = ?",
            vec![user_id.into()],
        ))
        .await?;
    Ok(r.and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten()))
}

/// Whether a user account is taken by another roster entry (`except`).
pub async fn user_on_roster<C: ConnectionTrait>(c: &C, user_id: i64, except: Option<i64>) -> Result<bool, DbErr> {
    let r = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT 1 FROM hotline_counsellors WHERE user_id = ? AND id <> ?",
            vec![user_id.into(), except.unwrap_or(0).into()],
        ))
        .await?;
    Ok(r.is_some())
}

fn counsellor_values(i: &CounsellorInput) -> Vec<Value> {
    vec![
        i.name.clone().into(),
        i.user_id.into(),
        i.worker_id.into(),
        i.is_supervisor.into(),
        i.supervisor_id.into(),
        i.joined_on.into(),
        i.active.into(),
    ]
}

pub async fn insert_counsellor<C: ConnectionTrait>(c: &C, unit_id: i64, i: &CounsellorInput) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut vals = vec![unit_id.into()];
    vals.extend(counsellor_values(i));
    vals.extend([now.into(), now.into()]);
    insert_id(
        c,
        "INSERT INTO hotline_counsellors (unit_id, name, user_id, worker_id, is_supervisor, supervisor_id, joined_on, \
         active, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        vals,
    )
    .await
}

pub async fn update_counsellor<C: ConnectionTrait>(
    c: &C,
    id: i64,
    i: &CounsellorInput,
    version: i32,
) -> Result<bool, DbErr> {
    let mut vals = counsellor_values(i);
    vals.extend([Utc::now().into(), id.into(), version.into()]);
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_counsellors SET name = ?, user_id = ?, worker_id = ?, is_supervisor = ?, supervisor_id = ?, \
             joined_on = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vals,
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A social worker of the talent register, for the roster's picker.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct WorkerOption {
    pub id: i64,
    pub name: String,
}

pub async fn worker_options<C: ConnectionTrait>(c: &C) -> Result<Vec<WorkerOption>, DbErr> {
    WorkerOption::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, name FROM social_workers ORDER BY name, id LIMIT 2000",
        vec![],
    ))
    .all(c)
    .await
}

pub async fn worker_exists<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    let r = c
        .query_one(sql(c.get_database_backend(), "SELECT 1 FROM social_workers WHERE id = ?", vec![id.into()]))
        .await?;
    Ok(r.is_some())
}

/// A user account for the roster's picker (those holding a hotline role).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct UserOption {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

pub async fn hotline_user_options<C: ConnectionTrait>(c: &C) -> Result<Vec<UserOption>, DbErr> {
    UserOption::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT DISTINCT u.id, u.username, u.display_name FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE rp.permission = 'hotline.call_write' ORDER BY u.username",
        vec![],
    ))
    .all(c)
    .await
}

/// A shift of the rota with its supervisor and counsellors.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ShiftRow {
    pub id: i64,
    pub unit_id: i64,
    pub day: NaiveDate,
    pub start_minute: i32,
    pub end_minute: i32,
    pub supervisor_id: i64,
    pub supervisor_name: String,
    pub supervisor_user_id: Option<i64>,
    pub version: i32,
    #[sea_orm(skip)]
    pub counsellors: Vec<(i64, String)>,
}

impl ShiftRow {
    pub fn time_text(&self) -> String {
        format!("{}–{}", minute_text(self.start_minute), minute_text(self.end_minute))
    }
}

const SHIFT_SELECT: &str = "SELECT t.id, t.unit_id, t.day, t.start_minute, t.end_minute, t.supervisor_id, \
     s.name AS supervisor_name, s.user_id AS supervisor_user_id, t.version FROM hotline_shifts t \
     JOIN hotline_counsellors s ON s.id = t.supervisor_id";

#[derive(FromQueryResult)]
struct Member {
    shift_id: i64,
    counsellor_id: i64,
    name: String,
}

async fn with_members<C: ConnectionTrait>(c: &C, mut shifts: Vec<ShiftRow>) -> Result<Vec<ShiftRow>, DbErr> {
    if shifts.is_empty() {
        return Ok(shifts);
    }
    let marks = vec!["?"; shifts.len()].join(", ");
    let ids: Vec<Value> = shifts.iter().map(|s| s.id.into()).collect();
    let members = Member::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT m.shift_id, m.counsellor_id, k.name FROM hotline_shift_counsellors m \
             JOIN hotline_counsellors k ON k.id = m.counsellor_id WHERE m.shift_id IN ({marks}) ORDER BY k.id"
        ),
        ids,
    ))
    .all(c)
    .await?;
    for s in &mut shifts {
        s.counsellors =
            members.iter().filter(|m| m.shift_id == s.id).map(|m| (m.counsellor_id, m.name.clone())).collect();
    }
    Ok(shifts)
}

/// The shifts of the days `from..=to`, in order.
pub async fn shifts<C: ConnectionTrait>(c: &C, from: NaiveDate, to: NaiveDate) -> Result<Vec<ShiftRow>, DbErr> {
    let rows = ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{SHIFT_SELECT} WHERE t.day >= ? AND t.day <= ? ORDER BY t.day, t.start_minute, t.id"),
        vec![from.into(), to.into()],
    ))
    .all(c)
    .await?;
    with_members(c, rows).await
}

pub async fn shift<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<ShiftRow>, DbErr> {
    let rows = ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{SHIFT_SELECT} WHERE t.id = ?"),
        vec![id.into()],
    ))
    .all(c)
    .await?;
    Ok(with_members(c, rows).await?.into_iter().next())
}

/// The China-time day of `at` and its minute from midnight (0–1439), as shifts count them.
pub fn local_day_minute(at: DateTime<Utc>) -> (NaiveDate, i32) {
    let local = at.with_timezone(&crate::platform::time::china()).naive_local();
    let minute = i32::try_from(local.time().signed_duration_since(chrono::NaiveTime::MIN).num_minutes()).unwrap_or(0);
    (local.date(), minute)
}

/// The shifts on duty at `at` (China time), and then the next ones on the rota in order, at most
/// `n` in all: the supervisor on duty is the first's, the next supervisors follow (escalations
/// hand on along this list).
pub async fn on_duty<C: ConnectionTrait>(c: &C, at: DateTime<Utc>, n: usize) -> Result<Vec<ShiftRow>, DbErr> {
    let (day, minute) = local_day_minute(at);
    let rows = ShiftRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "{SHIFT_SELECT} WHERE (t.day = ? AND t.end_minute > ?) OR t.day > ? \
             ORDER BY t.day, t.start_minute, t.id LIMIT {}",
            n.clamp(1, 100)
        ),
        vec![day.into(), minute.into(), day.into()],
    ))
    .all(c)
    .await?;
    with_members(c, rows).await
}

async fn set_members<C: ConnectionTrait>(c: &C, shift_id: i64, members: &[i64]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    c.execute(sql(b, "DELETE FROM hotline_shift_counsellors WHERE shift_id = ?", vec![shift_id.into()])).await?;
    for m in members {
        c.execute(sql(
            b,
            "INSERT INTO hotline_shift_counsellors (shift_id, counsellor_id) VALUES (?, ?)",
            vec![shift_id.into(), (*m).into()],
        ))
        .await?;
    }
    Ok(())
}

pub async fn insert_shift<C: ConnectionTrait>(c: &C, unit_id: i64, i: &ShiftInput) -> Result<i64, DbErr> {
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO hotline_shifts (unit_id, day, start_minute, end_minute, supervisor_id, version, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        vec![
            unit_id.into(),
            i.day.into(),
            i.start_minute.into(),
            i.end_minute.into(),
            i.supervisor_id.into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    set_members(c, id, &i.counsellors).await?;
    Ok(id)
}

pub async fn update_shift<C: ConnectionTrait>(c: &C, id: i64, i: &ShiftInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_shifts SET day = ?, start_minute = ?, end_minute = ?, supervisor_id = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                i.day.into(),
                i.start_minute.into(),
                i.end_minute.into(),
                i.supervisor_id.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    set_members(c, id, &i.counsellors).await?;
    Ok(true)
}
