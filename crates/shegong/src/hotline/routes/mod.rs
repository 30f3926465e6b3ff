//! Pages of the hotline, one file per part: the call log (calls.rs), the roster and rota
//! (roster.rs), cases with follow-ups and referrals (cases.rs) and caller profiles (callers.rs).
//! Every read of a call's or a case's page is audited; audit rows never hold its free text.

mod callers;
mod calls;
mod cases;
pub mod escalations;
pub mod figures;
pub mod retention;
mod roster;

use crate::hotline::model::Reader;
use crate::hotline::{FOLLOWUP, REFERRAL};
use crate::platform::access::{Auth, Need, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get("/hotline/calls", Need::Perm("hotline.call_read"), calls::call_list)
        .get("/hotline/calls/new", Need::Perm("hotline.call_write"), calls::call_new)
        .post("/hotline/calls", Need::Perm("hotline.call_write"), calls::call_create)
        .get("/hotline/cases", Need::Perm("hotline.case_read"), cases::list)
        .get("/hotline/followups/overdue", Need::Perm("hotline.case_read"), cases::overdue)
        .get("/hotline/counsellors", Need::Perm("hotline.admin"), roster::list)
        .get("/hotline/counsellors/new", Need::Perm("hotline.admin"), roster::new_form)
        .post("/hotline/counsellors", Need::Perm("hotline.admin"), roster::create)
        .get("/hotline/rota", Need::Perm("hotline.admin"), roster::rota)
        .get("/hotline/rota/new", Need::Perm("hotline.admin"), roster::shift_new)
        .post("/hotline/rota", Need::Perm("hotline.admin"), roster::shift_create)
        .with("id", &crate::hotline::CALL)
        .get("/hotline/calls/{id}", Need::Perm("hotline.call_read"), calls::call_detail)
        .get("/hotline/calls/{id}/edit", Need::Perm("hotline.call_write"), calls::call_edit)
        .post("/hotline/calls/{id}", Need::Perm("hotline.call_write"), calls::call_update)
        .post("/hotline/calls/{id}/case", Need::Perm("hotline.case_write"), cases::open_from_call)
        .post("/hotline/calls/{id}/join", Need::Perm("hotline.case_write"), cases::join)
        .post("/hotline/calls/{id}/caller", Need::Perm("hotline.call_write"), callers::link)
        .post("/hotline/calls/{id}/flags", Need::Perm("hotline.call_write"), callers::flag)
        .with("id", &crate::hotline::CASE)
        .get("/hotline/cases/{id}", Need::Perm("hotline.case_read"), cases::detail)
        .post("/hotline/cases/{id}", Need::Perm("hotline.case_write"), cases::update_text)
        .post("/hotline/cases/{id}/referrals", Need::Perm("hotline.case_write"), cases::refer)
        .post("/hotline/cases/{id}/transfer", Need::Perm("hotline.case_write"), cases::transfer)
        .post("/hotline/cases/{id}/close", Need::Perm("hotline.case_write"), cases::close)
        .get("/hotline/cases/{id}/access", Need::Perm("hotline.case_read"), cases::access_log)
        .with("fid", &FOLLOWUP)
        .post("/hotline/cases/{id}/followups/{fid}/done", Need::Perm("hotline.case_write"), cases::followup_done)
        .with("rid", &REFERRAL)
        .post("/hotline/cases/{id}/referrals/{rid}/state", Need::Perm("hotline.case_write"), cases::referral_state)
        .with("id", &crate::hotline::COUNSELLOR)
        .get("/hotline/counsellors/{id}", Need::Perm("hotline.admin"), roster::detail)
        .get("/hotline/counsellors/{id}/edit", Need::Perm("hotline.admin"), roster::edit_form)
        .post("/hotline/counsellors/{id}", Need::Perm("hotline.admin"), roster::update)
        .with("id", &crate::hotline::SHIFT)
        .get("/hotline/rota/{id}", Need::Perm("hotline.admin"), roster::shift_detail)
        .get("/hotline/rota/{id}/edit", Need::Perm("hotline.admin"), roster::shift_edit)
        .post("/hotline/rota/{id}", Need::Perm("hotline.admin"), roster::shift_update)
}

/// Who reads, for the stores' content rule: the user and whether they hold the explicit grant.
pub(crate) fn reader(auth: &Auth) -> Reader {
    Reader { user_id: auth.id, content_all: auth.can("hotline.content") }
}

/// Opens a sealed text for a page; `None` (shown as "cannot be opened") when the key that
/// sealed it is not configured.
pub(crate) fn opened(purpose: &str, sealed: &str) -> Option<String> {
    if sealed.is_empty() {
        return Some(String::new());
    }
    crate::platform::vault::vault().ok().and_then(|v| v.open(purpose, sealed).ok())
}
