//! Pages of the registry and of Party building, one file per sub-resource: the registry
//! (organisations, dated change records, status, contact reveal, xlsx), annual reports,
//! departments, and Party building (Party organisations, instructors, coverage, Party import).

mod departments;
mod instructors;
mod party;
mod registry;
mod reports;

use crate::platform::access::{Need, Routes};
use crate::platform::web::{FormErrors, PageCtx, Problems};

pub use party::{resolve_coverage, CoverageQuery};

pub fn routes() -> Routes {
    Routes::new()
        .get("/orgs", Need::Perm("orgs.read"), registry::list)
        .get("/orgs/export.xlsx", Need::Perm("orgs.read"), registry::export_xlsx)
        .get("/orgs/template.xlsx", Need::Perm("orgs.write"), registry::template_xlsx)
        .get("/orgs/import", Need::Perm("orgs.write"), registry::import_form)
        .post("/orgs/import", Need::Perm("orgs.write"), registry::import_upload)
        .get("/orgs/reports", Need::Perm("orgs.read"), reports::report_list)
        .get("/orgs/departments", Need::Perm("orgs.read"), departments::departments_page)
        .post("/orgs/departments", Need::Perm("orgs.write"), departments::department_create)
        .with("id", &crate::orgs::DEPARTMENT)
        .post("/orgs/departments/{id}", Need::Perm("orgs.write"), departments::department_update)
        .get("/orgs/new", Need::Perm("orgs.write"), registry::new_form)
        .post("/orgs", Need::Perm("orgs.write"), registry::create)
        .with("id", &crate::orgs::ORG)
        .with("rid", &crate::orgs::REPORT)
        .get("/orgs/{id}", Need::Perm("orgs.read"), registry::detail)
        .get("/orgs/{id}/edit", Need::Perm("orgs.write"), registry::edit_form)
        .post("/orgs/{id}", Need::Perm("orgs.write"), registry::update)
        .post("/orgs/{id}/status", Need::Perm("orgs.write"), registry::set_status)
        .post("/orgs/{id}/reveal", Need::Perm("orgs.contact_reveal"), registry::reveal_phone)
        .post("/orgs/{id}/party", Need::Perm("party.write"), party::add_own_party_org)
        .post("/orgs/{id}/reports", Need::Perm("orgs.write"), reports::report_submit)
        .post("/orgs/{id}/reports/{rid}/review", Need::Perm("orgs.write"), reports::report_review)
        .post("/orgs/{id}/instructors", Need::Perm("party.write"), party::add_instructor)
        .get("/party/orgs", Need::Perm("party.read"), party::party_list)
        .get("/party/orgs/new", Need::Perm("party.write"), party::joint_form)
        .get("/party/orgs/import", Need::Perm("party.write"), party::party_import_form)
        .post("/party/orgs/import", Need::Perm("party.write"), party::party_import_upload)
        .get("/party/orgs/template.xlsx", Need::Perm("party.write"), party::party_template)
        .post("/party/orgs", Need::Perm("party.write"), party::joint_create)
        .get("/party/coverage", Need::Perm("orgs.read"), party::coverage_page)
        .with("id", &crate::orgs::PARTY_ORG)
        .get("/party/orgs/{id}", Need::Perm("party.read"), party::party_detail)
        .get("/party/orgs/{id}/edit", Need::Perm("party.write"), party::party_edit_form)
        .post("/party/orgs/{id}", Need::Perm("party.write"), party::party_update)
        .with("id", &crate::orgs::INSTRUCTOR)
        .get("/party/instructors/{id}", Need::Perm("party.read"), instructors::detail)
        .get("/party/instructors/{id}/edit", Need::Perm("party.write"), instructors::edit_form)
        .post("/party/instructors/{id}", Need::Perm("party.write"), instructors::update)
}

fn errors_from(c: &PageCtx, errs: Problems) -> FormErrors {
    FormErrors::from_problems(c, errs)
}

fn indent(depth: &i32) -> String {
    "　".repeat((*depth).max(0) as usize)
}
