//! The xlsx kit every importer and exporter uses: a bilingual template with drop-downs and an
//! instructions sheet, an exporter with the same header, and a reader that turns the first sheet
//! into typed cells, validating every cell of every row into [`RowError`]s (see `import.rs`).
//!
//! Reading is defensive: the type is taken from the content (a zip with `xl/workbook.xml`), the
//! size, the declared unpacked size and the number of rows are bounded, and the sheet is streamed
//! cell by cell (a forged `<dimension>` or a far-away cell cannot make it allocate a huge grid).

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use anyhow::Context;
use calamine::{Data, Reader, Xlsx};
use chrono::{Days, NaiveDate};
use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet};

use crate::platform::import::{clean_cell, RowError};
use crate::platform::money::{Amount, MoneyError};

/// Largest accepted upload.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest number of data rows (the header not counted).
pub const MAX_ROWS: usize = 50_000;
/// Largest accepted sum of the parts' declared unpacked sizes (a zip bomb guard; the zip reader
/// does not inflate a part beyond its declared size).
const MAX_UNPACKED: u64 = 256 * 1024 * 1024;

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

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColKind {
    Text,
    Integer,
    /// Yuan in the sheet, i64 fen in Rust. Read through [`Amount`]: never negative, never above
    /// the ceiling of one amount (writing takes any fen, e.g. a sum).
    Money,
    Date,
    /// `(code, Chinese label)`; the sheet shows the labels, the reader accepts either.
    Enum(&'static [(&'static str, &'static str)]),
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
/// order of the columns it was read with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub rows: Vec<(usize, Vec<Cell>)>,
}

// ---------------------------------------------------------------------------------------------
// Content sniffing

/// What the zip central directory says.
struct ZipInfo {
    has_workbook: bool,
    /// Sum of the declared unpacked sizes (saturating; unknown sizes count as `u64::MAX`).
    unpacked: u64,
}

fn le16(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn le32(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

fn has_sig(b: &[u8], at: usize, sig: &[u8; 4]) -> bool {
    at.checked_add(4).and_then(|end| b.get(at..end)).is_some_and(|s| s == sig)
}

/// Walks the zip central directory (with zip64 support); `None` if this is not a readable zip.
fn zip_info(b: &[u8]) -> Option<ZipInfo> {
    if !b.starts_with(b"PK\x03\x04") {
        return None;
    }
    // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
    let last = b.len().checked_sub(22)?;
    let eocd = (last.saturating_sub(0xFFFF)..=last).rev().find(|&i| has_sig(b, i, b"PK\x05\x06"))?;
    let mut entries = le16(b, eocd + 10)?;
    let mut cd = le32(b, eocd + 16)?;
    if entries == 0xFFFF || cd == 0xFFFF_FFFF {
        let loc = eocd.checked_sub(20)?;
        if !has_sig(b, loc, b"PK\x06\x07") {
            return None;
        }
        let z = usize::try_from(le64(b, loc + 8)?).ok()?;
        if !has_sig(b, z, b"PK\x06\x06") {
            return None;
        }
        entries = le64(b, z.checked_add(32)?)?;
        cd = le64(b, z.checked_add(48)?)?;
    }
    let mut p = usize::try_from(cd).ok()?;
    let mut info = ZipInfo { has_workbook: false, unpacked: 0 };
    // Every entry takes at least 46 bytes, so a forged count ends at the end of the data.
    for _ in 0..entries {
        if !has_sig(b, p, b"PK\x01\x02") {
            return None;
        }
        let mut size = le32(b, p + 24)?;
        let name_len = usize::try_from(le16(b, p + 28)?).ok()?;
        let extra_len = usize::try_from(le16(b, p + 30)?).ok()?;
        let comment_len = usize::try_from(le16(b, p + 32)?).ok()?;
        let name_at = p.checked_add(46)?;
        let extra_at = name_at.checked_add(name_len)?;
        let name = b.get(name_at..extra_at)?;
        let extra = b.get(extra_at..extra_at.checked_add(extra_len)?)?;
        if size == 0xFFFF_FFFF {
            size = zip64_size(extra).unwrap_or(u64::MAX);
        }
        if name == b"xl/workbook.xml" {
            info.has_workbook = true;
        }
        info.unpacked = info.unpacked.saturating_add(size);
        p = extra_at.checked_add(extra_len)?.checked_add(comment_len)?;
    }
    Some(info)
}

/// The unpacked size from a zip64 extended-information extra field.
fn zip64_size(mut extra: &[u8]) -> Option<u64> {
    while extra.len() >= 4 {
        let id = le16(extra, 0)?;
        let len = usize::try_from(le16(extra, 2)?).ok()?;
        let body = extra.get(4..4 + len)?;
        if id == 1 {
            return le64(body, 0);
        }
        extra = extra.get(4 + len..)?;
    }
    None
}

/// Checks the bytes are an xlsx (zip magic `PK\x03\x04` and an `xl/workbook.xml` part): the type
/// comes from the content, not the file name.
pub fn sniff_xlsx(bytes: &[u8]) -> bool {
    zip_info(bytes).is_some_and(|z| z.has_workbook)
}

// ---------------------------------------------------------------------------------------------
// Writing

const DATE_FORMAT: &str = "yyyy-mm-dd";
const MONEY_FORMAT: &str = "#,##0.00";
/// Write fen as a number only while yuan keep every digit in an f64 (and in Excel).
const MAX_FEN_AS_NUMBER: i64 = 100_000_000_000_000;
/// Integers beyond 2^53 are written as text so that no digit is lost.
const MAX_INT_AS_NUMBER: i64 = 1 << 53;

/// Approximate display width of a text, in Excel character units (CJK characters are wide).
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.1 }).sum()
}

fn kind_name(kind: ColKind) -> &'static str {
    match kind {
        ColKind::Text => "文本 / Text",
        ColKind::Integer => "整数 / Whole number",
        ColKind::Money => "金额（元） / Amount (yuan)",
        ColKind::Date => "日期 / Date",
        ColKind::Enum(_) => "选项 / Choice",
        ColKind::Code => "代码（文本） / Code (text)",
    }
}

fn kind_notes(kind: ColKind) -> String {
    match kind {
        ColKind::Text => String::new(),
        ColKind::Integer => "如 12 / e.g. 12".into(),
        ColKind::Money => {
            "以元为单位，最多两位小数，如 1300000.50 / in yuan, at most 2 decimals, e.g. 1300000.50".into()
        }
        ColKind::Date => "如 2022-06-01、2022/6/1、2022年6月1日、20220601 / e.g. 2022-06-01, 2022/6/1, 20220601".into(),
        ColKind::Enum(options) => {
            let list: Vec<String> = options.iter().map(|(c, zh)| format!("{zh} ({c})")).collect();
            format!("可选 / allowed: {}", list.join("、"))
        }
        ColKind::Code => {
            "请按文本填写，不要输入为数字（长代码会丢失位数） / enter as text, not as a number (long codes lose digits)"
                .into()
        }
    }
}

