//! The register of social workers and their qualifications, the statements of the exam-results
//! import, and the talent figures.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{Page, PageParams};
use crate::talent::model::WorkerInput;

/// A registered social worker. Serialised (into audit rows) with the ID number and phone masked
/// and the year of birth instead of the date, like everything shown to roles without the
/// reveal right ([`crate::platform::pii`]).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct WorkerRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
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
        "SELECT w.id, w.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, w.name, w.gender, w.birth_date, w.id_number, w.phone, w.education, \
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
    /// A year: workers selected in that year's published programmes (the awards of the year).
    #[serde(default)]
    pub selected_year: String,
    /// A unit id: workers of the unit and its subtree.
    #[serde(default)]
    pub unit: String,
}

impl WorkerFilter {
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("level", self.level.as_str()),
            ("exam_year", self.exam_year.as_str()),
            ("selected_year", self.selected_year.as_str()),
            ("unit", self.unit.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// The selections of a year's published programmes (`?` the year) that count as awards.
const SELECTED: &str = "SELECT n.worker_id FROM nominations n JOIN programmes pg ON pg.id = n.programme_id \
    WHERE pg.year = ? AND pg.status = 'published' AND n.status = 'selected'";

fn worker_where(scope: &Scope, f: &WorkerFilter, p: &PageParams) -> (String, Vec<Value>) {
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
    if let Ok(y) = f.selected_year.trim().parse::<i32>() {
        wh.push_str(&format!(" AND w.id IN ({SELECTED})"));
        vals.push(y.into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("w.unit_id")));
        vals.push(u.into());
    }
    (wh, vals)
}

/// What the listed workers add up to, for the year filters: the exams they passed in the exam
/// year, and the selections they won in the selection year (a worker may count more than once).
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkerCounts {
    pub exam_passes: Option<i64>,
    pub awards: Option<i64>,
}

pub async fn worker_counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &WorkerFilter,
    p: &PageParams,
) -> Result<WorkerCounts, DbErr> {
    let (wh, vals) = worker_where(scope, f, p);
    let from = "FROM social_workers w JOIN org_units u ON u.id = w.unit_id";
    let exam_passes = match f.exam_year.trim().parse::<i32>() {
        Ok(y) => {
            let mut v = vec![Value::from(y)];
            v.extend(vals.clone());
            let q = format!(
                "SELECT COUNT(*) FROM qualifications q WHERE q.exam_year = ? AND q.worker_id IN (SELECT w.id {from}{wh})"
            );
            Some(count(c, &q, v).await?)
        }
        Err(_) => None,
    };
    let awards = match f.selected_year.trim().parse::<i32>() {
        Ok(y) => {
            let mut v = vec![Value::from(y)];
            v.extend(vals);
            let q = format!("SELECT COUNT(*) FROM ({SELECTED}) s WHERE s.worker_id IN (SELECT w.id {from}{wh})");
            Some(count(c, &q, v).await?)
        }
        Err(_) => None,
    };
    Ok(WorkerCounts { exam_passes, awards })
}

pub async fn workers<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &WorkerFilter,
    p: &PageParams,
) -> Result<Page<WorkerRow>, DbErr> {
    let (wh, vals) = worker_where(scope, f, p);
    // No order by birth date: the order of a year's workers would tell their dates apart.
    let order = p.order_by(&[("name", "w.name"), ("unit", "u.path")], "w.id");
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM social_workers w JOIN org_units u ON u.id = w.unit_id{wh}"),
        &format!("{}{wh}", worker_select()),
        &order,
        vals,
        p,
    )
    .await
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

pub async fn id_number_taken<C: ConnectionTrait>(c: &C, id_number: &cncodes::IdNumber) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM social_workers WHERE id_number = ?", vec![id_number.as_str().into()]).await? > 0)
}

pub async fn insert_worker<C: ConnectionTrait>(c: &C, w: &WorkerInput, by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    let id = insert_id(c, "INSERT INTO social_workers (unit_id, name, gender, birth_date, id_number, phone, education, employer_org_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", vec![
                w.unit_id.into(),
                w.name.clone().into(),
                w.gender.clone().into(),
                w.birth_date.into(),
                w.id_number.as_str().into(),
                w.phone.clone().into(),
                w.education.clone().into(),
                w.employer_org_id.into(),
                by.into(),
                now.into(),
                now.into(),
            ]).await?;
    if let Some((level, year, cert)) = &w.qualification {
        insert_qualification(c, id, level, *year, cert).await?;
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
        awards: super::awards_by_level(c, scope, year).await?,
    })
}

/// Updates a worker's profile (the ID number, and so gender and birth date, never change);
/// false when stale.
pub async fn update_worker<C: ConnectionTrait>(c: &C, id: i64, w: &WorkerInput, version: i32) -> Result<bool, DbErr> {
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

/// A worker's qualification.
pub async fn insert_qualification<C: ConnectionTrait>(
    c: &C,
    worker: i64,
    level: &str,
    exam_year: i32,
    certificate_no: &str,
) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "INSERT INTO qualifications (worker_id, level, exam_year, certificate_no, created_at) VALUES (?,?,?,?,?)",
        vec![worker.into(), level.into(), exam_year.into(), certificate_no.into(), Utc::now().into()],
    ))
    .await
    .map(|_| ())
}

/// A new exam year and certificate for the qualification a worker already holds at `level`.
pub async fn update_qualification<C: ConnectionTrait>(
    c: &C,
    worker: i64,
    level: &str,
    exam_year: i32,
    certificate_no: &str,
) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE qualifications SET exam_year = ?, certificate_no = ? WHERE worker_id = ? AND level = ?",
        vec![exam_year.into(), certificate_no.into(), worker.into(), level.into()],
    ))
    .await
    .map(|_| ())
}

/// One qualification of a worker in scope (a worker without any appears once with none): what
/// the exam-results import matches its rows against.
#[derive(Debug, Clone, FromQueryResult)]
pub struct KnownQualification {
    pub id: i64,
    pub id_number: String,
    pub level: Option<String>,
    pub exam_year: Option<i32>,
    pub certificate_no: Option<String>,
}

pub async fn known_qualifications<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<KnownQualification>, DbErr> {
    let (sf, vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    KnownQualification::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT w.id, w.id_number, q.level, q.exam_year, q.certificate_no FROM social_workers w \
             LEFT JOIN qualifications q ON q.worker_id = w.id WHERE {sf}"
        ),
        vals,
    ))
    .all(c)
    .await
}

/// The years the talent figures have records for in the scope: exam passes of workers in scope
/// and published selections with winners in scope. Newest first.
pub async fn figure_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        y: i32,
    }
    let (sf, vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    let mut all = vals.clone();
    all.extend(vals);
    Ok(Y::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT q.exam_year AS y FROM qualifications q JOIN social_workers w ON w.id = q.worker_id WHERE {sf} \
             UNION SELECT p.year AS y FROM programmes p JOIN nominations n ON n.programme_id = p.id JOIN social_workers w ON w.id = n.worker_id \
             WHERE p.status = 'published' AND n.status = 'selected' AND {sf} ORDER BY 1 DESC"
        ),
        all,
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| r.y)
    .collect())
}
