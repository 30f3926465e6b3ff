//! All SQL of purchased services: the guideline, projects and everything hanging off them.
//! Every query that returns projects applies [`project_filter`]: the buying station's unit must
//! lie in the user's scope, or (agency staff) the project must be run by the user's agency.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::platform::access::Scope;
use crate::platform::db::{count, sql};
use crate::platform::money::Money;
use crate::platform::paging::{Page, PageParams};
use crate::services::model::{
    EvaluationInput, MemberInput, MilestoneInput, PaymentInput, ProjectFacts, ProjectInput, SignInput,
};

/// The projects a scope may see (`p` is the projects alias).
pub fn project_filter(scope: &Scope) -> (String, Vec<Value>) {
    let (sf, mut vals) = scope.unit_filter("p.unit_id", Some("p.created_by"));
    match scope.own_org {
        Some(org) if !scope.all => {
            vals.push(org.into());
            (format!("({sf} OR p.agency_id = ?)"), vals)
        }
        _ => (sf, vals),
    }
}

// ---------------------------------------------------------------- the guideline

#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult)]
pub struct CategoryRow {
    pub id: i64,
    pub year: i32,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub sort_order: i32,
    pub projects: i64,
}

impl CategoryRow {
    pub fn is_item(&self) -> bool {
        self.parent_id.is_some()
    }
}

/// The guideline of a year: categories, each followed by its items.
pub async fn guideline<C: ConnectionTrait>(c: &C, year: i32) -> Result<Vec<CategoryRow>, DbErr> {
    let rows = CategoryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT k.id, k.year, k.parent_id, k.code, k.name, k.name_en, k.description, k.sort_order, \
         (SELECT COUNT(*) FROM projects p WHERE p.category_id = k.id) AS projects \
         FROM service_categories k WHERE k.year = ? ORDER BY k.sort_order, k.code",
        vec![year.into()],
    ))
    .all(c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for top in rows.iter().filter(|r| r.parent_id.is_none()) {
        out.push(top.clone());
        out.extend(rows.iter().filter(|r| r.parent_id == Some(top.id)).cloned());
    }
    Ok(out)
}

/// Years that have a guideline, newest first.
pub async fn guideline_years<C: ConnectionTrait>(c: &C) -> Result<Vec<i32>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            "SELECT DISTINCT year FROM service_categories ORDER BY year DESC",
            vec![],
        ))
        .await?;
    rows.into_iter().map(|r| r.try_get_by_index::<i32>(0)).collect()
}

pub async fn category<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<CategoryRow>, DbErr> {
    CategoryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT k.id, k.year, k.parent_id, k.code, k.name, k.name_en, k.description, k.sort_order, \
         (SELECT COUNT(*) FROM projects p WHERE p.category_id = k.id) AS projects FROM service_categories k WHERE k.id = ?",
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// A category of a year found by its code or its name (imports accept either).
pub async fn category_by_code_or_name<C: ConnectionTrait>(
    c: &C,
    year: i32,
    text: &str,
) -> Result<Option<CategoryRow>, DbErr> {
    CategoryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT k.id, k.year, k.parent_id, k.code, k.name, k.name_en, k.description, k.sort_order, CAST(0 AS BIGINT) AS projects \
         FROM service_categories k WHERE k.year = ? AND (k.code = ? OR k.name = ?) ORDER BY k.parent_id DESC",
        vec![year.into(), text.into(), text.into()],
    ))
    .one(c)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_category<C: ConnectionTrait>(
    c: &C,
    year: i32,
    parent_id: Option<i64>,
    code: &str,
    name: &str,
    name_en: &str,
    description: &str,
    sort_order: i32,
) -> Result<i64, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO service_categories (year, parent_id, code, name, name_en, description, sort_order, created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                year.into(),
                parent_id.into(),
                code.into(),
                name.into(),
                name_en.into(),
                description.into(),
                sort_order.into(),
                Utc::now().into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

pub async fn category_code_taken<C: ConnectionTrait>(c: &C, year: i32, code: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM service_categories WHERE year = ? AND code = ?", vec![year.into(), code.into()])
        .await?
        > 0)
}

/// Deletes an unused category (its items must be gone first); false if it is used.
pub async fn delete_category<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    let used = count(
        c,
        "SELECT (SELECT COUNT(*) FROM projects WHERE category_id = ?) + (SELECT COUNT(*) FROM service_categories WHERE parent_id = ?)",
        vec![id.into(), id.into()],
    )
    .await?;
    if used > 0 {
        return Ok(false);
    }
    c.execute(sql(c.get_database_backend(), "DELETE FROM service_categories WHERE id = ?", vec![id.into()])).await?;
    Ok(true)
}

