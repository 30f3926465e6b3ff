//! The counselling and charity-aid hotline (12345心理疏导和慈善帮扶热线): the call log with its
//! structured risk assessment. These are the platform's most sensitive records: a call is its
//! counsellor's own record (supervisors reach all of them), every read is audited, and free
//! text is sealed at rest (platform/vault.rs). Later steps: the roster and rota, escalations,
//! caller profiles, cases, figures and the demo year (issue 14).

pub mod model;
pub(crate) mod routes;
pub mod store;

use crate::platform::access::{Reach, Record};

/// A call: its counsellor's own record, and in the unit of the centre that answered it.
pub static CALL: Record = Record {
    name: "hotline call",
    table: "hotline_calls",
    reach: Reach::Unit { owner: Some("counsellor_id") },
    parent: None,
};

/// Every page of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes()
}