/// Sets up the data sheet: name, bold frozen header, column formats and widths, drop-downs.
fn data_sheet(ws: &mut Worksheet, columns: &[Column]) -> anyhow::Result<()> {
    ws.set_name(DATA_SHEET)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let last_row = u32::try_from(MAX_ROWS).context("row limit")?;
    for (i, col) in columns.iter().enumerate() {
        let c = u16::try_from(i).context("too many columns")?;
        let header = col.header();
        ws.write_string_with_format(0, c, &header, &bold)?;
        ws.set_column_width(c, (text_width(&header) + 2.0).clamp(10.0, 40.0))?;
        match col.kind {
            ColKind::Text | ColKind::Code => {
                ws.set_column_format(c, &text)?;
            }
            ColKind::Date => {
                ws.set_column_format(c, &date)?;
            }
            ColKind::Money => {
                ws.set_column_format(c, &money)?;
            }
            ColKind::Enum(options) => {
                let labels: Vec<&str> = options.iter().map(|(_, zh)| *zh).collect();
                // Excel limits an inline list to 255 characters; longer lists go without a
                // drop-down (the instructions sheet lists the values).
                if let Ok(dv) = DataValidation::new().allow_list_strings(&labels) {
                    ws.add_data_validation(1, c, last_row, c, &dv)?;
                }
            }
            ColKind::Integer => {}
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The blank template: the data sheet with its header, and the instructions sheet.
pub fn template(columns: &[Column]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    data_sheet(wb.add_worksheet(), columns)?;

    let ws = wb.add_worksheet();
    ws.set_name(HELP_SHEET)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.write_string_with_format(
        0,
        0,
        "填写说明：第一行是列标题，请勿修改；从第二行起每行一条记录；只读取第一个工作表。",
        &bold,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Instructions: row 1 holds the column headings, do not change them; enter one record per row from row 2; only the first sheet is read.",
        &bold,
    )?;
    let heads = ["列 / Column", "必填 / Required", "类型 / Type", "取值与格式 / Values and format"];
    for (c, h) in (0u16..).zip(heads) {
        ws.write_string_with_format(3, c, h, &bold)?;
    }
    for (r, col) in (4u32..).zip(columns) {
        ws.write_string(r, 0, col.header())?;
        ws.write_string(r, 1, if col.required { "是 / Yes" } else { "否 / No" })?;
        ws.write_string(r, 2, kind_name(col.kind))?;
        ws.write_string_with_format(r, 3, kind_notes(col.kind), &wrap)?;
    }
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 26)?;
    ws.set_column_width(3, 80)?;
    wb.save_to_buffer().context("writing the xlsx template")
}

/// The export: the template's data sheet with the given rows (cells in the order of `columns`).
pub fn write(columns: &[Column], rows: &[Vec<Cell>]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    data_sheet(ws, columns)?;
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    for (r, row) in (1u32..).zip(rows) {
        for (i, (col, cell)) in columns.iter().zip(row).enumerate() {
            let c = u16::try_from(i).context("too many columns")?;
            let as_text = matches!(col.kind, ColKind::Text | ColKind::Code);
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &text)?;
                }
                Cell::Int(v) if as_text || v.unsigned_abs() > MAX_INT_AS_NUMBER as u64 => {
                    ws.write_string_with_format(r, c, v.to_string(), &text)?;
                }
                Cell::Int(v) => {
                    // Exact: |v| <= 2^53.
                    ws.write_number(r, c, *v as f64)?;
                }
                Cell::Fen(f) if f.unsigned_abs() < MAX_FEN_AS_NUMBER as u64 => {
                    // The division is correctly rounded, so the f64 is the nearest to the exact
                    // yuan amount and reads back to the same fen.
                    ws.write_number_with_format(r, c, *f as f64 / 100.0, &money)?;
                }
                Cell::Fen(f) => {
                    ws.write_string_with_format(r, c, fen_to_yuan_text(*f), &text)?;
                }
                Cell::Date(d) => match date_to_serial(*d) {
                    Some(serial) if !as_text => {
                        ws.write_number_with_format(r, c, serial as f64, &date)?;
                    }
                    _ => {
                        ws.write_string_with_format(r, c, d.format("%Y-%m-%d").to_string(), &text)?;
                    }
                },
                Cell::Enum(code) => {
                    let label = match col.kind {
                        ColKind::Enum(options) => options.iter().find(|(c, _)| c == code).map_or(*code, |(_, zh)| *zh),
                        _ => *code,
                    };
                    ws.write_string(r, c, label)?;
                }
            }
        }
    }
    wb.save_to_buffer().context("writing the xlsx export")
}

fn fen_to_yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

// ---------------------------------------------------------------------------------------------
// Dates

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The Excel serial number of a date (1900 system), if Excel can show it.
fn date_to_serial(d: NaiveDate) -> Option<i64> {
    let first = ymd(1900, 1, 1)?;
    let march = ymd(1900, 3, 1)?;
    let last = ymd(9999, 12, 31)?;
    if d < first || d > last {
        None
    } else if d < march {
        Some((d - ymd(1899, 12, 31)?).num_days())
    } else {
        Some((d - ymd(1899, 12, 30)?).num_days())
    }
}

