//! All SQL of the registry and the two coverages. Every query returning organisations takes the
//! caller's scope.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::orgs::model::{name_core, OrgInput};
use crate::platform::access::Scope;
use crate::platform::db::{count, sql};
use crate::platform::paging::{Page, PageParams};

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub lead: bool,
    pub on_committee: bool,
}

pub async fn departments<C: ConnectionTrait>(c: &C) -> Result<Vec<Department>, DbErr> {
    Department::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, code, name, name_en, lead, on_committee FROM departments WHERE active = ? ORDER BY sort_order, id",
        vec![true.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_department<C: ConnectionTrait>(
    c: &C,
    code: &str,
    name: &str,
    name_en: &str,
    lead: bool,
    order: i32,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO departments (code, name, name_en, lead, on_committee, sort_order, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
            vec![code.into(), name.into(), name_en.into(), lead.into(), true.into(), order.into(), now.into(), now.into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// An organisation as listed and shown.
#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct OrgRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub credit_code: String,
    pub name: String,
    pub org_type: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub registered_on: NaiveDate,
    pub status: String,
    pub status_on: Option<NaiveDate>,
    pub grade: Option<String>,
    pub grade_year: Option<i32>,
    pub address: String,
    pub legal_rep: String,
    pub business_scope: String,
    #[serde(skip)]
    pub contact_phone: Option<String>,
    pub is_agency: bool,
    pub party_orgs: i64,
    pub version: i32,
}

impl OrgRow {
    pub fn phone_masked(&self) -> String {
        crate::platform::pii::phone_masked_opt(self.contact_phone.as_deref())
    }
    pub fn type_key(&self) -> String {
        format!("orgs.type.{}", self.org_type)
    }
    pub fn status_key(&self) -> String {
        format!("orgs.status.{}", self.status)
    }
}

const ORG_SELECT: &str = "SELECT o.id, o.unit_id, u.name AS unit_name, u.path AS unit_path, o.credit_code, o.name, o.org_type, \
    o.department_id, d.name AS department_name, o.registered_on, o.status, o.status_on, o.grade, o.grade_year, o.address, \
    o.legal_rep, o.business_scope, o.contact_phone, o.is_agency, \
    (SELECT COUNT(*) FROM party_org_members m JOIN party_orgs po ON po.id = m.party_org_id WHERE m.organisation_id = o.id AND po.dissolved_on IS NULL) AS party_orgs, \
    o.version FROM organisations o JOIN org_units u ON u.id = o.unit_id LEFT JOIN departments d ON d.id = o.department_id";

/// Filters of the registry list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgFilter {
    /// social_group, service_institution or foundation
    #[serde(default)]
    pub org_type: String,
    /// normal, deregistered or revoked
    #[serde(default)]
    pub status: String,
    /// department id
    #[serde(default)]
    pub department: String,
    /// unit id: the unit and everything below it
    #[serde(default)]
    pub unit: String,
    /// 1A–5A, or "none"
    #[serde(default)]
    pub grade: String,
    /// "yes": with a Party organisation, "no": without
    #[serde(default)]
    pub party: String,
}

impl OrgFilter {
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("org_type", self.org_type.as_str()),
            ("status", self.status.as_str()),
            ("department", self.department.as_str()),
            ("unit", self.unit.as_str()),
            ("grade", self.grade.as_str()),
            ("party", self.party.as_str()),
        ])
        .unwrap_or_default()
    }
}

const PARTY_EXISTS: &str = "EXISTS (SELECT 1 FROM party_org_members m JOIN party_orgs po ON po.id = m.party_org_id WHERE m.organisation_id = o.id AND po.dissolved_on IS NULL)";

