//! Headline figures over the JSON API (the same definitions as the dashboard).

use axum::extract::State;
use axum::Json;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::figures::FigureValue;
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/figures", Need::Perm("dashboard.read"), figures)
}

/// The headline figures for the caller's data scope.
#[utoipa::path(get, path = "/api/v1/figures", tag = "figures", responses((status = 200, body = Vec<FigureValue>), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn figures(State(st): State<AppState>, auth: Auth) -> AppResult<Json<Vec<FigureValue>>> {
    Ok(Json(crate::review::headline(&st, &auth).await?))
}