/// Copies the guideline of `from` into the empty year `to`; returns the number of rows written.
pub async fn copy_guideline<C: ConnectionTrait>(c: &C, from: i32, to: i32) -> Result<usize, DbErr> {
    let rows = guideline(c, from).await?;
    let mut new_ids = std::collections::HashMap::new();
    for r in &rows {
        let parent = r.parent_id.and_then(|p| new_ids.get(&p).copied());
        let id = insert_category(c, to, parent, &r.code, &r.name, &r.name_en, &r.description, r.sort_order).await?;
        new_ids.insert(r.id, id);
    }
    Ok(rows.len())
}

// ---------------------------------------------------------------- projects

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct ProjectRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub year: i32,
    pub title: String,
    pub category_id: i64,
    pub category_name: String,
    pub agency_id: Option<i64>,
    pub agency_name: Option<String>,
    pub contract_no: Option<String>,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub on_hold: bool,
    pub description: String,
    pub created_by: Option<i64>,
    pub version: i32,
}

impl ProjectRow {
    pub fn status_key(&self) -> String {
        format!("services.status.{}", self.status)
    }
    pub fn amount(&self) -> String {
        Money(self.amount_fen).yuan_text()
    }
    pub fn paid(&self) -> String {
        Money(self.paid_fen).yuan_text()
    }
    pub fn remaining(&self) -> String {
        Money(self.amount_fen.saturating_sub(self.paid_fen)).yuan_text()
    }
    pub fn agency(&self) -> &str {
        self.agency_name.as_deref().unwrap_or("")
    }
    pub fn contract(&self) -> &str {
        self.contract_no.as_deref().unwrap_or("")
    }
    /// Paid share of the contract, in whole percent.
    pub fn paid_percent(&self) -> i64 {
        Money::percent_of(self.paid_fen, self.amount_fen)
    }
}

const PROJECT_SELECT: &str =
    "SELECT p.id, p.unit_id, u.name AS unit_name, u.path AS unit_path, p.year, p.title, p.category_id, \
    k.name AS category_name, p.agency_id, o.name AS agency_name, p.contract_no, p.amount_fen, \
    (SELECT SUM_INT(pp.amount_fen) FROM project_payments pp WHERE pp.project_id = p.id) AS paid_fen, \
    p.starts_on, p.ends_on, p.status, p.on_hold, p.description, p.created_by, p.version \
    FROM projects p JOIN org_units u ON u.id = p.unit_id JOIN service_categories k ON k.id = p.category_id \
    LEFT JOIN organisations o ON o.id = p.agency_id";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectFilter {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub category: String,
}

impl ProjectFilter {
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("year", self.year.as_str()),
            ("status", self.status.as_str()),
            ("unit", self.unit.as_str()),
            ("agency", self.agency.as_str()),
            ("category", self.category.as_str()),
        ])
        .unwrap_or_default()
    }
}

fn filter_sql(scope: &Scope, f: &ProjectFilter, search: Option<&str>) -> (String, Vec<Value>) {
    let (sf, mut vals) = project_filter(scope);
    let mut w = vec![sf];
    if let Ok(y) = f.year.trim().parse::<i32>() {
        w.push("p.year = ?".into());
        vals.push(y.into());
    }
    if crate::services::model::STATUSES.contains(&f.status.trim()) {
        w.push("p.status = ?".into());
        vals.push(f.status.trim().to_string().into());
    } else if f.status.trim() == "on_hold" {
        w.push("p.on_hold = ?".into());
        vals.push(true.into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        // The unit and its subtree.
        w.push("u.path LIKE (SELECT fu.path FROM org_units fu WHERE fu.id = ?) || '%'".into());
        vals.push(u.into());
    }
    if let Ok(a) = f.agency.trim().parse::<i64>() {
        w.push("p.agency_id = ?".into());
        vals.push(a.into());
    }
    if let Ok(k) = f.category.trim().parse::<i64>() {
        w.push("(p.category_id = ? OR k.parent_id = ?)".into());
        vals.push(k.into());
        vals.push(k.into());
    }
    if let Some(q) = search {
        let (cond, v) = crate::platform::db::contains_any(&[("p.title", q), ("p.contract_no", q), ("o.name", q)]);
        w.push(cond);
        vals.extend(v);
    }
    (w.join(" AND "), vals)
}

pub const PROJECT_SORTS: &[(&str, &str)] = &[
    ("unit", "u.sort_order"),
    ("title", "p.title"),
    ("amount", "p.amount_fen"),
    ("starts_on", "p.starts_on"),
    ("status", "p.status"),
    ("year", "p.year"),
];

pub async fn projects<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ProjectFilter,
    p: &PageParams,
) -> Result<Page<ProjectRow>, DbErr> {
    let (w, vals) = filter_sql(scope, f, p.search());
    let order = p.order_by(PROJECT_SORTS, "p.id");
    crate::platform::paging::fetch(
        c,
        &format!(
            "SELECT COUNT(*) FROM projects p JOIN org_units u ON u.id = p.unit_id JOIN service_categories k ON k.id = p.category_id \
             LEFT JOIN organisations o ON o.id = p.agency_id WHERE {w}"
        ),
        &format!("{PROJECT_SELECT} WHERE {w}"),
        &order,
        vals,
        p,
    )
    .await
}

