//! Translations. Every user-facing string lives in `locales/zh-CN.yml` and `locales/en.yml`
//! (nested YAML, looked up by dotted key). Chinese is the default; English is chosen with the
//! language switch (a cookie) or `Accept-Language`. Files are compiled into the binary.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the language from an `Accept-Language` header (first supported wins), else Chinese.
    pub fn from_accept_language(header: &str) -> Lang {
        header.split(',').find_map(|part| Lang::parse(part.split(';').next().unwrap_or(""))).unwrap_or_default()
    }
}

pub const ZH_SOURCE: &str = include_str!("../../../../locales/zh-CN.yml");
pub const EN_SOURCE: &str = include_str!("../../../../locales/en.yml");

/// Flattens nested YAML into dotted keys.
pub fn flatten(source: &str) -> Result<HashMap<String, String>, serde_yaml::Error> {
    let value: serde_yaml::Value = serde_yaml::from_str(source)?;
    let mut out = HashMap::new();
    walk("", &value, &mut out);
    Ok(out)
}

fn walk(prefix: &str, v: &serde_yaml::Value, out: &mut HashMap<String, String>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                let key = match k {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
                };
                let full = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                walk(&full, v, out);
            }
        }
        serde_yaml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        serde_yaml::Value::Number(n) => {
            out.insert(prefix.to_string(), n.to_string());
        }
        serde_yaml::Value::Bool(b) => {
            out.insert(prefix.to_string(), b.to_string());
        }
        _ => {}
    }
}

static ZH: LazyLock<HashMap<String, String>> = LazyLock::new(|| flatten(ZH_SOURCE).unwrap_or_default());
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| flatten(EN_SOURCE).unwrap_or_default());

/// Looks up `key`. A missing key shows itself (tests make sure none is missing).
pub fn t(lang: Lang, key: &str) -> &str {
    let map = match lang {
        Lang::Zh => &*ZH,
        Lang::En => &*EN,
    };
    map.get(key).map(String::as_str).unwrap_or(key)
}

/// Looks up `key` and replaces `{name}` placeholders.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// A message that may name a configured limit: `{max_amount}` becomes the ceiling of one amount
/// in yuan. Form errors, API errors, import row errors and error pages use it.
pub fn message(lang: Lang, key: &str) -> String {
    tf(lang, key, &[("max_amount", &crate::platform::money::max_amount().yuan_text())])
}

/// Whether a key exists in the Chinese catalogue (used by tests and by code that builds keys).
pub fn has_key(key: &str) -> bool {
    ZH.contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_locale_files_have_the_same_keys() {
        let zh: BTreeSet<String> = flatten(ZH_SOURCE).expect("zh parses").into_keys().collect();
        let en: BTreeSet<String> = flatten(EN_SOURCE).expect("en parses").into_keys().collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty() && only_en.is_empty(), "only in zh: {only_zh:?}; only in en: {only_en:?}");
        assert!(zh.len() > 50);
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        // Scan templates and sources for t("…") / tf("…") / key literals passed to the translator.
        let root = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            visit(&std::path::Path::new(root).join(dir), &mut |text, path| {
                for pat in ["t(\"", "tf(\""] {
                    for (i, _) in text.match_indices(pat) {
                        // `redact("…")` is not `t("…")`: the call must start a word.
                        if text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            continue;
                        }
                        let rest = &text[i + pat.len()..];
                        if let Some(end) = rest.find('"') {
                            let key = &rest[..end];
                            if key.contains('.') && !key.contains(' ') && !key.contains('{') && !has_key(key) {
                                missing.push(format!("{}: {key}", path.display()));
                            }
                        }
                    }
                }
            });
        }
        assert!(missing.is_empty(), "keys missing from locales: {missing:#?}");
    }

    fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&str, &std::path::Path)) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                visit(&p, f);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                f(&text, &p);
            }
        }
    }

    #[test]
    fn lookups_and_language_choice() {
        assert_eq!(t(Lang::Zh, "app.name"), "社工");
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, zh-CN;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }
}
