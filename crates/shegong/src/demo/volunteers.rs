//! Volunteer campaigns of the demo: the 同心战"疫" recruitment of spring 2022 (社会组织疫情防控
//! 志愿者征集) across 71 communities, closed, and a campaign recruiting now in 周市 and the
//! development zone with shifts in the coming days (so that the public pages have something to
//! show). The 2022 volunteers, shifts and records are written by `demo::volunteers_2022`.

use chrono::{Duration, NaiveDate};
use sea_orm::ConnectionTrait;

use crate::platform::access::Scope;
use crate::volunteers::model::{CampaignInput, IdDocument, ShiftInput, SignupInput, Slot, Welfare};
use crate::volunteers::store;

pub use crate::demo::volunteers_2022::{COMMUNITIES_2022, PERSON_TIMES_2022, VOLUNTEERS_2022};

/// Writes the campaigns and their shifts; returns (campaigns, shifts).
pub async fn generate<C: ConnectionTrait>(c: &C, city: i64, today: NaiveDate) -> anyhow::Result<(usize, usize)> {
    let units = crate::units::options(c, &Scope::all()).await?;
    let communities: Vec<&crate::units::UnitOption> = units.iter().filter(|u| u.depth == 2).collect();
    if communities.len() < COMMUNITIES_2022 {
        anyhow::bail!("the demo tree has fewer than {COMMUNITIES_2022} communities");
    }
    let welfare = Welfare { max_minutes_per_day: 8 * 60, max_consecutive_days: 6, min_rest_minutes: 60 };
    let types = store::service_types(c).await?;
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
    let written = crate::demo::volunteers_2022::generate(c, k1, &spring).await?;
    let mut shifts = written.shifts;
    certify_first(c, city, written.first).await?;
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

/// A certificate issued by the city to the first volunteer of 2022 for their service.
async fn certify_first<C: ConnectionTrait>(
    c: &C,
    city: i64,
    first: Option<(i64, store::NewVolunteer, store::NewRecord)>,
) -> anyhow::Result<()> {
    if let Some((vid, nv, _)) = first {
        let (from, to) = crate::demo::volunteers_2022::campaign_days()?;
        let lines = store::service_lines(c, vid, "/", from, to).await?;
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
            period_from: from,
            period_to: to,
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
