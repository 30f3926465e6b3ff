//! The call log's SQL.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::hotline::model::{CallInput, Reader, Risk};
use crate::hotline::store::{call_content, seal};
use crate::platform::access::Scope;
use crate::platform::db::{insert_id, sql};
use crate::platform::paging::{Page, PageParams};

/// The associated data of a call's summary cipher.
pub const SUMMARY: &str = "hotline.call.summary";
/// The associated data of the reason a call's risk level was lowered.
pub const RISK_NOTE: &str = "hotline.call.risk_note";

/// A call is the counsellor's own record, and lies in the unit of the centre that answered it.
pub fn call_filter(scope: &Scope) -> (String, Vec<Value>) {
    scope.unit_filter("t.unit_id", Some("t.counsellor_id"))
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Category {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
}

pub async fn categories<C: ConnectionTrait>(c: &C) -> Result<Vec<Category>, DbErr> {
    Category::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, code, name, name_en FROM hotline_categories WHERE active = TRUE ORDER BY sort_order, id",
        vec![],
    ))
    .all(c)
    .await
}

/// A call as lists and pages show it. `summary_cipher` and `risk_note_cipher` are opened only
/// by the pages that may show them.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CallRow {
    pub id: i64,
    pub unit_id: i64,
    pub counsellor_id: i64,
    pub counsellor_name: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub duration_seconds: i32,
    pub channel: String,
    pub category_id: i64,
    pub category_name: String,
    pub category_name_en: String,
    pub anonymous: bool,
    pub age_band: String,
    pub gender: String,
    pub district_id: Option<i64>,
    pub district_name: Option<String>,
    #[serde(skip)]
    pub summary_cipher: String,
    pub ideation: String,
    pub plan: String,
    pub means: bool,
    pub timeframe: String,
    pub attempt: String,
    pub risk_computed: String,
    pub risk_level: String,
    #[serde(skip)]
    pub risk_note_cipher: String,
    pub outcome: String,
    pub follow_up: bool,
    pub case_id: Option<i64>,
    pub caller_id: Option<i64>,
    pub version: i32,
}

impl CallRow {
    pub fn risk(&self) -> Risk {
        Risk::parse(&self.risk_level).unwrap_or(Risk::None)
    }
    pub fn started_text(&self) -> String {
        crate::platform::time::local_minutes(&self.started_at)
    }
    /// `m:ss`
    pub fn duration_text(&self) -> String {
        let s = self.duration_seconds.max(0);
        format!("{}:{:02}", s / 60, s % 60)
    }
}

const CALL_SELECT: &str = "SELECT t.id, t.unit_id, t.counsellor_id, cu.display_name AS counsellor_name, t.started_at, \
     t.ended_at, t.duration_seconds, t.channel, t.category_id, k.name AS category_name, k.name_en AS category_name_en, \
     t.anonymous, t.age_band, t.gender, t.district_id, d.name AS district_name, t.summary_cipher, t.ideation, t.plan, \
     t.means, t.timeframe, t.attempt, t.risk_computed, t.risk_level, t.risk_note_cipher, t.outcome, t.follow_up, t.case_id, t.caller_id, t.version \
     FROM hotline_calls t JOIN users cu ON cu.id = t.counsellor_id JOIN hotline_categories k ON k.id = t.category_id \
     LEFT JOIN org_units d ON d.id = t.district_id";

/// The list's filters: only fields that are not free text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallFilter {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub risk: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// A unit id: calls taken for the unit and its subtree.
    #[serde(default)]
    pub unit: String,
}

