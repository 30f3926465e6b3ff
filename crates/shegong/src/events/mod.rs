//! Registers shared by every domain: events (meetings, launches, award ceremonies, training
//! courses, seminars), policy documents, and honours (表彰荣誉) awarded to units, stations,
//! organisations and people. The industry Party-building committee page reads them too.

pub mod figures;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use figures::{photos_for_review, review_photo_bytes, ReviewPhoto};
pub use routes::routes;
pub use store::{honours_at_unit, insert_honour, HonourRow};

use crate::platform::access::{Auth, Reach, Record, Scope};
use crate::platform::files::{Attachment, FileOwner, Readable};
use crate::platform::AppState;

/// An event, reached when its unit lies inside the caller's scope.
pub static EVENT: Record =
    Record { name: "event", table: "events", reach: Reach::Unit { owner: Some("created_by") }, parent: None };
/// A policy document, reached when its unit lies inside the caller's scope.
pub static DOCUMENT: Record =
    Record { name: "document", table: "documents", reach: Reach::Unit { owner: Some("created_by") }, parent: None };
/// An honour, reached when its unit lies inside the caller's scope.
pub static HONOUR: Record =
    Record { name: "honour", table: "honours", reach: Reach::Unit { owner: Some("created_by") }, parent: None };
/// A photo of an event (`/events/{id}/photos/{photo}`): an attachment of that event, reached
/// through it.
pub static EVENT_PHOTO: Record = Record {
    name: "event photo",
    table: "attachments",
    reach: Reach::Custom(event_photo),
    parent: Some(("id", "entity_id")),
};
/// A photo of an honour (`/honours/{id}/photos/{photo}`): an attachment of that honour, reached
/// through it.
pub static HONOUR_PHOTO: Record = Record {
    name: "honour photo",
    table: "attachments",
    reach: Reach::Custom(honour_photo),
    parent: Some(("id", "entity_id")),
};
/// Photos of events: readable with `events.read` when the event lies inside the caller's scope.
pub static EVENT_FILES: FileOwner = FileOwner { entity: "event", readable: event_readable, reach: None };
/// Photos of honours: readable with `events.read` when the honour lies inside the caller's scope.
pub static HONOUR_FILES: FileOwner = FileOwner { entity: "honour", readable: honour_readable, reach: None };
/// Files of policy documents: readable with `events.read` when the document lies inside the scope.
pub static DOCUMENT_FILES: FileOwner = FileOwner { entity: "document", readable: document_readable, reach: None };

fn event_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(async move {
        Ok(auth.can("events.read") && store::event_unit(&st.db.conn, &auth.scope, a.entity_id).await?.is_some())
    })
}

fn document_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(async move {
        Ok(auth.can("events.read") && store::document_unit(&st.db.conn, &auth.scope, a.entity_id).await?.is_some())
    })
}

fn honour_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(async move {
        Ok(auth.can("events.read") && store::honour_unit(&st.db.conn, &auth.scope, a.entity_id).await?.is_some())
    })
}

/// The parent's scope reaches the photo; the photo must be one of that kind of record (an
/// honour and an event may share an id).
fn event_photo(_: &Scope) -> (String, Vec<sea_orm::Value>) {
    ("t.entity = 'event'".into(), vec![])
}

fn honour_photo(_: &Scope) -> (String, Vec<sea_orm::Value>) {
    ("t.entity = 'honour'".into(), vec![])
}
