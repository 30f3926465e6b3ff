//! Rules of users and roles.

use serde::{Deserialize, Serialize};

use crate::platform::access::{AdminKind, DataScope, PERMISSIONS};

/// A username: 2–32 characters of a-z, 0-9, '.', '-', '_' (case-insensitive, stored lower case).
pub fn parse_username(s: &str) -> Result<String, &'static str> {
    let s = s.trim().to_ascii_lowercase();
    if s.len() < 2 || s.len() > 32 {
        return Err("users.error.username_length");
    }
    if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_') {
        return Err("users.error.username_chars");
    }
    Ok(s)
}

/// A mainland mobile number: 11 digits starting with 1 (spaces and dashes ignored).
pub fn parse_phone(s: &str) -> Result<Option<String>, &'static str> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(digits))
    } else {
        Err("users.error.phone")
    }
}

/// A user row as listed.
#[derive(Debug, Clone, Serialize, sea_orm::FromQueryResult)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when none); not part of audit rows.
    #[serde(skip)]
    pub unit_name_en: String,
    /// Serialised masked: user rows are serialised only into audit rows.
    #[serde(serialize_with = "crate::platform::pii::ser_phone")]
    pub phone: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i32,
    pub roles: Option<String>,
    /// The organisation (agency) the user works for; agency staff see its projects.
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
}

impl UserRow {
    pub fn phone_masked(&self) -> String {
        crate::platform::pii::phone_masked_opt(self.phone.as_deref())
    }
    pub fn is_locked(&self) -> bool {
        self.locked_until.is_some_and(|t| t > chrono::Utc::now())
    }
    pub fn last_login(&self) -> String {
        self.last_login_at
            .map(|t| t.with_timezone(&crate::platform::time::china()).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    }
}

/// The user form (create and edit).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    /// 所属机构: empty, or the id of a service institution in normal standing.
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub version: String,
    /// One-time token against double submission (create form only).
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    /// Serialised masked: inputs are serialised only into audit rows.
    #[serde(serialize_with = "crate::platform::pii::ser_phone")]
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Checked against the register by the caller ([`crate::services::agency_eligible`]).
    pub organisation_id: Option<i64>,
}

impl UserForm {
    pub fn validate(&self) -> Result<UserInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let username = parse_username(&self.username).unwrap_or_else(|k| {
            errs.push(("username", k));
            String::new()
        });
        let display_name = self.display_name.trim().to_string();
        if display_name.is_empty() || display_name.chars().count() > 50 {
            errs.push(("display_name", "users.error.display_name"));
        }
        let unit_id = self.unit_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errs.push(("unit_id", "users.error.unit"));
            0
        });
        let phone = parse_phone(&self.phone).unwrap_or_else(|k| {
            errs.push(("phone", k));
            None
        });
        let email = match self.email.trim() {
            "" => None,
            e if e.contains('@') && e.len() <= 100 && !e.contains(' ') => Some(e.to_string()),
            _ => {
                errs.push(("email", "users.error.email"));
                None
            }
        };
        let organisation_id = match self.organisation_id.trim() {
            "" => None,
            o => match o.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errs.push(("organisation_id", "users.error.organisation"));
                    None
                }
            },
        };
        if errs.is_empty() {
            Ok(UserInput { username, display_name, unit_id, phone, email, organisation_id })
        } else {
            Err(errs)
        }
    }
}

#[derive(Debug, Clone, Serialize, sea_orm::FromQueryResult)]
pub struct RoleRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub data_scope: String,
    pub admin_kind: Option<String>,
    pub builtin: bool,
    pub version: i32,
    pub users: i64,
}

impl RoleRow {
    pub fn scope_key(&self) -> String {
        format!("access.scope.{}", self.data_scope)
    }
}

/// The role editor: name, data scope, permissions, custom units.
#[derive(Debug, Clone, Serialize)]
pub struct RoleInput {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub data_scope: String,
    pub admin_kind: Option<String>,
    pub permissions: Vec<String>,
    pub units: Vec<i64>,
}

