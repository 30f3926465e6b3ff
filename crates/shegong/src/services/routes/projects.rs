//! Projects: the list, 立项 and editing, and the detail page that every other sub-resource
//! re-renders with its refusal or field errors.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::files;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::period::YearFilter;
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::web::{set_flash, set_flash_with, FlashArg};
use crate::platform::AppState;
use crate::services::model::{self, EvaluationForm, PaymentForm, ProjectForm, Refusal, SignForm};
use crate::services::store::{self, ProjectFilter, ProjectRow};

use super::{this_year, writable};

pub fn routes() -> Routes {
    Routes::new()
        .get("/services", Need::Perm("services.read"), list)
        .get("/services/projects/new", Need::Perm("services.write"), new_form)
        .post("/services/projects", Need::Perm("services.write"), create)
        .with("id", &crate::services::PROJECT)
        .get("/services/projects/{id}", Need::Perm("services.read"), detail)
        .get("/services/projects/{id}/edit", Need::Perm("services.write"), edit_form)
        .post("/services/projects/{id}", Need::Perm("services.write"), update)
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "services/list.html")]
struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: ProjectFilter,
    year_filter: YearFilter,
    page: Page<ProjectRow>,
    /// What the listed projects add up to.
    totals: store::ListTotals,
    extra: String,
    statuses: &'static [&'static str],
    units: Vec<store::BuyerOption>,
}

async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(mut f): Query<ProjectFilter>,
) -> AppResult<Response> {
    // The list filters on the year the select shows: one with records, or every year.
    let year_filter = YearFilter::choose(store::years(&st.db.conn, &auth.scope).await?, &f.year);
    f.year = year_filter.year.map(|y| y.to_string()).unwrap_or_default();
    let page = store::projects(&st.db.conn, &auth.scope, &f, &p).await?;
    let totals = store::project_list_totals(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = f.query_string();
    let units = store::buyer_units(&st.db.conn, &auth.scope).await?;
    render(&ListPage { c, p, f, year_filter, page, totals, extra, statuses: &model::STATUSES, units })
}

// ---------------------------------------------------------------- create / edit

#[derive(Template)]
#[template(path = "services/project_form.html")]
struct FormPage {
    c: PageCtx,
    id: Option<i64>,
    f: ProjectForm,
    errors: FormErrors,
    units: Vec<store::BuyerOption>,
    categories: Vec<store::CategoryRow>,
    years: Vec<i32>,
}

impl FormPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn form_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: Option<i64>,
    f: ProjectForm,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let year = f.year.trim().parse::<i32>().unwrap_or_else(|_| this_year());
    let units = store::buyer_units(&st.db.conn, &auth.scope).await?;
    let categories = store::guideline(&st.db.conn, year).await?;
    let years = store::guideline_years(&st.db.conn).await?;
    Ok(FormPage { c, id, f, errors, units, categories, years })
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    year: Option<String>,
}

async fn new_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    // This year when it has a guideline, else the latest year that has one.
    let years = store::guideline_years(&st.db.conn).await?;
    let default =
        if years.contains(&this_year()) { this_year() } else { years.first().copied().unwrap_or_else(this_year) };
    let year = q.year.and_then(|y| y.trim().parse::<i32>().ok()).unwrap_or(default);
    let f = ProjectForm {
        year: year.to_string(),
        unit_id: auth.unit_id.to_string(),
        starts_on: today().to_string(),
        ..ProjectForm::default()
    };
    render(&form_page(&st, c, &auth, None, f, FormErrors::default()).await?)
}

/// Checks what the form cannot: the buying unit is a station in scope and the category belongs to
/// the year's guideline.
async fn check_project<C: sea_orm::ConnectionTrait>(
    c: &C,
    auth: &Auth,
    input: &model::ProjectInput,
) -> AppResult<Vec<(&'static str, &'static str)>> {
    let mut errs = Vec::new();
    let buyers = store::buyer_units(c, &auth.scope).await?;
    if !buyers.iter().any(|b| b.id == input.unit_id) {
        errs.push(("unit_id", "services.error.unit"));
    }
    match store::category(c, input.category_id).await? {
        Some(k) if k.year == input.year => {}
        Some(_) => errs.push(("category_id", "services.error.category_year")),
        None => errs.push(("category_id", "services.error.category")),
    }
    Ok(errs)
}

