//! Pages of the registry and of Party building: organisations (list, register, edit with dated
//! change records, deregister/revoke, contact reveal), Party organisations (own and joint),
//! Party-building instructors, and the two-coverages figures page.

use askama::Template;
use axum::extract::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::store::set_flash;
use crate::orgs::figures::{self, Coverage};
use crate::orgs::model::{
    division_matches, parse_date, OrgForm, OrgInput, OrgStatus, OrgType, PartyOrgKind, ReportForm, REPORT_RESULTS,
};
use crate::orgs::store::{
    self, ChangeRow, Department, DuplicateCandidate, InstructorRow, OrgFilter, OrgRow, PartyOrgRow, ReportCounts,
    ReportRow,
};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::chart::{BarChart, BarRow};
use crate::platform::error::{AppError, AppResult};
use crate::platform::import::ImportReport;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::{
    self, download, render, render_status, see_other, FormErrors, ImportPage, PageCtx, XLSX_TYPE,
};
use crate::units::store::{self as units, UnitOption};

pub fn routes() -> Routes {
    Routes::new()
        .get("/orgs", Need::Perm("orgs.read"), list)
        .get("/orgs/export.xlsx", Need::Perm("orgs.read"), export_xlsx)
        .get("/orgs/template.xlsx", Need::Perm("orgs.write"), template_xlsx)
        .get("/orgs/import", Need::Perm("orgs.write"), import_form)
        .post("/orgs/import", Need::Perm("orgs.write"), import_upload)
        .get("/orgs/reports", Need::Perm("orgs.read"), report_list)
        .get("/orgs/departments", Need::Perm("orgs.read"), departments_page)
        .post("/orgs/departments", Need::Perm("orgs.write"), department_create)
        .with("id", &crate::orgs::DEPARTMENT)
        .post("/orgs/departments/{id}", Need::Perm("orgs.write"), department_update)
        .get("/orgs/new", Need::Perm("orgs.write"), new_form)
        .post("/orgs", Need::Perm("orgs.write"), create)
        .with("id", &crate::orgs::ORG)
        .with("rid", &crate::orgs::REPORT)
        .get("/orgs/{id}", Need::Perm("orgs.read"), detail)
        .get("/orgs/{id}/edit", Need::Perm("orgs.write"), edit_form)
        .post("/orgs/{id}", Need::Perm("orgs.write"), update)
        .post("/orgs/{id}/status", Need::Perm("orgs.write"), set_status)
        .post("/orgs/{id}/reveal", Need::Perm("orgs.contact_reveal"), reveal_phone)
        .post("/orgs/{id}/party", Need::Perm("party.write"), add_own_party_org)
        .post("/orgs/{id}/reports", Need::Perm("orgs.write"), report_submit)
        .post("/orgs/{id}/reports/{rid}/review", Need::Perm("orgs.write"), report_review)
        .post("/orgs/{id}/instructors", Need::Perm("party.write"), add_instructor)
        .get("/party/orgs", Need::Perm("party.read"), party_list)
        .get("/party/orgs/new", Need::Perm("party.write"), joint_form)
        .get("/party/orgs/import", Need::Perm("party.write"), party_import_form)
        .post("/party/orgs/import", Need::Perm("party.write"), party_import_upload)
        .get("/party/orgs/template.xlsx", Need::Perm("party.write"), party_template)
        .post("/party/orgs", Need::Perm("party.write"), joint_create)
        .get("/party/coverage", Need::Perm("orgs.read"), coverage_page)
}

fn errors_from(c: &PageCtx, errs: Vec<(&'static str, &'static str, String)>) -> FormErrors {
    let mut e = FormErrors::default();
    for (field, key, detail) in errs {
        let msg = if detail.is_empty() { c.t(key).to_string() } else { format!("{}：{detail}", c.t(key)) };
        e.add(field, msg);
    }
    e
}

fn indent(depth: &i32) -> String {
    "　".repeat((*depth).max(0) as usize)
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: OrgFilter,
    page: Page<OrgRow>,
    departments: Vec<Department>,
    units: Vec<UnitOption>,
    extra: String,
}

