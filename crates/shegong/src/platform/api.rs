//! The JSON API's shared parts: error bodies, the conversion of every error on `/api/` paths
//! into JSON, and the OpenAPI security scheme. API handlers live in each domain's `api.rs`
//! and are registered through the same [`Routes`](crate::platform::access::Routes) table, so
//! they get the same permission checks as the pages.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::ToSchema;

use crate::platform::error::ErrorMarker;
use crate::platform::i18n::{message, Lang};

/// An error answer: a stable code (a locale key) and the message in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub message_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// A problem with one field of a request body.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
    pub message_en: String,
}

impl ApiError {
    pub fn new(key: &str) -> ApiError {
        ApiError {
            code: key.to_string(),
            message: message(Lang::Zh, key),
            message_en: message(Lang::En, key),
            fields: vec![],
        }
    }
}

pub fn api_error(status: StatusCode, key: &str) -> Response {
    (status, Json(ApiError::new(key))).into_response()
}

/// 422 with one entry per field problem.
pub fn validation_error(fields: &[(&str, &str)]) -> Response {
    let mut e = ApiError::new("error.validation");
    e.fields = fields
        .iter()
        .map(|(f, k)| FieldError {
            field: f.to_string(),
            code: k.to_string(),
            message: message(Lang::Zh, k),
            message_en: message(Lang::En, k),
        })
        .collect();
    (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response()
}

fn default_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "error.unauthorized",
        403 => "error.forbidden",
        404 => "error.not_found",
        409 => "error.stale",
        413 => "error.too_large",
        s if s >= 500 => "error.internal",
        _ => "error.bad_request",
    }
}

/// Turns every non-JSON error on `/api/` into a JSON [`ApiError`] (pages keep their HTML).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let status = resp.status();
    if !is_api || status.as_u16() < 400 {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let key = resp
        .extensions()
        .get::<ErrorMarker>()
        .map(|m| m.key.clone())
        .unwrap_or_else(|| default_key(status).to_string());
    api_error(status, &key)
}

/// Adds the bearer-token scheme to the OpenAPI document.
pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}
