//! Reviews: the list (by year and state), creating one (year, a unit of the caller's scope, a
//! template), the review page (the document inside the shell) and its steps 草稿 → 审核 → 发布
//! (and back from 审核 to 草稿), each audited; publishing freezes the figures the document uses.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use sea_orm::{DatabaseTransaction, DbErr};
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::WriteTx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::{tf, Lang};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::period::YearFilter;
use crate::platform::web::{
    form_version, render, render_status, see_other, set_flash, set_flash_with, FlashArg, FormErrors, PageCtx,
};
use crate::platform::AppState;
use crate::review::store::{self, NewReview, ReviewFilter, ReviewRow, TemplateRow, DEFAULT_TEMPLATE, STATES};
use crate::review::templates::document::{self, Subject};
use crate::review::REVIEW;
use crate::units::UnitOption;

pub fn routes() -> Routes {
    Routes::new()
        .get("/review", Need::Perm("review.read"), list)
        .get("/review/new", Need::Perm("review.write"), new_form)
        .post("/review", Need::Perm("review.write"), create)
        .with("id", &REVIEW)
        .get("/review/{id}", Need::Perm("review.read"), page)
        .post("/review/{id}/submit", Need::Perm("review.write"), submit)
        .post("/review/{id}/return", Need::Perm("review.write"), send_back)
        .post("/review/{id}/publish", Need::Perm("review.publish"), publish)
        .post("/review/{id}/refresh", Need::Perm("review.write"), refresh)
}

/// Writes the built-in templates on first use (audited as the user's write).
pub(super) async fn ensure_defaults(st: &AppState, auth: &Auth, ip: &str) -> AppResult<()> {
    if store::latest_template(&st.db.conn, DEFAULT_TEMPLATE, "zh").await?.is_some() {
        return Ok(());
    }
    let tx = st.db.write().await?;
    if store::ensure_defaults(&*tx).await? {
        for lang in ["zh", "en"] {
            if let Some(t) = store::latest_template(&*tx, DEFAULT_TEMPLATE, lang).await? {
                audit::record(
                    &*tx,
                    &Actor::user(auth, ip),
                    Event::new("create", "review_template", t.id).after(&(t.name, t.lang, t.version)),
                )
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "review/list.html")]
struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: ReviewFilter,
    year_filter: YearFilter,
    states: Vec<&'static str>,
    page: Page<ReviewRow>,
    extra: String,
}

async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(mut f): Query<ReviewFilter>,
) -> AppResult<Response> {
    let year_filter = YearFilter::choose(store::review_years(&st.db.conn, &auth.scope).await?, &f.year);
    f.year = year_filter.year.map(|y| y.to_string()).unwrap_or_default();
    let page = store::reviews(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra =
        serde_urlencoded::to_string([("year", f.year.as_str()), ("state", f.state.as_str())]).unwrap_or_default();
    render(&ListPage { c, p, f, year_filter, states: STATES.to_vec(), page, extra })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub template: String,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub title: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Template)]
#[template(path = "review/new.html")]
struct NewPage {
    c: PageCtx,
    f: NewForm,
    errors: FormErrors,
    units: Vec<UnitOption>,
    years: Vec<i32>,
    templates: Vec<TemplateRow>,
}

impl NewPage {
    fn indent(&self, d: &i32) -> String {
        "\u{3000}".repeat((*d).max(0) as usize)
    }
    /// Template names, each once.
    fn names(&self) -> Vec<&str> {
        let mut n: Vec<&str> = self.templates.iter().map(|t| t.name.as_str()).collect();
        n.dedup();
        n
    }
}

async fn form_page(st: &AppState, c: PageCtx, auth: &Auth, f: NewForm, errors: FormErrors) -> AppResult<Response> {
    let units = crate::units::options(&st.db.conn, &auth.scope).await?;
    let data = store::data_years(&st.db.conn).await?;
    let mut years = data.all;
    let this = crate::platform::period::this_year();
    if !years.contains(&this) {
        years.insert(0, this);
    }
    let templates = store::templates_latest(&st.db.conn).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &NewPage { c, f, errors, units, years, templates })
}

