//! All SQL of the volunteers domain, one file per sub-resource: campaigns, volunteers (sign-up,
//! identity, the public rate limits) and shifts (with their assignments). Callers use
//! `store::x`: every file is re-exported here.

mod bulk;
mod campaigns;
mod certificates;
mod figures;
mod people;
mod records;
mod shifts;

pub use bulk::*;
pub use campaigns::*;
pub use certificates::*;
pub use figures::*;
pub use people::*;
pub use records::*;
pub use shifts::*;

/// ` FOR UPDATE` on PostgreSQL (a row lock for the rest of the transaction); nothing on SQLite,
/// whose write gate already serialises writers.
pub(crate) fn for_update<C: sea_orm::ConnectionTrait>(c: &C) -> &'static str {
    if c.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    }
}
