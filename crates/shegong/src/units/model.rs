//! The org-unit tree: 市 → 区/镇 → 社区/村 (any depth). Each unit has a code unique among its
//! siblings and a materialised path of codes (`/320583/zhoushi/dongshi/`) used for subtree
//! queries and data scopes.

use serde::{Deserialize, Serialize};

/// What kind of place a unit is. The tier follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Province,
    City,
    District,
    Town,
    Street,
    Community,
    Village,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Province,
        UnitKind::City,
        UnitKind::District,
        UnitKind::Town,
        UnitKind::Street,
        UnitKind::Community,
        UnitKind::Village,
        UnitKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::City => "city",
            UnitKind::District => "district",
            UnitKind::Town => "town",
            UnitKind::Street => "street",
            UnitKind::Community => "community",
            UnitKind::Village => "village",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Locale key of the label.
    pub fn label_key(self) -> String {
        format!("units.kind.{}", self.code())
    }

    /// The tier of the three-tier platform: 1 city, 2 district/town, 3 community/village.
    pub fn tier(self) -> u8 {
        match self {
            UnitKind::Province | UnitKind::City => 1,
            UnitKind::District | UnitKind::Town | UnitKind::Street => 2,
            UnitKind::Community | UnitKind::Village | UnitKind::Other => 3,
        }
    }
}

/// A unit code: 1–32 characters of `a-z`, `0-9` and `-` (so it is safe in paths and in LIKE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<UnitCode, &'static str> {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() || s.len() > 32 {
            return Err("units.error.code_length");
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err("units.error.code_chars");
        }
        Ok(UnitCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Serialised as its text.
impl Serialize for UnitCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The path of a child unit under its parent's path.
pub fn child_path(parent_path: Option<&str>, code: &UnitCode) -> String {
    format!("{}{}/", parent_path.unwrap_or("/"), code.as_str())
}

/// A unit as stored.
#[derive(Debug, Clone, Serialize, sea_orm::FromQueryResult, utoipa::ToSchema)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub kind: String,
    pub depth: i32,
    pub path: String,
    pub division_code: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    pub version: i32,
}

impl Unit {
    pub fn kind_label_key(&self) -> String {
        UnitKind::parse(&self.kind).unwrap_or(UnitKind::Other).label_key()
    }
}

/// A unit in a list, with the number of its children and its parent's name.
#[derive(Debug, Clone, Serialize, sea_orm::FromQueryResult, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub kind: String,
    pub depth: i32,
    pub path: String,
    pub active: bool,
    pub parent_name: Option<String>,
    pub children: i64,
}

impl UnitRow {
    pub fn kind_label_key(&self) -> String {
        UnitKind::parse(&self.kind).unwrap_or(UnitKind::Other).label_key()
    }
}

/// The validated content of the unit form.
#[derive(Debug, Clone, Serialize)]
pub struct UnitInput {
    pub parent_id: Option<i64>,
    pub code: UnitCode,
    pub name: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub division_code: Option<String>,
    pub sort_order: i32,
}

/// The unit form as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub division_code: String,
    #[serde(default)]
    pub sort_order: String,
    #[serde(default)]
    pub version: String,
    /// One-time token against double submission (create forms only).
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

impl UnitForm {
    /// Turns the form into valid input or a list of (field, locale key) errors.
    pub fn validate(&self) -> Result<UnitInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let parent_id = match self.parent_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.push(("parent_id", "units.error.parent"));
                    None
                }
            },
        };
        let code = match UnitCode::parse(&self.code) {
            Ok(c) => Some(c),
            Err(k) => {
                errs.push(("code", k));
                None
            }
        };
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            errs.push(("name", "units.error.name"));
        }
        let name_en = self.name_en.trim().chars().take(200).collect();
        let kind = UnitKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(("kind", "units.error.kind"));
        }
        let dc = self.division_code.trim();
        let division_code = if dc.is_empty() {
            None
        } else if (dc.len() == 6 || dc.len() == 9 || dc.len() == 12) && dc.bytes().all(|b| b.is_ascii_digit()) {
            Some(dc.to_string())
        } else {
            errs.push(("division_code", "units.error.division_code"));
            None
        };
        let sort_order = match self.sort_order.trim() {
            "" => 0,
            s => s.parse().unwrap_or_else(|_| {
                errs.push(("sort_order", "units.error.sort_order"));
                0
            }),
        };
        match (code, kind) {
            (Some(code), Some(kind)) if errs.is_empty() => {
                Ok(UnitInput { parent_id, code, name, name_en, kind, division_code, sort_order })
            }
            _ => Err(errs),
        }
    }
}

