use std::time::Instant;

use askama::Template;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sha2::Digest;

use crate::platform::access::{Need, Routes};
use crate::platform::audit::{self, AuditFilter, AuditRow};
use crate::platform::error::AppResult;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::{render, PageCtx, RequestCtx};
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/healthz", Need::Public, healthz)
        .get("/readyz", Need::Public, readyz)
        .get("/metrics", Need::Public, metrics_text)
        .get("/admin/audit", Need::Perm("audit.read"), audit_page)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(st): State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Whether the caller may read `/metrics`: with `telemetry.metrics_token` set, the request must
/// carry `Authorization: Bearer <token>` (compared in constant time, as SHA-256 digests so the
/// length does not tell either); without it, only a loopback peer that did not come through a
/// proxy (no forwarding headers) may.
fn metrics_allowed(st: &AppState, rc: &RequestCtx, headers: &HeaderMap) -> bool {
    let token = &st.config.telemetry.metrics_token;
    if !token.is_empty() {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        let digest = |s: &str| sha2::Sha256::digest(s.as_bytes());
        return !presented.is_empty() && crate::platform::secret::eq(digest(presented), digest(token));
    }
    let forwarded = ["x-forwarded-for", "x-real-ip", "forwarded"].iter().any(|h| headers.contains_key(*h));
    rc.peer.is_some_and(|p| p.is_loopback()) && !forwarded
}

async fn metrics_text(
    State(st): State<AppState>,
    Extension(rc): Extension<RequestCtx>,
    headers: HeaderMap,
) -> Response {
    if !metrics_allowed(&st, &rc, &headers) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")], "unauthorized\n")
            .into_response();
    }
    metrics::gauge!("shegong_uptime_seconds").set(st.started.elapsed().as_secs_f64());
    metrics::counter!("shegong_db_statements_total").absolute(st.db.statements());
    match &st.metrics {
        Some(h) => ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], h.render()).into_response(),
        None => (StatusCode::NOT_FOUND, "metrics disabled").into_response(),
    }
}

/// Counts requests and their latency by route template (not by raw path, to bound cardinality).
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("shegong_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("shegong_http_request_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    resp
}

#[derive(Template)]
#[template(path = "system/audit.html")]
struct AuditPage {
    c: PageCtx,
    f: AuditFilter,
    p: PageParams,
    page: Page<AuditRow>,
    extra: String,
}

async fn audit_page(
    State(st): State<AppState>,
    c: PageCtx,
    Query(f): Query<AuditFilter>,
    p: PageParams,
) -> AppResult<Response> {
    let page = audit::search(&st.db.conn, &f, &p).await?;
    let extra = serde_urlencoded::to_string([
        ("actor", f.actor.as_str()),
        ("action", f.action.as_str()),
        ("entity", f.entity.as_str()),
        ("entity_id", f.entity_id.as_str()),
        ("from", f.from.as_str()),
        ("to", f.to.as_str()),
    ])
    .unwrap_or_default();
    render(&AuditPage { c, f, p, page, extra })
}
