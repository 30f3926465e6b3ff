//! Review templates (every save a new version) and reviews (a year and a unit subtree, one
//! template version, a language, a state), with the figures frozen at publication.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};

/// The built-in template's name; versions 1 come from `review_templates/default.*.txt`.
pub const DEFAULT_TEMPLATE: &str = "default";
const DEFAULT_ZH: &str = include_str!("../../../review_templates/default.zh.txt");
const DEFAULT_EN: &str = include_str!("../../../review_templates/default.en.txt");

/// The states of a review, in order.
pub const STATES: &[&str] = &["draft", "review", "published"];

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    pub lang: String,
    pub version: i32,
    pub body: String,
    pub note: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl TemplateRow {
    /// When this version was saved, China time.
    pub fn created_text(&self) -> String {
        crate::platform::time::local_minutes(&self.created_at)
    }
    /// The locale key of its language's name.
    pub fn lang_key(&self) -> String {
        format!("review.lang_{}", self.lang)
    }
}

const TEMPLATE_SELECT: &str =
    "SELECT t.id, t.name, t.lang, t.version, t.body, t.note, a.display_name AS author, t.created_at \
     FROM review_templates t LEFT JOIN users a ON a.id = t.author_id";

/// The latest version of every template, by name and language.
pub async fn templates_latest<C: ConnectionTrait>(c: &C) -> Result<Vec<TemplateRow>, DbErr> {
    TemplateRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "{TEMPLATE_SELECT} WHERE t.version = (SELECT MAX(x.version) FROM review_templates x \
             WHERE x.name = t.name AND x.lang = t.lang) ORDER BY t.name, t.lang"
        ),
        vec![],
    ))
    .all(c)
    .await
}

pub async fn template<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<TemplateRow>, DbErr> {
    TemplateRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{TEMPLATE_SELECT} WHERE t.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// Every version of a template, newest first.
pub async fn template_versions<C: ConnectionTrait>(c: &C, name: &str, lang: &str) -> Result<Vec<TemplateRow>, DbErr> {
    TemplateRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{TEMPLATE_SELECT} WHERE t.name = ? AND t.lang = ? ORDER BY t.version DESC"),
        vec![name.into(), lang.into()],
    ))
    .all(c)
    .await
}

/// The latest version of a template in a language.
pub async fn latest_template<C: ConnectionTrait>(c: &C, name: &str, lang: &str) -> Result<Option<TemplateRow>, DbErr> {
    Ok(template_versions(c, name, lang).await?.into_iter().next())
}

/// Saves a new version of a template (version 1 of a new name); returns its id.
pub async fn insert_template<C: ConnectionTrait>(
    c: &C,
    name: &str,
    lang: &str,
    body: &str,
    note: &str,
    author: Option<i64>,
) -> Result<i64, DbErr> {
    insert_id(
        c,
        "INSERT INTO review_templates (name, lang, version, body, note, author_id, created_at) \
         SELECT ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ? FROM review_templates WHERE name = ? AND lang = ?",
        vec![
            name.into(),
            lang.into(),
            body.into(),
            note.into(),
            author.into(),
            Utc::now().into(),
            name.into(),
            lang.into(),
        ],
    )
    .await
}

/// Writes the built-in template (Chinese and English) when the database has none yet; returns
/// whether it wrote.
pub async fn ensure_defaults<C: ConnectionTrait>(c: &C) -> Result<bool, DbErr> {
    if latest_template(c, DEFAULT_TEMPLATE, "zh").await?.is_some() {
        return Ok(false);
    }
    insert_template(c, DEFAULT_TEMPLATE, "zh", DEFAULT_ZH, "", None).await?;
    insert_template(c, DEFAULT_TEMPLATE, "en", DEFAULT_EN, "", None).await?;
    Ok(true)
}

/// The built-in template's text in a language (`zh` or `en`).
pub fn default_body(lang: &str) -> &'static str {
    if lang == "en" {
        DEFAULT_EN
    } else {
        DEFAULT_ZH
    }
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ReviewRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_name_en: String,
    pub unit_path: String,
    pub year: i32,
    pub period: String,
    pub template_id: i64,
    pub template_name: String,
    pub template_version: i32,
    pub lang: String,
    pub title: String,
    pub state: String,
    pub data_version: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReviewRow {
    pub fn state_key(&self) -> String {
        format!("review.state.{}", self.state)
    }
    /// When it last changed, China time.
    pub fn updated_text(&self) -> String {
        crate::platform::time::local_minutes(&self.updated_at)
    }
    pub fn published_text(&self) -> String {
        self.published_at.as_ref().map(crate::platform::time::local_minutes).unwrap_or_default()
    }
}

const REVIEW_SELECT: &str = "SELECT r.id, r.unit_id, u.name AS unit_name, u.name_en AS unit_name_en, u.path AS unit_path, \
     r.year, r.period, r.template_id, t.name AS template_name, t.version AS template_version, r.lang, r.title, r.state, \
     r.data_version, r.published_at, r.version, r.created_at, r.updated_at";
const REVIEW_FROM: &str =
    " FROM reviews r JOIN org_units u ON u.id = r.unit_id JOIN review_templates t ON t.id = r.template_id";

/// The list's filter.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReviewFilter {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub state: String,
}