impl ListPage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<OrgFilter>,
) -> AppResult<Response> {
    let page = store::list(&st.db.conn, &auth.scope, &f, &p).await?;
    let departments = crate::orgs::department_picker(&st, &auth).await?.to_vec();
    let units = crate::units::picker(&st, &auth).await?.iter().filter(|u| u.depth <= 1).cloned().collect();
    let extra = f.query_string();
    render(&ListPage { c, p, f, page, departments, units, extra })
}

#[derive(Template)]
#[template(path = "orgs/form.html")]
struct FormPage {
    c: PageCtx,
    id: Option<i64>,
    f: OrgForm,
    errors: FormErrors,
    departments: Vec<Department>,
    units: Vec<UnitOption>,
    duplicates: Vec<DuplicateCandidate>,
}

impl FormPage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

async fn form_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: Option<i64>,
    f: OrgForm,
    errors: FormErrors,
    duplicates: Vec<DuplicateCandidate>,
) -> AppResult<Response> {
    let departments = store::departments(&st.db.conn).await?;
    let units = units::options(&st.db.conn, &auth.scope).await?;
    let status =
        if errors.is_empty() && duplicates.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &FormPage { c, id, f, errors, departments, units, duplicates })
}

async fn new_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let f = OrgForm {
        org_type: OrgType::SocialGroup.code().into(),
        unit_id: auth.unit_id.to_string(),
        ..OrgForm::default()
    };
    form_page(&st, c, &auth, None, f, FormErrors::default(), vec![]).await
}

/// The checks shared by create and edit beyond the form's own rules: the unit is in scope, the
/// division in the code lies inside the unit, the department exists, the code is unique.
async fn check_input(
    st: &AppState,
    auth: &Auth,
    input: &OrgInput,
    except: Option<i64>,
) -> AppResult<Vec<(&'static str, &'static str, String)>> {
    let mut errs = Vec::new();
    match units::get_scoped(&st.db.conn, &auth.scope, input.unit_id).await? {
        None => errs.push(("unit_id", "orgs.error.unit", String::new())),
        Some(unit) => {
            let mut chain: Vec<String> = unit.division_code.clone().into_iter().collect();
            for a in
                units::ancestors(&st.db.conn, &crate::platform::access::Scope::all(), &unit).await?.into_iter().rev()
            {
                chain.extend(a.division_code);
            }
            if let Ok(code) = cncodes::CreditCode::parse(&input.credit_code) {
                if !division_matches(&code, &chain) {
                    errs.push(("credit_code", "orgs.error.division", code.division().to_string()));
                }
            }
        }
    }
    if let Some(d) = input.department_id {
        if !store::departments(&st.db.conn).await?.iter().any(|x| x.id == d) {
            errs.push(("department_id", "orgs.error.department", String::new()));
        }
    }
    if store::code_taken(&st.db.conn, &input.credit_code, except).await? {
        errs.push(("credit_code", "orgs.error.code_taken", input.credit_code.clone()));
    }
    Ok(errs)
}

async fn create(State(st): State<AppState>, c: PageCtx, auth: Auth, Form(f): Form<OrgForm>) -> AppResult<Response> {
    if let Some(prev) = once::previous(&st.db.conn, &f.nonce, auth.id).await? {
        set_flash(&st.db.conn, auth.session_id, Some("common.duplicate")).await?;
        return Ok(see_other(if prev.is_empty() { "/orgs" } else { &prev }));
    }
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let e = errors_from(&c, errs);
            return form_page(&st, c, &auth, None, f, e, vec![]).await;
        }
    };
    let errs = check_input(&st, &auth, &input, None).await?;
    if !errs.is_empty() {
        let e = errors_from(&c, errs);
        return form_page(&st, c, &auth, None, f, e, vec![]).await;
    }
    let duplicates = store::possible_duplicates(&st.db.conn, &input.credit_code, &input.name, None).await?;
    let overridden = !duplicates.is_empty() && f.not_duplicate == "yes";
    if !duplicates.is_empty() && !overridden {
        return form_page(&st, c, &auth, None, f, FormErrors::default(), duplicates).await;
    }
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        set_flash(&st.db.conn, auth.session_id, Some("common.duplicate")).await?;
        return Ok(see_other(if prev.is_empty() { "/orgs" } else { &prev }));
    }
    let is_agency =
        input.org_type == "service_institution" && (input.name.contains("社工") || input.name.contains("社会工作"));
    let id = store::insert(&*tx, &input, is_agency, Some(auth.id)).await?;
    store::add_change(&*tx, id, "establish", input.registered_on, None, Some(&input.name), "", Some(auth.id)).await?;
    let mut ev = Event::new("create", "organisation", id).unit(input.unit_id).after(&input);
    if overridden {
        // A deliberate override of the duplicate warning is part of the audit record.
        ev = ev.before(&serde_json::json!({"duplicate_override": duplicates.iter().map(|d| (&d.name, &d.credit_code)).collect::<Vec<_>>()}));
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), ev).await?;
    once::complete(&*tx, &f.nonce, &format!("/orgs/{id}")).await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Template)]
