//! Social-work talent (人才队伍): the register of social workers with their qualifications
//! (ID numbers and phones masked, reveals audited), and the talent development fund, a ledger
//! whose balance is derived and can never go below zero. Exam imports and selections come next.

pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod selections;
pub mod store;

/// The fund and the social-worker register.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(routes::worker_routes())
}
