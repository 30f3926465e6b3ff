//! All SQL of purchased services, one file per sub-resource: the guideline, projects, teams,
//! milestones, payments, evaluations, corrective plans, agencies and the figures. Callers use
//! `store::x`: every file is re-exported here.
//!
//! Every query that returns projects applies [`project_filter`]: the buying station's unit must
//! lie in the user's scope, or (agency staff) the project must be run by the user's agency.

mod agencies;
mod evaluations;
mod figures;
mod guideline;
mod milestones;
mod payments;
mod plans;
mod projects;
mod team;

pub use agencies::*;
pub use evaluations::*;
pub use figures::*;
pub use guideline::*;
pub use milestones::*;
pub use payments::*;
pub use plans::*;
pub use projects::*;
pub use team::*;

use sea_orm::Value;

use crate::platform::access::Scope;
use crate::platform::money::Money;

/// The projects a scope may see (`p` is the projects alias).
pub fn project_filter(scope: &Scope) -> (String, Vec<Value>) {
    let (sf, mut vals) = scope.unit_filter("p.unit_id", Some("p.created_by"));
    match scope.own_org {
        Some(org) if !scope.all => {
            vals.push(org.into());
            (format!("({sf} OR p.agency_id = ?)"), vals)
        }
        _ => (sf, vals),
    }
}

/// The reach of a project record (`t` is the projects table of the record check).
pub fn project_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (pf, vals) = project_filter(scope);
    (format!("t.id IN (SELECT p.id FROM projects p WHERE {pf})"), vals)
}

/// The reach of a person on the teams (`t` is social_workers): registered inside the scope, or
/// on the team of a project the scope reaches.
pub fn team_person_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (wf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    let (pf, pv) = project_filter(scope);
    vals.extend(pv);
    (format!("({wf} OR t.id IN (SELECT m.worker_id FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {pf}))"), vals)
}

/// The reach of an evaluation's attachments (`t` is the attachments table).
pub fn evaluation_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (pf, vals) = project_filter(scope);
    (
        format!("t.entity_id IN (SELECT ev.id FROM project_evaluations ev JOIN projects p ON p.id = ev.project_id WHERE {pf})"),
        vals,
    )
}

/// Sums and amounts read from the database are [`Money`]: row structs hold `Money` and derive
/// `FromQueryResult`. (This decode belongs in `platform/money.rs`; it lives here until that file
/// can take it.)
impl sea_orm::TryGetable for Money {
    fn try_get_by<I: sea_orm::ColIdx>(res: &sea_orm::QueryResult, index: I) -> Result<Self, sea_orm::TryGetError> {
        i64::try_get_by(res, index).map(Money)
    }
}