#[template(path = "orgs/detail.html")]
struct DetailPage {
    c: PageCtx,
    o: OrgRow,
    changes: Vec<ChangeRow>,
    party: Vec<PartyOrgRow>,
    instructors: Vec<InstructorRow>,
    today: String,
    party_kinds: Vec<PartyOrgKind>,
    reports: Vec<ReportRow>,
    last_year: i32,
}

async fn detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let changes = store::changes(&st.db.conn, id).await?;
    let party = store::party_orgs_of(&st.db.conn, id).await?;
    let instructors = store::instructors_of(&st.db.conn, id).await?;
    let party_kinds = vec![PartyOrgKind::Branch, PartyOrgKind::GeneralBranch, PartyOrgKind::Committee];
    let reports = store::reports_of(&st.db.conn, id).await?;
    let last_year = today().format("%Y").to_string().parse::<i32>().unwrap_or(2023) - 1;
    render(&DetailPage {
        c,
        o,
        changes,
        party,
        instructors,
        today: today().to_string(),
        party_kinds,
        reports,
        last_year,
    })
}

#[derive(Template)]
#[template(path = "orgs/phone.html")]
struct PhonePartial {
    phone: String,
}

/// Shows one organisation's full contact phone; each reveal is audited.
async fn reveal_phone(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("reveal", "organisation", id).unit(o.unit_id).after(&serde_json::json!({"field": "contact_phone"})),
    )
    .await?;
    tx.commit().await?;
    render(&PhonePartial { phone: o.contact_phone.unwrap_or_default() })
}

fn form_of(o: &OrgRow) -> OrgForm {
    OrgForm {
        credit_code: o.credit_code.clone(),
        name: o.name.clone(),
        org_type: o.org_type.clone(),
        department_id: o.department_id.map(|d| d.to_string()).unwrap_or_default(),
        unit_id: o.unit_id.to_string(),
        registered_on: o.registered_on.to_string(),
        grade: o.grade.clone().unwrap_or_default(),
        grade_year: o.grade_year.map(|y| y.to_string()).unwrap_or_default(),
        address: o.address.clone(),
        legal_rep: o.legal_rep.clone(),
        business_scope: o.business_scope.clone(),
        // The phone is not put into the form: editing it means typing the new number.
        contact_phone: String::new(),
        changed_on: today().to_string(),
        not_duplicate: String::new(),
        version: o.version.to_string(),
        nonce: String::new(),
    }
}

async fn edit_form(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    form_page(&st, c, &auth, Some(id), form_of(&o), FormErrors::default(), vec![]).await
}

