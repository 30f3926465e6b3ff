//! Volunteer campaigns of the demo: the 同心战"疫" recruitment of spring 2022 (社会组织疫情防控
//! 志愿者征集) across 71 communities, closed, and a campaign recruiting now in 周市 and the
//! development zone with shifts in the coming days (so that the public pages have something to
//! show). Volunteers, records and the 2022 figures come with the next steps of issue 13.

use chrono::{Duration, NaiveDate};
use sea_orm::ConnectionTrait;

use crate::platform::access::Scope;
use crate::volunteers::model::{CampaignInput, IdDocument, ShiftInput, SignupInput, Slot, Welfare};
use crate::volunteers::store;

/// The communities of the 2022 campaign.
pub const COMMUNITIES_2022: usize = 71;

/// Writes the campaigns and their shifts; returns (campaigns, shifts).
pub async fn generate<C: ConnectionTrait>(c: &C, city: i64, today: NaiveDate) -> anyhow::Result<(usize, usize)> {
    let units = crate::units::options(c, &Scope::all()).await?;
    let communities: Vec<&crate::units::UnitOption> = units.iter().filter(|u| u.depth == 2).collect();
    if communities.len() < COMMUNITIES_2022 {
        anyhow::bail!("the demo tree has fewer than {COMMUNITIES_2022} communities");
    }
    let welfare = Welfare { max_minutes_per_day: 8 * 60, max_consecutive_days: 6, min_rest_minutes: 60 };
    let types = store::service_types(c).await?;
    let screening = types.iter().find(|t| t.code == "screening").map(|t| t.id);
    let delivery = types.iter().find(|t| t.code == "delivery").map(|t| t.id);
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("date"));
    let spring: Vec<i64> = communities.iter().take(COMMUNITIES_2022).map(|u| u.id).collect();
    let k2022 = CampaignInput {
        unit_id: city,
        title: "同心战\u{201c}疫\u{201d}——社会组织疫情防控志愿者征集".into(),
        purpose: "动员社会组织和社工志愿者协助社区（村）开展信息排查、居家隔离上门服务和物资配送。".into(),
        starts_on: date(2022, 3, 15)?,
        ends_on: date(2022, 5, 31)?,
        status: "closed".into(),
        roles: "信息排查员\n上门服务员\n物资配送员".into(),
        skills: "社会工作\n心理疏导\n驾驶".into(),
        communities: spring.clone(),
        welfare,
        contact: "市民政局社会工作科".into(),
    };
    let k1 = store::insert_campaign(c, &k2022, None).await?;
    let mut shifts = 0;
    let mut spring_shifts = Vec::new();
    for (i, u) in spring.iter().enumerate() {
        let s = ShiftInput {
            unit_id: *u,
            slot: Slot { date: date(2022, 4, 1)? + Duration::days((i % 7) as i64), start: 8 * 60, end: 12 * 60 },
            role: "信息排查员".into(),
            capacity: 10,
            place: "社区服务中心".into(),
            service_type_id: screening,
        };
        store::insert_shift(c, k1, &s, &crate::platform::web::random_token(16)?, None).await?;
        spring_shifts.push(s);
        shifts += 1;
    }
    volunteers_2022(c, city, k1, &spring_shifts).await?;
    // A campaign recruiting now, served by the communities of 周市 and the development zone.
    let now: Vec<&&crate::units::UnitOption> = communities
        .iter()
        .filter(|u| u.path.starts_with("/320583/zhoushi/") || u.path.starts_with("/320583/kaifaqu/"))
        .collect();
    let open = CampaignInput {
        unit_id: city,
        title: "社区常态化志愿服务".into(),
        purpose: "为社区（村）的老人和困难家庭上门送物资、陪伴和帮办。".into(),
        starts_on: today,
        ends_on: today + Duration::days(90),
        status: "recruiting".into(),
        roles: "物资配送员\n陪伴员".into(),
        skills: "驾驶\n沟通".into(),
        communities: now.iter().map(|u| u.id).collect(),
        welfare,
        contact: "市民政局社会工作科".into(),
    };
    let k2 = store::insert_campaign(c, &open, None).await?;
    for town in ["/320583/zhoushi/", "/320583/kaifaqu/"] {
        for u in now.iter().filter(|u| u.path.starts_with(town)).take(3) {
            for day in 1..=3 {
                for (start, end) in [(8 * 60, 12 * 60), (14 * 60, 18 * 60)] {
                    let s = ShiftInput {
                        unit_id: u.id,
                        slot: Slot { date: today + Duration::days(day), start, end },
                        role: "物资配送员".into(),
                        capacity: 3,
                        place: "社区服务中心".into(),
                        service_type_id: delivery,
                    };
                    store::insert_shift(c, k2, &s, &crate::platform::web::random_token(16)?, None).await?;
                    shifts += 1;
                }
            }
        }
    }
    Ok((2, shifts))
}

