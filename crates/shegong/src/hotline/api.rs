//! The JSON API of the hotline: its figures (no names, phones or free text).

use axum::extract::{Query, State};
use axum::Json;

use crate::hotline::figures::HotlineFigures;
use crate::hotline::routes::figures::{chosen, YearQuery};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/hotline/figures", Need::Perm("hotline.call_read"), figures)
}

/// The hotline's figures of a year in the caller's scope: `calls` (by category, risk level,
/// channel, hour, weekday, month), `escalations`, `cases` (null until the case tables exist) and
/// `counsellors` (workload, numbered).
#[utoipa::path(get, path = "/api/v1/hotline/figures", tag = "hotline", params(YearQuery),
    responses((status = 200, body = HotlineFigures), (status = 400, body = ApiError)), security(("bearer" = [])))]
pub async fn figures(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<HotlineFigures>> {
    let year = chosen(&st, &auth, &q).await?.year;
    Ok(Json(crate::hotline::figures::figures(&st.db.conn, &auth.scope, year).await?))
}
