//! All SQL of events, documents and honours, scoped by unit.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::events::model::{DocumentInput, EventInput, HonourInput};
use crate::platform::access::Scope;
use crate::platform::db::{insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EventRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub organisers: String,
    pub summary: String,
    pub attendees: i32,
    pub hours_tenths: i32,
    pub committee: bool,
    pub version: i32,
}

impl EventRow {
    pub fn kind_key(&self) -> String {
        format!("events.kind.{}", self.kind)
    }
    pub fn hours(&self) -> String {
        if self.hours_tenths == 0 {
            String::new()
        } else {
            format!("{}.{}", self.hours_tenths / 10, self.hours_tenths % 10)
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EventFilter {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub committee: String,
    /// A period (`2022-Q1`, `2022-03-01..2022-04-30`): events held on its days.
    #[serde(default)]
    pub period: String,
    /// A unit id: events of the unit and its subtree.
    #[serde(default)]
    pub unit: String,
}

fn year_range(y: &str) -> Option<(NaiveDate, NaiveDate)> {
    let y: i32 = y.trim().parse().ok()?;
    Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y + 1, 1, 1)?))
}

pub async fn events<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &EventFilter,
    p: &PageParams,
) -> Result<Page<EventRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("e.unit_id", Some("e.created_by"));
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("e.title", q), ("e.organisers", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if !f.kind.is_empty() {
        wh.push_str(" AND e.kind = ?");
        vals.push(f.kind.clone().into());
    }
    if let Some((a, b)) = year_range(&f.year) {
        wh.push_str(" AND e.held_on >= ? AND e.held_on < ?");
        vals.push(a.into());
        vals.push(b.into());
    }
    if f.committee == "yes" {
        wh.push_str(" AND e.committee = ?");
        vals.push(true.into());
    }
    if let Some(period) = crate::platform::period::Period::parse(&f.period) {
        let (a, b) = period.bounds();
        wh.push_str(" AND e.held_on >= ? AND e.held_on <= ?");
        vals.push(a.into());
        vals.push(b.into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("e.unit_id")));
        vals.push(u.into());
    }
    let from = EVENT_FROM;
    let order = p.order_by(&[("held", "e.held_on"), ("title", "e.title"), ("attendees", "e.attendees")], "e.id");
    let order = if p.sort.is_none() { " ORDER BY e.held_on DESC, e.id DESC".to_string() } else { order };
    fetch(c, &format!("SELECT COUNT(*){from}{wh}"), &format!("{EVENT_SELECT}{wh}"), &order, vals, p).await
}

/// The years with events in the scope, newest first (the list's year filter offers them).
pub async fn event_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    let (sf, vals) = scope.unit_filter("e.unit_id", Some("e.created_by"));
    years(c, &format!("SELECT DISTINCT SUBSTR(CAST(e.held_on AS TEXT), 1, 4) AS y FROM events e WHERE {sf}"), vals)
        .await
}

/// The years with honours in the scope, newest first.
pub async fn honour_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    let (sf, vals) = scope.unit_filter("h.unit_id", Some("h.created_by"));
    years(c, &format!("SELECT DISTINCT CAST(h.year AS TEXT) AS y FROM honours h WHERE {sf}"), vals).await
}

/// The years of a `SELECT DISTINCT … AS y` giving four-digit texts, newest first.
async fn years<C: ConnectionTrait>(c: &C, text: &str, vals: Vec<Value>) -> Result<Vec<i32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        y: String,
    }
    let mut years: Vec<i32> = Y::find_by_statement(sql(c.get_database_backend(), text, vals))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| r.y.parse().ok())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(years)
}

const EVENT_FROM: &str = " FROM events e JOIN org_units u ON u.id = e.unit_id";
const EVENT_SELECT: &str =
    "SELECT e.id, e.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, e.kind, e.title, e.held_on, e.organisers, e.summary, \
    e.attendees, e.hours_tenths, e.committee, e.version FROM events e JOIN org_units u ON u.id = e.unit_id";

