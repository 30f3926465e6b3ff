//! Government purchase of services (政府购买服务): the service-list guideline versioned by year,
//! projects bought by stations from social-work agencies, with the status workflow
//! 立项 → 采购 → 签约 → 执行 → 中期评估 → 结项评估 → 结项, teams from the talent register,
//! milestones, payments in integer fen, evaluations that decide the money, agencies' track
//! records, figures for any unit subtree and year, and Excel import/export.

pub mod api;
pub mod figures;
pub mod guideline;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;
pub use store::{agency_eligible, agency_options};

use crate::platform::access::{Auth, Reach, Record, Scope};
use crate::platform::files::{Attachment, FileOwner, Readable};
use crate::platform::AppState;
use sea_orm::Value;

/// A purchased project, reached when its buying unit lies inside the caller's scope, or it is
/// run by the caller's agency.
pub static PROJECT: Record =
    Record { name: "project", table: "projects", reach: Reach::Custom(project_reach), parent: None };
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
pub static TEAM_PERSON: Record =
    Record { name: "team person", table: "social_workers", reach: Reach::Custom(team_person_reach), parent: None };

fn project_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (pf, vals) = store::project_filter(scope);
    (format!("t.id IN (SELECT p.id FROM projects p WHERE {pf})"), vals)
}

fn team_person_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (wf, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    let (pf, pv) = store::project_filter(scope);
    vals.extend(pv);
    (format!("({wf} OR t.id IN (SELECT m.worker_id FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {pf}))"), vals)
}

/// Attachments of evaluations: readable with `services.read` by whoever reaches the project
/// (agency staff through their agency, too).
pub static EVALUATION_FILES: FileOwner =
    FileOwner { entity: "evaluation", readable: evaluation_readable, reach: Some(evaluation_reach) };

fn evaluation_readable<'a>(st: &'a AppState, auth: &'a Auth, a: &'a Attachment) -> Readable<'a> {
    Box::pin(routes::evaluation_visible(st, auth, a.entity_id))
}

fn evaluation_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (pf, vals) = store::project_filter(scope);
    (
        format!("t.entity_id IN (SELECT ev.id FROM project_evaluations ev JOIN projects p ON p.id = ev.project_id WHERE {pf})"),
        vals,
    )
}

/// Every page and API route of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(guideline::routes()).merge(figures::routes()).merge(import::routes()).merge(api::routes())
}
