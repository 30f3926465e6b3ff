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

/// Replaces each `{name}` in `template` by `value(name)` in one pass (so that a value holding
/// braces is never read as a placeholder); an unknown placeholder stays as it is.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (close, &after[..close])) {
            Some((close, name)) if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A value inside a message (the detail of a form or import problem, an argument of a
/// [`Msg`]), rendered in the reader's language. A validator returns one of these, never text:
/// one language per message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Detail {
    #[default]
    None,
    /// Something the user typed or a record holds (a cell, a name, a code): shown as it is.
    Value(String),
    /// A national code that did not parse, rendered from `code.error.*`.
    Code(cncodes::CodeError),
    /// A name that code gives in both languages (a column header): the reader's one is shown.
    Label { zh: &'static str, en: &'static str },
    /// Details listed with the language's separator (`common.list_separator`).
    List(Vec<Detail>),
    /// Details each on a line of its own (indented), for the command line.
    Lines(Vec<Detail>),
    /// A whole message.
    Msg(Box<Msg>),
}

/// Serialised as its text in each language, `{"zh": …, "en": …}` (null for none).
impl serde::Serialize for Detail {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.is_none() {
            return s.serialize_none();
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("zh", &self.render(Lang::Zh))?;
        m.serialize_entry("en", &self.render(Lang::En))?;
        m.end()
    }
}

impl Detail {
    pub fn is_none(&self) -> bool {
        matches!(self, Detail::None)
    }

    /// The detail in `lang` (empty for [`Detail::None`]).
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Detail::None => String::new(),
            Detail::Value(v) => v.clone(),
            Detail::Code(e) => code_error(lang, e),
            Detail::Label { zh, en } => if lang == Lang::En { en } else { zh }.to_string(),
            Detail::List(items) => {
                items.iter().map(|d| d.render(lang)).collect::<Vec<_>>().join(t(lang, "common.list_separator"))
            }
            Detail::Lines(items) => items.iter().map(|d| format!("\n  {}", d.render(lang))).collect(),
            Detail::Msg(m) => m.render(lang),
        }
    }
}

/// A user's value; an empty text is no detail.
impl From<String> for Detail {
    fn from(v: String) -> Detail {
        if v.is_empty() {
            Detail::None
        } else {
            Detail::Value(v)
        }
    }
}

impl From<&str> for Detail {
    fn from(v: &str) -> Detail {
        Detail::from(v.to_string())
    }
}

impl From<&String> for Detail {
    fn from(v: &String) -> Detail {
        Detail::from(v.clone())
    }
}

impl From<cncodes::CodeError> for Detail {
    fn from(e: cncodes::CodeError) -> Detail {
        Detail::Code(e)
    }
}

impl From<Msg> for Detail {
    fn from(m: Msg) -> Detail {
        Detail::Msg(Box::new(m))
    }
}

/// A message from the locale files with its arguments, rendered when it is shown, in the
/// reader's language (the command line's, a page's). It is also an error type: the command line
/// renders a `Msg` it finds in an error chain in its language; `Display` is English, for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, Detail)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg { key, args: Vec::new() }
    }

    /// Adds the value of the placeholder `{name}`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Detail>) -> Msg {
        self.args.push((name, value.into()));
        self
    }

    pub fn render(&self, lang: Lang) -> String {
        fill(&message(lang, self.key), |name| self.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.render(lang)))
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Msg {}

