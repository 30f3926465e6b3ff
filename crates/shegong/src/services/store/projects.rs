//! Projects: the list, one project, the workflow facts, status moves, signing, transitions.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::money::Money;
use crate::platform::paging::{Page, PageParams};
use crate::services::model::{ProjectFacts, ProjectInput, SignInput};

use super::project_filter;

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct ProjectRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub unit_path: String,
    pub year: i32,
    pub title: String,
    pub category_id: i64,
    pub category_name: String,
    pub agency_id: Option<i64>,
    pub agency_name: Option<String>,
    pub contract_no: Option<String>,
    #[schema(value_type = i64)]
    pub amount_fen: Money,
    #[schema(value_type = i64)]
    pub paid_fen: Money,
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
        self.amount_fen.yuan_text()
    }
    pub fn paid(&self) -> String {
        self.paid_fen.yuan_text()
    }
    pub fn remaining(&self) -> String {
        Money(self.amount_fen.fen().saturating_sub(self.paid_fen.fen())).yuan_text()
    }
    pub fn agency(&self) -> &str {
        self.agency_name.as_deref().unwrap_or("")
    }
    pub fn contract(&self) -> &str {
        self.contract_no.as_deref().unwrap_or("")
    }
    /// Paid share of the contract, in whole percent.
    pub fn paid_percent(&self) -> i64 {
        Money::percent_of(self.paid_fen.fen(), self.amount_fen.fen())
    }
}

const PROJECT_SELECT: &str =
    "SELECT p.id, p.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, u.path AS unit_path, p.year, p.title, p.category_id, \
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

/// What the projects a filter lists add up to (the list's total row, and the figures a
/// drill-down from the indicators checks): contract and paid sums, distinct agencies and
/// distinct people on their teams.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListTotals {
    pub amount_fen: Money,
    pub paid_fen: Money,
    pub agencies: i64,
    pub staff: i64,
}

pub async fn project_list_totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ProjectFilter,
    p: &PageParams,
) -> Result<ListTotals, DbErr> {
    let b = c.get_database_backend();
    let (w, vals) = filter_sql(scope, f, p.search());
    const FROM: &str = "FROM projects p JOIN org_units u ON u.id = p.unit_id JOIN service_categories k ON k.id = p.category_id \
         LEFT JOIN organisations o ON o.id = p.agency_id \
         LEFT JOIN (SELECT project_id, SUM_INT(amount_fen) AS paid FROM project_payments GROUP BY project_id) pay ON pay.project_id = p.id";
    let row = c
        .query_one(sql(
            b,
            &format!("SELECT SUM_INT(p.amount_fen), COUNT(DISTINCT p.agency_id), SUM_INT(pay.paid) {FROM} WHERE {w}"),
            vals.clone(),
        ))
        .await?;
    let (amount, agencies, paid) = match row {
        Some(r) => (r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<i64>(1)?, r.try_get_by_index::<i64>(2)?),
        None => (0, 0, 0),
    };
    let staff = crate::platform::db::count(
        c,
        &format!(
            "SELECT COUNT(DISTINCT {}) FROM project_members m JOIN projects p ON p.id = m.project_id \
             JOIN org_units u ON u.id = p.unit_id JOIN service_categories k ON k.id = p.category_id \
             LEFT JOIN organisations o ON o.id = p.agency_id WHERE {w}",
            super::PERSON
        ),
        vals,
    )
    .await?;
    Ok(ListTotals { amount_fen: Money(amount), paid_fen: Money(paid), agencies, staff })
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
    insert_id(c, "INSERT INTO projects (unit_id, year, title, category_id, amount_fen, starts_on, ends_on, status, description, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", vec![
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
            ]).await
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

/// Units that may buy: the city and the district/town units (stations), inside the scope, in tree order.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct BuyerOption {
    pub id: i64,
    pub name: String,
    /// The English name ('' when none).
    pub name_en: String,
    pub depth: i32,
}

pub async fn buyer_units<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<BuyerOption>, DbErr> {
    let (sf, vals) = scope.path_filter("u.path");
    let rows = crate::units::TreeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT u.id, u.name, u.name_en, u.depth, u.path, u.parent_id, u.sort_order, u.code FROM org_units u WHERE u.depth <= 1 AND u.active = ? AND {sf}"),
        std::iter::once(Value::from(true)).chain(vals).collect(),
    ))
    .all(c)
    .await?;
    Ok(crate::units::in_tree_order(rows)
        .into_iter()
        .map(|r| BuyerOption { id: r.id, name: r.name, name_en: r.name_en, depth: r.depth })
        .collect())
}