async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(mut f): Form<OrgForm>,
) -> AppResult<Response> {
    let old = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    // An empty phone field keeps the number on record (it is never sent to the browser).
    if f.contact_phone.trim().is_empty() {
        f.contact_phone = old.contact_phone.clone().unwrap_or_default();
    }
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let e = errors_from(&c, errs);
            f.contact_phone.clear();
            return form_page(&st, c, &auth, Some(id), f, e, vec![]).await;
        }
    };
    let mut errs = check_input(&st, &auth, &input, Some(id)).await?;
    let changed_on = match f.changed_on.trim() {
        "" => Some(today()),
        s => parse_date(s).filter(|d| *d <= today() && *d >= old.registered_on),
    };
    if changed_on.is_none() {
        errs.push(("changed_on", "orgs.error.changed_on", f.changed_on.clone()));
    }
    if !errs.is_empty() {
        let e = errors_from(&c, errs);
        f.contact_phone.clear();
        return form_page(&st, c, &auth, Some(id), f, e, vec![]).await;
    }
    let changed_on = changed_on.unwrap_or_else(today);
    let duplicates = if input.name != old.name {
        store::possible_duplicates(&st.db.conn, &input.credit_code, &input.name, Some(id)).await?
    } else {
        vec![]
    };
    if !duplicates.is_empty() && f.not_duplicate != "yes" {
        f.contact_phone.clear();
        return form_page(&st, c, &auth, Some(id), f, FormErrors::default(), duplicates).await;
    }
    let version: i32 = f.version.trim().parse().map_err(|_| AppError::BadRequest("error.bad_request".into()))?;
    let tx = st.db.write().await?;
    if !store::update(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    let grade_text =
        |g: &Option<String>, y: &Option<i32>| g.as_ref().map(|g| format!("{g} ({})", y.unwrap_or_default()));
    let diffs: [(&str, Option<String>, Option<String>); 6] = [
        ("name", Some(old.name.clone()), Some(input.name.clone())),
        ("address", Some(old.address.clone()), Some(input.address.clone())),
        ("legal_rep", Some(old.legal_rep.clone()), Some(input.legal_rep.clone())),
        ("scope", Some(old.business_scope.clone()), Some(input.business_scope.clone())),
        ("grade", grade_text(&old.grade, &old.grade_year), grade_text(&input.grade, &input.grade_year)),
        ("unit", Some(old.unit_name.clone()), units::get(&*tx, input.unit_id).await?.map(|u| u.name)),
    ];
    for (kind, before, after) in diffs {
        if before != after {
            store::add_change(&*tx, id, kind, changed_on, before.as_deref(), after.as_deref(), "", Some(auth.id))
                .await?;
        }
    }
    let mut after = serde_json::to_value(&input).unwrap_or_default();
    if let Some(obj) = after.as_object_mut() {
        if !duplicates.is_empty() {
            obj.insert(
                "duplicate_override".into(),
                serde_json::json!(duplicates.iter().map(|d| &d.name).collect::<Vec<_>>()),
            );
        }
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "organisation", id).unit(input.unit_id).before(&old).after(&after),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
    #[serde(default)]
    status_on: String,
    #[serde(default)]
    note: String,
    version: i32,
}

/// Deregistration (注销), revocation (撤销) or restoration: a dated change, never a deletion.
async fn set_status(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let old = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let status = OrgStatus::parse(&f.status).ok_or_else(|| AppError::BadRequest("orgs.error.status".into()))?;
    if status.code() == old.status {
        return Err(AppError::BadRequest("orgs.error.status".into()));
    }
    let on = match f.status_on.trim() {
        "" => today(),
        s => parse_date(s)
            .filter(|d| *d >= old.registered_on && *d <= today())
            .ok_or_else(|| AppError::BadRequest("orgs.error.changed_on".into()))?,
    };
    let status_on = (status != OrgStatus::Normal).then_some(on);
    let tx = st.db.write().await?;
    if !store::set_status(&*tx, id, status.code(), status_on, f.version).await? {
        return Err(AppError::Stale);
    }
    let note: String = f.note.trim().chars().take(500).collect();
    store::add_change(&*tx, id, "status", on, Some(&old.status), Some(status.code()), &note, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("status", "organisation", id)
            .unit(old.unit_id)
            .before(&serde_json::json!({"status": old.status}))
            .after(&serde_json::json!({"status": status.code(), "on": on, "note": note})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Deserialize)]
struct PartyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    secretary: String,
    #[serde(default)]
    established_on: String,
    #[serde(default)]
    in_action_plan: String,
    #[serde(default)]
    unit_id: String,
    /// Joint branches: the credit codes of the covered organisations, one per line.
    #[serde(default)]
    codes: String,
    #[serde(default, rename = "_nonce")]
    nonce: String,
}

struct PartyInput {
    name: String,
    kind: PartyOrgKind,
    members: i32,
    secretary: String,
    established_on: NaiveDate,
    in_action_plan: bool,
}