pub async fn reviews<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ReviewFilter,
    p: &PageParams,
) -> Result<Page<ReviewRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("r.unit_id", None);
    let mut wh = format!(" WHERE {sf}");
    if let Ok(y) = f.year.trim().parse::<i32>() {
        wh.push_str(" AND r.year = ?");
        vals.push(y.into());
    }
    if STATES.contains(&f.state.as_str()) {
        wh.push_str(" AND r.state = ?");
        vals.push(Value::from(f.state.clone()));
    }
    if let Some(q) = p.search() {
        let (cond, v) = crate::platform::db::contains_any(&[("r.title", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    let order = p.order_by(&[("updated", "r.updated_at"), ("year", "r.year"), ("title", "r.title")], "r.id");
    let order = if p.sort.is_none() { " ORDER BY r.updated_at DESC, r.id DESC".to_string() } else { order };
    fetch(
        c,
        &format!("SELECT COUNT(*){REVIEW_FROM}{wh}"),
        &format!("{REVIEW_SELECT}{REVIEW_FROM}{wh}"),
        &order,
        vals,
        p,
    )
    .await
}

/// The years that have reviews in the scope.
pub async fn review_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        year: i32,
    }
    let (sf, vals) = scope.unit_filter("r.unit_id", None);
    Ok(Y::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT DISTINCT r.year FROM reviews r WHERE {sf} ORDER BY r.year DESC"),
        vals,
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|y| y.year)
    .collect())
}

/// One review inside the scope.
pub async fn review<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<ReviewRow>, DbErr> {
    let (sf, mut vals) = scope.unit_filter("r.unit_id", None);
    vals.insert(0, id.into());
    ReviewRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{REVIEW_SELECT}{REVIEW_FROM} WHERE r.id = ? AND {sf}"),
        vals,
    ))
    .one(c)
    .await
}

/// A review as the create form gives it.
#[derive(Debug, Clone, Serialize)]
pub struct NewReview {
    pub unit_id: i64,
    pub year: i32,
    pub template_id: i64,
    pub lang: String,
    pub title: String,
}

pub async fn insert_review<C: ConnectionTrait>(c: &C, r: &NewReview, user: Option<i64>) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO reviews (unit_id, year, period, template_id, lang, title, state, created_by, version, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, 1, ?, ?)",
        vec![
            r.unit_id.into(),
            r.year.into(),
            r.year.to_string().into(),
            r.template_id.into(),
            r.lang.clone().into(),
            r.title.clone().into(),
            user.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// Moves a review from one state to the next at the version the form showed; false when it
/// changed meanwhile (or is no longer in `from`).
pub async fn set_state<C: ConnectionTrait>(c: &C, id: i64, from: &str, to: &str, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE reviews SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = ?",
            vec![to.into(), Utc::now().into(), id.into(), version.into(), from.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Points a draft at another template version (a draft follows its template's edits).
pub async fn set_template<C: ConnectionTrait>(c: &C, id: i64, template_id: i64, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE reviews SET template_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = 'draft'",
            vec![template_id.into(), Utc::now().into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// One frozen figure of a published review.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct SnapRow {
    pub figure_key: String,
    pub value: Option<i64>,
    pub value_before: Option<i64>,
    pub text: String,
    pub change_text: String,
    pub href: String,
    pub data_version: i64,
    pub taken_at: DateTime<Utc>,
}

/// Publishes a review in review at the version shown: the state, the time, the frozen lists, and
/// one row per figure used, all in the caller's transaction. False when it changed meanwhile.
pub async fn publish<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    user: i64,
    data_version: i64,
    frozen_lists: &str,
    rows: &[SnapRow],
) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let r = c
        .execute(sql(
            b,
            "UPDATE reviews SET state = 'published', published_at = ?, published_by = ?, data_version = ?, frozen_lists = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = 'review'",
            vec![
                now.into(),
                user.into(),
                data_version.into(),
                frozen_lists.into(),
                now.into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    for chunk in rows.chunks(100) {
        let mut vals: Vec<Value> = Vec::new();
        let mut marks = Vec::new();
        for s in chunk {
            marks.push("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
            vals.extend([
                id.into(),
                s.figure_key.clone().into(),
                s.value.into(),
                s.value_before.into(),
                s.text.clone().into(),
                s.change_text.clone().into(),
                s.href.clone().into(),
                data_version.into(),
                now.into(),
            ]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO review_figures (review_id, figure_key, value, value_before, text, change_text, href, data_version, taken_at) VALUES {}",
                marks.join(", ")
            ),
            vals,
        ))
        .await?;
    }
    Ok(true)
}

/// The frozen figures of a published review, and its frozen lists (JSON).
pub async fn snapshot<C: ConnectionTrait>(c: &C, id: i64) -> Result<(Vec<SnapRow>, String), DbErr> {
    #[derive(FromQueryResult)]
    struct L {
        frozen_lists: String,
    }
    let b = c.get_database_backend();
    let rows = SnapRow::find_by_statement(sql(
        b,
        "SELECT figure_key, value, value_before, text, change_text, href, data_version, taken_at FROM review_figures \
         WHERE review_id = ? ORDER BY figure_key",
        vec![id.into()],
    ))
    .all(c)
    .await?;
    let lists = L::find_by_statement(sql(b, "SELECT frozen_lists FROM reviews WHERE id = ?", vec![id.into()]))
        .one(c)
        .await?
        .map(|l| l.frozen_lists)
        .unwrap_or_default();
    Ok((rows, lists))
}

/// The latest published review of the same unit and year (a draft's view compares with it).
pub async fn published_peer<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    year: i32,
    except: i64,
) -> Result<Option<i64>, DbErr> {
    #[derive(FromQueryResult)]
    struct I {
        id: i64,
    }
    Ok(I::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id FROM reviews WHERE unit_id = ? AND year = ? AND state = 'published' AND id <> ? ORDER BY published_at DESC, id DESC",
        vec![unit_id.into(), year.into(), except.into()],
    ))
    .one(c)
    .await?
    .map(|i| i.id))
}
