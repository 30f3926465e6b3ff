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

/// The calls the hotline answered in Kunshan in 2022 (《昆山市2022年社会工作发展报告》:
/// "接听热线8832个"). `/api/v1/hotline/figures?year=2022` gives exactly this many.
pub const CALLS_2022: usize = 8_832;
/// The cases opened in 2022 ("给予个案帮扶211个").
/// TODO(issue 14 step 5, lead): the case tables are not on this branch; the demo writes no
/// cases yet, and the figures' `cases` stays null until they exist.
pub const CASES_2022: usize = 211;
/// The "星光社工" volunteer counsellors who answered them.
pub const COUNSELLORS_2022: usize = 40;

/// Relative call volume of each month of 2022: the spring wave (Kunshan's lockdowns from
/// mid-February to May) is heavier, and the December wave after the reopening.
const MONTH_WEIGHTS: [u32; 12] = [5, 8, 12, 16, 12, 8, 7, 7, 6, 6, 6, 9];
/// Relative call volume of each hour of the day (China time): quiet before dawn, busy mornings,
/// afternoons and evenings.
const HOUR_WEIGHTS: [u32; 24] = [3, 2, 1, 1, 1, 1, 2, 4, 7, 10, 11, 10, 8, 9, 10, 10, 9, 8, 9, 10, 11, 10, 8, 5];

/// The calls answered in 2023 (demo figure: more than 2022, over a calmer year).
pub const CALLS_2023: usize = 9_416;
/// The cases opened from the 2023 calls.
pub const CASES_2023: usize = 232;
/// 2023's relative call volume by month: the January wave after the reopening, then an even year.
const MONTH_WEIGHTS_2023: [u32; 12] = [13, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 10];

/// What a year of calls wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Year2022 {
    pub calls: usize,
    pub escalations: usize,
}

/// A year of calls: how many, their spread over the months, the generator's seed.
struct CallYear {
    year: i32,
    calls: usize,
    months: [u32; 12],
    seed: u64,
}

/// Writes the 2022 year: exactly [`CALLS_2022`] calls answered by `counsellors` (user, unit),
/// spread over the year and the day, and an acknowledged escalation (by `supervisor`) for every
/// call at risk high or imminent, some with a call to 120 or 110. All text is plainly synthetic.
pub async fn generate_2022<C: ConnectionTrait>(
    c: &C,
    counsellors: &[(i64, i64)],
    supervisor: i64,
    towns: &[i64],
) -> Result<Year2022, DbErr> {
    let y = CallYear { year: 2022, calls: CALLS_2022, months: MONTH_WEIGHTS, seed: 202_214 };
    generate_year(c, &y, counsellors, supervisor, towns).await
}

/// The 2023 year: exactly [`CALLS_2023`] calls by the same roster, with their escalations.
pub async fn generate_2023<C: ConnectionTrait>(
    c: &C,
    counsellors: &[(i64, i64)],
    supervisor: i64,
    towns: &[i64],
) -> Result<Year2022, DbErr> {
    let y = CallYear { year: 2023, calls: CALLS_2023, months: MONTH_WEIGHTS_2023, seed: 202_314 };
    generate_year(c, &y, counsellors, supervisor, towns).await
}