fn where_clause(scope: &Scope, f: &OrgFilter, p: &PageParams) -> (String, Vec<Value>) {
    let (sf, mut vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let upper = q.to_uppercase();
        let (cond, v) = crate::platform::db::contains_any(&[("o.name", q), ("o.credit_code", &upper)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    for (col, v) in [("o.org_type", &f.org_type), ("o.status", &f.status)] {
        if !v.is_empty() {
            wh.push_str(&format!(" AND {col} = ?"));
            vals.push(v.clone().into());
        }
    }
    if let Ok(d) = f.department.parse::<i64>() {
        wh.push_str(" AND o.department_id = ?");
        vals.push(d.into());
    }
    if let Ok(u) = f.unit.parse::<i64>() {
        wh.push_str(" AND u.path LIKE (SELECT fu.path FROM org_units fu WHERE fu.id = ?) || '%'");
        vals.push(u.into());
    }
    match f.grade.as_str() {
        "" => {}
        "none" => wh.push_str(" AND o.grade IS NULL"),
        g => {
            wh.push_str(" AND o.grade = ?");
            vals.push(g.to_string().into());
        }
    }
    match f.party.as_str() {
        "yes" => wh.push_str(&format!(" AND {PARTY_EXISTS}")),
        "no" => wh.push_str(&format!(" AND NOT {PARTY_EXISTS}")),
        _ => {}
    }
    (wh, vals)
}

pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    p: &PageParams,
) -> Result<Page<OrgRow>, DbErr> {
    let (wh, vals) = where_clause(scope, f, p);
    // Every organisation has a unit: the count joins the units only when the unit filter needs
    // their paths (counting without the join is about twice as fast on both databases).
    let from = if f.unit.parse::<i64>().is_ok() {
        "organisations o JOIN org_units u ON u.id = o.unit_id"
    } else {
        "organisations o"
    };
    let total = count(c, &format!("SELECT COUNT(*) FROM {from}{wh}"), vals.clone()).await?;
    let order = p.order_by(
        &[
            ("name", "o.name"),
            ("code", "o.credit_code"),
            ("registered", "o.registered_on"),
            ("unit", "u.path"),
            ("grade", "o.grade"),
        ],
        "o.id",
    );
    let limit = p.limit_clause();
    let rows =
        OrgRow::find_by_statement(sql(c.get_database_backend(), &format!("{ORG_SELECT}{wh}{order}{limit}"), vals))
            .all(c)
            .await?;
    Ok(Page::new(rows, total, p))
}

/// Every organisation matching the filter, for exports (bounded by the registry's size).
pub async fn list_all<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    p: &PageParams,
) -> Result<Vec<OrgRow>, DbErr> {
    let (wh, vals) = where_clause(scope, f, p);
    OrgRow::find_by_statement(sql(c.get_database_backend(), &format!("{ORG_SELECT}{wh} ORDER BY u.path, o.name"), vals))
        .all(c)
        .await
}

pub async fn get_scoped<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<OrgRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("o.unit_id", Some("o.created_by"));
    vals.push(id.into());
    OrgRow::find_by_statement(sql(c.get_database_backend(), &format!("{ORG_SELECT} WHERE {sf} AND o.id = ?"), vals))
        .one(c)
        .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct DuplicateCandidate {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub status: String,
}

/// Organisations that may be the same as the one being saved: the same code, the same name,
/// or the same name core (see `name_core`). Looks at the whole registry, not only the scope:
/// a duplicate in another town is still a duplicate.
pub async fn possible_duplicates<C: ConnectionTrait>(
    c: &C,
    code: &str,
    name: &str,
    except: Option<i64>,
) -> Result<Vec<DuplicateCandidate>, DbErr> {
    let core = name_core(name);
    let mut wh = String::from("(credit_code = ? OR name = ?");
    let mut vals: Vec<Value> = vec![code.into(), name.into()];
    if core.chars().count() >= 2 {
        let (cond, v) = crate::platform::db::contains_any(&[("name", &core)]);
        wh.push_str(&format!(" OR {cond}"));
        vals.extend(v);
    }
    wh.push(')');
    vals.push(except.unwrap_or(-1).into());
    let rows = DuplicateCandidate::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT id, name, credit_code, status FROM organisations WHERE {wh} AND id <> ? ORDER BY id LIMIT 20"),
        vals,
    ))
    .all(c)
    .await?;
    // A LIKE match must also have the same core (e.g. "周市镇老年" must not match "周市镇老年大学校友").
    Ok(rows.into_iter().filter(|r| r.credit_code == code || r.name == name || name_core(&r.name) == core).collect())
}

