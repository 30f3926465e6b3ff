//! A review as a document: the facts read from the records (live) or from the snapshot taken at
//! publication (frozen), the template run over them, and the `render::Document` with its title,
//! the subtitle (unit, year, state) and, where the live figures now differ from the frozen ones,
//! a note on each such figure.

use std::collections::BTreeMap;
use std::sync::Arc;

use render::{Block, Document, Inline};

use super::{render, Facts, Fig, Lists, PhotoItem, TemplateError};
use crate::platform::access::Scope;
use crate::platform::error::AppResult;
use crate::platform::i18n::{t, tf, Lang};
use crate::platform::indicator::Ask;
use crate::platform::period::Period;
use crate::platform::AppState;
use crate::review::figures as engine;
use crate::review::store::{self, ReviewRow, SnapRow};

/// What a review is about.
#[derive(Debug, Clone)]
pub struct Subject {
    pub unit_id: i64,
    pub unit_path: String,
    pub unit_name: String,
    pub unit_name_en: String,
    pub year: i32,
    pub lang: Lang,
    /// The reader's scope: the photos a document places are only those inside it (the figures
    /// are the subtree's, whoever reads them).
    pub scope: Scope,
}

impl Subject {
    /// The subject of a review, for a reader with `scope`.
    pub fn of(r: &ReviewRow, scope: &Scope) -> Subject {
        Subject {
            unit_id: r.unit_id,
            unit_path: r.unit_path.clone(),
            unit_name: r.unit_name.clone(),
            unit_name_en: r.unit_name_en.clone(),
            year: r.year,
            lang: doc_lang(&r.lang),
            scope: scope.clone(),
        }
    }
}

/// The most photos a review may place.
const PHOTOS: u32 = 50;

/// The photos of the subject's year and subtree that its reader may see.
async fn photos(st: &AppState, s: &Subject) -> AppResult<Vec<PhotoItem>> {
    let (from, to) = crate::platform::period::bounds(s.year);
    let found = crate::events::photos_for_review(&st.db.conn, &s.scope, &s.unit_path, from, to, PHOTOS).await?;
    Ok(found
        .into_iter()
        .map(|p| PhotoItem {
            id: p.attachment.id,
            thumb: p.attachment.thumb_src(),
            entity: p.attachment.entity,
            caption: p.caption,
        })
        .collect())
}

/// Gives every photo of `doc` the bytes of its original (Word and the PDF embed them; a page
/// shows the thumbnail). Only photos of `placeable` are read: a block names its photo by the
/// thumbnail's address.
pub async fn with_originals(st: &AppState, doc: &mut Document, placeable: &[PhotoItem]) -> AppResult<()> {
    for b in doc.blocks.iter_mut() {
        let Block::Image(img) = b else { continue };
        let Some(p) = placeable.iter().find(|p| img.src.as_deref() == Some(p.thumb.as_str())) else { continue };
        let Some(a) = crate::platform::files::get(&st.db.conn, p.id).await? else { continue };
        let (bytes, mime) = crate::events::review_photo_bytes(&st.config.data_dir, &a).await?;
        img.bytes = bytes;
        img.mime = mime;
    }
    Ok(())
}

/// The language of a document from its code (`zh`, `en`).
pub fn doc_lang(code: &str) -> Lang {
    if code == "en" {
        Lang::En
    } else {
        Lang::Zh
    }
}

async fn figures_of(st: &AppState, unit_id: i64, path: &str, year: i32) -> AppResult<(BTreeMap<String, Fig>, i64)> {
    let ask = Ask::new(Period::Year(year), unit_id, path, Scope::all());
    let answer = engine::document_values(st, &ask).await?;
    let figures = answer
        .values
        .into_iter()
        .map(|v| {
            let fig = Fig {
                value: v.value,
                before: v.before,
                text: v.text,
                change_text: v.change_text.unwrap_or_default(),
                href: v.href,
            };
            (v.key.to_string(), fig)
        })
        .collect();
    Ok((figures, answer.version))
}

