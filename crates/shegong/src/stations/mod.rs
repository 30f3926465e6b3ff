//! Social-work stations (社工站) on the three tiers of the service platform: the city general
//! station, the district/town stations and the community/village rooms, one per org unit, with
//! their people, Party coverage (支部建在站上), honours and photos.

pub mod api;
pub mod figures;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
