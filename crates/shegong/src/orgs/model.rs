//! Rules of the social-organisation registry: types, statuses, grades, the unified social credit
//! code (which must match the type and the unit's division), and Party organisations.

use chrono::{Datelike, NaiveDate};
use cncodes::{CreditCode, CreditOrgType};
use serde::{Deserialize, Serialize, Serializer};

use crate::platform::web::Problems;

/// 社会团体 / 社会服务机构 / 基金会.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgType {
    SocialGroup,
    ServiceInstitution,
    Foundation,
}

impl OrgType {
    pub const ALL: [OrgType; 3] = [OrgType::SocialGroup, OrgType::ServiceInstitution, OrgType::Foundation];
    pub fn code(self) -> &'static str {
        match self {
            OrgType::SocialGroup => "social_group",
            OrgType::ServiceInstitution => "service_institution",
            OrgType::Foundation => "foundation",
        }
    }
    pub fn parse(s: &str) -> Option<OrgType> {
        OrgType::ALL.into_iter().find(|t| t.code() == s)
    }
    pub fn label_key(self) -> String {
        format!("orgs.type.{}", self.code())
    }
    /// Only a service institution (社会服务机构) can be a social-work agency (社工机构).
    pub fn may_be_agency(self) -> bool {
        self == OrgType::ServiceInstitution
    }
    /// The type character 2 of a civil-affairs credit code must show.
    pub fn matches(self, code: &CreditCode) -> bool {
        matches!(
            (self, code.org_type()),
            (OrgType::SocialGroup, CreditOrgType::SocialGroup)
                | (OrgType::ServiceInstitution, CreditOrgType::ServiceInstitution)
                | (OrgType::Foundation, CreditOrgType::Foundation)
        )
    }
}

/// Serialised as its code (`"service_institution"`), as the audit rows always held it.
impl Serialize for OrgType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A credit code serialised as its text (audit rows hold the code as a string).
pub fn ser_credit_code<S: Serializer>(c: &CreditCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

/// 正常 / 注销 / 撤销.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgStatus {
    Normal,
    Deregistered,
    Revoked,
}

impl OrgStatus {
    pub const ALL: [OrgStatus; 3] = [OrgStatus::Normal, OrgStatus::Deregistered, OrgStatus::Revoked];
    pub fn code(self) -> &'static str {
        match self {
            OrgStatus::Normal => "normal",
            OrgStatus::Deregistered => "deregistered",
            OrgStatus::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<OrgStatus> {
        OrgStatus::ALL.into_iter().find(|t| t.code() == s)
    }
    pub fn label_key(self) -> String {
        format!("orgs.status.{}", self.code())
    }
}

pub const GRADES: [&str; 5] = ["1A", "2A", "3A", "4A", "5A"];

/// Whether the division in a credit code (characters 3–8) lies inside the unit: compared with
/// the county-level prefix of the nearest division code on the unit's path (unit first, then
/// its ancestors). Units without any division code accept any division.
pub fn division_matches(code: &CreditCode, unit_divisions: &[String]) -> bool {
    match unit_divisions.iter().find(|d| d.len() >= 6) {
        Some(d) => {
            let county = &d[..6];
            // A prefecture-level unit (e.g. 320500) covers its counties (3205xx).
            let prefix = county.trim_end_matches("00");
            code.division().starts_with(if prefix.len() >= 4 { prefix } else { county })
        }
        None => true,
    }
}

/// The registry form (create and edit).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub org_type: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub registered_on: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub grade_year: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub legal_rep: String,
    #[serde(default)]
    pub business_scope: String,
    #[serde(default)]
    pub contact_phone: String,
    /// The social-work agency checkbox (`yes` when ticked); only a service institution may be one.
    #[serde(default)]
    pub is_agency: String,
    /// The date a change takes effect (edits only); today when empty.
    #[serde(default)]
    pub changed_on: String,
    /// Set when the user confirms that a flagged possible duplicate is a different organisation.
    #[serde(default)]
    pub not_duplicate: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

/// Valid registry input.
#[derive(Debug, Clone, Serialize)]
pub struct OrgInput {
    #[serde(serialize_with = "ser_credit_code")]
    pub credit_code: CreditCode,
    pub name: String,
    pub org_type: OrgType,
    pub department_id: Option<i64>,
    pub unit_id: i64,
    pub registered_on: NaiveDate,
    pub grade: Option<String>,
    pub grade_year: Option<i32>,
    pub address: String,
    pub legal_rep: String,
    pub business_scope: String,
    /// Serialised masked: inputs are serialised into audit rows.
    #[serde(serialize_with = "crate::platform::pii::ser_phone")]
    pub contact_phone: Option<String>,
    /// A social-work agency (社工机构): set by the registry, never derived from the name.
    pub is_agency: bool,
}

/// Parses a date as people type it: 2022-06-01, 2022/6/1, 2022.6.1, 2022年6月1日, 20220601.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim().replace(['年', '月', '/', '.'], "-").replace('日', "");
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&t, "%Y%m%d").ok();
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()
}