async fn create(State(st): State<AppState>, c: PageCtx, auth: Auth, Form(f): Form<ProjectForm>) -> AppResult<Response> {
    if let Some(loc) = once::previous(&st.db.conn, &f.nonce, auth.id).await? {
        return Ok(see_other(&loc));
    }
    let input = match f.validate(this_year()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&st, c, &auth, None, f, errors).await?);
        }
    };
    let errs = check_project(&st.db.conn, &auth, &input).await?;
    if !errs.is_empty() {
        let errors = FormErrors::from_keys(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&st, c, &auth, None, f, errors).await?);
    }
    let tx = st.db.write().await?;
    if let Some(loc) = once::claim(&*tx, &f.nonce, auth.id).await? {
        return Ok(see_other(&loc));
    }
    let id = store::insert_project(&*tx, &input, "initiated", Some(auth.id)).await?;
    store::insert_transition(&*tx, id, None, "initiated", "", Some(auth.id), &auth.display_name, today()).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "project", id).unit(input.unit_id).after(&input),
    )
    .await?;
    let loc = format!("/services/projects/{id}");
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

/// A project past procurement keeps its plan: the edit form is not offered (no button), and a
/// request for it goes back to the project's page saying why.
async fn not_editable(st: &AppState, auth: &Auth, p: &ProjectRow) -> AppResult<Option<Response>> {
    if !model::is_signed(&p.status) {
        return Ok(None);
    }
    let args = [("status", FlashArg::Key(format!("services.status.{}", p.status)))];
    set_flash_with(&st.db.conn, auth.session_id, "services.error.edit_state", &args).await?;
    Ok(Some(see_other(&format!("/services/projects/{}", p.id))))
}

/// A refused workflow step: back to the project's page (303, so that a refresh does not post
/// the step again), the reason shown there once.
pub(super) async fn refused_step(st: &AppState, auth: &Auth, id: i64, r: &Refusal) -> AppResult<Response> {
    let args: Vec<(&str, FlashArg)> = r
        .args
        .iter()
        .map(|(k, v)| {
            (*k, if v.starts_with("services.") { FlashArg::Key(v.clone()) } else { FlashArg::Value(v.clone()) })
        })
        .collect();
    set_flash_with(&st.db.conn, auth.session_id, r.key, &args).await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

async fn edit_form(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    if let Some(back) = not_editable(&st, &auth, &p).await? {
        return Ok(back);
    }
    let f = ProjectForm {
        unit_id: p.unit_id.to_string(),
        year: p.year.to_string(),
        title: p.title.clone(),
        category_id: p.category_id.to_string(),
        amount: p.amount_fen.yuan_text(),
        starts_on: p.starts_on.to_string(),
        ends_on: p.ends_on.to_string(),
        description: p.description.clone(),
        version: p.version.to_string(),
        nonce: String::new(),
    };
    render(&form_page(&st, c, &auth, Some(id), f, FormErrors::default()).await?)
}

async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ProjectForm>,
) -> AppResult<Response> {
    let before = writable(&st, &auth, id).await?;
    if let Some(back) = not_editable(&st, &auth, &before).await? {
        return Ok(back);
    }
    let version = f.version.trim().parse::<i32>().map_err(|_| AppError::Stale)?;
    let input = match f.validate(this_year()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&st, c, &auth, Some(id), f, errors).await?,
            );
        }
    };
    let errs = check_project(&st.db.conn, &auth, &input).await?;
    if !errs.is_empty() {
        let errors = FormErrors::from_keys(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&st, c, &auth, Some(id), f, errors).await?);
    }
    let tx = st.db.write().await?;
    if !store::update_project(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "project", id).unit(input.unit_id).before(&before).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

// ---------------------------------------------------------------- detail

#[derive(Template)]
#[template(path = "services/project.html")]
struct DetailPage {
    c: PageCtx,
    p: ProjectRow,
    next: Option<&'static str>,
    writable: bool,
    transitions: Vec<store::TransitionRow>,
    members: Vec<store::MemberRow>,
    milestones: Vec<store::MilestoneRow>,
    payments: Vec<store::PaymentRow>,
    evaluations: Vec<(store::EvaluationRow, Vec<store::ScoreRow>)>,
    evaluation_files: Vec<files::Attachment>,
    plans: Vec<store::PlanRow>,
    workers: Vec<store::WorkerOption>,
    agencies: Vec<store::AgencyOption>,
    criteria: &'static [(&'static str, i32)],
    roles: &'static [&'static str],
    /// A refused step, shown above everything.
    alert: String,
    errors: FormErrors,
    today: String,
    pay: PaymentForm,
    ev: EvaluationForm,
    sg: SignForm,
}

