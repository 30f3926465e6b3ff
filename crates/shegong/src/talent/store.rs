//! All SQL of the fund ledger. The fund is city level: entries hang on the unit that keeps the
//! fund, and only scopes containing it see them.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, sql};
use crate::platform::paging::{Page, PageParams};
use crate::talent::model::EntryInput;

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EntryRow {
    pub id: i64,
    pub kind: String,
    pub entry_on: NaiveDate,
    pub amount_fen: i64,
    pub counterparty: String,
    pub purpose: String,
    pub approval_ref: String,
}

impl EntryRow {
    pub fn amount(&self) -> String {
        crate::platform::money::Money(self.amount_fen).yuan_text()
    }
    pub fn kind_key(&self) -> String {
        format!("fund.kind.{}", self.kind)
    }
}

/// Totals of a period: contributions in, grants out, and the balance at its end.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FundTotals {
    pub opening_fen: i64,
    pub in_fen: i64,
    pub out_fen: i64,
    pub closing_fen: i64,
}

/// Signed sum of the entries in scope dated on or before `until` (contributions +, grants −).
pub async fn balance<C: ConnectionTrait>(c: &C, scope: &Scope, until: Option<NaiveDate>) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    let mut wh = format!("WHERE {sf}");
    if let Some(d) = until {
        wh.push_str(" AND f.entry_on <= ?");
        vals.push(d.into());
    }
    count(
        c,
        &format!("SELECT SUM_INT(CASE WHEN f.kind = 'contribution' THEN f.amount_fen ELSE -f.amount_fen END) FROM fund_entries f {wh}"),
        vals,
    )
    .await
}

async fn sum_kind<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kind: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.insert(0, kind.into());
    vals.push(from.into());
    vals.push(to.into());
    count(
        c,
        &format!("SELECT SUM_INT(f.amount_fen) FROM fund_entries f WHERE f.kind = ? AND {sf} AND f.entry_on >= ? AND f.entry_on <= ?"),
        vals,
    )
    .await
}

pub async fn totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FundTotals, DbErr> {
    let opening = balance(c, scope, from.pred_opt()).await?;
    let in_fen = sum_kind(c, scope, "contribution", from, to).await?;
    let out_fen = sum_kind(c, scope, "grant", from, to).await?;
    Ok(FundTotals {
        opening_fen: opening,
        in_fen,
        out_fen,
        closing_fen: opening.saturating_add(in_fen).saturating_sub(out_fen),
    })
}

pub async fn entries<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    p: &PageParams,
) -> Result<Page<EntryRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.push(from.into());
    vals.push(to.into());
    let wh = format!(" WHERE {sf} AND f.entry_on >= ? AND f.entry_on <= ?");
    let total = count(c, &format!("SELECT COUNT(*) FROM fund_entries f{wh}"), vals.clone()).await?;
    let limit = p.limit_clause();
    let rows = EntryRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT f.id, f.kind, f.entry_on, f.amount_fen, f.counterparty, f.purpose, f.approval_ref FROM fund_entries f{wh} ORDER BY f.entry_on, f.id{limit}"),
        vals,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
}

/// Serialises writers of the ledger (PostgreSQL; SQLite writers are serialised already).
pub async fn lock<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    if c.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        c.execute_unprepared("SELECT pg_advisory_xact_lock(7403520)").await?;
    }
    Ok(())
}

pub async fn insert<C: ConnectionTrait>(c: &C, unit_id: i64, e: &EntryInput, by: Option<i64>) -> Result<i64, DbErr> {
    let vals: Vec<Value> = vec![
        unit_id.into(),
        e.kind.clone().into(),
        e.entry_on.into(),
        e.amount_fen.into(),
        e.counterparty.clone().into(),
        e.purpose.clone().into(),
        e.approval_ref.clone().into(),
        by.into(),
        Utc::now().into(),
    ];
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO fund_entries (unit_id, kind, entry_on, amount_fen, counterparty, purpose, approval_ref, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            vals,
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// Dates on which the running balance would go below zero if `extra_out` fen left the fund on
/// `on` (checked at the grant date and at every later entry date).
pub async fn would_overdraw<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    on: NaiveDate,
    extra_out: i64,
) -> Result<bool, DbErr> {
    if balance(c, scope, Some(on)).await? < extra_out {
        return Ok(true);
    }
    #[derive(FromQueryResult)]
    struct D {
        entry_on: NaiveDate,
    }
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.push(on.into());
    let later = D::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT DISTINCT f.entry_on FROM fund_entries f WHERE {sf} AND f.entry_on > ?"),
        vals,
    ))
    .all(c)
    .await?;
    for d in later {
        if balance(c, scope, Some(d.entry_on)).await? < extra_out {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ledger problems for `shegong check`: a day on which the fund's balance was below zero, or a
/// non-positive amount (the table forbids it; a hand edit could still try).
pub async fn check_ledger<C: ConnectionTrait>(c: &C) -> Result<Vec<String>, DbErr> {
    let rows = EntryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, kind, entry_on, amount_fen, counterparty, purpose, approval_ref FROM fund_entries ORDER BY entry_on, id",
        vec![],
    ))
    .all(c)
    .await?;
    let mut problems = Vec::new();
    // i128: no stored amount can overflow the running balance.
    let mut running = 0i128;
    for (i, r) in rows.iter().enumerate() {
        if r.amount_fen <= 0 {
            problems.push(format!("fund entry {} has amount {} / 金额无效", r.id, r.amount_fen));
        }
        running += if r.kind == "contribution" { i128::from(r.amount_fen) } else { -i128::from(r.amount_fen) };
        let day_ends = rows.get(i + 1).is_none_or(|n| n.entry_on != r.entry_on);
        if day_ends && running < 0 {
            problems.push(format!(
                "fund balance {} on {} is below zero / 基金余额为负",
                crate::platform::money::Money(i64::try_from(running).unwrap_or(i64::MIN)).yuan_text(),
                r.entry_on
            ));
        }
    }
    Ok(problems)
}

