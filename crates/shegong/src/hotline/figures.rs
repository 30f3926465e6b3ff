//! The hotline's figures for a year and the caller's scope, composed from the store: calls by
//! category, risk level, channel, hour of day, weekday and month; escalations and their time to
//! acknowledgement; counsellors' workload. The page, the xlsx export and
//! `GET /api/v1/hotline/figures` read these same values. Nothing here names a caller or holds
//! free text; counsellors are numbered, not named, outside the page.
//!
//! Cases opened and closed and referrals by state come with the case tables (issue 14, step 5):
//! until then `cases` is `null`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::hotline::store::figures as store;
use crate::platform::access::Scope;
use crate::platform::error::AppResult;

/// A count under a key (a category code, a risk level, an hour 0–23, a weekday 1 Monday–7
/// Sunday, a month 1–12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bucket {
    pub key: String,
    pub count: i64,
}

/// The calls of the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CallFigures {
    pub total: i64,
    /// Minutes on the line (whole minutes of the summed durations).
    pub minutes: i64,
    /// By category code (every active category, zeros included).
    pub by_category: Vec<Bucket>,
    /// By risk level, none to imminent.
    pub by_risk: Vec<Bucket>,
    pub by_channel: Vec<Bucket>,
    /// 24 buckets, hour 0 to 23 (China time).
    pub by_hour: Vec<Bucket>,
    /// 7 buckets, Monday (1) to Sunday (7).
    pub by_weekday: Vec<Bucket>,
    /// 12 buckets, January (1) to December (12).
    pub by_month: Vec<Bucket>,
}

/// Escalations raised in the year and their acknowledgement.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct EscalationFigures {
    pub raised: i64,
    pub acknowledged: i64,
    /// Escalations handed on at least once to the next supervisor.
    pub handed_on: i64,
    /// Calls to 110/120 recorded for them.
    pub emergency_calls: i64,
    /// Seconds from raising to acknowledgement: mean (rounded down), median (lower middle), longest.
    pub ack_seconds_mean: i64,
    pub ack_seconds_median: i64,
    pub ack_seconds_max: i64,
}

/// Cases and referrals (issue 14, step 5).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseFigures {
    pub opened: i64,
    pub closed: i64,
    pub referrals_by_state: Vec<Bucket>,
}

/// One counsellor's year, numbered (1 = most calls), not named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CounsellorLoad {
    pub no: i64,
    pub calls: i64,
    pub minutes: i64,
    /// Calls at risk high or imminent.
    pub high_risk: i64,
    #[serde(skip)]
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CounsellorFigures {
    /// Counsellors who answered at least one call.
    pub active: i64,
    pub workload: Vec<CounsellorLoad>,
}

/// The hotline's figures of a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HotlineFigures {
    pub year: i32,
    pub calls: CallFigures,
    pub escalations: EscalationFigures,
    /// `null` until the case tables exist.
    pub cases: Option<CaseFigures>,
    pub counsellors: CounsellorFigures,
}

/// China-time midnight of 1 January of `year`, in UTC.
pub fn year_start(year: i32) -> DateTime<Utc> {
    let d = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    (local - chrono::Duration::hours(8)).and_utc()
}

/// The years with calls in the caller's scope.
pub async fn years<C: sea_orm::ConnectionTrait>(c: &C, scope: &Scope) -> AppResult<Vec<i32>> {
    Ok(store::years(c, scope).await?)
}

fn filled(counts: &[store::Count], keys: impl IntoIterator<Item = String>) -> Vec<Bucket> {
    keys.into_iter().map(|k| Bucket { count: counts.iter().filter(|c| c.k == k).map(|c| c.n).sum(), key: k }).collect()
}

/// The median (lower middle) of sorted values.
fn median(sorted: &[i64]) -> i64 {
    match sorted.len() {
        0 => 0,
        n => sorted[(n - 1) / 2],
    }
}

/// The figures of `year` for `scope`.
pub async fn figures<C: sea_orm::ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> AppResult<HotlineFigures> {
    let (from, to) = (year_start(year), year_start(year + 1));
    let (total, minutes) = store::totals(c, scope, from, to).await?;
    let by = |dim: &'static str| store::calls_by(c, scope, from, to, dim);
    let categories = crate::hotline::store::categories(c).await?;
    let mut cat_keys: Vec<String> = categories.iter().map(|k| k.code.clone()).collect();
    let by_cat = by("category").await?;
    // A retired category still counts its calls.
    cat_keys.extend(by_cat.iter().map(|x| x.k.clone()).filter(|k| !categories.iter().any(|c| &c.code == k)));
    let dow = by("dow").await?;
    // SQL counts Sunday as 0; the figures count Monday 1 to Sunday 7.
    let dow: Vec<store::Count> =
        dow.into_iter().map(|x| store::Count { k: if x.k == "0" { "7".into() } else { x.k }, n: x.n }).collect();
    let calls = CallFigures {
        total,
        minutes,
        by_category: filled(&by_cat, cat_keys),
        by_risk: filled(&by("risk").await?, crate::hotline::model::Risk::ALL.map(|r| r.code().to_string())),
        by_channel: filled(&by("channel").await?, crate::hotline::model::CHANNELS.map(String::from)),
        by_hour: filled(&by("hour").await?, (0..24).map(|h| h.to_string())),
        by_weekday: filled(&dow, (1..=7).map(|d| d.to_string())),
        by_month: filled(&by("month").await?, (1..=12).map(|m| m.to_string())),
    };
    let facts = store::escalations(c, scope, from, to).await?;
    let mut waits: Vec<i64> =
        facts.iter().filter_map(|f| f.acknowledged_at.map(|a| (a - f.raised_at).num_seconds().max(0))).collect();
    waits.sort_unstable();
    let escalations = EscalationFigures {
        raised: facts.len() as i64,
        acknowledged: waits.len() as i64,
        handed_on: facts.iter().filter(|f| f.hand_ons > 0).count() as i64,
        emergency_calls: facts.iter().map(|f| f.emergency_calls).sum(),
        ack_seconds_mean: if waits.is_empty() { 0 } else { waits.iter().sum::<i64>() / waits.len() as i64 },
        ack_seconds_median: median(&waits),
        ack_seconds_max: waits.last().copied().unwrap_or(0),
    };
    let workload: Vec<CounsellorLoad> = store::workload(c, scope, from, to)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, w)| CounsellorLoad {
            no: i as i64 + 1,
            calls: w.calls,
            minutes: w.seconds / 60,
            high_risk: w.high_risk,
            name: w.counsellor_name,
        })
        .collect();
    let counsellors = CounsellorFigures { active: workload.len() as i64, workload };
    // TODO(issue 14 step 5, lead): cases opened/closed and referrals by state from the case tables.
    Ok(HotlineFigures { year, calls, escalations, cases: None, counsellors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_starts_at_china_midnight_and_the_median_is_the_lower_middle() {
        assert_eq!(year_start(2022).to_rfc3339(), "2021-12-31T16:00:00+00:00");
        assert_eq!(median(&[]), 0);
        assert_eq!(median(&[5]), 5);
        assert_eq!(median(&[1, 2, 9, 10]), 2);
    }
}