/// The date of an Excel serial number (the time of day is dropped). In the 1900 system serial 1
/// is 1900-01-01 and 60 is the fictitious 1900-02-29 (Lotus's leap-year bug, which Excel keeps),
/// so from 61 on the serial counts one day too many.
fn serial_to_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    let days = serial.floor();
    let (epoch, days) = if is_1904 {
        if !(0.0..=2_957_003.0).contains(&days) {
            return None;
        }
        (ymd(1904, 1, 1)?, days)
    } else if !(1.0..=2_958_465.0).contains(&days) || days == 60.0 {
        return None;
    } else if days < 60.0 {
        (ymd(1899, 12, 31)?, days)
    } else {
        (ymd(1899, 12, 30)?, days)
    };
    // In range, so the cast is exact.
    epoch.checked_add_days(Days::new(days as u64))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2022-06-01`, `2022/6/1`, `2022.6.1`, `2022年6月1日`, `20220601`.
fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let num = |p: &str, max_len: usize| -> Option<u32> {
        if all_digits(p) && p.len() <= max_len {
            p.parse().ok()
        } else {
            None
        }
    };
    if s.len() == 8 && all_digits(s) {
        return ymd(i32::try_from(num(&s[..4], 4)?).ok()?, num(&s[4..6], 2)?, num(&s[6..], 2)?);
    }
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|c| s.contains(*c))?;
        s.split(sep).collect()
    };
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => ymd(i32::try_from(num(y, 4)?).ok()?, num(m, 2)?, num(d, 2)?),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// The text of a number as typed: integers without a decimal point, others in the shortest form
/// that reads back to the same f64 (Rust's `Display` never uses an exponent, so huge numbers
/// get one here).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.abs() < 1e21 {
        format!("{f}")
    } else {
        format!("{f:e}")
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

fn file_error(key: &str, detail: impl Into<String>) -> Vec<RowError> {
    vec![RowError::new(0, "", key, detail)]
}

/// True if the cell holds nothing (also: only blanks).
fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => clean_cell(s).is_empty(),
        _ => false,
    }
}

/// How well a header text names a column: 2 = exactly (key, zh, en, or `zh / en`), 1 = one side
/// of a `zh / en` text, 0 = not at all.
fn header_score(col: &Column, h: &str) -> u8 {
    let en = |s: &str| s.trim().eq_ignore_ascii_case(col.en);
    if h == col.key || h == col.zh || en(h) {
        return 2;
    }
    match h.split_once('/') {
        Some((zh, e)) if zh.trim() == col.zh && en(e) => 2,
        Some((zh, e)) if zh.trim() == col.zh || en(e) => 1,
        _ => 0,
    }
}

/// Maps sheet columns to `columns` indexes; the errors of missing required columns. Exact
/// matches are taken first, so a loose match cannot take another column's header.
fn map_header(
    header: &[(u32, String)],
    columns: &[Column],
    header_row: usize,
) -> Result<HashMap<u32, usize>, Vec<RowError>> {
    let mut map = HashMap::new();
    let mut found = vec![false; columns.len()];
    for score in [2, 1] {
        for (sheet_col, text) in header {
            if map.contains_key(sheet_col) {
                continue;
            }
            if let Some(i) = columns.iter().enumerate().position(|(i, c)| !found[i] && header_score(c, text) == score) {
                found[i] = true;
                map.insert(*sheet_col, i);
            }
        }
    }
    let errors: Vec<RowError> = columns
        .iter()
        .zip(&found)
        .filter(|(c, f)| c.required && !**f)
        .map(|(c, _)| RowError::new(header_row, c.zh, KEY_MISSING_COLUMN, c.header()))
        .collect();
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}

/// The text of a cell for the error detail and for text columns.
fn display(d: &Data, is_1904: bool) -> String {
    match d {
        Data::String(s) => clean_cell(s),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(dt) if dt.is_datetime() => serial_to_date(dt.as_f64(), is_1904)
            .map_or_else(|| number_text(dt.as_f64()), |d| d.format("%Y-%m-%d").to_string()),
        other => other.to_string(),
    }
}

type CellResult = Result<Cell, (&'static str, String)>;

fn parse_cell(d: &Data, kind: ColKind, is_1904: bool) -> CellResult {
    if is_blank(d) {
        return Ok(Cell::Empty);
    }
    if let Data::Error(e) = d {
        return Err((KEY_UNREADABLE, e.to_string()));
    }
    let shown = display(d, is_1904);
    match kind {
        ColKind::Text => Ok(Cell::Text(shown)),
        ColKind::Integer => {
            let v = match d {
                Data::Int(i) => Some(*i),
                Data::Float(f) if f.fract() == 0.0 && f.abs() <= MAX_INT_AS_NUMBER as f64 => Some(*f as i64),
                Data::String(_) => shown.parse::<i64>().ok(),
                _ => None,
            };
            v.map(Cell::Int).ok_or((KEY_INTEGER, shown))
        }
        // The one money parser (`platform::money`): exact fen, never negative, never above the
        // configured ceiling of one amount.
        ColKind::Money => {
            let v = match d {
                Data::Int(i) => Amount::from_yuan(*i),
                // Shortest round-trip text of the f64, then exact decimal parsing.
                Data::Float(f) if f.is_finite() => Amount::parse_yuan(&format!("{f}")),
                Data::String(_) => Amount::parse_yuan(&shown),
                _ => Err(MoneyError::Invalid),
            };
            v.map(|a| Cell::Fen(a.fen())).map_err(|e| (e.key(KEY_MONEY), shown))
        }
        ColKind::Date => {
            let v = match d {
                Data::DateTime(dt) if dt.is_datetime() => serial_to_date(dt.as_f64(), is_1904),
                Data::DateTimeIso(s) => s.get(..10).and_then(parse_date_text),
                Data::Float(f) if f.fract() == 0.0 => {
                    // An 8-digit number is yyyymmdd (far beyond the last Excel serial).
                    if (19_000_101.0..=99_991_231.0).contains(f) {
                        parse_date_text(&number_text(*f))
                    } else {
                        serial_to_date(*f, is_1904)
                    }
                }
                Data::Int(i) => {
                    if (19_000_101..=99_991_231).contains(i) {
                        parse_date_text(&i.to_string())
                    } else {
                        serial_to_date(*i as f64, is_1904)
                    }
                }
                Data::String(_) => parse_date_text(&shown),
                _ => None,
            };
            v.map(Cell::Date).ok_or((KEY_DATE, shown))
        }
        ColKind::Enum(options) => options
            .iter()
            .find(|(code, zh)| *zh == shown || code.eq_ignore_ascii_case(&shown))
            .map(|(code, _)| Cell::Enum(code))
            .ok_or_else(|| {
                let labels: Vec<&str> = options.iter().map(|(_, zh)| *zh).collect();
                (KEY_ENUM, format!("{shown}; 可选 / allowed: {}", labels.join("、")))
            }),
        ColKind::Code => match d {
            // Excel keeps 15 significant digits: a larger number has lost digits.
            Data::Float(f) if f.abs() >= 1e15 => Err((KEY_CODE_AS_NUMBER, shown)),
            // A code that Excel turned into a date is lost as well.
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Err((KEY_CODE_AS_NUMBER, shown)),
            _ => Ok(Cell::Text(shown.to_uppercase())),
        },
    }
}

/// The cells of the mapped columns by 0-based sheet row (rows with a non-blank cell only).
type RawRows = BTreeMap<u32, Vec<Data>>;

/// Streams the first sheet: whether the workbook uses the 1904 date system, and its data rows.
fn read_cells(bytes: &[u8], columns: &[Column]) -> Result<(bool, RawRows), Vec<RowError>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| file_error(KEY_NOT_XLSX, e.to_string()))?;
    let is_1904 = wb.has_1904_epoch();
    let Some(first) = wb.sheet_names().into_iter().next() else {
        return Err(file_error(KEY_NOT_XLSX, ""));
    };
    let mut cells = wb.worksheet_cells_reader(&first).map_err(|e| file_error(KEY_NOT_XLSX, e.to_string()))?;

    let mut header_row: Option<u32> = None;
    let mut header: Vec<(u32, String)> = Vec::new();
    let mut map: Option<HashMap<u32, usize>> = None;
    let mut rows = RawRows::new();
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(file_error(KEY_NOT_XLSX, e.to_string())),
        };
        let (r, c) = cell.get_position();
        let value = Data::from(cell.get_value().clone());
        if is_blank(&value) {
            continue;
        }
        let h = *header_row.get_or_insert(r);
        if r == h {
            header.push((c, display(&value, is_1904)));
            continue;
        }
        if r < h {
            continue;
        }
        let m = match &map {
            Some(m) => m,
            None => map.insert(map_header(&header, columns, h as usize + 1)?),
        };
        let Some(&i) = m.get(&c) else {
            continue;
        };
        let row = rows.entry(r).or_insert_with(|| vec![Data::Empty; columns.len()]);
        if let Some(slot) = row.get_mut(i) {
            *slot = value;
        }
        if rows.len() > MAX_ROWS {
            return Err(file_error(KEY_TOO_MANY_ROWS, format!("> {MAX_ROWS}")));
        }
    }
    if map.is_none() {
        map_header(&header, columns, header_row.map_or(1, |h| h as usize + 1))?;
    }
    Ok((is_1904, rows))
}

/// Reads the first sheet of an xlsx: the first non-empty row is the header, matched to
/// `columns`; every cell of every following row is validated. Entirely empty rows are skipped.
pub fn read(bytes: &[u8], columns: &[Column]) -> Result<Sheet, Vec<RowError>> {
    if bytes.len() > MAX_BYTES {
        return Err(file_error(KEY_TOO_LARGE, format!("> {} MB", MAX_BYTES / 1024 / 1024)));
    }
    let Some(zip) = zip_info(bytes).filter(|z| z.has_workbook) else {
        return Err(file_error(KEY_NOT_XLSX, ""));
    };
    if zip.unpacked > MAX_UNPACKED {
        return Err(file_error(KEY_TOO_LARGE, format!("> {} MB unpacked", MAX_UNPACKED / 1024 / 1024)));
    }
    // calamine can panic on some malformed parts (e.g. an overflowing cell reference in a
    // debug build); a damaged upload must give an error, not a panic.
    let (is_1904, rows) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_cells(bytes, columns)))
        .unwrap_or_else(|_| Err(file_error(KEY_NOT_XLSX, "")))?;

    let mut sheet = Sheet::default();
    let mut errors = Vec::new();
    for (r, data) in rows {
        let row_no = r as usize + 1;
        let mut out = Vec::with_capacity(columns.len());
        for (col, d) in columns.iter().zip(&data) {
            match parse_cell(d, col.kind, is_1904) {
                Ok(Cell::Empty) if col.required => {
                    errors.push(RowError::new(row_no, col.zh, KEY_REQUIRED, ""));
                    out.push(Cell::Empty);
                }
                Ok(v) => out.push(v),
                Err((key, detail)) => {
                    errors.push(RowError::new(row_no, col.zh, key, detail));
                    out.push(Cell::Empty);
                }
            }
        }
        sheet.rows.push((row_no, out));
    }
    if errors.is_empty() {
        Ok(sheet)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: &[(&str, &str)] =
        &[("community", "社区"), ("village", "村"), ("town", "镇"), ("district", "区"), ("other", "其他")];

    /// The org-unit import.
    const UNITS: &[Column] = &[
        Column { key: "parent_path", zh: "上级路径", en: "Parent path", kind: ColKind::Text, required: true },
        Column { key: "code", zh: "代码", en: "Code", kind: ColKind::Text, required: true },
        Column { key: "name", zh: "名称", en: "Name", kind: ColKind::Text, required: true },
        Column { key: "name_en", zh: "英文名称", en: "English name", kind: ColKind::Text, required: false },
        Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(KINDS), required: true },
        Column {
            key: "division_code", zh: "行政区划代码", en: "Division code", kind: ColKind::Code, required: false
        },
        Column { key: "sort_order", zh: "排序", en: "Order", kind: ColKind::Integer, required: false },
        Column { key: "established", zh: "设立日期", en: "Established", kind: ColKind::Date, required: false },
    ];

    /// One column of each kind, for the cell rules.
    const ALL: &[Column] = &[
        Column { key: "text", zh: "文本", en: "Text", kind: ColKind::Text, required: true },
        Column { key: "n", zh: "数量", en: "Count", kind: ColKind::Integer, required: false },
        Column { key: "amount", zh: "金额", en: "Amount", kind: ColKind::Money, required: false },
        Column { key: "day", zh: "日期", en: "Date", kind: ColKind::Date, required: false },
        Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(KINDS), required: false },
        Column { key: "id", zh: "编号", en: "ID", kind: ColKind::Code, required: false },
    ];

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn err(row: usize, column: &str, key: &str, detail: &str) -> RowError {
        RowError::new(row, column, key, detail)
    }

    /// A test workbook: first sheet with the given header and raw rows.
    #[derive(Clone, Copy)]
    enum Raw<'a> {
        S(&'a str),
        N(f64),
        D(f64),
        B,
    }

    fn book(header: &[&str], rows: &[Vec<Raw>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let date = Format::new().set_num_format("yyyy/m/d");
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v {
                    Raw::S(s) => ws.write_string(r, c, *s).unwrap(),
                    Raw::N(f) => ws.write_number(r, c, *f).unwrap(),
                    Raw::D(f) => ws.write_number_with_format(r, c, *f, &date).unwrap(),
                    Raw::B => ws,
                };
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn all_header() -> Vec<String> {
        ALL.iter().map(|c| c.header()).collect()
    }

    /// Reads one row through the ALL columns; the text column is filled in.
    fn one(cells: &[Raw]) -> Result<Vec<Cell>, Vec<RowError>> {
        let header = all_header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut row = vec![Raw::S("x")];
        row.extend_from_slice(cells);
        let sheet = read(&book(&header, &[row]), ALL)?;
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].0, 2);
        Ok(sheet.rows[0].1.clone())
    }

    fn one_err(cells: &[Raw]) -> (String, String, String) {
        let e = one(cells).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        (e[0].column.clone(), e[0].key.clone(), e[0].detail.clone())
    }

    #[test]
    fn every_key_is_in_the_locales() {
        for key in [
            KEY_NOT_XLSX,
            KEY_TOO_LARGE,
            KEY_TOO_MANY_ROWS,
            KEY_MISSING_COLUMN,
            KEY_UNREADABLE,
            KEY_REQUIRED,
            KEY_INTEGER,
            KEY_MONEY,
            KEY_DATE,
            KEY_ENUM,
            KEY_CODE_AS_NUMBER,
            KEY_MONEY_TOO_LARGE,
        ] {
            assert!(crate::platform::i18n::has_key(key), "{key}");
        }
    }

    #[test]
    fn libreoffice_file_with_errors() {
        let bytes = include_bytes!("../../tests/fixtures/units-libreoffice.xlsx");
        assert!(sniff_xlsx(bytes));
        let errors = read(bytes, UNITS).unwrap_err();
        assert_eq!(
            errors,
            vec![
                err(
                    6,
                    "行政区划代码",
                    KEY_CODE_AS_NUMBER,
                    // LibreOffice stored 3.20583199001011E+017: the last 3 digits are gone.
                    "320583199001011000"
                ),
                err(9, "类型", KEY_ENUM, "乡村; 可选 / allowed: 社区、村、镇、区、其他"),
                err(10, "名称", KEY_REQUIRED, ""),
                err(11, "排序", KEY_INTEGER, "abc"),
            ]
        );
    }

    #[test]
    fn libreoffice_file_values() {
        // The same file through columns that accept its bad cells, to check the parsed values.
        const KINDS_AND_RURAL: &[(&str, &str)] =
            &[("community", "社区"), ("village", "村"), ("town", "镇"), ("rural", "乡村")];
        let mut cols = UNITS.to_vec();
        cols[2].required = false; // name
        cols[4].kind = ColKind::Enum(KINDS_AND_RURAL);
        cols[5].kind = ColKind::Text; // division code
        cols[6].kind = ColKind::Text; // sort order
        let bytes = include_bytes!("../../tests/fixtures/units-libreoffice.xlsx");
        let sheet = read(bytes, &cols).unwrap();
        let e = Cell::Empty;
        let row = |path: &str, code: &str, name: Cell, en: Cell, kind: &'static str| {
            vec![t(path), t(code), name, en, Cell::Enum(kind)]
        };
        let with = |mut v: Vec<Cell>, rest: [Cell; 3]| {
            v.extend(rest);
            v
        };
        let expected = vec![
            (
                2,
                with(
                    row("/320583", "zhoushi", t("周市镇"), t("Zhoushi Town"), "town"),
                    [t("320583102"), t("1"), Cell::Date(d(2001, 1, 1))],
                ),
            ),
            (
                3,
                with(
                    row("/320583/zhoushi", "shibei", t("市北社区"), t("Shibei Community"), "community"),
                    [e.clone(), t("2"), e.clone()],
                ),
            ),
            (
                4,
                // "ｌｕｊｉａ \u{3000}", "陆家镇\u{3000}", " 镇 " are cleaned.
                with(row("/320583", "lujia", t("陆家镇"), e.clone(), "town"), [e.clone(), e.clone(), e.clone()]),
            ),
            (
                5,
                with(
                    row("/320583/zhoushi", "dongshi", t("东市村"), e.clone(), "village"),
                    // A number cell; a date cell (serial 44562).
                    [t("320583102"), t("3"), Cell::Date(d(2022, 1, 1))],
                ),
            ),
            (
                6,
                with(
                    row("/320583/zhoushi", "xishi", t("西市村"), e.clone(), "village"),
                    [t("320583199001011000"), e.clone(), e.clone()],
                ),
            ),
            (
                7,
                with(
                    row("/320583/zhoushi", "nanshi", t("南市社区"), e.clone(), "community"),
                    // Text "2022年6月1日".
                    [e.clone(), e.clone(), Cell::Date(d(2022, 6, 1))],
                ),
            ),
            // Row 8 holds only blanks and is skipped.
            (
                9,
                with(
                    row("/320583/zhoushi", "beishi", t("北市社区"), e.clone(), "rural"),
                    [e.clone(), e.clone(), e.clone()],
                ),
            ),
            (
                10,
                with(
                    row("/320583/zhoushi", "zhongshi", e.clone(), e.clone(), "community"),
                    [e.clone(), e.clone(), e.clone()],
                ),
            ),
            (
                11,
                with(
                    row("/320583/zhoushi", "xinshi", t("新市社区"), e.clone(), "community"),
                    [e.clone(), t("abc"), e.clone()],
                ),
            ),
        ];
        assert_eq!(sheet.rows, expected);
    }

    #[test]
    fn libreoffice_good_file() {
        let bytes = include_bytes!("../../tests/fixtures/units-good-libreoffice.xlsx");
        let sheet = read(bytes, UNITS).unwrap();
        assert_eq!(
            sheet.rows,
            vec![
                (
                    2,
                    vec![
                        t("/320583"),
                        t("zhoushi"),
                        t("周市镇"),
                        t("Zhoushi Town"),
                        Cell::Enum("town"),
                        // A number cell in LibreOffice.
                        t("320583102"),
                        Cell::Int(1),
                        // A date cell.
                        Cell::Date(d(2001, 1, 1)),
                    ]
                ),
                (
                    3,
                    vec![
                        t("/320583/zhoushi"),
                        t("shibei"),
                        t("市北社区"),
                        t("Shibei Community"),
                        Cell::Enum("community"),
                        t("320583102001"),
                        Cell::Int(2),
                        Cell::Date(d(2022, 6, 1)),
                    ]
                ),
                (
                    4,
                    vec![
                        t("/320583/zhoushi"),
                        t("dongshi"),
                        t("东市村"),
                        Cell::Empty,
                        Cell::Enum("village"),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                    ]
                ),
            ]
        );
    }

    #[test]
    fn file_level_errors() {
        // Too large: decided before anything is parsed.
        let big = vec![0u8; MAX_BYTES + 1];
        assert_eq!(read(&big, UNITS).unwrap_err(), vec![err(0, "", KEY_TOO_LARGE, "> 10 MB")]);
        // A text file renamed to .xlsx, an empty file, a zip without a workbook.
        let csv = "parent_path,code,name\n/320583,zhoushi,周市镇\n".as_bytes();
        assert!(!sniff_xlsx(csv));
        assert_eq!(read(csv, UNITS).unwrap_err(), vec![err(0, "", KEY_NOT_XLSX, "")]);
        assert_eq!(read(b"", UNITS).unwrap_err()[0].key, KEY_NOT_XLSX);
        let mut not_book = include_bytes!("../../tests/fixtures/units-good-libreoffice.xlsx").to_vec();
        assert!(sniff_xlsx(&not_book));
        // Rename the part in the local header and the central directory.
        while let Some(i) = not_book.windows(15).position(|w| w == b"xl/workbook.xml") {
            not_book[i + 3] = b'W';
        }
        assert!(!sniff_xlsx(&not_book));
        assert_eq!(read(&not_book, UNITS).unwrap_err()[0].key, KEY_NOT_XLSX);
    }

    #[test]
    fn damaged_files_do_not_panic() {
        let good = include_bytes!("../../tests/fixtures/units-libreoffice.xlsx");
        for len in (0..good.len()).step_by(37) {
            let e = read(&good[..len], UNITS).unwrap_err();
            assert_eq!(e[0].row, 0);
        }
        for i in 0..good.len() {
            let mut bad = good.to_vec();
            bad[i] ^= 0x5A;
            // Any outcome but a panic.
            let _ = read(&bad, UNITS);
            let _ = sniff_xlsx(&bad);
        }
    }

    #[test]
    fn too_many_rows() {
        const ONE: &[Column] = &[Column { key: "n", zh: "名称", en: "Name", kind: ColKind::Text, required: true }];
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "名称").unwrap();
        for r in 1..=MAX_ROWS as u32 {
            ws.write_number(r, 0, r).unwrap();
        }
        let exactly = wb.save_to_buffer().unwrap();
        assert_eq!(read(&exactly, ONE).unwrap().rows.len(), MAX_ROWS);
        ws_add_row(&mut wb);
        let over = wb.save_to_buffer().unwrap();
        assert_eq!(read(&over, ONE).unwrap_err(), vec![err(0, "", KEY_TOO_MANY_ROWS, "> 50000")]);

        fn ws_add_row(wb: &mut Workbook) {
            let ws = wb.worksheet_from_index(0).unwrap();
            ws.write_string(MAX_ROWS as u32 + 5, 0, "one more").unwrap();
        }
    }

    #[test]
    fn missing_required_columns() {
        let bytes = book(&["代码 / Code", "名称", "Parent Path", "remarks"], &[]);
        assert_eq!(read(&bytes, UNITS).unwrap_err(), vec![err(1, "类型", KEY_MISSING_COLUMN, "类型 / Kind")]);
        // An empty sheet misses every required column.
        let empty = book(&[], &[]);
        let e = read(&empty, UNITS).unwrap_err();
        let keys: Vec<(usize, &str, &str)> = e.iter().map(|e| (e.row, e.column.as_str(), e.key.as_str())).collect();
        assert_eq!(
            keys,
            vec![
                (1, "上级路径", KEY_MISSING_COLUMN),
                (1, "代码", KEY_MISSING_COLUMN),
                (1, "名称", KEY_MISSING_COLUMN),
                (1, "类型", KEY_MISSING_COLUMN),
            ]
        );
        // Missing optional columns are fine, and read as empty.
        let bytes = book(
            &["parent_path", "CODE", "名称", "类型 / Kind"],
            &[vec![Raw::S("/a"), Raw::S("b"), Raw::S("c"), Raw::S("区")]],
        );
        let sheet = read(&bytes, UNITS).unwrap();
        assert_eq!(
            sheet.rows,
            vec![(
                2,
                vec![
                    t("/a"),
                    t("b"),
                    t("c"),
                    Cell::Empty,
                    Cell::Enum("district"),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty
                ]
            )]
        );
    }

    #[test]
    fn header_matching() {
        let col = UNITS[5];
        for h in [
            "division_code",
            "行政区划代码",
            "Division code",
            "DIVISION CODE",
            "行政区划代码 / Division code",
            "行政区划代码/division code",
            "行政区划代码 /",
            "x / Division Code",
        ] {
            assert!(header_score(&col, h) > 0, "{h}");
        }
        for h in ["division", "代码", "Code", "行政区划", "代码 / Code"] {
            assert_eq!(header_score(&col, h), 0, "{h}");
        }
        // A loose match does not take the header of another column.
        let cols = [
            Column { key: "a", zh: "名称", en: "Short name", kind: ColKind::Text, required: true },
            Column { key: "b", zh: "全称", en: "Name", kind: ColKind::Text, required: true },
        ];
        let header = [(0, "全称 / Name".to_string()), (1, "名称 / Short Name".to_string())];
        let map = map_header(&header, &cols, 1).unwrap();
        assert_eq!((map[&0], map[&1]), (1, 0));
        // Header cells are cleaned (full-width, U+3000) and the header may start lower down.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(2, 1, "\u{3000}上级路径 ").unwrap();
        ws.write_string(2, 2, "ｃｏｄｅ").unwrap();
        ws.write_string(2, 3, "名称 / Name").unwrap();
        ws.write_string(2, 4, "kind").unwrap();
        for (c, v) in [(1, "/a"), (2, "b"), (3, "c"), (4, "社区")] {
            ws.write_string(3, c, v).unwrap();
        }
        let sheet = read(&wb.save_to_buffer().unwrap(), UNITS).unwrap();
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].0, 4);
        assert_eq!(sheet.rows[0].1[4], Cell::Enum("community"));
    }

    #[test]
    fn strings_are_cleaned_and_blank_rows_skipped() {
        let header = all_header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let bytes = book(
            &header,
            &[
                vec![Raw::S("\u{3000}ＡＢ１２ ")],
                vec![Raw::S("  "), Raw::S("\u{3000}"), Raw::B, Raw::S("")],
                vec![],
                vec![Raw::S("x"), Raw::B, Raw::B, Raw::B, Raw::B, Raw::S(" ｓｚ０１ ")],
            ],
        );
        let sheet = read(&bytes, ALL).unwrap();
        let e = Cell::Empty;
        assert_eq!(
            sheet.rows,
            vec![
                (2, vec![t("AB12"), e.clone(), e.clone(), e.clone(), e.clone(), e.clone()]),
                (5, vec![t("x"), e.clone(), e.clone(), e.clone(), e.clone(), t("SZ01")]),
            ]
        );
    }

    #[test]
    fn required_cells() {
        let header = all_header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let bytes = book(&header, &[vec![Raw::S("\u{3000}"), Raw::N(3.0)]]);
        assert_eq!(read(&bytes, ALL).unwrap_err(), vec![err(2, "文本", KEY_REQUIRED, "")]);
    }

    #[test]
    fn integer_cells() {
        let b = Raw::B;
        assert_eq!(one(&[Raw::N(12.0)]).unwrap()[1], Cell::Int(12));
        assert_eq!(one(&[Raw::N(-3.0)]).unwrap()[1], Cell::Int(-3));
        assert_eq!(one(&[Raw::S("12")]).unwrap()[1], Cell::Int(12));
        assert_eq!(one(&[Raw::S(" １２ ")]).unwrap()[1], Cell::Int(12));
        assert_eq!(one(&[b]).unwrap()[1], Cell::Empty);
        for (raw, shown) in [
            (Raw::N(1.5), "1.5"),
            (Raw::S("abc"), "abc"),
            (Raw::S("12.0"), "12.0"),
            (Raw::S("1,200"), "1,200"),
            (Raw::N(1e300), "1e300"),
        ] {
            assert_eq!(one_err(&[raw]), ("数量".into(), KEY_INTEGER.into(), shown.into()));
        }
    }

    #[test]
    fn money_cells() {
        let fen = |raw: Raw| one(&[Raw::B, raw]).unwrap()[2].clone();
        assert_eq!(fen(Raw::S("1,300,000.50")), Cell::Fen(130_000_050));
        assert_eq!(fen(Raw::N(1_300_000.5)), Cell::Fen(130_000_050));
        assert_eq!(fen(Raw::S("¥1300000")), Cell::Fen(130_000_000));
        assert_eq!(fen(Raw::S("￥1,300,000.5元")), Cell::Fen(130_000_050));
        assert_eq!(fen(Raw::S("１３００.０５")), Cell::Fen(130_005));
        assert_eq!(fen(Raw::N(0.07)), Cell::Fen(7));
        assert_eq!(fen(Raw::N(19.99)), Cell::Fen(1999));
        assert_eq!(fen(Raw::S("12.500")), Cell::Fen(1250));
        // The largest amount below the ceiling, as a float: still exact to the fen.
        assert_eq!(fen(Raw::N(9_999_999_999.99)), Cell::Fen(999_999_999_999));
        for (raw, shown) in [
            (Raw::S("1.234"), "1.234"),
            (Raw::N(1.234), "1.234"),
            // Float arithmetic residue is not silently rounded.
            (Raw::N(0.1 + 0.2), "0.30000000000000004"),
            (Raw::S("1,30"), "1,30"),
            (Raw::S("12."), "12."),
            (Raw::S(".5"), ".5"),
            (Raw::S("abc"), "abc"),
            (Raw::S("1.2.3"), "1.2.3"),
            (Raw::N(-12.3), "-12.3"),
            (Raw::S("-¥12.30"), "-¥12.30"),
            (Raw::D(44562.0), "2022-01-01"),
        ] {
            assert_eq!(one_err(&[Raw::B, raw]), ("金额".into(), KEY_MONEY.into(), shown.into()));
        }
        // Above the ceiling of one amount (10,000,000,000 yuan by default), however written.
        assert_eq!(fen(Raw::S("10,000,000,000")), Cell::Fen(1_000_000_000_000));
        for (raw, shown) in [
            (Raw::S("10000000000.01"), "10000000000.01"),
            (Raw::N(10_000_000_001.0), "10000000001"),
            (Raw::S("92,233,720,368,547,758.07"), "92,233,720,368,547,758.07"),
            (Raw::S("99999999999999999999"), "99999999999999999999"),
            (Raw::N(1e300), "1e300"),
        ] {
            assert_eq!(one_err(&[Raw::B, raw]), ("金额".into(), KEY_MONEY_TOO_LARGE.into(), shown.into()));
        }
    }

    #[test]
    fn date_cells() {
        let day = |raw: Raw| one(&[Raw::B, Raw::B, raw]).unwrap()[3].clone();
        assert_eq!(day(Raw::D(44562.0)), Cell::Date(d(2022, 1, 1)));
        assert_eq!(day(Raw::D(44562.75)), Cell::Date(d(2022, 1, 1)));
        // A serial number in a cell without a date format.
        assert_eq!(day(Raw::N(44562.0)), Cell::Date(d(2022, 1, 1)));
        assert_eq!(day(Raw::D(1.0)), Cell::Date(d(1900, 1, 1)));
        assert_eq!(day(Raw::D(59.0)), Cell::Date(d(1900, 2, 28)));
        assert_eq!(day(Raw::D(61.0)), Cell::Date(d(1900, 3, 1)));
        for s in ["2022-06-01", "2022/6/1", "2022.6.1", "2022年6月1日", "20220601", "２０２２-０６-０１"] {
            assert_eq!(day(Raw::S(s)), Cell::Date(d(2022, 6, 1)), "{s}");
        }
        assert_eq!(day(Raw::N(20_220_601.0)), Cell::Date(d(2022, 6, 1)));
        for (raw, shown) in [
            // The fictitious 1900-02-29.
            (Raw::D(60.0), "60"),
            (Raw::N(0.0), "0"),
            (Raw::N(44562.5), "44562.5"),
            (Raw::N(-1.0), "-1"),
            (Raw::S("2022-02-30"), "2022-02-30"),
            (Raw::S("2022-13-01"), "2022-13-01"),
            (Raw::S("22-6-1"), "22-6-1"),
            (Raw::S("2022-6"), "2022-6"),
            (Raw::S("2022-06/01"), "2022-06/01"),
            (Raw::S("20221301"), "20221301"),
            (Raw::S("明天"), "明天"),
        ] {
            assert_eq!(one_err(&[Raw::B, Raw::B, raw]), ("日期".into(), KEY_DATE.into(), shown.into()));
        }
    }

    #[test]
    fn serial_numbers() {
        assert_eq!(serial_to_date(44562.0, false), Some(d(2022, 1, 1)));
        assert_eq!(serial_to_date(60.0, false), None);
        assert_eq!(serial_to_date(2_958_465.0, false), Some(d(9999, 12, 31)));
        assert_eq!(serial_to_date(2_958_466.0, false), None);
        assert_eq!(serial_to_date(f64::NAN, false), None);
        assert_eq!(serial_to_date(0.0, true), Some(d(1904, 1, 1)));
        assert_eq!(serial_to_date(43100.0, true), Some(d(2022, 1, 1)));
        assert_eq!(date_to_serial(d(1899, 12, 31)), None);
        assert_eq!(date_to_serial(d(10000, 1, 1)), None);
        let mut day = d(1900, 1, 1);
        while day < d(1901, 1, 1) {
            let s = date_to_serial(day).unwrap();
            assert_ne!(s, 60);
            assert_eq!(serial_to_date(s as f64, false), Some(day));
            day = day.succ_opt().unwrap();
        }
        assert_eq!(date_to_serial(d(2022, 1, 1)), Some(44562));
    }

    #[test]
    fn enum_cells() {
        let kind = |raw: Raw| one(&[Raw::B, Raw::B, Raw::B, raw]).unwrap()[4].clone();
        assert_eq!(kind(Raw::S("社区")), Cell::Enum("community"));
        assert_eq!(kind(Raw::S("village")), Cell::Enum("village"));
        assert_eq!(kind(Raw::S("Town")), Cell::Enum("town"));
        assert_eq!(kind(Raw::S(" 区\u{3000}")), Cell::Enum("district"));
        assert_eq!(
            one_err(&[Raw::B, Raw::B, Raw::B, Raw::S("街道")]),
            ("类型".into(), KEY_ENUM.into(), "街道; 可选 / allowed: 社区、村、镇、区、其他".into())
        );
    }

    #[test]
    fn code_cells() {
        let code = |raw: Raw| one(&[Raw::B, Raw::B, Raw::B, Raw::B, raw]).unwrap()[5].clone();
        assert_eq!(code(Raw::S("91320583mA1x")), t("91320583MA1X"));
        assert_eq!(code(Raw::S("0012")), t("0012"));
        assert_eq!(code(Raw::S("320583199001011234")), t("320583199001011234"));
        assert_eq!(code(Raw::N(320_583_102.0)), t("320583102"));
        assert_eq!(code(Raw::N(999_999_999_999_999.0)), t("999999999999999"));
        for (raw, shown) in [
            (Raw::N(1e15), "1000000000000000"),
            (Raw::N(320_583_199_001_011_234.0), "320583199001011260"),
            (Raw::D(44562.0), "2022-01-01"),
        ] {
            assert_eq!(
                one_err(&[Raw::B, Raw::B, Raw::B, Raw::B, raw]),
                ("编号".into(), KEY_CODE_AS_NUMBER.into(), shown.into())
            );
        }
    }

    #[test]
    fn all_errors_are_reported() {
        let header = all_header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let bytes = book(
            &header,
            &[
                vec![Raw::S("ok"), Raw::S("x"), Raw::S("y"), Raw::S("z"), Raw::S("w"), Raw::N(1e16)],
                vec![Raw::S("ok")],
                vec![Raw::B, Raw::N(0.5)],
            ],
        );
        let e: Vec<(usize, String, String)> =
            read(&bytes, ALL).unwrap_err().into_iter().map(|e| (e.row, e.column, e.key)).collect();
        let s = |r: usize, c: &str, k: &str| (r, c.to_string(), k.to_string());
        assert_eq!(
            e,
            vec![
                s(2, "数量", KEY_INTEGER),
                s(2, "金额", KEY_MONEY),
                s(2, "日期", KEY_DATE),
                s(2, "类型", KEY_ENUM),
                s(2, "编号", KEY_CODE_AS_NUMBER),
                s(4, "文本", KEY_REQUIRED),
                s(4, "数量", KEY_INTEGER),
            ]
        );
    }

    #[test]
    fn template_reads_back_empty() {
        let bytes = template(UNITS).unwrap();
        assert!(sniff_xlsx(&bytes));
        assert_eq!(read(&bytes, UNITS).unwrap(), Sheet::default());
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec![DATA_SHEET, HELP_SHEET]);
        let data = wb.worksheet_range(DATA_SHEET).unwrap();
        let header: Vec<String> = data.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(header[0], "上级路径 / Parent path");
        assert_eq!(header[7], "设立日期 / Established");
        let help = wb.worksheet_range(HELP_SHEET).unwrap();
        let text: Vec<String> = help.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        assert!(text.contains(&"类型 / Kind".to_string()));
        assert!(text.iter().any(|c| c.contains("社区 (community)")));
        assert!(text.contains(&"是 / Yes".to_string()));
    }

    #[test]
    fn write_reads_back_the_same_cells() {
        let rows = vec![
            vec![
                t("周市镇"),
                Cell::Int(12),
                Cell::Fen(130_000_050),
                Cell::Date(d(2022, 1, 1)),
                Cell::Enum("village"),
                t("0320583102"),
            ],
            vec![
                t("x"),
                Cell::Int(-9_007_199_254_740_993),
                Cell::Fen(7),
                Cell::Date(d(1900, 2, 28)),
                Cell::Empty,
                t("320583199001011234"),
            ],
            vec![
                t("y"),
                Cell::Empty,
                Cell::Fen(1_000_000_000_000),
                Cell::Date(d(1899, 6, 1)),
                Cell::Enum("other"),
                Cell::Empty,
            ],
            vec![t("z"), Cell::Int(0), Cell::Fen(1), Cell::Date(d(1900, 3, 1))],
        ];
        let bytes = write(ALL, &rows).unwrap();
        let sheet = read(&bytes, ALL).unwrap();
        let mut expected: Vec<(usize, Vec<Cell>)> = (2..).zip(rows).collect();
        expected[3].1.extend([Cell::Empty, Cell::Empty]);
        assert_eq!(sheet.rows, expected);
        // Exported dates are date cells, money is a number, codes are text.
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
        let range = wb.worksheet_range(DATA_SHEET).unwrap();
        assert!(matches!(range.get_value((1, 3)), Some(Data::DateTime(_))));
        assert_eq!(range.get_value((1, 2)), Some(&Data::Float(1_300_000.5)));
        assert_eq!(range.get_value((1, 4)), Some(&Data::String("村".into())));
        assert_eq!(range.get_value((1, 5)), Some(&Data::String("0320583102".into())));
    }

    #[test]
    fn any_sum_is_written_exactly_but_only_amounts_read_back() {
        // Sums and balances may be negative or beyond one amount's ceiling: written exactly (as
        // text beyond the digits of an f64), refused when read as an amount.
        let rows = vec![
            vec![t("x"), Cell::Empty, Cell::Fen(-7)],
            vec![t("y"), Cell::Empty, Cell::Fen(9_223_372_036_854_775_807)],
        ];
        let bytes = write(ALL, &rows).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
        let range = wb.worksheet_range(DATA_SHEET).unwrap();
        assert_eq!(range.get_value((1, 2)), Some(&Data::Float(-0.07)));
        assert_eq!(range.get_value((2, 2)), Some(&Data::String("92233720368547758.07".into())));
        let errors = read(&bytes, ALL).unwrap_err();
        assert_eq!(
            errors,
            vec![err(2, "金额", KEY_MONEY, "-0.07"), err(3, "金额", KEY_MONEY_TOO_LARGE, "92233720368547758.07"),]
        );
    }
}