/// How many demo volunteers of 2022 this step writes (the full 1000+ and 170,000 person-times
/// come with the demo step of issue 13).
pub const VOLUNTEERS_2022: usize = 20;

/// A clearly synthetic volunteer: a numbered name, a 199 phone, and a valid ID number whose
/// birth dates differ for every `j` below 12,000 (37 is prime to 12,000).
pub fn demo_volunteer(j: usize) -> anyhow::Result<SignupInput> {
    let birth = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?
        + Duration::days((j * 37 % 12_000) as i64);
    let id = cncodes::IdNumber::complete(&format!("320583{}{:03}", birth.format("%Y%m%d"), j % 1000))
        .map_err(|e| anyhow::anyhow!("demo id: {e}"))?;
    Ok(SignupInput {
        name: format!("演示志愿者{:04}", j + 1),
        id: IdDocument { id_type: "resident", number: id.as_str().to_string() },
        phone: format!("199{:08}", j),
        unit_id: None,
        skills: "社会工作".into(),
        availability: String::new(),
    })
}

/// Volunteers of the 2022 campaign, each on one of its shifts with a confirmed record, and a
/// certificate issued by the city to the first.
async fn volunteers_2022<C: ConnectionTrait>(
    c: &C,
    city: i64,
    campaign: i64,
    shifts: &[ShiftInput],
) -> anyhow::Result<()> {
    let vault = crate::platform::vault::vault()?;
    let types = store::service_types(c).await?;
    let mut first = None;
    for j in 0..VOLUNTEERS_2022 {
        let s = &shifts[j % shifts.len()];
        let input = demo_volunteer(j)?;
        let code = crate::volunteers::model::new_code()?;
        let nv = crate::volunteers::model::protect(&vault, s.unit_id, &input, &code)?;
        let (vid, _) = store::insert_volunteer(c, &nv).await?;
        store::add_signup(c, campaign, vid, s.unit_id, &input.skills, "").await?;
        let record = store::NewRecord {
            volunteer_id: vid,
            campaign_id: Some(campaign),
            assignment_id: None,
            unit_id: s.unit_id,
            service_date: s.slot.date,
            service_type_id: s.service_type_id.or_else(|| types.first().map(|t| t.id)).unwrap_or(1),
            minutes: s.slot.minutes(),
            person_times: 10 + (j % 7) as i32,
            source: "coordinator".into(),
            status: "confirmed".into(),
            content: s.role.clone(),
        };
        store::insert_record(c, &record, None).await?;
        first.get_or_insert((vid, nv, record));
    }
    if let Some((vid, nv, record)) = first {
        let lines = store::service_lines(c, vid, "/", record.service_date, record.service_date).await?;
        let issued_on = NaiveDate::from_ymd_opt(2022, 6, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
        let snapshot = store::Snapshot {
            name: nv.name.clone(),
            id_type: nv.id_type.clone(),
            id_masked: nv.id_masked.clone(),
            volunteer_no: store::volunteer_no(vid),
            minutes: lines.iter().map(|l| l.minutes).sum(),
            lines,
            issuer: "昆山市".into(),
            person_in_charge: "王局长（演示）".into(),
            handler: "李干事（演示）".into(),
            contact: "0512-57000000".into(),
            remarks: String::new(),
            period_from: NaiveDate::from_ymd_opt(2022, 3, 15).ok_or_else(|| anyhow::anyhow!("date"))?,
            period_to: NaiveDate::from_ymd_opt(2022, 5, 31).ok_or_else(|| anyhow::anyhow!("date"))?,
        };
        let cert = store::NewCertificate {
            number: "VC20220601DEMO0001".into(),
            check_code: crate::volunteers::model::new_code()?,
            volunteer_id: vid,
            unit_id: city,
            snapshot,
            issued_on,
        };
        store::insert_certificate(c, &cert, None).await?;
    }
    Ok(())
}
