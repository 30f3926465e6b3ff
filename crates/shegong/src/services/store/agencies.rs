//! Agencies: who may be contracted, and their track records.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, sql};
use crate::platform::money::Money;

use cncodes::CreditCode;

use super::project_filter;

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

pub async fn agency_by_code<C: ConnectionTrait>(c: &C, credit_code: &CreditCode) -> Result<Option<(i64, bool)>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT id, CASE WHEN org_type = 'service_institution' AND status = 'normal' THEN 1 ELSE 0 END FROM organisations WHERE credit_code = ?",
            vec![credit_code.as_str().into()],
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
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub amount_fen: Money,
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
        self.amount_fen.yuan_text()
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
        &format!("SELECT p.id AS project_id, p.year, p.title, u.name AS unit_name, u.name_en AS unit_name_en, p.amount_fen, p.status, p.ends_on, \
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
