//! Milestones of a project.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{insert_id, sql};
use crate::services::model::MilestoneInput;

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
    insert_id(
        c,
        "INSERT INTO project_milestones (project_id, title, due_on, created_at) VALUES (?,?,?,?)",
        vec![project.into(), m.title.clone().into(), m.due_on.into(), Utc::now().into()],
    )
    .await
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
