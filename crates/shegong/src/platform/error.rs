//! The one error type of the application. Handlers return `Result<_, AppError>`; every error
//! becomes a page (or JSON under /api) with a message in Chinese and English. Internal details
//! go to the log, never to the user.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::platform::i18n::{t, Lang};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    Unauthorized,
    /// The input cannot be used; the key names a message in the locale files.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The record changed since the form was loaded (optimistic locking).
    #[error("conflict: stale edit")]
    Stale,
    /// A uniqueness or reference rule was broken; the key names a message.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Template)]
#[template(path = "layout/error.html")]
struct ErrorPage {
    status: u16,
    zh: String,
    en: String,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Stale | AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The locale key of the user-facing message.
    pub fn message_key(&self) -> String {
        match self {
            AppError::NotFound => "error.not_found".into(),
            AppError::Forbidden => "error.forbidden".into(),
            AppError::Unauthorized => "error.unauthorized".into(),
            AppError::BadRequest(k) | AppError::Conflict(k) => k.clone(),
            AppError::Stale => "error.stale".into(),
            AppError::Db(_) | AppError::Internal(_) => "error.internal".into(),
        }
    }
}

/// Renders an error page with the message in both languages.
pub fn error_page(status: StatusCode, key: &str) -> Response {
    let page =
        ErrorPage { status: status.as_u16(), zh: t(Lang::Zh, key).to_string(), en: t(Lang::En, key).to_string() };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, format!("{} / {}", t(Lang::Zh, key), t(Lang::En, key))).into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut resp = error_page(status, &self.message_key());
        resp.extensions_mut().insert(ErrorMarker { key: self.message_key() });
        resp
    }
}

/// Attached to error responses so the API layer can answer with JSON instead of a page.
#[derive(Clone, Debug)]
pub struct ErrorMarker {
    pub key: String,
}
