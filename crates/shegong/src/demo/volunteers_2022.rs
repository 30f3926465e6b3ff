//! The 2022 volunteers of the demo: the 同心战"疫" campaign (社会组织疫情防控志愿者征集, spring
//! 2022) as the review reports it: [`VOLUNTEERS_2022`] (1000+) social-work volunteers served
//! shifts in exactly [`COMMUNITIES_2022`] communities, and the persons served of their records
//! sum to exactly [`PERSON_TIMES_2022`]. People are clearly synthetic (演示志愿者0001…, 199
//! phones) with valid ID numbers; every draw comes from one seeded generator (`demo::rng`).
//! Records, assignments and sign-ups are written in bulk inside the demo's one transaction.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::ConnectionTrait;

use crate::demo::rng::Rng;
use crate::volunteers::model::ShiftInput;
use crate::volunteers::model::Slot;
use crate::volunteers::store;

/// The communities the campaign served.
pub const COMMUNITIES_2022: usize = 71;
/// The volunteers who served (1000+).
pub const VOLUNTEERS_2022: usize = 1_068;
/// The persons served (服务人次) of all their records.
pub const PERSON_TIMES_2022: i64 = 170_000;
/// Shift days per community.
const SHIFT_DAYS: usize = 12;
/// Volunteers a shift takes.
const CAPACITY: i32 = 6;
/// The generator's seed.
const SEED: u64 = 0x2022_0315_7100_0170;

/// The campaign's first and last day.
pub fn campaign_days() -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let d = |m, d| NaiveDate::from_ymd_opt(2022, m, d).ok_or_else(|| anyhow::anyhow!("date"));
    Ok((d(3, 15)?, d(5, 31)?))
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

/// What the step wrote.
pub struct Written {
    pub shifts: usize,
    /// The first volunteer and their record (the demo certifies it).
    pub first: Option<(i64, crate::volunteers::store::NewVolunteer, store::NewRecord)>,
}

