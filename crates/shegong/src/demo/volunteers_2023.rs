//! The 2023 volunteers of the demo (figures for the year-on-year change, plausibly different
//! from 2022): the campaign 邻里守望 of 2023 (community volunteering after the epidemic) served
//! exactly [`COMMUNITIES_2023`] communities with [`VOLUNTEERS_2023`] volunteers, of whom
//! [`RETURNING_2023`] had served in 2022 and the rest are new, and the persons served of their
//! records sum to exactly [`PERSON_TIMES_2023`]. Written like 2022 (`demo::volunteers_2022`):
//! bulk inserts through the store, one seeded generator, clearly synthetic people.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::demo::rng::Rng;
use crate::demo::volunteers_2022::{split_exactly, VOLUNTEERS_2022};
use crate::platform::db::sql;
use crate::volunteers::model::{CampaignInput, ShiftInput, Slot, Welfare};
use crate::volunteers::store;

/// The communities the 2023 campaign served (71 in 2022).
pub const COMMUNITIES_2023: usize = 86;
/// The volunteers who served in 2023 (1,068 in 2022).
pub const VOLUNTEERS_2023: usize = 1_152;
/// Of them, volunteers of 2022 who served again.
pub const RETURNING_2023: usize = 640;
/// The persons served (服务人次) of their records (170,000 in 2022).
pub const PERSON_TIMES_2023: i64 = 96_500;
/// Shift days per community over the year.
const SHIFT_DAYS: usize = 14;
/// Volunteers a shift takes.
const CAPACITY: i32 = 6;
const SEED: u64 = 0x2023_0101_8600_0965;

/// The campaign's first and last day.
pub fn campaign_days() -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let d = |m, d| NaiveDate::from_ymd_opt(2023, m, d).ok_or_else(|| anyhow::anyhow!("date"));
    Ok((d(1, 1)?, d(12, 31)?))
}

#[derive(FromQueryResult)]
struct Known {
    id: i64,
    unit_id: i64,
}