async fn new_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    ensure_defaults(&st, &auth, &c.ip).await?;
    let years = store::data_years(&st.db.conn).await?;
    let f = NewForm {
        unit_id: auth.unit_id.to_string(),
        year: years.yearly.first().map(|y| y.to_string()).unwrap_or_default(),
        template: DEFAULT_TEMPLATE.into(),
        lang: if c.lang == Lang::En { "en".into() } else { "zh".into() },
        ..NewForm::default()
    };
    form_page(&st, c, &auth, f, FormErrors::default()).await
}

async fn create(State(st): State<AppState>, c: PageCtx, auth: Auth, Form(f): Form<NewForm>) -> AppResult<Response> {
    let mut errs: Vec<(&'static str, &'static str)> = Vec::new();
    let unit = match f.unit_id.trim().parse::<i64>() {
        Ok(id) => crate::units::get_scoped(&st.db.conn, &auth.scope, id).await?,
        Err(_) => None,
    };
    if unit.is_none() {
        errs.push(("unit_id", "review.error.unit"));
    }
    let this = crate::platform::period::this_year();
    let year = f.year.trim().parse::<i32>().ok().filter(|y| (2000..=this + 1).contains(y));
    if year.is_none() {
        errs.push(("year", "review.error.year"));
    }
    let lang = match f.lang.as_str() {
        "zh" | "en" => f.lang.clone(),
        _ => {
            errs.push(("lang", "review.error.lang"));
            String::new()
        }
    };
    let template =
        if lang.is_empty() { None } else { store::latest_template(&st.db.conn, f.template.trim(), &lang).await? };
    if template.is_none() && !lang.is_empty() {
        errs.push(("template", "review.error.template"));
    }
    let title = f.title.trim();
    if title.chars().count() > 200 {
        errs.push(("title", "review.error.title"));
    }
    let (Some(unit), Some(year), Some(template), true) = (unit, year, template, errs.is_empty()) else {
        let errors = FormErrors::from_keys(&c, errs);
        return form_page(&st, c, &auth, f, errors).await;
    };
    let doc_lang = document::doc_lang(&lang);
    let title = if title.is_empty() {
        let name = if doc_lang == Lang::En && !unit.name_en.is_empty() { &unit.name_en } else { &unit.name };
        tf(doc_lang, "review.default_title", &[("year", &year.to_string()), ("unit", name)])
    } else {
        title.to_string()
    };
    let input = NewReview { unit_id: unit.id, year, template_id: template.id, lang, title };
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        return Ok(see_other(if prev.is_empty() { "/review" } else { &prev }));
    }
    let id = store::insert_review(&*tx, &input, Some(auth.id)).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "review", id).unit(unit.id).after(&input))
        .await?;
    let to = format!("/review/{id}");
    once::complete(&*tx, &f.nonce, &to).await?;
    set_flash(&*tx, auth.session_id, Some("review.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&to))
}

#[derive(Template)]
#[template(path = "review/page.html")]
struct ReviewPage {
    c: PageCtx,
    r: ReviewRow,
    /// The document as HTML (escaped by `render::html`), or the template's error.
    doc: Option<String>,
    error: Option<String>,
    marked: usize,
    latest_version: i32,
    /// The latest version of the review's template (what its editor opens on).
    latest_template_id: i64,
}

pub(super) async fn load(st: &AppState, auth: &Auth, id: i64) -> AppResult<ReviewRow> {
    store::review(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)
}

async fn page(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let r = load(&st, &auth, id).await?;
    let (doc, error, marked) = match document::review_document(&st, &r, &auth.scope, false).await? {
        Ok((d, marked)) => (Some(render::html::render(&d)), None, marked),
        Err(e) => (None, Some(e.message(c.lang)), 0),
    };
    let latest = store::latest_template(&st.db.conn, &r.template_name, &r.lang).await?;
    let (latest_version, latest_template_id) = latest.map(|t| (t.version, t.id)).unwrap_or((0, r.template_id));
    render(&ReviewPage { c, r, doc, error, marked, latest_version, latest_template_id })
}

#[derive(Debug, Deserialize)]
struct StepForm {
    #[serde(default)]
    version: String,
}

/// The review page again with a flash saying that the review's state does not allow the step.
async fn refused(tx: WriteTx, auth: &Auth, r: &ReviewRow) -> AppResult<Response> {
    set_flash_with(&*tx, auth.session_id, "review.error.state", &[("state", FlashArg::Key(r.state_key()))]).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/review/{}", r.id)))
}

/// One step of the workflow: from which state, how it is audited, what is flashed when done.
struct Step<'a> {
    from: &'a str,
    event: Event<'a>,
    done: &'a str,
}