/// Writes the shifts, volunteers, sign-ups, served assignments and records of the campaign.
pub async fn generate<C: ConnectionTrait>(c: &C, campaign: i64, communities: &[i64]) -> anyhow::Result<Written> {
    if communities.len() != COMMUNITIES_2022 {
        anyhow::bail!("the 2022 campaign serves {COMMUNITIES_2022} communities");
    }
    let mut rng = Rng::seeded(SEED);
    let vault = crate::platform::vault::vault()?;
    let types = store::service_types(c).await?;
    let type_of = |code: &str| types.iter().find(|t| t.code == code).map(|t| t.id);
    // Service types and roles with their weights.
    let kinds: Vec<(Option<i64>, &str, u32)> = vec![
        (type_of("screening"), "信息排查员", 40),
        (type_of("home_visit"), "上门服务员", 25),
        (type_of("delivery"), "物资配送员", 25),
        (type_of("testing"), "核酸检测秩序维护员", 10),
    ];
    let weights: Vec<u32> = kinds.iter().map(|k| k.2).collect();
    let (first_day, last_day) = campaign_days()?;
    let span = (last_day - first_day).num_days() as usize + 1;
    // Shifts: SHIFT_DAYS different days in every community, a morning or an afternoon.
    let mut planned: Vec<(ShiftInput, String)> = Vec::with_capacity(communities.len() * SHIFT_DAYS);
    for &unit in communities {
        let mut days: Vec<usize> = (0..span).collect();
        rng.shuffle(&mut days);
        let mut days: Vec<usize> = days.into_iter().take(SHIFT_DAYS).collect();
        days.sort_unstable();
        for d in days {
            let (start, end) = if rng.chance(1, 2) { (8 * 60, 12 * 60) } else { (14 * 60, 18 * 60) };
            let (kind, role, _) = kinds[rng.weighted(&weights)];
            let s = ShiftInput {
                unit_id: unit,
                slot: Slot { date: first_day + Duration::days(d as i64), start, end },
                role: role.into(),
                capacity: CAPACITY,
                place: "社区服务中心".into(),
                service_type_id: kind,
            };
            planned.push((s, crate::platform::web::random_token(16)?));
        }
    }
    let shift_ids = store::insert_shifts(c, campaign, &planned, None).await?;
    let shifts: Vec<Vec<(i64, &ShiftInput)>> = planned
        .chunks(SHIFT_DAYS)
        .zip(shift_ids.chunks(SHIFT_DAYS))
        .map(|(p, ids)| ids.iter().copied().zip(p.iter().map(|(s, _)| s)).collect())
        .collect();
    // Volunteers: each serves in one community (every community has some), two to four shifts
    // on different days (one shift a day in a community: never two at once).
    let mut people = Vec::with_capacity(VOLUNTEERS_2022);
    let mut skills = Vec::with_capacity(VOLUNTEERS_2022);
    for j in 0..VOLUNTEERS_2022 {
        let input = crate::demo::volunteers::demo_volunteer(j)?;
        let code = crate::volunteers::model::new_code()?;
        people.push(crate::volunteers::model::protect(&vault, communities[j % communities.len()], &input, &code)?);
        skills.push(input.skills);
    }
    let volunteer_ids = store::insert_volunteers(c, &people).await?;
    let signups: Vec<(i64, i64, i64, String)> = volunteer_ids
        .iter()
        .zip(&people)
        .zip(skills)
        .map(|((id, p), skills)| (campaign, *id, p.unit_id, skills))
        .collect();
    store::insert_signups(c, &signups).await?;
    let mut served = Vec::new();
    let mut taken = vec![vec![0i32; SHIFT_DAYS]; communities.len()];
    for (j, &vid) in volunteer_ids.iter().enumerate() {
        let home = j % communities.len();
        let unit = communities[home];
        let mut open: Vec<usize> = (0..SHIFT_DAYS).filter(|&k| taken[home][k] < CAPACITY).collect();
        rng.shuffle(&mut open);
        let n = rng.range(2, 4) as usize;
        for &k in open.iter().take(n) {
            taken[home][k] += 1;
            let (sid, s) = shifts[home][k];
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
                    unit_id: unit,
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
    let first = volunteer_ids.first().copied().zip(people.into_iter().next());
    let ids = store::insert_served(c, &served.iter().map(|s| s.0.clone()).collect::<Vec<_>>(), None).await?;
    // Persons served: a share for every record, drawn, then scaled to the published total.
    let draws: Vec<i64> = served.iter().map(|_| rng.range(20, 90)).collect();
    let persons = split_exactly(PERSON_TIMES_2022, &draws);
    let fallback = types.first().map(|t| t.id).unwrap_or(1);
    let mut records = Vec::with_capacity(served.len());
    for ((s, kind, role), p) in served.iter().zip(persons) {
        records.push(store::NewRecord {
            volunteer_id: s.volunteer_id,
            campaign_id: Some(campaign),
            assignment_id: ids.get(&(s.shift_id, s.volunteer_id)).copied(),
            unit_id: s.unit_id,
            service_date: s.shift_date,
            service_type_id: kind.unwrap_or(fallback),
            minutes: s.minutes,
            person_times: i32::try_from(p)?,
            source: "coordinator".into(),
            status: "confirmed".into(),
            content: role.clone(),
        });
    }
    store::insert_records(c, &records, None).await?;
    let first =
        first.and_then(|(vid, nv)| records.iter().find(|r| r.volunteer_id == vid).cloned().map(|r| (vid, nv, r)));
    Ok(Written { shifts: shift_ids.len(), first })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_exactly() {
        let w = [20, 33, 90, 47, 61, 20, 88];
        let s = split_exactly(PERSON_TIMES_2022, &w);
        assert_eq!(s.iter().sum::<i64>(), PERSON_TIMES_2022);
        assert!(s.iter().zip(w).all(|(x, w)| (x - PERSON_TIMES_2022 * w / 359).abs() <= 1));
        assert_eq!(split_exactly(10, &[0, 0]), vec![0, 0]);
    }
}
