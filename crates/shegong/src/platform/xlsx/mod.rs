//! The xlsx kit every importer and exporter uses: a bilingual template with drop-downs and an
//! instructions sheet, an exporter with the same header, and a reader that turns the first sheet
//! into typed cells, validating every cell of every row into [`RowError`]s (see `import.rs`).
//!
//! Reading is defensive: the type is taken from the content (a zip with `xl/workbook.xml`), the
//! size, the declared unpacked size and the number of rows are bounded, and the sheet is streamed
//! cell by cell (a forged `<dimension>` or a far-away cell cannot make it allocate a huge grid).
//!
//! The kit's parts: `sniff` (is it an xlsx, by content), `write` (templates and exports),
//! `read` (cells into typed values), `dates` (Excel serial numbers and date texts). Their public
//! items are re-exported here: callers use `platform::xlsx::…` only.

use chrono::NaiveDate;

use crate::platform::import::{ImportReport, RowError};
use crate::platform::money::Amount;

mod dates;
mod read;
mod sniff;
#[cfg(test)]
mod tests;
mod write;

pub use read::{read, read_limited, text_row};
pub use sniff::sniff_xlsx;
pub use write::{template, template_with, write, ColumnHelp, UNITS_SHEET};

/// Largest accepted upload.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest number of data rows (the header not counted).
pub const MAX_ROWS: usize = 50_000;
/// Largest accepted sum of the parts' declared unpacked sizes (a zip bomb guard; the zip reader
/// does not inflate a part beyond its declared size).
const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
/// Integers beyond 2^53 are written as text so that no digit is lost (and read back as text).
const MAX_INT_AS_NUMBER: i64 = 1 << 53;

/// Name of the data sheet in templates and exports.
pub const DATA_SHEET: &str = "数据";
/// Name of the instructions sheet in templates.
pub const HELP_SHEET: &str = "说明";

pub const KEY_NOT_XLSX: &str = "import.error.not_xlsx";
pub const KEY_TOO_LARGE: &str = "import.error.too_large";
pub const KEY_TOO_MANY_ROWS: &str = "import.error.too_many_rows";
pub const KEY_MISSING_COLUMN: &str = "import.error.missing_column";
pub const KEY_UNREADABLE: &str = "import.error.unreadable";
pub const KEY_REQUIRED: &str = "import.error.required";
pub const KEY_INTEGER: &str = "import.error.integer";
pub const KEY_MONEY: &str = "import.error.money";
pub const KEY_DATE: &str = "import.error.date";
pub const KEY_ENUM: &str = "import.error.enum";
pub const KEY_CODE_AS_NUMBER: &str = "import.error.code_as_number";
/// A money cell above the ceiling of one amount (`limits.max_amount_yuan`).
pub const KEY_MONEY_TOO_LARGE: &str = crate::platform::money::KEY_TOO_LARGE;

/// One value of an enum column: `(code, Chinese label, English label)`. The code is what the
/// database holds; users see and type the labels (the code is also accepted, never shown).
pub type Choice = (&'static str, &'static str, &'static str);

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColKind {
    Text,
    Integer,
    /// Yuan in the sheet, i64 fen in Rust. Read through [`Amount`]: never negative, never above
    /// the ceiling of one amount (writing takes any fen, e.g. a sum).
    Money,
    Date,
    /// The choices; the sheet shows the Chinese labels, the reader accepts a code or a label of
    /// either language, a message lists the labels in the reader's language.
    Enum(&'static [Choice]),
    /// IDs and codes: text, never a number (digits typed into a number cell lose leading zeros,
    /// and beyond 15 digits the digits themselves).
    Code,
}

/// One column of an import/export sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: ColKind,
    pub required: bool,
}

impl Column {
    /// The header text of templates and exports: `中文名 / English`.
    pub fn header(&self) -> String {
        format!("{} / {}", self.zh, self.en)
    }
}

/// A parsed cell value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Fen(i64),
    Date(NaiveDate),
    /// The code of an [`ColKind::Enum`] option.
    Enum(&'static str),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The text of a `Text` cell (`Text` and `Code` columns).
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn fen(&self) -> Option<i64> {
        match self {
            Cell::Fen(f) => Some(*f),
            _ => None,
        }
    }

    /// The amount of a `Money` cell (checked again against the ceiling).
    pub fn amount(&self) -> Option<Amount> {
        self.fen().and_then(|f| Amount::from_fen(f).ok())
    }

    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The code of an `Enum` cell.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Cell::Enum(c) => Some(c),
            _ => None,
        }
    }
}

/// The data rows of a sheet, each with its 1-based spreadsheet row number and its cells in the
/// order of the columns it was read with, and the problems of its cells. A cell with a problem
/// reads as [`Cell::Empty`]; the importer still runs its rules over the row (see
/// [`Sheet::report`]), so that one upload reports every problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// Every cell problem, in row order.
    pub errors: Vec<RowError>,
}

impl Sheet {
    /// The report of an import of this sheet, holding the cell problems; the importer adds its
    /// rules' problems with [`ImportReport::add`] (which leaves out those on a cell that
    /// already has a problem) and writes only when the report has none.
    pub fn report(&self, columns: &[Column]) -> ImportReport {
        ImportReport::with_cell_problems(self.rows.len(), self.errors.clone(), columns)
    }
}