fn parse_party(f: &PartyForm) -> Result<PartyInput, Vec<(&'static str, &'static str, String)>> {
    let mut errs = Vec::new();
    let name = f.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 100 {
        errs.push(("name", "party.error.name", String::new()));
    }
    let kind = PartyOrgKind::parse(f.kind.trim());
    if kind.is_none() {
        errs.push(("kind", "party.error.kind", String::new()));
    }
    let members = match f.members.trim().parse::<i32>() {
        Ok(m) if (3..=10_000).contains(&m) => m,
        _ => {
            errs.push(("members", "party.error.members", f.members.trim().to_string()));
            0
        }
    };
    let established_on = parse_date(&f.established_on).filter(|d| *d <= today());
    if established_on.is_none() {
        errs.push(("established_on", "party.error.established_on", f.established_on.trim().to_string()));
    }
    match (kind, established_on) {
        (Some(kind), Some(established_on)) if errs.is_empty() => Ok(PartyInput {
            name,
            kind,
            members,
            secretary: f.secretary.trim().chars().take(50).collect(),
            established_on,
            in_action_plan: f.in_action_plan == "yes",
        }),
        _ => Err(errs),
    }
}

/// An organisation's own Party organisation (党委/党总支/党支部).
async fn add_own_party_org(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PartyForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if o.status != "normal" {
        return Err(AppError::BadRequest("party.error.org_not_normal".into()));
    }
    let p = parse_party(&f)
        .map_err(|e| AppError::BadRequest(e.first().map(|x| x.1).unwrap_or("error.bad_request").into()))?;
    if p.kind == PartyOrgKind::JointBranch {
        return Err(AppError::BadRequest("party.error.kind".into()));
    }
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other(&format!("/orgs/{id}")));
    }
    let pid = store::insert_party_org(
        &*tx,
        o.unit_id,
        &p.name,
        p.kind.code(),
        p.members,
        &p.secretary,
        p.established_on,
        p.in_action_plan,
        &[id],
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "party_org", pid).unit(o.unit_id).after(
            &serde_json::json!({"name": p.name, "kind": p.kind.code(), "members": p.members, "organisations": [id]}),
        ),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &format!("/orgs/{id}")).await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Deserialize)]
struct InstructorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    assigned_on: String,
}

/// Assigns a Party-building instructor (党建指导员): work coverage.
async fn add_instructor(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<InstructorForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let name = f.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 50 {
        return Err(AppError::BadRequest("party.error.instructor".into()));
    }
    let on = parse_date(&f.assigned_on)
        .filter(|d| *d <= today())
        .ok_or_else(|| AppError::BadRequest("party.error.established_on".into()))?;
    let tx = st.db.write().await?;
    let iid = store::insert_instructor(&*tx, id, &name, on).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "party_instructor", iid)
            .unit(o.unit_id)
            .after(&serde_json::json!({"organisation": id, "name": name, "assigned_on": on})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Template)]
#[template(path = "party/list.html")]
struct PartyListPage {
    c: PageCtx,
    p: PageParams,
    kind: String,
    page: Page<PartyOrgRow>,
    kinds: Vec<PartyOrgKind>,
    extra: String,
}

#[derive(Deserialize)]
struct KindQuery {
    #[serde(default)]
    kind: String,
}

async fn party_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(k): Query<KindQuery>,
) -> AppResult<Response> {
    let page = store::party_orgs(&st.db.conn, &auth.scope, &k.kind, &p).await?;
    let extra = serde_urlencoded::to_string([("kind", k.kind.as_str())]).unwrap_or_default();
    render(&PartyListPage { c, p, kind: k.kind, page, kinds: PartyOrgKind::ALL.to_vec(), extra })
}

#[derive(Template)]
#[template(path = "party/joint_form.html")]
struct JointFormPage {
    c: PageCtx,
    f: PartyForm,
    errors: FormErrors,
    units: Vec<UnitOption>,
}

impl JointFormPage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

async fn joint_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
    let f = PartyForm {
        name: String::new(),
        kind: PartyOrgKind::JointBranch.code().into(),
        members: String::new(),
        secretary: String::new(),
        established_on: today().to_string(),
        in_action_plan: String::new(),
        unit_id: auth.unit_id.to_string(),
        codes: String::new(),
        nonce: String::new(),
    };
    render(&JointFormPage { c, f, errors: FormErrors::default(), units })
}

