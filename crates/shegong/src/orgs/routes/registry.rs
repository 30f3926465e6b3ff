//! The registry pages: list, register, detail, contact reveal, edit with dated change records,
//! deregister/revoke, and the xlsx export, template and import.

use askama::Template;
use axum::extract::Multipart;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::orgs::model::{
    division_matches, parse_date, report_years, InstructorForm, OrgForm, OrgInput, OrgStatus, OrgType, PartyForm,
    PartyOrgKind, ReportForm,
};
use crate::orgs::store::{
    self, ChangeRow, Department, DuplicateCandidate, InstructorRow, OrgFilter, OrgListRow, OrgRow, PartyOrgRow,
    ReportRow,
};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::{t, Lang};
use crate::platform::import::ImportReport;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::FileName;
use crate::platform::web::{
    self, download, render, render_status, see_other, FormErrors, ImportPage, PageCtx, XLSX_TYPE,
};
use crate::platform::web::{set_flash, Problems};
use crate::platform::AppState;
use crate::units::{self as units, UnitOption};
use std::sync::Arc;

use super::reports::ReviewForm;
use super::{errors_from, indent};

#[derive(Template)]
#[template(path = "orgs/list.html")]
pub(super) struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: OrgFilter,
    page: Page<OrgListRow>,
    /// The department and unit filters, rendered ([`ListPickers`]).
    pickers: Arc<String>,
    extra: String,
}

/// The department and unit filters of the list: the active departments, and the units of the
/// scope down to the towns, the chosen ones selected.
#[derive(Template)]
#[template(path = "orgs/list_pickers.html")]
struct ListPickers<'a> {
    lang: Lang,
    departments: &'a [Department],
    units: &'a [UnitOption],
    department: &'a str,
    unit: &'a str,
}

impl ListPickers<'_> {
    fn t(&self, key: &'static str) -> &'static str {
        t(self.lang, key)
    }
    fn pick<'b>(&self, zh: &'b str, en: &'b str) -> &'b str {
        if self.lang == Lang::En && !en.is_empty() {
            en
        } else {
            zh
        }
    }
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

/// The list's department and unit filters as HTML. Without a department or unit chosen (the
/// usual view) the fragment is the same for every view in a language and scope until a unit or a
/// department changes, so it is rendered once per language, scope and data version and kept
/// with the picker lists; a chosen filter renders it anew.
async fn list_pickers(st: &AppState, lang: Lang, auth: &Auth, f: &OrgFilter) -> AppResult<Arc<String>> {
    let render = || async {
        let departments = crate::orgs::department_picker(st, auth).await?;
        let units = units::picker(st, auth).await?;
        ListPickers { lang, departments: &departments, units: &units, department: &f.department, unit: &f.unit }
            .render()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
    };
    if !f.department.is_empty() || !f.unit.is_empty() {
        return Ok(Arc::new(render().await?));
    }
    let v = auth.versions;
    // Tagged with the units version; the departments version is part of the key. Either unknown:
    // not kept.
    let version = if v.departments > 0 { v.units } else { 0 };
    let key = format!("{}|{}|{}", lang.code(), v.departments, units::scope_key(&auth.scope));
    st.caches.lists.get_or_load("orgs.list_pickers", key, version, render).await
}

pub(super) async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<OrgFilter>,
) -> AppResult<Response> {
    if !f.on.trim().is_empty() && parse_date(&f.on).is_none() {
        return Err(AppError::BadRequest("orgs.error.date".into()));
    }
    let page = store::list_rows(&st.db.conn, &auth.scope, &f, &p).await?;
    let pickers = list_pickers(&st, c.lang, &auth, &f).await?;
    let extra = f.query_string();
    render(&ListPage { c, p, f, page, pickers, extra })
}