async fn generate_year<C: ConnectionTrait>(
    c: &C,
    y: &CallYear,
    counsellors: &[(i64, i64)],
    supervisor: i64,
    towns: &[i64],
) -> Result<Year2022, DbErr> {
    use crate::hotline::store::bulk::{self, BulkCall, DoneEscalation};
    if counsellors.is_empty() {
        return Ok(Year2022::default());
    }
    let categories = crate::hotline::store::categories(c).await?;
    let by_code = |code: &str| categories.iter().find(|k| k.code == code).map(|k| k.id);
    let mut rng = Rng::seeded(y.seed);
    let first = chrono::NaiveDate::from_ymd_opt(y.year, 1, 1).ok_or_else(|| DbErr::Custom("date".into()))?;
    let next = chrono::NaiveDate::from_ymd_opt(y.year + 1, 1, 1).ok_or_else(|| DbErr::Custom("date".into()))?;
    let days: Vec<chrono::NaiveDate> = (0..(next - first).num_days()).map(|d| first + Duration::days(d)).collect();
    let day_weights: Vec<u32> = days
        .iter()
        .map(|d| {
            use chrono::Datelike;
            y.months[d.month0() as usize] * 10 + if d.weekday().number_from_monday() >= 6 { 1 } else { 2 }
        })
        .collect();
    // Some counsellors take more shifts than others.
    let load: Vec<u32> = (0..counsellors.len()).map(|_| rng.range(4, 12) as u32).collect();
    // The synthetic summaries are a handful of texts: each is sealed once and its cipher shared
    // by the calls that carry it (in a debug build a seal costs ~0.4 ms, which over 8,832 calls
    // would add seconds to every test's database; a real summary is always sealed on its own).
    let sealed: Vec<String> = SUMMARIES
        .iter()
        .map(|s| crate::hotline::store::seal(crate::hotline::store::SUMMARY, s))
        .collect::<Result<_, _>>()?;
    let mut calls = Vec::with_capacity(y.calls);
    for _ in 0..y.calls {
        let day = days[rng.weighted(&day_weights)];
        let hour = rng.weighted(&HOUR_WEIGHTS) as u32;
        let local = day.and_hms_opt(hour, rng.below(60) as u32, rng.below(60) as u32).unwrap_or_default();
        let started = (local - Duration::hours(8)).and_utc();
        let kind = rng.weighted(&[46, 24, 6, 19, 5]);
        let code = ["counselling", "charity", "crisis", "enquiry", "other"][kind];
        let assessment = match (code, rng.below(12)) {
            ("crisis", 0) => Assessment {
                ideation: "active",
                plan: "specific",
                means: true,
                timeframe: "72h",
                ..Assessment::default()
            },
            ("crisis", 1..=4) => {
                Assessment { ideation: "active", plan: "vague", timeframe: "week", ..Assessment::default() }
            }
            ("crisis", _) => Assessment { ideation: "active", ..Assessment::default() },
            ("counselling", 0..=1) => Assessment { ideation: "passive", ..Assessment::default() },
            _ => Assessment::default(),
        };
        let risk = assess(&assessment);
        let minutes = if code == "crisis" { rng.range(10, 60) } else { rng.range(3, 30) };
        let (user, unit) = counsellors[rng.weighted(&load)];
        calls.push(BulkCall {
            input: CallInput {
                started_at: started,
                ended_at: started + Duration::seconds(minutes * 60 + rng.range(0, 59)),
                channel: ["transfer", "transfer", "transfer", "direct", "callback"][rng.below(5)],
                category_id: by_code(code).or_else(|| categories.first().map(|k| k.id)).unwrap_or(1),
                anonymous: rng.chance(3, 4),
                age_band: if rng.chance(1, 4) { "" } else { rng.pick(&AGE_BANDS) },
                gender: if rng.chance(1, 5) { "" } else { rng.pick(&GENDERS) },
                district_id: if towns.is_empty() || rng.chance(1, 3) { None } else { Some(rng.pick(towns)) },
                summary: String::new(),
                assessment,
                risk_computed: risk,
                risk_level: risk,
                risk_note: String::new(),
                outcome: if risk.escalates() {
                    "escalated"
                } else if code == "charity" {
                    ["referred", "info"][rng.below(2)]
                } else {
                    ["resolved", "resolved", "info", "callback"][rng.below(4)]
                },
                follow_up: risk.escalates() || rng.chance(1, 10),
            },
            summary_cipher: sealed[if code == "crisis" { 4 } else { kind.min(3) }].clone(),
            unit_id: unit,
            counsellor_id: user,
        });
    }
    let n = bulk::insert_calls(c, &calls).await?;
    let from = crate::hotline::figures::year_start(y.year);
    let pending = bulk::unescalated(c, from, crate::hotline::figures::year_start(y.year + 1)).await?;
    let mut done = Vec::with_capacity(pending.len());
    for (i, call) in pending.iter().enumerate() {
        let raised = call.ended_at;
        let handed_on = rng.chance(1, 10);
        let wait = if handed_on { rng.range(300, 480) } else { rng.range(20, 240) };
        let acknowledged = raised + Duration::seconds(wait);
        let emergency = if call.risk_level == "imminent" || rng.chance(1, 8) {
            let service = if call.risk_level == "imminent" { "120" } else { "110" };
            Some((
                service,
                format!("演示-{service}-{:04}", i + 1),
                acknowledged + Duration::seconds(rng.range(30, 300)),
            ))
        } else {
            None
        };
        done.push(DoneEscalation {
            call,
            raised_at: raised,
            supervisor,
            hand_ons: i32::from(handed_on),
            acknowledged_at: acknowledged,
            emergency,
        });
    }
    let escalations = bulk::insert_escalations(c, &done).await?;
    Ok(Year2022 { calls: n, escalations })
}