/// One step of the workflow on `r` at the version shown: refused unless `r` is in the step's
/// state; otherwise `write` makes it (false: another change came first, stale), and it is
/// audited and flashed.
async fn step(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    r: &ReviewRow,
    s: Step<'_>,
    write: impl AsyncFnOnce(&DatabaseTransaction) -> Result<bool, DbErr>,
) -> AppResult<Response> {
    let tx = st.db.write().await?;
    if r.state != s.from {
        return refused(tx, auth, r).await;
    }
    if !write(&*tx).await? {
        return Err(AppError::Stale);
    }
    audit::record(&*tx, &Actor::user(auth, &c.ip), s.event.unit(r.unit_id)).await?;
    set_flash(&*tx, auth.session_id, Some(s.done)).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/review/{}", r.id)))
}

/// A change of state (草稿 → 审核, 审核 → 草稿), audited with the states before and after.
async fn move_state(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    id: i64,
    f: &StepForm,
    from: &str,
    to: &str,
) -> AppResult<Response> {
    let r = load(st, auth, id).await?;
    let version = form_version(&f.version)?;
    let back = to == "draft";
    let event = Event::new(if back { "return" } else { "submit" }, "review", id)
        .before(&serde_json::json!({ "state": from }))
        .after(&serde_json::json!({ "state": to }));
    let done = if back { "review.returned" } else { "review.submitted" };
    let write = async |tx: &DatabaseTransaction| store::set_state(tx, id, from, to, version).await;
    step(st, c, auth, &r, Step { from, event, done }, write).await
}

async fn submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    move_state(&st, &c, &auth, id, &f, "draft", "review").await
}

async fn send_back(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    move_state(&st, &c, &auth, id, &f, "review", "draft").await
}

/// 审核 → 发布: the document is rendered from the records now, and every figure it uses is
/// written as a snapshot row with the data version, in the publishing transaction.
async fn publish(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let r = load(&st, &auth, id).await?;
    let version = form_version(&f.version)?;
    if r.state != "review" {
        // Before the document is rendered for nothing.
        return refused(st.db.write().await?, &auth, &r).await;
    }
    let tpl = store::template(&st.db.conn, r.template_id).await?.ok_or(AppError::NotFound)?;
    let subject = Subject::of(&r, &auth.scope);
    let (rendered, facts, data_version) = match document::run_live(&st, &subject, &tpl.body).await? {
        Ok(x) => x,
        Err(e) => {
            let tx = st.db.write().await?;
            set_flash_with(
                &*tx,
                auth.session_id,
                "review.error.cannot_publish",
                &[("error", FlashArg::Value(e.message(c.lang)))],
            )
            .await?;
            tx.commit().await?;
            return Ok(see_other(&format!("/review/{id}")));
        }
    };
    let rows = document::snapshot_rows(&rendered.used, &facts, data_version);
    let lists = serde_json::to_string(&facts.lists).map_err(|e| AppError::Internal(e.into()))?;
    let figures: Vec<(&str, Option<i64>)> = rows.iter().map(|s| (s.figure_key.as_str(), s.value)).collect();
    let event = Event::new("publish", "review", id)
        .before(&serde_json::json!({ "state": "review" }))
        .after(&serde_json::json!({ "state": "published", "data_version": data_version, "figures": figures }));
    let write =
        async |tx: &DatabaseTransaction| store::publish(tx, id, version, auth.id, data_version, &lists, &rows).await;
    step(&st, &c, &auth, &r, Step { from: "review", event, done: "review.published" }, write).await
}

/// A draft takes the latest version of its template.
async fn refresh(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let r = load(&st, &auth, id).await?;
    let version = form_version(&f.version)?;
    let latest = store::latest_template(&st.db.conn, &r.template_name, &r.lang).await?.ok_or(AppError::NotFound)?;
    let event = Event::new("update", "review", id)
        .before(&serde_json::json!({ "template_id": r.template_id }))
        .after(&serde_json::json!({ "template_id": latest.id }));
    let write = async |tx: &DatabaseTransaction| store::set_template(tx, id, latest.id, version).await;
    step(&st, &c, &auth, &r, Step { from: "draft", event, done: "review.saved" }, write).await
}