/// Every project matching the filter (exports), in a stable order.
pub async fn projects_all<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ProjectFilter,
) -> Result<Vec<ProjectRow>, DbErr> {
    let (w, vals) = filter_sql(scope, f, None);
    ProjectRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PROJECT_SELECT} WHERE {w} ORDER BY p.year, u.path, p.id"),
        vals,
    ))
    .all(c)
    .await
}

pub async fn project<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<ProjectRow>, DbErr> {
    let (sf, mut vals) = project_filter(scope);
    vals.insert(0, id.into());
    ProjectRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PROJECT_SELECT} WHERE p.id = ? AND {sf}"),
        vals,
    ))
    .one(c)
    .await
}

pub async fn project_by_contract<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    contract_no: &str,
) -> Result<Option<ProjectRow>, DbErr> {
    let (sf, mut vals) = project_filter(scope);
    vals.insert(0, contract_no.into());
    ProjectRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PROJECT_SELECT} WHERE p.contract_no = ? AND {sf}"),
        vals,
    ))
    .one(c)
    .await
}

pub async fn contract_no_taken<C: ConnectionTrait>(
    c: &C,
    contract_no: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM projects WHERE contract_no = ? AND id <> ?",
        vec![contract_no.into(), except.unwrap_or(-1).into()],
    )
    .await?
        > 0)
}

/// Serialises writers of one project's money (PostgreSQL row lock; SQLite's write gate already does).
pub async fn lock_project<C: ConnectionTrait>(c: &C, id: i64) -> Result<(), DbErr> {
    if c.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        c.execute(sql(c.get_database_backend(), "SELECT id FROM projects WHERE id = ? FOR UPDATE", vec![id.into()]))
            .await?;
    }
    Ok(())
}

