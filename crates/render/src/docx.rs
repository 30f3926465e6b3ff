//! The document as Word .docx (docx-rs), for staff to edit: the built-in heading styles
//! (`Heading1`..`Heading3`, with outline levels, so Word's navigation pane and table of contents
//! see them), `Title`, `Subtitle` and `Caption`; the CJK font set as `w:eastAsia` in the document
//! defaults and in every style; lists, tables with a bold shaded header row, charts as PNG
//! pictures drawn from the same SVG ([`crate::chart::png`]) and photos converted to PNG, each
//! with its caption. Figures are plain text runs (staff edit them as text).

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, IndentLevel, Level, LevelJc, LevelText, LineSpacing,
    NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, SpecialIndentType, Start,
    Style, StyleType, Table as DocxTable, TableCell, TableRow, WidthType,
};

use crate::model::{Block, Chart, Document, Image, Inline, Table};
use crate::{Fonts, RenderError};

/// The body font (Song style, as official documents are printed).
pub const SERIF: &str = "Noto Serif CJK SC";
/// The heading font (Hei style).
pub const SANS: &str = "Noto Sans CJK SC";

/// EMUs per millimetre.
const EMU_MM: u32 = 36_000;
/// The width of the text column on A4 with 25 mm margins, in millimetres.
const TEXT_MM: u32 = 160;
/// A4 in twentieths of a point, and its 25 mm (1417 twips) margins.
const A4: (u32, u32) = (11_906, 16_838);
const MARGIN: i32 = 1_417;

fn fonts(face: &str) -> RunFonts {
    RunFonts::new().ascii(face).hi_ansi(face).east_asia(face).cs(face)
}

/// A paragraph style based on Normal, the next paragraph Normal again.
fn style(id: &str, name: &str, face: &str, half_points: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .fonts(fonts(face))
        .size(half_points)
}

fn styles(docx: Docx) -> Docx {
    let heading = |level: usize, half_points: usize| {
        style(&format!("Heading{level}"), &format!("heading {level}"), SANS, half_points)
            .bold()
            .outline_lvl(level - 1)
            .line_spacing(LineSpacing::new().before(240).after(120))
    };
    docx.add_style(
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .fonts(fonts(SERIF))
            .size(24)
            .line_spacing(LineSpacing::new().after(120).line(360)),
    )
    .add_style(
        style("Title", "Title", SANS, 40)
            .bold()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(240).after(120)),
    )
    .add_style(
        style("Subtitle", "Subtitle", SANS, 24)
            .color("52606D")
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(360)),
    )
    .add_style(heading(1, 32))
    .add_style(heading(2, 28))
    .add_style(heading(3, 24))
    .add_style(
        style("Caption", "caption", SANS, 20)
            .color("52606D")
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(240)),
    )
}

/// The document as the bytes of a .docx file.
pub fn render(doc: &Document, fonts_dir: &Fonts) -> Result<Vec<u8>, RenderError> {
    let mut docx = styles(
        Docx::new()
            .default_fonts(fonts(SERIF))
            .default_size(24)
            .page_size(A4.0, A4.1)
            .page_margin(PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN)),
    );
    docx = docx.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&doc.title)));
    if let Some(sub) = &doc.subtitle {
        docx = docx.add_paragraph(Paragraph::new().style("Subtitle").add_run(Run::new().add_text(sub)));
    }
    let mut w = Writer { docx, lists: 0, pictures: 0 };
    for b in &doc.blocks {
        w.block(b, fonts_dir)?;
    }
    let mut out = std::io::Cursor::new(Vec::new());
    w.docx.build().pack(&mut out).map_err(|e| RenderError::Failed(format!("docx: {e}")))?;
    Ok(out.into_inner())
}

struct Writer {
    docx: Docx,
    /// Lists so far: each list has its own numbering (an ordered list starts at 1).
    lists: usize,
    /// Pictures so far: their ids in the package (deterministic).
    pictures: usize,
}

