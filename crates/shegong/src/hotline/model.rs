//! Types and rules of the hotline: the call form parsed into its input, and the risk rules.
//!
//! The risk rules follow the Beijing crisis centre's definition of high risk (an attempt just
//! made or under way, a plan within 72 hours, an act likely within a week) and 《心理援助热线技术
//! 指南（试行）》's assessment of suicidal ideation and hopelessness. [`assess`] is pure; the
//! counsellor may raise the level it gives, never set it lower, and lowering a level already
//! recorded takes a reason.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::platform::web::Problems;

pub const CHANNELS: [&str; 3] = ["transfer", "direct", "callback"];
pub const AGE_BANDS: [&str; 5] = ["under18", "18_29", "30_44", "45_59", "60plus"];
pub const GENDERS: [&str; 3] = ["female", "male", "other"];
pub const IDEATIONS: [&str; 3] = ["none", "passive", "active"];
pub const PLANS: [&str; 3] = ["none", "vague", "specific"];
pub const TIMEFRAMES: [&str; 4] = ["none", "later", "week", "72h"];
pub const ATTEMPTS: [&str; 4] = ["none", "past", "recent", "ongoing"];
pub const OUTCOMES: [&str; 6] = ["resolved", "info", "referred", "callback", "escalated", "dropped"];
/// The longest call the log accepts (a shift).
pub const MAX_CALL_HOURS: i64 = 12;
/// The longest summary or note, in characters.
pub const MAX_TEXT: usize = 4000;

/// A risk level, ordered from none to imminent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    None,
    Low,
    Medium,
    High,
    Imminent,
}

impl Risk {
    pub const ALL: [Risk; 5] = [Risk::None, Risk::Low, Risk::Medium, Risk::High, Risk::Imminent];

    pub fn code(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Imminent => "imminent",
        }
    }

    pub fn parse(s: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|r| r.code() == s)
    }

    /// High or imminent: the call raises an escalation (step 3 of the issue).
    pub fn escalates(self) -> bool {
        self >= Risk::High
    }
}

/// The structured assessment of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub ideation: &'static str,
    pub plan: &'static str,
    pub means: bool,
    pub timeframe: &'static str,
    pub attempt: &'static str,
}

impl Default for Assessment {
    fn default() -> Self {
        Assessment { ideation: "none", plan: "none", means: false, timeframe: "none", attempt: "none" }
    }
}

/// The risk level the rules give an assessment.
///
/// * imminent: an attempt under way, or a specific plan with the means to carry it out within 72 hours;
/// * high: an attempt just made, or ideation or a plan with an act likely within a week (72 hours included);
/// * medium: active ideation, any plan, or a past attempt with ideation now;
/// * low: passive ideation (hopelessness, fleeting thoughts) or a past attempt;
/// * none: nothing of these.
pub fn assess(a: &Assessment) -> Risk {
    let thinking = a.ideation != "none" || a.plan != "none";
    if a.attempt == "ongoing" || (a.plan == "specific" && a.means && a.timeframe == "72h") {
        return Risk::Imminent;
    }
    if a.attempt == "recent" || (thinking && matches!(a.timeframe, "72h" | "week")) {
        return Risk::High;
    }
    if a.ideation == "active" || a.plan != "none" || (a.attempt == "past" && a.ideation != "none") {
        return Risk::Medium;
    }
    if a.ideation == "passive" || a.attempt == "past" {
        return Risk::Low;
    }
    Risk::None
}

/// Why a recorded level is refused, or `None` when it stands: it may not be below the rules'
/// level, and lowering the level recorded before (`previous`, on an edit) takes a reason.
pub fn level_problem(computed: Risk, chosen: Risk, previous: Option<Risk>, reason: &str) -> Option<&'static str> {
    if chosen < computed {
        return Some("hotline.error.risk_below_rules");
    }
    if previous.is_some_and(|p| chosen < p) && reason.trim().is_empty() {
        return Some("hotline.error.risk_lowered_reason");
    }
    None
}

/// The call form as typed (the new-call and the edit form).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallForm {
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub ended_at: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub category_id: String,
    /// `yes` when the caller stays anonymous (ticked on a new form).
    #[serde(default)]
    pub anonymous: String,
    #[serde(default)]
    pub age_band: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub district_id: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub ideation: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub timeframe: String,
    #[serde(default)]
    pub attempt: String,
    /// The level the counsellor records; empty means the rules' level.
    #[serde(default)]
    pub risk_level: String,
    #[serde(default)]
    pub risk_note: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

