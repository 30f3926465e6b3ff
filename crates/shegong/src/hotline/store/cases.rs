//! Cases (个案) with their follow-ups and referrals. Every read of a case's content goes through
//! [`case_content`](super::case_content); the free text (assessment, plan, closure note,
//! follow-up notes, referral reasons) is sealed.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::hotline::model::{followup_schedule, Reader, ReferralInput, Risk};
use crate::hotline::store::{case_content, seal, supervisor_user_of};
use crate::platform::access::Scope;
use crate::platform::db::{insert_id, sql};
use crate::platform::paging::{Page, PageParams};

/// The associated data of a case's sealed texts.
pub const CASE_ASSESSMENT: &str = "hotline.case.assessment";
pub const CASE_PLAN: &str = "hotline.case.plan";
pub const CASE_CLOSURE: &str = "hotline.case.closure";
pub const FOLLOWUP_NOTE: &str = "hotline.followup.note";
pub const REFERRAL_REASON: &str = "hotline.referral.reason";

/// A case is its counsellor's own record, in the unit of the centre (as a call).
pub fn case_filter(scope: &Scope) -> (String, Vec<Value>) {
    scope.unit_filter("t.unit_id", Some("t.counsellor_id"))
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CaseRow {
    pub id: i64,
    pub unit_id: i64,
    pub counsellor_id: i64,
    pub counsellor_name: String,
    pub supervisor_id: Option<i64>,
    pub supervisor_name: Option<String>,
    pub caller_id: Option<i64>,
    pub opened_from_call_id: Option<i64>,
    pub opened_on: NaiveDate,
    pub risk_level: String,
    #[serde(skip)]
    pub assessment_cipher: String,
    #[serde(skip)]
    pub plan_cipher: String,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
    pub closure_reason: String,
    #[serde(skip)]
    pub closure_note_cipher: String,
    pub version: i32,
}

const CASE_SELECT: &str =
    "SELECT t.id, t.unit_id, t.counsellor_id, cu.display_name AS counsellor_name, t.supervisor_id, \
     su.display_name AS supervisor_name, t.caller_id, t.opened_from_call_id, t.opened_on, t.risk_level, \
     t.assessment_cipher, t.plan_cipher, t.status, t.closed_on, t.closure_reason, t.closure_note_cipher, t.version \
     FROM hotline_cases t JOIN users cu ON cu.id = t.counsellor_id LEFT JOIN users su ON su.id = t.supervisor_id";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseFilter {
    #[serde(default)]
    pub status: String,
    /// A period (`2022-Q1`): cases opened on its days.
    #[serde(default)]
    pub period: String,
    /// A unit id: cases of the unit and its subtree.
    #[serde(default)]
    pub unit: String,
}

impl CaseFilter {
    pub fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("status", self.status.as_str()),
            ("period", self.period.as_str()),
            ("unit", self.unit.as_str()),
        ])
        .unwrap_or_default()
    }
}

fn case_where(scope: &Scope, reader: &Reader, f: &CaseFilter, readable: bool) -> (String, Vec<Value>) {
    let (sf, mut vals) = case_filter(scope);
    let (cf, cv) = case_content(reader);
    vals.extend(cv);
    let mut wh = if readable { format!(" WHERE {sf} AND {cf}") } else { format!(" WHERE {sf} AND NOT {cf}") };
    if matches!(f.status.as_str(), "open" | "closed") {
        wh.push_str(" AND t.status = ?");
        vals.push(f.status.clone().into());
    }
    if let Some(period) = crate::platform::period::Period::parse(&f.period) {
        let (from, to) = period.bounds();
        wh.push_str(" AND t.opened_on >= ? AND t.opened_on <= ?");
        vals.push(from.into());
        vals.push(to.into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("t.unit_id")));
        vals.push(u.into());
    }
    (wh, vals)
}

