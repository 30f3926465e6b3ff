//! The registry and the two coverages over the JSON API.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::orgs::figures::Coverage;
use crate::orgs::routes::{resolve_coverage, CoverageQuery};
use crate::orgs::store::{self, OrgFilter, OrgRow};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/orgs", Need::Perm("orgs.read"), list)
        .with("id", &crate::orgs::ORG)
        .get("/api/v1/orgs/{id}", Need::Perm("orgs.read"), get_one)
        .get("/api/v1/coverage", Need::Perm("orgs.read"), coverage)
}

/// An organisation as the API shows it (contact phone masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    #[serde(flatten)]
    pub org: OrgRow,
    pub contact_phone_masked: String,
}

impl From<OrgRow> for OrgDto {
    fn from(o: OrgRow) -> Self {
        OrgDto { contact_phone_masked: o.phone_masked(), org: o }
    }
}

/// Organisations in the caller's scope, filtered and paged; `q` searches name and credit code.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(PageParams, OrgFilter),
    responses((status = 200, body = Page<OrgDto>), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    p: PageParams,
    Query(f): Query<OrgFilter>,
) -> AppResult<Json<Page<OrgDto>>> {
    let page = store::list(&st.db.conn, &auth.scope, &f, &p).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(OrgDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        pages: page.pages,
    }))
}

/// One organisation (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = OrgDto), (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Json<OrgDto>> {
    store::get_scoped(&st.db.conn, &auth.scope, id).await?.map(|o| Json(OrgDto::from(o))).ok_or(AppError::NotFound)
}

/// Query of the coverage figures.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// Unit id (default: the top of the caller's scope).
    pub unit: Option<i64>,
    /// Date, YYYY-MM-DD (default: today).
    pub on: Option<String>,
}

/// The two coverages (organisation and work coverage) for a unit subtree on a date, with one
/// line per unit one level down.
#[utoipa::path(get, path = "/api/v1/coverage", tag = "orgs", params(CoverageParams),
    responses((status = 200, body = Coverage), (status = 400, body = ApiError), (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn coverage(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<CoverageParams>,
) -> AppResult<Json<Coverage>> {
    let q = CoverageQuery { unit: q.unit.map(|u| u.to_string()).unwrap_or_default(), on: q.on.unwrap_or_default() };
    Ok(Json(resolve_coverage(&st, &auth, &q).await?))
}