/// What the workflow rules need, read inside the write transaction.
pub async fn facts<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<ProjectFacts>, DbErr> {
    let b = c.get_database_backend();
    let Some(row) = c
        .query_one(sql(
            b,
            "SELECT p.status, p.on_hold, p.amount_fen, \
             (SELECT SUM_INT(amount_fen) FROM project_payments WHERE project_id = p.id), \
             (SELECT COUNT(*) FROM project_payments WHERE project_id = p.id AND kind = 'final'), \
             (SELECT MAX(happened_on) FROM project_transitions WHERE project_id = p.id AND to_status = 'contracted'), \
             (SELECT COUNT(*) FROM project_evaluations WHERE project_id = p.id AND kind = 'midterm'), \
             (SELECT COUNT(*) FROM project_evaluations WHERE project_id = p.id AND kind = 'final' AND passed = ?) \
             FROM projects p WHERE p.id = ?",
            vec![true.into(), id.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(ProjectFacts {
        status: row.try_get_by_index(0)?,
        on_hold: row.try_get_by_index(1)?,
        amount_fen: row.try_get_by_index(2)?,
        paid_fen: row.try_get_by_index(3)?,
        has_final_payment: row.try_get_by_index::<i64>(4)? > 0,
        signed_on: row.try_get_by_index(5)?,
        midterm_evaluations: row.try_get_by_index::<i64>(6)?.max(0) as usize,
        final_passed: row.try_get_by_index::<i64>(7)? > 0,
    }))
}

pub async fn insert_project<C: ConnectionTrait>(
    c: &C,
    p: &ProjectInput,
    status: &str,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO projects (unit_id, year, title, category_id, amount_fen, starts_on, ends_on, status, description, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                p.unit_id.into(),
                p.year.into(),
                p.title.clone().into(),
                p.category_id.into(),
                p.amount_fen.into(),
                p.starts_on.into(),
                p.ends_on.into(),
                status.into(),
                p.description.clone().into(),
                by.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// Edits the plan of a project (before signing only); false when stale.
pub async fn update_project<C: ConnectionTrait>(c: &C, id: i64, p: &ProjectInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE projects SET unit_id = ?, year = ?, title = ?, category_id = ?, amount_fen = ?, starts_on = ?, ends_on = ?, description = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                p.unit_id.into(),
                p.year.into(),
                p.title.clone().into(),
                p.category_id.into(),
                p.amount_fen.into(),
                p.starts_on.into(),
                p.ends_on.into(),
                p.description.clone().into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Moves the status (and bumps the version); false when stale or not in `from`.
pub async fn set_status<C: ConnectionTrait>(c: &C, id: i64, from: &str, to: &str, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE projects SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ? AND version = ?",
            vec![to.into(), Utc::now().into(), id.into(), from.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Signs: agency, contract number and amount set, status 采购 → 签约.
pub async fn sign<C: ConnectionTrait>(c: &C, id: i64, s: &SignInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE projects SET agency_id = ?, contract_no = ?, amount_fen = ?, status = 'contracted', version = version + 1, updated_at = ? \
             WHERE id = ? AND status = 'procurement' AND version = ?",
            vec![
                s.agency_id.into(),
                s.contract_no.clone().into(),
                s.amount_fen.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn set_hold<C: ConnectionTrait>(c: &C, id: i64, on_hold: bool) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE projects SET on_hold = ?, version = version + 1, updated_at = ? WHERE id = ?",
        vec![on_hold.into(), Utc::now().into(), id.into()],
    ))
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct TransitionRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    pub actor_name: String,
    pub happened_on: NaiveDate,
    pub created_at: chrono::DateTime<Utc>,
}

impl TransitionRow {
    pub fn to_key(&self) -> String {
        format!("services.status.{}", self.to_status)
    }
    pub fn when(&self) -> String {
        crate::platform::time::local_minutes(&self.created_at)
    }
}

pub async fn transitions<C: ConnectionTrait>(c: &C, project: i64) -> Result<Vec<TransitionRow>, DbErr> {
    TransitionRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT from_status, to_status, note, actor_name, happened_on, created_at FROM project_transitions WHERE project_id = ? ORDER BY id",
        vec![project.into()],
    ))
    .all(c)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_transition<C: ConnectionTrait>(
    c: &C,
    project: i64,
    from: Option<&str>,
    to: &str,
    note: &str,
    actor_id: Option<i64>,
    actor_name: &str,
    on: NaiveDate,
) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "INSERT INTO project_transitions (project_id, from_status, to_status, note, actor_id, actor_name, happened_on, created_at) VALUES (?,?,?,?,?,?,?,?)",
        vec![
            project.into(),
            from.map(str::to_string).into(),
            to.into(),
            note.into(),
            actor_id.into(),
            actor_name.into(),
            on.into(),
            Utc::now().into(),
        ],
    ))
    .await
    .map(|_| ())
}

// ---------------------------------------------------------------- team

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct MemberRow {
    pub id: i64,
    pub project_id: i64,
    pub worker_id: Option<i64>,
    pub name: String,
    pub role: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    /// Other projects (not closed) this person is on at the same time.
    pub other_projects: i64,
}

impl MemberRow {
    pub fn role_key(&self) -> String {
        format!("services.role.{}", self.role)
    }
}

pub async fn members<C: ConnectionTrait>(c: &C, project: i64) -> Result<Vec<MemberRow>, DbErr> {
    MemberRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT m.id, m.project_id, m.worker_id, m.name, m.role, m.from_on, m.to_on, \
         (SELECT COUNT(DISTINCT m2.project_id) FROM project_members m2 JOIN projects p2 ON p2.id = m2.project_id \
           WHERE m2.worker_id = m.worker_id AND m2.project_id <> m.project_id AND m2.to_on IS NULL AND p2.status <> 'closed') AS other_projects \
         FROM project_members m WHERE m.project_id = ? ORDER BY CASE m.role WHEN 'supervisor' THEN 1 WHEN 'manager' THEN 2 WHEN 'fulltime' THEN 3 ELSE 4 END, m.id",
        vec![project.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_member<C: ConnectionTrait>(c: &C, project: i64, m: &MemberInput) -> Result<i64, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO project_members (project_id, worker_id, name, role, from_on, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
            vec![project.into(), m.worker_id.into(), m.name.clone().into(), m.role.clone().into(), m.from_on.into(), Utc::now().into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

pub async fn is_active_member<C: ConnectionTrait>(c: &C, project: i64, worker: i64) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM project_members WHERE project_id = ? AND worker_id = ? AND to_on IS NULL",
        vec![project.into(), worker.into()],
    )
    .await?
        > 0)
}

/// Ends a member's time on a project; false if there is no such active member.
pub async fn end_member<C: ConnectionTrait>(c: &C, project: i64, member: i64, on: NaiveDate) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE project_members SET to_on = ? WHERE id = ? AND project_id = ? AND to_on IS NULL AND from_on <= ?",
            vec![on.into(), member.into(), project.into(), on.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// A social worker the team picker offers: name and masked nothing (no ID numbers here).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct WorkerOption {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub employer: Option<String>,
}

/// Social workers in scope, those employed by `agency` first.
pub async fn worker_options<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    agency: Option<i64>,
) -> Result<Vec<WorkerOption>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    vals.push(agency.unwrap_or(-1).into());
    WorkerOption::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT w.id, w.name, u.name AS unit_name, o.name AS employer FROM social_workers w JOIN org_units u ON u.id = w.unit_id \
             LEFT JOIN organisations o ON o.id = w.employer_org_id WHERE {sf} \
             ORDER BY CASE WHEN w.employer_org_id = ? THEN 0 ELSE 1 END, w.name, w.id LIMIT 500"
        ),
        vals,
    ))
    .all(c)
    .await
}

