//! The coordinators' view of service records: the scoped, paged list with its filters, one
//! record with its corrections, confirming a record, and the volunteer's correction requests
//! with the coordinator's decision. An accepted correction changes the record and the summary
//! (through [`add_to_summary`]) in the caller's transaction.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use super::add_to_summary;
use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{Page, PageParams};

/// Record statuses, in their order.
pub const RECORD_STATUSES: [&str; 2] = ["pending", "confirmed"];

/// A service record as a coordinator sees it.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct RecordRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub volunteer_no: String,
    pub volunteer_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub campaign_id: Option<i64>,
    pub campaign_title: Option<String>,
    pub service_date: NaiveDate,
    pub service_type_id: i64,
    pub type_name: String,
    pub type_name_en: String,
    pub minutes: i32,
    pub person_times: i32,
    pub source: String,
    pub status: String,
    pub content: String,
    pub version: i32,
    /// Correction requests waiting for a decision.
    pub open_corrections: i64,
}

impl RecordRow {
    pub fn status_key(&self) -> String {
        format!("volunteers.record_status.{}", self.status)
    }
    pub fn source_key(&self) -> String {
        format!("volunteers.source.{}", self.source)
    }
    pub fn hours(&self) -> String {
        crate::volunteers::hours_text(i64::from(self.minutes))
    }
    pub fn campaign(&self) -> &str {
        self.campaign_title.as_deref().unwrap_or("")
    }
}

const RECORD_SELECT: &str = "SELECT t.id, t.volunteer_id, v.volunteer_no, v.name AS volunteer_name, t.unit_id, \
     u.name AS unit_name, t.campaign_id, k.title AS campaign_title, t.service_date, t.service_type_id, \
     st.name AS type_name, st.name_en AS type_name_en, t.minutes, t.person_times, t.source, t.status, t.content, \
     t.version, (SELECT COUNT(*) FROM volunteer_corrections x WHERE x.record_id = t.id AND x.status = 'requested') \
     AS open_corrections FROM volunteer_records t JOIN volunteers v ON v.id = t.volunteer_id \
     JOIN org_units u ON u.id = t.unit_id JOIN volunteer_service_types st ON st.id = t.service_type_id \
     LEFT JOIN volunteer_campaigns k ON k.id = t.campaign_id";

/// The filters of the records list (strings as the query gave them; bad values are ignored).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RecordFilter {
    /// A unit id: records of that unit and below.
    #[serde(default)]
    pub unit: String,
    /// A service type id.
    #[serde(default)]
    pub service_type: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Records with an open correction request only.
    #[serde(default)]
    pub corrections: String,
}

impl RecordFilter {
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
    pub fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
    }
}

/// The WHERE clause of the records a scope reaches under a filter (records aliased `t`).
pub(super) async fn record_where<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
    search: Option<&str>,
) -> Result<(String, Vec<Value>), DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    let mut wh = format!(" WHERE {sf}");
    if let Ok(unit) = f.unit.trim().parse::<i64>() {
        let path = c
            .query_one(sql(c.get_database_backend(), "SELECT path FROM org_units WHERE id = ?", vec![unit.into()]))
            .await?
            .map(|r| r.try_get_by_index::<String>(0))
            .transpose()?;
        // Unit paths hold only a-z 0-9 - and /: no LIKE wildcard.
        wh.push_str(" AND t.unit_id IN (SELECT fu.id FROM org_units fu WHERE fu.path LIKE ?)");
        vals.push(format!("{}%", path.unwrap_or_else(|| "/-none-/".into())).into());
    }
    if let Ok(t) = f.service_type.trim().parse::<i64>() {
        wh.push_str(" AND t.service_type_id = ?");
        vals.push(t.into());
    }
    if RECORD_STATUSES.contains(&f.status.as_str()) {
        wh.push_str(" AND t.status = ?");
        vals.push(f.status.clone().into());
    }
    if let Some(d) = RecordFilter::date(&f.from) {
        wh.push_str(" AND t.service_date >= ?");
        vals.push(d.into());
    }
    if let Some(d) = RecordFilter::date(&f.to) {
        wh.push_str(" AND t.service_date <= ?");
        vals.push(d.into());
    }
    if f.corrections == "open" {
        wh.push_str(
            " AND EXISTS (SELECT 1 FROM volunteer_corrections x WHERE x.record_id = t.id AND x.status = 'requested')",
        );
    }
    if let Some(q) = search {
        wh.push_str(
            " AND t.volunteer_id IN (SELECT sv.id FROM volunteers sv WHERE sv.volunteer_no = ? OR sv.name = ?)",
        );
        vals.push(q.to_uppercase().into());
        vals.push(q.to_string().into());
    }
    Ok((wh, vals))
}

