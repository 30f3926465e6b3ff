//! Certificates (志愿服务记录证明): the confirmed service a unit certifies for a volunteer and a
//! period, and the immutable numbered snapshots (the table refuses UPDATE and DELETE).

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::{Deserialize, Serialize};

use crate::platform::db::{insert_id, sql};

/// Confirmed minutes of one service type.
#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult)]
pub struct ServiceLine {
    pub name: String,
    pub name_en: String,
    pub minutes: i64,
}

impl ServiceLine {
    pub fn hours(&self) -> String {
        crate::volunteers::hours_text(self.minutes)
    }
}

/// A volunteer's confirmed service in a subtree (`path` of the issuing unit) and period, by type.
pub async fn service_lines<C: ConnectionTrait>(
    c: &C,
    volunteer_id: i64,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ServiceLine>, DbErr> {
    ServiceLine::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT t.name, t.name_en, SUM_INT(r.minutes) AS minutes FROM volunteer_records r \
         JOIN volunteer_service_types t ON t.id = r.service_type_id \
         WHERE r.volunteer_id = ? AND r.status = 'confirmed' AND r.service_date >= ? AND r.service_date <= ? \
         AND r.unit_id IN (SELECT id FROM org_units WHERE path LIKE ?) \
         GROUP BY t.id, t.name, t.name_en, t.sort_order ORDER BY t.sort_order, t.id",
        vec![volunteer_id.into(), from.into(), to.into(), format!("{path}%").into()],
    ))
    .all(c)
    .await
}

/// What a certificate certifies, frozen when it is issued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub name: String,
    pub id_type: String,
    pub id_masked: String,
    pub volunteer_no: String,
    pub minutes: i64,
    pub lines: Vec<ServiceLine>,
    pub issuer: String,
    pub person_in_charge: String,
    pub handler: String,
    pub contact: String,
    pub remarks: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
}

/// A certificate to write.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub number: String,
    pub check_code: String,
    pub volunteer_id: i64,
    pub unit_id: i64,
    pub snapshot: Snapshot,
    pub issued_on: NaiveDate,
}

pub async fn insert_certificate<C: ConnectionTrait>(c: &C, n: &NewCertificate, by: Option<i64>) -> Result<i64, DbErr> {
    let snapshot = serde_json::to_string(&n.snapshot).map_err(|e| DbErr::Custom(format!("snapshot: {e}")))?;
    insert_id(
        c,
        "INSERT INTO volunteer_certificates (number, check_code, volunteer_id, unit_id, period_from, period_to, minutes, \
         snapshot, issued_on, issued_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            n.number.clone().into(),
            n.check_code.clone().into(),
            n.volunteer_id.into(),
            n.unit_id.into(),
            n.snapshot.period_from.into(),
            n.snapshot.period_to.into(),
            n.snapshot.minutes.into(),
            snapshot.into(),
            n.issued_on.into(),
            by.into(),
            Utc::now().into(),
        ],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
struct CertificateDb {
    id: i64,
    number: String,
    check_code: String,
    volunteer_id: i64,
    unit_id: i64,
    snapshot: String,
    issued_on: NaiveDate,
}

/// An issued certificate with its snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRow {
    pub id: i64,
    pub number: String,
    #[serde(skip)]
    pub check_code: String,
    pub volunteer_id: i64,
    pub unit_id: i64,
    pub s: Snapshot,
    pub issued_on: NaiveDate,
}

impl CertificateRow {
    pub fn hours(&self) -> String {
        crate::volunteers::hours_text(self.s.minutes)
    }
    pub fn id_type_key(&self) -> String {
        format!("volunteers.id_type.{}", self.s.id_type)
    }
}

fn row(d: CertificateDb) -> Result<CertificateRow, DbErr> {
    let s: Snapshot = serde_json::from_str(&d.snapshot).map_err(|e| DbErr::Custom(format!("snapshot: {e}")))?;
    Ok(CertificateRow {
        id: d.id,
        number: d.number,
        check_code: d.check_code,
        volunteer_id: d.volunteer_id,
        unit_id: d.unit_id,
        s,
        issued_on: d.issued_on,
    })
}

const CERT_SELECT: &str =
    "SELECT id, number, check_code, volunteer_id, unit_id, snapshot, issued_on FROM volunteer_certificates";

pub async fn certificate<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<CertificateRow>, DbErr> {
    CertificateDb::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CERT_SELECT} WHERE id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await?
    .map(row)
    .transpose()
}

pub async fn certificate_by_number<C: ConnectionTrait>(c: &C, number: &str) -> Result<Option<CertificateRow>, DbErr> {
    CertificateDb::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CERT_SELECT} WHERE number = ?"),
        vec![number.trim().to_uppercase().into()],
    ))
    .one(c)
    .await?
    .map(row)
    .transpose()
}

/// A volunteer's certificates, latest first.
pub async fn certificates_of<C: ConnectionTrait>(c: &C, volunteer_id: i64) -> Result<Vec<CertificateRow>, DbErr> {
    CertificateDb::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{CERT_SELECT} WHERE volunteer_id = ? ORDER BY id DESC LIMIT 100"),
        vec![volunteer_id.into()],
    ))
    .all(c)
    .await?
    .into_iter()
    .map(row)
    .collect()
}