/// An error chain as the command line shows it: each [`Msg`] in `lang`, other causes as they
/// read (`a: b: c`, like anyhow's `{:#}`).
pub fn error_chain(lang: Lang, e: &anyhow::Error) -> String {
    e.chain()
        .enumerate()
        .map(|(i, cause)| {
            // A `Msg` given as the outermost context is found through anyhow (which would also
            // find one further down: the text tells them apart).
            let msg = cause
                .downcast_ref::<Msg>()
                .or_else(|| e.downcast_ref::<Msg>().filter(|m| i == 0 && m.to_string() == cause.to_string()));
            msg.map_or_else(|| cause.to_string(), |m| m.render(lang))
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// What is wrong with a national code, from `code.error.<kind>` with `{position}`,
/// `{expected}`, `{found}` and `{part}` (from `code.error.part.<part>`).
pub fn code_error(lang: Lang, e: &cncodes::CodeError) -> String {
    let part = e.part().map(|p| t(lang, &format!("code.error.part.{}", p.name())).to_string());
    fill(t(lang, &format!("code.error.{}", e.kind())), |name| match name {
        "position" => e.position().map(|p| p.to_string()),
        "expected" => e.expected(),
        "found" => e.found(),
        "part" => part.clone(),
        _ => None,
    })
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
                for pat in ["t(\"", "tf(\"", "Msg::new(\""] {
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

    /// CJK ideographs and CJK punctuation (full-width brackets, colon, comma, 、。《》…); the
    /// ideographic space is checked apart where it matters.
    fn is_cjk(c: char) -> bool {
        matches!(c as u32,
            0x3001..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
    }

    #[test]
    fn english_is_english_and_chinese_is_not_bilingual() {
        // What must stay: an input format the importer accepts, quoted as an example.
        const EN_ALLOWED: &[(&str, &str)] = &[("import.error.date", "2022年6月1日")];
        let en = flatten(EN_SOURCE).expect("en parses");
        let mut bad: Vec<String> = en
            .iter()
            .filter_map(|(k, v)| {
                let mut v = v.clone();
                for (key, allowed) in EN_ALLOWED {
                    if k == key {
                        v = v.replace(allowed, "");
                    }
                }
                v.chars().any(|c| is_cjk(c) || c == '\u{3000}').then(|| format!("en {k}: {v}"))
            })
            .collect();
        // A Chinese value followed by " / English" is a bilingual message.
        let zh = flatten(ZH_SOURCE).expect("zh parses");
        for (k, v) in &zh {
            let bilingual = v.match_indices(" / ").any(|(i, _)| {
                let after = &v[i + 3..];
                after
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_alphabetic()))
            });
            if bilingual {
                bad.push(format!("zh {k}: {v}"));
            }
        }
        bad.sort();
        assert!(bad.is_empty(), "one language per message: {bad:#?}");
    }

    #[test]
    fn templates_hold_no_chinese_punctuation() {
        // Text and its punctuation come from the locale files (`c.paren(x)` for brackets), so
        // that an English page has none. Allowed: the name of the language switch, the bare error
        // page (used before any language is known: both languages, each in its own line), and the
        // ideographic space that indents options in both languages.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut bad = Vec::new();
        visit(&root, &mut |text, path| {
            if path.ends_with("layout/error.html") {
                return;
            }
            for (n, line) in text.lines().enumerate() {
                let line = line.replace(">中文</a>", "");
                if line.chars().any(is_cjk) {
                    bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        });
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn no_bilingual_strings_in_the_sources() {
        // A string with Chinese, then " / " and English, is one message in two languages. These
        // files hold documents rather than messages: xlsx templates and export headers (filled
        // and read by people of either language), the note stored on imported projects (data),
        // the OpenAPI description and the `--help` text.
        const DOCUMENTS: &[&str] = &[
            "platform/xlsx/write.rs",
            "services/routes/figures.rs",
            "services/import.rs",
            "app.rs",
            "cli.rs",
            "demo/",
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut bad = Vec::new();
        visit(&root, &mut |text, path| {
            let rel = path.strip_prefix(&root).unwrap_or(path).to_string_lossy().replace('\\', "/");
            if DOCUMENTS.iter().any(|d| rel.starts_with(d)) || rel.ends_with("tests.rs") {
                return;
            }
            let code = text.split("#[cfg(test)]").next().unwrap_or(text);
            for (n, line) in code.lines().enumerate() {
                let t = line.trim_start();
                if t.starts_with("//") {
                    continue;
                }
                let Some(first_cjk) = line.find(is_cjk) else { continue };
                let bilingual = line[first_cjk..]
                    .match_indices(" / ")
                    .any(|(i, _)| line[first_cjk + i + 3..].chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
                if bilingual {
                    bad.push(format!("{rel}:{}: {}", n + 1, t));
                }
            }
        });
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn details_and_messages_render_in_one_language() {
        let e = cncodes::CreditCode::parse("51320583MJ5123456Z").expect_err("Z is not allowed");
        let d = Detail::from(e);
        assert_eq!(d.render(Lang::Zh), "第18位字符“Z”不允许");
        assert_eq!(d.render(Lang::En), "character 18 ('Z') is not allowed");
        let birth = Detail::from(cncodes::IdNumber::complete("32058319900230001").expect_err("30 February"));
        assert_eq!(birth.render(Lang::Zh), "出生日期无效");
        assert_eq!(birth.render(Lang::En), "invalid birth date");
        let len = Detail::from(cncodes::CreditCode::parse("5132").expect_err("short"));
        assert_eq!(len.render(Lang::Zh), "应为18位，实为4位");
        assert_eq!(len.render(Lang::En), "must have 18 characters, found 4");
        let check = Detail::from(cncodes::CodeError::CheckChar { expected: 'X', found: '1' });
        assert_eq!(check.render(Lang::Zh), "校验位（最后一位）应为“X”，实为“1”");
        assert_eq!(check.render(Lang::En), "check character (last) should be 'X', found '1'");
        let province = Detail::from(cncodes::DivisionCode::parse("990000").expect_err("no province 99"));
        assert_eq!(
            (province.render(Lang::Zh), province.render(Lang::En)),
            ("省级代码无效".into(), "invalid province code".into())
        );
        // A user's value is shown as it is; an empty one is no detail.
        assert_eq!(Detail::from("{found}"), Detail::Value("{found}".into()));
        assert!(Detail::from(String::new()).is_none());
        // Arguments are filled in one pass: a value holding a placeholder stays as typed.
        let m = Msg::new("cli.no_unit").arg("path", "{path}");
        assert_eq!(
            (m.render(Lang::Zh), m.render(Lang::En)),
            ("单位不存在：{path}".into(), "no unit with path {path}".into())
        );
        let labels = Detail::List(vec![
            Detail::Label { zh: "社区", en: "community" },
            Detail::Label { zh: "村", en: "village" },
        ]);
        assert_eq!(
            (labels.render(Lang::Zh), labels.render(Lang::En)),
            ("社区、村".into(), "community, village".into())
        );
        // An error chain renders each message in the reader's language; Display is English.
        let err = anyhow::Error::from(Msg::new("cli.bad_credit_code").arg("code", "5132").arg("error", len.clone()));
        assert_eq!(error_chain(Lang::Zh, &err), "统一社会信用代码 5132 有误：应为18位，实为4位");
        assert_eq!(error_chain(Lang::En, &err), "invalid credit code 5132: must have 18 characters, found 4");
        assert_eq!(err.to_string(), "invalid credit code 5132: must have 18 characters, found 4");
        let wrapped = err.context("opening");
        assert_eq!(error_chain(Lang::Zh, &wrapped), "opening: 统一社会信用代码 5132 有误：应为18位，实为4位");
        let io = std::io::Error::other("disk full");
        let as_context =
            anyhow::Error::from(io).context(Msg::new("cli.cannot_write").arg("file", "a.xlsx").arg("error", "x"));
        assert_eq!(error_chain(Lang::Zh, &as_context), "无法写入 a.xlsx：x: disk full");
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
