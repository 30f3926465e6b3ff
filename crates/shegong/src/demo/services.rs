//! Demo purchased services, Kunshan 2022: the service-list guideline of 2022, and 35 projects
//! bought by the 11 district/town stations from 18 social-work agencies for exactly 13,000,000
//! yuan in total, with teams drawn from the talent register (all four roles, 100+ people),
//! milestones, payments, evaluations and one project that went through a corrective plan.
//! Everything is deterministic; the figures pages compute the review's numbers from these rows.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::platform::db::sql;
use crate::platform::money::Amount;
use crate::services::model::{
    judge, EvaluationInput, MemberInput, MilestoneInput, PaymentInput, ProjectInput, SignInput, CRITERIA,
};
use crate::services::store;

/// The 2022 guideline: (code, name, English name, items as (code, name, English name)).
type Item = (&'static str, &'static str, &'static str);
pub const GUIDELINE_2022: &[(&str, &str, &str, &[Item])] = &[
    (
        "A",
        "社会救助服务",
        "Social assistance",
        &[
            ("A1", "困难群众帮扶", "Support for families in hardship"),
            ("A2", "低保边缘家庭关爱", "Care for near-poor families"),
        ],
    ),
    (
        "B",
        "养老服务",
        "Elderly care",
        &[
            ("B1", "居家养老支持", "Home-based elderly support"),
            ("B2", "失能失智老人照护", "Care for disabled and demented elders"),
        ],
    ),
    (
        "C",
        "儿童关爱保护",
        "Child welfare and protection",
        &[
            ("C1", "困境儿童保护", "Protection of children in difficulty"),
            ("C2", "留守儿童关爱", "Care for left-behind children"),
        ],
    ),
    (
        "D",
        "残疾人服务",
        "Services for people with disabilities",
        &[("D1", "残疾人社区康复", "Community rehabilitation")],
    ),
    (
        "E",
        "社区治理",
        "Community governance",
        &[("E1", "社区协商议事", "Community deliberation"), ("E2", "社区营造与睦邻", "Community building")],
    ),
    (
        "F",
        "心理健康与应急服务",
        "Mental health and emergencies",
        &[
            ("F1", "心理疏导", "Psychological support"),
            ("F2", "突发公共卫生事件社会工作", "Social work in public-health emergencies"),
        ],
    ),
    (
        "G",
        "志愿服务与社会组织培育",
        "Volunteering and organisation development",
        &[("G1", "志愿者队伍培育", "Volunteer team development")],
    ),
];

/// Project themes by category item code.
const THEMES: &[(&str, &str)] = &[
    ("B1", "“颐养乐龄”居家养老支持服务项目"),
    ("C1", "“护苗成长”困境儿童关爱保护项目"),
    ("E1", "“邻里议事厅”社区协商能力建设项目"),
    ("A1", "“温暖同行”困难群众帮扶项目"),
    ("F1", "“心晴驿站”社区心理疏导服务项目"),
    ("B2", "“记忆守护”失智老人照护支持项目"),
    ("E2", "“睦邻家园”社区营造项目"),
    ("C2", "“童伴计划”留守儿童关爱项目"),
    ("D1", "“阳光助残”社区康复服务项目"),
    ("G1", "“志愿同行”志愿者队伍培育项目"),
    ("A2", "“微光守护”低保边缘家庭关爱项目"),
    ("F2", "“同心守护”疫情防控社会工作服务项目"),
];

pub const PROJECTS: usize = 35;
pub const AGENCIES: usize = 18;
pub const TOTAL_FEN: i64 = 13_000_000 * 100;

/// 2023: the stations bought 38 projects from 20 agencies for 14,200,000 yuan (demo figures,
/// plausibly different from 2022), every one closed within the year.
pub const PROJECTS_2023: usize = 38;
pub const AGENCIES_2023: usize = 20;
pub const TOTAL_FEN_2023: i64 = 14_200_000 * 100;
/// The distinct people on the 2023 teams (see [`team_roles`]): one supervisor per agency, and
/// per project a manager, one or two full-time workers and sometimes an assistant.
pub const STAFF_2023: usize = team_size(PROJECTS_2023, AGENCIES_2023);
/// The item the 2023 guideline adds (under B, elderly care) and the theme of its projects.
pub const NEW_ITEM_2023: (&str, &str, &str, &str) = ("B", "B3", "老年人助餐服务", "Meal services for elders");
const NEW_THEME_2023: (&str, &str) = ("B3", "“幸福食堂”老年助餐服务项目");

/// What a year of purchased services looks like.
struct ServiceYear {
    year: i32,
    agencies: usize,
    amounts: Vec<i64>,
    /// Projects `0..closing` close within the year; the rest wait for their final evaluation.
    closing: usize,
    /// The project that fails its mid-term evaluation and recovers with a corrective plan.
    failing: usize,
    themes: Vec<(&'static str, &'static str)>,
    /// Prefix of the titles ("" in 2022, "2023年度" after).
    title_prefix: &'static str,
}

/// The team of project `i` (the agency's supervisor is shared by its projects).
pub const fn team_roles(i: usize) -> (usize, usize) {
    // (full-time workers, assistants)
    (if i % 3 != 2 { 2 } else { 1 }, if i.is_multiple_of(2) { 1 } else { 0 })
}

/// The distinct people on the teams of `projects` projects run by `agencies` agencies (each
/// agency runs at least one).
pub const fn team_size(projects: usize, agencies: usize) -> usize {
    let mut n = if agencies < projects { agencies } else { projects };
    let mut i = 0;
    while i < projects {
        let (fulltime, assistants) = team_roles(i);
        n += 1 + fulltime + assistants;
        i += 1;
    }
    n
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    name: String,
}

#[derive(Debug, FromQueryResult)]
struct Worker {
    id: i64,
    unit_id: i64,
    name: String,
}

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("demo date {y}-{m}-{d}"))
}

