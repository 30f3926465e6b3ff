//! The neutral document model: blocks of inline text, tables, charts and images. Every string is
//! plain text (never markup); renderers escape it for their format.

use serde::Serialize;

/// The document's language: it picks fonts, hyphenation and punctuation rules in the renderers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// A whole document.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Document {
    pub title: String,
    /// A line under the title (the unit and the period, the publication state).
    pub subtitle: Option<String>,
    pub lang: Lang,
    pub blocks: Vec<Block>,
}

/// A block of the document.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading; level 1 is a chapter (一、党建引领), 2 a section, 3 a subsection.
    Heading {
        level: u8,
        text: Vec<Inline>,
    },
    Paragraph {
        text: Vec<Inline>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Table(Table),
    Chart(Chart),
    Image(Image),
    PageBreak,
}

/// A run of text inside a block.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Strong {
        text: String,
    },
    /// A computed figure: its text as printed ("1,300"), where it comes from (the indicator key)
    /// and, on screen, the page listing the records behind it. `note` marks a figure whose live
    /// value now differs from the published one (shown on screen only).
    Figure {
        text: String,
        key: String,
        href: Option<String>,
        note: Option<String>,
    },
    Link {
        text: String,
        href: String,
    },
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text { text: s.into() }
    }

    /// The plain text of the run, as printed.
    pub fn plain(&self) -> &str {
        match self {
            Inline::Text { text }
            | Inline::Strong { text }
            | Inline::Figure { text, .. }
            | Inline::Link { text, .. } => text,
        }
    }
}

/// A table: a header row and body rows of plain text; `numeric[i]` right-aligns column i.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Table {
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
}

/// The kinds of chart the one chart component draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Horizontal bars, one group per category, one bar per series.
    Bar,
    /// One line per series over the categories (years, months).
    Line,
    /// The share of each category in the first series.
    Donut,
    /// A table of categories × series whose cells are shaded by value.
    Heat,
}

/// One series of values, one value per category.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A chart: its data, not its drawing.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The unit of measure shown with the values (个, 人, 万元, %).
    pub unit: String,
}

/// A raster image (a photo): its bytes, their type (`image/jpeg`, `image/png`) and a caption.
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub mime: String,
    pub caption: Option<String>,
    /// Where a page loads the image from (its thumbnail route); documents embed `bytes`.
    pub src: Option<String>,
    /// The printed width in millimetres.
    pub width_mm: u32,
}
