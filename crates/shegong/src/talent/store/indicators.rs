//! The statements behind the talent indicators (`talent/figures.rs`): exam passes and awards of a
//! year, and fund contributions in a period, for a unit subtree inside the caller's scope.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::access::Scope;
use crate::platform::db::count;

/// The units of a subtree, by their (code-only, never user-typed) path.
const SUBTREE: &str = "IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?)";

/// Qualifications passed in the national exam of `year` by workers of the subtree.
pub async fn exam_passes_under<C: ConnectionTrait>(c: &C, scope: &Scope, under: &str, year: i32) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    vals.push(format!("{under}%").into());
    vals.push(year.into());
    count(
        c,
        &format!(
            "SELECT COUNT(*) FROM qualifications q JOIN social_workers w ON w.id = q.worker_id \
             WHERE {sf} AND w.unit_id {SUBTREE} AND q.exam_year = ?"
        ),
        vals,
    )
    .await
}

/// Workers of the subtree selected in the published programmes of `year` (one per selection).
pub async fn awards_under<C: ConnectionTrait>(c: &C, scope: &Scope, under: &str, year: i32) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("w.unit_id", Some("w.created_by"));
    vals.push(format!("{under}%").into());
    vals.push(year.into());
    count(
        c,
        &format!(
            "SELECT COUNT(*) FROM programmes p JOIN nominations n ON n.programme_id = p.id JOIN social_workers w ON w.id = n.worker_id \
             WHERE {sf} AND w.unit_id {SUBTREE} AND p.year = ? AND p.status = 'published' AND n.status = 'selected'"
        ),
        vals,
    )
    .await
}

/// Contributions to the fund booked in the subtree between two days (both included), in fen.
pub async fn fund_in_under<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.push(format!("{under}%").into());
    vals.push(from.into());
    vals.push(to.into());
    count(
        c,
        &format!(
            "SELECT SUM_INT(f.amount_fen) FROM fund_entries f WHERE f.kind = 'contribution' AND {sf} \
             AND f.unit_id {SUBTREE} AND f.entry_on >= ? AND f.entry_on <= ?"
        ),
        vals,
    )
    .await
}
