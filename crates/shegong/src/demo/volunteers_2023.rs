//! The 2023 volunteers of the demo (figures for the year-on-year change, plausibly different
//! from 2022): the campaign 邻里守望 of 2023 (community volunteering after the epidemic) served
//! exactly [`COMMUNITIES_2023`] communities with [`VOLUNTEERS_2023`] volunteers, of whom
//! [`RETURNING_2023`] had served in 2022 and the rest are new, and the persons served of their
//! records sum to exactly [`PERSON_TIMES_2023`]. Written like 2022 (`demo::volunteers_2022`):
//! bulk inserts through the store (shifts, served shifts and records by `demo::volunteer_year`),
//! one seeded generator, clearly synthetic people.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::demo::rng::Rng;
use crate::demo::volunteer_year::{self, Year};
use crate::demo::volunteers_2022::VOLUNTEERS_2022;
use crate::platform::db::sql;
use crate::volunteers::model::{CampaignInput, Welfare};
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
/// Service type code, role and weight of the shifts.
const KINDS: &[(&str, &str, u32)] = &[
    ("home_visit", "上门探访员", 45),
    ("delivery", "物资配送员", 30),
    ("counselling", "心理陪伴员", 15),
    ("other", "社区活动协助员", 10),
];

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
    let year = Year {
        first_day,
        last_day,
        kinds: KINDS,
        shift_days: SHIFT_DAYS,
        capacity: CAPACITY,
        morning: (9 * 60, 11 * 60 + 30),
        afternoon: (14 * 60, 17 * 60),
        place: "社区党群服务中心",
        shifts_each: (1, 4),
        persons_draw: (10, 50),
        person_times: PERSON_TIMES_2023,
    };
    let mut rng = Rng::seeded(SEED);
    let vault = crate::platform::vault::vault()?;
    let shifts = volunteer_year::write_shifts(c, &mut rng, &year, campaign, &served_units).await?;
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
    volunteer_year::serve(c, &mut rng, &year, campaign, &shifts, &volunteers).await?;
    Ok(shifts.len())
}
