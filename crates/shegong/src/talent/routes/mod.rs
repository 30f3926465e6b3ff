//! Pages of the talent domain, one file per sub-resource: the register of social workers, the
//! fund ledger, the exam-results import, selections and awards, and the figures. The JSON API is
//! in `talent/api.rs`.

use serde::Deserialize;

use crate::platform::access::Routes;

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
    /// Calendar year (default: the latest year with records in the caller's scope; 2000 to next
    /// year, else 400).
    #[serde(default)]
    pub year: Option<String>,
}

pub use figures::chosen as figures_year;
pub use fund::chosen as fund_year;
