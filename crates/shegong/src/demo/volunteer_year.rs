//! What the demo's volunteer years share (`demo::volunteers_2022`, `demo::volunteers_2023`): a
//! campaign's shifts in its communities, the shifts its volunteers served (checked in and out,
//! never two a day in one community), and their service records, whose persons served are
//! drawn and then split exactly to the year's total. Each year passes its own numbers and its
//! one seeded generator, which draws in this order: the shifts, then the served shifts, then
//! the persons served.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::ConnectionTrait;

use crate::demo::rng::Rng;
use crate::volunteers::model::{ShiftInput, Slot};
use crate::volunteers::store;

/// The numbers of one year's campaign.
pub struct Year<'a> {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Service type code, role and weight of the shifts.
    pub kinds: &'a [(&'a str, &'a str, u32)],
    /// Shift days per community.
    pub shift_days: usize,
    /// Volunteers a shift takes.
    pub capacity: i32,
    /// The morning and the afternoon shift (start and end, minutes of the day).
    pub morning: (i32, i32),
    pub afternoon: (i32, i32),
    pub place: &'a str,
    /// How many shifts a volunteer serves (drawn between the two).
    pub shifts_each: (i64, i64),
    /// The draw of a record's persons served, before they are scaled to `person_times`.
    pub persons_draw: (i64, i64),
    /// The persons served (服务人次) of all the records.
    pub person_times: i64,
}

/// The shifts written: `shift_days` per community, in the order of the communities.
pub struct Shifts {
    planned: Vec<(ShiftInput, String)>,
    ids: Vec<i64>,
    /// The service type of a record whose shift has none of its own.
    fallback_type: i64,
}

impl Shifts {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Writes the shifts of `campaign`: `shift_days` different days in every one of `units`, a
/// morning or an afternoon, of a kind drawn by weight.
pub async fn write_shifts<C: ConnectionTrait>(
    c: &C,
    rng: &mut Rng,
    year: &Year<'_>,
    campaign: i64,
    units: &[i64],
) -> anyhow::Result<Shifts> {
    let types = store::service_types(c).await?;
    let kinds: Vec<(Option<i64>, &str)> = year
        .kinds
        .iter()
        .map(|(code, role, _)| (types.iter().find(|t| t.code == *code).map(|t| t.id), *role))
        .collect();
    let weights: Vec<u32> = year.kinds.iter().map(|k| k.2).collect();
    let span = (year.last_day - year.first_day).num_days() as usize + 1;
    let mut planned: Vec<(ShiftInput, String)> = Vec::with_capacity(units.len() * year.shift_days);
    for &unit in units {
        let mut days: Vec<usize> = (0..span).collect();
        rng.shuffle(&mut days);
        let mut days: Vec<usize> = days.into_iter().take(year.shift_days).collect();
        days.sort_unstable();
        for d in days {
            let (start, end) = if rng.chance(1, 2) { year.morning } else { year.afternoon };
            let (kind, role) = kinds[rng.weighted(&weights)];
            let s = ShiftInput {
                unit_id: unit,
                slot: Slot { date: year.first_day + Duration::days(d as i64), start, end },
                role: role.into(),
                capacity: year.capacity,
                place: year.place.into(),
                service_type_id: kind,
            };
            planned.push((s, crate::platform::web::random_token(16)?));
        }
    }
    let ids = store::insert_shifts(c, campaign, &planned, None).await?;
    Ok(Shifts { planned, ids, fallback_type: types.first().map(|t| t.id).unwrap_or(1) })
}

/// Every volunteer (id, the index of their community among the shifts' units) serves a drawn
/// number of the open shifts of their community, on different days; writes the served shifts
/// and their confirmed records of `campaign` and returns the records.
pub async fn serve<C: ConnectionTrait>(
    c: &C,
    rng: &mut Rng,
    year: &Year<'_>,
    campaign: i64,
    shifts: &Shifts,
    volunteers: &[(i64, usize)],
) -> anyhow::Result<Vec<store::NewRecord>> {
    let communities = shifts.planned.len() / year.shift_days.max(1);
    let mut taken = vec![vec![0i32; year.shift_days]; communities];
    let mut served = Vec::new();
    for &(vid, home) in volunteers {
        let mut open: Vec<usize> = (0..year.shift_days).filter(|&k| taken[home][k] < year.capacity).collect();
        rng.shuffle(&mut open);
        let n = rng.range(year.shifts_each.0, year.shifts_each.1) as usize;
        for &k in open.iter().take(n) {
            taken[home][k] += 1;
            let (s, _) = &shifts.planned[home * year.shift_days + k];
            let sid = shifts.ids[home * year.shift_days + k];
            let at = |minute: i32| {
                let local = s.slot.date.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(i64::from(minute));
                crate::platform::time::china().from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc))
            };
            let (Some(checkin_at), Some(checkout_at)) = (at(s.slot.start), at(s.slot.end)) else {
                anyhow::bail!("demo shift time");
            };
            served.push((
                store::ServedShift {
                    shift_id: sid,
                    volunteer_id: vid,
                    unit_id: s.unit_id,
                    shift_date: s.slot.date,
                    start_minute: s.slot.start,
                    end_minute: s.slot.end,
                    checkin_at,
                    checkout_at,
                    minutes: s.slot.minutes(),
                },
                s.service_type_id,
                s.role.clone(),
            ));
        }
    }
    let ids = store::insert_served(c, &served.iter().map(|s| s.0.clone()).collect::<Vec<_>>(), None).await?;
    // Persons served: a share for every record, drawn, then scaled to the year's total.
    let draws: Vec<i64> = served.iter().map(|_| rng.range(year.persons_draw.0, year.persons_draw.1)).collect();
    let persons = split_exactly(year.person_times, &draws);
    let records: Vec<store::NewRecord> = served
        .iter()
        .zip(persons)
        .map(|((s, kind, role), p)| {
            Ok(store::NewRecord {
                volunteer_id: s.volunteer_id,
                campaign_id: Some(campaign),
                assignment_id: ids.get(&(s.shift_id, s.volunteer_id)).copied(),
                unit_id: s.unit_id,
                service_date: s.shift_date,
                service_type_id: kind.unwrap_or(shifts.fallback_type),
                minutes: s.minutes,
                person_times: i32::try_from(p)?,
                source: "coordinator".into(),
                status: "confirmed".into(),
                content: role.clone(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    store::insert_records(c, &records, None).await?;
    Ok(records)
}

/// Splits `total` over weights exactly: each share is the floor of its proportion, and the
/// remainder goes one each to the first shares.
pub fn split_exactly(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    if sum <= 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - out.iter().sum::<i64>();
    for x in out.iter_mut().take(rest.max(0) as usize) {
        *x += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_exactly() {
        let total = crate::demo::volunteers_2022::PERSON_TIMES_2022;
        let w = [20, 33, 90, 47, 61, 20, 88];
        let s = split_exactly(total, &w);
        assert_eq!(s.iter().sum::<i64>(), total);
        assert!(s.iter().zip(w).all(|(x, w)| (x - total * w / 359).abs() <= 1));
        assert_eq!(split_exactly(10, &[0, 0]), vec![0, 0]);
    }
}
