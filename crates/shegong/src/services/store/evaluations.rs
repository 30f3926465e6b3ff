//! Evaluations of a project, scored by criterion.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{insert_id, sql};
use crate::services::model::EvaluationInput;

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
    let id = insert_id(c, "INSERT INTO project_evaluations (project_id, kind, evaluated_on, evaluator, score, max_score, passed, comments, created_by, created_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?)", vec![
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
            ]).await?;
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
