//! Registers shared by every domain: events (meetings, launches, award ceremonies, training
//! courses, seminars), policy documents, and honours (表彰荣誉) awarded to units, stations,
//! organisations and people. The industry Party-building committee page reads them too.

pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
pub(crate) use routes::upload;
