//! The demo data set: Kunshan 2022, and a second year, 2023 (`year_2023`), for the year-on-year
//! change. Part 1 writes the org-unit tree (the city, its 11 district/town units and their
//! communities and villages), the predefined roles and one demo user per role. Later domains add
//! their slices here; the 2023 year is written last, so that 2022 stays exactly as it was.

pub mod events;
pub mod hotline;
pub mod hotline_roster;
pub mod kunshan;
pub mod orgs;
pub mod orgs_2023;
mod orgs_load;
pub mod photos;
pub mod plan;
pub mod review;
pub mod rng;
pub mod services;
pub mod stations;
pub mod volunteer_year;
pub mod volunteers;
pub mod volunteers_2022;
pub mod volunteers_2023;
pub mod volunteers_scale;
pub mod workers;
pub mod year_2023;

use sea_orm::DbErr;

use crate::platform::access::{DEMO_USERS, ROLES};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::config::SecurityConfig;
use crate::platform::db::Db;
use crate::platform::passwords::hash_password;
use crate::units::model::{child_path, UnitCode, UnitInput, UnitKind};
use crate::units::store as units;
use crate::users::model::UserInput;
use crate::users::store as users;

/// The talent development fund as set up in 2022, in fen (2,000,000 yuan).
pub const FUND_2022_FEN: i64 = 2_000_000 * 100;

/// The hotline's people the 2023 year reuses: counsellors (account, unit), the supervisor, towns.
type HotlinePeople2023 = (Vec<(i64, i64)>, i64, Vec<i64>);

/// What the generator wrote.
#[derive(Debug, Default, serde::Serialize)]
pub struct DemoReport {
    pub units: usize,
    pub roles: usize,
    pub users: usize,
    pub events: usize,
    pub documents: usize,
    pub honours: usize,
    pub photos: usize,
    pub organisations: usize,
    pub party_orgs: usize,
    pub instructors: usize,
    pub plan_participants: usize,
    pub plan_activities: usize,
    pub social_workers: usize,
    pub exam_passes_2022: usize,
    pub award_winners_2022: usize,
    pub service_projects: usize,
    pub service_agencies: usize,
    pub service_amount_fen: i64,
    pub service_team_members: usize,
    pub stations: usize,
    pub station_staff: usize,
    /// Party branches created for stations (not counted in `party_orgs`, which are the registry's).
    pub station_party_orgs: usize,
    pub volunteer_campaigns: usize,
    pub volunteer_shifts: usize,
    pub hotline_calls: usize,
    pub hotline_counsellors: usize,
    pub hotline_shifts: usize,
    pub hotline_cases: usize,
    pub hotline_calls_2022: usize,
    pub hotline_escalations_2022: usize,
    pub year_2023: year_2023::Report2023,
}

