//! All SQL of action plans and activities.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::party::model::{ActivityInput, PlanInput};
use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub description: String,
    pub party_orgs: i64,
    pub activities: i64,
}

const PLAN_SELECT: &str = "SELECT p.id, p.title, p.year, p.description, \
     (SELECT COUNT(*) FROM plan_party_orgs pp WHERE pp.plan_id = p.id) AS party_orgs, \
     (SELECT COUNT(*) FROM plan_activities a WHERE a.plan_id = p.id) AS activities \
     FROM action_plans p";

/// The plans whose unit lies inside the scope.
pub async fn plans<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<PlanRow>, DbErr> {
    let (sf, vals) = scope.unit_filter("p.unit_id", None);
    PlanRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PLAN_SELECT} WHERE {sf} ORDER BY p.year DESC, p.id DESC"),
        vals,
    ))
    .all(c)
    .await
}

/// One plan, if its unit lies inside the scope.
pub async fn plan<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<PlanRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("p.unit_id", None);
    vals.insert(0, id.into());
    PlanRow::find_by_statement(sql(c.get_database_backend(), &format!("{PLAN_SELECT} WHERE p.id = ? AND {sf}"), vals))
        .one(c)
        .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

pub async fn domains<C: ConnectionTrait>(c: &C, plan: i64) -> Result<Vec<Named>, DbErr> {
    Named::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, name FROM plan_domains WHERE plan_id = ? ORDER BY sort_order, id",
        vec![plan.into()],
    ))
    .all(c)
    .await
}

pub async fn modes<C: ConnectionTrait>(c: &C, plan: i64) -> Result<Vec<Named>, DbErr> {
    Named::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, name FROM plan_modes WHERE plan_id = ? ORDER BY sort_order, id",
        vec![plan.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_plan<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    p: &PlanInput,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO action_plans (unit_id, title, year, description, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
        vec![unit_id.into(), p.title.clone().into(), p.year.into(), p.description.clone().into(), by.into(), now.into(), now.into()],
    )
    .await?;
    for (table, names) in [("plan_domains", &p.domains), ("plan_modes", &p.modes)] {
        for (i, n) in names.iter().enumerate() {
            c.execute(sql(
                b,
                &format!("INSERT INTO {table} (plan_id, name, sort_order) VALUES (?,?,?)"),
                vec![id.into(), n.clone().into(), (i as i32).into()],
            ))
            .await?;
        }
    }
    Ok(id)
}

/// Adds Party organisations to a plan's participants (already present ones are kept once).
pub async fn add_participants<C: ConnectionTrait>(c: &C, plan: i64, party_orgs: &[i64]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    for chunk in party_orgs.chunks(300) {
        let marks = vec!["(?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk.iter().flat_map(|p| [Value::from(plan), Value::from(*p)]).collect();
        c.execute(sql(
            b,
            &format!("INSERT INTO plan_party_orgs (plan_id, party_org_id) VALUES {marks} ON CONFLICT DO NOTHING"),
            vals,
        ))
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub held_on: NaiveDate,
    pub domain: String,
    pub mode: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub organisers: String,
    pub participants: i32,
    pub party_orgs: i64,
}

const ACTIVITY_SELECT: &str = "SELECT a.id, a.title, a.held_on, d.name AS domain, m.name AS mode, u.name AS unit_name, u.name_en AS unit_name_en, a.organisers, a.participants, \
     (SELECT COUNT(*) FROM plan_activity_party_orgs x WHERE x.activity_id = a.id) AS party_orgs \
     FROM plan_activities a JOIN plan_domains d ON d.id = a.domain_id JOIN plan_modes m ON m.id = a.mode_id JOIN org_units u ON u.id = a.unit_id";

/// A plan's activities in scope, newest first, a page at a time.
pub async fn activities<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    plan: i64,
    p: &PageParams,
) -> Result<Page<ActivityRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("a.unit_id", Some("a.created_by"));
    vals.insert(0, plan.into());
    let wh = format!(" WHERE a.plan_id = ? AND {sf}");
    fetch(
        c,
        &format!("SELECT COUNT(*) FROM plan_activities a{wh}"),
        &format!("{ACTIVITY_SELECT}{wh}"),
        " ORDER BY a.held_on DESC, a.id DESC",
        vals,
        p,
    )
    .await
}

/// A plan's activities in scope, newest first, at most `limit` of them (the export).
pub async fn activities_upto<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    plan: i64,
    limit: i64,
) -> Result<Vec<ActivityRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("a.unit_id", Some("a.created_by"));
    vals.insert(0, plan.into());
    vals.push(limit.into());
    ActivityRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ACTIVITY_SELECT} WHERE a.plan_id = ? AND {sf} ORDER BY a.held_on DESC, a.id DESC LIMIT ?"),
        vals,
    ))
    .all(c)
    .await
}

/// One activity with its plan, unit and summary.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ActivityDetail {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub domain: String,
    pub mode: String,
    pub organisers: String,
    pub participants: i32,
    pub summary: String,
}

/// An activity inside the scope.
pub async fn activity<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<ActivityDetail>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("a.unit_id", Some("a.created_by"));
    vals.insert(0, id.into());
    ActivityDetail::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT a.id, a.plan_id, p.title AS plan_title, a.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, a.title, a.held_on, d.name AS domain, \
             m.name AS mode, a.organisers, a.participants, COALESCE(a.summary, '') AS summary \
             FROM plan_activities a JOIN action_plans p ON p.id = a.plan_id JOIN plan_domains d ON d.id = a.domain_id \
             JOIN plan_modes m ON m.id = a.mode_id JOIN org_units u ON u.id = a.unit_id WHERE a.id = ? AND {sf}"
        ),
        vals,
    ))
    .one(c)
    .await
}

