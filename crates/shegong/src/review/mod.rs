//! Indicators, the dashboard and (later) the annual review.

pub mod figures;
mod routes;

pub use routes::routes;
