//! Pages of the hotline, one file per part: the call log (calls.rs). Every read of a call's
//! page is audited; audit rows never hold its free text.

mod calls;

use crate::platform::access::{Need, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get("/hotline/calls", Need::Perm("hotline.call_read"), calls::call_list)
        .get("/hotline/calls/new", Need::Perm("hotline.call_write"), calls::call_new)
        .post("/hotline/calls", Need::Perm("hotline.call_write"), calls::call_create)
        .with("id", &crate::hotline::CALL)
        .get("/hotline/calls/{id}", Need::Perm("hotline.call_read"), calls::call_detail)
        .get("/hotline/calls/{id}/edit", Need::Perm("hotline.call_write"), calls::call_edit)
        .post("/hotline/calls/{id}", Need::Perm("hotline.call_write"), calls::call_update)
}

/// Opens a sealed text for a page; `None` (shown as "cannot be opened") when the key that
/// sealed it is not configured.
pub(crate) fn opened(purpose: &str, sealed: &str) -> Option<String> {
    if sealed.is_empty() {
        return Some(String::new());
    }
    crate::platform::vault::vault().ok().and_then(|v| v.open(purpose, sealed).ok())
}
