//! All SQL of stations and their staff. Stations are scoped by their unit.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::stations::model::{StaffInput, StationInput};
use crate::units::UnitOption;

/// A station as listed and shown. `staff` counts the people at the station on the day asked for.
#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct StationRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub unit_path: String,
    pub tier: String,
    pub name: String,
    pub address: String,
    pub opened_on: Option<NaiveDate>,
    pub manager: String,
    #[serde(skip)]
    pub phone: Option<String>,
    pub description: String,
    pub party_org_id: Option<i64>,
    pub party_org_name: Option<String>,
    pub party_org_kind: Option<String>,
    pub party_org_established_on: Option<NaiveDate>,
    pub party_org_dissolved_on: Option<NaiveDate>,
    pub party_instructor: String,
    pub staff: i64,
    pub version: i32,
}

impl StationRow {
    pub fn phone_masked(&self) -> String {
        crate::platform::pii::phone_masked_opt(self.phone.as_deref())
    }
    pub fn tier_key(&self) -> String {
        format!("stations.tier.{}", self.tier)
    }
    /// Organisation coverage on a day: a Party organisation (own or joint) that exists that day,
    /// by the same rule as the organisations' coverage (founded on or before it, not dissolved).
    pub fn org_covered(&self, on: &NaiveDate) -> bool {
        self.party_org_id.is_some()
            && self.party_org_established_on.is_some_and(|d| d <= *on)
            && self.party_org_dissolved_on.is_none_or(|d| d > *on)
    }
    /// Work coverage: organisation coverage, or a Party-building instructor.
    pub fn work_covered(&self, on: &NaiveDate) -> bool {
        self.org_covered(on) || !self.party_instructor.is_empty()
    }
    pub fn party_kind_key(&self) -> String {
        let kind = self.party_org_kind.as_deref().and_then(crate::orgs::model::PartyOrgKind::parse);
        kind.unwrap_or(crate::orgs::model::PartyOrgKind::Branch).label_key()
    }
    /// The station's profile as a form input would give it (for audit rows and edits).
    pub fn as_input(&self) -> StationInput {
        StationInput {
            unit_id: self.unit_id,
            name: self.name.clone(),
            address: self.address.clone(),
            opened_on: self.opened_on,
            manager: self.manager.clone(),
            phone: self.phone.clone(),
            description: self.description.clone(),
            party_org_id: self.party_org_id,
            party_instructor: self.party_instructor.clone(),
        }
    }
}

const STATION_SELECT: &str = "SELECT s.id, s.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, u.path AS unit_path, s.tier, s.name, s.address, \
    s.opened_on, s.manager, s.phone, s.description, s.party_org_id, p.name AS party_org_name, p.kind AS party_org_kind, \
    p.established_on AS party_org_established_on, p.dissolved_on AS party_org_dissolved_on, s.party_instructor, \
    (SELECT COUNT(*) FROM station_staff ss WHERE ss.station_id = s.id AND ss.from_on <= ? AND (ss.to_on IS NULL OR ss.to_on > ?)) AS staff, \
    s.version FROM stations s JOIN org_units u ON u.id = s.unit_id LEFT JOIN party_orgs p ON p.id = s.party_org_id";

/// Tree order: by the top unit, then by the district/town (each by its sort order), the town's
/// own station before its rooms, then the rooms by their units' sort order. Stations exist at
/// depths 0–2 only, so this is a pre-order walk of the tree.
const TREE_ORDER: &str =
    " ORDER BY (SELECT r.sort_order FROM org_units r WHERE r.depth = 0 AND u.path LIKE r.path || '%'), \
    (SELECT r.path FROM org_units r WHERE r.depth = 0 AND u.path LIKE r.path || '%'), \
    COALESCE((SELECT t.sort_order FROM org_units t WHERE t.depth = 1 AND u.path LIKE t.path || '%'), -1), \
    COALESCE((SELECT t.path FROM org_units t WHERE t.depth = 1 AND u.path LIKE t.path || '%'), ''), \
    u.depth, u.sort_order, u.path, s.id";