/// Creates the predefined roles (if missing). Run by `init` and by the demo generator.
pub async fn ensure_roles(db: &Db) -> anyhow::Result<usize> {
    let tx = db.write().await?;
    let n = users::ensure_builtin_roles(&*tx, ROLES).await?;
    if n > 0 {
        audit::record(
            &*tx,
            &Actor::system("init"),
            Event::new("create", "role", "builtin").after(&serde_json::json!({"created": n})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// A unit to create: code, name, English name, kind, division code.
type UnitSpec<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

async fn add_unit<C: sea_orm::ConnectionTrait>(
    c: &C,
    parent: Option<(i64, &str, i32)>,
    (code, name, name_en, kind, division): UnitSpec<'_>,
    order: i32,
) -> Result<(i64, String, i32), DbErr> {
    let code = UnitCode::parse(code).map_err(|k| DbErr::Custom(format!("demo unit code {code}: {k}")))?;
    let path = child_path(parent.map(|p| p.1), &code);
    let depth = parent.map(|p| p.2 + 1).unwrap_or(0);
    let input = UnitInput {
        parent_id: parent.map(|p| p.0),
        code,
        name: name.to_string(),
        name_en: name_en.to_string(),
        kind: UnitKind::parse(kind).ok_or_else(|| DbErr::Custom(format!("demo unit kind {kind}")))?,
        division_code: (!division.is_empty()).then(|| division.to_string()),
        sort_order: order,
    };
    let id = units::insert(c, &input, &path, depth).await?;
    Ok((id, path, depth))
}

/// Writes the demo data into an empty database (and the demo's photo under `data_dir`).
/// `password` is given to every demo user.
pub async fn generate(
    db: &Db,
    sec: &SecurityConfig,
    data_dir: &str,
    password: &str,
    scale: u32,
) -> anyhow::Result<DemoReport> {
    if !db.is_empty().await? {
        anyhow::bail!("数据库非空，演示数据只写入空库 / the database is not empty; demo data is only written to an empty database");
    }
    let mut report = DemoReport { roles: ensure_roles(db).await?, ..DemoReport::default() };
    let hash = hash_password(sec, password)?;
    let tx = db.write().await?;
    let (cid, cpath, cdepth) =
        add_unit(&*tx, None, (kunshan::CITY.0, kunshan::CITY.1, kunshan::CITY.2, "city", kunshan::CITY.0), 0).await?;
    report.units += 1;
    let mut zhoushi = None;
    let mut first_community_of_zhoushi = None;
    for (i, town) in kunshan::TOWNS.iter().enumerate() {
        let (tid, tpath, tdepth) = add_unit(
            &*tx,
            Some((cid, &cpath, cdepth)),
            (town.code, town.name, town.name_en, town.kind, town.division_code),
            i as i32 + 1,
        )
        .await?;
        report.units += 1;
        if town.code == "zhoushi" {
            zhoushi = Some(tid);
        }
        for (j, (code, name, kind)) in town.communities.iter().enumerate() {
            let (id, _, _) =
                add_unit(&*tx, Some((tid, &tpath, tdepth)), (code, name, "", kind, ""), j as i32 + 1).await?;
            report.units += 1;
            if town.code == "zhoushi" && first_community_of_zhoushi.is_none() {
                first_community_of_zhoushi = Some(id);
            }
        }
    }
    let zhoushi = zhoushi.ok_or_else(|| anyhow::anyhow!("demo tree lacks 周市"))?;
    let mut hotline_users: Vec<(i64, i64)> = Vec::new();
    let (mut hotline_counsellor, mut hotline_supervisor) = (None, None);
    for (username, role) in DEMO_USERS {
        let unit_id = match *role {
            "station" => zhoushi,
            "worker" => first_community_of_zhoushi.unwrap_or(zhoushi),
            _ => cid,
        };
        let input = UserInput {
            username: username.to_string(),
            display_name: demo_name(username),
            unit_id,
            phone: None,
            email: None,
            // The demo agency user's organisation is set once the organisations exist (services).
            organisation_id: None,
        };
        let uid = users::insert(&*tx, &input, &hash, false).await?;
        let rid = users::role_id_by_code(&*tx, role).await?.ok_or_else(|| anyhow::anyhow!("role {role} missing"))?;
        users::set_user_roles(&*tx, uid, &[rid]).await?;
        if matches!(*role, "counsellor" | "supervisor") {
            hotline_users.push((uid, unit_id));
        }
        match *role {
            "counsellor" => hotline_counsellor = Some((uid, unit_id)),
            "supervisor" => hotline_supervisor = Some((uid, unit_id)),
            _ => {}
        }
        report.users += 1;
    }
    let (organisations, party_orgs, instructors) = orgs_load::load(&*tx, scale.max(1)).await?;
    report.organisations = organisations;
    report.party_orgs = party_orgs;
    report.instructors = instructors;
    let (plan_participants, plan_activities) = plan::generate(&*tx, cid, scale.max(1)).await?;
    report.plan_participants = plan_participants;
    report.plan_activities = plan_activities;
    let (events, documents, honours) = events::generate(&*tx, 2022).await?;
    report.photos = photos::generate(&*tx, data_dir).await?;
    // The talent development fund, set up jointly at the 2022 ceremony with 2,000,000 yuan.
    let fund = crate::talent::model::EntryInput {
        kind: "contribution".into(),
        entry_on: chrono::NaiveDate::from_ymd_opt(2022, 3, 18).ok_or_else(|| anyhow::anyhow!("date"))?,
        amount_fen: crate::platform::money::Amount::from_fen(FUND_2022_FEN)?,
        counterparty: "市民政局、市慈善总会".into(),
        purpose: "设立昆山市社会工作人才发展专项基金".into(),
        approval_ref: String::new(),
    };
    crate::talent::store::insert(&*tx, cid, &fund, None).await?;
    let (social_workers, exam_passes_2022) = workers::generate(&*tx, scale.max(1)).await?;
    report.social_workers = social_workers;
    report.exam_passes_2022 = exam_passes_2022;
    report.award_winners_2022 = workers::selections(&*tx, cid).await?;
    let services = services::generate(&*tx).await?;
    report.service_projects = services.projects;
    report.service_agencies = services.agencies;
    report.service_amount_fen = services.amount_fen;
    report.service_team_members = services.team_members;
    let (stations, station_staff, station_party_orgs) = stations::generate(&*tx).await?;
    report.stations = stations;
    report.station_staff = station_staff;
    report.station_party_orgs = station_party_orgs;
    let (campaigns, shifts) = volunteers::generate(&*tx, cid, crate::platform::time::today()).await?;
    let communities: Vec<i64> = units::options(&*tx, &crate::platform::access::Scope::all())
        .await?
        .into_iter()
        .filter(|u| u.depth == 2)
        .map(|u| u.id)
        .collect();
    let mut hotline_2023: Option<HotlinePeople2023> = None;
    report.volunteer_campaigns = campaigns;
    report.volunteer_shifts = shifts;
    report.hotline_calls = hotline::generate(&*tx, &hotline_users, chrono::Utc::now(), 24).await?;
    if let (Some(counsellor), Some(supervisor)) = (hotline_counsellor, hotline_supervisor) {
        // The roster (40 counsellors, 4 supervisors, the 2022 rota), then their 2022 year of
        // calls and escalations, then the year's cases opened from its follow-up calls.
        let roster = hotline_roster::roster(&*tx, cid, counsellor, supervisor, &hash, 2022).await?;
        report.hotline_counsellors = roster.counsellors.len();
        report.hotline_shifts = roster.shifts;
        let towns: Vec<i64> = units::options(&*tx, &crate::platform::access::Scope::all())
            .await?
            .into_iter()
            .filter(|u| u.depth == 1)
            .map(|u| u.id)
            .collect();
        let year = hotline::generate_2022(&*tx, &roster.counsellors, supervisor.0, &towns).await?;
        report.hotline_calls_2022 = year.calls;
        report.hotline_escalations_2022 = year.escalations;
        // The rota of the present: the demo supervisor on duty from yesterday for 90 days.
        let today = crate::platform::time::today();
        report.hotline_shifts +=
            hotline_roster::present_rota(&*tx, cid, &roster, today - chrono::Duration::days(1), 90).await?;
        report.hotline_cases =
            hotline_roster::cases(&*tx, supervisor.0, crate::platform::time::today(), hotline::CASES_2022).await?;
        hotline_2023 = Some((roster.counsellors, supervisor.0, towns));
    }
    // The second year, after everything of 2022.
    let people = hotline_2023.as_ref().map(|(counsellors, supervisor, towns)| year_2023::HotlinePeople {
        counsellors,
        supervisor: *supervisor,
        towns,
    });
    report.year_2023 = year_2023::generate(&*tx, cid, scale.max(1), &communities, people).await?;
    // The 2022 reviews (drafts from the built-in template).
    review::generate(&*tx).await?;
    report.events = events;
    report.documents = documents;
    report.honours = honours;
    audit::record(&*tx, &Actor::system("demo"), Event::new("demo_generate", "database", "").after(&report)).await?;
    tx.commit().await?;
    db.refresh_statistics().await?;
    Ok(report)
}

fn demo_name(username: &str) -> String {
    match username {
        "admin" => "系统管理员（演示）",
        "security" => "安全管理员（演示）",
        "auditor" => "审计管理员（演示）",
        "bureau" => "民政局王科长（演示）",
        "party" => "党委李干事（演示）",
        "station" => "周市镇社工站张站长（演示）",
        "agency" => "社工机构赵主管（演示）",
        "worker" => "社工陈晓（演示）",
        "counsellor" => "热线咨询员刘敏（演示）",
        "supervisor" => "热线督导孙老师（演示）",
        "hotline" => "热线管理员周老师（演示）",
        "leader" => "局领导（演示）",
        other => other,
    }
    .to_string()
}
