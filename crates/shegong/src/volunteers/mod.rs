//! Volunteer mobilisation (志愿服务): campaigns organised by a unit, volunteers who sign up from a
//! phone without an account (identity kept as a keyed hash, the number encrypted; a unified
//! volunteer number used instead everywhere), shifts in communities with the dispatch rules (no
//! overlap, welfare limits), and the volunteer's own page `/me`.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;

use crate::platform::access::{Reach, Record};

/// A campaign, reached when its organiser or one of its target communities lies inside the
/// caller's scope.
pub static CAMPAIGN: Record = Record {
    name: "volunteer campaign",
    table: "volunteer_campaigns",
    reach: Reach::Custom(store::campaign_reach),
    parent: None,
};
/// A shift, reached when its community lies inside the caller's scope.
pub static SHIFT: Record = Record {
    name: "volunteer shift",
    table: "volunteer_shifts",
    reach: Reach::Unit { owner: Some("created_by") },
    parent: None,
};
/// A volunteer on a shift (`{aid}` of shift `{id}`).
pub static ASSIGNMENT: Record = Record::part_of("volunteer assignment", "volunteer_assignments", "id", "shift_id");
/// A certificate, reached when its issuing unit lies inside the caller's scope.
pub static CERTIFICATE: Record = Record {
    name: "volunteer certificate",
    table: "volunteer_certificates",
    reach: Reach::Unit { owner: Some("issued_by") },
    parent: None,
};
/// A campaign on the public pages: the routes are public (no scope), and the handlers read only
/// campaigns that are recruiting or running (`store::open_campaign`).
pub static OPEN_CAMPAIGN: Record =
    Record { name: "open campaign", table: "volunteer_campaigns", reach: Reach::Reference, parent: None };
/// A shift a volunteer takes from `/me`: the handler reads only open shifts of campaigns the
/// volunteer signed up to (`store::open_shifts_for`).
pub static OPEN_SHIFT: Record =
    Record { name: "open shift", table: "volunteer_shifts", reach: Reach::Reference, parent: None };
/// A service record, reached when its community lies inside the caller's scope.
pub static RECORD: Record = Record {
    name: "volunteer record",
    table: "volunteer_records",
    reach: Reach::Unit { owner: Some("created_by") },
    parent: None,
};
/// A correction request (`{cid}`) of record `{id}`.
pub static CORRECTION: Record = Record::part_of("volunteer correction", "volunteer_corrections", "id", "record_id");
/// A volunteer, reached when the community they are placed in lies inside the caller's scope.
pub static VOLUNTEER: Record =
    Record { name: "volunteer", table: "volunteers", reach: Reach::Unit { owner: None }, parent: None };
/// A service type: city reference data, kept by the holders of `volunteers.types`.
pub static SERVICE_TYPE: Record =
    Record { name: "volunteer service type", table: "volunteer_service_types", reach: Reach::Reference, parent: None };
/// A record a volunteer asks to correct from `/me`: the handler reads only the signed-in
/// volunteer's own records (`store::record_of_volunteer`).
pub static OWN_RECORD: Record =
    Record { name: "own volunteer record", table: "volunteer_records", reach: Reach::Reference, parent: None };

/// Every page and API route of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(api::routes())
}

/// Minutes as hours with up to two decimals (`7.5`, `12`, `0.25`).
pub fn hours_text(minutes: i64) -> String {
    let whole = minutes / 60;
    let rest = (minutes % 60) * 100 / 60;
    match rest {
        0 => whole.to_string(),
        r if r % 10 == 0 => format!("{whole}.{}", r / 10),
        r => format!("{whole}.{r:02}"),
    }
}

/// The sealed columns of the domain (`shegong rotate-key` seals them again).
pub static SEALED: &[crate::platform::rekey::Sealed] = &[
    crate::platform::rekey::Sealed { table: "volunteers", column: "id_cipher", purpose: "id" },
    crate::platform::rekey::Sealed { table: "volunteers", column: "phone_cipher", purpose: "phone" },
];
