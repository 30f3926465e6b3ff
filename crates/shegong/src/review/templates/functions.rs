//! The MiniJinja environment of review templates and the functions it offers: `ind`, `change`,
//! `before`, `label`, `honours`, `awards`, `events`, `committee`, `chart`, `table`, `photo`. Every
//! function writes what it places into the side table and returns the token that refers to it;
//! a function's own problem (an unknown indicator, a bad argument) is kept beside the side table
//! so that the message names it in the reader's language, with the line MiniJinja reports.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};
use render::{Block, Chart, ChartKind, Series, Table};

use super::markup::{self, token, Piece};
use super::{label, Facts, Fig, TemplateError};
use crate::platform::figures::{grouped, permille_text, wan_text, Measure};
use crate::platform::i18n::{t, Lang};
use crate::platform::indicator::Indicator;

/// How much work one render may do (MiniJinja's fuel: about one unit per instruction).
const FUEL: u64 = 2_000_000;

/// A template's output parsed into blocks, and what it used.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub blocks: Vec<Block>,
    /// The figure keys the document shows (`key`, or `key@<unit id>` for a unit one level down).
    pub used: BTreeSet<String>,
    /// The template asked for figures of the units one level down, which `facts` did not hold:
    /// read them and render again.
    pub wants_children: bool,
}

/// The printed width of a photo in Word and the PDF.
pub const PHOTO_WIDTH_MM: u32 = 120;

#[derive(Default)]
struct Side {
    pieces: Vec<Piece>,
    /// The photos placed so far (`photo()` places the next one not yet placed).
    photos_placed: BTreeSet<i64>,
    used: BTreeSet<String>,
    wants_children: bool,
    problem: Option<TemplateError>,
}

#[derive(Clone)]
struct Ctx {
    facts: Arc<Facts>,
    side: Arc<Mutex<Side>>,
}

impl Ctx {
    fn side(&self) -> MutexGuard<'_, Side> {
        // A panic cannot happen while the lock is held (no user code runs under it); recover the
        // data of a poisoned lock all the same.
        self.side.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn place(&self, piece: Piece) -> Value {
        let mut s = self.side();
        s.pieces.push(piece);
        Value::from(token(s.pieces.len() - 1))
    }
    fn text(&self, s: &str) -> Value {
        self.place(Piece::Text(s.to_string()))
    }
    fn fail(&self, e: TemplateError) -> Error {
        let mut s = self.side();
        if s.problem.is_none() {
            s.problem = Some(e);
        }
        Error::new(ErrorKind::InvalidOperation, "review template")
    }
    fn lang(&self) -> Lang {
        self.facts.lang
    }
    /// An indicator by key, and its figure for the review's unit (or a unit one level down).
    fn indicator(&self, key: &str, unit: Option<i64>) -> Result<(&'static Indicator, Fig), Error> {
        let Some((_, ind)) = crate::review::figures::find(key) else {
            return Err(self.fail(TemplateError::new("review.error.unknown_indicator").arg("key", key)));
        };
        let full = match unit {
            Some(u) => format!("{key}@{u}"),
            None => key.to_string(),
        };
        self.side().used.insert(full.clone());
        Ok((ind, self.facts.figures.get(&full).cloned().unwrap_or_default()))
    }
    fn figure(&self, key: &str, text: String, fig: &Fig) -> Value {
        let href = (!fig.href.is_empty()).then(|| fig.href.clone());
        self.place(Piece::Figure { text, key: key.to_string(), href })
    }
}

/// A code from the records as a template may compare it: lower-case letters and `_` only (any
/// other code reads `other`), so that even printed it cannot be markup.
fn code(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        s.to_string()
    } else {
        "other".to_string()
    }
}

/// Rounds `v / div` to two decimals, trailing zeros dropped, thousands grouped.
fn scaled(v: i64, div: i64) -> String {
    let neg = v < 0;
    let a = i128::from(v).abs();
    let hundredths = (a * 100 + i128::from(div) / 2) / i128::from(div);
    let whole = i64::try_from(hundredths / 100).unwrap_or(i64::MAX);
    let frac = hundredths % 100;
    let mut s = format!("{}{}", if neg { "-" } else { "" }, grouped(whole));
    if frac != 0 {
        s.push('.');
        s.push_str(format!("{frac:02}").trim_end_matches('0'));
    }
    s
}

