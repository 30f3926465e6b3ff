//! Indicators, the dashboard and (later) the annual review. The indicator engine
//! ([`engine`]) reads every domain's indicator definitions (`figures.rs`) and answers for any
//! period and unit subtree, cached by the database's data versions.

pub mod api;
pub mod figures;
pub mod model;
mod routes;
mod store;

pub use routes::routes;
