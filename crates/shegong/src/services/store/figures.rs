//! The statements behind the figures of purchased services (`services/figures.rs` composes them):
//! every one restricted to the scope, a unit subtree and a year.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::sql;
use crate::platform::money::Money;

use super::{project_filter, PERSON};

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct Breakdown {
    /// Category, agency, station or role.
    pub label: String,
    /// The English name where the records have one (categories, stations' units), else empty
    /// (a page then shows the Chinese name).
    pub label_en: String,
    pub projects: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Money,
    #[schema(value_type = i64)]
    pub paid_fen: Money,
}

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct RoleCount {
    pub role: String,
    pub people: i64,
}

/// The counts and sums of the projects selected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProjectTotals {
    pub projects: i64,
    pub agencies: i64,
    pub amount_fen: Money,
    pub paid_fen: Money,
    /// Distinct people on the teams.
    pub staff: i64,
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The top category of the guideline.
    Category,
    Agency,
    Station,
    Status,
}

/// The WHERE clause shared by every figure: scope, subtree of `unit_path`, year.
fn base(scope: &Scope, unit_path: &str, year: i32) -> (String, Vec<Value>) {
    let (sf, mut vals) = project_filter(scope);
    vals.push(format!("{unit_path}%").into());
    vals.push(year.into());
    (format!("{sf} AND u.path LIKE ? AND p.year = ?"), vals)
}

/// Paid amounts come from one sum per project over all payments: restricting that subquery to the
/// year measured no faster on either database and, before PostgreSQL had statistics, far slower
/// (docs/PERFORMANCE.md).
const FROM: &str =
    "FROM projects p JOIN org_units u ON u.id = p.unit_id JOIN service_categories k ON k.id = p.category_id \
    LEFT JOIN service_categories kp ON kp.id = k.parent_id LEFT JOIN organisations o ON o.id = p.agency_id \
    LEFT JOIN (SELECT project_id, SUM_INT(amount_fen) AS paid FROM project_payments GROUP BY project_id) pay ON pay.project_id = p.id";

/// Sums that cannot fail on any stored amount (`platform::db::SUM_INT`).
const AMOUNT: &str = "SUM_INT(p.amount_fen)";
const PAID: &str = "SUM_INT(pay.paid)";

/// Projects, agencies, contract and paid sums, and the people on the teams.
pub async fn project_totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_path: &str,
    year: i32,
) -> Result<ProjectTotals, DbErr> {
    let b = c.get_database_backend();
    let (w, vals) = base(scope, unit_path, year);
    let totals = c
        .query_one(sql(
            b,
            &format!("SELECT COUNT(*), COUNT(DISTINCT p.agency_id), {AMOUNT}, {PAID} {FROM} WHERE {w}"),
            vals.clone(),
        ))
        .await?;
    let (projects, agencies, amount_fen, paid_fen) = match totals {
        Some(r) => (
            r.try_get_by_index::<i64>(0)?,
            r.try_get_by_index::<i64>(1)?,
            r.try_get_by_index::<i64>(2)?,
            r.try_get_by_index::<i64>(3)?,
        ),
        None => (0, 0, 0, 0),
    };
    let staff = c
        .query_one(sql(
            b,
            &format!("SELECT COUNT(DISTINCT {PERSON}) FROM project_members m JOIN projects p ON p.id = m.project_id JOIN org_units u ON u.id = p.unit_id WHERE {w}"),
            vals,
        ))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    Ok(ProjectTotals { projects, agencies, amount_fen: Money(amount_fen), paid_fen: Money(paid_fen), staff })
}

/// Distinct people on the teams by role (in no particular order).
pub async fn staff_by_role<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_path: &str,
    year: i32,
) -> Result<Vec<RoleCount>, DbErr> {
    let (w, vals) = base(scope, unit_path, year);
    RoleCount::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT m.role, COUNT(DISTINCT {PERSON}) AS people FROM project_members m JOIN projects p ON p.id = m.project_id \
             JOIN org_units u ON u.id = p.unit_id WHERE {w} GROUP BY m.role"
        ),
        vals,
    ))
    .all(c)
    .await
}

/// Projects, contract and paid sums grouped by `by`.
pub async fn breakdown<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_path: &str,
    year: i32,
    by: By,
) -> Result<Vec<Breakdown>, DbErr> {
    // The English label is an aggregate or a constant: the rows are grouped by `label` only.
    let (label, label_en, order) = match by {
        By::Category => (
            "COALESCE(kp.name, k.name)",
            // The English name of the category counted: the parent's where there is one.
            "MIN(CASE WHEN kp.id IS NULL THEN k.name_en ELSE kp.name_en END)",
            "COUNT(*) DESC, COALESCE(kp.name, k.name)",
        ),
        By::Agency => ("COALESCE(o.name, '')", "''", "SUM_INT(p.amount_fen) DESC, COALESCE(o.name, '')"),
        By::Station => ("u.name", "MIN(u.name_en)", "MIN(u.depth), MIN(u.sort_order), MIN(u.path)"),
        By::Status => ("p.status", "''", "p.status"),
    };
    let (w, vals) = base(scope, unit_path, year);
    Breakdown::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT {label} AS label, {label_en} AS label_en, COUNT(*) AS projects, {AMOUNT} AS amount_fen, {PAID} AS paid_fen \
             {FROM} WHERE {w} GROUP BY {label} ORDER BY {order}"
        ),
        vals,
    ))
    .all(c)
    .await
}

/// The latest year with purchases in the scope.
pub async fn latest_year<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Option<i32>, DbErr> {
    let (sf, vals) = project_filter(scope);
    Ok(c.query_one(sql(c.get_database_backend(), &format!("SELECT MAX(p.year) FROM projects p WHERE {sf}"), vals))
        .await?
        .and_then(|r| r.try_get_by_index::<Option<i32>>(0).ok().flatten()))
}

/// The years with purchases in the scope, newest first.
pub async fn years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        year: i32,
    }
    let (sf, vals) = project_filter(scope);
    Ok(Y::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT DISTINCT p.year AS year FROM projects p WHERE {sf} ORDER BY p.year DESC"),
        vals,
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|y| y.year)
    .collect())
}
