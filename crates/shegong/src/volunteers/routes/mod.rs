//! Pages of the volunteers domain, one file per sub-resource: campaigns (coordinators), shifts
//! and their volunteers (coordinators), and the public pages (sign-up, `/me`). The dispatch
//! rules are applied in one place, [`dispatch`], for a coordinator's assignment, a move and a
//! volunteer taking a shift alike.

use sea_orm::ConnectionTrait;

use crate::platform::access::Routes;
use crate::platform::error::AppResult;
use crate::volunteers::model::{check_slot, Clash};
use crate::volunteers::store::{self, ShiftRow};

mod campaigns;
mod certificates;
mod checkin;
mod corrections;
mod figures;
mod imports;
mod people;
mod public;
mod records;
mod shifts;
mod types;

/// Every page of the domain.
pub fn routes() -> Routes {
    campaigns::routes()
        .merge(shifts::routes())
        .merge(public::routes())
        .merge(checkin::routes())
        .merge(certificates::routes())
        .merge(imports::routes())
        .merge(records::routes())
        .merge(corrections::routes())
        .merge(types::routes())
        .merge(people::routes())
        .merge(figures::routes())
}

/// Why a volunteer cannot be put on a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The rules of the campaign (overlap, rest, hours per day, days in a row).
    Clash(Clash),
    /// No free place.
    Full,
    /// The campaign is not recruiting or running.
    Closed,
    /// The volunteer is on it already.
    Already,
}

impl Refusal {
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::Clash(c) => c.key(),
            Refusal::Full => "volunteers.clash.full",
            Refusal::Closed => "volunteers.clash.closed",
            Refusal::Already => "volunteers.clash.already",
        }
    }
    pub fn limit(&self) -> String {
        match self {
            Refusal::Clash(c) => c.limit(),
            _ => String::new(),
        }
    }
}

/// Checks and, when the rules allow, puts a volunteer on a shift inside the caller's write
/// transaction (both rows locked on PostgreSQL first, so that two requests cannot together pass
/// the capacity or the welfare limits). `moving` is the assignment being moved onto the shift
/// (it is left out of the volunteer's slots, and updated instead of a new one being made).
/// Returns the shift as read under the lock and the assignment id.
pub async fn dispatch<C: ConnectionTrait>(
    c: &C,
    shift_id: i64,
    volunteer_id: i64,
    source: &str,
    by: Option<i64>,
    moving: Option<(i64, i32)>,
) -> AppResult<Result<(ShiftRow, i64), Refusal>> {
    store::lock_volunteer(c, volunteer_id).await?;
    let Some(s) = store::shift_locked(c, shift_id).await? else {
        return Err(crate::platform::error::AppError::NotFound);
    };
    if !crate::volunteers::model::OPEN_STATUSES.contains(&s.campaign_status.as_str()) {
        return Ok(Err(Refusal::Closed));
    }
    if store::holds(c, s.id, volunteer_id).await? {
        return Ok(Err(Refusal::Already));
    }
    if s.taken >= i64::from(s.capacity) {
        return Ok(Err(Refusal::Full));
    }
    let held = store::held_slots(c, volunteer_id, moving.map(|m| m.0)).await?;
    if let Err(clash) = check_slot(&s.slot(), &held, &s.welfare()) {
        return Ok(Err(Refusal::Clash(clash)));
    }
    let id = match moving {
        Some((aid, version)) => {
            if !store::move_assignment(c, aid, &s, version).await? {
                return Err(crate::platform::error::AppError::Stale);
            }
            aid
        }
        None => store::assign(c, &s, volunteer_id, source, by).await?,
    };
    Ok(Ok((s, id)))
}