/// A joint Party branch (联合党支部) covering several organisations of one unit.
async fn joint_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(mut f): Form<PartyForm>,
) -> AppResult<Response> {
    f.kind = PartyOrgKind::JointBranch.code().into();
    let mut errs = match parse_party(&f) {
        Ok(_) => vec![],
        Err(e) => e,
    };
    let unit = match f.unit_id.trim().parse::<i64>() {
        Ok(u) => units::get_scoped(&st.db.conn, &auth.scope, u).await?,
        Err(_) => None,
    };
    if unit.is_none() {
        errs.push(("unit_id", "orgs.error.unit", String::new()));
    }
    let mut org_ids = Vec::new();
    for code in f.codes.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '，').filter(|s| !s.is_empty()) {
        let found = store::list(
            &st.db.conn,
            &auth.scope,
            &OrgFilter { status: "normal".into(), ..OrgFilter::default() },
            &PageParams { q: Some(code.trim().to_uppercase()), per_page: Some(2), ..PageParams::default() },
        )
        .await?;
        match found.items.into_iter().find(|o| o.credit_code == code.trim().to_uppercase()) {
            Some(o) if unit.as_ref().is_some_and(|u| o.unit_path.starts_with(&u.path)) => {
                if !org_ids.contains(&o.id) {
                    org_ids.push(o.id)
                }
            }
            _ => errs.push(("codes", "party.error.code", code.to_string())),
        }
    }
    if org_ids.len() < 2 {
        errs.push(("codes", "party.error.joint_size", String::new()));
    }
    let (Some(unit), Ok(p)) = (unit, parse_party(&f)) else {
        let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
        let errors = errors_from(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &JointFormPage { c, f, errors, units });
    };
    if !errs.is_empty() {
        let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
        let errors = errors_from(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &JointFormPage { c, f, errors, units });
    }
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/party/orgs"));
    }
    let pid = store::insert_party_org(
        &*tx,
        unit.id,
        &p.name,
        p.kind.code(),
        p.members,
        &p.secretary,
        p.established_on,
        p.in_action_plan,
        &org_ids,
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "party_org", pid).unit(unit.id).after(&serde_json::json!({"name": p.name, "kind": "joint_branch", "members": p.members, "organisations": org_ids})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, "/party/orgs").await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/party/orgs"))
}

#[derive(Deserialize)]
pub struct CoverageQuery {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub on: String,
}

/// Resolves the coverage query: a unit inside the scope (default: the top of the scope) and a
/// date (default: today).
pub async fn resolve_coverage(st: &AppState, auth: &Auth, q: &CoverageQuery) -> AppResult<Coverage> {
    let on = match q.on.trim() {
        "" => today(),
        s => parse_date(s).ok_or_else(|| AppError::BadRequest("orgs.error.date".into()))?,
    };
    let unit = match q.unit.trim().parse::<i64>() {
        Ok(id) => units::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?,
        Err(_) => {
            let roots = units::roots(&st.db.conn, &auth.scope).await?;
            let first = roots.first().ok_or(AppError::NotFound)?;
            units::get(&st.db.conn, first.id).await?.ok_or(AppError::NotFound)?
        }
    };
    let children: Vec<(i64, String, String)> =
        units::children(&st.db.conn, &auth.scope, unit.id).await?.into_iter().map(|u| (u.id, u.name, u.path)).collect();
    let mut cov = figures::coverage(&st.db.conn, &auth.scope, &unit.path, &children, on).await?;
    for l in &mut cov.lines {
        if l.unit_id.is_none() {
            l.unit_name = unit.name.clone();
        }
    }
    Ok(cov)
}

#[derive(Template)]
#[template(path = "party/coverage.html")]
struct CoveragePage {
    c: PageCtx,
    cov: Coverage,
    chart: BarChart,
    units: Vec<UnitOption>,
    unit: String,
}

impl CoveragePage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
    fn pct(&self, v: &f64) -> String {
        format!("{v:.1}%")
    }
}

async fn coverage_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<CoverageQuery>,
) -> AppResult<Response> {
    let cov = resolve_coverage(&st, &auth, &q).await?;
    let rows: Vec<BarRow> = cov
        .lines
        .iter()
        .map(|l| BarRow {
            label: l.unit_name.clone(),
            values: vec![l.org_rate, l.work_rate],
            texts: vec![format!("{:.1}%", l.org_rate), format!("{:.1}%", l.work_rate)],
        })
        .collect();
    let chart = BarChart::horizontal(
        c.t("party.coverage.chart"),
        &[c.t("party.coverage.org"), c.t("party.coverage.work")],
        &rows,
        100.0,
    );
    let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
    render(&CoveragePage { c, cov, chart, units, unit: q.unit })
}

