//! All SQL of the registry and the two coverages, one file per sub-resource. Every query returning
//! organisations takes the caller's scope. Callers use `store::x`: each part is re-exported here.

mod departments;
mod party;
mod registry;
mod reports;

pub use departments::*;
pub use party::*;
pub use registry::*;
pub use reports::*;
