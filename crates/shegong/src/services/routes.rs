//! Project pages: the list, 立项 and editing, the detail page with the workflow, signing,
//! payments, evaluations, corrective plans, the team and milestones. Every write re-reads the
//! project inside the write transaction and judges it with the rules in `model.rs`.

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
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::services::model::{
    self, check_advance, check_evaluation, check_payment, check_sign, EvaluationForm, MemberForm, MilestoneForm,
    PaymentForm, ProjectForm, Refusal, SignForm,
};
use crate::services::store::{self, ProjectFilter, ProjectRow};

pub fn routes() -> Routes {
    Routes::new()
        .get("/services", Need::Perm("services.read"), list)
        .get("/services/projects/new", Need::Perm("services.write"), new_form)
        .post("/services/projects", Need::Perm("services.write"), create)
        .with("id", &crate::services::PROJECT)
        .with("eid", &crate::services::EVALUATION)
        .with("pid", &crate::services::CORRECTIVE_PLAN)
        .get("/services/projects/{id}", Need::Perm("services.read"), detail)
        .get("/services/projects/{id}/edit", Need::Perm("services.write"), edit_form)
        .post("/services/projects/{id}", Need::Perm("services.write"), update)
        .post("/services/projects/{id}/advance", Need::Perm("services.write"), advance)
        .post("/services/projects/{id}/sign", Need::Perm("services.write"), sign)
        .post("/services/projects/{id}/payments", Need::Perm("services.write"), pay)
        .post("/services/projects/{id}/evaluations", Need::Perm("services.write"), evaluate)
        .post("/services/projects/{id}/evaluations/{eid}/files", Need::Perm("services.write"), evaluation_file)
        .post("/services/projects/{id}/plans", Need::Perm("services.write"), plan_submit)
        .post("/services/projects/{id}/plans/{pid}/approve", Need::Perm("services.write"), plan_approve)
        .post("/services/projects/{id}/members", Need::Perm("services.write"), member_add)
        .with("mid", &crate::services::MEMBER)
        .post("/services/projects/{id}/members/{mid}/end", Need::Perm("services.write"), member_end)
        .post("/services/projects/{id}/milestones", Need::Perm("services.write"), milestone_add)
        .with("mid", &crate::services::MILESTONE)
        .post("/services/projects/{id}/milestones/{mid}/done", Need::Perm("services.write"), milestone_done)
        .get("/services/team", Need::Perm("services.read"), team)
        .with("worker", &crate::services::TEAM_PERSON)
        .get("/services/team/{worker}", Need::Perm("services.read"), person)
        .with("id", &crate::services::AGENCY)
        .get("/services/agencies/{id}", Need::Perm("services.read"), agency)
}

fn this_year() -> i32 {
    today().format("%Y").to_string().parse().unwrap_or(2100)
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "services/list.html")]
struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: ProjectFilter,
    page: Page<ProjectRow>,
    extra: String,
    statuses: &'static [&'static str],
    units: Vec<store::BuyerOption>,
}

