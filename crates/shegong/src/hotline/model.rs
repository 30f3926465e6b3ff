//! Types and rules of the hotline: the call form parsed into its input, and the risk rules.
//!
//! The risk rules follow the Beijing crisis centre's definition of high risk (an attempt just
//! made or under way, a plan within 72 hours, an act likely within a week) and 《心理援助热线技术
//! 指南（试行）》's assessment of suicidal ideation and hopelessness. [`assess`] is pure; the
//! counsellor may raise the level it gives, never set it lower, and lowering a level already
//! recorded takes a reason.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
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

// ---- Roster, rota, cases, referrals and callers (issue 14, steps 4–6) ----

/// Who reads: the user, and whether a role of theirs holds the explicit grant
/// `hotline.content` (the content of every call and case). The stores turn it into SQL
/// (hotline/store/mod.rs `call_content`, `case_content`).
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub user_id: i64,
    pub content_all: bool,
}

/// The follow-up schedule of a high-risk case: 1 day, 1 week, 1, 3 and 12 months.
pub const FOLLOWUP_KINDS: [&str; 5] = ["1d", "1w", "1m", "3m", "12m"];
pub const REFERRAL_TARGETS: [&str; 4] = ["station", "organisation", "charity", "medical"];
pub const REFERRAL_STATES: [&str; 4] = ["pending", "accepted", "refused", "completed"];
pub const CLOSURE_REASONS: [&str; 5] = ["resolved", "referred", "lost", "declined", "other"];
/// Risk flags on a caller profile (codes, never free text).
pub const FLAGS: [&str; 4] = ["suicide_risk", "frequent", "violence", "minor"];
/// The longest a flag lasts.
pub const MAX_FLAG_DAYS: i64 = 366;

/// The due dates of the follow-ups of a case opened on `opened` (a month later is the same day
/// of the month, or the month's last day).
pub fn followup_schedule(opened: NaiveDate) -> Vec<(&'static str, NaiveDate)> {
    let months = |n: u32| opened.checked_add_months(chrono::Months::new(n)).unwrap_or(opened);
    vec![
        ("1d", opened + chrono::Duration::days(1)),
        ("1w", opened + chrono::Duration::days(7)),
        ("1m", months(1)),
        ("3m", months(3)),
        ("12m", months(12)),
    ]
}

/// Whether a referral may move from state `from` to `to`: 待接收 → 已接收 / 已拒绝, 已接收 → 已完成.
pub fn referral_step(from: &str, to: &str) -> bool {
    matches!((from, to), ("pending", "accepted") | ("pending", "refused") | ("accepted", "completed"))
}

/// `HH:MM` as minutes from midnight; `24:00` is the end of the day.
pub fn parse_minute(typed: &str) -> Option<i32> {
    let (h, m) = typed.trim().split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    let v = h * 60 + m;
    ((0..60).contains(&m) && (0..=1440).contains(&v)).then_some(v)
}

pub fn minute_text(m: i32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn date_of(typed: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").ok()
}

fn id_of(typed: &str) -> Result<Option<i64>, ()> {
    match typed.trim() {
        "" => Ok(None),
        t => t.parse::<i64>().map(Some).map_err(|_| ()),
    }
}

/// A roster entry as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CounsellorForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub worker_id: String,
    #[serde(default)]
    pub is_supervisor: String,
    #[serde(default)]
    pub supervisor_id: String,
    #[serde(default)]
    pub joined_on: String,
    #[serde(default)]
    pub active: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CounsellorInput {
    pub name: String,
    pub user_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub is_supervisor: bool,
    pub supervisor_id: Option<i64>,
    pub joined_on: NaiveDate,
    pub active: bool,
}

impl CounsellorForm {
    pub fn validate(&self) -> Result<CounsellorInput, Problems> {
        let mut errs = Problems::default();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errs.push(("name", "common.required", ""));
        } else if name.chars().count() > 50 {
            errs.push(("name", "hotline.error.text_long", ""));
        }
        let joined = date_of(&self.joined_on);
        if joined.is_none() {
            let key = if self.joined_on.trim().is_empty() { "common.required" } else { "hotline.error.date" };
            errs.push(("joined_on", key, ""));
        }
        let user_id = id_of(&self.user_id);
        let worker_id = id_of(&self.worker_id);
        let supervisor_id = id_of(&self.supervisor_id);
        for (f, v) in [("user_id", &user_id), ("worker_id", &worker_id), ("supervisor_id", &supervisor_id)] {
            if v.is_err() {
                errs.push((f, "hotline.error.choice", ""));
            }
        }
        match (joined, user_id, worker_id, supervisor_id) {
            (Some(joined_on), Ok(user_id), Ok(worker_id), Ok(supervisor_id)) if errs.is_empty() => {
                Ok(CounsellorInput {
                    name,
                    user_id,
                    worker_id,
                    is_supervisor: self.is_supervisor == "yes",
                    supervisor_id,
                    joined_on,
                    active: self.active == "yes",
                })
            }
            _ => Err(errs),
        }
    }
}

/// A shift as typed: the day, `HH:MM` start and end, the supervisor on duty and the
/// counsellors (roster ids).
#[derive(Debug, Clone, Default)]
pub struct ShiftForm {
    pub day: String,
    pub start: String,
    pub end: String,
    pub supervisor_id: String,
    pub counsellors: Vec<String>,
    pub version: String,
}

