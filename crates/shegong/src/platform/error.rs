//! The one error type of the application. Handlers return `Result<_, AppError>`; every error
//! becomes a page (or JSON under /api) with a message in Chinese and English. Internal details
//! go to the log, never to the user.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::platform::i18n::{message, t, Lang};

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
    Db(sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<sea_orm::DbErr> for AppError {
    /// A unique index that refuses a write is a conflict the user can act on (someone created the
    /// same record a moment earlier, after the handler's own check), not an internal error. The
    /// write transaction is rolled back as it is dropped, so nothing is half written.
    fn from(e: sea_orm::DbErr) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict("error.duplicate".into()),
            _ => AppError::Db(e),
        }
    }
}

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
    let page = ErrorPage { status: status.as_u16(), zh: message(Lang::Zh, key), en: message(Lang::En, key) };
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

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnectionTrait;

    #[tokio::test]
    async fn a_unique_index_refusing_a_write_is_a_conflict() {
        let db = crate::platform::db::Db::connect(":memory:", 1).await.expect("connect");
        db.conn.execute_unprepared("CREATE TABLE t (code TEXT NOT NULL UNIQUE)").await.expect("table");
        db.conn.execute_unprepared("INSERT INTO t VALUES ('a')").await.expect("first");
        let again = db.conn.execute_unprepared("INSERT INTO t VALUES ('a')").await.expect_err("unique");
        let e = AppError::from(again);
        assert_eq!(e.status(), StatusCode::CONFLICT);
        assert_eq!(e.message_key(), "error.duplicate");
        let other = db.conn.execute_unprepared("INSERT INTO nowhere VALUES (1)").await.expect_err("no table");
        assert_eq!(AppError::from(other).status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
