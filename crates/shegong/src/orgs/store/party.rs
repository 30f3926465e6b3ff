//! Party organisations (own and joint), Party-building instructors, and the rows behind the two
//! coverages.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::orgs::model::{InstructorInput, PartyInput};
use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct PartyOrgRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub name: String,
    pub kind: String,
    pub members: i32,
    pub secretary: String,
    pub established_on: NaiveDate,
    pub dissolved_on: Option<NaiveDate>,
    pub in_action_plan: bool,
    pub organisations: i64,
    pub version: i32,
}

impl PartyOrgRow {
    pub fn kind_key(&self) -> String {
        format!("party.kind.{}", self.kind)
    }
}

const PARTY_SELECT: &str = "SELECT p.id, p.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, p.name, p.kind, p.members, p.secretary, p.established_on, p.dissolved_on, \
    p.in_action_plan, (SELECT COUNT(*) FROM party_org_members m WHERE m.party_org_id = p.id) AS organisations, p.version \
    FROM party_orgs p JOIN org_units u ON u.id = p.unit_id";

/// The Party organisations covering an organisation.
pub async fn party_orgs_of<C: ConnectionTrait>(c: &C, org: i64) -> Result<Vec<PartyOrgRow>, DbErr> {
    PartyOrgRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PARTY_SELECT} WHERE p.id IN (SELECT party_org_id FROM party_org_members WHERE organisation_id = ?) ORDER BY p.established_on"),
        vec![org.into()],
    ))
    .all(c)
    .await
}

/// Filters of the list of Party organisations.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PartyOrgFilter {
    #[serde(default)]
    pub kind: String,
    /// A unit id: Party organisations of the unit and its subtree.
    #[serde(default)]
    pub unit: String,
    /// `yes`: those not dissolved that take part in an action plan (the indicator's records).
    #[serde(default)]
    pub in_plan: String,
}

impl PartyOrgFilter {
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("kind", self.kind.as_str()),
            ("unit", self.unit.as_str()),
            ("in_plan", self.in_plan.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// Party organisations in scope, paged.
pub async fn party_orgs<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &PartyOrgFilter,
    p: &PageParams,
) -> Result<Page<PartyOrgRow>, DbErr> {
    let kind = f.kind.as_str();
    let (sf, mut vals) = scope.unit_filter("p.unit_id", None);
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("p.name", q), ("p.secretary", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if !kind.is_empty() {
        wh.push_str(" AND p.kind = ?");
        vals.push(kind.to_string().into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("p.unit_id")));
        vals.push(u.into());
    }
    if f.in_plan == "yes" {
        wh.push_str(" AND p.dissolved_on IS NULL AND p.id IN (SELECT pp.party_org_id FROM plan_party_orgs pp)");
    }
    let order = p.order_by(
        &[("name", "p.name"), ("established", "p.established_on"), ("members", "p.members"), ("unit", "u.path")],
        "p.id",
    );
    fetch(
        c,
        &format!("SELECT COUNT(*) FROM party_orgs p JOIN org_units u ON u.id = p.unit_id{wh}"),
        &format!("{PARTY_SELECT}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

/// One Party organisation, if it lies inside the scope.
pub async fn party_org<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<PartyOrgRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("p.unit_id", None);
    vals.push(id.into());
    PartyOrgRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PARTY_SELECT} WHERE {sf} AND p.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// An organisation a Party organisation covers.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CoveredOrg {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub status: String,
}

impl CoveredOrg {
    pub fn status_key(&self) -> String {
        format!("orgs.status.{}", self.status)
    }
}

/// The organisations a Party organisation covers, by name.
pub async fn covered_orgs<C: ConnectionTrait>(c: &C, party_org: i64) -> Result<Vec<CoveredOrg>, DbErr> {
    CoveredOrg::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT o.id, o.name, o.credit_code, o.status FROM party_org_members m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.party_org_id = ? ORDER BY o.name, o.id",
        vec![party_org.into()],
    ))
    .all(c)
    .await
}

