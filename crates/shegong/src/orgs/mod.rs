//! Social organisations (社会组织) and Party building (党建引领): the registry with its history,
//! Party organisations (own and joint), Party-building instructors, and the two coverages.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
