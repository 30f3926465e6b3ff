//! Review templates: the list (latest version of each), one version with the history of its
//! name, the editor with a live preview beside it (htmx posts the text as it is typed and gets
//! the document or the error with its line back), and saving, which writes a new version.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{render, render_status, see_other, set_flash, PageCtx};
use crate::platform::AppState;
use crate::review::figures as engine;
use crate::review::store::{self, TemplateRow};
use crate::review::templates::document::{self, Subject};
use crate::review::REVIEW_TEMPLATE;

/// The longest template accepted (characters).
const MAX_BODY: usize = 100_000;

pub fn routes() -> Routes {
    Routes::new()
        .get("/review/templates", Need::Perm("review.read"), list)
        .post("/review/templates/preview", Need::Perm("review.write"), preview)
        .with("tid", &REVIEW_TEMPLATE)
        .get("/review/templates/{tid}", Need::Perm("review.read"), view)
        .get("/review/templates/{tid}/edit", Need::Perm("review.write"), edit)
        .post("/review/templates/{tid}", Need::Perm("review.write"), save)
}

#[derive(Template)]
#[template(path = "review/templates.html")]
struct ListPage {
    c: PageCtx,
    templates: Vec<TemplateRow>,
}

async fn list(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    if auth.can("review.write") {
        super::reviews::ensure_defaults(&st, &auth, &c.ip).await?;
    }
    let templates = store::templates_latest(&st.db.conn).await?;
    render(&ListPage { c, templates })
}

#[derive(Template)]
#[template(path = "review/template.html")]
struct ViewPage {
    c: PageCtx,
    t: TemplateRow,
    history: Vec<TemplateRow>,
}

async fn view(State(st): State<AppState>, c: PageCtx, Path(tid): Path<i64>) -> AppResult<Response> {
    let t = store::template(&st.db.conn, tid).await?.ok_or(AppError::NotFound)?;
    let history = store::template_versions(&st.db.conn, &t.name, &t.lang).await?;
    render(&ViewPage { c, t, history })
}

#[derive(Template)]
#[template(path = "review/editor.html")]
struct EditorPage {
    c: PageCtx,
    t: TemplateRow,
    body: String,
    note: String,
    year: i32,
    unit: i64,
    /// Whose figures the preview shows (`周市镇，2022年`).
    place: String,
    /// The review the editor was opened from (its page is the way back), or 0.
    review: i64,
    error: Option<String>,
    preview: String,
}

/// The year and unit a preview is about: the latest year of the yearly registers and the top of
/// the caller's scope (or what the editor's fields say).
async fn subject(st: &AppState, auth: &Auth, year: Option<&str>, unit: Option<&str>, lang: &str) -> AppResult<Subject> {
    let (period, _) = engine::period(st, None, year).await?;
    let place = engine::place(st, auth, unit).await?;
    let (name, name_en) = place.crumbs.last().map(|u| (u.name.clone(), u.name_en.clone())).unwrap_or_default();
    Ok(Subject {
        unit_id: place.unit_id,
        unit_path: place.path,
        unit_name: name,
        unit_name_en: name_en,
        year: period.year(),
        lang: document::doc_lang(lang),
        scope: auth.scope.clone(),
    })
}

/// The preview of a template's text: the document as HTML, or the error in the reader's language.
async fn preview_of(st: &AppState, c: &PageCtx, s: &Subject, body: &str) -> AppResult<Result<String, String>> {
    Ok(match document::run_live(st, s, body).await? {
        Ok((r, _, _)) => {
            let title = crate::platform::i18n::t(s.lang, "review.preview_title");
            Ok(render::html::render(&document::document(title, s, "draft", r.blocks)))
        }
        Err(e) => Err(e.message(c.lang)),
    })
}

/// Whose figures a preview shows, in the reader's language.
fn place_label(c: &PageCtx, s: &Subject) -> String {
    let name = c.pick(&s.unit_name, &s.unit_name_en);
    c.tf("review.preview_for", &[("unit", name), ("year", &s.year.to_string())])
}

