//! Rules of stations and their staff: the tier follows the unit's depth, forms are parsed into
//! inputs here (no I/O).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::orgs::model::{date_problem, parse_contact_phone, parse_date};
use crate::platform::xlsx::{ColKind, Column};

/// The three tiers, top down: 市社工总站, 区镇社工站, 社区(村)社工室.
pub const TIERS: [&str; 3] = ["city", "town", "community"];
/// Posts at a station: 站长, 专职社工, 兼职, 志愿者.
pub const POSTS: [&str; 4] = ["head", "full_time", "part_time", "volunteer"];

/// The columns of the station list export (phones masked), in tree order.
pub const EXPORT_COLUMNS: &[Column] = &[
    Column { key: "tier", zh: "层级", en: "Tier", kind: ColKind::Text, required: true },
    Column { key: "name", zh: "站点名称", en: "Station", kind: ColKind::Text, required: true },
    Column { key: "unit", zh: "所属单位", en: "Unit", kind: ColKind::Text, required: true },
    Column { key: "address", zh: "地址", en: "Address", kind: ColKind::Text, required: false },
    Column { key: "opened_on", zh: "建站日期", en: "Opened on", kind: ColKind::Date, required: false },
    Column { key: "manager", zh: "负责人", en: "Manager", kind: ColKind::Text, required: false },
    Column { key: "phone", zh: "联系电话", en: "Phone", kind: ColKind::Code, required: false },
    Column { key: "party_org", zh: "党组织", en: "Party organisation", kind: ColKind::Text, required: false },
    Column { key: "instructor", zh: "党建指导员", en: "Party instructor", kind: ColKind::Text, required: false },
    Column { key: "staff", zh: "在岗人数", en: "People", kind: ColKind::Integer, required: true },
];

/// The tier of a station at a unit of this kind, by the units' own rule
/// ([`crate::units::model::UnitKind::tier`]: city, district/town/street, community/village/other).
pub fn tier_of_kind(kind: &str) -> Option<&'static str> {
    let tier = crate::units::model::UnitKind::parse(kind)?.tier();
    TIERS.get(usize::from(tier).checked_sub(1)?).copied()
}

/// The station form (create and edit; the unit is fixed once the station exists).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StationForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub opened_on: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub party_org_id: String,
    #[serde(default)]
    pub party_instructor: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

/// A checked station. The phone is serialised masked (audit rows carry it so).
#[derive(Debug, Clone, Serialize)]
pub struct StationInput {
    pub unit_id: i64,
    pub name: String,
    pub address: String,
    pub opened_on: Option<NaiveDate>,
    pub manager: String,
    #[serde(serialize_with = "crate::platform::pii::ser_phone")]
    pub phone: Option<String>,
    pub description: String,
    pub party_org_id: Option<i64>,
    pub party_instructor: String,
}

impl StationInput {
    /// What the audit log keeps: every field, the phone masked.
    pub fn audit(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl StationForm {
    /// Checks every field. Unit scope, tier, "one station per unit" and the Party organisation
    /// are checked against the database by the handler.
    pub fn validate(&self, today: NaiveDate) -> Result<StationInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let unit_id = self.unit_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errs.push(("unit_id", "orgs.error.unit"));
            0
        });
        let name = self.name.trim().to_string();
        if !(2..=100).contains(&name.chars().count()) {
            errs.push(("name", "stations.error.name"));
        }
        let opened_on = match self.opened_on.trim() {
            "" => None,
            s => match parse_date(s).filter(|d| *d <= today) {
                Some(d) => Some(d),
                None => {
                    errs.push(("opened_on", "stations.error.opened_on"));
                    None
                }
            },
        };
        let phone = parse_contact_phone(&self.phone).unwrap_or_else(|k| {
            errs.push(("phone", k));
            None
        });
        let party_org_id = match self.party_org_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.push(("party_org_id", "stations.error.party_org"));
                    None
                }
            },
        };
        let manager: String = self.manager.trim().chars().take(30).collect();
        let party_instructor: String = self.party_instructor.trim().chars().take(30).collect();
        if errs.is_empty() {
            Ok(StationInput {
                unit_id,
                name,
                address: self.address.trim().chars().take(200).collect(),
                opened_on,
                manager,
                phone,
                description: self.description.trim().chars().take(2000).collect(),
                party_org_id,
                party_instructor,
            })
        } else {
            Err(errs)
        }
    }
}

