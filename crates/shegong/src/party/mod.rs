//! Party-building action plans (行动计划, e.g. 先锋引领2.0 / 五争五引领): plans whose domains and
//! modes are data, the Party organisations taking part, and their activities; figures are the
//! participating organisations per plan and the activities per domain × mode (a heat table).

pub mod figures;
pub mod import;
pub mod model;
mod routes;
pub mod store;

pub use routes::routes;

use crate::platform::access::{Auth, Reach, Record, Scope};
use crate::platform::files::{Attachment, FileOwner, Readable};
use crate::platform::AppState;

/// An action plan, reached when its unit lies inside the caller's scope.
pub static PLAN: Record =
    Record { name: "action plan", table: "action_plans", reach: Reach::Unit { owner: None }, parent: None };
/// An activity of a plan (`/party/activities/{id}`), reached when its unit lies inside the
/// caller's scope or the caller recorded it.
pub static ACTIVITY: Record = Record {
    name: "plan activity",
    table: "plan_activities",
    reach: Reach::Unit { owner: Some("created_by") },
    parent: None,
};

/// A photo of an activity (`/party/activities/{id}/photos/{photo}`): an attachment of that
/// activity, reached through it.
pub static ACTIVITY_PHOTO: Record = Record {
    name: "plan activity photo",
    table: "attachments",
    reach: Reach::Custom(activity_photo),
    parent: Some(("id", "entity_id")),
};

/// The parent's scope reaches the photo; the photo must be an activity's.
fn activity_photo(_: &Scope) -> (String, Vec<sea_orm::Value>) {
    ("t.entity = 'plan_activity'".into(), vec![])
}

/// Photos of plan activities: readable with `party.read` when the activity's unit lies inside
/// the caller's scope.
pub static ACTIVITY_FILES: FileOwner = FileOwner { entity: "plan_activity", readable: activity_readable, reach: None };

fn activity_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(async move {
        Ok(auth.can("party.read") && crate::units::get_scoped(&st.db.conn, &auth.scope, a.unit_id).await?.is_some())
    })
}