/// Checks a phone: an 11-digit mobile or a landline such as 0512-57301234.
pub fn parse_contact_phone(s: &str) -> Result<Option<String>, &'static str> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Ok(None);
    }
    let digits: String = t.chars().filter(|c| *c != '-').collect();
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = (10..=12).contains(&digits.len()) && digits.starts_with('0');
    if digits.bytes().all(|b| b.is_ascii_digit()) && (mobile || landline) {
        Ok(Some(t))
    } else {
        Err("orgs.error.phone")
    }
}

impl OrgForm {
    /// Checks every field; the credit-code problem says which character is wrong.
    pub fn validate(&self, today: NaiveDate) -> Result<OrgInput, Problems> {
        let mut errs = Problems::default();
        let org_type = OrgType::parse(self.org_type.trim());
        if org_type.is_none() {
            errs.push(("org_type", "orgs.error.org_type", String::new()));
        }
        let code = match CreditCode::parse(&self.credit_code) {
            Ok(c) => Some(c),
            Err(e) => {
                errs.push(("credit_code", "orgs.error.credit_code", e));
                None
            }
        };
        if let Some(c) = &code {
            if c.authority() != '5' {
                errs.push(("credit_code", "orgs.error.not_civil_affairs", c.authority().to_string()));
            } else if let Some(t) = org_type {
                if !t.matches(c) {
                    errs.push(("credit_code", "orgs.error.type_mismatch", c.as_str()[1..2].to_string()));
                }
            }
        }
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errs.push(("name", "orgs.error.name", String::new()));
        }
        let unit_id = self.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
        }
        let department_id = match self.department_id.trim() {
            "" => None,
            d => match d.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.push(("department_id", "orgs.error.department", String::new()));
                    None
                }
            },
        };
        let registered_on = match parse_date(&self.registered_on) {
            Some(d) if d <= today && d.format("%Y").to_string().as_str() >= "1949" => Some(d),
            _ => {
                let key = date_problem(&self.registered_on, "orgs.error.registered_on");
                errs.push(("registered_on", key, self.registered_on.trim().to_string()));
                None
            }
        };
        let grade = match self.grade.trim().to_ascii_uppercase().as_str() {
            "" => None,
            g if GRADES.contains(&g) => Some(g.to_string()),
            other => {
                errs.push(("grade", "orgs.error.grade", other.to_string()));
                None
            }
        };
        let grade_year = match self.grade_year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(v) if (2000..=2100).contains(&v) => Some(v),
                _ => {
                    errs.push(("grade_year", "orgs.error.grade_year", y.to_string()));
                    None
                }
            },
        };
        if grade.is_some() && grade_year.is_none() {
            errs.push(("grade_year", "orgs.error.grade_year", String::new()));
        }
        let contact_phone = parse_contact_phone(&self.contact_phone).unwrap_or_else(|k| {
            errs.push(("contact_phone", k, String::new()));
            None
        });
        let is_agency = self.is_agency.trim() == "yes";
        if is_agency && org_type.is_some_and(|t| !t.may_be_agency()) {
            errs.push(("is_agency", "orgs.error.agency_type", String::new()));
        }
        match (code, org_type, unit_id, registered_on) {
            (Some(code), Some(t), Some(unit_id), Some(registered_on)) if errs.is_empty() => Ok(OrgInput {
                credit_code: code,
                name,
                org_type: t,
                department_id,
                unit_id,
                registered_on,
                grade,
                grade_year: grade_year.filter(|_| self.grade.trim().len() == 2),
                address: self.address.trim().chars().take(200).collect(),
                legal_rep: self.legal_rep.trim().chars().take(50).collect(),
                business_scope: self.business_scope.trim().chars().take(1000).collect(),
                contact_phone,
                is_agency,
            }),
            _ => Err(errs),
        }
    }
}

