//! Rules of events, documents and honours.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::orgs::model::{date_problem, parse_date};

pub const EVENT_KINDS: [&str; 6] = ["meeting", "launch", "ceremony", "training", "seminar", "other"];
pub const HONOUR_LEVELS: [&str; 4] = ["national", "provincial", "suzhou", "city"];
pub const AWARDEE_KINDS: [&str; 4] = ["unit", "station", "organisation", "person"];

/// The event form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub organisers: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub attendees: String,
    /// Training hours, e.g. "12.5".
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub committee: String,
    /// Edits only.
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventInput {
    pub unit_id: i64,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub organisers: String,
    pub summary: String,
    pub attendees: i32,
    pub hours_tenths: i32,
    pub committee: bool,
}

/// Hours with at most one decimal ("12.5") as tenths of an hour, exactly.
pub fn parse_hours(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    if frac.len() != 1
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || int.is_empty()
    {
        return None;
    }
    let v = int.parse::<i32>().ok()?.checked_mul(10)?.checked_add(frac.parse::<i32>().ok()?)?;
    (v <= 100_000).then_some(v)
}

impl EventForm {
    pub fn validate(&self) -> Result<EventInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let unit_id = self.unit_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errs.push(("unit_id", "orgs.error.unit"));
            0
        });
        if !EVENT_KINDS.contains(&self.kind.trim()) {
            errs.push(("kind", "events.error.kind"));
        }
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 200 {
            errs.push(("title", "events.error.title"));
        }
        let held_on = parse_date(&self.held_on);
        if held_on.is_none() {
            errs.push(("held_on", date_problem(&self.held_on, "events.error.date")));
        }
        let attendees = match self.attendees.trim() {
            "" => 0,
            a => a.parse::<i32>().ok().filter(|v| (0..=1_000_000).contains(v)).unwrap_or_else(|| {
                errs.push(("attendees", "events.error.attendees"));
                0
            }),
        };
        let hours_tenths = parse_hours(&self.hours).unwrap_or_else(|| {
            errs.push(("hours", "events.error.hours"));
            0
        });
        match held_on {
            Some(held_on) if errs.is_empty() => Ok(EventInput {
                unit_id,
                kind: self.kind.trim().to_string(),
                title,
                held_on,
                organisers: self.organisers.trim().chars().take(500).collect(),
                summary: self.summary.trim().chars().take(5000).collect(),
                attendees,
                hours_tenths,
                committee: self.committee == "yes",
            }),
            _ => Err(errs),
        }
    }
}

/// The honour form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HonourForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub awardee_kind: String,
    #[serde(default)]
    pub awardee_name: String,
    #[serde(default)]
    pub awarding_body: String,
    /// Edits only.
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HonourInput {
    pub unit_id: i64,
    pub title: String,
    pub level: String,
    pub year: i32,
    pub awardee_kind: String,
    pub awardee_name: String,
    pub awarding_body: String,
}

impl HonourForm {
    pub fn validate(&self) -> Result<HonourInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let unit_id = self.unit_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errs.push(("unit_id", "orgs.error.unit"));
            0
        });
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 200 {
            errs.push(("title", "honours.error.title"));
        }
        if !HONOUR_LEVELS.contains(&self.level.trim()) {
            errs.push(("level", "honours.error.level"));
        }
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (1949..=2100).contains(y)).unwrap_or_else(|| {
            errs.push(("year", "honours.error.year"));
            0
        });
        if !AWARDEE_KINDS.contains(&self.awardee_kind.trim()) {
            errs.push(("awardee_kind", "honours.error.awardee_kind"));
        }
        let awardee_name = self.awardee_name.trim().to_string();
        if awardee_name.chars().count() < 2 || awardee_name.chars().count() > 200 {
            errs.push(("awardee_name", "honours.error.awardee_name"));
        }
        if errs.is_empty() {
            Ok(HonourInput {
                unit_id,
                title,
                level: self.level.trim().into(),
                year,
                awardee_kind: self.awardee_kind.trim().into(),
                awardee_name,
                awarding_body: self.awarding_body.trim().chars().take(200).collect(),
            })
        } else {
            Err(errs)
        }
    }
}

/// The policy-document form (registration and edit).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub issued_on: String,
    /// Edits only.
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentInput {
    pub title: String,
    pub doc_number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
}

impl DocumentForm {
    /// A title of 2–200 characters and the date it was issued (not after today).
    pub fn validate(&self, today: NaiveDate) -> Result<DocumentInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 200 {
            errs.push(("title", "documents.invalid.title"));
        }
        let issued_on = parse_date(&self.issued_on).filter(|d| *d <= today);
        if issued_on.is_none() {
            errs.push(("issued_on", date_problem(&self.issued_on, "documents.invalid.issued_on")));
        }
        match issued_on {
            Some(issued_on) if errs.is_empty() => Ok(DocumentInput {
                title,
                doc_number: self.doc_number.trim().chars().take(100).collect(),
                issuer: self.issuer.trim().chars().take(200).collect(),
                issued_on,
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_exact_tenths() {
        assert_eq!(parse_hours("12.5"), Some(125));
        assert_eq!(parse_hours("3"), Some(30));
        assert_eq!(parse_hours(""), Some(0));
        assert_eq!(parse_hours("1.25"), None);
        assert_eq!(parse_hours("-1"), None);
        assert_eq!(parse_hours("abc"), None);
    }

    #[test]
    fn forms_report_each_field() {
        let e = EventForm { kind: "party".into(), ..EventForm::default() }.validate().unwrap_err();
        let fields: Vec<_> = e.iter().map(|x| x.0).collect();
        assert_eq!(fields, vec!["unit_id", "kind", "title", "held_on"]);
        let h = HonourForm {
            unit_id: "1".into(),
            title: "江苏省党建引领社会工作服务示范点".into(),
            level: "provincial".into(),
            year: "2022".into(),
            awardee_kind: "station".into(),
            awardee_name: "高新区亭林社工站".into(),
            ..HonourForm::default()
        };
        assert_eq!(h.validate().expect("valid").year, 2022);
    }

    #[test]
    fn an_empty_date_is_required_not_wrong() {
        let e = EventForm { held_on: " ".into(), ..EventForm::default() }.validate().unwrap_err();
        assert!(e.contains(&("held_on", "common.required")), "{e:?}");
        let e = EventForm { held_on: "2022-02-30".into(), ..EventForm::default() }.validate().unwrap_err();
        assert!(e.contains(&("held_on", "events.error.date")), "{e:?}");
        let today = NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
        let d = DocumentForm { title: "办法".into(), ..DocumentForm::default() };
        assert_eq!(d.validate(today).unwrap_err(), vec![("issued_on", "common.required")]);
        let later = DocumentForm { issued_on: "2023-01-01".into(), ..d.clone() };
        assert_eq!(later.validate(today).unwrap_err(), vec![("issued_on", "documents.invalid.issued_on")]);
        let ok = DocumentForm { issued_on: "2022年3月1日".into(), ..d };
        assert_eq!(ok.validate(today).expect("valid").issued_on, NaiveDate::from_ymd_opt(2022, 3, 1).expect("d"));
    }
}
