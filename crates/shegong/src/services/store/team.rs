//! Teams: members of a project, the team picker, workload and one person's assignments.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{Page, PageParams};
use crate::services::model::MemberInput;

use super::project_filter;

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
    insert_id(
        c,
        "INSERT INTO project_members (project_id, worker_id, name, role, from_on, created_at) VALUES (?,?,?,?,?,?)",
        vec![
            project.into(),
            m.worker_id.into(),
            m.name.clone().into(),
            m.role.clone().into(),
            m.from_on.into(),
            Utc::now().into(),
        ],
    )
    .await
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
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
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
            "SELECT w.id, w.name, u.name AS unit_name, u.name_en AS unit_name_en, o.name AS employer FROM social_workers w JOIN org_units u ON u.id = w.unit_id \
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
