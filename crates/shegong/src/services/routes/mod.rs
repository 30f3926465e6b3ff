//! Pages of purchased services, one file per sub-resource: projects (the list, 立项, editing, the
//! detail page), the workflow and signing, payments, evaluations, corrective plans, teams,
//! milestones, agencies' track records, the guideline, the figures and the xlsx import/export.
//! Every write re-reads the project inside the write transaction and judges it with the rules in
//! `model.rs`.

use serde::Deserialize;

use crate::platform::access::{Auth, Routes};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::AppState;
use crate::services::store::{self, ProjectRow};

mod agencies;
mod evaluations;
pub(crate) mod figures;
mod guideline;
mod import;
mod milestones;
mod payments;
mod plans;
mod projects;
mod team;
mod workflow;

pub use evaluations::evaluation_visible;

/// Every page of the domain (the JSON API is in `services/api.rs`).
pub fn routes() -> Routes {
    projects::routes()
        .merge(workflow::routes())
        .merge(payments::routes())
        .merge(evaluations::routes())
        .merge(plans::routes())
        .merge(team::routes())
        .merge(milestones::routes())
        .merge(agencies::routes())
        .merge(guideline::routes())
        .merge(figures::routes())
        .merge(import::routes())
}

fn this_year() -> i32 {
    today().format("%Y").to_string().parse().unwrap_or(2100)
}

/// A project the user may change: visible, and bought by a unit inside the user's own units
/// (agency staff may see a project without being able to change it).
async fn writable(st: &AppState, auth: &Auth, id: i64) -> AppResult<ProjectRow> {
    let p = store::project(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if !auth.scope.contains_path(&p.unit_path) {
        return Err(AppError::Forbidden);
    }
    Ok(p)
}

/// A date (and a note) that ends a membership or completes a milestone.
#[derive(Deserialize)]
struct DateForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}