impl CallFilter {
    pub fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("category", self.category.as_str()),
            ("risk", self.risk.as_str()),
            ("channel", self.channel.as_str()),
            ("follow_up", self.follow_up.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("unit", self.unit.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// China-time midnight of a typed date, in UTC.
fn day_start(typed: &str, plus_days: i64) -> Option<DateTime<Utc>> {
    let d = chrono::NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").ok()? + chrono::Duration::days(plus_days);
    crate::hotline::model::parse_local(&format!("{d}T00:00"))
}

/// The filters of the list as SQL, with the scope and the content rule (`readable`: the calls
/// whose content the reader may read, else those they may not).
fn list_where(scope: &Scope, reader: &Reader, f: &CallFilter, p: &PageParams, readable: bool) -> (String, Vec<Value>) {
    let (sf, mut vals) = call_filter(scope);
    let (cf, cv) = call_content(reader);
    vals.extend(cv);
    let mut wh = if readable { format!(" WHERE {sf} AND {cf}") } else { format!(" WHERE {sf} AND NOT {cf}") };
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("cu.display_name", q), ("k.name", q), ("k.name_en", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if let Ok(k) = f.category.trim().parse::<i64>() {
        wh.push_str(" AND t.category_id = ?");
        vals.push(k.into());
    }
    if let Some(r) = Risk::parse(f.risk.trim()) {
        wh.push_str(" AND t.risk_level = ?");
        vals.push(r.code().into());
    }
    if crate::hotline::model::CHANNELS.contains(&f.channel.trim()) {
        wh.push_str(" AND t.channel = ?");
        vals.push(f.channel.trim().to_string().into());
    }
    if f.follow_up == "yes" {
        wh.push_str(" AND t.follow_up = TRUE");
    }
    if let Some(t) = day_start(&f.from, 0) {
        wh.push_str(" AND t.started_at >= ?");
        vals.push(t.into());
    }
    if let Some(t) = day_start(&f.to, 1) {
        wh.push_str(" AND t.started_at < ?");
        vals.push(t.into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("t.unit_id")));
        vals.push(u.into());
    }
    (wh, vals)
}

const LIST_FROM: &str =
    "FROM hotline_calls t JOIN users cu ON cu.id = t.counsellor_id JOIN hotline_categories k ON k.id = t.category_id";

/// The calls the caller reaches and may read, newest first by default. Search (`q`) looks at the
/// counsellor's name and the category only: the summary is sealed and is never searched.
pub async fn calls<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    f: &CallFilter,
    p: &PageParams,
) -> Result<Page<CallRow>, DbErr> {
    let (wh, vals) = list_where(scope, reader, f, p, true);
    let order = p.order_by(
        &[("started_at", "t.started_at"), ("risk", "t.risk_level"), ("duration", "t.duration_seconds")],
        "t.id",
    );
    let order = if p.sort.is_none() { " ORDER BY t.started_at DESC, t.id DESC".to_string() } else { order };
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) {LIST_FROM}{wh}"),
        &format!("{CALL_SELECT}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

/// How many calls matching the filters lie in the scope but are withheld from the reader: the
/// existence of what they may not read, as a count.
pub async fn calls_withheld<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    f: &CallFilter,
    p: &PageParams,
) -> Result<i64, DbErr> {
    let (wh, vals) = list_where(scope, reader, f, p, false);
    crate::hotline::store::count(c, &format!("SELECT COUNT(*) {LIST_FROM}{wh}"), vals).await
}

/// The counsellors who answered the calls of the filter, those withheld from the reader too (a
/// count only: nothing of a call's content).
pub async fn calls_counsellors<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    f: &CallFilter,
    p: &PageParams,
) -> Result<i64, DbErr> {
    let (a, mut vals) = list_where(scope, reader, f, p, true);
    let (b, more) = list_where(scope, reader, f, p, false);
    vals.extend(more);
    let a = a.trim_start().trim_start_matches("WHERE");
    let b = b.trim_start().trim_start_matches("WHERE");
    crate::hotline::store::count(
        c,
        &format!("SELECT COUNT(DISTINCT t.counsellor_id) {LIST_FROM} WHERE ({a}) OR ({b})"),
        vals,
    )
    .await
}

/// A call with its content, when the reader may read it.
pub async fn call<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    reader: &Reader,
    id: i64,
) -> Result<Option<CallRow>, DbErr> {
    let (sf, mut vals) = call_filter(scope);
    let (cf, cv) = call_content(reader);
    vals.extend(cv);
    vals.push(id.into());
    CallRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CALL_SELECT} WHERE {sf} AND {cf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// What anyone who reaches a call may know of it: that it exists and when it came in.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CallStub {
    pub id: i64,
    pub unit_id: i64,
    pub started_at: DateTime<Utc>,
}

