//! The hotline's demo calls. For now a fortnight of recent calls answered by the demo counsellor
//! and supervisor, so that the call log has something to show and the access tests have calls
//! on both sides; the Kunshan 2022 year (40 counsellors, exactly 8,832 calls, 211 cases) comes
//! with the figures (issue 14, step 8). All text is plainly synthetic.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::demo::rng::Rng;
use crate::hotline::model::{assess, Assessment, CallInput, AGE_BANDS, GENDERS};

const SUMMARIES: &[&str] = &[
    "（演示数据）来电者反映近期工作压力大、睡眠不好，咨询员进行情绪疏导。",
    "（演示数据）来电者询问困难家庭临时救助的申请条件，咨询员告知办理渠道。",
    "（演示数据）来电者因家庭矛盾情绪低落，咨询员倾听并建议家庭沟通。",
    "（演示数据）来电者咨询心理咨询服务的预约方式。",
    "（演示数据）来电者表达无望感，咨询员评估风险并约定回访。",
];

/// Writes `n` recent calls for `users` (counsellor and supervisor ids with their unit); returns
/// how many.
pub async fn generate<C: ConnectionTrait>(
    c: &C,
    users: &[(i64, i64)],
    now: DateTime<Utc>,
    n: usize,
) -> Result<usize, DbErr> {
    if users.is_empty() {
        return Ok(0);
    }
    let categories = crate::hotline::store::categories(c).await?;
    let by_code = |code: &str| categories.iter().find(|k| k.code == code).map(|k| k.id);
    let mut rng = Rng::seeded(14);
    for i in 0..n {
        let (user, unit) = users[i % users.len()];
        let started = now - Duration::minutes(rng.range(60, 14 * 24 * 60));
        let ended = started + Duration::seconds(rng.range(120, 40 * 60));
        let kind = rng.weighted(&[50, 25, 5, 15, 5]);
        let code = ["counselling", "charity", "crisis", "enquiry", "other"][kind];
        let assessment = match (code, rng.below(4)) {
            ("crisis", 0) => {
                Assessment { ideation: "active", plan: "vague", timeframe: "week", ..Assessment::default() }
            }
            ("crisis", _) | ("counselling", 0) => Assessment { ideation: "passive", ..Assessment::default() },
            _ => Assessment::default(),
        };
        let risk = assess(&assessment);
        let input = CallInput {
            started_at: started,
            ended_at: ended,
            channel: ["transfer", "transfer", "direct", "callback"][rng.below(4)],
            category_id: by_code(code).or_else(|| categories.first().map(|k| k.id)).unwrap_or(1),
            anonymous: rng.chance(3, 4),
            age_band: if rng.chance(1, 3) { "" } else { rng.pick(&AGE_BANDS) },
            gender: if rng.chance(1, 4) { "" } else { rng.pick(&GENDERS) },
            district_id: None,
            summary: SUMMARIES[if code == "crisis" { 4 } else { kind.min(3) }].to_string(),
            assessment,
            risk_computed: risk,
            risk_level: risk,
            risk_note: String::new(),
            outcome: if risk.escalates() { "escalated" } else { ["resolved", "info", "referred"][rng.below(3)] },
            follow_up: risk.escalates() || rng.chance(1, 10),
        };
        crate::hotline::store::insert_call(c, &input, unit, user, user).await?;
    }
    Ok(n)
}
