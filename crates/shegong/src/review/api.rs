//! Indicators over the JSON API: the same engine as the dashboard and the catalogue page.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::figures::FigureValue;
use crate::platform::indicator::Ask;
use crate::platform::AppState;
use crate::review::figures as engine;
use crate::review::model::IndicatorValue;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/figures", Need::Perm("dashboard.read"), figures).get(
        "/api/v1/indicators",
        Need::Perm("dashboard.read"),
        indicators,
    )
}

/// The headline figures for the caller's data scope: the indicators of the latest year with
/// records, at the top of the scope (as the dashboard opens).
#[utoipa::path(get, path = "/api/v1/figures", tag = "figures", responses((status = 200, body = Vec<FigureValue>), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn figures(State(st): State<AppState>, auth: Auth) -> AppResult<Json<Vec<FigureValue>>> {
    let (period, _) = engine::period(&st, None, None).await?;
    let place = engine::place(&st, &auth, None).await?;
    let answer = engine::values(&st, &auth, &Ask::new(period, place.unit_id, &place.path, auth.scope.clone())).await?;
    Ok(Json(
        answer
            .values
            .into_iter()
            .filter_map(|v| {
                let value = v.value?;
                Some(FigureValue {
                    key: v.key,
                    label_key: v.label_key,
                    value,
                    unit_key: v.unit_key,
                    href: Some(v.href),
                    measure: v.measure,
                })
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorsQuery {
    /// `2022`, `2022-Q1`, `2022-03`, `2022-W12` or `2022-03-01..2022-04-30` (default: the latest
    /// year with records).
    #[serde(default)]
    pub period: Option<String>,
    /// Unit id: the unit and its subtree (default: the top of the caller's scope).
    #[serde(default)]
    pub unit: Option<String>,
}

/// Every indicator the caller may read for a period and unit subtree.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorSet {
    /// The period as written (`2022-Q1`).
    pub period: String,
    /// Its first and last day.
    pub from: String,
    pub to: String,
    /// The same period a year earlier (what `change` compares with).
    pub year_before: String,
    /// The unit (0: the whole scope of a caller who sees only their own records).
    pub unit_id: i64,
    /// The data version the values are at, and when the records last changed (RFC 3339, UTC).
    pub data_version: i64,
    pub changed_at: Option<String>,
    pub indicators: Vec<IndicatorValue>,
}

/// Indicators (keys, values, text and change against the same period a year earlier) for a
/// period and unit subtree inside the caller's scope.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "figures", params(IndicatorsQuery),
    responses((status = 200, body = IndicatorSet), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)),
    security(("bearer" = [])))]
pub async fn indicators(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<IndicatorsQuery>,
) -> AppResult<Json<IndicatorSet>> {
    let (period, _) = engine::period(&st, q.period.as_deref(), None).await?;
    let place = engine::place(&st, &auth, q.unit.as_deref()).await?;
    let ask = Ask::new(period, place.unit_id, &place.path, auth.scope.clone());
    let answer = engine::values(&st, &auth, &ask).await?;
    Ok(Json(IndicatorSet {
        period: period.to_string(),
        from: ask.from.to_string(),
        to: ask.to.to_string(),
        year_before: period.year_before().to_string(),
        unit_id: place.unit_id,
        data_version: answer.version,
        changed_at: answer.changed_at.map(|t| t.to_rfc3339()),
        indicators: answer.values,
    }))
}