pub async fn worker_name<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<String>, DbErr> {
    Ok(crate::talent::worker(c, scope, id).await?.map(|w| w.name))
}

/// One person on the teams (`m` is project_members): the register entry, or the name of someone
/// who is not in the register. The workload list and the staff figures count the same people.
pub const PERSON: &str = "COALESCE(CAST(m.worker_id AS TEXT), 'n:' || m.name)";

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct WorkloadRow {
    pub worker_id: Option<i64>,
    pub name: String,
    pub projects: i64,
    pub active_projects: i64,
}

/// One line per person across the projects in scope of a year: how many projects, how many still running.
pub async fn workload<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: Option<i32>,
    p: &PageParams,
) -> Result<Page<WorkloadRow>, DbErr> {
    let (sf, mut vals) = project_filter(scope);
    let mut w = sf;
    if let Some(y) = year {
        w.push_str(" AND p.year = ?");
        vals.push(y.into());
    }
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("m.name", q)]);
        w.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    let order = p.order_by(&[("name", "name"), ("projects", "projects"), ("active", "active_projects")], "name");
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(DISTINCT {PERSON}) FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {w}"),
        &format!(
            "SELECT m.worker_id, MIN(m.name) AS name, COUNT(DISTINCT m.project_id) AS projects, \
             COUNT(DISTINCT CASE WHEN p.status <> 'closed' AND m.to_on IS NULL THEN m.project_id END) AS active_projects \
             FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {w} GROUP BY m.worker_id, {PERSON}"
        ),
        &order,
        vals,
        p,
    )
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AssignmentRow {
    pub project_id: i64,
    pub title: String,
    pub year: i32,
    pub status: String,
    pub role: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
}

impl AssignmentRow {
    pub fn role_key(&self) -> String {
        format!("services.role.{}", self.role)
    }
    pub fn status_key(&self) -> String {
        format!("services.status.{}", self.status)
    }
}

/// One social worker's assignments across the projects in scope.
pub async fn assignments<C: ConnectionTrait>(c: &C, scope: &Scope, worker: i64) -> Result<Vec<AssignmentRow>, DbErr> {
    let (sf, mut vals) = project_filter(scope);
    vals.insert(0, worker.into());
    AssignmentRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT p.id AS project_id, p.title, p.year, p.status, m.role, m.from_on, m.to_on FROM project_members m \
             JOIN projects p ON p.id = m.project_id WHERE m.worker_id = ? AND {sf} ORDER BY p.year DESC, m.from_on DESC"
        ),
        vals,
    ))
    .all(c)
    .await
}

// ---------------------------------------------------------------- milestones

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct MilestoneRow {
    pub id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub note: String,
}

impl MilestoneRow {
    pub fn late(&self) -> bool {
        self.done_on.is_some_and(|d| d > self.due_on)
    }
}