/// A name with the city prefix and organisation-form words removed, to find likely duplicates
/// ("昆山市周市镇老年人协会" and "周市镇老年协会" are both "周市镇老年").
pub fn name_core(name: &str) -> String {
    let mut s: String = name.chars().filter(|c| !c.is_whitespace() && !"（）()·、，,.-—".contains(*c)).collect();
    for prefix in ["昆山市", "昆山"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    for suffix in [
        "社会工作服务中心",
        "服务中心",
        "协会",
        "学会",
        "商会",
        "联合会",
        "促进会",
        "研究会",
        "基金会",
        "服务社",
        "中心",
        "人",
    ] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.to_string();
        }
    }
    s
}

/// 党委 / 党总支 / 党支部 / 联合党支部.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyOrgKind {
    Committee,
    GeneralBranch,
    Branch,
    JointBranch,
}

impl PartyOrgKind {
    pub const ALL: [PartyOrgKind; 4] =
        [PartyOrgKind::Committee, PartyOrgKind::GeneralBranch, PartyOrgKind::Branch, PartyOrgKind::JointBranch];
    pub fn code(self) -> &'static str {
        match self {
            PartyOrgKind::Committee => "committee",
            PartyOrgKind::GeneralBranch => "general_branch",
            PartyOrgKind::Branch => "branch",
            PartyOrgKind::JointBranch => "joint_branch",
        }
    }
    pub fn parse(s: &str) -> Option<PartyOrgKind> {
        PartyOrgKind::ALL.into_iter().find(|t| t.code() == s)
    }
    pub fn label_key(self) -> String {
        format!("party.kind.{}", self.code())
    }
}

impl Serialize for PartyOrgKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The message key for a required date field that failed its check: "common.required" when
/// nothing was typed (an empty field is not a wrong date), else `invalid`.
pub fn date_problem(typed: &str, invalid: &'static str) -> &'static str {
    if typed.trim().is_empty() {
        "common.required"
    } else {
        invalid
    }
}

/// A Party organisation as typed: an organisation's own (党委/党总支/党支部), a joint branch
/// (with the credit codes it covers), or the edit form (with `dissolved_on` and `version`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub secretary: String,
    #[serde(default)]
    pub established_on: String,
    /// Edits only: the date the Party organisation was dissolved (empty: still active).
    #[serde(default)]
    pub dissolved_on: String,
    #[serde(default)]
    pub in_action_plan: String,
    #[serde(default)]
    pub unit_id: String,
    /// Joint branches: the credit codes of the covered organisations, one per line.
    #[serde(default)]
    pub codes: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

/// A checked Party organisation (what the audit row records).
#[derive(Debug, Clone, Serialize)]
pub struct PartyInput {
    pub name: String,
    pub kind: PartyOrgKind,
    pub members: i32,
    pub secretary: String,
    pub established_on: NaiveDate,
    pub dissolved_on: Option<NaiveDate>,
    pub in_action_plan: bool,
}

impl PartyForm {
    /// A name of 2–100 characters, a known kind, at least 3 members, a founding date not after
    /// today and, when given, a dissolution between the founding and today.
    pub fn validate(&self, today: NaiveDate) -> Result<PartyInput, Problems> {
        let mut errs = Problems::default();
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errs.push(("name", "party.error.name", String::new()));
        }
        let kind = PartyOrgKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(("kind", "party.error.kind", String::new()));
        }
        let members = match self.members.trim().parse::<i32>() {
            Ok(m) if (3..=10_000).contains(&m) => m,
            _ => {
                errs.push(("members", "party.error.members", self.members.trim().to_string()));
                0
            }
        };
        let established_on = parse_date(&self.established_on).filter(|d| *d <= today);
        if established_on.is_none() {
            let key = date_problem(&self.established_on, "party.error.established_on");
            errs.push(("established_on", key, self.established_on.trim().to_string()));
        }
        let dissolved_on = match self.dissolved_on.trim() {
            "" => None,
            s => {
                let d = parse_date(s).filter(|d| *d <= today && established_on.is_none_or(|e| *d >= e));
                if d.is_none() {
                    errs.push(("dissolved_on", "party.error.dissolved_on", s.to_string()));
                }
                d
            }
        };
        match (kind, established_on) {
            (Some(kind), Some(established_on)) if errs.is_empty() => Ok(PartyInput {
                name,
                kind,
                members,
                secretary: self.secretary.trim().chars().take(50).collect(),
                established_on,
                dissolved_on,
                in_action_plan: self.in_action_plan == "yes",
            }),
            _ => Err(errs),
        }
    }
}