/// Every station in the scope, in tree order.
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope, on: NaiveDate) -> Result<Vec<StationRow>, DbErr> {
    let (sf, sv) = scope.unit_filter("s.unit_id", Some("s.created_by"));
    let mut vals: Vec<Value> = vec![on.into(), on.into()];
    vals.extend(sv);
    StationRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{STATION_SELECT} WHERE {sf}{TREE_ORDER}"),
        vals,
    ))
    .all(c)
    .await
}

/// One station, if it is inside the scope.
pub async fn get<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
    on: NaiveDate,
) -> Result<Option<StationRow>, DbErr> {
    let (sf, sv) = scope.unit_filter("s.unit_id", Some("s.created_by"));
    let mut vals: Vec<Value> = vec![on.into(), on.into()];
    vals.extend(sv);
    vals.push(id.into());
    StationRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{STATION_SELECT} WHERE {sf} AND s.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// Whether a unit already has its station.
pub async fn unit_taken<C: ConnectionTrait>(c: &C, unit_id: i64) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM stations WHERE unit_id = ?", vec![unit_id.into()]).await? > 0)
}

pub async fn insert<C: ConnectionTrait>(c: &C, s: &StationInput, tier: &str, by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(c, "INSERT INTO stations (unit_id, tier, name, address, opened_on, manager, phone, description, party_org_id, party_instructor, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", vec![
                s.unit_id.into(),
                tier.into(),
                s.name.clone().into(),
                s.address.clone().into(),
                s.opened_on.into(),
                s.manager.clone().into(),
                s.phone.clone().into(),
                s.description.clone().into(),
                s.party_org_id.into(),
                s.party_instructor.clone().into(),
                by.into(),
                now.into(),
                now.into(),
            ]).await
}

/// Updates a station's profile (its unit and tier stay); false when the version is stale.
pub async fn update<C: ConnectionTrait>(c: &C, id: i64, s: &StationInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE stations SET name = ?, address = ?, opened_on = ?, manager = ?, phone = ?, description = ?, party_org_id = ?, \
             party_instructor = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                s.name.clone().into(),
                s.address.clone().into(),
                s.opened_on.into(),
                s.manager.clone().into(),
                s.phone.clone().into(),
                s.description.clone().into(),
                s.party_org_id.into(),
                s.party_instructor.clone().into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Active units in the scope that may still get a station (none yet), in tree order. Every unit
/// kind has a tier (`model::tier_of_kind`).
pub async fn free_units<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<UnitOption>, DbErr> {
    let (sf, vals) = scope.path_filter("u.path");
    let rows = crate::units::TreeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT u.id, u.name, u.name_en, u.depth, u.path, u.parent_id, u.sort_order, u.code FROM org_units u WHERE u.active = ? AND {sf} \
             AND NOT EXISTS (SELECT 1 FROM stations s WHERE s.unit_id = u.id)"
        ),
        std::iter::once(Value::from(true)).chain(vals).collect(),
    ))
    .all(c)
    .await?;
    Ok(crate::units::in_tree_order(rows)
        .into_iter()
        .map(|r| UnitOption { id: r.id, name: r.name, name_en: r.name_en, depth: r.depth, path: r.path })
        .collect())
}

/// The unit path and its ancestors' paths: "/a/b/" → ["/a/", "/a/b/"].
pub fn chain_paths(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, ch) in path.char_indices().skip(1) {
        if ch == '/' {
            out.push(path[..=i].to_string());
        }
    }
    out
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PartyOrgOption {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
}

/// Party organisations a station at `station_path` may name: not dissolved, at the station's
/// unit or one above it (a joint branch of the town, say), and inside the caller's scope.
pub async fn party_org_options<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    station_path: &str,
) -> Result<Vec<PartyOrgOption>, DbErr> {
    let chain = chain_paths(station_path);
    if chain.is_empty() {
        return Ok(vec![]);
    }
    let (sf, mut vals) = scope.unit_filter("p.unit_id", None);
    let marks = vec!["?"; chain.len()].join(",");
    vals.extend(chain.into_iter().map(Value::from));
    PartyOrgOption::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT p.id, p.name, p.kind, u.name AS unit_name, u.name_en AS unit_name_en FROM party_orgs p JOIN org_units u ON u.id = p.unit_id \
             WHERE {sf} AND p.dissolved_on IS NULL AND u.path IN ({marks}) ORDER BY u.path DESC, p.name, p.id"
        ),
        vals,
    ))
    .all(c)
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct WorkerOption {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
}