/// A value in the unit asked for: counts as counts (or in 万 of them), money in 元, 万元 or 亿元,
/// shares in percent; `None` when the unit does not fit the indicator.
fn in_unit(measure: Measure, v: i64, unit: Option<&str>) -> Option<String> {
    let u = unit.map(str::trim).unwrap_or("");
    match measure {
        Measure::Fen => match u {
            "" | "万元" | "wan" | "10k yuan" => Some(wan_text(v)),
            "元" | "yuan" => Some(scaled(v, 100)),
            "亿元" => Some(scaled(v, 10_000_000_000)),
            _ => None,
        },
        Measure::Permille => match u {
            "" | "%" | "percent" => Some(permille_text(v)),
            "‰" => Some(grouped(v)),
            _ => None,
        },
        Measure::Count => {
            if ["元", "万元", "亿元", "%", "‰", "yuan", "wan", "percent"].contains(&u) {
                None
            } else if u.starts_with('万') || u == "10k" {
                Some(scaled(v, 10_000))
            } else {
                Some(grouped(v))
            }
        }
    }
}

/// The text of a value in a unit, "—" without a value; a unit that does not fit is an error.
fn text_in(
    cx: &Ctx,
    key: &str,
    ind: &Indicator,
    v: Option<i64>,
    unit: Option<&str>,
    sign: bool,
) -> Result<String, Error> {
    let probe = in_unit(ind.measure, v.unwrap_or(0), unit);
    let Some(text) = probe else {
        return Err(
            cx.fail(TemplateError::new("review.error.bad_unit").arg("key", key).arg("unit", unit.unwrap_or("")))
        );
    };
    Ok(match v {
        None => "—".to_string(),
        Some(x) if sign && x > 0 => format!("+{text}"),
        Some(_) => text,
    })
}

fn unit_arg(kw: &Kwargs) -> Result<Option<String>, Error> {
    kw.get("unit")
}

fn chart_kind(cx: &Ctx, kind: &str) -> Result<ChartKind, Error> {
    match kind {
        "bar" => Ok(ChartKind::Bar),
        "line" => Ok(ChartKind::Line),
        "donut" | "pie" => Ok(ChartKind::Donut),
        "heat" => Ok(ChartKind::Heat),
        _ => Err(cx.fail(TemplateError::new("review.error.chart_kind").arg("kind", kind))),
    }
}

