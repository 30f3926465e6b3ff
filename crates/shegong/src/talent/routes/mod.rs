//! Pages of the talent domain, one file per sub-resource: the register of social workers, the
//! fund ledger, the exam-results import, selections and awards, and the figures. The JSON API is
//! in `talent/api.rs`.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::platform::access::Routes;
use crate::platform::time::today;

mod exams;
mod figures;
mod fund;
mod selections;
mod workers;

/// Every page of the domain.
pub fn routes() -> Routes {
    fund::routes().merge(workers::routes()).merge(figures::routes()).merge(selections::routes()).merge(exams::routes())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Calendar year (default: this year).
    #[serde(default)]
    pub year: Option<String>,
}

/// The year asked for (this year when none or out of range) and its first and last day.
pub fn period(q: &YearQuery) -> (i32, NaiveDate, NaiveDate) {
    let this: i32 = today().format("%Y").to_string().parse().unwrap_or(2022);
    let y = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=this).contains(y))
        .unwrap_or(this);
    let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default();
    (y, from, to)
}