/// The facts of a subject read from the records now, with the `records` data version they are
/// at; the figures of the units one level down too when `children`.
pub async fn live_facts(st: &AppState, s: &Subject, children: bool) -> AppResult<(Facts, i64)> {
    let (mut figures, version) = figures_of(st, s.unit_id, &s.unit_path, s.year).await?;
    let mut lists = store::lists(&st.db.conn, &s.unit_path, s.year).await?;
    lists.children = store::children(&st.db.conn, s.unit_id).await?;
    lists.photos = photos(st, s).await?;
    if children {
        // The units one level down, concurrently (each is a whole answer of the engine).
        let each = futures_util::future::try_join_all(lists.children.iter().map(|u| async move {
            let path = crate::units::get(&st.db.conn, u.id).await?.map(|x| x.path).unwrap_or_default();
            if path.is_empty() {
                return Ok(None);
            }
            figures_of(st, u.id, &path, s.year).await.map(|(f, _)| Some((u.id, f)))
        }))
        .await?;
        for (id, f) in each.into_iter().flatten() {
            figures.extend(f.into_iter().map(|(k, v)| (format!("{k}@{id}"), v)));
        }
    }
    Ok((facts(s, figures, lists, children), version))
}

fn facts(s: &Subject, figures: BTreeMap<String, Fig>, lists: Lists, children_loaded: bool) -> Facts {
    Facts {
        lang: s.lang,
        year: s.year,
        period: s.year.to_string(),
        unit_name: s.unit_name.clone(),
        unit_name_en: s.unit_name_en.clone(),
        figures,
        children_loaded,
        lists,
    }
}

/// The facts frozen at publication.
pub fn frozen_facts(s: &Subject, rows: &[SnapRow], lists: &str) -> Facts {
    let figures = rows
        .iter()
        .map(|r| {
            let fig = Fig {
                value: r.value,
                before: r.value_before,
                text: r.text.clone(),
                change_text: r.change_text.clone(),
                href: r.href.clone(),
            };
            (r.figure_key.clone(), fig)
        })
        .collect();
    let lists: Lists = serde_json::from_str(lists).unwrap_or_default();
    facts(s, figures, lists, true)
}

/// A template run over live facts (reading the units one level down only when it asks for them).
pub async fn run_live(
    st: &AppState,
    s: &Subject,
    source: &str,
) -> AppResult<Result<(super::Rendered, Arc<Facts>, i64), TemplateError>> {
    let (f, version) = live_facts(st, s, false).await?;
    let f = Arc::new(f);
    let first = match render(source, f.clone()) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if !first.wants_children {
        return Ok(Ok((first, f, version)));
    }
    let (f, version) = live_facts(st, s, true).await?;
    let f = Arc::new(f);
    Ok(render(source, f.clone()).map(|r| (r, f, version)))
}

/// The document: title, subtitle and blocks.
pub fn document(title: &str, s: &Subject, state: &str, blocks: Vec<Block>) -> Document {
    let lang = s.lang;
    let unit = if lang == Lang::En && !s.unit_name_en.is_empty() { &s.unit_name_en } else { &s.unit_name };
    let subtitle = tf(
        lang,
        "review.doc.subtitle",
        &[("unit", unit), ("year", &s.year.to_string()), ("state", t(lang, &format!("review.state.{state}")))],
    );
    Document {
        title: title.to_string(),
        subtitle: Some(subtitle),
        lang: if lang == Lang::En { render::Lang::En } else { render::Lang::Zh },
        blocks,
    }
}

