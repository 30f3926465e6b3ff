//! The light line markup a template's output is written in, parsed into document blocks: `# `,
//! `## `, `### ` headings, `- ` list items, a blank line between paragraphs; the lines of one
//! paragraph are joined (without a space between Chinese characters, so a line break in the
//! source never prints as a space). Tokens (see `mod.rs`) stand for the side table's pieces: a
//! figure or a value becomes an inline run, a chart or a table a block of its own.

use render::{Block, Chart, Image, Inline, Table};

use super::{CLOSE, OPEN};

/// What a token stands for.
#[derive(Debug, Clone)]
pub enum Piece {
    /// A value from the records, printed as text.
    Text(String),
    /// An indicator's value.
    Figure {
        text: String,
        key: String,
        href: Option<String>,
    },
    Chart(Chart),
    Table(Table),
    /// A photo: its thumbnail's address and caption (documents take the original's bytes later).
    Image(Image),
    /// A block that places nothing (a photo when the review has none left to place).
    Nothing,
}

/// The token that refers to piece `i`.
pub fn token(i: usize) -> String {
    format!("{OPEN}{i}{CLOSE}")
}

/// Removes token characters from text that is not ours (a template's source).
pub fn strip_tokens(s: &str) -> String {
    s.chars().filter(|c| *c != OPEN && *c != CLOSE).collect()
}

/// A piece of a line: text written by the template, or a token.
enum Part<'a> {
    Text(&'a str),
    Token(usize),
}

fn parts(line: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(OPEN) {
        if start > 0 {
            out.push(Part::Text(&rest[..start]));
        }
        let after = &rest[start + OPEN.len_utf8()..];
        match after.find(CLOSE) {
            Some(end) => {
                // A cut token (a filter sliced it) is dropped.
                if let Ok(i) = after[..end].parse::<usize>() {
                    out.push(Part::Token(i));
                }
                rest = &after[end + CLOSE.len_utf8()..];
            }
            // An unclosed token: what follows it is not shown.
            None => rest = "",
        }
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Parses a template's output into blocks, taking pieces from the side table.
pub fn parse(output: &str, pieces: &[Piece]) -> Vec<Block> {
    let mut p = Parser { pieces, blocks: Vec::new(), para: Vec::new(), list: Vec::new() };
    for raw in output.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            // A blank line ends a paragraph; a list goes on over blank lines between its items
            // (a loop writes one item per pass).
            p.end_paragraph();
            continue;
        }
        if let Some((level, rest)) = heading(trimmed) {
            p.end_paragraph();
            p.end_list();
            let text = p.inlines(rest);
            if !text.is_empty() {
                p.blocks.push(Block::Heading { level, text });
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("- ").or_else(|| (trimmed == "-").then_some("")) {
            p.end_paragraph();
            let item = p.inlines(rest);
            if !item.is_empty() {
                p.list.push(item);
            }
            continue;
        }
        p.end_list();
        p.paragraph_line(trimmed);
    }
    p.end_paragraph();
    p.end_list();
    p.blocks
}

fn heading(line: &str) -> Option<(u8, &str)> {
    for (level, mark) in [(3u8, "### "), (2, "## "), (1, "# ")] {
        if let Some(rest) = line.strip_prefix(mark) {
            return Some((level, rest.trim()));
        }
    }
    None
}

struct Parser<'p> {
    pieces: &'p [Piece],
    blocks: Vec<Block>,
    para: Vec<Inline>,
    list: Vec<Vec<Inline>>,
}

impl Parser<'_> {
    fn end_paragraph(&mut self) {
        if !self.para.is_empty() {
            let text = merge(std::mem::take(&mut self.para));
            if text.iter().any(|r| !r.plain().trim().is_empty()) {
                self.blocks.push(Block::Paragraph { text });
            }
        }
    }

    fn end_list(&mut self) {
        if !self.list.is_empty() {
            self.blocks.push(Block::List { ordered: false, items: std::mem::take(&mut self.list) });
        }
    }

    /// A line of a paragraph: joined to the previous one (with a space only between words of a
    /// Western script); a chart or table token ends the paragraph and stands as its own block.
    fn paragraph_line(&mut self, line: &str) {
        let last = self.para.last().and_then(|r| r.plain().chars().last());
        let first = line.chars().next();
        if let (Some(a), Some(b)) = (last, first) {
            if !is_cjk(a) && !a.is_whitespace() && !is_cjk(b) {
                self.para.push(Inline::text(" "));
            }
        }
        for part in parts(line) {
            match part {
                Part::Text(s) => self.para.push(Inline::text(s)),
                Part::Token(i) => match self.pieces.get(i) {
                    Some(Piece::Chart(c)) => {
                        self.end_paragraph();
                        self.blocks.push(Block::Chart(c.clone()));
                    }
                    Some(Piece::Table(t)) => {
                        self.end_paragraph();
                        self.blocks.push(Block::Table(t.clone()));
                    }
                    Some(Piece::Image(i)) => {
                        self.end_paragraph();
                        self.blocks.push(Block::Image(i.clone()));
                    }
                    Some(piece) => {
                        if let Some(r) = inline(piece) {
                            self.para.push(r);
                        }
                    }
                    None => {}
                },
            }
        }
    }

    /// The runs of a heading or a list item (a chart there is placed after it).
    fn inlines(&mut self, text: &str) -> Vec<Inline> {
        let mut runs = Vec::new();
        for part in parts(text) {
            match part {
                Part::Text(s) => runs.push(Inline::text(s)),
                Part::Token(i) => match self.pieces.get(i) {
                    Some(Piece::Chart(c)) => self.blocks.push(Block::Chart(c.clone())),
                    Some(Piece::Table(t)) => self.blocks.push(Block::Table(t.clone())),
                    Some(Piece::Image(i)) => self.blocks.push(Block::Image(i.clone())),
                    Some(piece) => runs.extend(inline(piece)),
                    None => {}
                },
            }
        }
        let runs = merge(runs);
        if runs.iter().all(|r| r.plain().trim().is_empty()) {
            Vec::new()
        } else {
            runs
        }
    }
}

