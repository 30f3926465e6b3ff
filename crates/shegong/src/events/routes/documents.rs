//! Policy documents: the list with its registration form, the page of one document with its
//! files, and editing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use sea_orm::DatabaseTransaction;

use crate::events::model::DocumentForm;
use crate::events::store::{self, DocumentRow};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::files::{self, Attachment};
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, set_flash, FormErrors, PageCtx};
use crate::platform::AppState;

#[derive(Template)]
#[template(path = "events/documents.html")]
struct DocumentList {
    c: PageCtx,
    docs: Vec<DocumentRow>,
    /// The registration form as typed (kept when refused).
    f: DocumentForm,
    errors: FormErrors,
    files: Vec<Attachment>,
}

impl DocumentList {
    fn files_of(&self, id: &i64) -> Vec<&Attachment> {
        self.files.iter().filter(|a| a.entity_id == *id).collect()
    }
}

async fn list_page(st: &AppState, c: PageCtx, auth: &Auth, f: DocumentForm, errors: FormErrors) -> AppResult<Response> {
    let docs = store::documents(&st.db.conn, &auth.scope, false).await?;
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let files = files::of(&st.db.conn, "document", &ids).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &DocumentList { c, docs, f, errors, files })
}

pub(super) async fn list(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    list_page(&st, c, &auth, DocumentForm::default(), FormErrors::default()).await
}

pub(super) async fn create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return list_page(&st, c, &auth, f, errors).await;
        }
    };
    let tx = st.db.write().await?;
    let id = store::insert_document(
        &*tx,
        auth.unit_id,
        &input.title,
        &input.doc_number,
        &input.issuer,
        input.issued_on,
        None,
        Some(auth.id),
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "document", id).unit(auth.unit_id).after(&serde_json::json!({"title": input.title, "number": input.doc_number, "issuer": input.issuer, "issued_on": input.issued_on})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/documents"))
}

#[derive(Template)]
#[template(path = "events/document.html")]
struct DocumentPage {
    c: PageCtx,
    d: DocumentRow,
    files: Vec<Attachment>,
}

pub(super) async fn detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let d = store::document(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let files = files::of(&st.db.conn, "document", &[id]).await?;
    render(&DocumentPage { c, d, files })
}

#[derive(Template)]
#[template(path = "events/document_form.html")]
struct DocumentEditPage {
    c: PageCtx,
    d: DocumentRow,
    f: DocumentForm,
    errors: FormErrors,
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let d = store::document(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let f = DocumentForm {
        title: d.title.clone(),
        doc_number: d.doc_number.clone(),
        issuer: d.issuer.clone(),
        issued_on: d.issued_on.to_string(),
        version: d.version.to_string(),
    };
    render(&DocumentEditPage { c, d, f, errors: FormErrors::default() })
}

pub(super) async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    let old = store::document(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &DocumentEditPage { c, d: old, f, errors });
        }
    };
    let event = Event::new("update", "document", id).unit(old.unit_id).before(&old).after(&input);
    let write = async |tx: &DatabaseTransaction, version| store::update_document(tx, id, &input, version).await;
    super::save_edit(&st, &c, &auth, &f.version, event, &format!("/documents/{id}"), write).await
}

pub(super) async fn file(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let unit = store::document_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let up = files::upload(mp, false).await?;
    files::attach(&st, &auth, &c.ip, files::Owner { entity: "document", id, unit }, &up, "events.saved").await?;
    Ok(see_other(&format!("/documents/{id}")))
}
