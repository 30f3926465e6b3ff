//! The 2022 volunteers of the demo: the 同心战"疫" campaign (社会组织疫情防控志愿者征集, spring
//! 2022) as the review reports it: [`VOLUNTEERS_2022`] (1000+) social-work volunteers served
//! shifts in exactly [`COMMUNITIES_2022`] communities, and the persons served of their records
//! sum to exactly [`PERSON_TIMES_2022`]. People are clearly synthetic (演示志愿者0001…, 199
//! phones) with valid ID numbers; every draw comes from one seeded generator (`demo::rng`).
//! Records, assignments and sign-ups are written in bulk inside the demo's one transaction
//! (shifts, served shifts and records by `demo::volunteer_year`).

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::demo::rng::Rng;
use crate::demo::volunteer_year::{self, Year};
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

/// What the step wrote.
pub struct Written {
    pub shifts: usize,
    /// The first volunteer and their record (the demo certifies it).
    pub first: Option<(i64, crate::volunteers::store::NewVolunteer, store::NewRecord)>,
}

/// Service type code, role and weight of the shifts.
const KINDS: &[(&str, &str, u32)] = &[
    ("screening", "信息排查员", 40),
    ("home_visit", "上门服务员", 25),
    ("delivery", "物资配送员", 25),
    ("testing", "核酸检测秩序维护员", 10),
];

/// Writes the shifts, volunteers, sign-ups, served assignments and records of the campaign.
pub async fn generate<C: ConnectionTrait>(c: &C, campaign: i64, communities: &[i64]) -> anyhow::Result<Written> {
    if communities.len() != COMMUNITIES_2022 {
        anyhow::bail!("the 2022 campaign serves {COMMUNITIES_2022} communities");
    }
    let (first_day, last_day) = campaign_days()?;
    let year = Year {
        first_day,
        last_day,
        kinds: KINDS,
        shift_days: SHIFT_DAYS,
        capacity: CAPACITY,
        morning: (8 * 60, 12 * 60),
        afternoon: (14 * 60, 18 * 60),
        place: "社区服务中心",
        shifts_each: (2, 4),
        persons_draw: (20, 90),
        person_times: PERSON_TIMES_2022,
    };
    let mut rng = Rng::seeded(SEED);
    let vault = crate::platform::vault::vault()?;
    // Shifts: SHIFT_DAYS different days in every community, a morning or an afternoon.
    let shifts = volunteer_year::write_shifts(c, &mut rng, &year, campaign, communities).await?;
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
    let homes: Vec<(i64, usize)> =
        volunteer_ids.iter().enumerate().map(|(j, &vid)| (vid, j % communities.len())).collect();
    let records = volunteer_year::serve(c, &mut rng, &year, campaign, &shifts, &homes).await?;
    let first = volunteer_ids.first().copied().zip(people.into_iter().next());
    let first =
        first.and_then(|(vid, nv)| records.iter().find(|r| r.volunteer_id == vid).cloned().map(|r| (vid, nv, r)));
    Ok(Written { shifts: shifts.len(), first })
}
