//! Corrective plans that answer a failing mid-term evaluation.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{insert_id, sql};

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
    insert_id(
        c,
        "INSERT INTO corrective_plans (project_id, evaluation_id, plan, submitted_by, submitted_at) VALUES (?,?,?,?,?)",
        vec![project.into(), evaluation.into(), plan.into(), by.into(), Utc::now().into()],
    )
    .await
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
