//! Social-work stations (社工站) on the three tiers of the service platform: the city general
//! station, the district/town stations and the community/village rooms, one per org unit, with
//! their people, Party coverage (支部建在站上), honours and photos.

pub mod api;
pub mod figures;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;

use crate::platform::access::{Auth, Reach, Record, Scope};
use crate::platform::files::{Attachment, FileOwner, Readable};
use crate::platform::AppState;

/// A station, reached when its unit lies inside the caller's scope.
pub static STATION: Record =
    Record { name: "station", table: "stations", reach: Reach::Unit { owner: Some("created_by") }, parent: None };

/// A photo of a station (`/stations/{id}/photos/{photo}`): an attachment of that station, reached
/// through it.
pub static STATION_PHOTO: Record = Record {
    name: "station photo",
    table: "attachments",
    reach: Reach::Custom(station_photo),
    parent: Some(("id", "entity_id")),
};

/// The parent's scope reaches the photo; the photo must be a station's.
fn station_photo(_: &Scope) -> (String, Vec<sea_orm::Value>) {
    ("t.entity = 'station'".into(), vec![])
}

/// Photos of stations: readable with `stations.read` when the station lies inside the caller's
/// scope.
pub static STATION_FILES: FileOwner = FileOwner { entity: "station", readable: station_readable, reach: None };

fn station_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(async move {
        Ok(auth.can("stations.read")
            && store::get(&st.db.conn, &auth.scope, a.entity_id, crate::platform::time::today()).await?.is_some())
    })
}