/// The amount of project `i` in fen: between 250,000 and 500,000 yuan, the last one making the
/// total exactly 13,000,000 yuan.
pub fn amounts() -> Vec<i64> {
    amounts_for(PROJECTS, TOTAL_FEN, 37)
}

/// The 2023 amounts: 250,000 to 500,000 yuan each, exactly 14,200,000 yuan in total.
pub fn amounts_2023() -> Vec<i64> {
    amounts_for(PROJECTS_2023, TOTAL_FEN_2023, 17)
}

fn amounts_for(projects: usize, total: i64, stride: usize) -> Vec<i64> {
    let mut v: Vec<i64> = (0..projects - 1).map(|i| (250_000 + ((i * stride) % 11) as i64 * 25_000) * 100).collect();
    let rest = total - v.iter().sum::<i64>();
    v.push(rest);
    v
}

/// What the generator wrote.
#[derive(Debug, Default, serde::Serialize)]
pub struct ServicesReport {
    pub projects: usize,
    pub agencies: usize,
    pub amount_fen: i64,
    pub team_members: usize,
}

/// The 2022 year: the guideline, 35 projects of 18 agencies for 13,000,000 yuan.
pub async fn generate<C: ConnectionTrait>(c: &C) -> anyhow::Result<ServicesReport> {
    let y = ServiceYear {
        year: 2022,
        agencies: AGENCIES,
        amounts: amounts(),
        closing: 30,
        failing: 7,
        themes: THEMES.to_vec(),
        title_prefix: "",
    };
    let (report, agencies, towns) = generate_year(c, &y).await?;
    // The demo agency user works for the agency of 周市's first project.
    let zhoushi_agency = &agencies[towns.iter().position(|t| t.name.contains("周市")).unwrap_or(0) % AGENCIES];
    let b = c.get_database_backend();
    c.execute(sql(b, "UPDATE users SET organisation_id = ? WHERE username = 'agency'", vec![zhoushi_agency.id.into()]))
        .await?;
    Ok(report)
}

/// The 2023 year: the guideline with one more item, [`PROJECTS_2023`] projects of
/// [`AGENCIES_2023`] agencies for [`TOTAL_FEN_2023`], all closed in the year.
pub async fn generate_2023<C: ConnectionTrait>(c: &C) -> anyhow::Result<ServicesReport> {
    let mut themes = THEMES.to_vec();
    themes.push(NEW_THEME_2023);
    let y = ServiceYear {
        year: 2023,
        agencies: AGENCIES_2023,
        amounts: amounts_2023(),
        closing: PROJECTS_2023,
        failing: 12,
        themes,
        title_prefix: "2023年度",
    };
    Ok(generate_year(c, &y).await?.0)
}