/// Changes a Party organisation at `version`; false when someone changed it first.
pub async fn update_party_org<C: ConnectionTrait>(c: &C, id: i64, p: &PartyInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE party_orgs SET name = ?, kind = ?, members = ?, secretary = ?, established_on = ?, dissolved_on = ?, \
             in_action_plan = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                p.name.clone().into(),
                p.kind.code().into(),
                p.members.into(),
                p.secretary.clone().into(),
                p.established_on.into(),
                p.dissolved_on.into(),
                p.in_action_plan.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_party_org<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    name: &str,
    kind: &str,
    members: i32,
    secretary: &str,
    established_on: NaiveDate,
    in_action_plan: bool,
    organisations: &[i64],
) -> Result<i64, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO party_orgs (unit_id, name, kind, members, secretary, established_on, in_action_plan, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        vec![unit_id.into(), name.into(), kind.into(), members.into(), secretary.into(), established_on.into(), in_action_plan.into(), now.into(), now.into()],
    )
    .await?;
    for o in organisations {
        c.execute(sql(
            b,
            "INSERT INTO party_org_members (party_org_id, organisation_id) VALUES (?, ?)",
            vec![id.into(), (*o).into()],
        ))
        .await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct InstructorRow {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub unit_id: i64,
    pub name: String,
    pub assigned_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub version: i32,
}

const INSTRUCTOR_SELECT: &str = "SELECT i.id, i.organisation_id, o.name AS organisation_name, o.unit_id, i.name, \
    i.assigned_on, i.ended_on, i.version FROM party_instructors i JOIN organisations o ON o.id = i.organisation_id";

pub async fn instructors_of<C: ConnectionTrait>(c: &C, org: i64) -> Result<Vec<InstructorRow>, DbErr> {
    InstructorRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{INSTRUCTOR_SELECT} WHERE i.organisation_id = ? ORDER BY i.assigned_on DESC, i.id"),
        vec![org.into()],
    ))
    .all(c)
    .await
}

/// The reach of an instructor record (`t` is party_instructors): the organisation lies inside
/// the scope.
pub fn instructor_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (of, vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    (format!("t.organisation_id IN (SELECT o.id FROM organisations o WHERE {of})"), vals)
}

