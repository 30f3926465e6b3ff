//! Party-building action plans (行动计划, e.g. 先锋引领2.0 / 五争五引领): plans whose domains and
//! modes are data, the Party organisations taking part, and their activities; figures are the
//! participating organisations per plan and the activities per domain × mode (a heat table).

pub mod figures;
pub mod import;
pub mod model;
mod routes;
pub mod store;

pub use routes::routes;

use crate::platform::access::{Reach, Record};

/// An action plan, reached when its unit lies inside the caller's scope.
pub static PLAN: Record =
    Record { name: "action plan", table: "action_plans", reach: Reach::Unit { owner: None }, parent: None };
/// An activity, a part of its plan (`{id}`), reached when its unit lies inside the caller's scope.
pub static ACTIVITY: Record = Record {
    name: "plan activity",
    table: "plan_activities",
    reach: Reach::Unit { owner: Some("created_by") },
    parent: Some(("id", "plan_id")),
};