/// The records a scope reaches, paged, by day (or minutes) either way.
pub async fn records<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
    p: &PageParams,
) -> Result<Page<RecordRow>, DbErr> {
    let (wh, vals) = record_where(c, scope, f, p.search()).await?;
    let order = p.order_by(&[("date", "t.service_date"), ("minutes", "t.minutes")], "t.id");
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM volunteer_records t{wh}"),
        &format!("{RECORD_SELECT}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

/// What the records a filter lists add up to (the list's totals, and what the volunteer
/// indicators' drill-downs check): persons served, distinct volunteers, distinct units.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordTotals {
    pub person_times: i64,
    pub volunteers: i64,
    pub units: i64,
}

pub async fn record_totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
    search: Option<&str>,
) -> Result<RecordTotals, DbErr> {
    let (wh, vals) = record_where(c, scope, f, search).await?;
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            &format!(
                "SELECT SUM_INT(t.person_times), COUNT(DISTINCT t.volunteer_id), COUNT(DISTINCT t.unit_id) FROM volunteer_records t{wh}"
            ),
            vals,
        ))
        .await?;
    let get = |i: usize| -> Result<i64, DbErr> {
        Ok(row.as_ref().map(|r| r.try_get_by_index::<Option<i64>>(i)).transpose()?.flatten().unwrap_or(0))
    };
    Ok(RecordTotals { person_times: get(0)?, volunteers: get(1)?, units: get(2)? })
}

/// One record, when the scope reaches it.
pub async fn record<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<RecordRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    vals.push(id.into());
    RecordRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{RECORD_SELECT} WHERE {sf} AND t.id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// One record of a volunteer (the `/me` pages: no scope, the volunteer's own only).
pub async fn record_of_volunteer<C: ConnectionTrait>(
    c: &C,
    volunteer_id: i64,
    id: i64,
) -> Result<Option<RecordRow>, DbErr> {
    RecordRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{RECORD_SELECT} WHERE t.volunteer_id = ? AND t.id = ?"),
        vec![volunteer_id.into(), id.into()],
    ))
    .one(c)
    .await
}

/// A volunteer's latest records (the `/me` page), at most 50.
pub async fn records_of_volunteer<C: ConnectionTrait>(c: &C, volunteer_id: i64) -> Result<Vec<RecordRow>, DbErr> {
    RecordRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{RECORD_SELECT} WHERE t.volunteer_id = ? ORDER BY t.service_date DESC, t.id DESC LIMIT 50"),
        vec![volunteer_id.into()],
    ))
    .all(c)
    .await
}

/// Confirms a pending record still at `version`; false when it is not.
pub async fn confirm_record<C: ConnectionTrait>(c: &C, id: i64, version: i32) -> Result<bool, DbErr> {
    Ok(c.execute(sql(
        c.get_database_backend(),
        "UPDATE volunteer_records SET status = 'confirmed', version = version + 1, updated_at = ? \
         WHERE id = ? AND version = ? AND status = 'pending'",
        vec![Utc::now().into(), id.into(), version.into()],
    ))
    .await?
    .rows_affected()
        == 1)
}

/// A correction request and, once decided, the decision.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CorrectionRow {
    pub id: i64,
    pub record_id: i64,
    pub unit_id: i64,
    pub reason: String,
    pub proposed_minutes: Option<i32>,
    pub proposed_person_times: Option<i32>,
    pub requested_at: chrono::DateTime<Utc>,
    pub status: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<chrono::DateTime<Utc>>,
    pub decision_note: String,
    pub version: i32,
}

impl CorrectionRow {
    pub fn status_key(&self) -> String {
        format!("volunteers.correction.{}", self.status)
    }
    pub fn is_open(&self) -> bool {
        self.status == "requested"
    }
    pub fn proposed_minutes_text(&self) -> String {
        self.proposed_minutes.map(|m| m.to_string()).unwrap_or_default()
    }
    pub fn proposed_person_times_text(&self) -> String {
        self.proposed_person_times.map(|m| m.to_string()).unwrap_or_default()
    }
    pub fn requested_text(&self) -> String {
        crate::platform::time::local_minutes(&self.requested_at)
    }
    pub fn decided_text(&self) -> String {
        self.decided_at.as_ref().map(crate::platform::time::local_minutes).unwrap_or_default()
    }
}

const CORRECTION_SELECT: &str = "SELECT x.id, x.record_id, x.unit_id, x.reason, x.proposed_minutes, \
     x.proposed_person_times, x.requested_at, x.status, du.display_name AS decided_by_name, x.decided_at, \
     x.decision_note, x.version FROM volunteer_corrections x LEFT JOIN users du ON du.id = x.decided_by";

