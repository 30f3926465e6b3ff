//! The dashboard (home page) and the indicator catalogue, both read from the engine.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::error::AppResult;
use crate::platform::indicator::Ask;
use crate::platform::period::{Period, Years};
use crate::platform::web::{render, PageCtx};
use crate::platform::AppState;
use crate::review::figures::{self as engine, Crumb, Place};
use crate::review::model::IndicatorValue;
use crate::units::UnitOption;

mod editor;
mod outputs;
mod reviews;

pub fn routes() -> Routes {
    Routes::new()
        .get("/", Need::Login, home)
        .get("/review/indicators", Need::Perm("dashboard.read"), catalogue)
        .merge(reviews::routes())
        .merge(editor::routes())
        .merge(outputs::routes())
}

/// `?year=2022&unit=5` (dashboard) or `?period=2022-Q1&unit=5` (catalogue).
#[derive(Debug, Default, Deserialize)]
pub struct PlaceQuery {
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Template)]
#[template(path = "review/dashboard.html")]
struct Dashboard {
    c: PageCtx,
    period: Years,
    place: Place,
    figures: Vec<IndicatorValue>,
    changed_at: Option<String>,
}

impl Dashboard {
    fn crumb_name<'a>(&self, u: &'a Crumb) -> &'a str {
        self.c.pick(u.name.as_str(), u.name_en.as_str())
    }
    /// The dashboard of another unit, same year.
    fn unit_href(&self, id: &i64) -> String {
        format!("/?year={}&unit={id}", self.period.year)
    }
}

/// The home page: the headline indicators for the user's scope and a year (default: the latest
/// with records), with the change against the year before, a breadcrumb down the unit tree, and
/// the time the records last changed. Users who may read no indicator see an empty page.
async fn home(State(st): State<AppState>, c: PageCtx, auth: Auth, Query(q): Query<PlaceQuery>) -> AppResult<Response> {
    let (p, period) = engine::period(&st, None, q.year.as_deref()).await?;
    let place = engine::place(&st, &auth, q.unit.as_deref()).await?;
    let ask = Ask::new(p, place.unit_id, &place.path, auth.scope.clone());
    let answer = engine::values(&st, &auth, &ask).await?;
    let changed_at = answer.changed_at.as_ref().map(crate::platform::time::local_minutes);
    render(&Dashboard { c, period, place, figures: answer.values, changed_at })
}

#[derive(Template)]
#[template(path = "review/indicators.html")]
struct Catalogue {
    c: PageCtx,
    period: Period,
    before: Period,
    years: Years,
    place: Place,
    units: std::sync::Arc<Vec<UnitOption>>,
    values: Vec<IndicatorValue>,
    changed_at: Option<String>,
}

impl Catalogue {
    fn crumb_name<'a>(&self, u: &'a Crumb) -> &'a str {
        self.c.pick(u.name.as_str(), u.name_en.as_str())
    }
    fn unit_href(&self, id: &i64) -> String {
        format!("/review/indicators?period={}&unit={id}", self.period)
    }
}

/// Every indicator the user may read, with its definition, its value for the period and unit
/// chosen, the value a year earlier and the change, and a link to the records behind it.
async fn catalogue(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<PlaceQuery>,
) -> AppResult<Response> {
    let (period, years) = engine::period(&st, q.period.as_deref(), q.year.as_deref()).await?;
    let place = engine::place(&st, &auth, q.unit.as_deref()).await?;
    let ask = Ask::new(period, place.unit_id, &place.path, auth.scope.clone());
    let answer = engine::values(&st, &auth, &ask).await?;
    let units = match &c.user {
        Some(u) => crate::units::picker(&st, u).await?,
        None => Default::default(),
    };
    let changed_at = answer.changed_at.as_ref().map(crate::platform::time::local_minutes);
    render(&Catalogue {
        c,
        period,
        before: period.year_before(),
        years,
        place,
        units,
        values: answer.values,
        changed_at,
    })
}