impl ShiftForm {
    /// From the posted pairs (the counsellors are repeated `counsellor` fields).
    pub fn from_pairs(pairs: &[(String, String)]) -> ShiftForm {
        let mut f = ShiftForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "day" => f.day = v.clone(),
                "start" => f.start = v.clone(),
                "end" => f.end = v.clone(),
                "supervisor_id" => f.supervisor_id = v.clone(),
                "counsellor" => f.counsellors.push(v.clone()),
                "version" => f.version = v.clone(),
                _ => {}
            }
        }
        f
    }
    pub fn has(&self, id: &i64) -> bool {
        self.counsellors.iter().any(|c| c.trim() == id.to_string())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ShiftInput {
    pub day: NaiveDate,
    pub start_minute: i32,
    pub end_minute: i32,
    pub supervisor_id: i64,
    pub counsellors: Vec<i64>,
}

impl ShiftForm {
    pub fn validate(&self) -> Result<ShiftInput, Problems> {
        let mut errs = Problems::default();
        let day = date_of(&self.day);
        if day.is_none() {
            let key = if self.day.trim().is_empty() { "common.required" } else { "hotline.error.date" };
            errs.push(("day", key, ""));
        }
        let start = parse_minute(&self.start);
        let end = parse_minute(&self.end);
        if start.is_none() {
            errs.push(("start", "hotline.error.minute", ""));
        }
        if end.is_none() {
            errs.push(("end", "hotline.error.minute", ""));
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                errs.push(("end", "hotline.error.end_before_start", ""));
            }
        }
        let supervisor = self.supervisor_id.trim().parse::<i64>().ok();
        if supervisor.is_none() {
            errs.push(("supervisor_id", "common.required", ""));
        }
        let mut counsellors = Vec::new();
        for c in &self.counsellors {
            match c.trim().parse::<i64>() {
                Ok(id) if !counsellors.contains(&id) => counsellors.push(id),
                Ok(_) => {}
                Err(_) => errs.push(("counsellor", "hotline.error.choice", "")),
            }
        }
        if counsellors.is_empty() {
            errs.push(("counsellor", "hotline.error.no_counsellor", ""));
        }
        match (day, start, end, supervisor) {
            (Some(day), Some(start_minute), Some(end_minute), Some(supervisor_id)) if errs.is_empty() => {
                Ok(ShiftInput { day, start_minute, end_minute, supervisor_id, counsellors })
            }
            _ => Err(errs),
        }
    }
}

/// The free text of a case, as typed (assessment and plan).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseTextForm {
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub version: String,
}

impl CaseTextForm {
    pub fn check(&self) -> Problems {
        let mut errs = Problems::default();
        if self.assessment.chars().count() > MAX_TEXT {
            errs.push(("assessment", "hotline.error.text_long", ""));
        }
        if self.plan.chars().count() > MAX_TEXT {
            errs.push(("plan", "hotline.error.text_long", ""));
        }
        errs
    }
}

/// A referral as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferralForm {
    #[serde(default)]
    pub target_kind: String,
    #[serde(default)]
    pub target_unit_id: String,
    #[serde(default)]
    pub target_name: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferralInput {
    pub target_kind: &'static str,
    pub target_unit_id: Option<i64>,
    pub target_name: String,
    #[serde(skip)]
    pub reason: String,
}

impl ReferralForm {
    pub fn validate(&self) -> Result<ReferralInput, Problems> {
        let mut errs = Problems::default();
        let kind = pick(&REFERRAL_TARGETS, &self.target_kind);
        if kind.is_none() {
            errs.push(("target_kind", "common.required", ""));
        }
        let unit = id_of(&self.target_unit_id);
        let name = self.target_name.trim().to_string();
        match (kind, &unit) {
            (_, Err(_)) => errs.push(("target_unit_id", "hotline.error.choice", "")),
            (Some("station"), Ok(None)) => errs.push(("target_unit_id", "common.required", "")),
            (Some(k), Ok(_)) if k != "station" && name.is_empty() => errs.push(("target_name", "common.required", "")),
            _ => {}
        }
        if name.chars().count() > 100 {
            errs.push(("target_name", "hotline.error.text_long", ""));
        }
        if self.reason.chars().count() > MAX_TEXT {
            errs.push(("reason", "hotline.error.text_long", ""));
        }
        match (kind, unit) {
            (Some(target_kind), Ok(u)) if errs.is_empty() => Ok(ReferralInput {
                target_kind,
                target_unit_id: if target_kind == "station" { u } else { None },
                target_name: name,
                reason: self.reason.trim().to_string(),
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

    #[test]
    fn followups_at_one_day_one_week_one_three_and_twelve_months() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let got: Vec<_> = followup_schedule(d(2022, 1, 31)).into_iter().map(|(_, on)| on).collect();
        assert_eq!(got, vec![d(2022, 2, 1), d(2022, 2, 7), d(2022, 2, 28), d(2022, 4, 30), d(2023, 1, 31)]);
        let kinds: Vec<_> = followup_schedule(d(2022, 5, 1)).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, FOLLOWUP_KINDS.to_vec());
    }

    #[test]
    fn referral_states_move_one_way() {
        assert!(referral_step("pending", "accepted") && referral_step("pending", "refused"));
        assert!(referral_step("accepted", "completed"));
        for (a, b) in
            [("pending", "completed"), ("refused", "accepted"), ("completed", "pending"), ("accepted", "refused")]
        {
            assert!(!referral_step(a, b), "{a} → {b}");
        }
        assert_eq!(parse_minute("08:30"), Some(510));
        assert_eq!(parse_minute("24:00"), Some(1440));
        assert_eq!(parse_minute("24:01"), None);
        assert_eq!(parse_minute("7:60"), None);
    }
}