#[derive(Template)]
#[template(path = "orgs/form.html")]
pub(super) struct FormPage {
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

pub(super) async fn form_page(
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

pub(super) async fn new_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let f = OrgForm {
        org_type: OrgType::SocialGroup.code().into(),
        unit_id: auth.unit_id.to_string(),
        ..OrgForm::default()
    };
    form_page(&st, c, &auth, None, f, FormErrors::default(), vec![]).await
}

/// The checks shared by create and edit beyond the form's own rules: the unit is in scope, the
/// division in the code lies inside the unit, the department exists, the code is unique.
pub(super) async fn check_input(
    st: &AppState,
    auth: &Auth,
    input: &OrgInput,
    except: Option<i64>,
) -> AppResult<Problems> {
    let mut errs = Problems::default();
    match units::get_scoped(&st.db.conn, &auth.scope, input.unit_id).await? {
        None => errs.push(("unit_id", "orgs.error.unit", String::new())),
        Some(unit) => {
            let mut chain: Vec<String> = unit.division_code.clone().into_iter().collect();
            for a in
                units::ancestors(&st.db.conn, &crate::platform::access::Scope::all(), &unit).await?.into_iter().rev()
            {
                chain.extend(a.division_code);
            }
            if !division_matches(&input.credit_code, &chain) {
                errs.push(("credit_code", "orgs.error.division", input.credit_code.division().to_string()));
            }
        }
    }
    if let Some(d) = input.department_id {
        if !store::departments(&st.db.conn).await?.iter().any(|x| x.id == d) {
            errs.push(("department_id", "orgs.error.department", String::new()));
        }
    }
    if store::code_taken(&st.db.conn, &input.credit_code, except).await? {
        errs.push(("credit_code", "orgs.error.code_taken", input.credit_code.to_string()));
    }
    Ok(errs)
}

pub(super) async fn create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<OrgForm>,
) -> AppResult<Response> {
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
    let id = store::insert(&*tx, &input, Some(auth.id)).await?;
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
pub(super) struct DetailPage {
    c: PageCtx,
    o: OrgRow,
    changes: Vec<ChangeRow>,
    party: Vec<PartyOrgRow>,
    instructors: Vec<InstructorRow>,
    today: String,
    party_kinds: Vec<PartyOrgKind>,
    reports: Vec<ReportRow>,
    /// The years the annual report form offers (ended years since registration, latest first).
    report_years: Vec<i32>,
    /// The annual report form as typed (blank: the defaults) and its problems.
    report_f: ReportForm,
    report_errors: FormErrors,
    /// A refused review: the report's id, the result and reasons typed, the problems.
    review: Option<(i64, ReviewForm, FormErrors)>,
    /// The "add own Party organisation" form as typed (blank: the defaults) and its problems.
    party_f: PartyForm,
    party_errors: FormErrors,
    /// The "add instructor" form as typed and its problems.
    instructor_f: InstructorForm,
    instructor_errors: FormErrors,
}

impl DetailPage {
    /// What was typed in a refused review of report `rid` (result, reasons, messages); blank
    /// for the other reports.
    fn review_typed(&self, rid: &i64) -> (&str, &str, Vec<&str>) {
        match &self.review {
            Some((id, f, e)) if id == rid => {
                (f.result.as_str(), f.reasons.as_str(), e.0.values().map(String::as_str).collect())
            }
            _ => ("", "", Vec::new()),
        }
    }
}

/// A form of the organisation's page that was refused: its values and problems.
pub(super) enum Refused {
    Party(PartyForm, FormErrors),
    Instructor(InstructorForm, FormErrors),
    Report(ReportForm, FormErrors),
    Review(i64, ReviewForm, FormErrors),
}

pub(super) async fn detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    detail_page(&st, c, o, None).await
}

