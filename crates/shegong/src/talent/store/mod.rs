//! All SQL of the talent domain, one file per sub-resource: the fund ledger, the register of
//! social workers (with the exam-import statements and the figures) and the selections. Callers
//! use `store::x`: every file is re-exported here.

mod fund;
mod indicators;
mod selections;
mod workers;

pub use fund::*;
pub use indicators::*;
pub use selections::*;
pub use workers::*;
