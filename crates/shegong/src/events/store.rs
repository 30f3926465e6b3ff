//! All SQL of events, documents and honours, scoped by unit.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::events::model::{EventInput, HonourInput};
use crate::platform::access::Scope;
use crate::platform::db::{count, sql};
use crate::platform::paging::{Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EventRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub organisers: String,
    pub summary: String,
    pub attendees: i32,
    pub hours_tenths: i32,
    pub committee: bool,
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
    let from = " FROM events e JOIN org_units u ON u.id = e.unit_id";
    let total = count(c, &format!("SELECT COUNT(*){from}{wh}"), vals.clone()).await?;
    let order = p.order_by(&[("held", "e.held_on"), ("title", "e.title"), ("attendees", "e.attendees")], "e.id");
    let order = if p.sort.is_none() { " ORDER BY e.held_on DESC, e.id DESC".to_string() } else { order };
    let limit = p.limit_clause();
    let rows = EventRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT e.id, e.unit_id, u.name AS unit_name, e.kind, e.title, e.held_on, e.organisers, e.summary, e.attendees, e.hours_tenths, e.committee{from}{wh}{order}{limit}"),
        vals,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
}

pub async fn insert_event<C: ConnectionTrait>(c: &C, e: &EventInput, by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO events (unit_id, kind, title, held_on, organisers, summary, attendees, hours_tenths, committee, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
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
                by.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct DocumentRow {
    pub id: i64,
    pub unit_name: String,
    pub title: String,
    pub doc_number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub event_title: Option<String>,
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
        &format!(
            "SELECT d.id, u.name AS unit_name, d.title, d.doc_number, d.issuer, d.issued_on, e.title AS event_title \
             FROM documents d JOIN org_units u ON u.id = d.unit_id LEFT JOIN events e ON e.id = d.event_id{wh} ORDER BY d.issued_on DESC, d.id DESC LIMIT 500"
        ),
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
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO documents (unit_id, title, doc_number, issuer, issued_on, event_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![unit_id.into(), title.into(), number.into(), issuer.into(), issued_on.into(), event_id.into(), by.into(), now.into(), now.into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct HonourRow {
    pub id: i64,
    pub unit_name: String,
    pub title: String,
    pub level: String,
    pub year: i32,
    pub awardee_kind: String,
    pub awardee_name: String,
    pub awarding_body: String,
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
    let from = " FROM honours h JOIN org_units u ON u.id = h.unit_id";
    let total = count(c, &format!("SELECT COUNT(*){from}{wh}"), vals.clone()).await?;
    let order = p.order_by(&[("year", "h.year"), ("level", "h.level"), ("title", "h.title")], "h.id");
    let limit = p.limit_clause();
    let rows = HonourRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT h.id, u.name AS unit_name, h.title, h.level, h.year, h.awardee_kind, h.awardee_name, h.awarding_body{from}{wh}{order}{limit}"),
        vals,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
}

/// The honours awarded at one unit to its station or to the unit itself, newest first (a
/// station's page lists them).
pub async fn honours_at_unit<C: ConnectionTrait>(c: &C, unit_id: i64) -> Result<Vec<HonourRow>, DbErr> {
    HonourRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT h.id, u.name AS unit_name, h.title, h.level, h.year, h.awardee_kind, h.awardee_name, h.awarding_body \
         FROM honours h JOIN org_units u ON u.id = h.unit_id WHERE h.unit_id = ? AND h.awardee_kind IN ('station', 'unit') \
         ORDER BY h.year DESC, h.id",
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
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO honours (unit_id, title, level, year, awardee_kind, awardee_name, organisation_id, awarding_body, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
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
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// The unit of an event, if the event is inside the scope.
pub async fn event_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<i64>, DbErr> {
    owned_unit(c, scope, "events", id).await
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
