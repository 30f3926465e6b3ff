//! Types and rules of the talent domain: fund ledger entries, social workers (their ID numbers
//! parsed into [`cncodes::IdNumber`]) and award programmes.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::orgs::model::{date_problem, parse_date};
use crate::platform::money::Amount;

/// A ledger entry as typed in the form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub entry_on: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub counterparty: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub approval_ref: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryInput {
    pub kind: String,
    pub entry_on: NaiveDate,
    pub amount_fen: Amount,
    pub counterparty: String,
    pub purpose: String,
    pub approval_ref: String,
}

impl EntryForm {
    /// A contribution needs who gave; a grant needs to whom, its purpose and its approval.
    pub fn validate(&self, today: NaiveDate) -> Result<EntryInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let kind = self.kind.trim();
        if kind != "contribution" && kind != "grant" {
            errs.push(("kind", "fund.error.kind"));
        }
        let entry_on = parse_date(&self.entry_on).filter(|d| *d <= today);
        if entry_on.is_none() {
            errs.push(("entry_on", date_problem(&self.entry_on, "fund.error.date")));
        }
        let amount = match Amount::parse_yuan(&self.amount) {
            Ok(a) if a.is_positive() => Some(a),
            Ok(_) => {
                errs.push(("amount", "fund.error.amount"));
                None
            }
            Err(e) => {
                errs.push(("amount", e.key("fund.error.amount")));
                None
            }
        };
        let counterparty = self.counterparty.trim().to_string();
        if counterparty.chars().count() < 2 || counterparty.chars().count() > 100 {
            errs.push(("counterparty", "fund.error.counterparty"));
        }
        let purpose: String = self.purpose.trim().chars().take(500).collect();
        let approval_ref: String = self.approval_ref.trim().chars().take(100).collect();
        if kind == "grant" {
            if purpose.is_empty() {
                errs.push(("purpose", "fund.error.purpose"));
            }
            if approval_ref.is_empty() {
                errs.push(("approval_ref", "fund.error.approval"));
            }
        }
        match (entry_on, amount) {
            (Some(entry_on), Some(amount)) if errs.is_empty() => Ok(EntryInput {
                kind: kind.to_string(),
                entry_on,
                amount_fen: amount,
                counterparty,
                purpose,
                approval_ref,
            }),
            _ => Err(errs),
        }
    }
}

pub const LEVELS: [&str; 3] = ["assistant", "social_worker", "senior"];
pub const EDUCATION: [&str; 5] = ["high_school", "college", "bachelor", "master", "doctor"];

/// The years an exam result may carry: 1990 to next year (results are published the year after
/// the exam at the latest).
pub fn exam_years(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    1990..=today.year() + 1
}

/// The social-worker form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WorkerForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub exam_year: String,
    #[serde(default)]
    pub certificate_no: String,
    /// The employing agency (a registered organisation), if any.
    #[serde(default)]
    pub employer_org_id: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

/// A checked worker. Serialised (into audit rows) masked: the ID number and phone as shown to
/// roles without the reveal right, the year of birth instead of the date.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerInput {
    pub name: String,
    #[serde(serialize_with = "ser_id_number")]
    pub id_number: cncodes::IdNumber,
    pub gender: String,
    #[serde(rename = "birth_year", serialize_with = "crate::platform::pii::ser_birth_year")]
    pub birth_date: NaiveDate,
    #[serde(serialize_with = "crate::platform::pii::ser_phone")]
    pub phone: Option<String>,
    pub unit_id: i64,
    pub education: String,
    pub employer_org_id: Option<i64>,
    /// (level, exam year, certificate number)
    pub qualification: Option<(String, i32, String)>,
}

/// An ID number as roles without the reveal right see it ([`crate::platform::pii::ser_id`]).
fn ser_id_number<S: serde::Serializer>(id: &cncodes::IdNumber, s: S) -> Result<S::Ok, S::Error> {
    crate::platform::pii::ser_id(id.as_str(), s)
}

