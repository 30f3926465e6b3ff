//! The dashboard (home page) and the indicator catalogue, both read from the engine.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use render::ChartKind;
use serde::Deserialize;

use std::sync::Arc;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::cache::figures_page;
use crate::platform::error::AppResult;
use crate::platform::figures::{DrawnCharts, PageChart};
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
    d: Arc<DashboardData>,
    changed_at: Option<String>,
    /// A line per headline indicator over the trend years (the trend table is their data).
    trend_charts: Arc<Vec<PageChart>>,
}

/// What the dashboard computes for a user and a query, cached at the data versions
/// (`platform::cache::figures_page`): a warm view costs the one statement reading them.
struct DashboardData {
    period: Years,
    place: Place,
    figures: Vec<IndicatorValue>,
    changed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The years of the trend table, oldest first.
    trend_years: Vec<i32>,
    /// Per headline indicator (in the order of `figures`), its value in each of `trend_years`.
    trends: Vec<Vec<String>>,
    /// The same values as numbers (none where the indicator has no value for a year).
    trend_values: Vec<Vec<Option<i64>>>,
    /// The trend charts as drawn in each language (the data above does not change while cached).
    drawn: DrawnCharts,
}

/// Years the trend table shows at most (the latest ones with records).
const TREND_YEARS: usize = 8;

impl Dashboard {
    fn crumb_name<'a>(&self, u: &'a Crumb) -> &'a str {
        self.c.pick(u.name.as_str(), u.name_en.as_str())
    }
    /// The dashboard of another unit, same year.
    fn unit_href(&self, id: &i64) -> String {
        format!("/?year={}&unit={id}", self.d.period.year)
    }
    /// The trend row of the headline indicator at `i`.
    fn trend(&self, i: &usize) -> &[String] {
        self.d.trends.get(*i).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The home page: the headline indicators for the user's scope and a year (default: the latest
/// with records), with the change against the year before, their trend over the years with
/// records, a breadcrumb down the unit tree, and the time the records last changed. Users who may
/// read no indicator see an empty page.
async fn home(State(st): State<AppState>, c: PageCtx, auth: Auth, Query(q): Query<PlaceQuery>) -> AppResult<Response> {
    let key = format!("{:?}|{:?}", q.year, q.unit);
    let d = figures_page(&st, "dashboard", auth.id, key, || async {
        let (p, period) = engine::period(&st, None, q.year.as_deref()).await?;
        let place = engine::place(&st, &auth, q.unit.as_deref()).await?;
        let ask = Ask::new(p, place.unit_id, &place.path, auth.scope.clone());
        let answer = engine::values(&st, &auth, &ask).await?;
        let mut trend_years: Vec<i32> = period.years.iter().copied().take(TREND_YEARS).collect();
        trend_years.reverse();
        let mut trends = vec![Vec::with_capacity(trend_years.len()); answer.values.len()];
        let mut trend_values = vec![Vec::with_capacity(trend_years.len()); answer.values.len()];
        for y in &trend_years {
            let ask = Ask::new(Period::Year(*y), place.unit_id, &place.path, auth.scope.clone());
            let year = engine::values(&st, &auth, &ask).await?;
            for ((row, numbers), v) in trends.iter_mut().zip(trend_values.iter_mut()).zip(&year.values) {
                row.push(v.text.clone());
                numbers.push(v.value);
            }
        }
        Ok(DashboardData {
            period,
            place,
            figures: answer.values,
            changed_at: answer.changed_at,
            trend_years,
            trends,
            trend_values,
            drawn: DrawnCharts::default(),
        })
    })
    .await?;
    let changed_at = d.changed_at.as_ref().map(crate::platform::time::local_minutes);
    let trend_charts = d.drawn.get_or_draw(c.lang, || trend_charts(&c, &d));
    render(&Dashboard { c, d, changed_at, trend_charts })
}

/// One line chart per headline indicator with a value in every trend year (several years
/// only): its own scale and unit, since the indicators count different things.
fn trend_charts(c: &PageCtx, d: &DashboardData) -> Vec<PageChart> {
    if d.trend_years.len() < 2 {
        return Vec::new();
    }
    let years: Vec<String> = d.trend_years.iter().map(i32::to_string).collect();
    d.figures
        .iter()
        .zip(&d.trend_values)
        .filter(|(_, values)| values.iter().all(Option::is_some))
        .map(|(f, values)| {
            let label = c.t(f.label_key);
            let rows = years.iter().cloned().zip(values.iter().map(|v| f.measure.plotted(*v))).collect();
            PageChart::single(ChartKind::Line, label, label, c.t(f.unit_key), c.t("dashboard.year"), rows)
        })
        .collect()
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
    // Cached at the data versions: a warm view costs the one statement reading them.
    let key = format!("{:?}|{:?}|{:?}", q.period, q.year, q.unit);
    let d = figures_page(&st, "catalogue", auth.id, key, || async {
        let (period, years) = engine::period(&st, q.period.as_deref(), q.year.as_deref()).await?;
        let place = engine::place(&st, &auth, q.unit.as_deref()).await?;
        let ask = Ask::new(period, place.unit_id, &place.path, auth.scope.clone());
        let answer = engine::values(&st, &auth, &ask).await?;
        Ok((period, years, place, answer))
    })
    .await?;
    let (period, years, place, answer) = (d.0, d.1.clone(), d.2.clone(), &d.3);
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
        values: answer.values.clone(),
        changed_at,
    })
}