fn inline(piece: &Piece) -> Option<Inline> {
    match piece {
        Piece::Text(s) => Some(Inline::text(s.clone())),
        Piece::Figure { text, key, href } => {
            Some(Inline::Figure { text: text.clone(), key: key.clone(), href: href.clone(), note: None })
        }
        Piece::Chart(_) | Piece::Table(_) | Piece::Image(_) | Piece::Nothing => None,
    }
}

/// Joins neighbouring plain text runs.
fn merge(runs: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(runs.len());
    for r in runs {
        if let (Inline::Text { text: add }, Some(Inline::Text { text })) = (&r, out.last_mut()) {
            text.push_str(add);
            continue;
        }
        if let Inline::Text { text } = &r {
            if text.is_empty() {
                continue;
            }
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_blocks_and_tokens_stay_data() {
        let pieces = vec![
            Piece::Text("# not a heading\n- nor an item".into()),
            Piece::Figure { text: "35".into(), key: "services.projects".into(), href: None },
        ];
        let out = format!("# 一、党建\n\n开展项目{}个，\n由{}承接。\n\n- 甲\n- 乙\n", token(1), token(0));
        let blocks = parse(&out, &pieces);
        assert!(matches!(&blocks[0], Block::Heading { level: 1, .. }));
        let Block::Paragraph { text } = &blocks[1] else { panic!("paragraph: {blocks:?}") };
        let plain: String = text.iter().map(|r| r.plain()).collect();
        assert_eq!(plain, "开展项目35个，由# not a heading\n- nor an item承接。");
        assert!(matches!(&blocks[2], Block::List { items, .. } if items.len() == 2));
        assert_eq!(blocks.len(), 3);
        let spaced = parse("- a\n\n- b\n\nc\n", &[]);
        assert!(matches!(&spaced[0], Block::List { items, .. } if items.len() == 2));
        assert!(matches!(&spaced[1], Block::Paragraph { .. }));
    }

    #[test]
    fn cut_tokens_and_forged_characters_vanish() {
        assert_eq!(strip_tokens("a\u{E000}0\u{E001}b"), "a0b");
        let blocks = parse("x\u{E000}9", &[]);
        let Block::Paragraph { text } = &blocks[0] else { panic!() };
        assert_eq!(text[0].plain(), "x");
    }
}