/// One instructor, if the organisation lies inside the scope.
pub async fn instructor<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<InstructorRow>, DbErr> {
    let (of, mut vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    vals.push(id.into());
    InstructorRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{INSTRUCTOR_SELECT} WHERE {of} AND i.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// Changes an instructor's assignment at `version`; false when someone changed it first.
pub async fn update_instructor<C: ConnectionTrait>(
    c: &C,
    id: i64,
    i: &InstructorInput,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE party_instructors SET name = ?, assigned_on = ?, ended_on = ?, version = version + 1 WHERE id = ? AND version = ?",
            vec![i.name.clone().into(), i.assigned_on.into(), i.ended_on.into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert_instructor<C: ConnectionTrait>(
    c: &C,
    org: i64,
    name: &str,
    assigned_on: NaiveDate,
) -> Result<i64, DbErr> {
    insert_id(
        c,
        "INSERT INTO party_instructors (organisation_id, name, assigned_on, created_at) VALUES (?,?,?,?)",
        vec![org.into(), name.into(), assigned_on.into(), Utc::now().into()],
    )
    .await
}

/// One organisation's coverage on a date.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CoverageRow {
    pub unit_path: String,
    pub own: i64,
    pub joint: i64,
    pub instructor: i64,
}

/// The coverage flags of every organisation registered and not deregistered on `on`, in scope
/// and below `under` (a unit path). The figures module aggregates them.
pub async fn coverage_rows<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    on: NaiveDate,
) -> Result<Vec<CoverageRow>, DbErr> {
    let (sf, vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    // Aggregated joins rather than correlated subqueries: one pass over each table, which both
    // engines plan well (PostgreSQL ran the correlated form as a sub-plan per organisation).
    let text = format!(
        "SELECT u.path AS unit_path, COALESCE(po.own, 0) AS own, COALESCE(po.joint, 0) AS joint, COALESCE(pi.n, 0) AS instructor \
         FROM organisations o JOIN org_units u ON u.id = o.unit_id \
         LEFT JOIN (SELECT m.organisation_id, \
                       SUM_INT(CASE WHEN p.kind <> 'joint_branch' THEN 1 ELSE 0 END) AS own, \
                       SUM_INT(CASE WHEN p.kind = 'joint_branch' THEN 1 ELSE 0 END) AS joint \
                    FROM party_org_members m JOIN party_orgs p ON p.id = m.party_org_id \
                    WHERE p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?) \
                    GROUP BY m.organisation_id) po ON po.organisation_id = o.id \
         LEFT JOIN (SELECT i.organisation_id, COUNT(*) AS n FROM party_instructors i \
                    WHERE i.assigned_on <= ? AND (i.ended_on IS NULL OR i.ended_on > ?) \
                    GROUP BY i.organisation_id) pi ON pi.organisation_id = o.id \
         WHERE {sf} AND u.path LIKE ? AND o.registered_on <= ? AND (o.status = 'normal' OR o.status_on > ?)"
    );
    let mut all: Vec<Value> = vec![on.into(), on.into(), on.into(), on.into()];
    all.extend(vals);
    all.push(format!("{under}%").into());
    all.push(on.into());
    all.push(on.into());
    CoverageRow::find_by_statement(sql(c.get_database_backend(), &text, all)).all(c).await
}

/// Party organisations in scope taking part in any action plan.
pub async fn action_plan_party_orgs<C: ConnectionTrait>(c: &C, scope: &Scope, under: &str) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("p.unit_id", None);
    vals.push(format!("{under}%").into());
    count(
        c,
        &format!(
            "SELECT COUNT(DISTINCT pp.party_org_id) FROM plan_party_orgs pp JOIN party_orgs p ON p.id = pp.party_org_id \
             JOIN org_units pu ON pu.id = p.unit_id WHERE p.dissolved_on IS NULL AND {sf} AND pu.path LIKE ?"
        ),
        vals,
    )
    .await
}

/// Adds organisations to a Party organisation in one statement.
pub async fn add_members<C: ConnectionTrait>(c: &C, party_org: i64, organisations: &[i64]) -> Result<(), DbErr> {
    if organisations.is_empty() {
        return Ok(());
    }
    let marks = vec!["(?,?)"; organisations.len()].join(",");
    let vals: Vec<Value> = organisations.iter().flat_map(|o| [Value::from(party_org), Value::from(*o)]).collect();
    c.execute(sql(
        c.get_database_backend(),
        &format!("INSERT INTO party_org_members (party_org_id, organisation_id) VALUES {marks}"),
        vals,
    ))
    .await
    .map(|_| ())
}

/// A Party organisation as its export reads: unit by path and name, the covered organisations
/// by credit code.
#[derive(Debug, Clone)]
pub struct PartyExportRow {
    pub name: String,
    pub kind: String,
    pub unit_path: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub members: i32,
    pub secretary: String,
    pub established_on: NaiveDate,
    pub in_action_plan: bool,
    pub credit_codes: Vec<String>,
}

#[derive(FromQueryResult)]
struct PartyExportBase {
    id: i64,
    name: String,
    kind: String,
    unit_path: String,
    unit_name: String,
    /// The unit's English name ('' when none).
    unit_name_en: String,
    members: i32,
    secretary: String,
    established_on: NaiveDate,
    in_action_plan: bool,
}

#[derive(FromQueryResult)]
struct PartyMemberCode {
    party_org_id: i64,
    credit_code: String,
}

/// The Party organisations of a scope that cover organisations (not dissolved; a station's own
/// branch belongs to the station) with the credit codes they cover.
pub async fn party_export_rows<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<PartyExportRow>, DbErr> {
    let (sf, vals) = scope.unit_filter("p.unit_id", None);
    let b = c.get_database_backend();
    let base = PartyExportBase::find_by_statement(sql(
        b,
        &format!(
            "SELECT p.id, p.name, p.kind, u.path AS unit_path, u.name AS unit_name, u.name_en AS unit_name_en, p.members, p.secretary, \
             p.established_on, p.in_action_plan FROM party_orgs p JOIN org_units u ON u.id = p.unit_id \
             WHERE p.dissolved_on IS NULL AND {sf} \
             AND EXISTS (SELECT 1 FROM party_org_members m WHERE m.party_org_id = p.id) ORDER BY p.established_on, p.id"
        ),
        vals.clone(),
    ))
    .all(c)
    .await?;
    let codes = PartyMemberCode::find_by_statement(sql(
        b,
        &format!(
            "SELECT m.party_org_id, o.credit_code FROM party_org_members m \
             JOIN organisations o ON o.id = m.organisation_id JOIN party_orgs p ON p.id = m.party_org_id \
             WHERE {sf} ORDER BY o.credit_code"
        ),
        vals,
    ))
    .all(c)
    .await?;
    let mut by_org: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for m in codes {
        by_org.entry(m.party_org_id).or_default().push(m.credit_code);
    }
    Ok(base
        .into_iter()
        .map(|p| PartyExportRow {
            credit_codes: by_org.remove(&p.id).unwrap_or_default(),
            name: p.name,
            kind: p.kind,
            unit_path: p.unit_path,
            unit_name: p.unit_name,
            unit_name_en: p.unit_name_en,
            members: p.members,
            secretary: p.secretary,
            established_on: p.established_on,
            in_action_plan: p.in_action_plan,
        })
        .collect())
}
