//! Users and roles: accounts (system administrator), role and scope assignment (security
//! administrator), role definitions. The three administrator duties stay with different people.

pub mod api;
pub mod figures;
pub mod model;
mod routes;
pub mod store;

pub use routes::routes;

use crate::platform::access::{Reach, Record};

/// A user account, reached when its unit lies inside the caller's scope (or it is the caller).
pub static USER: Record =
    Record { name: "user", table: "users", reach: Reach::Unit { owner: Some("id") }, parent: None };
/// A role: reference data of the security administrator.
pub static ROLE: Record = Record { name: "role", table: "roles", reach: Reach::Reference, parent: None };
