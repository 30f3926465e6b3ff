//! Builds the application state and the router from each domain's `routes()`.

use std::time::Duration;

use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::platform::access::{Need, RouteDef, Routes};
use crate::platform::api::BearerAuth;
use crate::platform::error::error_page;
use crate::platform::files::FileOwner;
use crate::platform::import::Exchange;
use crate::platform::web::{security_headers, static_asset};
use crate::platform::AppState;

/// All routes of all domains, each with its declared [`Need`].
pub fn routes() -> Routes {
    Routes::new()
        .free("name")
        .get("/static/{name}", Need::Public, static_asset)
        // The report file is named by the caller's user id and a random token: not a record.
        .free("token")
        .get("/imports/report/{token}", Need::Login, crate::platform::web::import_report)
        .with("id", &crate::platform::files::ATTACHMENT)
        .get("/attachments/{id}", Need::Login, crate::platform::files::serve)
        .get("/attachments/{id}/thumb", Need::Login, crate::platform::files::serve_thumb)
        .merge(crate::system::routes())
        .merge(crate::auth::routes())
        .merge(crate::review::routes())
        .merge(crate::units::routes())
        .merge(crate::users::routes())
        .merge(crate::orgs::routes())
        .merge(crate::events::routes())
        .merge(crate::party::routes())
        .merge(crate::talent::routes())
        .merge(crate::services::routes())
        .merge(crate::stations::routes())
        .merge(crate::volunteers::routes())
        .merge(crate::hotline::routes())
        .merge(crate::auth::api::routes())
        .merge(crate::orgs::api::routes())
        .merge(crate::review::api::routes())
        .merge(crate::units::api::routes())
        .merge(crate::users::api::routes())
        .merge(crate::stations::api::routes())
        .get("/api/v1/openapi.json", Need::Public, openapi_json)
}

/// Every kind of record that can be imported or exported as a file (command line and pages).
pub fn exchanges() -> Vec<&'static Exchange> {
    vec![
        &crate::units::import::UNITS,
        &crate::orgs::import::DEPARTMENTS,
        &crate::orgs::import::ORGS,
        &crate::orgs::import::PARTY_ORGS,
        &crate::party::import::ACTIVITIES,
        &crate::talent::import::WORKERS,
        &crate::talent::import::EXAMS,
        &crate::services::import::PROJECTS,
        &crate::services::import::PAYMENTS,
        &crate::volunteers::import::RECORDS,
    ]
}

/// The domains' owners of attachments: how each kind of attached file is authorised.
/// Every column sealed by the vault, for `shegong rotate-key` (platform/rekey.rs).
pub fn sealed_columns() -> Vec<&'static crate::platform::rekey::Sealed> {
    crate::hotline::SEALED.iter().chain(crate::volunteers::SEALED.iter()).collect()
}

pub fn file_owners() -> Vec<&'static FileOwner> {
    vec![
        &crate::events::EVENT_FILES,
        &crate::events::DOCUMENT_FILES,
        &crate::events::HONOUR_FILES,
        &crate::services::EVALUATION_FILES,
        &crate::party::ACTIVITY_FILES,
        &crate::stations::STATION_FILES,
    ]
}

/// The OpenAPI document of every `/api/v1` route (a test checks none is missing).
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "shegong API", version = "1", description = "社工平台接口 / shegong platform API. Authenticate with `Authorization: Bearer <token>` (personal access tokens, created at /account/tokens). Errors are JSON `ApiError` objects with Chinese and English messages."),
    paths(
        crate::auth::api::me,
        crate::review::api::figures,
        crate::review::api::indicators,
        crate::units::api::list,
        crate::units::api::get_one,
        crate::units::api::create,
        crate::users::api::list,
        crate::orgs::api::list,
        crate::orgs::api::get_one,
        crate::orgs::api::coverage,
        crate::talent::api::fund_api,
        crate::talent::api::figures_api,
        crate::services::api::list,
        crate::services::api::get_one,
        crate::services::api::figures,
        crate::stations::api::list,
        crate::volunteers::api::figures,
        crate::hotline::api::figures,
    ),
    components(schemas(crate::platform::api::ApiError, crate::platform::api::FieldError)),
    modifiers(&BearerAuth),
    tags((name = "account"), (name = "figures"), (name = "hotline"), (name = "orgs"), (name = "services"), (name = "stations"), (name = "talent"), (name = "units"), (name = "users"), (name = "volunteers"))
)]
pub struct ApiDoc;

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(<ApiDoc as utoipa::OpenApi>::openapi())
}

/// The table of every route and what it needs (for the access-control test and docs).
pub fn route_table() -> Vec<RouteDef> {
    routes().into_parts().1
}

/// The answer to a panic: logged and counted; a JSON [`ApiError`](crate::platform::api::ApiError)
/// under `/api/`, the error page elsewhere (never the panic text).
fn panic_response(api: bool, err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "handler panicked");
    metrics::counter!("shegong_panics_total").increment(1);
    if api {
        crate::platform::api::api_error(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
    } else {
        error_page(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
    }
}

/// Catches a panic in a handler or in the session and API layers, knowing the request path (which
/// tower-http's `CatchPanicLayer` does not), so that API callers always get JSON. It runs inside
/// the metrics and security-header layers, so the 500 is counted and carries the headers.
async fn catch_panics(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use std::future::Future;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::task::Poll;
    let api = req.uri().path().starts_with("/api/");
    let mut run = std::pin::pin!(next.run(req));
    let outcome = std::future::poll_fn(|cx| match catch_unwind(AssertUnwindSafe(|| run.as_mut().poll(cx))) {
        Ok(Poll::Ready(resp)) => Poll::Ready(Ok(resp)),
        Ok(Poll::Pending) => Poll::Pending,
        Err(panic) => Poll::Ready(Err(panic)),
    })
    .await;
    outcome.unwrap_or_else(|panic| panic_response(api, panic))
}

/// The whole application: routes, the session layer, and the cross-cutting layers.
pub fn build(state: AppState) -> Router {
    build_with(state, Routes::new())
}

/// The application with extra routes merged in (tests use it to add a route that panics).
pub fn build_with(state: AppState, extra: Routes) -> Router {
    crate::platform::files::register(file_owners());
    let (router, _) = routes().merge(extra).into_parts();
    let secure = state.config.security.secure_cookies;
    let limits = state.config.limits.clone();
    let mut app = router
        .fallback(|| async { crate::platform::error::AppError::NotFound.into_response() })
        .layer(axum::middleware::from_fn(crate::platform::web::error_shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::session_layer))
        // The route guard (platform::access) reads id routes' records through the state.
        .layer(axum::Extension(state.clone()))
        .layer(axum::middleware::from_fn(crate::platform::api::json_errors))
        .layer(axum::middleware::from_fn(catch_panics))
        .layer(axum::middleware::from_fn(crate::system::track_metrics))
        .with_state(state);
    for (name, value) in security_headers(secure) {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(CompressionLayer::new())
        .layer(axum::extract::DefaultBodyLimit::max(limits.body_bytes))
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(limits.request_timeout_secs),
        ))
        // A backstop for a panic in the outer layers (whose path is not known here).
        .layer(CatchPanicLayer::custom(|e| panic_response(false, e)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            // Paths only: query strings may carry search terms with personal data.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}
