//! The talent domain over the JSON API: the fund's figures and the talent figures of a year.

use axum::extract::{Query, State};
use axum::Json;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::money::Money;
use crate::platform::AppState;
use crate::talent::routes::{figures_year, fund_year, YearQuery};
use crate::talent::store;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/fund", Need::Perm("talent.fund_read"), fund_api).get(
        "/api/v1/talent/figures",
        Need::Perm("talent.read"),
        figures_api,
    )
}

/// The fund's figures for a year, in fen.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FundFigures {
    pub year: i32,
    #[schema(value_type = i64)]
    pub opening_fen: Money,
    #[schema(value_type = i64)]
    pub in_fen: Money,
    #[schema(value_type = i64)]
    pub out_fen: Money,
    #[schema(value_type = i64)]
    pub closing_fen: Money,
}

#[utoipa::path(get, path = "/api/v1/fund", tag = "talent", params(YearQuery),
    responses((status = 200, body = FundFigures), (status = 400, body = ApiError), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn fund_api(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<FundFigures>> {
    // The year asked for, else the latest with entries in scope (as the page opens on).
    let period = fund_year(&st, &auth, &q).await?;
    let year = period.year;
    let (from, to) = period.bounds();
    let t = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    Ok(Json(FundFigures {
        year,
        opening_fen: t.opening_fen,
        in_fen: t.in_fen,
        out_fen: t.out_fen,
        closing_fen: t.closing_fen,
    }))
}

/// Social workers in the caller's scope by highest qualification, and the year's exam passes.
#[utoipa::path(get, path = "/api/v1/talent/figures", tag = "talent", params(YearQuery),
    responses((status = 200, body = store::TalentFigures), (status = 400, body = ApiError),
        (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn figures_api(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<store::TalentFigures>> {
    // The year asked for, else the latest with exam passes or awards in scope (as the page).
    let year = figures_year(&st, &auth, &q).await?.year;
    Ok(Json(store::figures(&st.db.conn, &auth.scope, year).await?))
}