pub async fn code_taken<C: ConnectionTrait>(c: &C, code: &str, except: Option<i64>) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM organisations WHERE credit_code = ? AND id <> ?",
        vec![code.into(), except.unwrap_or(-1).into()],
    )
    .await?
        > 0)
}

pub async fn insert<C: ConnectionTrait>(
    c: &C,
    i: &OrgInput,
    is_agency: bool,
    created_by: Option<i64>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO organisations (unit_id, credit_code, name, org_type, department_id, registered_on, status, grade, grade_year, address, \
             legal_rep, business_scope, contact_phone, is_agency, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                i.unit_id.into(),
                i.credit_code.clone().into(),
                i.name.clone().into(),
                i.org_type.clone().into(),
                i.department_id.into(),
                i.registered_on.into(),
                "normal".into(),
                i.grade.clone().into(),
                i.grade_year.into(),
                i.address.clone().into(),
                i.legal_rep.clone().into(),
                i.business_scope.clone().into(),
                i.contact_phone.clone().into(),
                is_agency.into(),
                created_by.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
}

/// Updates the registry fields if the version matches; false when stale.
pub async fn update<C: ConnectionTrait>(c: &C, id: i64, i: &OrgInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE organisations SET unit_id = ?, credit_code = ?, name = ?, org_type = ?, department_id = ?, registered_on = ?, grade = ?, \
             grade_year = ?, address = ?, legal_rep = ?, business_scope = ?, contact_phone = ?, version = version + 1, updated_at = ? \
             WHERE id = ? AND version = ?",
            vec![
                i.unit_id.into(),
                i.credit_code.clone().into(),
                i.name.clone().into(),
                i.org_type.clone().into(),
                i.department_id.into(),
                i.registered_on.into(),
                i.grade.clone().into(),
                i.grade_year.into(),
                i.address.clone().into(),
                i.legal_rep.clone().into(),
                i.business_scope.clone().into(),
                i.contact_phone.clone().into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Sets the registration status (never deletes); false when stale.
pub async fn set_status<C: ConnectionTrait>(
    c: &C,
    id: i64,
    status: &str,
    on: Option<NaiveDate>,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE organisations SET status = ?, status_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![status.into(), on.into(), Utc::now().into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ChangeRow {
    pub id: i64,
    pub kind: String,
    pub changed_on: NaiveDate,
    pub before_value: Option<String>,
    pub after_value: Option<String>,
    pub note: String,
}

impl ChangeRow {
    pub fn kind_key(&self) -> String {
        format!("orgs.change.{}", self.kind)
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn add_change<C: ConnectionTrait>(
    c: &C,
    org: i64,
    kind: &str,
    on: NaiveDate,
    before: Option<&str>,
    after: Option<&str>,
    note: &str,
    actor: Option<i64>,
) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "INSERT INTO organisation_changes (organisation_id, kind, changed_on, before_value, after_value, note, actor_id, created_at) VALUES (?,?,?,?,?,?,?,?)",
        vec![
            org.into(),
            kind.into(),
            on.into(),
            before.map(str::to_string).into(),
            after.map(str::to_string).into(),
            note.into(),
            actor.into(),
            Utc::now().into(),
        ],
    ))
    .await
    .map(|_| ())
}

pub async fn changes<C: ConnectionTrait>(c: &C, org: i64) -> Result<Vec<ChangeRow>, DbErr> {
    ChangeRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, kind, changed_on, before_value, after_value, note FROM organisation_changes WHERE organisation_id = ? ORDER BY changed_on DESC, id DESC",
        vec![org.into()],
    ))
    .all(c)
    .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct PartyOrgRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub kind: String,
    pub members: i32,
    pub secretary: String,
    pub established_on: NaiveDate,
    pub dissolved_on: Option<NaiveDate>,
    pub in_action_plan: bool,
    pub organisations: i64,
}

impl PartyOrgRow {
    pub fn kind_key(&self) -> String {
        format!("party.kind.{}", self.kind)
    }
}

const PARTY_SELECT: &str = "SELECT p.id, p.unit_id, u.name AS unit_name, p.name, p.kind, p.members, p.secretary, p.established_on, p.dissolved_on, \
    p.in_action_plan, (SELECT COUNT(*) FROM party_org_members m WHERE m.party_org_id = p.id) AS organisations \
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

/// Party organisations in scope, paged.
pub async fn party_orgs<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kind: &str,
    p: &PageParams,
) -> Result<Page<PartyOrgRow>, DbErr> {
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
    let total =
        count(c, &format!("SELECT COUNT(*) FROM party_orgs p JOIN org_units u ON u.id = p.unit_id{wh}"), vals.clone())
            .await?;
    let order = p.order_by(
        &[("name", "p.name"), ("established", "p.established_on"), ("members", "p.members"), ("unit", "u.path")],
        "p.id",
    );
    let limit = p.limit_clause();
    let rows = PartyOrgRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{PARTY_SELECT}{wh}{order}{limit}"),
        vals,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
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
    let row = c
        .query_one(sql(
            b,
            "INSERT INTO party_orgs (unit_id, name, kind, members, secretary, established_on, in_action_plan, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![unit_id.into(), name.into(), kind.into(), members.into(), secretary.into(), established_on.into(), in_action_plan.into(), now.into(), now.into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    let id: i64 = row.try_get_by_index(0)?;
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
    pub name: String,
    pub assigned_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

pub async fn instructors_of<C: ConnectionTrait>(c: &C, org: i64) -> Result<Vec<InstructorRow>, DbErr> {
    InstructorRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, name, assigned_on, ended_on FROM party_instructors WHERE organisation_id = ? ORDER BY assigned_on DESC",
        vec![org.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_instructor<C: ConnectionTrait>(
    c: &C,
    org: i64,
    name: &str,
    assigned_on: NaiveDate,
) -> Result<i64, DbErr> {
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO party_instructors (organisation_id, name, assigned_on, created_at) VALUES (?,?,?,?) RETURNING id",
            vec![org.into(), name.into(), assigned_on.into(), Utc::now().into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
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
pub async fn action_plan_party_orgs<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<i64, DbErr> {
    let (sf, vals) = scope.unit_filter("p.unit_id", None);
    count(
        c,
        &format!(
            "SELECT COUNT(DISTINCT pp.party_org_id) FROM plan_party_orgs pp JOIN party_orgs p ON p.id = pp.party_org_id \
             WHERE p.dissolved_on IS NULL AND {sf}"
        ),
        vals,
    )
    .await
}

/// One organisation of a bulk load (demo data, imports).
pub struct BulkOrg<'a> {
    pub input: &'a OrgInput,
    pub status: &'a str,
    pub status_on: Option<NaiveDate>,
    pub is_agency: bool,
}

/// Inserts many organisations with multi-row statements (200 rows each) and returns their ids
/// by credit code. Each gets its establishment change record.
pub async fn insert_many<C: ConnectionTrait>(
    c: &C,
    rows: &[BulkOrg<'_>],
) -> Result<std::collections::HashMap<String, i64>, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    for chunk in rows.chunks(200) {
        let mut text = String::from(
            "INSERT INTO organisations (unit_id, credit_code, name, org_type, department_id, registered_on, status, status_on, grade, grade_year, \
             address, legal_rep, business_scope, contact_phone, is_agency, created_at, updated_at) VALUES ",
        );
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 17);
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            let o = r.input;
            vals.extend([
                Value::from(o.unit_id),
                o.credit_code.clone().into(),
                o.name.clone().into(),
                o.org_type.clone().into(),
                o.department_id.into(),
                o.registered_on.into(),
                r.status.into(),
                r.status_on.into(),
                o.grade.clone().into(),
                o.grade_year.into(),
                o.address.clone().into(),
                o.legal_rep.clone().into(),
                o.business_scope.clone().into(),
                o.contact_phone.clone().into(),
                r.is_agency.into(),
                now.into(),
                now.into(),
            ]);
        }
        c.execute(sql(b, &text, vals)).await?;
    }
    #[derive(FromQueryResult)]
    struct IdCode {
        id: i64,
        credit_code: String,
    }
    let ids: std::collections::HashMap<String, i64> =
        IdCode::find_by_statement(sql(b, "SELECT id, credit_code FROM organisations", vec![]))
            .all(c)
            .await?
            .into_iter()
            .map(|r| (r.credit_code, r.id))
            .collect();
    for chunk in rows.chunks(300) {
        let mut text = String::from("INSERT INTO organisation_changes (organisation_id, kind, changed_on, after_value, note, created_at) VALUES ");
        let mut vals: Vec<Value> = Vec::new();
        let mut n = 0;
        for r in chunk {
            let Some(id) = ids.get(&r.input.credit_code) else { continue };
            let mut rows_here = vec![(*id, "establish", r.input.registered_on, r.input.name.clone())];
            if let Some(on) = r.status_on {
                rows_here.push((*id, "status", on, r.status.to_string()));
            }
            for (id, kind, on, after) in rows_here {
                if n > 0 {
                    text.push(',');
                }
                text.push_str("(?,?,?,?,'',?)");
                vals.extend([Value::from(id), kind.into(), on.into(), after.into(), now.into()]);
                n += 1;
            }
        }
        if n > 0 {
            c.execute(sql(b, &text, vals)).await?;
        }
    }
    Ok(ids)
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

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ReportRow {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub credit_code: String,
    pub unit_name: String,
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

const REPORT_SELECT: &str = "SELECT r.id, r.organisation_id, o.name AS organisation_name, o.credit_code, u.name AS unit_name, r.year, r.submitted_on, \
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
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO annual_reports (organisation_id, year, submitted_on, party_status, party_members, party_activities, summary, created_by, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
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
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    row.try_get_by_index(0)
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
    match result {
        "pending" => wh.push_str(" AND r.result IS NULL"),
        "pass" | "basic_pass" | "fail" => {
            wh.push_str(" AND r.result = ?");
            v.push(result.to_string().into());
        }
        _ => {}
    }
    let total = count(
        c,
        &format!("SELECT COUNT(*) FROM annual_reports r JOIN organisations o ON o.id = r.organisation_id{wh}"),
        v.clone(),
    )
    .await?;
    let limit = p.limit_clause();
    let rows = ReportRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{REPORT_SELECT}{wh} ORDER BY u.path, o.name{limit}"),
        v,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
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
    let total = count(
        c,
        &format!("SELECT COUNT(*) FROM organisations o JOIN org_units u ON u.id = o.unit_id{wh}"),
        vals.clone(),
    )
    .await?;
    let limit = p.limit_clause();
    let rows = OrgRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ORG_SELECT}{wh} ORDER BY u.path, o.name{limit}"),
        vals,
    ))
    .all(c)
    .await?;
    Ok(Page::new(rows, total, p))
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub lead: bool,
    pub on_committee: bool,
    pub active: bool,
    pub version: i32,
    pub organisations: i64,
}

/// Every department, active or not, with the number of organisations it supervises.
pub async fn all_departments<C: ConnectionTrait>(c: &C) -> Result<Vec<DepartmentRow>, DbErr> {
    DepartmentRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT d.id, d.code, d.name, d.name_en, d.lead, d.on_committee, d.active, d.version, \
         (SELECT COUNT(*) FROM organisations o WHERE o.department_id = d.id) AS organisations FROM departments d ORDER BY d.sort_order, d.id",
        vec![],
    ))
    .all(c)
    .await
}

/// Updates a department's names and flags if the version matches; false when stale.
#[allow(clippy::too_many_arguments)]
pub async fn update_department<C: ConnectionTrait>(
    c: &C,
    id: i64,
    name: &str,
    name_en: &str,
    lead: bool,
    on_committee: bool,
    active: bool,
    version: i32,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE departments SET name = ?, name_en = ?, lead = ?, on_committee = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![name.into(), name_en.into(), lead.into(), on_committee.into(), active.into(), Utc::now().into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn department_code_taken<C: ConnectionTrait>(c: &C, code: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM departments WHERE code = ?", vec![code.into()]).await? > 0)
}
