//! A review as a file: Word (.docx) and PDF through `crates/render`, named through
//! `FileName`. A renderer that cannot run (not built, no font) answers a page that says so in the
//! reader's language.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::download::{download, FileName};
use crate::platform::error::{AppError, AppResult};
use crate::platform::AppState;
use crate::review::store::ReviewRow;
use crate::review::templates::document;
use crate::review::REVIEW;

pub const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const PDF_TYPE: &str = "application/pdf";

pub fn routes() -> Routes {
    Routes::new().with("id", &REVIEW).get("/review/{id}/docx", Need::Perm("review.read"), docx).get(
        "/review/{id}/pdf",
        Need::Perm("review.read"),
        pdf,
    )
}

/// The download name: `review-<unit code>-<year>.<ext>` / the review's title.
pub fn file_name(r: &ReviewRow, ext: &str) -> FileName {
    let code = crate::platform::download::unit_code_of(&r.unit_path);
    FileName::new(&format!("review-{code}-{}.{ext}", r.year), &format!("{}.{ext}", r.title))
}

async fn file(st: &AppState, auth: &Auth, id: i64, pdf: bool) -> AppResult<Response> {
    let r = super::reviews::load(st, auth, id).await?;
    let doc = match document::review_document(st, &r, &auth.scope, true).await? {
        Ok((d, _)) => d,
        Err(_) => return Err(AppError::BadRequest("review.error.template_broken".into())),
    };
    // Typesetting takes CPU time: off the request threads, with the configured font directory.
    let fonts = st.config.fonts();
    let (ext, kind) = if pdf { ("pdf", PDF_TYPE) } else { ("docx", DOCX_TYPE) };
    let bytes = tokio::task::spawn_blocking(move || {
        if pdf {
            render::pdf::render(&doc, &fonts)
        } else {
            render::docx::render(&doc, &fonts)
        }
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("review render task: {e}")))?;
    match bytes {
        Ok(b) => Ok(download(b, &file_name(&r, ext), kind)),
        Err(e) => {
            tracing::warn!(error = %e, review = id, "review render failed");
            Err(AppError::Conflict(crate::review::templates::render_error_key(&e).into()))
        }
    }
}

async fn docx(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    file(&st, &auth, id, false).await
}

async fn pdf(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    file(&st, &auth, id, true).await
}
