//! Social-work talent (人才队伍). This first part holds the talent development fund: a ledger of
//! contributions and grants whose balance is derived and can never go below zero. The register
//! of social workers, exam results and selections come next (issue 5).

pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
