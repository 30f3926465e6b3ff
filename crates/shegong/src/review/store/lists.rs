//! The lists a review places (honours, award programmes with their winners, events, the
//! industry Party-building committee) and the units one level down, for a year and a unit
//! subtree. The review reads them as the document's data: its unit was checked against the
//! caller's scope when the review was reached, and what it prints are the unit's own records.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::platform::db::sql;
use crate::review::templates::{AwardItem, ChildUnit, DeptItem, EventItem, HonourItem, Lists};

const SUBTREE: &str = "IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?)";

#[derive(FromQueryResult)]
struct Honour {
    title: String,
    level: String,
    awardee_name: String,
    unit_name: String,
    unit_name_en: String,
}

#[derive(FromQueryResult)]
struct Award {
    id: i64,
    title: String,
    level: String,
    edition: i32,
    winners: i64,
}

#[derive(FromQueryResult)]
struct Ev {
    title: String,
    kind: String,
    held_on: chrono::NaiveDate,
}

#[derive(FromQueryResult)]
struct Dept {
    name: String,
    name_en: String,
    lead: bool,
}

#[derive(FromQueryResult)]
struct Child {
    id: i64,
    name: String,
    name_en: String,
}

/// The level order of honours and awards: national first.
const LEVEL_ORDER: &str = "CASE {c} WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 WHEN 'suzhou' THEN 2 ELSE 3 END";

/// The lists of a year in the subtree `under` (a unit path).
pub async fn lists<C: ConnectionTrait>(c: &C, under: &str, year: i32) -> Result<Lists, DbErr> {
    let b = c.get_database_backend();
    let like = format!("{under}%");
    let honours = Honour::find_by_statement(sql(
        b,
        &format!(
            "SELECT h.title, h.level, h.awardee_name, u.name AS unit_name, u.name_en AS unit_name_en \
             FROM honours h JOIN org_units u ON u.id = h.unit_id WHERE h.unit_id {SUBTREE} AND h.year = ? \
             ORDER BY {}, u.path, h.id",
            LEVEL_ORDER.replace("{c}", "h.level")
        ),
        vec![like.clone().into(), year.into()],
    ))
    .all(c)
    .await?;
    let awards = Award::find_by_statement(sql(
        b,
        &format!(
            "SELECT p.id, p.title, p.level, p.edition, COUNT(n.id) AS winners FROM programmes p \
             JOIN nominations n ON n.programme_id = p.id AND n.status = 'selected' \
             JOIN social_workers w ON w.id = n.worker_id \
             WHERE p.year = ? AND p.status = 'published' AND w.unit_id {SUBTREE} \
             GROUP BY p.id, p.title, p.level, p.edition ORDER BY {}, p.id",
            LEVEL_ORDER.replace("{c}", "p.level")
        ),
        vec![year.into(), like.clone().into()],
    ))
    .all(c)
    .await?;
    let (from, to) = crate::platform::period::bounds(year);
    let events = Ev::find_by_statement(sql(
        b,
        &format!(
            "SELECT e.title, e.kind, e.held_on FROM events e WHERE e.unit_id {SUBTREE} \
             AND e.held_on >= ? AND e.held_on <= ? ORDER BY e.held_on, e.id"
        ),
        vec![like.into(), from.into(), to.into()],
    ))
    .all(c)
    .await?;
    let committee = Dept::find_by_statement(sql(
        b,
        "SELECT d.name, d.name_en, d.lead FROM departments d WHERE d.on_committee AND d.active \
         ORDER BY d.lead DESC, d.sort_order, d.id",
        vec![],
    ))
    .all(c)
    .await?;
    Ok(Lists {
        honours: honours
            .into_iter()
            .map(|h| HonourItem {
                title: h.title,
                level: h.level,
                awardee: h.awardee_name,
                unit: h.unit_name,
                unit_en: h.unit_name_en,
            })
            .collect(),
        awards: awards
            .into_iter()
            .map(|a| AwardItem { id: a.id, title: a.title, level: a.level, edition: a.edition, winners: a.winners })
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventItem { title: e.title, kind: e.kind, held_on: e.held_on.to_string() })
            .collect(),
        committee: committee.into_iter().map(|d| DeptItem { name: d.name, name_en: d.name_en, lead: d.lead }).collect(),
        children: Vec::new(),
        photos: Vec::new(),
    })
}

/// The active units one level below a unit, in the official order.
pub async fn children<C: ConnectionTrait>(c: &C, unit_id: i64) -> Result<Vec<ChildUnit>, DbErr> {
    Ok(Child::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT u.id, u.name, u.name_en FROM org_units u WHERE u.parent_id = ? AND u.active ORDER BY u.sort_order, u.id",
        vec![unit_id.into()],
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|u| ChildUnit { id: u.id, name: u.name, name_en: u.name_en })
    .collect())
}
