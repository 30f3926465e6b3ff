//! The volunteer figures of any unit subtree and period (volunteers signed up, active volunteers,
//! communities served, persons served, hours; by service type and by week), composed from the
//! summary tables. The page, its export and the API all read [`resolve`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::platform::access::{Auth, Scope};
use crate::platform::error::{AppError, AppResult};
use crate::platform::period::{week_start, Period, Years};
use crate::platform::AppState;
use crate::volunteers::store;

pub use crate::volunteers::store::TypeLine;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Unit id (default: the caller's own unit, or the whole city for city-wide roles).
    #[serde(default)]
    pub unit: Option<String>,
    /// Year (default: the latest year with service records in the subtree).
    #[serde(default)]
    pub year: Option<String>,
    /// A period instead of the year: `2022`, `2022-Q1`, `2022-03`, `2022-W12` or
    /// `2022-03-01..2022-04-30`.
    #[serde(default)]
    pub period: Option<String>,
}

/// One ISO week of the period (its days inside the period only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WeekLine {
    /// The ISO week, e.g. `2022-W14`.
    pub week: String,
    /// Its Monday (`YYYY-MM-DD`).
    pub starts_on: String,
    pub records: i64,
    pub person_times: i64,
    pub minutes: i64,
}

/// Volunteer figures of a subtree and a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VolunteerFigures {
    /// The year the period starts in.
    pub year: i32,
    /// The period (`2022`, `2022-Q1`, `2022-03`, `2022-W12`, `2022-03-01..2022-04-30`).
    pub period: String,
    /// First and last day of the period (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name (empty: none).
    pub unit_name_en: String,
    /// Volunteers signed up in the subtree to campaigns running in the period.
    pub volunteers: i64,
    /// Distinct volunteers with service records in the subtree in the period.
    pub active_volunteers: i64,
    /// Units (communities) with service records in the period.
    pub communities: i64,
    /// Persons served (服务人次).
    pub person_times: i64,
    /// Service hours (minutes / 60, to two decimals); `minutes` is exact.
    pub hours: f64,
    pub minutes: i64,
    /// Service records.
    pub records: i64,
    /// By service type, in the managed order.
    pub by_service_type: Vec<TypeLine>,
    /// By ISO week, weeks with records only.
    pub by_week: Vec<WeekLine>,
}

/// Hours to two decimals (rounded down), as the API gives them.
pub fn hours(minutes: i64) -> f64 {
    (minutes * 100 / 60) as f64 / 100.0
}

/// The unit asked for (a unit outside the caller's scope does not exist for them), else the
/// caller's own unit, or the root for city-wide roles.
async fn unit_of(st: &AppState, auth: &Auth, asked: Option<&str>) -> AppResult<crate::units::model::Unit> {
    let db = &st.db.conn;
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let id = s.parse::<i64>().map_err(|_| AppError::NotFound)?;
            crate::units::get_scoped(db, &auth.scope, id).await?.ok_or(AppError::NotFound)
        }
        None => {
            let own = crate::units::get(db, auth.unit_id).await?.ok_or(AppError::NotFound)?;
            match crate::units::roots(db, &Scope::all()).await?.first() {
                Some(r) if auth.scope.all => crate::units::get(db, r.id).await?.ok_or(AppError::NotFound),
                _ => Ok(own),
            }
        }
    }
}

/// Resolves the query against the caller's scope and reads the figures.
pub async fn resolve(st: &AppState, auth: &Auth, q: &FiguresQuery) -> AppResult<VolunteerFigures> {
    Ok(resolve_with_years(st, auth, q).await?.0)
}