/// One event, if it lies inside the scope.
pub async fn event<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<EventRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("e.unit_id", Some("e.created_by"));
    vals.push(id.into());
    EventRow::find_by_statement(sql(c.get_database_backend(), &format!("{EVENT_SELECT} WHERE {sf} AND e.id = ?"), vals))
        .one(c)
        .await
}

/// The columns an event's form sets, in the order of the statements below.
fn event_values(e: &EventInput) -> Vec<sea_orm::Value> {
    vec![
        e.unit_id.into(),
        e.kind.clone().into(),
        e.title.clone().into(),
        e.held_on.into(),
        e.organisers.clone().into(),
        e.summary.clone().into(),
        e.attendees.into(),
        e.hours_tenths.into(),
        e.committee.into(),
    ]
}

/// Changes an event at `version`; false when someone changed it first.
pub async fn update_event<C: ConnectionTrait>(c: &C, id: i64, e: &EventInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE events SET unit_id = ?, kind = ?, title = ?, held_on = ?, organisers = ?, summary = ?, attendees = ?, \
             hours_tenths = ?, committee = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            [event_values(e), vec![Utc::now().into(), id.into(), version.into()]].concat(),
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert_event<C: ConnectionTrait>(c: &C, e: &EventInput, by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO events (unit_id, kind, title, held_on, organisers, summary, attendees, hours_tenths, committee, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [event_values(e), vec![by.into(), now.into(), now.into()]].concat(),
    )
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct DocumentRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub title: String,
    pub doc_number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub version: i32,
}

const DOCUMENT_SELECT: &str =
    "SELECT d.id, d.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, d.title, d.doc_number, d.issuer, d.issued_on, \
    d.event_id, e.title AS event_title, d.version \
    FROM documents d JOIN org_units u ON u.id = d.unit_id LEFT JOIN events e ON e.id = d.event_id";

/// One document, if it lies inside the scope.
pub async fn document<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<DocumentRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("d.unit_id", Some("d.created_by"));
    vals.push(id.into());
    DocumentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{DOCUMENT_SELECT} WHERE {sf} AND d.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// Changes a document at `version`; false when someone changed it first.
pub async fn update_document<C: ConnectionTrait>(
    c: &C,
    id: i64,
    d: &DocumentInput,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE documents SET title = ?, doc_number = ?, issuer = ?, issued_on = ?, version = version + 1, updated_at = ? \
             WHERE id = ? AND version = ?",
            vec![
                d.title.clone().into(),
                d.doc_number.clone().into(),
                d.issuer.clone().into(),
                d.issued_on.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn documents<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    committee_only: bool,
) -> Result<Vec<DocumentRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("d.unit_id", Some("d.created_by"));
    let mut wh = format!(" WHERE {sf}");
    if committee_only {
        wh.push_str(" AND e.committee = ?");
        vals.push(true.into());
    }
    DocumentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{DOCUMENT_SELECT}{wh} ORDER BY d.issued_on DESC, d.id DESC LIMIT 500"),
        vals,
    ))
    .all(c)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_document<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    title: &str,
    number: &str,
    issuer: &str,
    issued_on: NaiveDate,
    event_id: Option<i64>,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO documents (unit_id, title, doc_number, issuer, issued_on, event_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        vec![unit_id.into(), title.into(), number.into(), issuer.into(), issued_on.into(), event_id.into(), by.into(), now.into(), now.into()],
    )
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct HonourRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub title: String,
    pub level: String,
    pub year: i32,
    pub awardee_kind: String,
    pub awardee_name: String,
    pub awarding_body: String,
    pub version: i32,
}

const HONOUR_SELECT: &str = "SELECT h.id, h.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, h.title, h.level, h.year, h.awardee_kind, \
    h.awardee_name, h.awarding_body, h.version FROM honours h JOIN org_units u ON u.id = h.unit_id";

/// One honour, if it lies inside the scope.
pub async fn honour<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<HonourRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("h.unit_id", Some("h.created_by"));
    vals.push(id.into());
    HonourRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{HONOUR_SELECT} WHERE {sf} AND h.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// Changes an honour at `version`; false when someone changed it first.