fn register(env: &mut Environment<'static>, cx: &Ctx) {
    let c = cx.clone();
    env.add_function("ind", move |key: String, kw: Kwargs| -> Result<Value, Error> {
        let unit = unit_arg(&kw)?;
        kw.assert_all_used()?;
        let (ind, fig) = c.indicator(&key, None)?;
        let text = text_in(&c, &key, ind, fig.value, unit.as_deref(), false)?;
        Ok(c.figure(&key, text, &fig))
    });
    let c = cx.clone();
    env.add_function("before", move |key: String, kw: Kwargs| -> Result<Value, Error> {
        let unit = unit_arg(&kw)?;
        kw.assert_all_used()?;
        let (ind, fig) = c.indicator(&key, None)?;
        let text = text_in(&c, &key, ind, fig.before, unit.as_deref(), false)?;
        Ok(c.figure(&key, text, &fig))
    });
    let c = cx.clone();
    env.add_function("change", move |key: String, kw: Kwargs| -> Result<Value, Error> {
        let unit = unit_arg(&kw)?;
        kw.assert_all_used()?;
        let (ind, fig) = c.indicator(&key, None)?;
        let change = fig.value.zip(fig.before).map(|(a, b)| a.saturating_sub(b));
        let text = text_in(&c, &key, ind, change, unit.as_deref(), true)?;
        Ok(c.figure(&key, text, &fig))
    });
    let c = cx.clone();
    env.add_function("label", move |key: String| -> Result<Value, Error> {
        let (ind, _) = c.indicator(&key, None)?;
        Ok(c.text(&label(c.lang(), ind.label_key)))
    });
    let c = cx.clone();
    env.add_function("honours", move |kw: Kwargs| -> Result<Value, Error> {
        let level: Option<String> = kw.get("level")?;
        kw.assert_all_used()?;
        let f = &c.facts;
        let items: Vec<Value> = f
            .lists
            .honours
            .iter()
            .filter(|h| level.as_deref().is_none_or(|l| h.level == l))
            .map(|h| {
                let mut m = BTreeMap::new();
                m.insert("title", c.text(&h.title));
                m.insert("level", c.text(t(c.lang(), &format!("honours.level.{}", h.level))));
                m.insert("level_code", Value::from(code(&h.level)));
                m.insert("awardee", c.text(&h.awardee));
                m.insert("unit", c.text(f.pick(&h.unit, &h.unit_en)));
                Value::from(m)
            })
            .collect();
        Ok(Value::from(items))
    });
    let c = cx.clone();
    env.add_function("awards", move |kw: Kwargs| -> Result<Value, Error> {
        let level: Option<String> = kw.get("level")?;
        kw.assert_all_used()?;
        let items: Vec<Value> = c
            .facts
            .lists
            .awards
            .iter()
            .filter(|a| level.as_deref().is_none_or(|l| a.level == l))
            .map(|a| {
                let fig =
                    Fig { value: Some(a.winners), href: format!("/talent/selections/{}", a.id), ..Fig::default() };
                let mut m = BTreeMap::new();
                m.insert("title", c.text(&a.title));
                m.insert("level", c.text(t(c.lang(), &format!("honours.level.{}", a.level))));
                m.insert("level_code", Value::from(code(&a.level)));
                m.insert("edition", Value::from(a.edition));
                m.insert("winners", c.figure("talent.awards", grouped(a.winners), &fig));
                Value::from(m)
            })
            .collect();
        Ok(Value::from(items))
    });
    let c = cx.clone();
    env.add_function("events", move |kw: Kwargs| -> Result<Value, Error> {
        let kind: Option<String> = kw.get("kind")?;
        kw.assert_all_used()?;
        let items: Vec<Value> = c
            .facts
            .lists
            .events
            .iter()
            .filter(|e| kind.as_deref().is_none_or(|k| e.kind == k))
            .map(|e| {
                let mut m = BTreeMap::new();
                m.insert("title", c.text(&e.title));
                m.insert("kind", c.text(t(c.lang(), &format!("events.kind.{}", e.kind))));
                m.insert("kind_code", Value::from(code(&e.kind)));
                m.insert("date", c.text(&e.held_on));
                Value::from(m)
            })
            .collect();
        Ok(Value::from(items))
    });
    let c = cx.clone();
    env.add_function("committee", move || -> Result<Value, Error> {
        let f = &c.facts;
        let lead: Vec<&str> =
            f.lists.committee.iter().filter(|d| d.lead).map(|d| f.pick(&d.name, &d.name_en)).collect();
        let members = f.lists.committee.iter().filter(|d| !d.lead).count() as i64;
        let fig = Fig { value: Some(members), href: "/orgs/departments".into(), ..Fig::default() };
        let names: Vec<Value> =
            f.lists.committee.iter().filter(|d| !d.lead).map(|d| c.text(f.pick(&d.name, &d.name_en))).collect();
        let mut m = BTreeMap::new();
        m.insert("lead", c.text(&lead.join(if c.lang() == Lang::En { ", " } else { "、" })));
        m.insert("members", c.figure("orgs.committee", grouped(members), &fig));
        m.insert("names", Value::from(names));
        Ok(Value::from(m))
    });
    let c = cx.clone();
    env.add_function("chart", move |kind: String, kw: Kwargs| -> Result<Value, Error> {
        let keys: Option<Vec<String>> = kw.get("keys")?;
        let key: Option<String> = kw.get("key")?;
        let by: Option<String> = kw.get("by")?;
        let title: Option<String> = kw.get("title")?;
        kw.assert_all_used()?;
        let kind = chart_kind(&c, &kind)?;
        let lang = c.lang();
        match (keys, key, by.as_deref()) {
            (Some(keys), None, None) if !keys.is_empty() => {
                let mut categories = Vec::new();
                let mut now = Vec::new();
                let mut then = Vec::new();
                let mut unit = String::new();
                for k in &keys {
                    let (ind, fig) = c.indicator(k, None)?;
                    categories.push(label(lang, ind.label_key));
                    now.push(ind.measure.plotted(fig.value));
                    then.push(ind.measure.plotted(fig.before));
                    if unit.is_empty() {
                        unit = t(lang, ind.unit_key).to_string();
                    }
                }
                let year = c.facts.year;
                let series = vec![
                    Series { name: (year - 1).to_string(), values: then },
                    Series { name: year.to_string(), values: now },
                ];
                let title = title.unwrap_or_else(|| categories.join(" / "));
                Ok(c.place(Piece::Chart(Chart { kind, title, categories, series, unit })))
            }
            (None, Some(key), Some("unit")) => {
                let (ind, _) = c.indicator(&key, None)?;
                if !c.facts.children_loaded {
                    c.side().wants_children = true;
                    return Ok(c.place(Piece::Nothing));
                }
                let mut categories = Vec::new();
                let mut values = Vec::new();
                for u in &c.facts.lists.children {
                    let (_, fig) = c.indicator(&key, Some(u.id))?;
                    categories.push(c.facts.pick(&u.name, &u.name_en).to_string());
                    values.push(ind.measure.plotted(fig.value));
                }
                let name = label(lang, ind.label_key);
                let title = title.unwrap_or_else(|| name.clone());
                let unit = t(lang, ind.unit_key).to_string();
                Ok(c.place(Piece::Chart(Chart {
                    kind,
                    title,
                    categories,
                    series: vec![Series { name, values }],
                    unit,
                })))
            }
            _ => Err(c.fail(TemplateError::new("review.error.chart_args"))),
        }
    });
    let c = cx.clone();
    env.add_function("table", move |kw: Kwargs| -> Result<Value, Error> {
        let keys: Vec<String> = kw.get("keys")?;
        let caption: Option<String> = kw.get("caption")?;
        kw.assert_all_used()?;
        let lang = c.lang();
        let mut rows = Vec::new();
        for k in &keys {
            let (ind, fig) = c.indicator(k, None)?;
            let change = fig.value.zip(fig.before).map(|(a, b)| a.saturating_sub(b));
            rows.push(vec![
                label(lang, ind.label_key),
                text_in(&c, k, ind, fig.value, None, false)?,
                t(lang, ind.unit_key).to_string(),
                text_in(&c, k, ind, fig.before, None, false)?,
                text_in(&c, k, ind, change, None, true)?,
            ]);
        }
        let header = [
            "review.table.indicator",
            "review.table.value",
            "review.table.unit",
            "review.table.before",
            "review.table.change",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        Ok(c.place(Piece::Table(Table { caption, header, rows, numeric: vec![false, true, false, true, true] })))
    });
    let c = cx.clone();
    // `photo()` places the review's next photo not yet placed, `photo(n)` its n-th (from 1);
    // `kind=` keeps to photos of events, Party activities or honours, `caption=` replaces the
    // caption. With no such photo it places nothing, so a template fits any year.
    env.add_function("photo", move |n: Option<i64>, kw: Kwargs| -> Result<Value, Error> {
        let kind: Option<String> = kw.get("kind")?;
        let caption: Option<String> = kw.get("caption")?;
        kw.assert_all_used()?;
        let entity = match kind.as_deref() {
            None => None,
            Some("event") => Some("event"),
            Some("activity" | "plan_activity") => Some("plan_activity"),
            Some("honour") => Some("honour"),
            Some(k) => return Err(c.fail(TemplateError::new("review.error.photo_kind").arg("kind", k))),
        };
        let photos: Vec<&super::PhotoItem> =
            c.facts.lists.photos.iter().filter(|p| entity.is_none_or(|e| p.entity == e)).collect();
        let chosen = match n {
            Some(n) => usize::try_from(n).ok().and_then(|n| n.checked_sub(1)).and_then(|i| photos.get(i)).copied(),
            None => {
                let placed = c.side().photos_placed.clone();
                photos.into_iter().find(|p| !placed.contains(&p.id))
            }
        };
        let Some(p) = chosen else { return Ok(c.place(Piece::Nothing)) };
        c.side().photos_placed.insert(p.id);
        Ok(c.place(Piece::Image(render::Image {
            bytes: Vec::new(),
            mime: String::new(),
            caption: Some(caption.unwrap_or_else(|| p.caption.clone())),
            src: Some(p.thumb.clone()),
            width_mm: PHOTO_WIDTH_MM,
        })))
    });
}

/// The locale key of a MiniJinja error.
fn kind_key(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::SyntaxError => "review.error.syntax",
        ErrorKind::UnknownFunction => "review.error.unknown_function",
        ErrorKind::UnknownFilter | ErrorKind::UnknownTest | ErrorKind::UnknownMethod => "review.error.unknown_filter",
        ErrorKind::UndefinedError => "review.error.undefined",
        ErrorKind::TooManyArguments | ErrorKind::MissingArgument => "review.error.arguments",
        ErrorKind::OutOfFuel => "review.error.too_long",
        ErrorKind::TemplateNotFound | ErrorKind::BadInclude => "review.error.include",
        _ => "review.error.invalid",
    }
}