impl WorkerForm {
    /// The ID number must pass the GB 11643 check and agree with the gender given; the birth
    /// date is taken from it.
    pub fn validate(&self, today: NaiveDate) -> Result<WorkerInput, crate::platform::web::Problems> {
        let mut errs = crate::platform::web::Problems::default();
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 30 {
            errs.push(("name", "workers.error.name", String::new()));
        }
        let id = match cncodes::IdNumber::parse(&self.id_number) {
            Ok(id) => Some(id),
            Err(e) => {
                errs.push(("id_number", "workers.error.id_number", e));
                None
            }
        };
        let gender = self.gender.trim();
        if gender != "male" && gender != "female" {
            errs.push(("gender", "workers.error.gender", String::new()));
        }
        let birth_date =
            id.as_ref().and_then(|i| i.birth_date_parts()).and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        if let Some(i) = &id {
            let id_gender = match i.gender() {
                cncodes::Gender::Male => "male",
                cncodes::Gender::Female => "female",
            };
            if (gender == "male" || gender == "female") && gender != id_gender {
                errs.push(("gender", "workers.error.gender_mismatch", String::new()));
            }
            if birth_date.is_none_or(|b| b > today) {
                errs.push(("id_number", "workers.error.birth", String::new()));
            }
        }
        let phone = crate::users::model::parse_phone(&self.phone).unwrap_or_else(|k| {
            errs.push(("phone", k, String::new()));
            None
        });
        let unit_id = self.unit_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
            0
        });
        let education = self.education.trim().to_string();
        if !education.is_empty() && !EDUCATION.contains(&education.as_str()) {
            errs.push(("education", "workers.error.education", String::new()));
        }
        let qualification = match self.level.trim() {
            "" => {
                if !self.exam_year.trim().is_empty() {
                    errs.push(("level", "workers.error.level_needed", String::new()));
                }
                None
            }
            level if LEVELS.contains(&level) => match self.exam_year.trim().parse::<i32>() {
                Ok(y) if exam_years(today).contains(&y) => {
                    Some((level.to_string(), y, self.certificate_no.trim().chars().take(50).collect()))
                }
                _ => {
                    errs.push(("exam_year", "workers.error.exam_year", self.exam_year.trim().to_string()));
                    None
                }
            },
            _ => {
                errs.push(("level", "workers.error.level", String::new()));
                None
            }
        };
        match (id, birth_date) {
            (Some(id), Some(birth_date)) if errs.is_empty() => Ok(WorkerInput {
                name,
                id_number: id,
                gender: gender.to_string(),
                birth_date,
                phone,
                unit_id,
                education,
                employer_org_id: self.employer_org_id.trim().parse::<i64>().ok(),
                qualification,
            }),
            _ => Err(errs),
        }
    }
}

/// The statuses of an award programme, in order: nominations open → review with scores →
/// decided within the quota → published (the winners enter the honours register).
pub const PROGRAMME_STATUSES: [&str; 4] = ["open", "review", "decided", "published"];

/// A new award programme as typed in the form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProgrammeForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub edition: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub quota: String,
}

/// A checked programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeInput {
    pub title: String,
    /// One of the honour levels (`events::model::HONOUR_LEVELS`).
    pub level: String,
    pub edition: i32,
    pub year: i32,
    pub quota: i32,
}

