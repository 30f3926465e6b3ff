//! Social organisations (社会组织) and Party building (党建引领): the registry with its history,
//! Party organisations (own and joint), Party-building instructors, and the two coverages.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::routes;
pub use store::{departments, party_orgs, Department};

use std::sync::Arc;

use sea_orm::DbErr;

use crate::platform::access::{CurrentUser, Reach, Record};
use crate::platform::AppState;

/// A social organisation, reached when its unit lies inside the caller's scope.
pub static ORG: Record = Record {
    name: "organisation",
    table: "organisations",
    reach: Reach::Unit { owner: Some("created_by") },
    parent: None,
};
/// An annual report, a part of its organisation (`{id}`).
pub static REPORT: Record = Record::part_of("annual report", "annual_reports", "id", "organisation_id");
/// A Party organisation (own or joint), reached when its unit lies inside the caller's scope.
pub static PARTY_ORG: Record =
    Record { name: "party organisation", table: "party_orgs", reach: Reach::Unit { owner: None }, parent: None };
/// A Party-building instructor, reached when the organisation it is assigned to is.
pub static INSTRUCTOR: Record = Record {
    name: "party instructor",
    table: "party_instructors",
    reach: Reach::Custom(store::instructor_reach),
    parent: None,
};
/// A competent department: city-level reference data.
pub static DEPARTMENT: Record =
    Record { name: "department", table: "departments", reach: Reach::Reference, parent: None };

/// The active competent departments, for pickers and filters: cached until a department changes
/// (the `departments` data version read with the session).
pub async fn department_picker(st: &AppState, user: &CurrentUser) -> Result<Arc<Vec<Department>>, DbErr> {
    st.caches
        .lists
        .get_or_load("orgs.departments", String::new(), user.versions.departments, || store::departments(&st.db.conn))
        .await
}
