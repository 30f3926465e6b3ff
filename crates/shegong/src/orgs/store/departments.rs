//! Competent departments (业务主管单位): the managed list the registry refers to.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{count, insert_id, sql};

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub lead: bool,
    pub on_committee: bool,
}

pub async fn departments<C: ConnectionTrait>(c: &C) -> Result<Vec<Department>, DbErr> {
    Department::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, code, name, name_en, lead, on_committee FROM departments WHERE active = ? ORDER BY sort_order, id",
        vec![true.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_department<C: ConnectionTrait>(
    c: &C,
    code: &str,
    name: &str,
    name_en: &str,
    lead: bool,
    order: i32,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO departments (code, name, name_en, lead, on_committee, sort_order, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
        vec![code.into(), name.into(), name_en.into(), lead.into(), true.into(), order.into(), now.into(), now.into()],
    )
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub lead: bool,
    pub on_committee: bool,
    pub active: bool,
    pub version: i32,
    pub organisations: i64,
}

/// Every department, active or not, with the number of organisations it supervises.
pub async fn all_departments<C: ConnectionTrait>(c: &C) -> Result<Vec<DepartmentRow>, DbErr> {
    DepartmentRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT d.id, d.code, d.name, d.name_en, d.lead, d.on_committee, d.active, d.version, \
         (SELECT COUNT(*) FROM organisations o WHERE o.department_id = d.id) AS organisations FROM departments d ORDER BY d.sort_order, d.id",
        vec![],
    ))
    .all(c)
    .await
}

/// Updates a department's names and flags if the version matches; false when stale.
#[allow(clippy::too_many_arguments)]
pub async fn update_department<C: ConnectionTrait>(
    c: &C,
    id: i64,
    name: &str,
    name_en: &str,
    lead: bool,
    on_committee: bool,
    active: bool,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE departments SET name = ?, name_en = ?, lead = ?, on_committee = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![name.into(), name_en.into(), lead.into(), on_committee.into(), active.into(), Utc::now().into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn department_code_taken<C: ConnectionTrait>(c: &C, code: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM departments WHERE code = ?", vec![code.into()]).await? > 0)
}
