//! All SQL of the hotline domain, one file per part: the call log (calls.rs). Callers use
//! `store::x`: every file is re-exported here. Scoped reads take `&Scope`; free text is sealed
//! here before it is written (platform/vault.rs), so no statement of the domain carries it in
//! the clear.

mod calls;

pub use calls::*;

use sea_orm::DbErr;

/// Seals a free text for storage under `purpose` (its associated data); empty stays empty.
pub(crate) fn seal(purpose: &str, text: &str) -> Result<String, DbErr> {
    if text.is_empty() {
        return Ok(String::new());
    }
    crate::platform::vault::vault()
        .and_then(|v| v.seal_text(purpose, text))
        .map_err(|e| DbErr::Custom(format!("sealing free text: {e}")))
}
