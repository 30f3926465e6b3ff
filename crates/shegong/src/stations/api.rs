//! The stations over the JSON API: the list in the caller's scope with the figures per tier.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::time::today;
use crate::platform::AppState;
use crate::stations::figures::{tiers, TierFigures};
use crate::stations::store::{self, StationRow};

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/stations", Need::Perm("stations.read"), list)
}

/// A station as the API shows it (phone masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct StationDto {
    #[serde(flatten)]
    pub station: StationRow,
    pub phone_masked: String,
    /// Organisation coverage today: a Party organisation (own or joint) that is not dissolved.
    pub org_covered: bool,
    /// Work coverage today: organisation coverage or a Party-building instructor.
    pub work_covered: bool,
}

/// The stations in scope and their figures per tier (city, town, community).
#[derive(Debug, Serialize, ToSchema)]
pub struct StationList {
    pub on: chrono::NaiveDate,
    pub tiers: Vec<TierFigures>,
    pub items: Vec<StationDto>,
}

/// Every station in the caller's scope, in tree order, with stations, people and the two
/// coverages per tier.
#[utoipa::path(get, path = "/api/v1/stations", tag = "stations",
    responses((status = 200, body = StationList), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn list(State(st): State<AppState>, auth: Auth) -> AppResult<Json<StationList>> {
    let on = today();
    let rows = store::list(&st.db.conn, &auth.scope, on).await?;
    let tiers = tiers(&rows, on);
    let items = rows
        .into_iter()
        .map(|s| StationDto {
            phone_masked: s.phone_masked(),
            org_covered: s.org_covered(&on),
            work_covered: s.work_covered(&on),
            station: s,
        })
        .collect();
    Ok(Json(StationList { on, tiers, items }))
}