impl ProgrammeForm {
    /// A title of 2–200 characters, a known honour level, edition 1–100, year 2000–2100 and a
    /// quota of 1–1000; the form has one message for all of them.
    pub fn validate(&self) -> Option<ProgrammeInput> {
        let title = self.title.trim().to_string();
        let edition = self.edition.trim().parse::<i32>().ok().filter(|e| (1..=100).contains(e))?;
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))?;
        let quota = self.quota.trim().parse::<i32>().ok().filter(|q| (1..=1000).contains(q))?;
        let level_ok = crate::events::model::HONOUR_LEVELS.contains(&self.level.as_str());
        (level_ok && (2..=200).contains(&title.chars().count())).then(|| ProgrammeInput {
            title,
            level: self.level.clone(),
            edition,
            year,
            quota,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_id_numbers_agree_with_gender() {
        let today = NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
        let id = cncodes::IdNumber::complete("32058319900101123").expect("id");
        let f = WorkerForm {
            name: "陈晓".into(),
            id_number: id.as_str().into(),
            gender: "female".into(),
            unit_id: "1".into(),
            level: "social_worker".into(),
            exam_year: "2022".into(),
            ..WorkerForm::default()
        };
        let errs = f.validate(today).unwrap_err();
        assert_eq!(errs[0].1, "workers.error.gender_mismatch", "digit 17 is odd: male");
        let ok = WorkerForm { gender: "male".into(), ..f };
        let w = ok.validate(today).expect("valid");
        assert_eq!(w.birth_date, NaiveDate::from_ymd_opt(1990, 1, 1).expect("d"));
        assert_eq!(w.qualification.as_ref().map(|q| q.1), Some(2022));
        // What the audit log keeps: mask, year of birth, masked phone; never the number or date.
        let json =
            serde_json::to_string(&WorkerInput { phone: Some("13611112222".into()), ..w.clone() }).expect("json");
        assert!(
            json.contains(&id.masked()) && json.contains("\"birth_year\":1990") && json.contains("136****2222"),
            "{json}"
        );
        assert!(!json.contains(id.as_str()) && !json.contains("1990-01-01") && !json.contains("13611112222"), "{json}");
        let mut bad = ok.id_number.clone();
        bad.replace_range(3..4, if &bad[3..4] == "5" { "6" } else { "5" });
        assert!(WorkerForm { id_number: bad, ..ok }.validate(today).is_err());
    }

    #[test]
    fn exam_years_run_from_1990_to_next_year() {
        let today = NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
        let id = cncodes::IdNumber::complete("32058319900101123").expect("id");
        let f = |y: &str, level: &str| WorkerForm {
            name: "陈晓".into(),
            id_number: id.as_str().into(),
            gender: "male".into(),
            unit_id: "1".into(),
            level: level.into(),
            exam_year: y.into(),
            ..WorkerForm::default()
        };
        for ok in ["1990", "2023"] {
            assert_eq!(f(ok, "assistant").validate(today).expect(ok).qualification.map(|q| q.1), ok.parse().ok());
        }
        for bad in ["1989", "2024", "20222", "1850", "abc", ""] {
            let errs = f(bad, "assistant").validate(today).unwrap_err();
            assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), vec!["exam_year"], "{bad}");
        }
        let errs = f("2022", "").validate(today).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.1).collect::<Vec<_>>(), vec!["workers.error.level_needed"]);
    }

    #[test]
    fn grants_need_purpose_and_approval() {
        let today = NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
        let c = EntryForm {
            kind: "contribution".into(),
            entry_on: "2022-03-18".into(),
            amount: "1,000,000".into(),
            counterparty: "昆山市慈善总会".into(),
            ..EntryForm::default()
        };
        assert_eq!(c.validate(today).expect("valid").amount_fen.fen(), 100_000_000);
        let g = EntryForm { kind: "grant".into(), ..c.clone() };
        let errs: Vec<_> = g.validate(today).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(errs, vec!["purpose", "approval_ref"]);
        let bad = EntryForm { amount: "12.345".into(), entry_on: "2023-01-01".into(), ..c };
        let errs: Vec<_> = bad.validate(today).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(errs, vec!["entry_on", "amount"]);
    }

    #[test]
    fn programmes_are_checked_whole() {
        let f = ProgrammeForm {
            title: " 昆山市优秀社工 ".into(),
            level: crate::events::model::HONOUR_LEVELS[0].into(),
            edition: "3".into(),
            year: "2022".into(),
            quota: "10".into(),
        };
        let p = f.validate().expect("valid");
        assert_eq!((p.title.as_str(), p.edition, p.year, p.quota), ("昆山市优秀社工", 3, 2022, 10));
        for bad in [
            ProgrammeForm { title: "优".into(), ..f.clone() },
            ProgrammeForm { level: "galaxy".into(), ..f.clone() },
            ProgrammeForm { edition: "0".into(), ..f.clone() },
            ProgrammeForm { year: "1999".into(), ..f.clone() },
            ProgrammeForm { quota: "1001".into(), ..f.clone() },
        ] {
            assert!(bad.validate().is_none(), "{bad:?}");
        }
    }
}
