//! Social-work stations (社工站) on the three tiers of the service platform: the city general
//! station, the district/town stations and the community/village rooms, one per org unit, with
//! their people, Party coverage (支部建在站上), honours and photos.

pub mod api;
pub mod figures;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;

use crate::platform::access::{Reach, Record};

/// A station, reached when its unit lies inside the caller's scope.
pub static STATION: Record =
    Record { name: "station", table: "stations", reach: Reach::Unit { owner: Some("created_by") }, parent: None };
