//! Government purchase of services (政府购买服务): the service-list guideline versioned by year,
//! projects bought by stations from social-work agencies, with the status workflow
//! 立项 → 采购 → 签约 → 执行 → 中期评估 → 结项评估 → 结项, teams from the talent register,
//! milestones, payments in integer fen, evaluations that decide the money, agencies' track
//! records, figures for any unit subtree and year, and Excel import/export.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;
pub use store::{agency_eligible, agency_options};

use crate::platform::access::{Auth, Reach, Record};
use crate::platform::files::{Attachment, FileOwner, Readable};
use crate::platform::AppState;

/// A purchased project, reached when its buying unit lies inside the caller's scope, or it is
/// run by the caller's agency.
pub static PROJECT: Record =
    Record { name: "project", table: "projects", reach: Reach::Custom(store::project_reach), parent: None };
/// Parts of a project (`{id}`): evaluations, corrective plans, team members, milestones.
pub static EVALUATION: Record = Record::part_of("evaluation", "project_evaluations", "id", "project_id");
pub static CORRECTIVE_PLAN: Record = Record::part_of("corrective plan", "corrective_plans", "id", "project_id");
pub static MEMBER: Record = Record::part_of("team member", "project_members", "id", "project_id");
pub static MILESTONE: Record = Record::part_of("milestone", "project_milestones", "id", "project_id");
/// A guideline category: city-level reference data (written with `services.guideline`).
pub static CATEGORY: Record =
    Record { name: "guideline category", table: "service_categories", reach: Reach::Reference, parent: None };
/// An agency's track record: every buyer may read it (the next purchase can see how the agency
/// did); projects outside the caller's scope appear only as aggregates.
pub static AGENCY: Record = Record { name: "agency", table: "organisations", reach: Reach::Reference, parent: None };
/// A person on project teams: reached when the social worker lies inside the caller's scope,
/// or is on the team of a project the caller reaches.
pub static TEAM_PERSON: Record = Record {
    name: "team person",
    table: "social_workers",
    reach: Reach::Custom(store::team_person_reach),
    parent: None,
};

/// Attachments of evaluations: readable with `services.read` by whoever reaches the project
/// (agency staff through their agency, too).
pub static EVALUATION_FILES: FileOwner =
    FileOwner { entity: "evaluation", readable: evaluation_readable, reach: Some(store::evaluation_reach) };

fn evaluation_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(routes::evaluation_visible(st, auth, a.entity_id))
}

/// Every page and API route of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(api::routes())
}