pub async fn milestones<C: ConnectionTrait>(c: &C, project: i64) -> Result<Vec<MilestoneRow>, DbErr> {
    MilestoneRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, title, due_on, done_on, note FROM project_milestones WHERE project_id = ? ORDER BY due_on, id",
        vec![project.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_milestone<C: ConnectionTrait>(c: &C, project: i64, m: &MilestoneInput) -> Result<i64, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO project_milestones (project_id, title, due_on, created_at) VALUES (?,?,?,?) RETURNING id",
            vec![project.into(), m.title.clone().into(), m.due_on.into(), Utc::now().into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

pub async fn complete_milestone<C: ConnectionTrait>(
    c: &C,
    project: i64,
    id: i64,
    on: NaiveDate,
    note: &str,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE project_milestones SET done_on = ?, note = ? WHERE id = ? AND project_id = ? AND done_on IS NULL",
            vec![on.into(), note.into(), id.into(), project.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

// ---------------------------------------------------------------- payments

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PaymentRow {
    pub id: i64,
    pub project_id: i64,
    pub kind: String,
    pub paid_on: NaiveDate,
    pub amount_fen: i64,
    pub voucher_ref: String,
    pub note: String,
}

impl PaymentRow {
    pub fn amount(&self) -> String {
        Money(self.amount_fen).yuan_text()
    }
    pub fn kind_key(&self) -> String {
        format!("services.payment.{}", self.kind)
    }
}

pub async fn payments<C: ConnectionTrait>(c: &C, project: i64) -> Result<Vec<PaymentRow>, DbErr> {
    PaymentRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, project_id, kind, paid_on, amount_fen, voucher_ref, note FROM project_payments WHERE project_id = ? ORDER BY paid_on, id",
        vec![project.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_payment<C: ConnectionTrait>(
    c: &C,
    project: i64,
    p: &PaymentInput,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO project_payments (project_id, kind, paid_on, amount_fen, voucher_ref, note, created_by, created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                project.into(),
                p.kind.clone().into(),
                p.paid_on.into(),
                p.amount_fen.into(),
                p.voucher_ref.clone().into(),
                p.note.clone().into(),
                by.into(),
                Utc::now().into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// Projects whose payments exceed the contract (for `shegong check`): should never happen.
pub async fn check_payments<C: ConnectionTrait>(c: &C) -> Result<Vec<crate::platform::i18n::Msg>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            "SELECT p.id, p.amount_fen, SUM_INT(pp.amount_fen) FROM projects p JOIN project_payments pp ON pp.project_id = p.id \
             GROUP BY p.id, p.amount_fen HAVING SUM_INT(pp.amount_fen) > p.amount_fen",
            vec![],
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get_by_index(0)?;
        let amount: i64 = r.try_get_by_index(1)?;
        let paid: i64 = r.try_get_by_index(2)?;
        out.push(
            crate::platform::i18n::Msg::new("check.overpaid")
                .arg("id", id.to_string())
                .arg("paid", Money(paid).yuan_text())
                .arg("amount", Money(amount).yuan_text()),
        );
    }
    Ok(out)
}

// ---------------------------------------------------------------- evaluations

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EvaluationRow {
    pub id: i64,
    pub kind: String,
    pub evaluated_on: NaiveDate,
    pub evaluator: String,
    pub score: i32,
    pub max_score: i32,
    pub passed: bool,
    pub comments: String,
}

impl EvaluationRow {
    pub fn kind_key(&self) -> String {
        format!("services.evaluation.{}", self.kind)
    }
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ScoreRow {
    pub evaluation_id: i64,
    pub criterion: String,
    pub score: i32,
    pub max_score: i32,
}

impl ScoreRow {
    pub fn criterion_key(&self) -> String {
        format!("services.criterion.{}", self.criterion)
    }
}

pub async fn evaluations<C: ConnectionTrait>(
    c: &C,
    project: i64,
) -> Result<Vec<(EvaluationRow, Vec<ScoreRow>)>, DbErr> {
    let b = c.get_database_backend();
    let evals = EvaluationRow::find_by_statement(sql(
        b,
        "SELECT id, kind, evaluated_on, evaluator, score, max_score, passed, comments FROM project_evaluations WHERE project_id = ? ORDER BY evaluated_on, id",
        vec![project.into()],
    ))
    .all(c)
    .await?;
    let scores = ScoreRow::find_by_statement(sql(
        b,
        "SELECT s.evaluation_id, s.criterion, s.score, s.max_score FROM evaluation_scores s JOIN project_evaluations e ON e.id = s.evaluation_id WHERE e.project_id = ?",
        vec![project.into()],
    ))
    .all(c)
    .await?;
    let order = |k: &str| crate::services::model::CRITERIA.iter().position(|c| c.0 == k).unwrap_or(99);
    Ok(evals
        .into_iter()
        .map(|e| {
            let mut s: Vec<ScoreRow> = scores.iter().filter(|s| s.evaluation_id == e.id).cloned().collect();
            s.sort_by_key(|x| order(&x.criterion));
            (e, s)
        })
        .collect())
}

pub async fn insert_evaluation<C: ConnectionTrait>(
    c: &C,
    project: i64,
    e: &EvaluationInput,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let b = c.get_database_backend();
    let row = c
        .query_one(sql(
            b,
            "INSERT INTO project_evaluations (project_id, kind, evaluated_on, evaluator, score, max_score, passed, comments, created_by, created_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                project.into(),
                e.kind.clone().into(),
                e.evaluated_on.into(),
                e.evaluator.clone().into(),
                e.score.into(),
                e.max_score.into(),
                e.passed.into(),
                e.comments.clone().into(),
                by.into(),
                Utc::now().into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    let id: i64 = row.try_get_by_index(0)?;
    for (criterion, score, max) in &e.scores {
        c.execute(sql(
            b,
            "INSERT INTO evaluation_scores (evaluation_id, criterion, score, max_score) VALUES (?,?,?,?)",
            vec![id.into(), criterion.clone().into(), (*score).into(), (*max).into()],
        ))
        .await?;
    }
    Ok(id)
}

/// The project an evaluation belongs to.
pub async fn evaluation_project<C: ConnectionTrait>(c: &C, evaluation: i64) -> Result<Option<i64>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT project_id FROM project_evaluations WHERE id = ?",
            vec![evaluation.into()],
        ))
        .await?;
    row.map(|r| r.try_get_by_index::<i64>(0)).transpose()
}

// ---------------------------------------------------------------- corrective plans

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PlanRow {
    pub id: i64,
    pub evaluation_id: i64,
    pub plan: String,
    pub submitted_by: Option<i64>,
    pub submitter: Option<String>,
    pub submitted_at: chrono::DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub approver: Option<String>,
    pub approved_at: Option<chrono::DateTime<Utc>>,
}

impl PlanRow {
    pub fn submitted(&self) -> String {
        crate::platform::time::local_minutes(&self.submitted_at)
    }
    pub fn approved(&self) -> String {
        self.approved_at.as_ref().map(crate::platform::time::local_minutes).unwrap_or_default()
    }
}

pub async fn plans<C: ConnectionTrait>(c: &C, project: i64) -> Result<Vec<PlanRow>, DbErr> {
    PlanRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT cp.id, cp.evaluation_id, cp.plan, cp.submitted_by, su.display_name AS submitter, cp.submitted_at, cp.approved_by, \
         au.display_name AS approver, cp.approved_at FROM corrective_plans cp LEFT JOIN users su ON su.id = cp.submitted_by \
         LEFT JOIN users au ON au.id = cp.approved_by WHERE cp.project_id = ? ORDER BY cp.id",
        vec![project.into()],
    ))
    .all(c)
    .await
}

/// The latest failing mid-term evaluation of a project, which a corrective plan answers.
pub async fn failing_midterm<C: ConnectionTrait>(c: &C, project: i64) -> Result<Option<i64>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT MAX(id) FROM project_evaluations WHERE project_id = ? AND kind = 'midterm' AND passed = ?",
            vec![project.into(), false.into()],
        ))
        .await?;
    Ok(row.and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten()))
}

pub async fn insert_plan<C: ConnectionTrait>(
    c: &C,
    project: i64,
    evaluation: i64,
    plan: &str,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO corrective_plans (project_id, evaluation_id, plan, submitted_by, submitted_at) VALUES (?,?,?,?,?) RETURNING id",
            vec![project.into(), evaluation.into(), plan.into(), by.into(), Utc::now().into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// Approves a pending plan; false if it is not pending.
pub async fn approve_plan<C: ConnectionTrait>(c: &C, project: i64, plan: i64, by: i64) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE corrective_plans SET approved_by = ?, approved_at = ? WHERE id = ? AND project_id = ? AND approved_at IS NULL",
            vec![by.into(), Utc::now().into(), plan.into(), project.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

// ---------------------------------------------------------------- agencies

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AgencyOption {
    pub id: i64,
    pub name: String,
    pub projects: i64,
    pub average_final: Option<f64>,
}

impl AgencyOption {
    pub fn record(&self) -> String {
        match self.average_final {
            Some(a) => format!("{} · {a:.1}", self.projects),
            None => self.projects.to_string(),
        }
    }
}

/// Agencies that may be contracted: service institutions (社会服务机构) in normal standing, anywhere
/// in the city (a city-level agency may serve a town), with their track record.
pub async fn agency_options<C: ConnectionTrait>(c: &C) -> Result<Vec<AgencyOption>, DbErr> {
    AgencyOption::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT o.id, o.name, COALESCE(pc.n, 0) AS projects, fe.average AS average_final FROM organisations o \
         LEFT JOIN (SELECT agency_id, COUNT(*) AS n FROM projects WHERE agency_id IS NOT NULL GROUP BY agency_id) pc ON pc.agency_id = o.id \
         LEFT JOIN (SELECT p.agency_id, CAST(AVG(e.score) AS DOUBLE PRECISION) AS average FROM project_evaluations e \
           JOIN projects p ON p.id = e.project_id WHERE e.kind = 'final' GROUP BY p.agency_id) fe ON fe.agency_id = o.id \
         WHERE o.org_type = 'service_institution' AND o.status = 'normal' \
         ORDER BY CASE WHEN o.is_agency THEN 0 ELSE 1 END, o.name",
        vec![],
    ))
    .all(c)
    .await
}

/// Whether an organisation may be contracted (type and standing).
pub async fn agency_eligible<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM organisations WHERE id = ? AND org_type = 'service_institution' AND status = 'normal'",
        vec![id.into()],
    )
    .await?
        > 0)
}