/// Parses the role form (a list of pairs, since permissions repeat).
pub fn parse_role_form(pairs: &[(String, String)]) -> Result<RoleInput, Vec<(&'static str, &'static str)>> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let mut errs = Vec::new();
    let code = get("code").to_ascii_lowercase();
    if code.len() < 2
        || code.len() > 32
        || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        errs.push(("code", "users.error.role_code"));
    }
    let name = get("name");
    if name.is_empty() || name.chars().count() > 50 {
        errs.push(("name", "users.error.role_name"));
    }
    let name_en = get("name_en");
    let data_scope = get("data_scope");
    if DataScope::parse(&data_scope).is_none() {
        errs.push(("data_scope", "users.error.data_scope"));
    }
    let admin_kind = match get("admin_kind").as_str() {
        "" => None,
        k if AdminKind::parse(k).is_some() => Some(k.to_string()),
        _ => {
            errs.push(("admin_kind", "users.error.admin_kind"));
            None
        }
    };
    let mut permissions: Vec<String> = pairs.iter().filter(|(n, _)| n == "perm").map(|(_, v)| v.clone()).collect();
    permissions.sort();
    permissions.dedup();
    if permissions.iter().any(|p| !PERMISSIONS.contains(&p.as_str())) {
        errs.push(("perm", "users.error.permission"));
    }
    // The three administrator duties are separated: one role holds at most one of them.
    let duties =
        ["users.write", "users.grant", "audit.read"].iter().filter(|d| permissions.iter().any(|p| p == *d)).count();
    if duties > 1 {
        errs.push(("perm", "users.error.duties"));
    }
    let units: Vec<i64> = pairs.iter().filter(|(n, _)| n == "unit").filter_map(|(_, v)| v.parse().ok()).collect();
    if data_scope == "custom" && units.is_empty() {
        errs.push(("unit", "users.error.custom_units"));
    }
    if errs.is_empty() {
        Ok(RoleInput { code, name, name_en, data_scope, admin_kind, permissions, units })
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_serialisation_masks_phones() {
        let input = UserInput {
            username: "li".into(),
            display_name: "李".into(),
            unit_id: 1,
            phone: Some("13812345678".into()),
            email: None,
            organisation_id: None,
        };
        let json = serde_json::to_string(&input).expect("json");
        assert!(json.contains("138****5678") && !json.contains("13812345678"), "{json}");
        let none = serde_json::to_value(UserInput { phone: None, ..input }).expect("json");
        assert!(none["phone"].is_null());
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn usernames_and_phones() {
        assert_eq!(parse_username(" Zhang.San ").expect("ok"), "zhang.san");
        assert!(parse_username("张三").is_err());
        assert!(parse_username("a").is_err());
        assert_eq!(parse_phone("138 1234 5678").expect("ok").as_deref(), Some("13812345678"));
        assert!(parse_phone("12345").is_err());
    }

    #[test]
    fn organisation_is_optional_but_must_be_an_id() {
        let form = |o: &str| UserForm {
            username: "li.si".into(),
            display_name: "李四".into(),
            unit_id: "1".into(),
            organisation_id: o.into(),
            ..UserForm::default()
        };
        assert_eq!(form("").validate().expect("ok").organisation_id, None);
        assert_eq!(form(" 7 ").validate().expect("ok").organisation_id, Some(7));
        for bad in ["x", "-3", "0"] {
            assert!(form(bad).validate().unwrap_err().contains(&("organisation_id", "users.error.organisation")));
        }
    }

    #[test]
    fn role_form_enforces_separation_of_duties() {
        let bad = parse_role_form(&pairs(&[
            ("code", "superuser"),
            ("name", "超级"),
            ("data_scope", "all"),
            ("perm", "users.write"),
            ("perm", "audit.read"),
        ]));
        assert!(bad.unwrap_err().contains(&("perm", "users.error.duties")));
        let ok = parse_role_form(&pairs(&[
            ("code", "viewer"),
            ("name", "查看"),
            ("data_scope", "unit"),
            ("perm", "units.read"),
            ("perm", "units.read"),
        ]))
        .expect("ok");
        assert_eq!(ok.permissions, vec!["units.read".to_string()]);
        let custom = parse_role_form(&pairs(&[("code", "c1"), ("name", "自定义"), ("data_scope", "custom")]));
        assert!(custom.unwrap_err().contains(&("unit", "users.error.custom_units")));
        assert!(parse_role_form(&pairs(&[("code", "x1"), ("name", "x"), ("data_scope", "all"), ("perm", "no.such")]))
            .is_err());
    }
}