/// A call as parsed. The free text (`summary`, `risk_note`) is never serialised: audit rows
/// carry the input without it.
#[derive(Debug, Clone, Serialize)]
pub struct CallInput {
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub channel: &'static str,
    pub category_id: i64,
    pub anonymous: bool,
    pub age_band: &'static str,
    pub gender: &'static str,
    pub district_id: Option<i64>,
    #[serde(skip)]
    pub summary: String,
    pub assessment: Assessment,
    pub risk_computed: Risk,
    pub risk_level: Risk,
    #[serde(skip)]
    pub risk_note: String,
    pub outcome: &'static str,
    pub follow_up: bool,
}

impl CallInput {
    pub fn duration_seconds(&self) -> i32 {
        i32::try_from((self.ended_at - self.started_at).num_seconds()).unwrap_or(i32::MAX)
    }
}

fn pick(list: &[&'static str], typed: &str) -> Option<&'static str> {
    list.iter().copied().find(|v| *v == typed.trim())
}

/// A `datetime-local` value (`2022-06-01T14:30`, seconds optional) in China Standard Time.
pub fn parse_local(typed: &str) -> Option<DateTime<Utc>> {
    let t = typed.trim().replace(' ', "T");
    let naive = NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    crate::platform::time::china().from_local_datetime(&naive).single().map(|d| d.with_timezone(&Utc))
}

/// A time as the `datetime-local` field shows it (China Standard Time, minutes).
pub fn local_input(t: &DateTime<Utc>) -> String {
    t.with_timezone(&crate::platform::time::china()).format("%Y-%m-%dT%H:%M").to_string()
}

impl CallForm {
    /// Parses the form. `now` stands in for an empty end time (the call ends when it is saved);
    /// `previous` is the level recorded before (edits).
    pub fn validate(&self, now: DateTime<Utc>, previous: Option<Risk>) -> Result<CallInput, Problems> {
        let mut errs = Problems::default();
        let started = parse_local(&self.started_at);
        if started.is_none() {
            let key = if self.started_at.trim().is_empty() { "common.required" } else { "hotline.error.time" };
            errs.push(("started_at", key, ""));
        }
        let ended = if self.ended_at.trim().is_empty() { Some(now) } else { parse_local(&self.ended_at) };
        if ended.is_none() {
            errs.push(("ended_at", "hotline.error.time", ""));
        }
        if let (Some(s), Some(e)) = (started, ended) {
            if e < s {
                errs.push(("ended_at", "hotline.error.end_before_start", ""));
            } else if (e - s).num_hours() >= MAX_CALL_HOURS {
                errs.push(("ended_at", "hotline.error.too_long", ""));
            }
            if s > now + chrono::Duration::minutes(5) {
                errs.push(("started_at", "hotline.error.future", ""));
            }
        }
        let channel = pick(&CHANNELS, &self.channel);
        if channel.is_none() {
            errs.push(("channel", "common.required", ""));
        }
        let category_id = self.category_id.trim().parse::<i64>().ok();
        if category_id.is_none() {
            errs.push(("category_id", "common.required", ""));
        }
        let age_band = if self.age_band.trim().is_empty() { Some("") } else { pick(&AGE_BANDS, &self.age_band) };
        if age_band.is_none() {
            errs.push(("age_band", "hotline.error.choice", ""));
        }
        let gender = if self.gender.trim().is_empty() { Some("") } else { pick(&GENDERS, &self.gender) };
        if gender.is_none() {
            errs.push(("gender", "hotline.error.choice", ""));
        }
        let district_id = match self.district_id.trim() {
            "" => Ok(None),
            d => d.parse::<i64>().map(Some),
        };
        if district_id.is_err() {
            errs.push(("district_id", "hotline.error.choice", ""));
        }
        if self.summary.chars().count() > MAX_TEXT || self.risk_note.chars().count() > MAX_TEXT {
            errs.push(("summary", "hotline.error.text_long", ""));
        }
        let or_none = |list: &[&'static str], v: &str| if v.trim().is_empty() { Some("none") } else { pick(list, v) };
        let ideation = or_none(&IDEATIONS, &self.ideation);
        let plan = or_none(&PLANS, &self.plan);
        let timeframe = or_none(&TIMEFRAMES, &self.timeframe);
        let attempt = or_none(&ATTEMPTS, &self.attempt);
        let (Some(ideation), Some(plan), Some(timeframe), Some(attempt)) = (ideation, plan, timeframe, attempt) else {
            errs.push(("risk_level", "hotline.error.choice", ""));
            return Err(errs);
        };
        let assessment = Assessment { ideation, plan, means: self.means == "yes", timeframe, attempt };
        let computed = assess(&assessment);
        let chosen =
            if self.risk_level.trim().is_empty() { Some(computed) } else { Risk::parse(self.risk_level.trim()) };
        let risk_level = match chosen {
            Some(r) => {
                if let Some(key) = level_problem(computed, r, previous, &self.risk_note) {
                    errs.push(("risk_level", key, ""));
                }
                r
            }
            None => {
                errs.push(("risk_level", "hotline.error.choice", ""));
                computed
            }
        };
        let outcome = pick(&OUTCOMES, &self.outcome);
        if outcome.is_none() {
            errs.push(("outcome", "common.required", ""));
        }
        match (started, ended, channel, category_id, age_band, gender, district_id, outcome) {
            (
                Some(started_at),
                Some(ended_at),
                Some(channel),
                Some(category_id),
                Some(age_band),
                Some(gender),
                Ok(district_id),
                Some(outcome),
            ) if errs.is_empty() => Ok(CallInput {
                started_at,
                ended_at,
                channel,
                category_id,
                anonymous: self.anonymous == "yes",
                age_band,
                gender,
                district_id,
                summary: self.summary.trim().to_string(),
                assessment,
                risk_computed: computed,
                risk_level,
                risk_note: self.risk_note.trim().to_string(),
                outcome,
                follow_up: self.follow_up == "yes" || risk_level.escalates(),
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(
        ideation: &'static str,
        plan: &'static str,
        means: bool,
        timeframe: &'static str,
        attempt: &'static str,
    ) -> Risk {
        assess(&Assessment { ideation, plan, means, timeframe, attempt })
    }

    #[test]
    fn risk_rules() {
        assert_eq!(a("none", "none", false, "none", "none"), Risk::None);
        assert_eq!(a("passive", "none", false, "none", "none"), Risk::Low);
        assert_eq!(a("none", "none", false, "none", "past"), Risk::Low);
        assert_eq!(a("passive", "none", false, "none", "past"), Risk::Medium);
        assert_eq!(a("active", "none", false, "none", "none"), Risk::Medium);
        assert_eq!(a("none", "vague", false, "later", "none"), Risk::Medium);
        assert_eq!(a("active", "specific", true, "later", "none"), Risk::Medium);
        // Beijing: an act likely within a week, a plan within 72 hours, an attempt just made.
        assert_eq!(a("passive", "none", false, "week", "none"), Risk::High);
        assert_eq!(a("active", "vague", false, "72h", "none"), Risk::High);
        assert_eq!(a("active", "specific", false, "72h", "none"), Risk::High, "no means at hand");
        assert_eq!(a("none", "none", false, "none", "recent"), Risk::High);
        // Imminent: under way, or a specific plan with the means within 72 hours.
        assert_eq!(a("none", "none", false, "none", "ongoing"), Risk::Imminent);
        assert_eq!(a("active", "specific", true, "72h", "none"), Risk::Imminent);
        // A timeframe alone (no ideation, no plan) says nothing.
        assert_eq!(a("none", "none", true, "72h", "none"), Risk::None);
        assert!(Risk::High.escalates() && Risk::Imminent.escalates() && !Risk::Medium.escalates());
    }

    #[test]
    fn levels_are_raised_never_lowered_silently() {
        assert_eq!(level_problem(Risk::Medium, Risk::High, None, ""), None, "raising is allowed");
        assert_eq!(level_problem(Risk::High, Risk::Medium, None, "理由"), Some("hotline.error.risk_below_rules"));
        assert_eq!(
            level_problem(Risk::Low, Risk::Low, Some(Risk::High), ""),
            Some("hotline.error.risk_lowered_reason")
        );
        assert_eq!(level_problem(Risk::Low, Risk::Low, Some(Risk::High), "复评后风险下降"), None);
        assert_eq!(level_problem(Risk::Low, Risk::High, Some(Risk::High), ""), None);
    }

    #[test]
    fn form_parses_local_times_and_defaults_the_end() {
        let now = Utc.with_ymd_and_hms(2022, 4, 1, 6, 40, 0).single().expect("time");
        let f = CallForm {
            started_at: "2022-04-01T14:30".into(),
            channel: "transfer".into(),
            category_id: "1".into(),
            outcome: "resolved".into(),
            ideation: "active".into(),
            anonymous: "yes".into(),
            ..Default::default()
        };
        let i = f.validate(now, None).expect("valid");
        assert_eq!(i.started_at, Utc.with_ymd_and_hms(2022, 4, 1, 6, 30, 0).single().expect("time"));
        assert_eq!(i.ended_at, now);
        assert_eq!(i.duration_seconds(), 600);
        assert_eq!(i.risk_level, Risk::Medium);
        assert!(i.anonymous);
        let bad = CallForm { started_at: "2022-04-01T15:30".into(), ended_at: "2022-04-01T15:00".into(), ..f.clone() };
        let e = bad.validate(now, None).expect_err("end before start");
        assert!(e.iter().any(|p| p.1 == "hotline.error.end_before_start"));
        let low = CallForm { risk_level: "low".into(), ..f };
        assert!(low.validate(now, None).expect_err("below").iter().any(|p| p.1 == "hotline.error.risk_below_rules"));
    }
}
