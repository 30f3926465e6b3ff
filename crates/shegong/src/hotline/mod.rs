//! The counselling and charity-aid hotline (12345心理疏导和慈善帮扶热线): the call log with its
//! structured risk assessment. These are the platform's most sensitive records: a call is its
//! counsellor's own record (supervisors reach all of them), every read is audited, and free
//! text is sealed at rest (platform/vault.rs). Later steps: the roster and rota, escalations,
//! caller profiles, cases, figures and the demo year (issue 14).

pub mod api;
pub mod figures;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::escalations::{spawn_sweeper, sweep as sweep_escalations};
pub use routes::retention::purge;

use crate::platform::access::{Reach, Record};

/// A call: its counsellor's own record, and in the unit of the centre that answered it.
pub static CALL: Record = Record {
    name: "hotline call",
    table: "hotline_calls",
    reach: Reach::Unit { owner: Some("counsellor_id") },
    parent: None,
};

/// An escalation: reaches whoever reaches its call (the call's counsellor, the units' scope).
pub static ESCALATION: Record = Record {
    name: "hotline escalation",
    table: "hotline_escalations",
    reach: Reach::Unit { owner: Some("counsellor_id") },
    parent: None,
};

/// The sealed columns of the domain (`shegong rotate-key` seals them again).
pub static SEALED: &[crate::platform::rekey::Sealed] = &[
    crate::platform::rekey::Sealed { table: "hotline_calls", column: "summary_cipher", purpose: store::SUMMARY },
    crate::platform::rekey::Sealed { table: "hotline_calls", column: "risk_note_cipher", purpose: store::RISK_NOTE },
];

/// Every page of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(routes::escalations::routes()).merge(routes::figures::routes()).merge(api::routes())
}
