//! Annual reports (年度报告) and their review; the organisations that have not reported.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::orgs::store::registry::{OrgRow, ORG_SELECT};
use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ReportRow {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub credit_code: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub year: i32,
    pub submitted_on: NaiveDate,
    pub party_status: String,
    pub party_members: i32,
    pub party_activities: i32,
    pub summary: String,
    pub result: Option<String>,
    pub reasons: String,
    pub reviewed_on: Option<NaiveDate>,
    pub version: i32,
}

impl ReportRow {
    pub fn result_key(&self) -> String {
        format!("reports.result.{}", self.result.as_deref().unwrap_or("pending"))
    }
    pub fn party_key(&self) -> String {
        format!("reports.party.{}", self.party_status)
    }
}

const REPORT_SELECT: &str = "SELECT r.id, r.organisation_id, o.name AS organisation_name, o.credit_code, u.name AS unit_name, u.name_en AS unit_name_en, r.year, r.submitted_on, \
    r.party_status, r.party_members, r.party_activities, r.summary, r.result, r.reasons, r.reviewed_on, r.version \
    FROM annual_reports r JOIN organisations o ON o.id = r.organisation_id JOIN org_units u ON u.id = o.unit_id";

pub async fn reports_of<C: ConnectionTrait>(c: &C, org: i64) -> Result<Vec<ReportRow>, DbErr> {
    ReportRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{REPORT_SELECT} WHERE r.organisation_id = ? ORDER BY r.year DESC"),
        vec![org.into()],
    ))
    .all(c)
    .await
}

pub async fn report_exists<C: ConnectionTrait>(c: &C, org: i64, year: i32) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM annual_reports WHERE organisation_id = ? AND year = ?",
        vec![org.into(), year.into()],
    )
    .await?
        > 0)
}

pub async fn insert_report<C: ConnectionTrait>(
    c: &C,
    org: i64,
    r: &crate::orgs::model::ReportInput,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO annual_reports (organisation_id, year, submitted_on, party_status, party_members, party_activities, summary, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?)",
        vec![
            org.into(),
            r.year.into(),
            r.submitted_on.into(),
            r.party_status.clone().into(),
            r.party_members.into(),
            r.party_activities.into(),
            r.summary.clone().into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// Records the Bureau's review; false when stale.
pub async fn review_report<C: ConnectionTrait>(
    c: &C,
    id: i64,
    result: &str,
    reasons: &str,
    by: i64,
    on: NaiveDate,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE annual_reports SET result = ?, reasons = ?, reviewed_by = ?, reviewed_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![result.into(), reasons.into(), by.into(), on.into(), Utc::now().into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Counts of a year's annual reports in scope: due, submitted, reviewed by result.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportCounts {
    pub due: i64,
    pub submitted: i64,
    pub pass: i64,
    pub basic_pass: i64,
    pub fail: i64,
    pub pending: i64,
}

fn due_clause(sf: &str) -> String {
    format!("{sf} AND o.registered_on <= ? AND (o.status = 'normal' OR o.status_on > ?)")
}

pub async fn report_counts<C: ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> Result<ReportCounts, DbErr> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let (sf, vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    let due_vals = || {
        let mut v = vals.clone();
        v.push(end.into());
        v.push(end.into());
        v
    };
    let due = count(c, &format!("SELECT COUNT(*) FROM organisations o WHERE {}", due_clause(&sf)), due_vals()).await?;
    let by = |cond: &str| {
        format!("SELECT COUNT(*) FROM annual_reports r JOIN organisations o ON o.id = r.organisation_id WHERE r.year = ? AND {sf}{cond}")
    };
    let with_year = |extra: Option<&str>| {
        let mut v: Vec<Value> = vec![year.into()];
        v.extend(vals.clone());
        if let Some(e) = extra {
            v.push(e.to_string().into());
        }
        v
    };
    Ok(ReportCounts {
        due,
        submitted: count(c, &by(""), with_year(None)).await?,
        pass: count(c, &by(" AND r.result = ?"), with_year(Some("pass"))).await?,
        basic_pass: count(c, &by(" AND r.result = ?"), with_year(Some("basic_pass"))).await?,
        fail: count(c, &by(" AND r.result = ?"), with_year(Some("fail"))).await?,
        pending: count(c, &by(" AND r.result IS NULL"), with_year(None)).await?,
    })
}

/// A year's reports in scope, filtered by result (`pass`, `basic_pass`, `fail`, `pending`, or all).
pub async fn reports<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
    result: &str,
    p: &PageParams,
) -> Result<Page<ReportRow>, DbErr> {
    let (sf, vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    let mut wh = format!(" WHERE r.year = ? AND {sf}");
    let mut v: Vec<Value> = vec![year.into()];
    v.extend(vals);
    let by_unit = crate::units::official_order(c, scope, "o.unit_id").await?;
    match result {
        "pending" => wh.push_str(" AND r.result IS NULL"),
        "pass" | "basic_pass" | "fail" => {
            wh.push_str(" AND r.result = ?");
            v.push(result.to_string().into());
        }
        _ => {}
    }
    fetch(
        c,
        &format!("SELECT COUNT(*) FROM annual_reports r JOIN organisations o ON o.id = r.organisation_id{wh}"),
        &format!("{REPORT_SELECT}{wh}"),
        &format!(" ORDER BY {by_unit}, o.name, o.id"),
        v,
        p,
    )
    .await
}

/// Organisations due to report for a year that have not: normal (or deregistered after the year)
/// and registered by its end.
pub async fn missing_reports<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
    p: &PageParams,
) -> Result<Page<OrgRow>, DbErr> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let (sf, mut vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    vals.push(end.into());
    vals.push(end.into());
    vals.push(year.into());
    let wh = format!(
        " WHERE {} AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.organisation_id = o.id AND r.year = ?)",
        due_clause(&sf)
    );
    let by_unit = crate::units::official_order(c, scope, "o.unit_id").await?;
    fetch(
        c,
        &format!("SELECT COUNT(*) FROM organisations o JOIN org_units u ON u.id = o.unit_id{wh}"),
        &format!("{ORG_SELECT}{wh}"),
        &format!(" ORDER BY {by_unit}, o.name, o.id"),
        vals,
        p,
    )
    .await
}

/// The years with annual reports of organisations in the scope, newest first.
pub async fn report_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        y: i32,
    }
    let (sf, vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    Ok(Y::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT DISTINCT r.year AS y FROM annual_reports r JOIN organisations o ON o.id = r.organisation_id WHERE {sf} ORDER BY r.year DESC"
        ),
        vals,
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| r.y)
    .collect())
}
