//! Review templates (issue 15, item 3): staff write the narrative in MiniJinja; functions place
//! indicators, lists, charts and tables. Rendering is pure: [`Facts`] holds every value a
//! template may use (read from the records by `review::store`, or from a published review's
//! snapshot), [`render`] runs the template and parses its output into a `render::Document`.
//!
//! Staff-written text is data, never markup. The template's own text is parsed as a light line
//! markup (`# `, `## `, `### ` headings, `- ` list items, blank line = new paragraph); every value
//! that comes from the records (a figure, a unit's or an honour's name, a chart) is written into
//! the output as a token (two private-use characters around a number) that refers to a side
//! table, so no value can start a heading, a list item or a paragraph, and each renderer escapes
//! it for its own format. Token characters are removed from the template's source before it runs,
//! so a template cannot forge a token either.

pub mod document;
mod functions;
mod markup;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::platform::i18n::{t, tf, Lang};

pub use functions::{render, Rendered, PHOTO_WIDTH_MM};

/// Opens a token in a template's output.
pub(crate) const OPEN: char = '\u{E000}';
/// Closes a token.
pub(crate) const CLOSE: char = '\u{E001}';

/// One indicator's value as a document uses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fig {
    pub value: Option<i64>,
    /// The value for the same period a year earlier.
    pub before: Option<i64>,
    /// The value as the catalogue shows it (counts grouped, money in 万元, shares in percent).
    pub text: String,
    /// The change against a year earlier, with its sign ("" without one).
    pub change_text: String,
    /// The page listing the records behind the value.
    pub href: String,
}

/// An honour of the year in the subtree.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HonourItem {
    pub title: String,
    /// `national`, `provincial`, `suzhou`, `city`.
    pub level: String,
    pub awardee: String,
    pub unit: String,
    pub unit_en: String,
}

/// An award programme of the year with its winners in the subtree.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AwardItem {
    pub id: i64,
    pub title: String,
    pub level: String,
    pub edition: i32,
    pub winners: i64,
}

/// An event of the year in the subtree.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventItem {
    pub title: String,
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
}

/// A department on the industry Party-building committee.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeptItem {
    pub name: String,
    pub name_en: String,
    pub lead: bool,
}

/// A unit one level below the review's unit (per-unit charts).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChildUnit {
    pub id: i64,
    pub name: String,
    pub name_en: String,
}

/// A photo a review may place: an attachment of an event, Party activity or honour of the year
/// in the subtree, inside the reader's scope (`events::photos_for_review`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhotoItem {
    /// The attachment's id.
    pub id: i64,
    /// What it shows: `event`, `plan_activity` or `honour`.
    pub entity: String,
    /// The record's title and date (or year).
    pub caption: String,
    /// Where a page loads its thumbnail (the attachment route, which checks the reader again).
    pub thumb: String,
}

/// The lists a template may place; frozen as they are when a review is published.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lists {
    pub honours: Vec<HonourItem>,
    pub awards: Vec<AwardItem>,
    pub events: Vec<EventItem>,
    pub committee: Vec<DeptItem>,
    pub children: Vec<ChildUnit>,
    /// Reviews published before photos could be placed have none.
    #[serde(default)]
    pub photos: Vec<PhotoItem>,
}

/// Everything a template may use for one review.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub lang: Lang,
    pub year: i32,
    /// The period as written (`2022`).
    pub period: String,
    pub unit_name: String,
    pub unit_name_en: String,
    /// By indicator key; `key@<unit id>` for a unit one level down.
    pub figures: BTreeMap<String, Fig>,
    /// Whether the units one level down have their figures in `figures`.
    pub children_loaded: bool,
    pub lists: Lists,
}

impl Facts {
    /// The name of a record in the document's language.
    pub(crate) fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::En && !en.is_empty() {
            en
        } else {
            zh
        }
    }
}

/// Why a template cannot be rendered: the line (when known) and what is wrong, as a locale key
/// with its arguments, rendered in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: Option<usize>,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl TemplateError {
    pub(crate) fn new(key: &'static str) -> TemplateError {
        TemplateError { line: None, key, args: Vec::new() }
    }
    pub(crate) fn arg(mut self, name: &'static str, value: impl Into<String>) -> TemplateError {
        self.args.push((name, value.into()));
        self
    }
    /// What is wrong, without the line.
    pub fn what(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let mut s = tf(lang, self.key, &args);
        if let Some((_, near)) = self.args.iter().find(|(n, _)| *n == "near") {
            s.push_str(&tf(lang, "review.error.near", &[("near", near)]));
        }
        s
    }
    /// The whole message: the line and what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        match self.line {
            Some(l) => tf(lang, "review.error.at_line", &[("line", &l.to_string()), ("what", &self.what(lang))]),
            None => self.what(lang),
        }
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// The label of an indicator in the document's language.
pub(crate) fn label(lang: Lang, key: &str) -> String {
    t(lang, key).to_string()
}

/// The locale key of a renderer's failure (a page or the command line says it).
pub fn render_error_key(e: &render::RenderError) -> &'static str {
    match e {
        render::RenderError::Fonts(_) => "review.error.fonts",
        render::RenderError::Unavailable(_) => "review.error.unavailable",
        render::RenderError::Failed(_) => "review.error.render_failed",
    }
}