/// The corrections of a record, oldest first.
pub async fn corrections_of<C: ConnectionTrait>(c: &C, record_id: i64) -> Result<Vec<CorrectionRow>, DbErr> {
    CorrectionRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CORRECTION_SELECT} WHERE x.record_id = ? ORDER BY x.id"),
        vec![record_id.into()],
    ))
    .all(c)
    .await
}

/// A correction of a record.
pub async fn correction<C: ConnectionTrait>(c: &C, record_id: i64, id: i64) -> Result<Option<CorrectionRow>, DbErr> {
    CorrectionRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CORRECTION_SELECT} WHERE x.record_id = ? AND x.id = ?"),
        vec![record_id.into(), id.into()],
    ))
    .one(c)
    .await
}

/// A volunteer's request to correct a record.
#[derive(Debug, Clone, Serialize)]
pub struct NewCorrection {
    pub record_id: i64,
    pub unit_id: i64,
    pub reason: String,
    pub proposed_minutes: Option<i32>,
    pub proposed_person_times: Option<i32>,
}

/// Files a request unless the record has one waiting already (then `None`).
pub async fn insert_correction<C: ConnectionTrait>(c: &C, n: &NewCorrection) -> Result<Option<i64>, DbErr> {
    let open = count(
        c,
        "SELECT COUNT(*) FROM volunteer_corrections WHERE record_id = ? AND status = 'requested'",
        vec![n.record_id.into()],
    )
    .await?;
    if open > 0 {
        return Ok(None);
    }
    insert_id(
        c,
        "INSERT INTO volunteer_corrections (record_id, unit_id, reason, proposed_minutes, proposed_person_times, \
         requested_at, status) VALUES (?,?,?,?,?,?,'requested')",
        vec![
            n.record_id.into(),
            n.unit_id.into(),
            n.reason.clone().into(),
            n.proposed_minutes.into(),
            n.proposed_person_times.into(),
            Utc::now().into(),
        ],
    )
    .await
    .map(Some)
}

/// Locks a record for the rest of the transaction (PostgreSQL; SQLite's write gate already
/// serialises writers) and reads its figures: (volunteer, unit, day, type, minutes, persons, version).
pub async fn record_locked<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<Option<(i64, i64, NaiveDate, i64, i32, i32, i32)>, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            &format!(
                "SELECT volunteer_id, unit_id, service_date, service_type_id, minutes, person_times, version \
                 FROM volunteer_records WHERE id = ?{}",
                super::for_update(c)
            ),
            vec![id.into()],
        ))
        .await?;
    row.map(|r| {
        Ok((
            r.try_get_by_index(0)?,
            r.try_get_by_index(1)?,
            r.try_get_by_index(2)?,
            r.try_get_by_index(3)?,
            r.try_get_by_index(4)?,
            r.try_get_by_index(5)?,
            r.try_get_by_index(6)?,
        ))
    })
    .transpose()
}

/// The coordinator's decision on a request still open and at `version`: refused (the note says
/// why) or accepted, which sets the record's minutes and persons served to the proposed values
/// and moves the summary by the difference. Returns false for a stale or decided request.
pub async fn decide_correction<C: ConnectionTrait>(
    c: &C,
    k: &CorrectionRow,
    accept: bool,
    note: &str,
    by: i64,
    version: i32,
) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let done = c
        .execute(sql(
            b,
            "UPDATE volunteer_corrections SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, \
             version = version + 1 WHERE id = ? AND version = ? AND status = 'requested'",
            vec![
                if accept { "accepted" } else { "rejected" }.into(),
                by.into(),
                Utc::now().into(),
                note.into(),
                k.id.into(),
                version.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1;
    if !done || !accept {
        return Ok(done);
    }
    let Some((volunteer, unit, day, stype, minutes, persons, _)) = record_locked(c, k.record_id).await? else {
        return Err(DbErr::RecordNotFound("volunteer_records".into()));
    };
    let new_minutes = k.proposed_minutes.unwrap_or(minutes);
    let new_persons = k.proposed_person_times.unwrap_or(persons);
    c.execute(sql(
        b,
        "UPDATE volunteer_records SET minutes = ?, person_times = ?, version = version + 1, updated_at = ? WHERE id = ?",
        vec![new_minutes.into(), new_persons.into(), Utc::now().into(), k.record_id.into()],
    ))
    .await?;
    add_to_summary(
        c,
        unit,
        day,
        stype,
        volunteer,
        0,
        i64::from(new_persons) - i64::from(persons),
        i64::from(new_minutes) - i64::from(minutes),
    )
    .await?;
    Ok(true)
}