/// The cases whose content the reader may read, newest first.
pub async fn cases<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    f: &CaseFilter,
    p: &PageParams,
) -> Result<Page<CaseRow>, DbErr> {
    let (wh, vals) = case_where(scope, reader, f, true);
    let order = p.order_by(&[("opened_on", "t.opened_on"), ("risk", "t.risk_level")], "t.id");
    let order = if p.sort.is_none() { " ORDER BY t.opened_on DESC, t.id DESC".to_string() } else { order };
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM hotline_cases t{wh}"),
        &format!("{CASE_SELECT}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

/// How many cases in the scope the reader may not read (their existence, as a count).
pub async fn cases_withheld<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    f: &CaseFilter,
) -> Result<i64, DbErr> {
    let (wh, vals) = case_where(scope, reader, f, false);
    count(c, &format!("SELECT COUNT(*) FROM hotline_cases t{wh}"), vals).await
}

pub(crate) async fn count<C: ConnectionTrait>(c: &C, q: &str, vals: Vec<Value>) -> Result<i64, DbErr> {
    Ok(c.query_one(sql(c.get_database_backend(), q, vals))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}

/// A case with its content, when the reader may read it.
pub async fn case<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    id: i64,
) -> Result<Option<CaseRow>, DbErr> {
    let (sf, mut vals) = case_filter(scope);
    let (cf, cv) = case_content(reader);
    vals.extend(cv);
    vals.push(id.into());
    CaseRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CASE_SELECT} WHERE {sf} AND {cf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// What anyone who reaches a case may know of it: that it exists, when it was opened, its state.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CaseStub {
    pub id: i64,
    pub unit_id: i64,
    pub opened_on: NaiveDate,
    pub status: String,
}

pub async fn case_stub<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<CaseStub>, DbErr> {
    let (sf, mut vals) = case_filter(scope);
    vals.push(id.into());
    CaseStub::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT t.id, t.unit_id, t.opened_on, t.status FROM hotline_cases t WHERE {sf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

async fn add_member<C: ConnectionTrait>(c: &C, case_id: i64, user_id: i64) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "INSERT INTO hotline_case_counsellors (case_id, user_id, added_at) VALUES (?, ?, ?)",
        vec![case_id.into(), user_id.into(), Utc::now().into()],
    ))
    .await?;
    Ok(())
}

/// Writes the follow-up schedule of a high-risk case opened on `opened`.
pub async fn schedule_followups<C: ConnectionTrait>(c: &C, case_id: i64, opened: NaiveDate) -> Result<usize, DbErr> {
    let plan = followup_schedule(opened);
    for (kind, due) in &plan {
        c.execute(sql(
            c.get_database_backend(),
            "INSERT INTO hotline_followups (case_id, kind, due_on, version) VALUES (?, ?, ?, 1)",
            vec![case_id.into(), (*kind).into(), (*due).into()],
        ))
        .await?;
    }
    Ok(plan.len())
}

#[derive(FromQueryResult)]
struct CallFacts {
    unit_id: i64,
    counsellor_id: i64,
    risk_level: String,
    caller_id: Option<i64>,
    case_id: Option<i64>,
}

/// Opens a case from call `call_id`: its counsellor leads it, their supervisor (the roster's)
/// supervises it, the call joins it, and a high or imminent call gets the follow-up schedule.
/// `assessment` is sealed (may be empty). Returns the case id; `None` when the call is missing or
/// already belongs to a case. The caller writes the audit row (the demo writes none per case).
pub async fn open_case_from_call<C: ConnectionTrait>(
    c: &C,
    call_id: i64,
    by: i64,
    opened_on: NaiveDate,
    assessment: &str,
) -> Result<Option<i64>, DbErr> {
    let Some(call) = CallFacts::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT unit_id, counsellor_id, risk_level, caller_id, case_id FROM hotline_calls WHERE id = ?",
        vec![call_id.into()],
    ))
    .one(c)
    .await?
    else {
        return Ok(None);
    };
    if call.case_id.is_some() {
        return Ok(None);
    }
    let supervisor = supervisor_user_of(c, call.counsellor_id).await?;
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO hotline_cases (unit_id, counsellor_id, supervisor_id, caller_id, opened_from_call_id, opened_on, \
         risk_level, assessment_cipher, status, created_by, version, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, 1, ?, ?)",
        vec![
            call.unit_id.into(),
            call.counsellor_id.into(),
            supervisor.into(),
            call.caller_id.into(),
            call_id.into(),
            opened_on.into(),
            call.risk_level.clone().into(),
            seal(CASE_ASSESSMENT, assessment)?.into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    add_member(c, id, call.counsellor_id).await?;
    join_case(c, call_id, id).await?;
    if Risk::parse(&call.risk_level).is_some_and(Risk::escalates) {
        schedule_followups(c, id, opened_on).await?;
    }
    Ok(Some(id))
}