async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<ProjectFilter>,
) -> AppResult<Response> {
    let page = store::projects(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = f.query_string();
    let units = store::buyer_units(&st.db.conn, &auth.scope).await?;
    render(&ListPage { c, p, f, page, extra, statuses: &model::STATUSES, units })
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

/// A project the user may change: visible, and bought by a unit inside the user's own units
/// (agency staff may see a project without being able to change it).
async fn writable(st: &AppState, auth: &Auth, id: i64) -> AppResult<ProjectRow> {
    let p = store::project(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if !auth.scope.contains_path(&p.unit_path) {
        return Err(AppError::Forbidden);
    }
    Ok(p)
}

async fn edit_form(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    if model::is_signed(&p.status) {
        return Err(AppError::BadRequest("services.error.edit_signed".into()));
    }
    let f = ProjectForm {
        unit_id: p.unit_id.to_string(),
        year: p.year.to_string(),
        title: p.title.clone(),
        category_id: p.category_id.to_string(),
        amount: crate::platform::money::Money(p.amount_fen).yuan_text(),
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
    if model::is_signed(&before.status) {
        return Err(AppError::BadRequest("services.error.edit_signed".into()));
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
struct Kept {
    alert: String,
    errors: FormErrors,
    pay: Option<PaymentForm>,
    ev: Option<EvaluationForm>,
    sg: Option<SignForm>,
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
            amount: crate::platform::money::Money(p.amount_fen).yuan_text(),
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

async fn refuse(st: &AppState, c: PageCtx, auth: &Auth, id: i64, mut kept: Kept, r: &Refusal) -> AppResult<Response> {
    kept.alert = refusal_text(&c, r);
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &detail_page(st, c, auth, id, kept).await?)
}

/// A form with field errors: the page again, the errors next to the fields.
async fn form_refused(st: &AppState, c: PageCtx, auth: &Auth, id: i64, kept: Kept) -> AppResult<Response> {
    refuse(st, c, auth, id, kept, &Refusal::new("services.error.form")).await
}

fn prefixed(c: &PageCtx, prefix: &str, errs: Vec<(&'static str, &'static str)>) -> FormErrors {
    let mut e = FormErrors::default();
    for (field, key) in errs {
        e.add(&format!("{prefix}.{field}"), crate::platform::i18n::message(c.lang, key));
    }
    e
}

// ---------------------------------------------------------------- workflow

#[derive(Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    happened_on: String,
    #[serde(default)]
    note: String,
}

async fn advance(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<AdvanceForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let version = f.version.trim().parse::<i32>().map_err(|_| AppError::Stale)?;
    let on = crate::orgs::model::parse_date(&f.happened_on).unwrap_or_else(today);
    if on > today() {
        let mut kept = Kept::default();
        kept.errors.add("advance.happened_on", c.t("services.error.past_date"));
        return refuse(&st, c, &auth, id, kept, &Refusal::new("services.error.past_date")).await;
    }
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_advance(&facts, f.to.trim()) {
        drop(tx);
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    if !store::set_status(&*tx, id, &facts.status, f.to.trim(), version).await? {
        return Err(AppError::Stale);
    }
    let note: String = f.note.trim().chars().take(500).collect();
    store::insert_transition(&*tx, id, Some(&facts.status), f.to.trim(), &note, Some(auth.id), &auth.display_name, on)
        .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("advance", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"status": facts.status}))
            .after(&serde_json::json!({"status": f.to.trim(), "on": on, "note": note})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

async fn sign(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<SignForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let version = f.version.trim().parse::<i32>().map_err(|_| AppError::Stale)?;
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "sign", errs), sg: Some(f), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let mut errs = Vec::new();
    if !store::agency_eligible(&st.db.conn, input.agency_id).await? {
        errs.push(("agency_id", "services.error.agency"));
    }
    if store::contract_no_taken(&st.db.conn, &input.contract_no, Some(id)).await? {
        errs.push(("contract_no", "services.error.contract_taken"));
    }
    if input.signed_on < p.starts_on - chrono::Duration::days(366) || input.signed_on > p.ends_on {
        errs.push(("signed_on", "services.error.signed_on"));
    }
    if !errs.is_empty() {
        let kept = Kept { errors: prefixed(&c, "sign", errs), sg: Some(f), ..Kept::default() };
        return form_refused(&st, c, &auth, id, kept).await;
    }
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_sign(&facts) {
        drop(tx);
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    if !store::sign(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    store::insert_transition(
        &*tx,
        id,
        Some("procurement"),
        "contracted",
        &input.contract_no,
        Some(auth.id),
        &auth.display_name,
        input.signed_on,
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("sign", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"status": p.status, "amount_fen": p.amount_fen, "agency_id": p.agency_id}))
            .after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

// ---------------------------------------------------------------- money

async fn pay(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    if once::previous(&st.db.conn, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "pay", errs), pay: Some(f), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_payment(&facts, &input.kind, input.paid_on, input.amount_fen.fen()) {
        drop(tx);
        let kept = Kept { pay: Some(f), ..Kept::default() };
        return refuse(&st, c, &auth, id, kept, &r).await;
    }
    let pid = store::insert_payment(&*tx, id, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("pay", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"paid_fen": facts.paid_fen}))
            .after(&serde_json::json!({"payment": pid, "payment_detail": input, "paid_fen": facts.paid_fen.saturating_add(input.amount_fen.fen())})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.payment_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

async fn evaluate(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EvaluationForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    if once::previous(&st.db.conn, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "ev", errs), ev: Some(f), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_evaluation(&facts, &input.kind) {
        drop(tx);
        let kept = Kept { ev: Some(f), ..Kept::default() };
        return refuse(&st, c, &auth, id, kept, &r).await;
    }
    let eid = store::insert_evaluation(&*tx, id, &input, Some(auth.id)).await?;
    let hold = input.kind == "midterm" && !input.passed;
    if hold {
        store::set_hold(&*tx, id, true).await?;
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("evaluate", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"on_hold": facts.on_hold}))
            .after(&serde_json::json!({"evaluation": eid, "detail": input, "on_hold": facts.on_hold || hold})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some(if hold { "services.held" } else { "services.saved" })).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

async fn evaluation_file(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, eid)): Path<(i64, i64)>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    if !store::evaluations(&st.db.conn, id).await?.iter().any(|e| e.0.id == eid) {
        return Err(AppError::NotFound);
    }
    let (bytes, name, kind, ctype) = crate::platform::files::upload(mp, false).await?;
    let tx = st.db.write().await?;
    let aid = files::store(
        &*tx,
        &st.config.data_dir,
        "evaluation",
        eid,
        p.unit_id,
        &name,
        &bytes,
        kind,
        ctype,
        Some(auth.id),
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("attach", "evaluation", eid)
            .unit(p.unit_id)
            .after(&serde_json::json!({"project": id, "attachment": aid, "filename": name, "size": bytes.len()})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

/// Whether an evaluation's attachment may be read: the project is visible to the user.
pub async fn evaluation_visible(st: &AppState, auth: &Auth, evaluation: i64) -> AppResult<bool> {
    let Some(project) = store::evaluation_project(&st.db.conn, evaluation).await? else {
        return Ok(false);
    };
    Ok(auth.can("services.read") && store::project(&st.db.conn, &auth.scope, project).await?.is_some())
}

#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    plan: String,
}

async fn plan_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PlanForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let text: String = f.plan.trim().chars().take(4000).collect();
    if text.chars().count() < 10 {
        let mut kept = Kept::default();
        kept.errors.add("plan.plan", c.t("services.error.plan"));
        return form_refused(&st, c, &auth, id, kept).await;
    }
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    let pending = store::plans(&*tx, id).await?.iter().any(|p| p.approved_at.is_none());
    let evaluation = store::failing_midterm(&*tx, id).await?;
    let evaluation = match evaluation {
        Some(e) if facts.on_hold && !pending => e,
        _ => {
            drop(tx);
            let r = Refusal::new("services.error.plan_not_needed");
            return refuse(&st, c, &auth, id, Kept::default(), &r).await;
        }
    };
    let pid = store::insert_plan(&*tx, id, evaluation, &text, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("plan_submit", "project", id)
            .unit(p.unit_id)
            .after(&serde_json::json!({"plan": pid, "evaluation": evaluation, "text": text})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

/// Approving a corrective plan lifts the hold. The approver is never the submitter.
async fn plan_approve(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, pid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let plans = store::plans(&*tx, id).await?;
    let plan = plans.iter().find(|x| x.id == pid && x.approved_at.is_none()).ok_or(AppError::NotFound)?;
    if plan.submitted_by == Some(auth.id) {
        drop(tx);
        let r = Refusal::new("services.error.self_approve");
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    if !store::approve_plan(&*tx, id, pid, auth.id).await? {
        return Err(AppError::Stale);
    }
    store::set_hold(&*tx, id, false).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("plan_approve", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"on_hold": true}))
            .after(&serde_json::json!({"plan": pid, "on_hold": false})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.released")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

// ---------------------------------------------------------------- team and milestones

async fn member_add(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    let mut input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "member", errs), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    if let Some(w) = input.worker_id {
        // The person must be in the register and visible to the user.
        let Some(name) = store::worker_name(&st.db.conn, &auth.scope, w).await? else {
            let mut kept = Kept::default();
            kept.errors.add("member.worker_id", c.t("services.error.worker"));
            return form_refused(&st, c, &auth, id, kept).await;
        };
        input.name = name;
    }
    if p.status == "closed" {
        let r = Refusal::new("services.error.closed");
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    if let Some(w) = input.worker_id {
        if store::is_active_member(&*tx, id, w).await? {
            drop(tx);
            let r = Refusal::new("services.error.member_twice");
            return refuse(&st, c, &auth, id, Kept::default(), &r).await;
        }
    }
    let mid = store::insert_member(&*tx, id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("member_add", "project", id)
            .unit(p.unit_id)
            .after(&serde_json::json!({"member": mid, "detail": input})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

#[derive(Deserialize)]
struct DateForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

async fn member_end(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<DateForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let on = crate::orgs::model::parse_date(&f.on).unwrap_or_else(today);
    let tx = st.db.write().await?;
    if !store::end_member(&*tx, id, mid, on).await? {
        drop(tx);
        let r = Refusal::new("services.error.member_end");
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("member_end", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"member": mid, "to_on": null}))
            .after(&serde_json::json!({"member": mid, "to_on": on})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

async fn milestone_add(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MilestoneForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "milestone", errs), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let mid = store::insert_milestone(&*tx, id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("milestone_add", "project", id)
            .unit(p.unit_id)
            .after(&serde_json::json!({"milestone": mid, "detail": input})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

async fn milestone_done(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<DateForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let on = crate::orgs::model::parse_date(&f.on).filter(|d| *d <= today()).unwrap_or_else(today);
    let note: String = f.note.trim().chars().take(500).collect();
    let tx = st.db.write().await?;
    if !store::complete_milestone(&*tx, id, mid, on, &note).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("milestone_done", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"milestone": mid, "done_on": null}))
            .after(&serde_json::json!({"milestone": mid, "done_on": on, "note": note})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

// ---------------------------------------------------------------- workload and agencies

#[derive(Template)]
#[template(path = "services/team.html")]
struct TeamPage {
    c: PageCtx,
    p: PageParams,
    year: String,
    page: Page<store::WorkloadRow>,
    extra: String,
}

#[derive(Deserialize)]
struct YearFilter {
    #[serde(default)]
    year: String,
}

async fn team(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(y): Query<YearFilter>,
) -> AppResult<Response> {
    let year = y.year.trim().parse::<i32>().ok();
    let page = store::workload(&st.db.conn, &auth.scope, year, &p).await?;
    let extra = serde_urlencoded::to_string([("year", y.year.as_str())]).unwrap_or_default();
    render(&TeamPage { c, p, year: y.year, page, extra })
}

#[derive(Template)]
#[template(path = "services/person.html")]
struct PersonPage {
    c: PageCtx,
    name: String,
    worker_id: i64,
    rows: Vec<store::AssignmentRow>,
}

async fn person(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(worker): Path<i64>) -> AppResult<Response> {
    let rows = store::assignments(&st.db.conn, &auth.scope, worker).await?;
    let name = match store::worker_name(&st.db.conn, &auth.scope, worker).await? {
        Some(n) => n,
        // Visible through a project although registered elsewhere: the name on the team is enough.
        None if !rows.is_empty() => store::members(&st.db.conn, rows[0].project_id)
            .await?
            .into_iter()
            .find(|m| m.worker_id == Some(worker))
            .map(|m| m.name)
            .unwrap_or_default(),
        None => return Err(AppError::NotFound),
    };
    render(&PersonPage { c, name, worker_id: worker, rows })
}

#[derive(Template)]
#[template(path = "services/agency.html")]
struct AgencyPage {
    c: PageCtx,
    name: String,
    /// The projects inside the caller's scope; the others count in the figures only.
    rows: Vec<store::TrackRow>,
    projects: usize,
    hidden: usize,
    average_final: String,
    on_time: String,
    total: String,
}

/// An agency's track record across projects and years, which the next purchase sees: open to
/// buyers (services.write) and readers with the whole city in scope; agency staff see their own
/// agency's record only.
async fn agency(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let own_agency = auth.scope.own_org == Some(id);
    if !(own_agency || auth.scope.all || auth.can("services.write")) {
        return Err(AppError::NotFound);
    }
    let name = store::organisation_name(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let all = store::track_record(&st.db.conn, &auth.scope, id).await?;
    let (projects, hidden) = (all.len(), all.iter().filter(|r| !r.visible).count());
    let finals: Vec<i32> = all.iter().filter_map(|r| r.final_score).collect();
    let average_final = if finals.is_empty() {
        "—".to_string()
    } else {
        format!("{:.1}", finals.iter().map(|s| f64::from(*s)).sum::<f64>() / finals.len() as f64)
    };
    let closed: Vec<bool> = all.iter().filter_map(|r| r.on_time()).collect();
    let on_time = if closed.is_empty() {
        "—".to_string()
    } else {
        format!("{}/{}", closed.iter().filter(|x| **x).count(), closed.len())
    };
    let rows: Vec<store::TrackRow> = all.into_iter().filter(|r| r.visible).collect();
    let total =
        crate::platform::money::Money(rows.iter().fold(0i64, |s, r| s.saturating_add(r.amount_fen))).yuan_text();
    render(&AgencyPage { c, name, rows, projects, hidden, average_final, on_time, total })
}
