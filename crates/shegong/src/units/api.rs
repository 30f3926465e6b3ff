//! The org-unit tree over the JSON API: the same rules and permission checks as the pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::{validation_error, ApiError};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::RequestCtx;
use crate::platform::AppState;
use crate::units::model::{Unit, UnitForm, UnitRow};
use crate::units::routes::{create_unit, Created};
use crate::units::store::{self, UnitFilter};

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/units", Need::Perm("units.read"), list)
        .post("/api/v1/units", Need::Perm("units.write"), create)
        .with("id", &crate::units::UNIT)
        .get("/api/v1/units/{id}", Need::Perm("units.read"), get_one)
}

/// Filters of the unit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Kind: city, district, town, street, community, village, other.
    #[serde(default)]
    pub kind: String,
    /// Parent unit id.
    #[serde(default)]
    pub parent: String,
}

/// Units in the caller's data scope, paged; `q` searches name and code.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(PageParams, UnitQuery),
    responses((status = 200, body = Page<UnitRow>), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    p: PageParams,
    Query(q): Query<UnitQuery>,
) -> AppResult<Json<Page<UnitRow>>> {
    let f = UnitFilter { kind: q.kind, parent: q.parent, ..UnitFilter::default() };
    Ok(Json(store::list(&st.db.conn, &auth.scope, &f, &p).await?))
}

/// One unit (404 when outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path, description = "unit id")),
    responses((status = 200, body = Unit), (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Json<Unit>> {
    store::get_scoped(&st.db.conn, &auth.scope, id).await?.map(Json).ok_or(AppError::NotFound)
}

/// A new unit.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UnitCreate {
    /// Parent unit id (omit for a new root; needs the all-data scope).
    pub parent_id: Option<i64>,
    /// 1–32 characters of a-z, 0-9 and '-', unique among siblings.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    /// city, district, town, street, community, village or other.
    pub kind: String,
    #[serde(default)]
    pub division_code: Option<String>,
    #[serde(default)]
    pub sort_order: Option<i32>,
}

/// Creates a unit under a parent inside the caller's scope.
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitCreate,
    responses((status = 201, body = Unit), (status = 422, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Extension(rc): Extension<RequestCtx>,
    Json(b): Json<UnitCreate>,
) -> AppResult<Response> {
    let form = UnitForm {
        parent_id: b.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        code: b.code,
        name: b.name,
        name_en: b.name_en,
        kind: b.kind,
        division_code: b.division_code.unwrap_or_default(),
        sort_order: b.sort_order.map(|s| s.to_string()).unwrap_or_default(),
        version: String::new(),
        nonce: String::new(),
    };
    let input = match form.validate() {
        Ok(i) => i,
        Err(errs) => return Ok(validation_error(&errs)),
    };
    match create_unit(&st, &auth, &rc.ip, &input, "", None).await? {
        Ok(Created::New(id)) => {
            let unit = store::get(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
            Ok((StatusCode::CREATED, Json(unit)).into_response())
        }
        Ok(Created::Duplicate(_)) => Err(AppError::Conflict("common.duplicate".into())),
        Err(errs) => Ok(validation_error(&errs)),
    }
}
