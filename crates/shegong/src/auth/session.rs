//! The session middleware, run on every request before routing: it picks the language, loads
//! the signed-in user from the session cookie, and refuses cross-site or token-less
//! state-changing requests (CSRF).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::store;
use crate::platform::error::{error_page, AppError};
use crate::platform::i18n::Lang;
use crate::platform::web::{cookie, random_token, set_cookie, RequestCtx, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(v) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            if let Some(first) = v.split(',').next() {
                return first.trim().chars().take(64).collect();
            }
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default()
}

fn origin_allowed(req: &Request, allowed: &[String]) -> bool {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        return origin_host == host || allowed.iter().any(|a| a == origin);
    }
    match req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        // Neither header: not a browser cross-site request (old client or a script); the token still decides.
        None => true,
    }
}

/// Finds `_csrf` in a multipart body without parsing the whole form.
fn multipart_field(body: &[u8], field: &str) -> Option<String> {
    let needle = format!("name=\"{field}\"");
    let pos = body.windows(needle.len()).position(|w| w == needle.as_bytes())?;
    let rest = &body[pos..];
    let start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = value.windows(2).position(|w| w == b"\r\n")?;
    std::str::from_utf8(&value[..end]).ok().map(|s| s.trim().to_string())
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = &state.config.security;
    let headers = req.headers();
    let lang = cookie(headers, LANG_COOKIE).and_then(Lang::parse).unwrap_or_else(|| {
        Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
    });
    let ip = client_ip(&req, cfg.trust_proxy);
    let session_token = cookie(headers, SESSION_COOKIE).map(str::to_string);
    let htmx = headers.contains_key("hx-request");

    // API calls may authenticate with a personal access token instead of the session cookie.
    let bearer_token = if req.uri().path().starts_with("/api/") {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
    } else {
        None
    };
    let user = if let Some(tok) = &bearer_token {
        match store::load_token_user(&state.db.conn, tok).await {
            Ok(Some(u)) => Some(Arc::new(u)),
            Ok(None) => return crate::platform::api::api_error(StatusCode::UNAUTHORIZED, "error.bad_token"),
            Err(e) => return AppError::Db(e).into_response(),
        }
    } else {
        match &session_token {
            Some(tok) if !tok.is_empty() => match store::load_session(&state.db.conn, tok, cfg).await {
                Ok(u) => u.map(Arc::new),
                Err(e) => return AppError::Db(e).into_response(),
            },
            _ => None,
        }
    };
    let anon_token = cookie(headers, CSRF_COOKIE)
        .filter(|t| t.len() >= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    let (csrf, new_anon) = match (&user, anon_token) {
        (Some(u), _) => (u.csrf_token.clone(), None),
        (None, Some(t)) => (t, None),
        (None, None) => {
            let t = random_token(16);
            (t.clone(), Some(t))
        }
    };

    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A bearer token is not sent by browsers on their own, so it needs no CSRF defence.
    if unsafe_method && bearer_token.is_none() {
        if !origin_allowed(&req, &cfg.allowed_origins) {
            tracing::warn!(path = %req.uri().path(), "cross-site request refused");
            return error_page(StatusCode::FORBIDDEN, "error.csrf");
        }
        let mut presented = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        if presented.is_none() {
            let ctype = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let (parts, body) = req.into_parts();
            let bytes = match to_bytes(body, state.config.limits.body_bytes).await {
                Ok(b) => b,
                Err(_) => return error_page(StatusCode::PAYLOAD_TOO_LARGE, "error.too_large"),
            };
            if ctype.starts_with("application/x-www-form-urlencoded") {
                presented = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                    .ok()
                    .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
            } else if ctype.starts_with("multipart/form-data") {
                presented = multipart_field(&bytes, CSRF_FIELD);
            }
            req = Request::from_parts(parts, Body::from(bytes));
        }
        if !presented.as_deref().is_some_and(|p| constant_eq(p, &csrf)) {
            tracing::warn!(path = %req.uri().path(), "missing or wrong CSRF token");
            return error_page(StatusCode::FORBIDDEN, "error.csrf");
        }
    }

    // A flash message is shown once, on the next full page.
    if let Some(u) = &user {
        if u.flash.is_some() && req.method() == Method::GET && !htmx {
            if let Err(e) = store::set_flash(&state.db.conn, u.session_id, None).await {
                return AppError::Db(e).into_response();
            }
        }
    }

    let ctx = RequestCtx { lang, user: user.clone(), csrf, ip, path: req.uri().path().to_string(), htmx };
    req.extensions_mut().insert(ctx);
    if let Some(u) = &user {
        req.extensions_mut().insert(u.clone());
    }
    let mut resp = next.run(req).await;
    let secure = cfg.secure_cookies;
    if let Some(t) = new_anon {
        if let Ok(v) = HeaderValue::from_str(&set_cookie(CSRF_COOKIE, &t, None, true, secure)) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if session_token.is_some() && user.is_none() && !resp.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", Some(0), true, secure)) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_csrf_in_multipart() {
        let body = b"--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nDATA\r\n--x--\r\n";
        assert_eq!(multipart_field(body, "_csrf").as_deref(), Some("abc123"));
        assert_eq!(multipart_field(body, "nope"), None);
        assert!(constant_eq("abc", "abc") && !constant_eq("abc", "abd") && !constant_eq("ab", "abc"));
    }
}
