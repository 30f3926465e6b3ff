//! The JSON API of the volunteers domain.

use axum::extract::{Query, State};
use axum::Json;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::AppState;
use crate::volunteers::figures::{resolve, FiguresQuery, VolunteerFigures};

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/volunteers/figures", Need::Perm("volunteers.read"), figures)
}

/// Volunteer figures for a unit subtree and a year, read from the summary tables.
#[utoipa::path(get, path = "/api/v1/volunteers/figures", tag = "volunteers", params(FiguresQuery),
    responses((status = 200, body = VolunteerFigures), (status = 400, body = ApiError),
        (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn figures(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Json<VolunteerFigures>> {
    Ok(Json(resolve(&st, &auth, &q).await?))
}