pub async fn agency_by_code<C: ConnectionTrait>(c: &C, credit_code: &str) -> Result<Option<(i64, bool)>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT id, CASE WHEN org_type = 'service_institution' AND status = 'normal' THEN 1 ELSE 0 END FROM organisations WHERE credit_code = ?",
            vec![credit_code.into()],
        ))
        .await?;
    match row {
        Some(r) => Ok(Some((r.try_get_by_index(0)?, r.try_get_by_index::<i32>(1)? == 1))),
        None => Ok(None),
    }
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct TrackRow {
    pub project_id: i64,
    pub year: i32,
    pub title: String,
    pub unit_name: String,
    pub amount_fen: i64,
    pub status: String,
    pub ends_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub midterm_score: Option<i32>,
    pub final_score: Option<i32>,
    /// Whether the project lies inside the caller's scope: only such rows are listed; the
    /// others count in the aggregates alone (no foreign titles, buyers or amounts).
    pub visible: bool,
}

impl TrackRow {
    pub fn amount(&self) -> String {
        Money(self.amount_fen).yuan_text()
    }
    pub fn status_key(&self) -> String {
        format!("services.status.{}", self.status)
    }
    /// Closed no later than the contract's end date.
    pub fn on_time(&self) -> Option<bool> {
        self.closed_on.map(|c| c <= self.ends_on)
    }
}

