//! The coordinators' list of volunteers (masked), one volunteer's ciphers for the audited reveal,
//! and the rows of the national/provincial export (service hours per volunteer per activity and
//! day, from confirmed records).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::{Deserialize, Serialize};

use super::ledger::RecordFilter;
use crate::platform::access::Scope;
use crate::platform::db::{count, sql};
use crate::platform::paging::{Page, PageParams};

/// A volunteer in the coordinators' list: ID number and phone masked.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct RosterRow {
    pub id: i64,
    pub volunteer_no: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub id_type: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub skills: String,
    /// Confirmed service minutes.
    pub minutes: i64,
}

impl RosterRow {
    pub fn id_type_key(&self) -> String {
        format!("volunteers.id_type.{}", self.id_type)
    }
    pub fn hours(&self) -> String {
        crate::volunteers::hours_text(self.minutes)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RosterFilter {
    /// A unit id: volunteers placed in that unit and below.
    #[serde(default)]
    pub unit: String,
    /// A period (`2022`, `2022-Q1`): volunteers signed up for a campaign running in it.
    #[serde(default)]
    pub signed_up: String,
    /// With `signed_up`, a unit id: the signups made at the unit and below.
    #[serde(default)]
    pub signed_at: String,
}

/// The volunteers placed in the scope's units, paged; `q` finds a volunteer number or a name.
pub async fn roster<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RosterFilter,
    p: &PageParams,
) -> Result<Page<RosterRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", None);
    let mut wh = format!(" WHERE {sf}");
    if let Ok(unit) = f.unit.trim().parse::<i64>() {
        wh.push_str(
            " AND t.unit_id IN (SELECT fu.id FROM org_units fu, org_units pu WHERE pu.id = ? AND fu.path LIKE pu.path || '%')",
        );
        vals.push(unit.into());
    }
    if let Some(period) = crate::platform::period::Period::parse(&f.signed_up) {
        let (from, to) = period.bounds();
        let mut signups =
            "SELECT s.volunteer_id FROM volunteer_signups s JOIN volunteer_campaigns k ON k.id = s.campaign_id \
             WHERE k.starts_on <= ? AND k.ends_on >= ?"
                .to_string();
        vals.push(to.into());
        vals.push(from.into());
        if let Ok(at) = f.signed_at.trim().parse::<i64>() {
            signups.push_str(&format!(" AND {}", crate::platform::period::in_subtree("s.unit_id")));
            vals.push(at.into());
        }
        wh.push_str(&format!(" AND t.id IN ({signups})"));
    }
    if let Some(q) = p.search() {
        wh.push_str(" AND (t.volunteer_no = ? OR t.name = ?)");
        vals.push(q.to_uppercase().into());
        vals.push(q.to_string().into());
    }
    let order = p.order_by(&[("no", "t.volunteer_no"), ("name", "t.name")], "t.id");
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM volunteers t{wh}"),
        &format!(
            "SELECT t.id, t.volunteer_no, t.unit_id, u.name AS unit_name, t.name, t.id_type, t.id_masked, t.phone_masked, \
             t.skills, (SELECT SUM_INT(r.minutes) FROM volunteer_records r WHERE r.volunteer_id = t.id AND r.status = 'confirmed') \
             AS minutes FROM volunteers t JOIN org_units u ON u.id = t.unit_id{wh}"
        ),
        &order,
        vals,
        p,
    )
    .await
}

/// What a reveal opens: the volunteer's unit and the two ciphers.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Sealed {
    pub id: i64,
    pub unit_id: i64,
    pub volunteer_no: String,
    pub id_cipher: String,
    pub phone_cipher: String,
}

/// A volunteer placed in the scope's units, with the ciphers.
pub async fn sealed_volunteer<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<Sealed>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", None);
    vals.push(id.into());
    Sealed::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT t.id, t.unit_id, t.volunteer_no, t.id_cipher, t.phone_cipher FROM volunteers t WHERE {sf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// One line of the national export: a volunteer's confirmed service in one activity on one day.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ExportLine {
    pub name: String,
    pub id_type: String,
    pub id_masked: String,
    #[serde(skip)]
    pub id_cipher: String,
    pub volunteer_no: String,
    /// The campaign's title; empty for service outside a campaign (the service type names it).
    pub campaign_title: Option<String>,
    pub type_name: String,
    pub unit_name: String,
    pub service_date: NaiveDate,
    pub minutes: i64,
    pub person_times: i64,
}

/// Rows of the export at most (a larger selection is narrowed by the filters first).
pub const EXPORT_MAX_ROWS: i64 = 200_000;

const EXPORT_GROUP: &str = " GROUP BY t.volunteer_id, v.name, v.id_type, v.id_masked, v.id_cipher, v.volunteer_no, \
     t.campaign_id, k.title, t.service_type_id, st.name, t.unit_id, u.name, t.service_date";

/// The export's lines for the records a scope reaches under a filter: confirmed records only,
/// summed per volunteer, activity (campaign, type and community) and day; `None` when there are
/// more than [`EXPORT_MAX_ROWS`].
pub async fn export_lines<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
) -> Result<Option<Vec<ExportLine>>, DbErr> {
    let f = RecordFilter { status: "confirmed".into(), ..f.clone() };
    let (wh, vals) = super::ledger::record_where(c, scope, &f, None).await?;
    let from = " FROM volunteer_records t JOIN volunteers v ON v.id = t.volunteer_id JOIN org_units u ON u.id = t.unit_id \
         JOIN volunteer_service_types st ON st.id = t.service_type_id LEFT JOIN volunteer_campaigns k ON k.id = t.campaign_id";
    let n =
        count(c, &format!("SELECT COUNT(*) FROM (SELECT 1 AS one{from}{wh}{EXPORT_GROUP}) g"), vals.clone()).await?;
    if n > EXPORT_MAX_ROWS {
        return Ok(None);
    }
    ExportLine::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT v.name, v.id_type, v.id_masked, v.id_cipher, v.volunteer_no, k.title AS campaign_title, st.name AS type_name, \
             u.name AS unit_name, t.service_date, SUM_INT(t.minutes) AS minutes, SUM_INT(t.person_times) AS person_times\
             {from}{wh}{EXPORT_GROUP} ORDER BY v.volunteer_no, t.service_date, t.campaign_id, t.service_type_id, t.unit_id"
        ),
        vals,
    ))
    .all(c)
    .await
    .map(Some)
}
