//! Selections and awards (评选表彰): programmes, nominations, reviewers' scores, the decision, and
//! the published winners counted in the figures.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ProgrammeRow {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub level: String,
    pub edition: i32,
    pub year: i32,
    pub quota: i32,
    pub status: String,
    pub version: i32,
    pub nominations: i64,
    pub selected: i64,
}

impl ProgrammeRow {
    pub fn level_key(&self) -> String {
        format!("honours.level.{}", self.level)
    }
    pub fn status_key(&self) -> String {
        format!("selections.status.{}", self.status)
    }
}

const PROGRAMME_SELECT: &str = "SELECT p.id, p.unit_id, p.title, p.level, p.edition, p.year, p.quota, p.status, p.version, \
    (SELECT COUNT(*) FROM nominations n WHERE n.programme_id = p.id) AS nominations, \
    (SELECT COUNT(*) FROM nominations n WHERE n.programme_id = p.id AND n.status = 'selected') AS selected FROM programmes p";

pub async fn programmes<C: ConnectionTrait>(c: &C) -> Result<Vec<ProgrammeRow>, DbErr> {
    ProgrammeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PROGRAMME_SELECT} ORDER BY p.year DESC, p.id DESC"),
        vec![],
    ))
    .all(c)
    .await
}

pub async fn programme<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<ProgrammeRow>, DbErr> {
    ProgrammeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PROGRAMME_SELECT} WHERE p.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_programme<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    title: &str,
    level: &str,
    edition: i32,
    year: i32,
    quota: i32,
    status: &str,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(c, "INSERT INTO programmes (unit_id, title, level, edition, year, quota, status, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", vec![unit_id.into(), title.into(), level.into(), edition.into(), year.into(), quota.into(), status.into(), by.into(), now.into(), now.into()]).await
}

/// Moves a programme from one status to the next; false when stale or not in `from`.
pub async fn advance<C: ConnectionTrait>(c: &C, id: i64, from: &str, to: &str, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE programmes SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ? AND version = ?",
            vec![to.into(), Utc::now().into(), id.into(), from.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct NominationRow {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub worker_unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub nominating_unit_id: i64,
    pub reason: String,
    pub status: String,
    pub scores: i64,
    pub average: Option<f64>,
}

impl NominationRow {
    pub fn average_text(&self) -> String {
        self.average.map(|a| format!("{a:.1}")).unwrap_or_default()
    }
}

/// Nominations of a programme whose workers lie in the scope (reviewers of the whole programme
/// have the all-data scope).
pub async fn nominations<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    programme: i64,
) -> Result<Vec<NominationRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    vals.insert(0, programme.into());
    NominationRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT n.id, n.worker_id, w.name AS worker_name, w.unit_id AS worker_unit_id, u.name AS unit_name, u.name_en AS unit_name_en, n.nominating_unit_id, n.reason, n.status, \
             (SELECT COUNT(*) FROM nomination_scores s WHERE s.nomination_id = n.id) AS scores, \
             (SELECT CAST(AVG(s.score) AS DOUBLE PRECISION) FROM nomination_scores s WHERE s.nomination_id = n.id) AS average \
             FROM nominations n JOIN social_workers w ON w.id = n.worker_id JOIN org_units u ON u.id = w.unit_id \
             WHERE n.programme_id = ? AND {sf} ORDER BY n.id"
        ),
        vals,
    ))
    .all(c)
    .await
    .map(|mut rows| {
        // Best average first; unscored last (NULL ordering differs between the engines).
        rows.sort_by(|a, b| b.average.unwrap_or(-1.0).total_cmp(&a.average.unwrap_or(-1.0)).then(a.id.cmp(&b.id)));
        rows
    })
}

pub async fn nominate<C: ConnectionTrait>(
    c: &C,
    programme: i64,
    worker: i64,
    unit: i64,
    reason: &str,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    insert_id(c, "INSERT INTO nominations (programme_id, worker_id, nominating_unit_id, reason, status, created_by, created_at) VALUES (?,?,?,?,'nominated',?,?)", vec![programme.into(), worker.into(), unit.into(), reason.into(), by.into(), Utc::now().into()]).await
}

pub async fn already_nominated<C: ConnectionTrait>(c: &C, programme: i64, worker: i64) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM nominations WHERE programme_id = ? AND worker_id = ?",
        vec![programme.into(), worker.into()],
    )
    .await?
        > 0)
}

/// Records or replaces a reviewer's score.
pub async fn score<C: ConnectionTrait>(c: &C, nomination: i64, reviewer: i64, score: i32) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    c.execute(sql(
        b,
        "DELETE FROM nomination_scores WHERE nomination_id = ? AND reviewer_id = ?",
        vec![nomination.into(), reviewer.into()],
    ))
    .await?;
    c.execute(sql(
        b,
        "INSERT INTO nomination_scores (nomination_id, reviewer_id, score, created_at) VALUES (?,?,?,?)",
        vec![nomination.into(), reviewer.into(), score.into(), Utc::now().into()],
    ))
    .await?;
    Ok(())
}

pub async fn set_selected<C: ConnectionTrait>(c: &C, programme: i64, selected: &[i64]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    c.execute(sql(b, "UPDATE nominations SET status = 'not_selected' WHERE programme_id = ?", vec![programme.into()]))
        .await?;
    for id in selected {
        c.execute(sql(
            b,
            "UPDATE nominations SET status = 'selected' WHERE programme_id = ? AND id = ?",
            vec![programme.into(), (*id).into()],
        ))
        .await?;
    }
    Ok(())
}

/// Published winners of a year by programme, counting winners inside the scope (figures).
pub async fn awards_by_level<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
) -> Result<Vec<(String, String, i64)>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    vals.insert(0, year.into());
    #[derive(FromQueryResult)]
    struct R {
        title: String,
        level: String,
        n: i64,
    }
    Ok(R::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT p.title, p.level, COUNT(n.id) AS n FROM programmes p JOIN nominations n ON n.programme_id = p.id JOIN social_workers w ON w.id = n.worker_id \
             WHERE p.year = ? AND p.status = 'published' AND n.status = 'selected' AND {sf} GROUP BY p.id, p.title, p.level ORDER BY p.id"
        ),
        vals,
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| (r.title, r.level, r.n))
    .collect())
}