pub async fn update_honour<C: ConnectionTrait>(c: &C, id: i64, h: &HonourInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE honours SET unit_id = ?, title = ?, level = ?, year = ?, awardee_kind = ?, awardee_name = ?, \
             awarding_body = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                h.unit_id.into(),
                h.title.clone().into(),
                h.level.clone().into(),
                h.year.into(),
                h.awardee_kind.clone().into(),
                h.awardee_name.clone().into(),
                h.awarding_body.clone().into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

impl HonourRow {
    pub fn level_key(&self) -> String {
        format!("honours.level.{}", self.level)
    }
    pub fn kind_key(&self) -> String {
        format!("honours.awardee.{}", self.awardee_kind)
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct HonourFilter {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub awardee_kind: String,
    /// A unit id: honours of the unit and its subtree.
    #[serde(default)]
    pub unit: String,
}

pub async fn honours<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &HonourFilter,
    p: &PageParams,
) -> Result<Page<HonourRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("h.unit_id", Some("h.created_by"));
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("h.title", q), ("h.awardee_name", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    for (col, v) in [("h.level", &f.level), ("h.awardee_kind", &f.awardee_kind)] {
        if !v.is_empty() {
            wh.push_str(&format!(" AND {col} = ?"));
            vals.push(Value::from(v.clone()));
        }
    }
    if let Ok(y) = f.year.trim().parse::<i32>() {
        wh.push_str(" AND h.year = ?");
        vals.push(y.into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("h.unit_id")));
        vals.push(u.into());
    }
    let from = " FROM honours h JOIN org_units u ON u.id = h.unit_id";
    let order = p.order_by(&[("year", "h.year"), ("level", "h.level"), ("title", "h.title")], "h.id");
    fetch(c, &format!("SELECT COUNT(*){from}{wh}"), &format!("{HONOUR_SELECT}{wh}"), &order, vals, p).await
}

/// The honours awarded at one unit to its station or to the unit itself, newest first (a
/// station's page lists them).
pub async fn honours_at_unit<C: ConnectionTrait>(c: &C, unit_id: i64) -> Result<Vec<HonourRow>, DbErr> {
    HonourRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "{HONOUR_SELECT} WHERE h.unit_id = ? AND h.awardee_kind IN ('station', 'unit') ORDER BY h.year DESC, h.id"
        ),
        vec![unit_id.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_honour<C: ConnectionTrait>(
    c: &C,
    h: &HonourInput,
    organisation_id: Option<i64>,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO honours (unit_id, title, level, year, awardee_kind, awardee_name, organisation_id, awarding_body, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            h.unit_id.into(),
            h.title.clone().into(),
            h.level.clone().into(),
            h.year.into(),
            h.awardee_kind.clone().into(),
            h.awardee_name.clone().into(),
            organisation_id.into(),
            h.awarding_body.clone().into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// The unit of an event, if the event is inside the scope.
pub async fn event_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<i64>, DbErr> {
    owned_unit(c, scope, "events", id).await
}

/// The unit of an honour, if the honour is inside the scope.
pub async fn honour_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<i64>, DbErr> {
    owned_unit(c, scope, "honours", id).await
}

/// The unit of a document, if the document is inside the scope.
pub async fn document_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<i64>, DbErr> {
    owned_unit(c, scope, "documents", id).await
}

async fn owned_unit<C: ConnectionTrait>(c: &C, scope: &Scope, table: &str, id: i64) -> Result<Option<i64>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    vals.push(id.into());
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            &format!("SELECT t.unit_id FROM {table} t WHERE {sf} AND t.id = ?"),
            vals,
        ))
        .await?;
    row.map(|r| r.try_get_by_index::<i64>(0)).transpose()
}

/// Honours of `year` awarded in a unit subtree inside the scope, and events held in the subtree
/// between two days (both included): the events indicators.
pub async fn indicator_counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    year: Option<i32>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Option<i64>, i64), DbErr> {
    const SUBTREE: &str = "IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?)";
    let honours = match year {
        None => None,
        Some(y) => {
            let (sf, mut vals) = scope.unit_filter("h.unit_id", Some("h.created_by"));
            vals.push(format!("{under}%").into());
            vals.push(y.into());
            let q = format!("SELECT COUNT(*) FROM honours h WHERE {sf} AND h.unit_id {SUBTREE} AND h.year = ?");
            Some(crate::platform::db::count(c, &q, vals).await?)
        }
    };
    let (sf, mut vals) = scope.unit_filter("e.unit_id", Some("e.created_by"));
    vals.push(format!("{under}%").into());
    vals.push(from.into());
    vals.push(to.into());
    let q = format!(
        "SELECT COUNT(*) FROM events e WHERE {sf} AND e.unit_id {SUBTREE} AND e.held_on >= ? AND e.held_on <= ?"
    );
    Ok((honours, crate::platform::db::count(c, &q, vals).await?))
}

