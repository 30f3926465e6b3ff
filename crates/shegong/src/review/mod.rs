//! Indicators, the dashboard and (later) the annual review.

pub mod api;
mod routes;

pub use routes::{headline, routes};