/// Runs a template over the facts and parses its output. The source's token characters are
/// removed first; the output is plain text (no HTML escaping: every renderer escapes).
pub fn render(source: &str, facts: Arc<Facts>) -> Result<Rendered, TemplateError> {
    let source = markup::strip_tokens(source);
    let side = Arc::new(Mutex::new(Side::default()));
    let cx = Ctx { facts: facts.clone(), side: side.clone() };
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(50);
    register(&mut env, &cx);
    let mut ctx = BTreeMap::new();
    ctx.insert("year", Value::from(facts.year));
    ctx.insert("period", Value::from(facts.period.clone()));
    ctx.insert("unit", cx.text(facts.pick(&facts.unit_name, &facts.unit_name_en)));
    ctx.insert("lang", Value::from(if facts.lang == Lang::En { "en" } else { "zh" }));
    let out = env.render_str(&source, Value::from(ctx));
    let mut s = side.lock().unwrap_or_else(|e| e.into_inner());
    let output = match (out, s.problem.take()) {
        (Ok(o), None) => o,
        (Ok(_), Some(p)) => return Err(p),
        (Err(e), problem) => {
            let mut te = problem.unwrap_or_else(|| TemplateError::new(kind_key(e.kind())));
            te.line = e.line();
            return Err(te);
        }
    };
    let blocks = markup::parse(&output, &s.pieces);
    Ok(Rendered { blocks, used: std::mem::take(&mut s.used), wants_children: s.wants_children })
}
