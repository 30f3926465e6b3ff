//! Social-work talent (人才队伍): the register of social workers with their qualifications
//! (ID numbers and phones masked, reveals audited), the yearly exam-results import, selections
//! and awards, and the talent development fund, a ledger whose balance is derived and can never
//! go below zero.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;
pub use store::worker;

use crate::platform::access::{Reach, Record};

/// A social worker, reached when their unit lies inside the caller's scope.
pub static WORKER: Record = Record {
    name: "social worker",
    table: "social_workers",
    reach: Reach::Unit { owner: Some("created_by") },
    parent: None,
};
/// An award programme: city-level reference data that every unit nominates into; only holders
/// of `talent.programmes` run it.
pub static PROGRAMME: Record = Record { name: "programme", table: "programmes", reach: Reach::Reference, parent: None };

/// Every page and API route of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(api::routes())
}