/// An agency's projects across years (every station's projects: the track record is public to buyers).
/// Every project of an agency, each marked whether it lies inside the scope.
pub async fn track_record<C: ConnectionTrait>(c: &C, scope: &Scope, agency: i64) -> Result<Vec<TrackRow>, DbErr> {
    let (pf, mut vals) = project_filter(scope);
    vals.push(agency.into());
    TrackRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT p.id AS project_id, p.year, p.title, u.name AS unit_name, p.amount_fen, p.status, p.ends_on, \
         CASE WHEN {pf} THEN 1 ELSE 0 END = 1 AS visible, \
         (SELECT MAX(t.happened_on) FROM project_transitions t WHERE t.project_id = p.id AND t.to_status = 'closed') AS closed_on, \
         (SELECT e.score FROM project_evaluations e WHERE e.project_id = p.id AND e.kind = 'midterm' ORDER BY e.id DESC LIMIT 1) AS midterm_score, \
         (SELECT e.score FROM project_evaluations e WHERE e.project_id = p.id AND e.kind = 'final' ORDER BY e.id DESC LIMIT 1) AS final_score \
         FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE p.agency_id = ? ORDER BY p.year DESC, p.id DESC"),
        vals,
    ))
    .all(c)
    .await
}

pub async fn organisation_name<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<String>, DbErr> {
    let row = c
        .query_one(sql(c.get_database_backend(), "SELECT name FROM organisations WHERE id = ?", vec![id.into()]))
        .await?;
    row.map(|r| r.try_get_by_index::<String>(0)).transpose()
}

/// Units that may buy: the city and the district/town units (stations), inside the scope.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct BuyerOption {
    pub id: i64,
    pub name: String,
    pub depth: i32,
}

pub async fn buyer_units<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<BuyerOption>, DbErr> {
    let (sf, vals) = scope.path_filter("u.path");
    BuyerOption::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT u.id, u.name, u.depth FROM org_units u WHERE u.depth <= 1 AND u.active = ? AND {sf} ORDER BY u.path"),
        std::iter::once(Value::from(true)).chain(vals).collect(),
    ))
    .all(c)
    .await
}
