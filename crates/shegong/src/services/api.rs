//! Purchased services over the JSON API: projects and the figures.

use axum::extract::{Path, Query, State};
use axum::Json;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::AppState;
use crate::services::figures::ServiceFigures;
use crate::services::routes::figures::{resolve, FiguresQuery};
use crate::services::store::{self, ProjectRow};

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/services/projects", Need::Perm("services.read"), list)
        .get("/api/v1/services/figures", Need::Perm("services.read"), figures)
        .with("id", &crate::services::PROJECT)
        .get("/api/v1/services/projects/{id}", Need::Perm("services.read"), get_one)
}

/// Filters of the project list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectParams {
    /// Year of purchase.
    #[serde(default)]
    pub year: String,
    /// One of initiated, procurement, contracted, executing, midterm, final_review, closed, or on_hold.
    #[serde(default)]
    pub status: String,
    /// Unit id: the buying station and its subtree.
    #[serde(default)]
    pub unit: String,
    /// Agency (organisation) id.
    #[serde(default)]
    pub agency: String,
    /// Service category id (a category includes its items).
    #[serde(default)]
    pub category: String,
}

/// Projects in the caller's scope (agency staff: their agency's projects), filtered and paged;
/// `q` searches title, contract number and agency.
#[utoipa::path(get, path = "/api/v1/services/projects", tag = "services", params(PageParams, ProjectParams),
    responses((status = 200, body = Page<ProjectRow>), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    p: PageParams,
    Query(f): Query<ProjectParams>,
) -> AppResult<Json<Page<ProjectRow>>> {
    let filter =
        store::ProjectFilter { year: f.year, status: f.status, unit: f.unit, agency: f.agency, category: f.category };
    Ok(Json(store::projects(&st.db.conn, &auth.scope, &filter, &p).await?))
}

/// One project (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/services/projects/{id}", tag = "services", params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = ProjectRow), (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Json<ProjectRow>> {
    store::project(&st.db.conn, &auth.scope, id).await?.map(Json).ok_or(AppError::NotFound)
}

/// Purchased-service figures for a unit subtree and a year: projects, agencies, contract and paid
/// amounts in fen, staff by role, and breakdowns by category, agency, station and status.
/// (Its operation id stays "api", the name it was published under.)
#[utoipa::path(get, path = "/api/v1/services/figures", tag = "services", operation_id = "api", params(FiguresQuery),
    responses((status = 200, body = ServiceFigures), (status = 400, body = ApiError),
        (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn figures(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Json<ServiceFigures>> {
    Ok(Json(resolve(&st, &auth, &q).await?))
}