/// A registered social worker. Serialised (into audit rows) with the ID number and phone masked
/// and the year of birth instead of the date, like everything shown to roles without the
/// reveal right ([`crate::platform::pii`]).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct WorkerRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub gender: String,
    #[serde(rename = "birth_year", serialize_with = "crate::platform::pii::ser_birth_year")]
    pub birth_date: NaiveDate,
    #[serde(serialize_with = "crate::platform::pii::ser_id")]
    pub id_number: String,
    #[serde(serialize_with = "crate::platform::pii::ser_phone")]
    pub phone: Option<String>,
    pub education: String,
    pub employer_org_id: Option<i64>,
    pub employer_name: Option<String>,
    pub version: i32,
    pub level: Option<String>,
    pub exam_year: Option<i32>,
}

impl WorkerRow {
    pub fn id_masked(&self) -> String {
        crate::platform::pii::id_masked(&self.id_number)
    }
    pub fn phone_masked(&self) -> String {
        crate::platform::pii::phone_masked_opt(self.phone.as_deref())
    }
    /// Shown instead of the birth date (which, beside the masked number, would rebuild it).
    pub fn birth_year(&self) -> i32 {
        crate::platform::pii::birth_year(&self.birth_date)
    }
    pub fn level_key(&self) -> String {
        format!("workers.level.{}", self.level.as_deref().unwrap_or("none"))
    }
    pub fn gender_key(&self) -> String {
        format!("workers.{}", self.gender)
    }
}

/// The highest qualification of each worker: a rank per level, largest wins.
const LEVEL_RANK: &str = "CASE q.level WHEN 'senior' THEN 3 WHEN 'social_worker' THEN 2 ELSE 1 END";

fn worker_select() -> String {
    format!(
        "SELECT w.id, w.unit_id, u.name AS unit_name, w.name, w.gender, w.birth_date, w.id_number, w.phone, w.education, \
         w.employer_org_id, (SELECT o.name FROM organisations o WHERE o.id = w.employer_org_id) AS employer_name, w.version, \
         (SELECT q.level FROM qualifications q WHERE q.worker_id = w.id ORDER BY {LEVEL_RANK} DESC LIMIT 1) AS level, \
         (SELECT MAX(q.exam_year) FROM qualifications q WHERE q.worker_id = w.id) AS exam_year \
         FROM social_workers w JOIN org_units u ON u.id = w.unit_id"
    )
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WorkerFilter {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub exam_year: String,
}

pub async fn workers<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &WorkerFilter,
    p: &PageParams,
) -> Result<Page<WorkerRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        // Names only: ID numbers and phones are not searchable by text (they would leak by probing).
        let (cond, v) = crate::platform::db::contains_any(&[("w.name", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if !f.level.is_empty() {
        wh.push_str(" AND EXISTS (SELECT 1 FROM qualifications q WHERE q.worker_id = w.id AND q.level = ?)");
        vals.push(f.level.clone().into());
    }
    if let Ok(y) = f.exam_year.trim().parse::<i32>() {
        wh.push_str(" AND EXISTS (SELECT 1 FROM qualifications q WHERE q.worker_id = w.id AND q.exam_year = ?)");
        vals.push(y.into());
    }
    let total = count(
        c,
        &format!("SELECT COUNT(*) FROM social_workers w JOIN org_units u ON u.id = w.unit_id{wh}"),
        vals.clone(),
    )
    .await?;
    // No order by birth date: the order of a year's workers would tell their dates apart.
    let order = p.order_by(&[("name", "w.name"), ("unit", "u.path")], "w.id");
    let limit = p.limit_clause();
    let rows = WorkerRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{}{wh}{order}{limit}", worker_select()),
        vals,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
}

pub async fn worker<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<WorkerRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    vals.push(id.into());
    WorkerRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{} WHERE {sf} AND w.id = ?", worker_select()),
        vals,
    ))
    .one(c)
    .await
}

