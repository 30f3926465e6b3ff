//! Registers shared by every domain: events (meetings, launches, award ceremonies, training
//! courses, seminars), policy documents, and honours (表彰荣誉) awarded to units, stations,
//! organisations and people. The industry Party-building committee page reads them too.

pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
pub(crate) use routes::upload;

use crate::platform::access::{Reach, Record, Scope};
use sea_orm::Value;

/// An event, reached when its unit lies inside the caller's scope.
pub static EVENT: Record =
    Record { name: "event", table: "events", reach: Reach::Unit { owner: Some("created_by") }, parent: None };
/// A policy document, reached when its unit lies inside the caller's scope.
pub static DOCUMENT: Record =
    Record { name: "document", table: "documents", reach: Reach::Unit { owner: Some("created_by") }, parent: None };
/// An attachment, reached when its unit lies inside the caller's scope, or when it belongs to an
/// evaluation of a project the caller reaches (agency staff). The handler then checks the
/// permission of the record it belongs to.
pub static ATTACHMENT: Record =
    Record { name: "attachment", table: "attachments", reach: Reach::Custom(attachment_reach), parent: None };

fn attachment_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (uf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    let (pf, pv) = crate::services::store::project_filter(scope);
    vals.extend(pv);
    (
        format!(
            "({uf} OR (t.entity = 'evaluation' AND t.entity_id IN (SELECT ev.id FROM project_evaluations ev JOIN projects p ON p.id = ev.project_id WHERE {pf})))"
        ),
        vals,
    )
}