/// Joins call `call_id` to case `case_id` (and the case's caller profile, if the call has none).
pub async fn join_case<C: ConnectionTrait>(c: &C, call_id: i64, case_id: i64) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_calls SET case_id = ?, caller_id = COALESCE(caller_id, (SELECT k.caller_id FROM hotline_cases k WHERE k.id = ?)) \
             WHERE id = ? AND case_id IS NULL",
            vec![case_id.into(), case_id.into(), call_id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The calls of a case (ids and start times), oldest first.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CaseCall {
    pub id: i64,
    pub started_at: chrono::DateTime<Utc>,
    pub counsellor_name: String,
    pub risk_level: String,
}

impl CaseCall {
    pub fn started_text(&self) -> String {
        crate::platform::time::local_minutes(&self.started_at)
    }
}

pub async fn case_calls<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Vec<CaseCall>, DbErr> {
    CaseCall::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT t.id, t.started_at, u.display_name AS counsellor_name, t.risk_level FROM hotline_calls t \
         JOIN users u ON u.id = t.counsellor_id WHERE t.case_id = ? ORDER BY t.started_at, t.id",
        vec![case_id.into()],
    ))
    .all(c)
    .await
}

/// Updates the assessment and the plan at `version`; false when the case changed meanwhile.
pub async fn update_case_text<C: ConnectionTrait>(
    c: &C,
    id: i64,
    assessment: &str,
    plan: &str,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_cases SET assessment_cipher = ?, plan_cipher = ?, version = version + 1, updated_at = ? \
             WHERE id = ? AND version = ? AND status = 'open'",
            vec![
                seal(CASE_ASSESSMENT, assessment)?.into(),
                seal(CASE_PLAN, plan)?.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Hands an open case to another counsellor (`to`, a user) and their supervisor: the previous
/// lead stops being one of the case's counsellors.
pub async fn transfer_case<C: ConnectionTrait>(
    c: &C,
    id: i64,
    from: i64,
    to: i64,
    version: i32,
) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let supervisor = supervisor_user_of(c, to).await?;
    let r = c
        .execute(sql(
            b,
            "UPDATE hotline_cases SET counsellor_id = ?, supervisor_id = ?, version = version + 1, updated_at = ? \
             WHERE id = ? AND version = ? AND status = 'open' AND counsellor_id = ?",
            vec![to.into(), supervisor.into(), Utc::now().into(), id.into(), version.into(), from.into()],
        ))
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    c.execute(sql(
        b,
        "UPDATE hotline_case_counsellors SET removed_at = ? WHERE case_id = ? AND user_id = ? AND removed_at IS NULL",
        vec![Utc::now().into(), id.into(), from.into()],
    ))
    .await?;
    add_member(c, id, to).await?;
    Ok(true)
}

/// Closes an open case with a reason (a code) and a sealed note.
pub async fn close_case<C: ConnectionTrait>(
    c: &C,
    id: i64,
    reason: &str,
    note: &str,
    on: NaiveDate,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_cases SET status = 'closed', closed_on = ?, closure_reason = ?, closure_note_cipher = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND status = 'open'",
            vec![
                on.into(),
                reason.into(),
                seal(CASE_CLOSURE, note)?.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct FollowupRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_by_name: Option<String>,
    #[serde(skip)]
    pub note_cipher: String,
}

pub async fn followups<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Vec<FollowupRow>, DbErr> {
    FollowupRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT f.id, f.case_id, f.kind, f.due_on, f.done_on, u.display_name AS done_by_name, f.note_cipher \
         FROM hotline_followups f LEFT JOIN users u ON u.id = f.done_by WHERE f.case_id = ? ORDER BY f.due_on, f.id",
        vec![case_id.into()],
    ))
    .all(c)
    .await
}