/// Writes the 2023 campaign, its shifts, new volunteers, sign-ups, served assignments and
/// records; `communities` are the tree's communities in order (the first 86 are served).
/// Returns the shifts written.
pub async fn generate<C: ConnectionTrait>(c: &C, city: i64, communities: &[i64]) -> anyhow::Result<usize> {
    if communities.len() < COMMUNITIES_2023 {
        anyhow::bail!("the demo tree has fewer than {COMMUNITIES_2023} communities");
    }
    let served_units: Vec<i64> = communities[..COMMUNITIES_2023].to_vec();
    let (first_day, last_day) = campaign_days()?;
    let input = CampaignInput {
        unit_id: city,
        title: "邻里守望——2023年社区志愿服务行动".into(),
        purpose: "组织社工志愿者为社区（村）的老人、困境儿童和困难家庭上门探访、配送物资、陪伴和心理疏导。".into(),
        starts_on: first_day,
        ends_on: last_day,
        status: "closed".into(),
        roles: "上门探访员\n物资配送员\n心理陪伴员".into(),
        skills: "社会工作\n心理疏导\n驾驶".into(),
        communities: served_units.clone(),
        welfare: Welfare { max_minutes_per_day: 8 * 60, max_consecutive_days: 6, min_rest_minutes: 60 },
        contact: "市民政局社会工作科".into(),
    };
    let campaign = store::insert_campaign(c, &input, None).await?;
    let mut rng = Rng::seeded(SEED);
    let vault = crate::platform::vault::vault()?;
    let types = store::service_types(c).await?;
    let type_of = |code: &str| types.iter().find(|t| t.code == code).map(|t| t.id);
    let kinds: Vec<(Option<i64>, &str, u32)> = vec![
        (type_of("home_visit"), "上门探访员", 45),
        (type_of("delivery"), "物资配送员", 30),
        (type_of("counselling"), "心理陪伴员", 15),
        (type_of("other"), "社区活动协助员", 10),
    ];
    let weights: Vec<u32> = kinds.iter().map(|k| k.2).collect();
    let span = (last_day - first_day).num_days() as usize + 1;
    let mut planned: Vec<(ShiftInput, String)> = Vec::with_capacity(COMMUNITIES_2023 * SHIFT_DAYS);
    for &unit in &served_units {
        let mut days: Vec<usize> = (0..span).collect();
        rng.shuffle(&mut days);
        let mut days: Vec<usize> = days.into_iter().take(SHIFT_DAYS).collect();
        days.sort_unstable();
        for d in days {
            let (start, end) = if rng.chance(1, 2) { (9 * 60, 11 * 60 + 30) } else { (14 * 60, 17 * 60) };
            let (kind, role, _) = kinds[rng.weighted(&weights)];
            let s = ShiftInput {
                unit_id: unit,
                slot: Slot { date: first_day + Duration::days(d as i64), start, end },
                role: role.into(),
                capacity: CAPACITY,
                place: "社区党群服务中心".into(),
                service_type_id: kind,
            };
            planned.push((s, crate::platform::web::random_token(16)?));
        }
    }
    let shift_ids = store::insert_shifts(c, campaign, &planned, None).await?;
    let position = |unit: i64| served_units.iter().position(|u| *u == unit);
    // Volunteers: the first 2022 volunteers come back (in their own community), the others are new.
    let known = Known::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, unit_id FROM volunteers ORDER BY id",
        vec![],
    ))
    .all(c)
    .await?;
    let mut volunteers: Vec<(i64, usize)> = Vec::with_capacity(VOLUNTEERS_2023);
    for k in known.iter().take(RETURNING_2023) {
        let home = position(k.unit_id).ok_or_else(|| anyhow::anyhow!("a 2022 volunteer outside 2023's communities"))?;
        volunteers.push((k.id, home));
    }
    if volunteers.len() != RETURNING_2023 {
        anyhow::bail!("the 2023 demo needs {RETURNING_2023} volunteers of 2022");
    }
    let mut people = Vec::with_capacity(VOLUNTEERS_2023 - RETURNING_2023);
    let mut homes = Vec::with_capacity(VOLUNTEERS_2023 - RETURNING_2023);
    for k in 0..VOLUNTEERS_2023 - RETURNING_2023 {
        // The new communities of 2023 first, then all of them in turn.
        let home = (71 + k) % COMMUNITIES_2023;
        let input = crate::demo::volunteers::demo_volunteer(VOLUNTEERS_2022 + k)?;
        let code = crate::volunteers::model::new_code()?;
        people.push(crate::volunteers::model::protect(&vault, served_units[home], &input, &code)?);
        homes.push(home);
    }
    let new_ids = store::insert_volunteers(c, &people).await?;
    volunteers.extend(new_ids.into_iter().zip(homes));
    let signups: Vec<(i64, i64, i64, String)> =
        volunteers.iter().map(|(id, home)| (campaign, *id, served_units[*home], "社会工作".to_string())).collect();
    store::insert_signups(c, &signups).await?;
    // Each serves one to four shifts of their community, on different days.
    let mut taken = vec![vec![0i32; SHIFT_DAYS]; COMMUNITIES_2023];
    let mut served = Vec::new();
    for &(vid, home) in &volunteers {
        let mut open: Vec<usize> = (0..SHIFT_DAYS).filter(|&k| taken[home][k] < CAPACITY).collect();
        rng.shuffle(&mut open);
        let n = rng.range(1, 4) as usize;
        for &k in open.iter().take(n) {
            taken[home][k] += 1;
            let (s, _) = &planned[home * SHIFT_DAYS + k];
            let sid = shift_ids[home * SHIFT_DAYS + k];
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
    let draws: Vec<i64> = served.iter().map(|_| rng.range(10, 50)).collect();
    let persons = split_exactly(PERSON_TIMES_2023, &draws);
    let fallback = types.first().map(|t| t.id).unwrap_or(1);
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
                service_type_id: kind.unwrap_or(fallback),
                minutes: s.minutes,
                person_times: i32::try_from(p)?,
                source: "coordinator".into(),
                status: "confirmed".into(),
                content: role.clone(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    store::insert_records(c, &records, None).await?;
    Ok(shift_ids.len())
}
