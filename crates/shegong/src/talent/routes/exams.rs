//! The yearly exam-results import: template, upload with preview, commit (the rules are in
//! `talent/import.rs`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::Actor;
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::set_flash;
use crate::platform::web::FileName;
use crate::platform::web::{download, render, render_status, see_other, PageCtx, XLSX_TYPE};
use crate::platform::AppState;

pub fn routes() -> Routes {
    // The exam import matches full ID numbers against the register, so it would tell anyone
    // which of the ~16,600 numbers a mask leaves is the real one: it needs the reveal right
    // (and `talent.write`, checked by the handlers).
    Routes::new()
        .get("/talent/exams", Need::Perm("talent.pii_reveal"), exams_form)
        .post("/talent/exams", Need::Perm("talent.pii_reveal"), exams_preview)
        .post("/talent/exams/commit", Need::Perm("talent.pii_reveal"), exams_commit)
        .get("/talent/exams/template.xlsx", Need::Perm("talent.pii_reveal"), exams_template)
}

#[derive(Template)]
#[template(path = "talent/exams.html")]
struct ExamsPage {
    c: PageCtx,
    preview: Option<crate::talent::import::ExamPreview>,
    token: String,
    error_list: crate::platform::import::ErrorList,
}

impl ExamsPage {
    /// Preview rows shown on the page (the counts above cover all of them).
    fn shown_rows(&self) -> usize {
        crate::platform::import::SHOWN_ERRORS
    }
    fn outcome_key(&self, o: &&str) -> String {
        format!("exams.outcome.{o}")
    }
    fn level_key(&self, l: &str) -> String {
        format!("workers.level.{l}")
    }
}

async fn exams_template() -> AppResult<Response> {
    let bytes = crate::platform::xlsx::template(crate::talent::import::COLUMNS)?;
    Ok(download(bytes, &FileName::new("exams-template.xlsx", "exam-results-template.xlsx"), XLSX_TYPE))
}

async fn exams_form(c: PageCtx, auth: Auth) -> AppResult<Response> {
    if !auth.can("talent.write") {
        return Err(AppError::Forbidden);
    }
    render(&ExamsPage { c, preview: None, token: String::new(), error_list: Default::default() })
}

fn upload_path(data_dir: &str, token: &str) -> std::path::PathBuf {
    std::path::Path::new(data_dir).join("imports").join(format!("{token}.xlsx"))
}

/// Checks the file and shows what it would do; the upload is kept for the commit step.
async fn exams_preview(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    if !auth.can("talent.write") {
        return Err(AppError::Forbidden);
    }
    let bytes = match crate::platform::web::read_upload(mp).await {
        Ok(Some(b)) => b,
        Ok(None) => return Err(AppError::BadRequest("import.error.no_file".into())),
        Err(k) => return Err(AppError::BadRequest(k.into())),
    };
    let preview = crate::talent::import::preview(&st.db, &auth.scope, crate::platform::time::today(), &bytes).await?;
    let token = if preview.errors.is_empty() {
        let token = crate::platform::web::random_token(16)?;
        let path = upload_path(&st.config.data_dir, &token);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(e.into()))?;
        }
        tokio::fs::write(&path, &bytes).await.map_err(|e| AppError::Internal(e.into()))?;
        token
    } else {
        String::new()
    };
    let status = if preview.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let error_list =
        crate::platform::web::error_list(&c, &st.config.data_dir, &preview.errors, crate::talent::import::COLUMNS)
            .await;
    render_status(status, &ExamsPage { c, preview: Some(preview), token, error_list })
}

#[derive(Deserialize)]
struct CommitForm {
    #[serde(default)]
    token: String,
}

async fn exams_commit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<CommitForm>,
) -> AppResult<Response> {
    if !auth.can("talent.write") {
        return Err(AppError::Forbidden);
    }
    if f.token.len() != 32 || !f.token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest("error.bad_request".into()));
    }
    let path = upload_path(&st.config.data_dir, &f.token);
    let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::NotFound)?;
    // Matched again at commit time: the register may have changed since the preview.
    let preview = crate::talent::import::preview(&st.db, &auth.scope, crate::platform::time::today(), &bytes).await?;
    if !preview.errors.is_empty() {
        return Err(AppError::BadRequest("import.error.unreadable".into()));
    }
    let n = crate::talent::import::commit(&st.db, &Actor::user(&auth, &c.ip), &preview).await?;
    let _ = tokio::fs::remove_file(&path).await;
    set_flash(&st.db.conn, auth.session_id, Some("exams.saved")).await?;
    let _ = n;
    Ok(see_other("/talent/workers"))
}