/// The registry as xlsx (phones masked unless the role may reveal them; the export is audited).
async fn export_xlsx(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<OrgFilter>,
) -> AppResult<Response> {
    let rows = store::list_all(&st.db.conn, &auth.scope, &f, &p).await?;
    let reveal = auth.can("orgs.contact_reveal");
    let cells: Vec<Vec<crate::platform::xlsx::Cell>> =
        rows.iter().map(|o| crate::orgs::import::export_row(o, reveal)).collect();
    let bytes = crate::platform::xlsx::write(crate::orgs::import::XLSX_COLUMNS, &cells)?;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("export", "organisation", "xlsx").unit(auth.unit_id).after(&serde_json::json!({"rows": rows.len(), "phones": if reveal { "full" } else { "masked" }, "filter": f.query_string()})),
    )
    .await?;
    tx.commit().await?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("orgs.export_name")), XLSX_TYPE).into_response())
}

async fn template_xlsx(c: PageCtx) -> AppResult<Response> {
    let bytes = crate::platform::xlsx::template(crate::orgs::import::XLSX_COLUMNS)?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("orgs.template_name")), XLSX_TYPE))
}

fn import_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "orgs.import",
        action: "/orgs/import",
        template_href: "/orgs/template.xlsx",
        back_href: "/orgs",
        back_key: "orgs.title",
        columns: crate::orgs::import::XLSX_COLUMNS,
        report,
        error_list: Default::default(),
    }
}

async fn import_form(c: PageCtx) -> AppResult<Response> {
    render(&import_page(c, None))
}

async fn import_upload(State(st): State<AppState>, c: PageCtx, auth: Auth, mp: Multipart) -> AppResult<Response> {
    let actor = Actor::user(&auth, &c.ip);
    let data_dir = st.config.data_dir.clone();
    web::import_upload(c, mp, &data_dir, import_page, |bytes| async move {
        crate::orgs::import::import_xlsx(&st.db, &actor, &auth.scope, &bytes).await
    })
    .await
}

/// Submits an organisation's annual report (one per year).
async fn report_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let input = f
        .validate(today())
        .map_err(|e| AppError::BadRequest(e.first().map(|x| x.1).unwrap_or("error.bad_request").into()))?;
    if input.year < o.registered_on.format("%Y").to_string().parse::<i32>().unwrap_or(0) {
        return Err(AppError::BadRequest("reports.error.year".into()));
    }
    let tx = st.db.write().await?;
    if store::report_exists(&*tx, id, input.year).await? {
        return Err(AppError::Conflict("reports.error.exists".into()));
    }
    let rid = store::insert_report(&*tx, id, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "annual_report", rid).unit(o.unit_id).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("reports.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    result: String,
    #[serde(default)]
    reasons: String,
    version: i32,
}

/// The Bureau's review of an annual report: pass, basic pass or fail (reasons required unless pass).
async fn report_review(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, rid)): Path<(i64, i64)>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let before =
        store::reports_of(&st.db.conn, id).await?.into_iter().find(|r| r.id == rid).ok_or(AppError::NotFound)?;
    if !REPORT_RESULTS.contains(&f.result.as_str()) {
        return Err(AppError::BadRequest("reports.error.result".into()));
    }
    let reasons: String = f.reasons.trim().chars().take(2000).collect();
    if f.result != "pass" && reasons.is_empty() {
        return Err(AppError::BadRequest("reports.error.reasons".into()));
    }
    let tx = st.db.write().await?;
    if !store::review_report(&*tx, rid, &f.result, &reasons, auth.id, today(), f.version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("review", "annual_report", rid)
            .unit(o.unit_id)
            .before(&serde_json::json!({"result": before.result}))
            .after(&serde_json::json!({"result": f.result, "reasons": reasons})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("reports.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default)]
    year: String,
    /// "missing" lists organisations that have not submitted; otherwise a review result or all.
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "orgs/reports.html")]
struct ReportListPage {
    c: PageCtx,
    p: PageParams,
    year: i32,
    status: String,
    counts: ReportCounts,
    reports: Option<Page<ReportRow>>,
    missing: Option<Page<OrgRow>>,
    extra: String,
}

async fn report_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let last = today().format("%Y").to_string().parse::<i32>().unwrap_or(2023) - 1;
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (2000..=last).contains(y)).unwrap_or(last);
    let counts = store::report_counts(&st.db.conn, &auth.scope, year).await?;
    let (reports, missing) = if q.status == "missing" {
        (None, Some(store::missing_reports(&st.db.conn, &auth.scope, year, &p).await?))
    } else {
        (Some(store::reports(&st.db.conn, &auth.scope, year, &q.status, &p).await?), None)
    };
    let extra = serde_urlencoded::to_string([("year", year.to_string().as_str()), ("status", q.status.as_str())])
        .unwrap_or_default();
    render(&ReportListPage { c, p, year, status: q.status, counts, reports, missing, extra })
}