/// Marks each figure whose value in `other` differs from the one shown, with a note (`note_key`,
/// `{value}` the other value); returns how many were marked.
pub fn mark_differences(blocks: &mut [Block], shown: &Facts, other: &Facts, note_key: &str, lang: Lang) -> usize {
    let mut marked = 0;
    let mut mark = |runs: &mut Vec<Inline>| {
        for r in runs.iter_mut() {
            if let Inline::Figure { key, note, .. } = r {
                let (Some(a), Some(b)) = (shown.figures.get(key.as_str()), other.figures.get(key.as_str())) else {
                    continue;
                };
                if a.value != b.value {
                    *note = Some(tf(lang, note_key, &[("value", &b.text)]));
                    marked += 1;
                }
            }
        }
    };
    for b in blocks.iter_mut() {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text } => mark(text),
            Block::List { items, .. } => items.iter_mut().for_each(&mut mark),
            _ => {}
        }
    }
    marked
}

/// The snapshot rows of the figures a document used.
pub fn snapshot_rows(used: &std::collections::BTreeSet<String>, f: &Facts, version: i64) -> Vec<SnapRow> {
    let now = chrono::Utc::now();
    used.iter()
        .map(|k| {
            let fig = f.figures.get(k).cloned().unwrap_or_default();
            SnapRow {
                figure_key: k.clone(),
                value: fig.value,
                value_before: fig.before,
                text: fig.text,
                change_text: fig.change_text,
                href: fig.href,
                data_version: version,
                taken_at: now,
            }
        })
        .collect()
}

/// The whole document of a review for a reader with `scope`: published ones from their snapshot
/// (marked where the live figures now differ), drafts and reviews in review live (marked against
/// the latest published review of the same unit and year, if any). A published review places
/// only the photos of its snapshot that the reader may still see. With `originals`, photos carry
/// their original's bytes (for Word and the PDF). Returns the document and how many figures differ.
pub async fn review_document(
    st: &AppState,
    r: &ReviewRow,
    scope: &Scope,
    originals: bool,
) -> AppResult<Result<(Document, usize), TemplateError>> {
    let s = Subject::of(r, scope);
    let Some(tpl) = store::template(&st.db.conn, r.template_id).await? else {
        return Err(crate::platform::error::AppError::NotFound);
    };
    let (live, _) = live_facts(st, &s, true).await?;
    let (mut rendered, shown) = if r.state == "published" {
        let (rows, lists) = store::snapshot(&st.db.conn, r.id).await?;
        let mut frozen = frozen_facts(&s, &rows, &lists);
        frozen.lists.photos.retain(|p| live.lists.photos.iter().any(|q| q.id == p.id));
        let frozen = Arc::new(frozen);
        match render(&tpl.body, frozen.clone()) {
            Ok(x) => (x, frozen),
            Err(e) => return Ok(Err(e)),
        }
    } else {
        let live = Arc::new(live.clone());
        match render(&tpl.body, live.clone()) {
            Ok(x) => (x, live),
            Err(e) => return Ok(Err(e)),
        }
    };
    let mut marked = 0;
    if r.state == "published" {
        marked = mark_differences(&mut rendered.blocks, &shown, &live, "review.live_differs", s.lang);
    } else if let Some(peer) = store::published_peer(&st.db.conn, r.unit_id, r.year, r.id).await? {
        let (rows, lists) = store::snapshot(&st.db.conn, peer).await?;
        let published = frozen_facts(&s, &rows, &lists);
        // Here the live value is shown; the note names the published one.
        marked = mark_differences(&mut rendered.blocks, &live, &published, "review.published_differs", s.lang);
    }
    let mut doc = document(&r.title, &s, &r.state, rendered.blocks);
    if originals {
        with_originals(st, &mut doc, &shown.lists.photos).await?;
    }
    Ok(Ok((doc, marked)))
}

/// For a page saved on its own (`shegong review --format html`): each photo that has its bytes
/// is inlined as a `data:` address, since the attachment routes are not there.
pub fn inline_images(doc: &mut Document) {
    use base64::Engine;
    for b in doc.blocks.iter_mut() {
        if let Block::Image(img) = b {
            if !img.bytes.is_empty() {
                let data = base64::engine::general_purpose::STANDARD.encode(&img.bytes);
                img.src = Some(format!("data:{};base64,{data}", img.mime));
            }
        }
    }
}
