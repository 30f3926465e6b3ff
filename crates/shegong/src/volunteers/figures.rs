//! The volunteer figures of any unit subtree and year (volunteers signed up, active volunteers,
//! communities served, persons served, hours), composed from the summary tables.

use serde::{Deserialize, Serialize};

use crate::platform::access::{Auth, Scope};
use crate::platform::error::{AppError, AppResult};
use crate::platform::AppState;
use crate::volunteers::store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Unit id (default: the caller's own unit, or the whole city for city-wide roles).
    #[serde(default)]
    pub unit: Option<String>,
    /// Year (default: this year).
    #[serde(default)]
    pub year: Option<String>,
}

/// Volunteer figures of a subtree and a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VolunteerFigures {
    pub year: i32,
    pub unit_id: i64,
    pub unit_name: String,
    /// Volunteers signed up in the subtree to campaigns running in the year.
    pub volunteers: i64,
    /// Distinct volunteers with service records in the subtree in the year.
    pub active_volunteers: i64,
    /// Units (communities) with service records in the year.
    pub communities: i64,
    /// Persons served (服务人次).
    pub person_times: i64,
    /// Service hours (minutes / 60, to two decimals); `minutes` is exact.
    pub hours: f64,
    pub minutes: i64,
}

/// Resolves the query against the caller's scope (a unit outside it does not exist for them) and
/// reads the figures.
pub async fn resolve(st: &AppState, auth: &Auth, q: &FiguresQuery) -> AppResult<VolunteerFigures> {
    let this: i32 = crate::platform::time::today().format("%Y").to_string().parse().unwrap_or(2100);
    let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => this,
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=this + 1).contains(y))
            .ok_or_else(|| AppError::BadRequest("volunteers.error.year".into()))?,
    };
    let db = &st.db.conn;
    let unit = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let id = s.parse::<i64>().map_err(|_| AppError::NotFound)?;
            crate::units::get_scoped(db, &auth.scope, id).await?.ok_or(AppError::NotFound)?
        }
        None => {
            let own = crate::units::get(db, auth.unit_id).await?.ok_or(AppError::NotFound)?;
            match crate::units::roots(db, &Scope::all()).await?.first() {
                Some(r) if auth.scope.all => crate::units::get(db, r.id).await?.ok_or(AppError::NotFound)?,
                _ => own,
            }
        }
    };
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    let to = chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    let t = store::totals(db, &unit.path, from, to).await?;
    Ok(VolunteerFigures {
        year,
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        volunteers: t.volunteers,
        active_volunteers: t.active_volunteers,
        communities: t.communities,
        person_times: t.person_times,
        hours: (t.minutes * 100 / 60) as f64 / 100.0,
        minutes: t.minutes,
    })
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
    let ind = |key, label_key, definition_key, unit_key| Indicator {
        key,
        label_key,
        definition_key,
        unit_key,
        measure: Measure::Count,
        annual: false,
        href: |_| "/volunteers".to_string(),
    };
    vec![IndicatorGroup {
        name: "volunteers",
        need: "volunteers.read",
        indicators: vec![
            ind(
                "volunteers.volunteers",
                "indicators.volunteers.volunteers",
                "indicators.def.volunteers.volunteers",
                "figures.unit.people",
            ),
            ind(
                "volunteers.active",
                "indicators.volunteers.active",
                "indicators.def.volunteers.active",
                "figures.unit.people",
            ),
            ind(
                "volunteers.communities",
                "indicators.volunteers.communities",
                "indicators.def.volunteers.communities",
                "figures.unit.count",
            ),
            ind(
                "volunteers.person_times",
                "indicators.volunteers.person_times",
                "indicators.def.volunteers.person_times",
                "indicators.unit.person_times",
            ),
        ],
        compute: values,
    }]
}
