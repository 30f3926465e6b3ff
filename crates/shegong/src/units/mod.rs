//! The org-unit tree (市 → 区镇 → 社区/村): every record hangs on a unit, every figure rolls up
//! along the tree, and every user's data scope is a subtree of it.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
pub use store::{ancestors, children, get, get_scoped, options, roots, UnitOption};

use crate::platform::access::{Reach, Record};

/// An org unit, reached when it lies inside the caller's scope.
pub static UNIT: Record = Record { name: "unit", table: "org_units", reach: Reach::UnitItself, parent: None };
