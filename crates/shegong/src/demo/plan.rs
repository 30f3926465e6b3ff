//! The 2022 action plan 先锋引领2.0 (五争五引领): its five domains and five modes, the Party
//! organisations taking part (those flagged in the generated register), and activities spread
//! over the domain × mode table. Activity titles and counts are demo data.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::demo::rng::Rng;
use crate::party::model::{ActivityInput, PlanInput};
use crate::party::store;
use crate::platform::db::sql;

pub const DOMAINS: [&str; 5] = ["社会治理", "公益活动", "红色赋能", "乐活乐群", "敬业创业"];
pub const MODES: [&str; 5] = ["联学", "联办", "联建", "联享", "联动"];

const TOPICS: [[&str; 5]; 5] = [
    ["基层治理专题联学", "社区议事协商联办", "网格治理共建", "治理经验共享会", "平安社区联防"],
    ["公益项目联学交流", "爱心义卖联办", "公益阵地共建", "公益资源共享日", "志愿服务联动"],
    ["党史学习联学", "主题党日联办", "红色阵地共建", "红色资源共享", "红色宣讲联动"],
    ["文体骨干联学", "邻里节联办", "乐龄家园共建", "文化活动共享", "全民健身联动"],
    ["行业标准联学", "招聘对接会联办", "人才驿站共建", "创业资源共享", "助企服务联动"],
];

#[derive(FromQueryResult)]
struct PartyOrg {
    id: i64,
    unit_id: i64,
    name: String,
}

/// Creates the plan and its activities; returns (participants, activities).
pub async fn generate<C: ConnectionTrait>(c: &C, city: i64, scale: u32) -> anyhow::Result<(usize, usize)> {
    let input = PlanInput {
        title: "先锋引领2.0行动计划（五争五引领）".into(),
        year: 2022,
        description: "汇集全市百余家社会组织党组织优质资源，通过联学、联办、联建、联享、联动，在五大领域发挥积极作用。"
            .into(),
        domains: DOMAINS.iter().map(|s| s.to_string()).collect(),
        modes: MODES.iter().map(|s| s.to_string()).collect(),
    };
    let plan = store::insert_plan(c, city, &input, None).await?;
    let b = c.get_database_backend();
    let party = PartyOrg::find_by_statement(sql(
        b,
        "SELECT id, unit_id, name FROM party_orgs WHERE in_action_plan = ? ORDER BY id",
        vec![true.into()],
    ))
    .all(c)
    .await?;
    let ids: Vec<i64> = party.iter().map(|p| p.id).collect();
    store::add_participants(c, plan, &ids).await?;
    let domains = store::domains(c, plan).await?;
    let modes = store::modes(c, plan).await?;
    let mut rng = Rng::seeded(2022);
    let n = 150 * scale.max(1) as usize;
    for i in 0..n {
        if party.is_empty() {
            break;
        }
        let d = rng.below(5);
        // 联学 and 联动 are the most common modes; 敬业创业 the least common domain.
        let m = [0, 0, 1, 2, 3, 4, 4][rng.below(7)];
        let d = if d == 4 && rng.below(2) == 0 { rng.below(4) } else { d };
        let lead = &party[rng.below(party.len())];
        let mut orgs = vec![lead.id];
        for _ in 0..(1 + rng.below(3)) {
            let o = party[rng.below(party.len())].id;
            if !orgs.contains(&o) {
                orgs.push(o);
            }
        }
        let day = NaiveDate::from_ymd_opt(2022, 4, 20)
            .and_then(|s| s.checked_add_days(chrono::Days::new(rng.below(250) as u64)))
            .unwrap_or_default();
        let a = ActivityInput {
            title: format!("{}（第{}期）", TOPICS[d][m], i / 25 + 1),
            held_on: day,
            domain_id: domains[d].id,
            mode_id: modes[m].id,
            organisers: lead.name.clone(),
            participants: 20 + rng.below(180) as i32,
            summary: String::new(),
            unit_id: lead.unit_id,
        };
        store::insert_activity(c, plan, &a, &orgs, None).await?;
    }
    Ok((ids.len(), n))
}