/// A Party-building instructor as typed: the assignment form on an organisation's page and the
/// edit form (with `ended_on` and `version`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InstructorForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub assigned_on: String,
    /// Edits only: the date the assignment ended (empty: still assigned).
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub version: String,
}

/// A checked instructor (what the audit row records).
#[derive(Debug, Clone, Serialize)]
pub struct InstructorInput {
    pub name: String,
    pub assigned_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

impl InstructorForm {
    /// A name of 2–50 characters, an assignment not after today and, when given, an end between
    /// the assignment and today.
    pub fn validate(&self, today: NaiveDate) -> Result<InstructorInput, Problems> {
        let mut errs = Problems::default();
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 50 {
            errs.push(("name", "party.error.instructor", String::new()));
        }
        let assigned_on = parse_date(&self.assigned_on).filter(|d| *d <= today);
        if assigned_on.is_none() {
            let key = date_problem(&self.assigned_on, "party.error.assigned_on");
            errs.push(("assigned_on", key, self.assigned_on.trim().to_string()));
        }
        let ended_on = match self.ended_on.trim() {
            "" => None,
            s => {
                let d = parse_date(s).filter(|d| *d <= today && assigned_on.is_none_or(|a| *d >= a));
                if d.is_none() {
                    errs.push(("ended_on", "party.error.ended_on", s.to_string()));
                }
                d
            }
        };
        match assigned_on {
            Some(assigned_on) if errs.is_empty() => Ok(InstructorInput { name, assigned_on, ended_on }),
            _ => Err(errs),
        }
    }
}

/// Review results of an annual report: 合格 / 基本合格 / 不合格.
pub const REPORT_RESULTS: [&str; 3] = ["pass", "basic_pass", "fail"];
/// The Party-building section: none / own Party organisation / joint branch.
pub const REPORT_PARTY: [&str; 3] = ["none", "own", "joint"];

/// The years an organisation may report on: those already ended, from its registration year
/// (not before 2000), latest first.
pub fn report_years(registered_on: NaiveDate, today: NaiveDate) -> Vec<i32> {
    (registered_on.year().max(2000)..today.year()).rev().collect()
}

/// The annual report form an organisation (or the Bureau on its behalf) submits.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub submitted_on: String,
    #[serde(default)]
    pub party_status: String,
    #[serde(default)]
    pub party_members: String,
    #[serde(default)]
    pub party_activities: String,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportInput {
    pub year: i32,
    pub submitted_on: NaiveDate,
    pub party_status: String,
    pub party_members: i32,
    pub party_activities: i32,
    pub summary: String,
}

impl ReportForm {
    /// The report is for a year already ended, submitted after that year began.
    pub fn validate(&self, today: NaiveDate) -> Result<ReportInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let this_year: i32 = today.format("%Y").to_string().parse().unwrap_or(2100);
        let year =
            self.year.trim().parse::<i32>().ok().filter(|y| (2000..this_year).contains(y)).unwrap_or_else(|| {
                errs.push(("year", if self.year.trim().is_empty() { "common.required" } else { "reports.error.year" }));
                0
            });
        let submitted_on = parse_date(&self.submitted_on)
            .filter(|d| *d <= today && d.format("%Y").to_string().parse::<i32>().unwrap_or(0) > year);
        if submitted_on.is_none() {
            errs.push(("submitted_on", date_problem(&self.submitted_on, "reports.error.submitted_on")));
        }
        if !REPORT_PARTY.contains(&self.party_status.trim()) {
            errs.push(("party_status", "reports.error.party_status"));
        }
        let int = |s: &str, field: &'static str, errs: &mut Vec<(&'static str, &'static str)>| match s.trim() {
            "" => 0,
            v => v.parse::<i32>().ok().filter(|n| (0..=100_000).contains(n)).unwrap_or_else(|| {
                errs.push((field, "reports.error.number"));
                0
            }),
        };
        let party_members = int(&self.party_members, "party_members", &mut errs);
        let party_activities = int(&self.party_activities, "party_activities", &mut errs);
        if self.party_status.trim() != "none" && party_members == 0 && errs.is_empty() {
            errs.push(("party_members", "reports.error.members"));
        }
        match submitted_on {
            Some(submitted_on) if errs.is_empty() => Ok(ReportInput {
                year,
                submitted_on,
                party_status: self.party_status.trim().to_string(),
                party_members,
                party_activities,
                summary: self.summary.trim().chars().take(5000).collect(),
            }),
            _ => Err(errs),
        }
    }
}

