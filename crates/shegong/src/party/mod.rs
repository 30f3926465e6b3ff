//! Party-building action plans (行动计划, e.g. 先锋引领2.0 / 五争五引领): plans whose domains and
//! modes are data, the Party organisations taking part, and their activities; figures are the
//! participating organisations per plan and the activities per domain × mode (a heat table).

pub mod figures;
pub mod import;
pub mod model;
mod routes;
pub mod store;

pub use routes::routes;