pub async fn id_number_taken<C: ConnectionTrait>(c: &C, id_number: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM social_workers WHERE id_number = ?", vec![id_number.into()]).await? > 0)
}

pub async fn insert_worker<C: ConnectionTrait>(
    c: &C,
    w: &crate::talent::model::WorkerInput,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let row = c
        .query_one(sql(
            b,
            "INSERT INTO social_workers (unit_id, name, gender, birth_date, id_number, phone, education, employer_org_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                w.unit_id.into(),
                w.name.clone().into(),
                w.gender.clone().into(),
                w.birth_date.into(),
                w.id_number.clone().into(),
                w.phone.clone().into(),
                w.education.clone().into(),
                w.employer_org_id.into(),
                by.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    let id: i64 = row.try_get_by_index(0)?;
    if let Some((level, year, cert)) = &w.qualification {
        c.execute(sql(
            b,
            "INSERT INTO qualifications (worker_id, level, exam_year, certificate_no, created_at) VALUES (?,?,?,?,?)",
            vec![id.into(), level.clone().into(), (*year).into(), cert.clone().into(), now.into()],
        ))
        .await?;
    }
    Ok(id)
}

/// Social workers in scope by highest qualification, and exam passes in a year.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct TalentFigures {
    pub workers: i64,
    pub assistant: i64,
    pub social_worker: i64,
    pub senior: i64,
    pub exam_passes: i64,
    /// Published winners of the year by programme: (title, level, winners).
    pub awards: Vec<(String, String, i64)>,
}

pub async fn figures<C: ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> Result<TalentFigures, DbErr> {
    let (sf, vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    let workers = count(c, &format!("SELECT COUNT(*) FROM social_workers w WHERE {sf}"), vals.clone()).await?;
    let by_level = |level: &'static str| {
        let mut v = vals.clone();
        v.push(level.into());
        (
            format!(
                "SELECT COUNT(*) FROM social_workers w WHERE {sf} AND (SELECT q.level FROM qualifications q WHERE q.worker_id = w.id ORDER BY {LEVEL_RANK} DESC LIMIT 1) = ?"
            ),
            v,
        )
    };
    let (q1, v1) = by_level("assistant");
    let (q2, v2) = by_level("social_worker");
    let (q3, v3) = by_level("senior");
    let mut ve = vals.clone();
    ve.push(year.into());
    Ok(TalentFigures {
        workers,
        assistant: count(c, &q1, v1).await?,
        social_worker: count(c, &q2, v2).await?,
        senior: count(c, &q3, v3).await?,
        exam_passes: count(c, &format!("SELECT COUNT(*) FROM qualifications q JOIN social_workers w ON w.id = q.worker_id WHERE {sf} AND q.exam_year = ?"), ve).await?,
        awards: crate::talent::selections::awards_by_level(c, scope, year).await?,
    })
}

/// Updates a worker's profile (the ID number, and so gender and birth date, never change);
/// false when stale.
pub async fn update_worker<C: ConnectionTrait>(
    c: &C,
    id: i64,
    w: &crate::talent::model::WorkerInput,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE social_workers SET name = ?, phone = ?, unit_id = ?, education = ?, employer_org_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                w.name.clone().into(),
                w.phone.clone().into(),
                w.unit_id.into(),
                w.education.clone().into(),
                w.employer_org_id.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AgencyOption {
    pub id: i64,
    pub name: String,
}

/// Social-work agencies in scope that can employ workers.
pub async fn agencies<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<AgencyOption>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    vals.insert(0, true.into());
    AgencyOption::find_by_statement(sql(c.get_database_backend(), &format!("SELECT o.id, o.name FROM organisations o WHERE o.is_agency = ? AND o.status = 'normal' AND {sf} ORDER BY o.name"), vals))
        .all(c)
        .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct QualificationRow {
    pub level: String,
    pub exam_year: i32,
    pub certificate_no: String,
}

impl QualificationRow {
    pub fn level_key(&self) -> String {
        format!("workers.level.{}", self.level)
    }
}

/// A worker's qualification history, oldest first.
pub async fn qualifications_of<C: ConnectionTrait>(c: &C, worker: i64) -> Result<Vec<QualificationRow>, DbErr> {
    QualificationRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT level, exam_year, certificate_no FROM qualifications WHERE worker_id = ? ORDER BY exam_year, id",
        vec![worker.into()],
    ))
    .all(c)
    .await
}
