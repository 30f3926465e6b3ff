//! The hotline's figures for a year and the caller's scope, composed from the store: calls by
//! category, risk level, channel, hour of day, weekday and month; escalations and their time to
//! acknowledgement; counsellors' workload. The page, the xlsx export and
//! `GET /api/v1/hotline/figures` read these same values. Nothing here names a caller or holds
//! free text; counsellors are numbered, not named, outside the page.
//!
//! Cases (opened, closed, open at the period's end, by risk level), their follow-ups (due, done,
//! overdue) and referrals (by state and by destination) are counted for the same year and scope
//! as the calls. The engine's indicators of the hotline are [`indicators`].

use chrono::{DateTime, NaiveDate, Utc};
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
    /// 168 buckets keyed `weekday-hour` (`1-0` Monday 0:00–0:59 … `7-23`), weekday by weekday.
    pub by_weekday_hour: Vec<Bucket>,
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

/// Cases, their follow-ups and referrals of the year (China dates).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseFigures {
    /// Cases opened in the year.
    pub opened: i64,
    /// Cases closed in the year.
    pub closed: i64,
    /// Cases open at the end of the year (opened by then, not closed by then).
    pub open_at_end: i64,
    /// Cases opened in the year by risk level, none to imminent.
    pub by_risk: Vec<Bucket>,
    /// Follow-ups falling due in the year.
    pub followups_due: i64,
    /// Of those, the ones done.
    pub followups_done: i64,
    /// Of those, the ones of open cases past their date (before today) and not done.
    pub followups_overdue: i64,
    /// Referrals made in the year by state: pending, accepted, refused, completed.
    pub referrals_by_state: Vec<Bucket>,
    /// Referrals made in the year by destination: station, organisation, charity, medical.
    pub referrals_by_target: Vec<Bucket>,
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
    pub cases: CaseFigures,
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
    let dow_hour: Vec<store::Count> = by("dow_hour")
        .await?
        .into_iter()
        .map(|x| match x.k.strip_prefix("0-") {
            Some(h) => store::Count { k: format!("7-{h}"), n: x.n },
            None => x,
        })
        .collect();
    let calls = CallFigures {
        total,
        minutes,
        by_category: filled(&by_cat, cat_keys),
        by_risk: filled(&by("risk").await?, crate::hotline::model::Risk::ALL.map(|r| r.code().to_string())),
        by_channel: filled(&by("channel").await?, crate::hotline::model::CHANNELS.map(String::from)),
        by_hour: filled(&by("hour").await?, (0..24).map(|h| h.to_string())),
        by_weekday: filled(&dow, (1..=7).map(|d| d.to_string())),
        by_month: filled(&by("month").await?, (1..=12).map(|m| m.to_string())),
        by_weekday_hour: filled(&dow_hour, (1..=7).flat_map(|d| (0..24).map(move |h| format!("{d}-{h}")))),
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
    let cases = case_figures(c, scope, year).await?;
    Ok(HotlineFigures { year, calls, escalations, cases, counsellors })
}

/// The first and last day of `year`.
fn year_days(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    (first, NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first))
}

/// The cases, follow-ups and referrals of `year` for `scope`.
pub async fn case_figures<C: sea_orm::ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> AppResult<CaseFigures> {
    use crate::hotline::model::{REFERRAL_STATES, REFERRAL_TARGETS};
    let (from, to) = year_days(year);
    let n = store::case_counts(c, scope, from, to, crate::platform::time::today()).await?;
    let by = |dim: &'static str| store::cases_by(c, scope, from, to, dim);
    Ok(CaseFigures {
        opened: n.opened,
        closed: n.closed,
        open_at_end: n.open_at_end,
        by_risk: filled(&by("risk").await?, crate::hotline::model::Risk::ALL.map(|r| r.code().to_string())),
        followups_due: n.followups_due,
        followups_done: n.followups_done,
        followups_overdue: n.followups_overdue,
        referrals_by_state: filled(&by("referral_state").await?, REFERRAL_STATES.map(String::from)),
        referrals_by_target: filled(&by("referral_target").await?, REFERRAL_TARGETS.map(String::from)),
    })
}

/// The hotline's indicators for the engine (`review::figures::catalogue`): calls answered,
/// counsellors who answered, cases opened, in a period and unit subtree. Counts only: nothing
/// here reads a call's or a case's content. Opening a case also writes its call (the case joins
/// it), so the `records` version that caches these values moves with every case opened.
pub fn indicators() -> Vec<crate::platform::indicator::IndicatorGroup> {
    use crate::platform::figures::Measure;
    use crate::platform::indicator::{Ask, BoxFuture, Indicator, IndicatorGroup};
    fn values<'a>(
        c: &'a sea_orm::DatabaseConnection,
        a: &'a Ask,
    ) -> BoxFuture<'a, Result<Vec<Option<i64>>, sea_orm::DbErr>> {
        Box::pin(async move {
            let n = store::indicator_counts(c, &a.scope, &a.unit_path, a.from, a.to).await?;
            Ok(vec![Some(n.calls), Some(n.cases), Some(n.counsellors)])
        })
    }
    // The de-identified lists the role reads: calls and cases whose content the reader may not
    // read are counted there, never shown.
    fn calls_href(a: &Ask) -> String {
        format!("/hotline/calls?from={}&to={}{}#calls-total", a.from, a.to, a.unit_param())
    }
    fn counsellors_href(a: &Ask) -> String {
        format!("/hotline/calls?from={}&to={}{}#calls-counsellors", a.from, a.to, a.unit_param())
    }
    fn cases_href(a: &Ask) -> String {
        format!("/hotline/cases?{}{}#cases-total", &a.period_param()[1..], a.unit_param())
    }
    let ind = |key, label_key, definition_key, unit_key, href: fn(&Ask) -> String| Indicator {
        key,
        label_key,
        definition_key,
        unit_key,
        measure: Measure::Count,
        annual: false,
        href,
    };
    vec![IndicatorGroup {
        name: "hotline",
        need: "hotline.call_read",
        indicators: vec![
            ind(
                "hotline.calls",
                "indicators.hotline.calls",
                "indicators.def.hotline.calls",
                "indicators.unit.calls",
                calls_href,
            ),
            ind(
                "hotline.cases",
                "indicators.hotline.cases",
                "indicators.def.hotline.cases",
                "figures.unit.count",
                cases_href,
            ),
            ind(
                "hotline.counsellors",
                "indicators.hotline.counsellors",
                "indicators.def.hotline.counsellors",
                "figures.unit.people",
                counsellors_href,
            ),
        ],
        compute: values,
    }]
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
