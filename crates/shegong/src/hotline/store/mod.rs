//! All SQL of the hotline domain, one file per part: the call log (calls.rs), the roster and
//! rota (roster.rs), cases with follow-ups and referrals (cases.rs) and caller profiles
//! (callers.rs). Callers use `store::x`: every file is re-exported here. Scoped reads take
//! `&Scope`; free text is sealed here before it is written (platform/vault.rs), so no statement
//! of the domain carries it in the clear.
//!
//! Confidentiality is compiled into SQL: [`call_content`] and [`case_content`] are WHERE
//! fragments (with bound values) that every read of a call's or a case's content adds, so a row
//! the reader may not read never leaves the database; lists of such rows give counts only.

pub mod bulk;
mod callers;
mod calls;
mod cases;
pub mod escalations;
pub mod figures;
pub mod retention;
mod roster;

pub use callers::*;
pub use calls::*;
pub use cases::*;
pub use roster::*;

use sea_orm::{DbErr, Value};

use crate::hotline::model::Reader;

/// Seals a free text for storage under `purpose` (its associated data); empty stays empty.
pub(crate) fn seal(purpose: &str, text: &str) -> Result<String, DbErr> {
    if text.is_empty() {
        return Ok(String::new());
    }
    crate::platform::vault::vault()
        .and_then(|v| v.seal_text(purpose, text))
        .map_err(|e| DbErr::Custom(format!("sealing free text: {e}")))
}

/// SQL over the case `alias`: the reader is one of its current counsellors or its supervisor.
fn case_member(alias: &str, r: &Reader) -> (String, Vec<Value>) {
    (
        format!(
            "({alias}.supervisor_id = ? OR EXISTS (SELECT 1 FROM hotline_case_counsellors cm \
             WHERE cm.case_id = {alias}.id AND cm.user_id = ? AND cm.removed_at IS NULL))"
        ),
        vec![r.user_id.into(), r.user_id.into()],
    )
}

/// SQL over the call `t`: the reader may read its content. They answered it, they are the
/// supervisor of the counsellor who did (the roster), they are a counsellor or the supervisor
/// of the case it belongs to, or a role of theirs holds `hotline.content`.
pub fn call_content(r: &Reader) -> (String, Vec<Value>) {
    if r.content_all {
        return ("1=1".into(), vec![]);
    }
    let (member, mv) = case_member("cc", r);
    let mut vals: Vec<Value> = vec![r.user_id.into(), r.user_id.into()];
    vals.extend(mv);
    (
        format!(
            "(t.counsellor_id = ? \
             OR EXISTS (SELECT 1 FROM hotline_counsellors cr JOIN hotline_counsellors cs ON cs.id = cr.supervisor_id \
                        WHERE cr.user_id = t.counsellor_id AND cs.user_id = ?) \
             OR EXISTS (SELECT 1 FROM hotline_cases cc WHERE cc.id = t.case_id AND {member}))"
        ),
        vals,
    )
}

/// SQL over the case `t`: the reader may read its content (one of its current counsellors, its
/// supervisor, or the `hotline.content` grant).
pub fn case_content(r: &Reader) -> (String, Vec<Value>) {
    if r.content_all {
        return ("1=1".into(), vec![]);
    }
    case_member("t", r)
}