impl Writer {
    fn add(&mut self, p: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    fn block(&mut self, b: &Block, fonts: &Fonts) -> Result<(), RenderError> {
        match b {
            Block::Heading { level, text } => {
                let level = (*level).clamp(1, 3);
                self.add(runs(Paragraph::new().style(&format!("Heading{level}")).keep_next(true), text));
            }
            Block::Paragraph { text } => self.add(runs(Paragraph::new(), text)),
            Block::List { ordered, items } => self.list(*ordered, items),
            Block::Table(t) => self.table(t),
            Block::Chart(c) => self.chart(c, fonts)?,
            Block::Image(img) => self.image(img),
            Block::PageBreak => self.add(Paragraph::new().add_run(Run::new().add_break(BreakType::Page))),
        }
        Ok(())
    }

    fn list(&mut self, ordered: bool, items: &[Vec<Inline>]) {
        self.lists += 1;
        let id = self.lists;
        let (format, text) = if ordered { ("decimal", "%1.") } else { ("bullet", "•") };
        let level = Level::new(0, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left"))
            .indent(Some(420), Some(SpecialIndentType::Hanging(420)), None, None);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx
            .add_abstract_numbering(AbstractNumbering::new(id).add_level(level))
            .add_numbering(Numbering::new(id, id));
        for item in items {
            self.add(runs(Paragraph::new().numbering(NumberingId::new(id), IndentLevel::new(0)), item));
        }
    }

    fn table(&mut self, t: &Table) {
        if let Some(c) = &t.caption {
            self.add(Paragraph::new().style("Caption").keep_next(true).add_run(Run::new().add_text(c)));
        }
        let cols = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let col_w = (TEXT_MM * 5_670 / 100 / cols as u32) as usize; // twips (1 mm = 56.7 twips)
        let cell = |text: &str, i: usize, header: bool| {
            let align =
                if t.numeric.get(i).copied().unwrap_or(false) { AlignmentType::Right } else { AlignmentType::Left };
            let run = if header { Run::new().bold() } else { Run::new() };
            let c = TableCell::new().width(col_w, WidthType::Dxa).add_paragraph(text_lines(
                Paragraph::new().align(align),
                run,
                text,
            ));
            if header {
                c.shading(Shading::new().fill("E8ECEF"))
            } else {
                c
            }
        };
        let mut rows = Vec::new();
        if !t.header.is_empty() {
            rows.push(
                TableRow::new(
                    (0..cols).map(|i| cell(t.header.get(i).map(String::as_str).unwrap_or(""), i, true)).collect(),
                )
                .cant_split(),
            );
        }
        for r in &t.rows {
            rows.push(
                TableRow::new((0..cols).map(|i| cell(r.get(i).map(String::as_str).unwrap_or(""), i, false)).collect())
                    .cant_split(),
            );
        }
        let table = DocxTable::new(rows).set_grid(vec![col_w; cols]).width(col_w * cols, WidthType::Dxa);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
        // Word needs a paragraph between two tables, and a table's end reads better with space.
        self.add(Paragraph::new());
    }

    /// A picture `w_mm` wide in its own centred paragraph.
    fn picture(&mut self, png: Vec<u8>, (w, h): (u32, u32), w_mm: u32) {
        self.pictures += 1;
        let w_mm = w_mm.clamp(20, TEXT_MM);
        let emu_w = w_mm * EMU_MM;
        let emu_h = (u64::from(emu_w) * u64::from(h) / u64::from(w.max(1))) as u32;
        let pic = Pic::new_with_dimensions(png, w, h).id(format!("rIdImage{}", self.pictures)).size(emu_w, emu_h);
        self.add(Paragraph::new().align(AlignmentType::Center).keep_next(true).add_run(Run::new().add_image(pic)));
    }

    fn chart(&mut self, c: &Chart, fonts: &Fonts) -> Result<(), RenderError> {
        let png = crate::chart::png(c, fonts, 2.0)?;
        let size = crate::chart::png_size(&png).ok_or_else(|| RenderError::Failed("chart png".into()))?;
        self.picture(png, size, TEXT_MM);
        self.add(Paragraph::new().style("Caption").add_run(Run::new().add_text(&c.title)));
        Ok(())
    }

    /// A photo as PNG (Word's media here are PNG); one that cannot be decoded keeps only its
    /// caption (the same in the PDF).
    fn image(&mut self, img: &Image) {
        if let Some((png, size)) = crate::photo::to_png(&img.bytes) {
            self.picture(png, size, if img.width_mm == 0 { 120 } else { img.width_mm });
        }
        if let Some(c) = &img.caption {
            self.add(Paragraph::new().style("Caption").add_run(Run::new().add_text(c)));
        }
    }
}

/// `p` with the text `s` in runs like `run`, a line break for each newline.
fn text_lines(mut p: Paragraph, run: Run, s: &str) -> Paragraph {
    let mut r = run;
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    p = p.add_run(r);
    p
}

/// `p` with the inline runs: strong text bold, figures and links as plain text.
fn runs(mut p: Paragraph, text: &[Inline]) -> Paragraph {
    for r in text {
        let run = match r {
            Inline::Strong { .. } => Run::new().bold(),
            Inline::Text { .. } | Inline::Figure { .. } | Inline::Link { .. } => Run::new(),
        };
        p = text_lines(p, run, r.plain());
    }
    p
}

#[cfg(test)]
mod tests;