impl CallStub {
    pub fn started_text(&self) -> String {
        crate::platform::time::local_minutes(&self.started_at)
    }
}

pub async fn call_stub<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<CallStub>, DbErr> {
    let (sf, mut vals) = call_filter(scope);
    vals.push(id.into());
    CallStub::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT t.id, t.unit_id, t.started_at FROM hotline_calls t WHERE {sf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// The head of every insert of calls (one call or a year of them).
pub(super) const CALL_INSERT: &str = "INSERT INTO hotline_calls (unit_id, counsellor_id, started_at, ended_at, \
     duration_seconds, channel, category_id, anonymous, age_band, gender, district_id, summary_cipher, ideation, plan, \
     means, timeframe, attempt, risk_computed, risk_level, risk_note_cipher, outcome, follow_up, created_by, version, \
     created_at, updated_at)";

/// The values of one call for [`CALL_INSERT`], its free text already sealed.
pub(super) fn call_values(
    i: &CallInput,
    unit_id: i64,
    counsellor: i64,
    summary_cipher: String,
    risk_note_cipher: String,
    by: i64,
    now: DateTime<Utc>,
) -> Vec<Value> {
    let a = &i.assessment;
    vec![
        unit_id.into(),
        counsellor.into(),
        i.started_at.into(),
        i.ended_at.into(),
        i.duration_seconds().into(),
        i.channel.into(),
        i.category_id.into(),
        i.anonymous.into(),
        i.age_band.into(),
        i.gender.into(),
        i.district_id.into(),
        summary_cipher.into(),
        a.ideation.into(),
        a.plan.into(),
        a.means.into(),
        a.timeframe.into(),
        a.attempt.into(),
        i.risk_computed.code().into(),
        i.risk_level.code().into(),
        risk_note_cipher.into(),
        i.outcome.into(),
        i.follow_up.into(),
        by.into(),
        1i64.into(),
        now.into(),
        now.into(),
    ]
}

/// Records a call answered by `counsellor` (a user) in `unit_id`; the free text is sealed.
pub async fn insert_call<C: ConnectionTrait>(
    c: &C,
    i: &CallInput,
    unit_id: i64,
    counsellor: i64,
    by: i64,
) -> Result<i64, DbErr> {
    let values =
        call_values(i, unit_id, counsellor, seal(SUMMARY, &i.summary)?, seal(RISK_NOTE, &i.risk_note)?, by, Utc::now());
    let marks = vec!["?"; values.len()].join(", ");
    insert_id(c, &format!("{CALL_INSERT} VALUES ({marks})"), values).await
}

/// Updates a call at `version`; false when it changed meanwhile. An empty risk note keeps the
/// one recorded before.
pub async fn update_call<C: ConnectionTrait>(c: &C, id: i64, i: &CallInput, version: i32) -> Result<bool, DbErr> {
    let a = &i.assessment;
    let note = seal(RISK_NOTE, &i.risk_note)?;
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_calls SET started_at = ?, ended_at = ?, duration_seconds = ?, channel = ?, category_id = ?, \
             anonymous = ?, age_band = ?, gender = ?, district_id = ?, summary_cipher = ?, ideation = ?, plan = ?, means = ?, \
             timeframe = ?, attempt = ?, risk_computed = ?, risk_level = ?, \
             risk_note_cipher = CASE WHEN ? = '' THEN risk_note_cipher ELSE ? END, outcome = ?, follow_up = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                i.started_at.into(),
                i.ended_at.into(),
                i.duration_seconds().into(),
                i.channel.into(),
                i.category_id.into(),
                i.anonymous.into(),
                i.age_band.into(),
                i.gender.into(),
                i.district_id.into(),
                seal(SUMMARY, &i.summary)?.into(),
                a.ideation.into(),
                a.plan.into(),
                a.means.into(),
                a.timeframe.into(),
                a.attempt.into(),
                i.risk_computed.code().into(),
                i.risk_level.code().into(),
                note.clone().into(),
                note.into(),
                i.outcome.into(),
                i.follow_up.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}