/// The organisation's page; with a refused form, that form re-shown open with its messages next
/// to the fields and the values typed (422).
pub(super) async fn detail_page(st: &AppState, c: PageCtx, o: OrgRow, refused: Option<Refused>) -> AppResult<Response> {
    let id = o.id;
    let today = today();
    let mut party_f = PartyForm {
        name: format!("{}{}", o.name, c.t("party.branch_suffix")),
        kind: PartyOrgKind::Branch.code().into(),
        established_on: today.to_string(),
        ..PartyForm::default()
    };
    let mut instructor_f = InstructorForm { assigned_on: today.to_string(), ..InstructorForm::default() };
    let report_years = report_years(o.registered_on, today);
    let mut report_f = ReportForm {
        year: report_years.first().map(|y| y.to_string()).unwrap_or_default(),
        submitted_on: today.to_string(),
        party_status: "none".into(),
        ..ReportForm::default()
    };
    let (mut party_errors, mut instructor_errors) = (FormErrors::default(), FormErrors::default());
    let (mut report_errors, mut review) = (FormErrors::default(), None);
    let status = if refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    match refused {
        Some(Refused::Party(f, e)) => (party_f, party_errors) = (f, e),
        Some(Refused::Instructor(f, e)) => (instructor_f, instructor_errors) = (f, e),
        Some(Refused::Report(f, e)) => (report_f, report_errors) = (f, e),
        Some(Refused::Review(rid, f, e)) => review = Some((rid, f, e)),
        None => {}
    }
    let changes = store::changes(&st.db.conn, id).await?;
    let party = store::party_orgs_of(&st.db.conn, id).await?;
    let instructors = store::instructors_of(&st.db.conn, id).await?;
    let party_kinds = vec![PartyOrgKind::Branch, PartyOrgKind::GeneralBranch, PartyOrgKind::Committee];
    let reports = store::reports_of(&st.db.conn, id).await?;
    render_status(
        status,
        &DetailPage {
            c,
            o,
            changes,
            party,
            instructors,
            today: today.to_string(),
            party_kinds,
            reports,
            report_years,
            report_f,
            report_errors,
            review,
            party_f,
            party_errors,
            instructor_f,
            instructor_errors,
        },
    )
}

#[derive(Template)]
#[template(path = "orgs/phone.html")]
pub(super) struct PhonePartial {
    phone: String,
}

/// Shows one organisation's full contact phone; each reveal is audited.
pub(super) async fn reveal_phone(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
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
        is_agency: if o.is_agency { "yes".into() } else { String::new() },
        changed_on: today().to_string(),
        not_duplicate: String::new(),
        version: o.version.to_string(),
        nonce: String::new(),
    }
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    form_page(&st, c, &auth, Some(id), form_of(&o), FormErrors::default(), vec![]).await
}

pub(super) async fn update(
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
    let version = crate::platform::web::form_version(&f.version)?;
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
pub(super) struct StatusForm {
    status: String,
    #[serde(default)]
    status_on: String,
    #[serde(default)]
    note: String,
    version: i32,
}

/// Deregistration (注销), revocation (撤销) or restoration: a dated change, never a deletion.
pub(super) async fn set_status(
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

/// The registry as xlsx, filtered as the list is: the registry's exporter, as `shegong export
/// orgs` (phones masked unless the role may reveal them; the export is audited).
pub(super) async fn export_xlsx(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    _p: PageParams,
    Query(_f): Query<OrgFilter>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let title = c.t("orgs.export_name");
    web::export_download(&st, &c, &auth, &crate::orgs::import::ORGS, q.as_deref().unwrap_or(""), None, title).await
}

pub(super) async fn template_xlsx(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    use crate::orgs::import::{HELP, XLSX_COLUMNS};
    let units = crate::units::unit_refs(&st.db, &auth.scope).await?.sheet();
    let bytes = crate::platform::xlsx::template_with(XLSX_COLUMNS, HELP, &units)?;
    Ok(download(bytes, &FileName::new("orgs-template.xlsx", &format!("{}.xlsx", c.t("orgs.template_name"))), XLSX_TYPE))
}

pub(super) fn import_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
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

pub(super) async fn import_form(c: PageCtx) -> AppResult<Response> {
    render(&import_page(c, None))
}

pub(super) async fn import_upload(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    mp: Multipart,
) -> AppResult<Response> {
    web::import_upload(&st, c, &auth, mp, &crate::orgs::import::ORGS, import_page).await
}
