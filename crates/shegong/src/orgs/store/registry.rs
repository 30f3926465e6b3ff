//! The registry: organisations, their dated change records, duplicates and bulk loads. Every
//! query returning organisations takes the caller's scope.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use cncodes::CreditCode;

use crate::orgs::model::{name_core, OrgInput};
use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};

/// An organisation as listed and shown.
#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct OrgRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub unit_path: String,
    pub credit_code: String,
    pub name: String,
    pub org_type: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    /// The department's English name (empty or none: the Chinese one stands).
    pub department_name_en: Option<String>,
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
    /// The competent department in `lang` ("—" when none).
    pub fn department(&self, lang: &crate::platform::i18n::Lang) -> &str {
        match (&self.department_name, &self.department_name_en) {
            (Some(_), Some(en)) if *lang == crate::platform::i18n::Lang::En && !en.is_empty() => en,
            (Some(zh), _) => zh,
            _ => "—",
        }
    }

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

pub(super) const ORG_SELECT: &str = "SELECT o.id, o.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, u.path AS unit_path, o.credit_code, o.name, o.org_type, \
    o.department_id, d.name AS department_name, d.name_en AS department_name_en, o.registered_on, o.status, o.status_on, o.grade, o.grade_year, o.address, \
    o.legal_rep, o.business_scope, o.contact_phone, o.is_agency, \
    (SELECT COUNT(*) FROM party_org_members m JOIN party_orgs po ON po.id = m.party_org_id WHERE m.organisation_id = o.id AND po.dissolved_on IS NULL) AS party_orgs, \
    o.version FROM organisations o JOIN org_units u ON u.id = o.unit_id LEFT JOIN departments d ON d.id = o.department_id";

/// An organisation as the registry list shows it: only the columns of the list's table, so a
/// page decodes 12 values a row instead of [`OrgRow`]'s 22 (the long texts, the phone and the
/// unit's path are not read; docs/PERFORMANCE.md, "The registry list").
#[derive(Debug, Clone, FromQueryResult)]
pub struct OrgListRow {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub org_type: String,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub department_name: Option<String>,
    /// The department's English name (empty or none: the Chinese one stands).
    pub department_name_en: Option<String>,
    pub registered_on: NaiveDate,
    pub status: String,
    pub grade: Option<String>,
    /// Party organisations (not dissolved) the organisation belongs to. A count, not `EXISTS`:
    /// PostgreSQL turns an `EXISTS` in the select list into a hash of every membership built on
    /// each execution (about 0.3 ms), while the count runs one index lookup for each of the
    /// page's rows.
    pub party_orgs: i64,
}

impl OrgListRow {
    /// The competent department in `lang` ("—" when none).
    pub fn department(&self, lang: &crate::platform::i18n::Lang) -> &str {
        match (&self.department_name, &self.department_name_en) {
            (Some(_), Some(en)) if *lang == crate::platform::i18n::Lang::En && !en.is_empty() => en,
            (Some(zh), _) => zh,
            _ => "—",
        }
    }
    /// The locale key of the type (no allocation for the known codes).
    pub fn type_key(&self) -> std::borrow::Cow<'static, str> {
        match crate::orgs::model::OrgType::parse(&self.org_type) {
            Some(crate::orgs::model::OrgType::SocialGroup) => "orgs.type.social_group".into(),
            Some(crate::orgs::model::OrgType::ServiceInstitution) => "orgs.type.service_institution".into(),
            Some(crate::orgs::model::OrgType::Foundation) => "orgs.type.foundation".into(),
            None => format!("orgs.type.{}", self.org_type).into(),
        }
    }
    /// The locale key of the status (no allocation for the known codes).
    pub fn status_key(&self) -> std::borrow::Cow<'static, str> {
        match crate::orgs::model::OrgStatus::parse(&self.status) {
            Some(crate::orgs::model::OrgStatus::Normal) => "orgs.status.normal".into(),
            Some(crate::orgs::model::OrgStatus::Deregistered) => "orgs.status.deregistered".into(),
            Some(crate::orgs::model::OrgStatus::Revoked) => "orgs.status.revoked".into(),
            None => format!("orgs.status.{}", self.status).into(),
        }
    }
}

const ORG_LIST_SELECT: &str = "SELECT o.id, o.name, o.credit_code, o.org_type, u.name AS unit_name, u.name_en AS unit_name_en, \
    d.name AS department_name, d.name_en AS department_name_en, o.registered_on, o.status, o.grade, \
    (SELECT COUNT(*) FROM party_org_members m JOIN party_orgs po ON po.id = m.party_org_id WHERE m.organisation_id = o.id AND po.dissolved_on IS NULL) AS party_orgs \
    FROM organisations o JOIN org_units u ON u.id = o.unit_id LEFT JOIN departments d ON d.id = o.department_id";

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
    /// A day (YYYY-MM-DD): organisations registered by then and not deregistered or revoked on it
    #[serde(default)]
    pub on: String,
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
            ("on", self.on.as_str()),
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
    if let Some(on) = crate::orgs::model::parse_date(&f.on) {
        // In the register on that day: the coverage's and the indicators' denominator.
        wh.push_str(" AND o.registered_on <= ? AND (o.status = 'normal' OR o.status_on > ?)");
        vals.push(on.into());
        vals.push(on.into());
    }
    (wh, vals)
}

pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    p: &PageParams,
) -> Result<Page<OrgRow>, DbErr> {
    list_as(c, scope, f, p, ORG_SELECT).await
}

/// One page of the registry list as the list page shows it ([`OrgListRow`]): the same filter,
/// sort and scope as [`list`], fewer columns.
pub async fn list_rows<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    p: &PageParams,
) -> Result<Page<OrgListRow>, DbErr> {
    list_as(c, scope, f, p, ORG_LIST_SELECT).await
}

async fn list_as<T: FromQueryResult, C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    p: &PageParams,
    select: &str,
) -> Result<Page<T>, DbErr> {
    let (wh, vals) = where_clause(scope, f, p);
    // By unit: the units' official order (one more statement, only for that sort).
    let by_unit = match p.sort.as_deref() {
        Some("unit") => crate::units::official_order(c, scope, "o.unit_id").await?,
        _ => "o.unit_id".into(),
    };
    let order = p.order_by(
        &[
            ("name", "o.name"),
            ("code", "o.credit_code"),
            ("registered", "o.registered_on"),
            ("unit", &by_unit),
            ("grade", "o.grade"),
        ],
        "o.id",
    );
    // Every organisation has a unit: the count joins the units only when the unit filter needs
    // their paths (counting without the join is about twice as fast on both databases).
    let from = if f.unit.parse::<i64>().is_ok() {
        "organisations o JOIN org_units u ON u.id = o.unit_id"
    } else {
        "organisations o"
    };
    fetch(c, &format!("SELECT COUNT(*) FROM {from}{wh}"), &format!("{select}{wh}"), &order, vals, p).await
}

/// Every organisation matching the filter, for exports (bounded by the registry's size).
pub async fn list_all<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    p: &PageParams,
) -> Result<Vec<OrgRow>, DbErr> {
    let (wh, vals) = where_clause(scope, f, p);
    let by_unit = crate::units::official_order(c, scope, "o.unit_id").await?;
    OrgRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ORG_SELECT}{wh} ORDER BY {by_unit}, o.name, o.id"),
        vals,
    ))
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
    code: &CreditCode,
    name: &str,
    except: Option<i64>,
) -> Result<Vec<DuplicateCandidate>, DbErr> {
    let code = code.as_str();
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

pub async fn code_taken<C: ConnectionTrait>(c: &C, code: &CreditCode, except: Option<i64>) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM organisations WHERE credit_code = ? AND id <> ?",
        vec![code.as_str().into(), except.unwrap_or(-1).into()],
    )
    .await?
        > 0)
}

pub async fn insert<C: ConnectionTrait>(c: &C, i: &OrgInput, created_by: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO organisations (unit_id, credit_code, name, org_type, department_id, registered_on, status, grade, grade_year, address, \
             legal_rep, business_scope, contact_phone, is_agency, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            i.unit_id.into(),
            i.credit_code.as_str().into(),
            i.name.clone().into(),
            i.org_type.code().into(),
            i.department_id.into(),
            i.registered_on.into(),
            "normal".into(),
            i.grade.clone().into(),
            i.grade_year.into(),
            i.address.clone().into(),
            i.legal_rep.clone().into(),
            i.business_scope.clone().into(),
            i.contact_phone.clone().into(),
            i.is_agency.into(),
            created_by.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// Updates the registry fields if the version matches; false when stale.
pub async fn update<C: ConnectionTrait>(c: &C, id: i64, i: &OrgInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE organisations SET unit_id = ?, credit_code = ?, name = ?, org_type = ?, department_id = ?, registered_on = ?, grade = ?, \
             grade_year = ?, address = ?, legal_rep = ?, business_scope = ?, contact_phone = ?, is_agency = ?, version = version + 1, updated_at = ? \
             WHERE id = ? AND version = ?",
            vec![
                i.unit_id.into(),
                i.credit_code.as_str().into(),
                i.name.clone().into(),
                i.org_type.code().into(),
                i.department_id.into(),
                i.registered_on.into(),
                i.grade.clone().into(),
                i.grade_year.into(),
                i.address.clone().into(),
                i.legal_rep.clone().into(),
                i.business_scope.clone().into(),
                i.contact_phone.clone().into(),
                i.is_agency.into(),
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

/// One organisation of a bulk load (demo data, imports).
pub struct BulkOrg<'a> {
    pub input: &'a OrgInput,
    pub status: &'a str,
    pub status_on: Option<NaiveDate>,
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
                o.credit_code.as_str().into(),
                o.name.clone().into(),
                o.org_type.code().into(),
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
                o.is_agency.into(),
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
            let Some(id) = ids.get(r.input.credit_code.as_str()) else { continue };
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