/// The Party organisations taking part in an activity, by name.
pub async fn activity_party_orgs<C: ConnectionTrait>(c: &C, id: i64) -> Result<Vec<Named>, DbErr> {
    Named::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT o.id, o.name FROM plan_activity_party_orgs x JOIN party_orgs o ON o.id = x.party_org_id WHERE x.activity_id = ? ORDER BY o.name, o.id",
        vec![id.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_activity<C: ConnectionTrait>(
    c: &C,
    plan: i64,
    a: &ActivityInput,
    party_orgs: &[i64],
    by: Option<i64>,
) -> Result<i64, DbErr> {
    let b = c.get_database_backend();
    let id = insert_id(
        c,
        "INSERT INTO plan_activities (plan_id, unit_id, domain_id, mode_id, title, held_on, organisers, participants, summary, created_by, created_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            plan.into(),
            a.unit_id.into(),
            a.domain_id.into(),
            a.mode_id.into(),
            a.title.clone().into(),
            a.held_on.into(),
            a.organisers.clone().into(),
            a.participants.into(),
            a.summary.clone().into(),
            by.into(),
            Utc::now().into(),
        ],
    )
    .await?;
    if !party_orgs.is_empty() {
        let marks = vec!["(?,?)"; party_orgs.len()].join(",");
        let vals: Vec<Value> = party_orgs.iter().flat_map(|p| [Value::from(id), Value::from(*p)]).collect();
        c.execute(sql(
            b,
            &format!("INSERT INTO plan_activity_party_orgs (activity_id, party_org_id) VALUES {marks}"),
            vals,
        ))
        .await?;
        add_participants(c, plan, party_orgs).await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Cell {
    pub domain_id: i64,
    pub mode_id: i64,
    pub activities: i64,
    pub participants: Option<i64>,
}

/// Activities and participants per domain × mode, within the scope.
pub async fn heat<C: ConnectionTrait>(c: &C, scope: &Scope, plan: i64) -> Result<Vec<Cell>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("a.unit_id", Some("a.created_by"));
    vals.insert(0, plan.into());
    Cell::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT a.domain_id, a.mode_id, COUNT(*) AS activities, SUM_INT(a.participants) AS participants \
             FROM plan_activities a WHERE a.plan_id = ? AND {sf} GROUP BY a.domain_id, a.mode_id"
        ),
        vals,
    ))
    .all(c)
    .await
}

/// Participating Party organisations of a plan within the scope.
pub async fn participants<C: ConnectionTrait>(c: &C, scope: &Scope, plan: i64) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("p.unit_id", None);
    vals.insert(0, plan.into());
    count(c, &format!("SELECT COUNT(*) FROM plan_party_orgs pp JOIN party_orgs p ON p.id = pp.party_org_id WHERE pp.plan_id = ? AND {sf}"), vals).await
}

/// Party organisations by exact name (to attach them to an activity), inside the scope.
pub async fn party_org_ids_by_names<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    names: &[String],
) -> Result<Vec<(String, i64)>, DbErr> {
    let mut out = Vec::new();
    let (sf, vals) = scope.unit_filter("p.unit_id", None);
    for n in names {
        let mut v = vals.clone();
        v.insert(0, n.clone().into());
        let rows = Named::find_by_statement(sql(
            c.get_database_backend(),
            &format!("SELECT p.id, p.name FROM party_orgs p WHERE p.name = ? AND {sf}"),
            v,
        ))
        .all(c)
        .await?;
        if let Some(r) = rows.first() {
            out.push((r.name.clone(), r.id));
        }
    }
    Ok(out)
}

/// An activity as its export reads: plan by title, unit by path and name, the Party
/// organisations by name.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ActivityExportRow {
    pub id: i64,
    pub plan: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub domain: String,
    pub mode: String,
    pub unit_path: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub organisers: String,
    pub participants: i32,
}

#[derive(FromQueryResult)]
struct ActivityPartyName {
    activity_id: i64,
    name: String,
}

/// Every activity of every plan in the scope, oldest first, with its Party organisations' names.
pub async fn activity_export_rows<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    plan: Option<i64>,
) -> Result<Vec<(ActivityExportRow, Vec<String>)>, DbErr> {
    let (mut sf, mut vals) = scope.unit_filter("a.unit_id", Some("a.created_by"));
    if let Some(plan) = plan {
        sf.push_str(" AND a.plan_id = ?");
        vals.push(plan.into());
    }
    let b = c.get_database_backend();
    let rows = ActivityExportRow::find_by_statement(sql(
        b,
        &format!(
            "SELECT a.id, p.title AS plan, a.title, a.held_on, d.name AS domain, m.name AS mode, u.path AS unit_path, \
             u.name AS unit_name, u.name_en AS unit_name_en, a.organisers, a.participants FROM plan_activities a JOIN action_plans p ON p.id = a.plan_id \
             JOIN plan_domains d ON d.id = a.domain_id JOIN plan_modes m ON m.id = a.mode_id JOIN org_units u ON u.id = a.unit_id \
             WHERE {sf} ORDER BY a.plan_id, a.held_on, a.id"
        ),
        vals.clone(),
    ))
    .all(c)
    .await?;
    let names = ActivityPartyName::find_by_statement(sql(
        b,
        &format!(
            "SELECT x.activity_id, o.name FROM plan_activity_party_orgs x JOIN party_orgs o ON o.id = x.party_org_id \
             JOIN plan_activities a ON a.id = x.activity_id WHERE {sf} ORDER BY o.name"
        ),
        vals,
    ))
    .all(c)
    .await?;
    let mut by_activity: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for n in names {
        by_activity.entry(n.activity_id).or_default().push(n.name);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let names = by_activity.remove(&r.id).unwrap_or_default();
            (r, names)
        })
        .collect())
}
