//! The session middleware, run on every request before routing: it picks the language, loads
//! the signed-in user from the session cookie, and refuses cross-site or token-less
//! state-changing requests (CSRF).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::store;
use crate::platform::config::IpNet;
use crate::platform::error::{error_page, AppError};
use crate::platform::i18n::Lang;
use crate::platform::web::{cookie, random_token, set_cookie, RequestCtx, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::platform::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

/// The TCP peer of a request (absent when the router is called in-process, as in tests).
pub fn peer_addr(req: &Request) -> Option<IpAddr> {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_canonical())
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|n| n.contains(ip))
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[::1]:5`).
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    e.parse::<IpAddr>().ok().or_else(|| e.parse::<SocketAddr>().ok().map(|s| s.ip())).map(|ip| ip.to_canonical())
}

/// The client's address. Forwarded headers are believed only when the TCP peer is one of
/// `server.trusted_proxies`: then the client is the right-most `X-Forwarded-For` entry that is not
/// itself a trusted proxy (everything left of it was written by the client and proves nothing).
/// From any other peer, `X-Forwarded-For` is ignored and the peer is the client.
pub fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted(peer, proxies) {
        return Some(peer);
    }
    let entries: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        match forwarded_ip(entry) {
            Some(ip) => {
                client = ip;
                if !trusted(ip, proxies) {
                    break;
                }
            }
            // Not an address: a trusted proxy would not have written it; stop at the last hop we trust.
            None => break,
        }
    }
    Some(client)
}

/// The scheme the client used: `X-Forwarded-Proto` from a trusted proxy, else `https` when cookies
/// are secure (the site is served over TLS), else `http`.
fn request_scheme(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[IpNet], secure: bool) -> &'static str {
    let forwarded = peer.filter(|p| trusted(*p, proxies)).and_then(|_| {
        let v = headers.get("x-forwarded-proto")?.to_str().ok()?;
        match v.rsplit(',').next()?.trim().to_ascii_lowercase().as_str() {
            "https" => Some("https"),
            "http" => Some("http"),
            _ => None,
        }
    });
    forwarded.unwrap_or(if secure { "https" } else { "http" })
}

/// An origin as (scheme, host, port), ports defaulted (`http://h` is `http://h:80`).
fn origin_parts(s: &str) -> Option<(String, String, u16)> {
    let u = url::Url::parse(s.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || !u.username().is_empty() || u.password().is_some() {
        return None;
    }
    Some((u.scheme().to_string(), u.host_str()?.to_string(), u.port_or_known_default()?))
}

/// Whether a state-changing request comes from our own origin: the `Origin` header must equal, in
/// scheme, host and port, the site's own origin (scheme as in `request_scheme`, host and port from
/// the `Host` header) or one of `security.allowed_origins`. Without `Origin`, `Sec-Fetch-Site`
/// decides; without either it is not a browser's cross-site request and the CSRF token decides.
fn origin_allowed(req: &Request, allowed: &[String], scheme: &str) -> bool {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let Some(origin) = origin.to_str().ok().and_then(origin_parts) else {
            return false;
        };
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let own = (!host.is_empty() && !host.contains(['/', '@', '?', '#', '\\']))
            .then(|| origin_parts(&format!("{scheme}://{host}")))
            .flatten();
        return own.as_ref() == Some(&origin) || allowed.iter().filter_map(|a| origin_parts(a)).any(|a| a == origin);
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

pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = &state.config.security;
    let headers = req.headers();
    let lang = cookie(headers, LANG_COOKIE).and_then(Lang::parse).unwrap_or_else(|| {
        Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
    });
    let peer = peer_addr(&req);
    let ip = client_addr(peer, headers, &state.trusted_proxies).map(|a| a.to_string()).unwrap_or_default();
    let scheme = request_scheme(peer, headers, &state.trusted_proxies, cfg.secure_cookies);
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
        match store::load_token_user(&state.db.conn, &state.caches.access, tok).await {
            Ok(Some(u)) => Some(Arc::new(u)),
            Ok(None) => return crate::platform::api::api_error(StatusCode::UNAUTHORIZED, "error.bad_token"),
            Err(e) => return AppError::Db(e).into_response(),
        }
    } else {
        match &session_token {
            Some(tok) if !tok.is_empty() => match store::load_session(&state.db, &state.caches, tok, cfg).await {
                Ok(u) => u,
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
        (None, None) => match random_token(16) {
            Ok(t) => (t.clone(), Some(t)),
            Err(e) => return AppError::from(e).into_response(),
        },
    };

    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A bearer token is not sent by browsers on their own, so it needs no CSRF defence.
    if unsafe_method && bearer_token.is_none() {
        if !origin_allowed(&req, &cfg.allowed_origins, scheme) {
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
        if !presented.as_deref().is_some_and(|p| crate::platform::secret::eq(p, &csrf)) {
            tracing::warn!(path = %req.uri().path(), "missing or wrong CSRF token");
            return error_page(StatusCode::FORBIDDEN, "error.csrf");
        }
    }

    // A flash message is shown once, on the next full page.
    if let Some(u) = &user {
        if u.flash.is_some() && req.method() == Method::GET && !htmx {
            if let Err(e) = crate::platform::web::set_flash(&state.db.conn, u.session_id, None).await {
                return AppError::Db(e).into_response();
            }
        }
    }

    let ctx = RequestCtx { lang, user: user.clone(), csrf, ip, peer, path: req.uri().path().to_string(), htmx };
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
    }

    fn xff(v: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for x in v {
            h.append("x-forwarded-for", HeaderValue::from_str(x).expect("header"));
        }
        h
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().expect("ip"));
        let proxies = [IpNet::parse("10.0.0.0/24").expect("net"), IpNet::parse("192.0.2.1").expect("ip")];
        // An untrusted peer: its header is the client's own claim.
        assert_eq!(client_addr(ip("203.0.113.9"), &xff(&["1.1.1.1"]), &proxies), ip("203.0.113.9"));
        // No proxies configured: never believed.
        assert_eq!(client_addr(ip("10.0.0.5"), &xff(&["1.1.1.1"]), &[]), ip("10.0.0.5"));
        // Through a trusted proxy: the right-most entry not itself a proxy; a spoofed left part is ignored.
        assert_eq!(client_addr(ip("10.0.0.5"), &xff(&["6.6.6.6, 198.51.100.7"]), &proxies), ip("198.51.100.7"));
        assert_eq!(
            client_addr(ip("10.0.0.5"), &xff(&["6.6.6.6", "198.51.100.7, 192.0.2.1"]), &proxies),
            ip("198.51.100.7"),
            "several headers and a chain of trusted proxies"
        );
        assert_eq!(client_addr(ip("10.0.0.5"), &xff(&["[2001:db8::1]:443"]), &proxies), ip("2001:db8::1"));
        // Garbage where the proxy's entry should be: stop at the last trusted hop.
        assert_eq!(client_addr(ip("10.0.0.5"), &xff(&["not-an-ip"]), &proxies), ip("10.0.0.5"));
        assert_eq!(client_addr(ip("10.0.0.5"), &HeaderMap::new(), &proxies), ip("10.0.0.5"));
        assert_eq!(client_addr(None, &xff(&["1.1.1.1"]), &proxies), None);
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let req = |origin: &str, host: &str| {
            Request::post("/x").header("origin", origin).header("host", host).body(Body::empty()).expect("request")
        };
        assert!(origin_allowed(&req("http://shegong.example", "shegong.example"), &[], "http"));
        assert!(origin_allowed(&req("http://shegong.example:80", "shegong.example"), &[], "http"));
        assert!(origin_allowed(&req("http://127.0.0.1:8080", "127.0.0.1:8080"), &[], "http"));
        assert!(!origin_allowed(&req("https://shegong.example", "shegong.example"), &[], "http"), "scheme");
        assert!(!origin_allowed(&req("http://shegong.example:8081", "shegong.example:8080"), &[], "http"), "port");
        assert!(!origin_allowed(&req("http://evil.example", "shegong.example"), &[], "http"));
        assert!(!origin_allowed(&req("null", "shegong.example"), &[], "http"));
        assert!(!origin_allowed(&req("http://shegong.example", "evil@shegong.example"), &[], "http"));
        assert!(origin_allowed(&req("https://shegong.example", "shegong.example"), &[], "https"));
        let extra = ["https://portal.example".to_string()];
        assert!(origin_allowed(&req("https://portal.example", "shegong.internal"), &extra, "http"));
        assert!(!origin_allowed(&req("http://portal.example", "shegong.internal"), &extra, "http"));
    }
}