/// [`resolve`], with the years the page offers (those with records in the subtree).
pub async fn resolve_with_years(st: &AppState, auth: &Auth, q: &FiguresQuery) -> AppResult<(VolunteerFigures, Years)> {
    let unit = unit_of(st, auth, q.unit.as_deref()).await?;
    let db = &st.db.conn;
    let with_data = store::figure_years(db, &unit.path).await?;
    let years = Years::choose(with_data.clone(), q.year.as_deref(), None)?;
    let period = Period::choose(q.period.as_deref(), &years)?;
    // A period other than the year asked for: the select shows the year it starts in.
    let years =
        if period.is_year() { years } else { Years::choose(with_data, Some(&period.year().to_string()), None)? };
    let (from, to) = period.bounds();
    // Three independent reads, each on its own pooled connection.
    let (t, by_service_type, days) = tokio::try_join!(
        store::totals(db, &unit.path, from, to),
        store::by_service_type(db, &unit.path, from, to),
        store::by_week(db, &unit.path, from, to),
    )?;
    let by_week = weeks(&days);
    let records = t.records;
    Ok((
        VolunteerFigures {
            year: period.year(),
            period: period.code(),
            from: from.to_string(),
            to: to.to_string(),
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            unit_name_en: unit.name_en.clone(),
            volunteers: t.volunteers,
            active_volunteers: t.active_volunteers,
            communities: t.communities,
            person_times: t.person_times,
            hours: hours(t.minutes),
            minutes: t.minutes,
            records,
            by_service_type,
            by_week,
        },
        years,
    ))
}

/// Days folded into ISO weeks (days in order, so weeks come in order).
fn weeks(days: &[store::DayLine]) -> Vec<WeekLine> {
    let mut out: Vec<(NaiveDate, WeekLine)> = Vec::new();
    for d in days {
        let monday = week_start(d.day);
        match out.last_mut() {
            Some((m, w)) if *m == monday => {
                w.records += d.records;
                w.person_times += d.person_times;
                w.minutes += d.minutes;
            }
            _ => out.push((
                monday,
                WeekLine {
                    week: monday.format("%G-W%V").to_string(),
                    starts_on: monday.to_string(),
                    records: d.records,
                    person_times: d.person_times,
                    minutes: d.minutes,
                },
            )),
        }
    }
    out.into_iter().map(|(_, w)| w).collect()
}

/// The volunteer indicators (issue 15), from the same summary tables as [`resolve`]: for the
/// subtree of a unit in the caller's scope, over any period.
pub fn indicators() -> Vec<crate::platform::indicator::IndicatorGroup> {
    use crate::platform::figures::Measure;
    use crate::platform::indicator::{Ask, BoxFuture, Indicator, IndicatorGroup};
    fn values<'a>(
        c: &'a sea_orm::DatabaseConnection,
        a: &'a Ask,
    ) -> BoxFuture<'a, Result<Vec<Option<i64>>, sea_orm::DbErr>> {
        Box::pin(async move {
            let t = store::totals(c, &a.unit_path, a.from, a.to).await?;
            Ok(vec![Some(t.volunteers), Some(t.active_volunteers), Some(t.communities), Some(t.person_times)])
        })
    }
    // The confirmed service records of the period in the subtree (the summaries the values come
    // from add them up); their totals line holds the sum and the distinct counts. The volunteers
    // signed up open the roster of those who signed up.
    let ind = |key, label_key, definition_key, unit_key, href: fn(&Ask) -> String| Indicator {
        key,
        label_key,
        definition_key,
        unit_key,
        measure: Measure::Count,
        annual: false,
        href,
    };
    fn records(a: &Ask, total: &str) -> String {
        format!("/volunteers/records?status=confirmed&from={}&to={}{}#records-{total}", a.from, a.to, a.unit_param())
    }
    fn signed_up(a: &Ask) -> String {
        let at = if a.unit_id > 0 { format!("&signed_at={}", a.unit_id) } else { String::new() };
        format!("/volunteers/people?signed_up={}{at}", a.period.code())
    }
    vec![IndicatorGroup {
        name: "volunteers",
        need: "volunteers.read",
        indicators: vec![
            ind(
                "volunteers.volunteers",
                "indicators.volunteers.volunteers",
                "indicators.def.volunteers.volunteers",
                "figures.unit.people",
                signed_up,
            ),
            ind(
                "volunteers.active",
                "indicators.volunteers.active",
                "indicators.def.volunteers.active",
                "figures.unit.people",
                |a| records(a, "volunteers"),
            ),
            ind(
                "volunteers.communities",
                "indicators.volunteers.communities",
                "indicators.def.volunteers.communities",
                "figures.unit.count",
                |a| records(a, "units"),
            ),
            ind(
                "volunteers.person_times",
                "indicators.volunteers.person_times",
                "indicators.def.volunteers.person_times",
                "indicators.unit.person_times",
                |a| records(a, "person-times"),
            ),
        ],
        compute: values,
    }]
}
