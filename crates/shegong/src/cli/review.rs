//! `shegong review --year 2022 --unit 昆山市 --format html|docx|pdf --out FILE [--template NAME]`:
//! the annual review of a year and a unit subtree, from the records now, as a file. The document's
//! language is `--lang` (else the environment's), as are the messages.

use askama::Template;

use super::*;
use crate::review::store as reviews;
use crate::review::templates::document::{self, Subject};

#[derive(Template)]
#[template(path = "review/standalone.html")]
struct Standalone<'a> {
    lang: &'a str,
    title: &'a str,
    css: &'a str,
    doc: &'a str,
}

/// What the command was asked for.
pub(super) struct ReviewArgs {
    pub year: i32,
    pub unit: String,
    pub format: String,
    pub out: String,
    pub template: Option<String>,
    pub db: DbArg,
}

pub(super) async fn review_cmd(cfg_path: Option<&str>, a: ReviewArgs, lang: Lang) -> anyhow::Result<i32> {
    let format = a.format.trim().to_ascii_lowercase();
    if !["html", "docx", "pdf"].contains(&format.as_str()) {
        return Err(Msg::new("cli.review.format").arg("format", a.format.as_str()).into());
    }
    let cfg = config(cfg_path, &a.db)?;
    let d = open(&cfg, lang).await?;
    let refs = crate::units::unit_refs(&d, &Scope::all()).await?;
    let unit = match refs.resolve(&a.unit) {
        Ok(u) => u.clone(),
        Err(crate::units::UnitRefError::Ambiguous) => {
            return Err(Msg::new("cli.review.unit_ambiguous").arg("unit", a.unit.as_str()).into())
        }
        Err(_) => return Err(Msg::new("cli.review.no_unit").arg("unit", a.unit.as_str()).into()),
    };
    {
        let tx = d.write().await?;
        if reviews::ensure_defaults(&*tx).await? {
            audit::record(
                &*tx,
                &Actor::system("cli"),
                Event::new("create", "review_template", reviews::DEFAULT_TEMPLATE),
            )
            .await?;
        }
        tx.commit().await?;
    }
    let code = if lang == Lang::En { "en" } else { "zh" };
    let name = a.template.as_deref().map(str::trim).filter(|t| !t.is_empty()).unwrap_or(reviews::DEFAULT_TEMPLATE);
    let tpl = reviews::latest_template(&d.conn, name, code)
        .await?
        .ok_or_else(|| Msg::new("cli.review.no_template").arg("name", name).arg("lang", code))?;
    let st = AppState::new(d.clone(), cfg.clone(), None);
    let s = Subject {
        unit_id: unit.id,
        unit_path: unit.path.clone(),
        unit_name: unit.name.clone(),
        unit_name_en: unit.name_en.clone(),
        year: a.year,
        lang,
        scope: crate::platform::access::Scope::all(),
    };
    let (rendered, facts) = match document::run_live(&st, &s, &tpl.body).await.map_err(|e| anyhow::anyhow!("{e}"))? {
        Ok((r, facts, _)) => (r, facts),
        Err(e) => return Err(Msg::new("cli.review.template").arg("error", e.message(lang)).into()),
    };
    let unit_name = if lang == Lang::En && !unit.name_en.is_empty() { &unit.name_en } else { &unit.name };
    let title =
        crate::platform::i18n::tf(lang, "review.default_title", &[("year", &a.year.to_string()), ("unit", unit_name)]);
    let mut doc = document::document(&title, &s, "draft", rendered.blocks);
    // Photos: the originals in Word and the PDF; in the standalone page, the thumbnails inlined.
    document::with_originals(&st, &mut doc, &facts.lists.photos).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if format == "html" {
        document::inline_images(&mut doc);
    }
    let fonts = cfg.fonts();
    let bytes = match format.as_str() {
        "html" => Standalone {
            lang: code,
            title: &title,
            css: include_str!("../../static/app.css"),
            doc: &render::html::render(&doc),
        }
        .render()?
        .into_bytes(),
        "docx" => render::docx::render(&doc, &fonts)
            .map_err(|e| Msg::new(crate::review::templates::render_error_key(&e)).arg("error", e.to_string()))?,
        _ => render::pdf::render(&doc, &fonts)
            .map_err(|e| Msg::new(crate::review::templates::render_error_key(&e)).arg("error", e.to_string()))?,
    };
    std::fs::write(&a.out, &bytes)
        .map_err(|e| Msg::new("cli.review.write").arg("path", a.out.as_str()).arg("error", e.to_string()))?;
    say(&Msg::new("cli.review.written").arg("path", a.out.as_str()).arg("bytes", bytes.len().to_string()).render(lang));
    Ok(0)
}
