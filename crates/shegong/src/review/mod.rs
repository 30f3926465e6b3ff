//! Indicators, the dashboard and (later) the annual review.

pub mod api;
pub mod figures;
mod routes;

pub use routes::{headline, routes};
