//! Users and roles: accounts (system administrator), role and scope assignment (security
//! administrator), role definitions. The three administrator duties stay with different people.

pub mod api;
pub mod figures;
pub mod model;
mod routes;
pub mod store;

pub use routes::routes;
