//! Rules of action plans and activities.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::orgs::model::{date_problem, parse_date};

/// A new plan: its domains and modes are lines of text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub domains: String,
    #[serde(default)]
    pub modes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanInput {
    pub title: String,
    pub year: i32,
    pub description: String,
    pub domains: Vec<String>,
    pub modes: Vec<String>,
}

fn lines(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let l: String = l.chars().take(50).collect();
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

impl PlanForm {
    pub fn validate(&self) -> Result<PlanInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 200 {
            errs.push(("title", "plans.error.title"));
        }
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| {
            errs.push(("year", "honours.error.year"));
            0
        });
        let domains = lines(&self.domains);
        if domains.is_empty() || domains.len() > 20 {
            errs.push(("domains", "plans.error.domains"));
        }
        let modes = lines(&self.modes);
        if modes.is_empty() || modes.len() > 20 {
            errs.push(("modes", "plans.error.modes"));
        }
        if errs.is_empty() {
            Ok(PlanInput {
                title,
                year,
                description: self.description.trim().chars().take(2000).collect(),
                domains,
                modes,
            })
        } else {
            Err(errs)
        }
    }
}

/// An activity under a plan.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub domain_id: String,
    #[serde(default)]
    pub mode_id: String,
    #[serde(default)]
    pub organisers: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub unit_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityInput {
    pub title: String,
    pub held_on: NaiveDate,
    pub domain_id: i64,
    pub mode_id: i64,
    pub organisers: String,
    pub participants: i32,
    pub summary: String,
    pub unit_id: i64,
}

impl ActivityForm {
    pub fn validate(&self) -> Result<ActivityInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 200 {
            errs.push(("title", "events.error.title"));
        }
        let held_on = parse_date(&self.held_on);
        if held_on.is_none() {
            errs.push(("held_on", date_problem(&self.held_on, "events.error.date")));
        }
        let id = |s: &str, field: &'static str, key: &'static str, errs: &mut Vec<(&'static str, &'static str)>| {
            s.trim().parse::<i64>().unwrap_or_else(|_| {
                errs.push((field, key));
                0
            })
        };
        let domain_id = id(&self.domain_id, "domain_id", "plans.error.domain", &mut errs);
        let mode_id = id(&self.mode_id, "mode_id", "plans.error.mode", &mut errs);
        let unit_id = id(&self.unit_id, "unit_id", "orgs.error.unit", &mut errs);
        let participants = match self.participants.trim() {
            "" => 0,
            p => p.parse::<i32>().ok().filter(|v| (0..=1_000_000).contains(v)).unwrap_or_else(|| {
                errs.push(("participants", "events.error.attendees"));
                0
            }),
        };
        match held_on {
            Some(held_on) if errs.is_empty() => Ok(ActivityInput {
                title,
                held_on,
                domain_id,
                mode_id,
                organisers: self.organisers.trim().chars().take(500).collect(),
                participants,
                summary: self.summary.trim().chars().take(2000).collect(),
                unit_id,
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_take_domains_and_modes_as_lines() {
        let f = PlanForm {
            title: "先锋引领2.0".into(),
            year: "2022".into(),
            domains: "社会治理\n公益活动\n\n公益活动".into(),
            modes: "联学\n联办".into(),
            ..PlanForm::default()
        };
        let p = f.validate().expect("valid");
        assert_eq!(p.domains, vec!["社会治理".to_string(), "公益活动".to_string()]);
        assert!(PlanForm { title: "x".into(), ..PlanForm::default() }.validate().is_err());
        let a = ActivityForm {
            title: "联学活动".into(),
            held_on: "2022-05-01".into(),
            domain_id: "1".into(),
            mode_id: "x".into(),
            unit_id: "1".into(),
            ..ActivityForm::default()
        };
        assert_eq!(a.validate().unwrap_err(), vec![("mode_id", "plans.error.mode")]);
    }
}