/// Records follow-up `id` of case `case_id` as done (once).
pub async fn followup_done<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    id: i64,
    on: NaiveDate,
    by: i64,
    note: &str,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_followups SET done_on = ?, done_by = ?, note_cipher = ?, version = version + 1 \
             WHERE id = ? AND case_id = ? AND done_on IS NULL",
            vec![on.into(), by.into(), seal(FOLLOWUP_NOTE, note)?.into(), id.into(), case_id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A follow-up past its due date, of an open case whose content the reader may read.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct OverdueRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub due_on: NaiveDate,
    pub counsellor_name: String,
    pub risk_level: String,
}

pub async fn overdue_followups<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    today: NaiveDate,
    p: &PageParams,
) -> Result<Page<OverdueRow>, DbErr> {
    let (sf, mut vals) = case_filter(scope);
    let (cf, cv) = case_content(reader);
    vals.extend(cv);
    vals.push(today.into());
    let wh = format!(
        " FROM hotline_followups f JOIN hotline_cases t ON t.id = f.case_id JOIN users cu ON cu.id = t.counsellor_id \
         WHERE {sf} AND {cf} AND t.status = 'open' AND f.done_on IS NULL AND f.due_on < ?"
    );
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*){wh}"),
        &format!("SELECT f.id, f.case_id, f.kind, f.due_on, cu.display_name AS counsellor_name, t.risk_level{wh}"),
        " ORDER BY f.due_on, f.id",
        vals,
        p,
    )
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ReferralRow {
    pub id: i64,
    pub case_id: i64,
    pub target_kind: String,
    pub target_unit_id: Option<i64>,
    pub target_unit_name: Option<String>,
    pub target_name: String,
    #[serde(skip)]
    pub reason_cipher: String,
    pub state: String,
    pub referred_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub version: i32,
}

pub async fn referrals<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Vec<ReferralRow>, DbErr> {
    ReferralRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT r.id, r.case_id, r.target_kind, r.target_unit_id, u.name AS target_unit_name, r.target_name, \
         r.reason_cipher, r.state, r.referred_on, r.decided_on, r.completed_on, r.version \
         FROM hotline_referrals r LEFT JOIN org_units u ON u.id = r.target_unit_id WHERE r.case_id = ? ORDER BY r.id",
        vec![case_id.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_referral<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    i: &ReferralInput,
    on: NaiveDate,
    by: i64,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO hotline_referrals (case_id, target_kind, target_unit_id, target_name, reason_cipher, state, \
         referred_on, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, 1, ?, ?)",
        vec![
            case_id.into(),
            i.target_kind.into(),
            i.target_unit_id.into(),
            i.target_name.clone().into(),
            seal(REFERRAL_REASON, &i.reason)?.into(),
            on.into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// Moves referral `id` of case `case_id` from state `from` to `to` (the caller checked the
/// step with `model::referral_step`); false when it is no longer in `from`.
pub async fn set_referral_state<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    id: i64,
    from: &str,
    to: &str,
    on: NaiveDate,
) -> Result<bool, DbErr> {
    let col = if to == "completed" { "completed_on" } else { "decided_on" };
    let r = c
        .execute(sql(
            c.get_database_backend(),
            &format!(
                "UPDATE hotline_referrals SET state = ?, {col} = ?, version = version + 1, updated_at = ? \
                 WHERE id = ? AND case_id = ? AND state = ?"
            ),
            vec![to.into(), on.into(), Utc::now().into(), id.into(), case_id.into(), from.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The open cases the reader leads or supervises, for joining a call to one.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CaseOption {
    pub id: i64,
    pub opened_on: NaiveDate,
}

pub async fn open_case_options<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
) -> Result<Vec<CaseOption>, DbErr> {
    let (sf, mut vals) = case_filter(scope);
    let (cf, cv) = case_content(reader);
    vals.extend(cv);
    CaseOption::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT t.id, t.opened_on FROM hotline_cases t WHERE {sf} AND {cf} AND t.status = 'open' \
             ORDER BY t.id DESC LIMIT 200"
        ),
        vals,
    ))
    .all(c)
    .await
}