/// A photo the annual review may place: the attachment, and the event, Party activity or honour
/// it shows (`held_on` for events and activities, `year` for honours).
#[derive(Debug, Clone, FromQueryResult)]
pub struct ReviewPhotoRow {
    #[sea_orm(nested)]
    pub attachment: crate::platform::files::Attachment,
    pub title: String,
    pub held_on: Option<NaiveDate>,
    pub award_year: i64,
    /// 0 for dated records (events, activities), 1 for honours.
    pub grp: i64,
}

/// The photos of events and Party activities held in `from..=to` and of honours awarded in
/// those years, whose records lie in the unit subtree `under` and inside the scope: dated ones
/// first by date, then honours by year, each by upload order; at most `limit`.
pub async fn review_photos<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    from: NaiveDate,
    to: NaiveDate,
    limit: u32,
) -> Result<Vec<ReviewPhotoRow>, DbErr> {
    const A: &str = "a.id AS id, a.entity AS entity, a.entity_id AS entity_id, a.unit_id AS unit_id, a.kind AS kind, \
                     a.filename AS filename, a.content_type AS content_type, a.size AS size, a.sha256 AS sha256, \
                     a.thumb_sha256 AS thumb_sha256, a.thumb_width AS thumb_width, a.thumb_height AS thumb_height, \
                     a.width AS width, a.height AS height";
    const SUBTREE: &str = "IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?)";
    use chrono::Datelike;
    let mut vals: Vec<Value> = Vec::new();
    let mut parts = Vec::new();
    for (entity, table, alias) in [("event", "events", "e"), ("plan_activity", "plan_activities", "p")] {
        let (sf, v) = scope.unit_filter(&format!("{alias}.unit_id"), Some(&format!("{alias}.created_by")));
        parts.push(format!(
            "SELECT {A}, {alias}.title AS title, {alias}.held_on AS held_on, CAST(0 AS BIGINT) AS award_year, CAST(0 AS BIGINT) AS grp \
             FROM attachments a JOIN {table} {alias} ON {alias}.id = a.entity_id \
             WHERE a.entity = '{entity}' AND a.kind = 'photo' AND {sf} AND {alias}.unit_id {SUBTREE} \
             AND {alias}.held_on >= ? AND {alias}.held_on <= ?"
        ));
        vals.extend(v);
        vals.push(format!("{under}%").into());
        vals.push(from.into());
        vals.push(to.into());
    }
    let (sf, v) = scope.unit_filter("h.unit_id", Some("h.created_by"));
    parts.push(format!(
        "SELECT {A}, h.title AS title, CAST(NULL AS DATE) AS held_on, CAST(h.year AS BIGINT) AS award_year, CAST(1 AS BIGINT) AS grp \
         FROM attachments a JOIN honours h ON h.id = a.entity_id \
         WHERE a.entity = 'honour' AND a.kind = 'photo' AND {sf} AND h.unit_id {SUBTREE} AND h.year >= ? AND h.year <= ?"
    ));
    vals.extend(v);
    vals.push(format!("{under}%").into());
    vals.push(from.year().into());
    vals.push(to.year().into());
    let q = format!("{} ORDER BY grp, held_on, award_year, id LIMIT {limit}", parts.join(" UNION ALL "));
    ReviewPhotoRow::find_by_statement(sql(c.get_database_backend(), &q, vals)).all(c).await
}