impl DetailPage {
    fn files_of(&self, evaluation: &i64) -> Vec<&files::Attachment> {
        self.evaluation_files.iter().filter(|a| a.entity_id == *evaluation).collect()
    }
    fn pending_plan(&self) -> bool {
        self.plans.iter().any(|p| p.approved_at.is_none())
    }
}

/// What a re-rendered detail page keeps from a refused form.
#[derive(Default)]
pub(super) struct Kept {
    pub(super) alert: String,
    pub(super) errors: FormErrors,
    pub(super) pay: Option<PaymentForm>,
    pub(super) ev: Option<EvaluationForm>,
    pub(super) sg: Option<SignForm>,
}

async fn detail_page(st: &AppState, c: PageCtx, auth: &Auth, id: i64, kept: Kept) -> AppResult<DetailPage> {
    let db = &st.db.conn;
    let p = store::project(db, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let writable = auth.can("services.write") && auth.scope.contains_path(&p.unit_path);
    let evaluations = store::evaluations(db, id).await?;
    let ids: Vec<i64> = evaluations.iter().map(|e| e.0.id).collect();
    let evaluation_files = files::of(db, "evaluation", &ids).await?;
    let workers = if writable && p.status != "closed" {
        store::worker_options(db, &auth.scope, p.agency_id).await?
    } else {
        Vec::new()
    };
    // The agency picker (with every agency's track record) is needed only for signing.
    let agencies = if writable && p.status == "procurement" { store::agency_options(db).await? } else { Vec::new() };
    let t = today().to_string();
    let next = model::next_status(&p.status);
    let ev_kind = if p.status == "final_review" { "final" } else { "midterm" };
    Ok(DetailPage {
        transitions: store::transitions(db, id).await?,
        members: store::members(db, id).await?,
        milestones: store::milestones(db, id).await?,
        payments: store::payments(db, id).await?,
        plans: store::plans(db, id).await?,
        evaluations,
        evaluation_files,
        workers,
        agencies,
        criteria: &model::CRITERIA,
        roles: &model::ROLES,
        next,
        writable,
        alert: kept.alert,
        errors: kept.errors,
        pay: kept.pay.unwrap_or(PaymentForm {
            kind: "instalment".into(),
            paid_on: t.clone(),
            ..PaymentForm::default()
        }),
        ev: kept.ev.unwrap_or(EvaluationForm {
            kind: ev_kind.into(),
            evaluated_on: t.clone(),
            ..EvaluationForm::default()
        }),
        sg: kept.sg.unwrap_or(SignForm {
            amount: p.amount_fen.yuan_text(),
            signed_on: t.clone(),
            ..SignForm::default()
        }),
        today: t,
        c,
        p,
    })
}

async fn detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    render(&detail_page(&st, c, &auth, id, Kept::default()).await?)
}

/// The message of a refused step, with status names translated.
fn refusal_text(c: &PageCtx, r: &Refusal) -> String {
    let args: Vec<(&str, String)> = r
        .args
        .iter()
        .map(|(k, v)| (*k, if v.starts_with("services.") { c.t(v).to_string() } else { v.clone() }))
        .collect();
    let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.tf(r.key, &refs)
}

pub(super) async fn refuse(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: i64,
    mut kept: Kept,
    r: &Refusal,
) -> AppResult<Response> {
    kept.alert = refusal_text(&c, r);
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &detail_page(st, c, auth, id, kept).await?)
}

/// A form with field errors: the page again, the errors next to the fields.
pub(super) async fn form_refused(st: &AppState, c: PageCtx, auth: &Auth, id: i64, kept: Kept) -> AppResult<Response> {
    refuse(st, c, auth, id, kept, &Refusal::new("services.error.form")).await
}

pub(super) fn prefixed(c: &PageCtx, prefix: &str, errs: Vec<(&'static str, &'static str)>) -> FormErrors {
    let mut e = FormErrors::default();
    for (field, key) in errs {
        e.add(&format!("{prefix}.{field}"), crate::platform::i18n::message(c.lang, key));
    }
    e
}