/// Adding a person to a station: a social worker of the register, or a name.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    pub worker_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub from_on: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffInput {
    pub worker_id: Option<i64>,
    /// Empty when a worker is chosen (the register holds the name).
    pub name: String,
    pub post: String,
    pub from_on: NaiveDate,
}

impl StaffForm {
    pub fn validate(&self, today: NaiveDate) -> Result<StaffInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let worker_id = match self.worker_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.push(("worker_id", "stations.error.worker"));
                    None
                }
            },
        };
        let name = self.name.trim().to_string();
        if worker_id.is_none() && !(2..=30).contains(&name.chars().count()) {
            errs.push(("name", "stations.error.staff_name"));
        }
        if !POSTS.contains(&self.post.trim()) {
            errs.push(("post", "stations.error.post"));
        }
        let from_on = parse_date(&self.from_on).filter(|d| *d <= today);
        if from_on.is_none() {
            errs.push(("from_on", date_problem(&self.from_on, "stations.error.from_on")));
        }
        match from_on {
            Some(from_on) if errs.is_empty() => Ok(StaffInput {
                worker_id,
                name: if worker_id.is_some() { String::new() } else { name },
                post: self.post.trim().to_string(),
                from_on,
            }),
            _ => Err(errs),
        }
    }
}

/// Ending a person's time at a station.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub staff_id: String,
    #[serde(default)]
    pub to_on: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 12, 31).expect("date")
    }

    #[test]
    fn tiers_follow_depth() {
        assert_eq!(tier_of_kind("city"), Some("city"));
        assert_eq!(tier_of_kind("town"), Some("town"));
        assert_eq!(tier_of_kind("district"), Some("town"));
        assert_eq!(tier_of_kind("village"), Some("community"));
        assert_eq!(tier_of_kind("nonsense"), None);
    }

    #[test]
    fn station_form_reports_each_field() {
        let f = StationForm {
            unit_id: "x".into(),
            name: "站".into(),
            opened_on: "2022-13-01".into(),
            phone: "123".into(),
            party_org_id: "abc".into(),
            ..StationForm::default()
        };
        let fields: Vec<_> = f.validate(today()).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["unit_id", "name", "opened_on", "phone", "party_org_id"]);
        let ok = StationForm {
            unit_id: "3".into(),
            name: " 周市镇社工站 ".into(),
            opened_on: "2021年6月1日".into(),
            phone: "0512-57601234".into(),
            ..StationForm::default()
        };
        let i = ok.validate(today()).expect("valid");
        assert_eq!(i.name, "周市镇社工站");
        assert_eq!(i.opened_on, NaiveDate::from_ymd_opt(2021, 6, 1));
        assert!(!i.audit().to_string().contains("57601234"), "the audit copy is masked");
        let future = StationForm { opened_on: "2023-01-01".into(), ..ok };
        assert!(future.validate(today()).is_err(), "not opened in the future");
    }

    #[test]
    fn staff_need_a_worker_or_a_name() {
        let f = StaffForm { post: "volunteer".into(), from_on: "2022-03-01".into(), ..StaffForm::default() };
        let fields: Vec<_> = f.validate(today()).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["name"]);
        let w = StaffForm { worker_id: "7".into(), name: "ignored".into(), ..f.clone() };
        let i = w.validate(today()).expect("valid");
        assert_eq!((i.worker_id, i.name.as_str()), (Some(7), ""));
        let bad = StaffForm { post: "boss".into(), from_on: "soon".into(), name: "王芳".into(), ..f };
        let fields: Vec<_> = bad.validate(today()).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["post", "from_on"]);
    }
}
