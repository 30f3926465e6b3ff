//! Campaigns: the list, one campaign, its target communities, writes, and the open campaigns of
//! the public pages.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{insert_id, sql};
use crate::platform::paging::{Page, PageParams};
use crate::volunteers::model::{CampaignInput, Welfare, OPEN_STATUSES};

/// A campaign is reached when its organiser lies inside the scope, or one of its target
/// communities does (a station runs the shifts of a city campaign in its communities), or
/// (own-records scope) the user created it.
pub fn campaign_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (a, mut v) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    let (b, vb) = scope.unit_filter("cu.unit_id", None);
    v.extend(vb);
    (format!("({a} OR EXISTS (SELECT 1 FROM volunteer_campaign_units cu WHERE cu.campaign_id = t.id AND {b}))"), v)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CampaignRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub title: String,
    pub purpose: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub status: String,
    pub roles: String,
    pub skills: String,
    pub max_minutes_per_day: i32,
    pub max_consecutive_days: i32,
    pub min_rest_minutes: i32,
    pub contact: String,
    pub version: i32,
    pub signups: i64,
    pub shifts: i64,
}

impl CampaignRow {
    pub fn status_key(&self) -> String {
        format!("volunteers.status.{}", self.status)
    }
    pub fn welfare(&self) -> Welfare {
        Welfare {
            max_minutes_per_day: self.max_minutes_per_day,
            max_consecutive_days: self.max_consecutive_days,
            min_rest_minutes: self.min_rest_minutes,
        }
    }
    pub fn max_hours(&self) -> i32 {
        self.max_minutes_per_day / 60
    }
    pub fn is_open(&self) -> bool {
        OPEN_STATUSES.contains(&self.status.as_str())
    }
    pub fn role_list(&self) -> Vec<&str> {
        self.roles.lines().filter(|l| !l.is_empty()).collect()
    }
    pub fn skill_list(&self) -> Vec<&str> {
        self.skills.lines().filter(|l| !l.is_empty()).collect()
    }
}

const CAMPAIGN_SELECT: &str = "SELECT t.id, t.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, t.title, t.purpose, t.starts_on, t.ends_on, \
     t.status, t.roles, t.skills, t.max_minutes_per_day, t.max_consecutive_days, t.min_rest_minutes, t.contact, t.version, \
     (SELECT COUNT(*) FROM volunteer_signups s WHERE s.campaign_id = t.id) AS signups, \
     (SELECT COUNT(*) FROM volunteer_shifts h WHERE h.campaign_id = t.id) AS shifts \
     FROM volunteer_campaigns t JOIN org_units u ON u.id = t.unit_id";

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CampaignFilter {
    #[serde(default)]
    pub status: String,
}

pub async fn campaigns<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &CampaignFilter,
    p: &PageParams,
) -> Result<Page<CampaignRow>, DbErr> {
    let (sf, mut vals) = campaign_reach(scope);
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("t.title", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if crate::volunteers::model::STATUSES.contains(&f.status.as_str()) {
        wh.push_str(" AND t.status = ?");
        vals.push(f.status.clone().into());
    }
    let order = p.order_by(&[("starts_on", "t.starts_on"), ("title", "t.title")], "t.id");
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM volunteer_campaigns t{wh}"),
        &format!("{CAMPAIGN_SELECT}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

pub async fn campaign<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<CampaignRow>, DbErr> {
    let (sf, mut vals) = campaign_reach(scope);
    vals.push(id.into());
    CampaignRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CAMPAIGN_SELECT} WHERE {sf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// A campaign open to the public (recruiting or running), whoever asks.
pub async fn open_campaign<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<CampaignRow>, DbErr> {
    CampaignRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CAMPAIGN_SELECT} WHERE t.id = ? AND t.status IN ('recruiting', 'running')"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// The campaigns open to the public, latest first (at most 100).
pub async fn open_campaigns<C: ConnectionTrait>(c: &C) -> Result<Vec<CampaignRow>, DbErr> {
    CampaignRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CAMPAIGN_SELECT} WHERE t.status IN ('recruiting', 'running') ORDER BY t.starts_on DESC, t.id DESC LIMIT 100"),
        vec![],
    ))
    .all(c)
    .await
}

/// A community a campaign serves.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CommunityRow {
    pub id: i64,
    pub name: String,
    pub parent_name: String,
}