async fn generate_year<C: ConnectionTrait>(
    c: &C,
    y: &ServiceYear,
) -> anyhow::Result<(ServicesReport, Vec<Row>, Vec<Row>)> {
    let b = c.get_database_backend();
    let year = y.year;
    // The guideline.
    let mut items = std::collections::HashMap::new();
    for (i, (code, name, en, list)) in GUIDELINE_2022.iter().enumerate() {
        let id = store::insert_category(c, year, None, code, name, en, "", (i as i32 + 1) * 10).await?;
        for (j, (icode, iname, ien)) in list.iter().enumerate() {
            let iid =
                store::insert_category(c, year, Some(id), icode, iname, ien, "", (i as i32 + 1) * 10 + j as i32 + 1)
                    .await?;
            items.insert(*icode, iid);
        }
        if year >= 2023 && *code == NEW_ITEM_2023.0 {
            let (_, icode, iname, ien) = NEW_ITEM_2023;
            let order = (i as i32 + 1) * 10 + list.len() as i32 + 1;
            items.insert(icode, store::insert_category(c, year, Some(id), icode, iname, ien, "", order).await?);
        }
    }
    // The 11 stations (district/town units) and 18 agencies.
    let towns = Row::find_by_statement(sql(
        b,
        "SELECT id, name FROM org_units WHERE depth = 1 ORDER BY sort_order, id",
        vec![],
    ))
    .all(c)
    .await?;
    let agencies = Row::find_by_statement(sql(
        b,
        "SELECT id, name FROM organisations WHERE is_agency = ? AND org_type = 'service_institution' AND status = 'normal' ORDER BY id",
        vec![true.into()],
    ))
    .all(c)
    .await?;
    if towns.len() != 11 || agencies.len() < y.agencies {
        anyhow::bail!(
            "demo services need 11 towns and {} agencies (found {} and {})",
            y.agencies,
            towns.len(),
            agencies.len()
        );
    }
    let mut agencies = agencies;
    agencies.truncate(y.agencies);
    let n_agencies = y.agencies;
    let workers = Worker::find_by_statement(sql(b, "SELECT id, unit_id, name FROM social_workers ORDER BY id", vec![]))
        .all(c)
        .await?;
    let mut used = vec![false; workers.len()];
    // 2022 staffs its teams from the start of the register, later years from its end (the
    // newest people first).
    let order: Vec<usize> =
        if year == 2022 { (0..workers.len()).collect() } else { (0..workers.len()).rev().collect() };
    let mut pick = |unit: i64| -> Option<(i64, String)> {
        let i = order
            .iter()
            .copied()
            .find(|&i| !used[i] && workers[i].unit_id == unit)
            .or_else(|| order.iter().copied().find(|&i| !used[i]))?;
        used[i] = true;
        Some((workers[i].id, workers[i].name.clone()))
    };
    // One supervisor per agency, shared by its projects.
    let mut supervisors: Vec<Option<(i64, String)>> = vec![None; n_agencies];
    let amounts = &y.amounts;
    let mut report = ServicesReport { agencies: n_agencies, ..ServicesReport::default() };
    let actor = "演示数据 / demo";
    for (i, amount_fen) in amounts.iter().copied().enumerate() {
        // 35 projects over 11 stations: 3 each, 4 for the first two.
        let town = &towns[if i < 33 { i % 11 } else { i - 33 }];
        let agency_ix = i % n_agencies;
        let agency = &agencies[agency_ix];
        let (item, theme) = y.themes[(i * 5) % y.themes.len()];
        let category_id = *items.get(item).ok_or_else(|| anyhow::anyhow!("demo item {item}"))?;
        let short = town.name.trim_end_matches("镇").trim_start_matches("昆山");
        let title = format!("{}{short}{theme}", y.title_prefix);
        let signed = date(year, 2 + (i % 2) as u32, 1 + (i * 3 % 27) as u32)?;
        let ends = date(year, 12, 31)?;
        let input = ProjectInput {
            unit_id: town.id,
            year,
            title,
            category_id,
            amount_fen: Amount::from_fen(amount_fen)?,
            starts_on: signed,
            ends_on: ends,
            description: String::new(),
        };
        let id = store::insert_project(c, &input, "initiated", None).await?;
        let initiated = signed - chrono::Duration::days(40);
        store::insert_transition(c, id, None, "initiated", "", None, actor, initiated).await?;
        step(c, id, "initiated", "procurement", 1).await?;
        store::insert_transition(
            c,
            id,
            Some("initiated"),
            "procurement",
            "",
            None,
            actor,
            initiated + chrono::Duration::days(10),
        )
        .await?;
        let contract_no = format!("KSMZ-GM-{year}-{:03}", i + 1);
        let s = SignInput {
            agency_id: agency.id,
            contract_no: contract_no.clone(),
            amount_fen: Amount::from_fen(amount_fen)?,
            signed_on: signed,
        };
        if !store::sign(c, id, &s, 2).await? {
            anyhow::bail!("demo project {id}: signing refused");
        }
        store::insert_transition(c, id, Some("procurement"), "contracted", &contract_no, None, actor, signed).await?;
        // Team: the agency's supervisor, a manager, one or two full-time workers, sometimes an assistant.
        if supervisors[agency_ix].is_none() {
            supervisors[agency_ix] = pick(town.id);
        }
        let mut team: Vec<(&str, Option<(i64, String)>)> = vec![("supervisor", supervisors[agency_ix].clone())];
        team.push(("manager", pick(town.id)));
        let (fulltime, assistants) = team_roles(i);
        for _ in 0..fulltime {
            team.push(("fulltime", pick(town.id)));
        }
        for _ in 0..assistants {
            team.push(("assistant", pick(town.id)));
        }
        for (role, who) in team {
            let Some((wid, name)) = who else { continue };
            let m = MemberInput { worker_id: Some(wid), name, role: role.into(), from_on: signed };
            store::insert_member(c, id, &m).await?;
            report.team_members += 1;
        }
        // Milestones.
        for (k, (t, m)) in
            [("需求调研与服务方案", 4u32), ("中期服务成效报告", 7), ("结项总结报告", 12)].iter().enumerate()
        {
            let ms = MilestoneInput { title: (*t).to_string(), due_on: date(year, *m, 15)? };
            let mid = store::insert_milestone(c, id, &ms).await?;
            let done = date(year, *m, if (i + k) % 9 == 0 { 20 } else { 12 })?;
            if *m < 12 || i < y.closing {
                store::complete_milestone(c, id, mid, done, "").await?;
            }
        }
        // Execution, the first instalment (40 %).
        step(c, id, "contracted", "executing", 3).await?;
        store::insert_transition(
            c,
            id,
            Some("contracted"),
            "executing",
            "",
            None,
            actor,
            signed + chrono::Duration::days(5),
        )
        .await?;
        let first = amount_fen * 40 / 100;
        let pay = |kind: &str, on: NaiveDate, fen: i64, n: usize| -> anyhow::Result<PaymentInput> {
            Ok(PaymentInput {
                kind: kind.into(),
                paid_on: on,
                amount_fen: Amount::from_fen(fen)?,
                voucher_ref: format!("KSCZ-{year}-{:03}-{n}", i + 1),
                note: String::new(),
            })
        };
        store::insert_payment(c, id, &pay("instalment", signed + chrono::Duration::days(10), first, 1)?, None).await?;
        // Mid-term evaluation in July; project 7 fails it and recovers with a corrective plan.
        step(c, id, "executing", "midterm", 4).await?;
        store::insert_transition(c, id, Some("executing"), "midterm", "", None, actor, date(year, 7, 1)?).await?;
        let fails = i == y.failing;
        let mid_scores = scores(i, fails);
        let mid_eval = evaluation("midterm", date(year, 7, 20)?, &mid_scores);
        let mid_id = store::insert_evaluation(c, id, &mid_eval, None).await?;
        if fails {
            store::set_hold(c, id, true).await?;
            let plan_id = store::insert_plan(
                c,
                id,
                mid_id,
                "补充专职社工1名，每月向社工站报送服务台账，8月底前完成入户回访全覆盖。",
                None,
            )
            .await?;
            c.execute(sql(
                b,
                "UPDATE corrective_plans SET approved_at = submitted_at WHERE id = ?",
                vec![plan_id.into()],
            ))
            .await?;
            store::set_hold(c, id, false).await?;
            let again = evaluation("midterm", date(year, 9, 5)?, &scores(i + 1, false));
            store::insert_evaluation(c, id, &again, None).await?;
        }
        store::insert_payment(c, id, &pay("instalment", date(year, 9, 15)?, amount_fen * 30 / 100, 2)?, None).await?;
        let version = if fails { 7 } else { 5 };
        step(c, id, "midterm", "final_review", version).await?;
        store::insert_transition(c, id, Some("midterm"), "final_review", "", None, actor, date(year, 12, 1)?).await?;
        // In 2022, 30 projects close in December; 5 wait for their final evaluation.
        if i < y.closing {
            let fin = evaluation("final", date(year, 12, 10 + (i % 8) as u32)?, &scores(i + 2, false));
            store::insert_evaluation(c, id, &fin, None).await?;
            let rest = amount_fen - first - amount_fen * 30 / 100;
            store::insert_payment(c, id, &pay("final", date(year, 12, 20)?, rest, 3)?, None).await?;
            step(c, id, "final_review", "closed", version + 1).await?;
            let closed = date(year, 12, if i % 10 == 9 { 31 } else { 26 })?;
            store::insert_transition(c, id, Some("final_review"), "closed", "", None, actor, closed).await?;
        }
        report.projects += 1;
        report.amount_fen += amount_fen;
    }
    Ok((report, agencies, towns))
}