/// One unit as [`tree_order`] sees it: id, parent id, sort order, code.
pub type TreeNode<'a> = (i64, Option<i64>, i32, &'a str);

/// The positions of `nodes` in tree order: each unit before the units below it, siblings by
/// their sort order (the official order, not the pinyin of their codes), then code. A unit whose
/// parent is not among the nodes (the top of a scope) starts a tree of its own.
pub fn tree_order(nodes: &[TreeNode<'_>]) -> Vec<usize> {
    let by_id: std::collections::HashMap<i64, usize> = nodes.iter().enumerate().map(|(i, n)| (n.0, i)).collect();
    let keys: Vec<Vec<(i32, &str)>> = nodes
        .iter()
        .map(|n| {
            let mut key = vec![(n.2, n.3)];
            let mut cur = n.1;
            // The tree has no cycles; the bound only guards against a corrupt table.
            while let Some(i) = cur.and_then(|p| by_id.get(&p).copied()).filter(|_| key.len() <= nodes.len()) {
                key.push((nodes[i].2, nodes[i].3));
                cur = nodes[i].1;
            }
            key.reverse();
            key
        })
        .collect();
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_order_follows_the_sort_order_at_every_level() {
        // 昆山市 (1) → 开发区 (2, order 1), 周市镇 (3, order 5); 周市 → 东市 (4, order 2), 青阳 (5, order 1).
        let nodes = [
            (4, Some(3), 2, "dongshi"),
            (3, Some(1), 5, "zhoushi"),
            (5, Some(3), 1, "qingyang"),
            (2, Some(1), 1, "kaifaqu"),
            (1, None, 0, "320583"),
        ];
        let ids: Vec<i64> = tree_order(&nodes).into_iter().map(|i| nodes[i].0).collect();
        assert_eq!(ids, vec![1, 2, 3, 5, 4]);
        // A scope's top unit starts its own tree.
        let sub = [(4, Some(3), 2, "dongshi"), (3, Some(1), 5, "zhoushi"), (5, Some(3), 1, "qingyang")];
        let ids: Vec<i64> = tree_order(&sub).into_iter().map(|i| sub[i].0).collect();
        assert_eq!(ids, vec![3, 5, 4]);
    }

    #[test]
    fn codes_and_paths() {
        assert_eq!(UnitCode::parse(" ZhouShi ").expect("ok").as_str(), "zhoushi");
        assert!(UnitCode::parse("a_b").is_err(), "underscore is a LIKE wildcard");
        assert!(UnitCode::parse("周市").is_err());
        assert!(UnitCode::parse("").is_err());
        let c = UnitCode::parse("xiuyi").expect("ok");
        assert_eq!(child_path(Some("/320583/kaifaqu/"), &c), "/320583/kaifaqu/xiuyi/");
        assert_eq!(child_path(None, &UnitCode::parse("320583").expect("ok")), "/320583/");
        assert_eq!(UnitKind::Village.tier(), 3);
        assert_eq!(UnitKind::Town.tier(), 2);
    }

    #[test]
    fn form_validation_reports_each_field() {
        let f = UnitForm {
            code: "bad code".into(),
            kind: "planet".into(),
            division_code: "12".into(),
            sort_order: "x".into(),
            ..UnitForm::default()
        };
        let errs = f.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["code", "name", "kind", "division_code", "sort_order"]);
        let ok = UnitForm {
            parent_id: "3".into(),
            code: "new-1".into(),
            name: " 新社区 ".into(),
            kind: "community".into(),
            ..UnitForm::default()
        };
        let input = ok.validate().expect("valid");
        assert_eq!((input.parent_id, input.name.as_str()), (Some(3), "新社区"));
        assert_eq!((input.code.as_str(), input.kind), ("new-1", UnitKind::Community), "kept parsed");
        // Audit rows of imports hold the input: the same JSON as when it held strings.
        let v = serde_json::to_value(&input).expect("json");
        assert_eq!((v["code"].as_str(), v["kind"].as_str()), (Some("new-1"), Some("community")));
    }
}