/// Social workers a station may take on: in the caller's scope, at the station's unit, above it
/// or below it.
pub async fn worker_options<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    station_path: &str,
) -> Result<Vec<WorkerOption>, DbErr> {
    let chain = chain_paths(station_path);
    if chain.is_empty() {
        return Ok(vec![]);
    }
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    let marks = vec!["?"; chain.len()].join(",");
    vals.extend(chain.into_iter().map(Value::from));
    vals.push(format!("{station_path}%").into());
    WorkerOption::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT w.id, w.name, u.name AS unit_name, u.name_en AS unit_name_en FROM social_workers w JOIN org_units u ON u.id = w.unit_id \
             WHERE {sf} AND (u.path IN ({marks}) OR u.path LIKE ?) ORDER BY u.path, w.name, w.id"
        ),
        vals,
    ))
    .all(c)
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct StaffRow {
    pub id: i64,
    pub worker_id: Option<i64>,
    pub name: String,
    pub post: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
}

impl StaffRow {
    pub fn post_key(&self) -> String {
        format!("stations.post.{}", self.post)
    }
    pub fn active(&self, on: &NaiveDate) -> bool {
        self.from_on <= *on && self.to_on.is_none_or(|t| t > *on)
    }
}

/// Everyone who has been at a station: current people first, then by start date.
pub async fn staff_of<C: ConnectionTrait>(c: &C, station_id: i64) -> Result<Vec<StaffRow>, DbErr> {
    StaffRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT ss.id, ss.worker_id, COALESCE(w.name, ss.name) AS name, ss.post, ss.from_on, ss.to_on \
         FROM station_staff ss LEFT JOIN social_workers w ON w.id = ss.worker_id WHERE ss.station_id = ? \
         ORDER BY CASE WHEN ss.to_on IS NULL THEN 0 ELSE 1 END, CASE ss.post WHEN 'head' THEN 0 WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 3 END, ss.from_on, ss.id",
        vec![station_id.into()],
    ))
    .all(c)
    .await
}

/// Whether the worker is at the station now (no end date).
pub async fn worker_present<C: ConnectionTrait>(c: &C, station_id: i64, worker_id: i64) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM station_staff WHERE station_id = ? AND worker_id = ? AND to_on IS NULL",
        vec![station_id.into(), worker_id.into()],
    )
    .await?
        > 0)
}

pub async fn insert_staff<C: ConnectionTrait>(c: &C, station_id: i64, s: &StaffInput) -> Result<i64, DbErr> {
    insert_id(
        c,
        "INSERT INTO station_staff (station_id, worker_id, name, post, from_on, created_at) VALUES (?,?,?,?,?,?)",
        vec![
            station_id.into(),
            s.worker_id.into(),
            s.name.clone().into(),
            s.post.clone().into(),
            s.from_on.into(),
            Utc::now().into(),
        ],
    )
    .await
}

/// Ends a person's time at a station; false when there is no such current person.
pub async fn end_staff<C: ConnectionTrait>(
    c: &C,
    station_id: i64,
    staff_id: i64,
    to_on: NaiveDate,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE station_staff SET to_on = ? WHERE id = ? AND station_id = ? AND to_on IS NULL AND from_on <= ?",
            vec![to_on.into(), staff_id.into(), station_id.into(), to_on.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_of_a_path() {
        assert_eq!(chain_paths("/320583/zhoushi/c1/"), vec!["/320583/", "/320583/zhoushi/", "/320583/zhoushi/c1/"]);
        assert_eq!(chain_paths("/320583/"), vec!["/320583/"]);
        assert!(chain_paths("").is_empty());
    }
}