/// One workflow step; the demo fails loudly if the version bookkeeping is wrong.
async fn step<C: ConnectionTrait>(c: &C, id: i64, from: &str, to: &str, version: i32) -> anyhow::Result<()> {
    if !store::set_status(c, id, from, to, version).await? {
        anyhow::bail!("demo project {id}: {from} → {to} at version {version} refused");
    }
    Ok(())
}

/// Deterministic criterion scores; `fail` gives a total below the pass line.
fn scores(seed: usize, fail: bool) -> Vec<(String, i32, i32)> {
    CRITERIA
        .iter()
        .enumerate()
        .map(|(k, (name, max))| {
            let pct = if fail { 45 + ((seed + k) % 10) as i32 } else { 78 + ((seed * 7 + k * 3) % 20) as i32 };
            ((*name).to_string(), (max * pct / 100).min(*max), *max)
        })
        .collect()
}

fn evaluation(kind: &str, on: NaiveDate, scores: &[(String, i32, i32)]) -> EvaluationInput {
    let (score, max_score, passed) = judge(scores);
    EvaluationInput {
        kind: kind.into(),
        evaluated_on: on,
        evaluator: "昆山市社会组织评估中心（第三方）".into(),
        scores: scores.to_vec(),
        score,
        max_score,
        passed,
        comments: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_amounts_add_up_to_the_review() {
        let a = amounts();
        assert_eq!(a.len(), PROJECTS);
        assert_eq!(a.iter().sum::<i64>(), TOTAL_FEN);
        assert!(a.iter().all(|f| *f > 0 && f % 100 == 0), "whole yuan, all positive");
        assert!(!judge(&scores(7, true)).2, "the failing mid-term fails");
        assert!((0..40).all(|s| judge(&scores(s, false)).2), "the others pass");
        let a = amounts_2023();
        assert_eq!(a.len(), PROJECTS_2023);
        assert_eq!(a.iter().sum::<i64>(), TOTAL_FEN_2023);
        assert!(a.iter().all(|f| (25_000_000..=50_000_000).contains(f)), "{a:?}");
        assert!(!judge(&scores(12, true)).2);
    }

    #[test]
    fn team_sizes() {
        // 2022: 18 supervisors, 35 managers, 59 full-time workers, 18 assistants.
        assert_eq!(team_size(PROJECTS, AGENCIES), 18 + 35 + 59 + 18);
        assert_eq!(STAFF_2023, 20 + 38 + 64 + 19);
    }
}