/// The subject of the editor: the review it was opened from (read through the scoped loader: out
/// of scope and missing are one 404), or the latest year and the top of the caller's scope.
async fn editor_subject(st: &AppState, auth: &Auth, review: Option<&str>, lang: &str) -> AppResult<(Subject, i64)> {
    match review.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => {
            let id = v.parse::<i64>().map_err(|_| AppError::NotFound)?;
            let r = super::reviews::load(st, auth, id).await?;
            Ok((Subject::of(&r, &auth.scope), r.id))
        }
        None => Ok((subject(st, auth, None, None, lang).await?, 0)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct EditQuery {
    /// `?review=<id>`: the editor opened from a review previews that review's year and unit.
    #[serde(default)]
    review: Option<String>,
}

async fn edit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(tid): Path<i64>,
    Query(q): Query<EditQuery>,
) -> AppResult<Response> {
    let t = store::template(&st.db.conn, tid).await?.ok_or(AppError::NotFound)?;
    let (s, review) = editor_subject(&st, &auth, q.review.as_deref(), &t.lang).await?;
    let (preview, error) = match preview_of(&st, &c, &s, &t.body).await? {
        Ok(p) => (p, None),
        Err(e) => (String::new(), Some(e)),
    };
    let body = t.body.clone();
    let place = place_label(&c, &s);
    render(&EditorPage {
        c,
        t,
        body,
        note: String::new(),
        year: s.year,
        unit: s.unit_id,
        place,
        review,
        error,
        preview,
    })
}

#[derive(Debug, Deserialize)]
struct PreviewForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit: String,
}

#[derive(Template)]
#[template(path = "review/preview.html")]
struct PreviewFragment {
    error: Option<String>,
    preview: String,
}

/// The preview fragment (htmx): the document, or the error with its line (422).
async fn preview(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<PreviewForm>,
) -> AppResult<Response> {
    if f.body.chars().count() > MAX_BODY {
        return Err(AppError::BadRequest("review.error.too_big".into()));
    }
    let s = subject(&st, &auth, Some(&f.year), Some(&f.unit), &f.lang).await?;
    let (preview, error) = match preview_of(&st, &c, &s, &f.body).await? {
        Ok(p) => (p, None),
        Err(e) => (String::new(), Some(e)),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let html = PreviewFragment { error, preview }.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok((status, Html(html)).into_response())
}

#[derive(Debug, Deserialize)]
struct SaveForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    note: String,
    /// The version the editor was opened on: saving over a newer one is refused.
    #[serde(default)]
    version: String,
    /// The review the editor was opened from: saving goes back to it.
    #[serde(default)]
    review: String,
}

/// Saves the text as a new version; a text that does not render is refused with its error.
async fn save(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(tid): Path<i64>,
    Query(_q): Query<std::collections::HashMap<String, String>>,
    Form(f): Form<SaveForm>,
) -> AppResult<Response> {
    let t = store::template(&st.db.conn, tid).await?.ok_or(AppError::NotFound)?;
    let shown = crate::platform::web::form_version(&f.version)?;
    if f.body.chars().count() > MAX_BODY || f.note.chars().count() > 200 {
        return Err(AppError::BadRequest("review.error.too_big".into()));
    }
    let (s, review) = editor_subject(&st, &auth, Some(&f.review), &t.lang).await?;
    if let Err(e) = preview_of(&st, &c, &s, &f.body).await? {
        let body = f.body.clone();
        let place = place_label(&c, &s);
        let page = EditorPage {
            c,
            t,
            body,
            note: f.note,
            year: s.year,
            unit: s.unit_id,
            place,
            review,
            error: Some(e),
            preview: String::new(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let tx = st.db.write().await?;
    let latest = store::latest_template(&*tx, &t.name, &t.lang).await?.map(|x| x.version).unwrap_or(0);
    if latest != shown {
        return Err(AppError::Stale);
    }
    let id = store::insert_template(&*tx, &t.name, &t.lang, &f.body, f.note.trim(), Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "review_template", id)
            .before(&serde_json::json!({ "id": t.id, "version": latest }))
            .after(
                &serde_json::json!({ "name": t.name, "lang": t.lang, "version": latest + 1, "note": f.note.trim() }),
            ),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("review.template_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&if review > 0 { format!("/review/{review}") } else { format!("/review/templates/{id}") }))
}