/// The rules of a competent department's code and name (the form and the import): the code
/// 2–32 characters of `a-z 0-9 -`, the name 2–100 characters; the locale key of the problem.
pub fn check_department(code: &str, name: &str) -> Result<(), &'static str> {
    let valid_code = (2..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_code {
        Err("departments.error.code")
    } else if name.chars().count() < 2 || name.chars().count() > 100 {
        Err("departments.error.name")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::i18n::Lang;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 12, 31).expect("date")
    }

    fn form(code: &str, t: &str) -> OrgForm {
        OrgForm {
            credit_code: code.into(),
            name: "昆山市测试协会".into(),
            org_type: t.into(),
            unit_id: "1".into(),
            registered_on: "2015年3月8日".into(),
            ..OrgForm::default()
        }
    }

    #[test]
    fn credit_code_must_match_type_and_authority() {
        let group = CreditCode::complete("51320583MJ5123456").expect("code");
        let ok = form(group.as_str(), "social_group").validate(today()).expect("valid");
        assert_eq!(ok.registered_on, NaiveDate::from_ymd_opt(2015, 3, 8).expect("d"));
        let errs = form(group.as_str(), "foundation").validate(today()).unwrap_err();
        assert_eq!(errs[0].1, "orgs.error.type_mismatch");
        let company = CreditCode::complete("91320583MA1234567").expect("code");
        let errs = form(company.as_str(), "social_group").validate(today()).unwrap_err();
        assert_eq!(errs[0].1, "orgs.error.not_civil_affairs");
        let mut bad = group.as_str().to_string();
        bad.replace_range(17..18, if bad.ends_with('0') { "1" } else { "0" });
        let errs = form(&bad, "social_group").validate(today()).unwrap_err();
        assert_eq!(errs[0].0, "credit_code");
        // The detail says which character, in the reader's language only.
        let (zh, en) = (errs[0].2.render(Lang::Zh), errs[0].2.render(Lang::En));
        assert!(zh.contains("校验位") && !zh.contains("check"), "{zh}");
        assert!(en.contains("check character") && !en.contains("校验位"), "{en}");
    }

    #[test]
    fn division_inside_unit() {
        let ks = CreditCode::complete("51320583MJ5123456").expect("code");
        assert!(division_matches(&ks, &["320583102".into(), "320583".into()]));
        assert!(division_matches(&ks, &["320500".into()]), "Suzhou covers Kunshan");
        assert!(!division_matches(&ks, &["320585".into()]), "Taicang does not");
        assert!(division_matches(&ks, &[]));
    }

    #[test]
    fn dates_phones_grades() {
        assert_eq!(parse_date("2022/6/1"), NaiveDate::from_ymd_opt(2022, 6, 1));
        assert_eq!(parse_date("20220601"), NaiveDate::from_ymd_opt(2022, 6, 1));
        assert_eq!(parse_date("2022-02-30"), None);
        assert_eq!(parse_contact_phone("0512-57301234").expect("ok").as_deref(), Some("0512-57301234"));
        assert!(parse_contact_phone("12345").is_err());
        let mut f = form(CreditCode::complete("52320583MJ5123456").expect("c").as_str(), "service_institution");
        f.grade = "6A".into();
        assert!(f.validate(today()).unwrap_err().iter().any(|e| e.1 == "orgs.error.grade"));
        f.grade = "4a".into();
        assert!(f.validate(today()).unwrap_err().iter().any(|e| e.0 == "grade_year"), "a grade needs its year");
        f.grade_year = "2021".into();
        assert_eq!(f.validate(today()).expect("ok").grade.as_deref(), Some("4A"));
        f.registered_on = "2030-01-01".into();
        assert!(f.validate(today()).is_err(), "no registration in the future");
    }

    #[test]
    fn the_agency_flag_is_the_box_never_the_name() {
        let code = CreditCode::complete("52320583MJ5123456").expect("code");
        let mut f = form(code.as_str(), "service_institution");
        f.name = "昆山市阳光社工服务中心".into();
        assert!(!f.validate(today()).expect("valid").is_agency, "a 社工 name alone is not an agency");
        f.name = "昆山市夕阳红养老服务中心".into();
        f.is_agency = "yes".into();
        assert!(f.validate(today()).expect("valid").is_agency, "the ticked box makes an agency");
        let group = CreditCode::complete("51320583MJ5123456").expect("code");
        let mut g = form(group.as_str(), "social_group");
        g.is_agency = "yes".into();
        let errs = g.validate(today()).unwrap_err();
        assert_eq!(errs.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(), vec![("is_agency", "orgs.error.agency_type")]);
    }

    #[test]
    fn parsed_input_serialises_as_the_audit_rows_always_held_it() {
        let code = CreditCode::complete("52320583MJ5123456").expect("code");
        let input = form(code.as_str(), "service_institution").validate(today()).expect("valid");
        let v = serde_json::to_value(&input).expect("json");
        assert_eq!(v["credit_code"], serde_json::json!(code.as_str()));
        assert_eq!(v["org_type"], serde_json::json!("service_institution"));
        assert_eq!(v["is_agency"], serde_json::json!(false));
    }

    #[test]
    fn annual_reports_are_for_a_past_year() {
        let f = ReportForm {
            year: "2022".into(),
            submitted_on: "2023-03-01".into(),
            party_status: "own".into(),
            party_members: "12".into(),
            ..ReportForm::default()
        };
        let today = NaiveDate::from_ymd_opt(2023, 6, 1).expect("date");
        assert_eq!(f.validate(today).expect("valid").party_members, 12);
        let early = ReportForm { submitted_on: "2022-12-01".into(), ..f.clone() };
        assert!(early.validate(today).is_err(), "submitted before the year ended");
        let this_year = ReportForm { year: "2023".into(), ..f.clone() };
        assert!(this_year.validate(today).is_err());
        let no_members = ReportForm { party_members: "".into(), ..f };
        assert_eq!(no_members.validate(today).unwrap_err(), vec![("party_members", "reports.error.members")]);
    }

    #[test]
    fn name_cores_for_duplicates() {
        assert_eq!(name_core("昆山市周市镇老年人协会"), name_core("周市镇 老年人协会"));
        assert_eq!(name_core("昆山市阳光社会工作服务中心"), "阳光");
    }
}