#[derive(Template)]
#[template(path = "orgs/departments.html")]
struct DepartmentsPage {
    c: PageCtx,
    rows: Vec<store::DepartmentRow>,
    error: String,
}

async fn departments_page(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let rows = store::all_departments(&st.db.conn).await?;
    render(&DepartmentsPage { c, rows, error: String::new() })
}

#[derive(Deserialize)]
struct DepartmentForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    on_committee: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    version: i32,
}

/// Adds a competent department to the managed list.
async fn department_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<DepartmentForm>,
) -> AppResult<Response> {
    let code = f.code.trim().to_ascii_lowercase();
    let name = f.name.trim().to_string();
    let valid_code = (2..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let problem = if !valid_code {
        Some("departments.error.code")
    } else if name.chars().count() < 2 || name.chars().count() > 100 {
        Some("departments.error.name")
    } else if store::department_code_taken(&st.db.conn, &code).await? {
        Some("departments.error.code_taken")
    } else {
        None
    };
    if let Some(key) = problem {
        let rows = store::all_departments(&st.db.conn).await?;
        let error = c.t(key).to_string();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &DepartmentsPage { c, rows, error });
    }
    let order = store::all_departments(&st.db.conn).await?.len() as i32;
    let tx = st.db.write().await?;
    let id = store::insert_department(&*tx, &code, &name, f.name_en.trim(), f.lead == "yes", order).await?;
    if f.on_committee != "yes" {
        store::update_department(&*tx, id, &name, f.name_en.trim(), f.lead == "yes", false, true, 1).await?;
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "department", id).after(&serde_json::json!({"code": code, "name": name, "lead": f.lead == "yes", "on_committee": f.on_committee == "yes"}))).await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/orgs/departments"))
}

/// Renames a department or changes its flags (committee membership, lead, active).
async fn department_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DepartmentForm>,
) -> AppResult<Response> {
    let before =
        store::all_departments(&st.db.conn).await?.into_iter().find(|d| d.id == id).ok_or(AppError::NotFound)?;
    let name = f.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 100 {
        return Err(AppError::BadRequest("departments.error.name".into()));
    }
    let tx = st.db.write().await?;
    if !store::update_department(
        &*tx,
        id,
        &name,
        f.name_en.trim(),
        f.lead == "yes",
        f.on_committee == "yes",
        f.active == "yes",
        f.version,
    )
    .await?
    {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "department", id).before(&before).after(&serde_json::json!({"name": name, "lead": f.lead == "yes", "on_committee": f.on_committee == "yes", "active": f.active == "yes"})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/orgs/departments"))
}

fn party_import_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "party.import",
        action: "/party/orgs/import",
        template_href: "/party/orgs/template.xlsx",
        back_href: "/party/orgs",
        back_key: "party.title",
        columns: crate::orgs::import::PARTY_COLUMNS,
        report,
        error_list: Default::default(),
    }
}

async fn party_template(c: PageCtx) -> AppResult<Response> {
    let bytes = crate::platform::xlsx::template(crate::orgs::import::PARTY_COLUMNS)?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("party.import")), XLSX_TYPE))
}

async fn party_import_form(c: PageCtx) -> AppResult<Response> {
    render(&party_import_page(c, None))
}

async fn party_import_upload(State(st): State<AppState>, c: PageCtx, auth: Auth, mp: Multipart) -> AppResult<Response> {
    let actor = Actor::user(&auth, &c.ip);
    let data_dir = st.config.data_dir.clone();
    web::import_upload(c, mp, &data_dir, party_import_page, |bytes| async move {
        crate::orgs::import::import_party_xlsx(&st.db, &actor, &auth.scope, &bytes).await
    })
    .await
}