/// Why a unit named in an import file cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitRefError {
    /// No unit has this path, code, division code or name.
    NoSuch,
    /// Several units in the scope answer to it (a name or code used twice): the path tells them apart.
    Ambiguous,
    /// The unit exists but lies outside the importer's scope.
    OutOfScope,
}

impl UnitRefError {
    /// The locale key of the problem.
    pub fn key(self) -> &'static str {
        match self {
            UnitRefError::NoSuch => "import.error.no_unit",
            UnitRefError::Ambiguous => "import.error.unit_ambiguous",
            UnitRefError::OutOfScope => "import.error.unit_scope",
        }
    }
}

/// The units an import file may name, with the importer's scope: a cell names a unit by its
/// path (`/320583/zhoushi/`, slashes at either end optional), its code, its division code or its
/// name; a name or code must be unambiguous inside the scope.
pub struct UnitRefs {
    all: Vec<Unit>,
    scope: crate::platform::access::Scope,
}

impl UnitRefs {
    /// `all`: every active unit (the scope decides which of them may be used).
    pub fn new(all: Vec<Unit>, scope: crate::platform::access::Scope) -> UnitRefs {
        UnitRefs { all, scope }
    }

    /// The path a text names when it is written as a path (`a/b`, `/a/b/`), normalised.
    pub fn as_path(text: &str) -> Option<String> {
        let t = text.trim();
        t.contains('/').then(|| format!("/{}/", t.trim_matches('/')))
    }

    /// The unit a cell names, or why it cannot be used.
    pub fn resolve(&self, text: &str) -> Result<&Unit, UnitRefError> {
        let t = crate::platform::import::clean_cell(text);
        if t.is_empty() {
            return Err(UnitRefError::NoSuch);
        }
        let candidates: Vec<&Unit> = match Self::as_path(&t) {
            Some(path) => self.all.iter().filter(|u| u.path == path).collect(),
            None => {
                let by_code: Vec<&Unit> = self
                    .all
                    .iter()
                    .filter(|u| u.code == t.to_ascii_lowercase() || u.division_code.as_deref() == Some(t.as_str()))
                    .collect();
                if by_code.is_empty() {
                    self.all.iter().filter(|u| u.name == t).collect()
                } else {
                    by_code
                }
            }
        };
        if candidates.is_empty() {
            return Err(UnitRefError::NoSuch);
        }
        let inside: Vec<&Unit> = candidates.into_iter().filter(|u| self.scope.contains_path(&u.path)).collect();
        match inside.as_slice() {
            [one] => Ok(one),
            [] => Err(UnitRefError::OutOfScope),
            _ => Err(UnitRefError::Ambiguous),
        }
    }

    /// The units inside the scope, in tree order (the template's sheet of units).
    pub fn in_scope(&self) -> impl Iterator<Item = &Unit> {
        self.all.iter().filter(|u| self.scope.contains_path(&u.path))
    }

    /// The division codes of the unit at `path` and of its ancestors, the unit's first.
    pub fn division_chain(&self, path: &str) -> Vec<String> {
        let mut out: Vec<(usize, String)> = self
            .all
            .iter()
            .filter(|u| path.starts_with(u.path.as_str()))
            .filter_map(|u| u.division_code.clone().map(|d| (u.path.len(), d)))
            .collect();
        out.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
        out.into_iter().map(|(_, d)| d).collect()
    }

    /// The units inside the scope as the template's sheet of units lists them: path, name, code.
    pub fn sheet(&self) -> Vec<[String; 3]> {
        self.in_scope().map(|u| [u.path.clone(), u.name.clone(), u.code.clone()]).collect()
    }

    /// The unit with this id (any unit known).
    pub fn by_id(&self, id: i64) -> Option<&Unit> {
        self.all.iter().find(|u| u.id == id)
    }
}
