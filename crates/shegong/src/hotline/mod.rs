//! The counselling and charity-aid hotline (12345心理疏导和慈善帮扶热线): the call log with its
//! structured risk assessment, the "星光社工" roster and rota, repeat callers (keyed phone hashes,
//! with consent), and cases with follow-ups, referrals, transfers and closure. These are the
//! platform's most sensitive records: a call or a case is reached like its counsellor's own
//! record, and its content is read only by its counsellors, their supervisor and roles granted
//! `hotline.content` (a rule inside every store query); every read is audited, and free text is
//! sealed at rest (platform/vault.rs). Escalations and figures: issue 14's other steps.

pub mod api;
pub mod figures;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::escalations::{spawn_sweeper, sweep as sweep_escalations, POLL_SECONDS as ESCALATION_POLL_SECONDS};
pub use routes::retention::purge;
pub use routes::retention::Purged;

use crate::platform::access::{Reach, Record};

/// A call: its counsellor's own record, and in the unit of the centre that answered it.
pub static CALL: Record = Record {
    name: "hotline call",
    table: "hotline_calls",
    reach: Reach::Unit { owner: Some("counsellor_id") },
    parent: None,
};

/// A case (个案): reached like its lead counsellor's own record, in the centre's unit. Reaching
/// it is not reading it: the store's content rule decides that (`store::case_content`).
pub static CASE: Record = Record {
    name: "hotline case",
    table: "hotline_cases",
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

/// Parts of a case, reached through it.
pub static FOLLOWUP: Record = Record::part_of("hotline follow-up", "hotline_followups", "id", "case_id");
pub static REFERRAL: Record = Record::part_of("hotline referral", "hotline_referrals", "id", "case_id");

/// The roster and the rota: the hotline's reference data, kept by the hotline administrator.
pub static COUNSELLOR: Record =
    Record { name: "hotline counsellor", table: "hotline_counsellors", reach: Reach::Reference, parent: None };
pub static SHIFT: Record =
    Record { name: "hotline shift", table: "hotline_shifts", reach: Reach::Reference, parent: None };

pub use store::{on_duty, open_case_from_call, ShiftRow};

/// The sealed columns of the domain (`shegong rotate-key` seals them again).
pub static SEALED: &[crate::platform::rekey::Sealed] = &[
    crate::platform::rekey::Sealed { table: "hotline_calls", column: "summary_cipher", purpose: store::SUMMARY },
    crate::platform::rekey::Sealed { table: "hotline_calls", column: "risk_note_cipher", purpose: store::RISK_NOTE },
    crate::platform::rekey::Sealed {
        table: "hotline_cases",
        column: "assessment_cipher",
        purpose: store::CASE_ASSESSMENT,
    },
    crate::platform::rekey::Sealed { table: "hotline_cases", column: "plan_cipher", purpose: store::CASE_PLAN },
    crate::platform::rekey::Sealed {
        table: "hotline_cases",
        column: "closure_note_cipher",
        purpose: store::CASE_CLOSURE,
    },
    crate::platform::rekey::Sealed { table: "hotline_followups", column: "note_cipher", purpose: store::FOLLOWUP_NOTE },
    crate::platform::rekey::Sealed {
        table: "hotline_referrals",
        column: "reason_cipher",
        purpose: store::REFERRAL_REASON,
    },
];

/// Every page of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(routes::escalations::routes()).merge(routes::figures::routes()).merge(api::routes())
}