/// The target communities of a campaign, by tree order.
pub async fn communities<C: ConnectionTrait>(c: &C, campaign_id: i64) -> Result<Vec<CommunityRow>, DbErr> {
    CommunityRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT u.id, u.name, COALESCE(p.name, '') AS parent_name FROM volunteer_campaign_units cu \
         JOIN org_units u ON u.id = cu.unit_id LEFT JOIN org_units p ON p.id = u.parent_id \
         WHERE cu.campaign_id = ? ORDER BY u.path",
        vec![campaign_id.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_campaign<C: ConnectionTrait>(c: &C, i: &CampaignInput, by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    let id = insert_id(
        c,
        "INSERT INTO volunteer_campaigns (unit_id, title, purpose, starts_on, ends_on, status, roles, skills, \
         max_minutes_per_day, max_consecutive_days, min_rest_minutes, contact, created_by, created_at, updated_at) \
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            i.unit_id.into(),
            i.title.clone().into(),
            i.purpose.clone().into(),
            i.starts_on.into(),
            i.ends_on.into(),
            i.status.clone().into(),
            i.roles.clone().into(),
            i.skills.clone().into(),
            i.welfare.max_minutes_per_day.into(),
            i.welfare.max_consecutive_days.into(),
            i.welfare.min_rest_minutes.into(),
            i.contact.clone().into(),
            by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    set_communities(c, id, &i.communities).await?;
    Ok(id)
}

/// Saves an edit when the row is still at `version`; false when it is not (a stale form).
pub async fn update_campaign<C: ConnectionTrait>(
    c: &C,
    id: i64,
    i: &CampaignInput,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE volunteer_campaigns SET unit_id = ?, title = ?, purpose = ?, starts_on = ?, ends_on = ?, status = ?, \
             roles = ?, skills = ?, max_minutes_per_day = ?, max_consecutive_days = ?, min_rest_minutes = ?, contact = ?, \
             updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
            vec![
                i.unit_id.into(),
                i.title.clone().into(),
                i.purpose.clone().into(),
                i.starts_on.into(),
                i.ends_on.into(),
                i.status.clone().into(),
                i.roles.clone().into(),
                i.skills.clone().into(),
                i.welfare.max_minutes_per_day.into(),
                i.welfare.max_consecutive_days.into(),
                i.welfare.min_rest_minutes.into(),
                i.contact.clone().into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    set_communities(c, id, &i.communities).await?;
    Ok(true)
}

async fn set_communities<C: ConnectionTrait>(c: &C, id: i64, units: &[i64]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    c.execute(sql(b, "DELETE FROM volunteer_campaign_units WHERE campaign_id = ?", vec![id.into()])).await?;
    for u in units {
        c.execute(sql(
            b,
            "INSERT INTO volunteer_campaign_units (campaign_id, unit_id) VALUES (?, ?)",
            vec![id.into(), (*u).into()],
        ))
        .await?;
    }
    Ok(())
}

/// Whether `unit_id` is a target community of the campaign (a campaign without any serves every
/// community of its organiser's subtree).
pub async fn serves<C: ConnectionTrait>(c: &C, campaign_id: i64, unit_id: i64) -> Result<bool, DbErr> {
    let n = crate::platform::db::count(
        c,
        "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM volunteer_campaign_units WHERE campaign_id = ?) \
         THEN (SELECT COUNT(*) FROM volunteer_campaigns k JOIN org_units o ON o.id = k.unit_id JOIN org_units u ON u.id = ? \
               WHERE k.id = ? AND u.path LIKE o.path || '%') \
         ELSE (SELECT COUNT(*) FROM volunteer_campaign_units WHERE campaign_id = ? AND unit_id = ?) END",
        vec![campaign_id.into(), unit_id.into(), campaign_id.into(), campaign_id.into(), unit_id.into()],
    )
    .await?;
    Ok(n > 0)
}

/// The service types (managed data), active ones first by their order.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ServiceType {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
}

pub async fn service_types<C: ConnectionTrait>(c: &C) -> Result<Vec<ServiceType>, DbErr> {
    ServiceType::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, code, name, name_en FROM volunteer_service_types WHERE active ORDER BY sort_order, id",
        vec![],
    ))
    .all(c)
    .await
}
