//! Reading: the first sheet streamed cell by cell, the header matched to the columns, every
//! cell checked into a typed [`Cell`] or a [`RowError`].

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::dates::{parse_date_text, serial_to_date};
use super::sniff::zip_info;
use super::*;
use crate::platform::i18n::{Detail, Msg};
use crate::platform::import::{clean_cell, RowError};
use crate::platform::money::{Amount, MoneyError};

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

fn file_error(key: &str, detail: impl Into<Detail>) -> Vec<RowError> {
    vec![RowError::new(0, "", key, detail)]
}

/// A workbook calamine cannot read: its reason goes to the log (it is English and technical),
/// the user reads that the file is not a valid workbook.
fn not_xlsx(e: &dyn std::fmt::Display) -> Vec<RowError> {
    tracing::debug!(error = %e, "unreadable workbook");
    file_error(KEY_NOT_XLSX, Detail::None)
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
pub(super) fn header_score(col: &Column, h: &str) -> u8 {
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
pub(super) fn map_header(
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
        .map(|(c, _)| RowError::new(header_row, c.zh, KEY_MISSING_COLUMN, Detail::Label { zh: c.zh, en: c.en }))
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

type CellResult = Result<Cell, (&'static str, Detail)>;

/// The detail of a value that is not one of `options`: the value and the options by their
/// labels in the reader's language (both are accepted; the internal codes are never shown).
pub(super) fn allowed(shown: String, options: &[Choice]) -> Detail {
    let options = options.iter().map(|(_, zh, en)| Detail::Label { zh, en }).collect();
    Msg::new("import.detail.allowed").arg("value", shown).arg("options", Detail::List(options)).into()
}

fn parse_cell(d: &Data, kind: ColKind, is_1904: bool) -> CellResult {
    if is_blank(d) {
        return Ok(Cell::Empty);
    }
    if let Data::Error(e) = d {
        return Err((KEY_UNREADABLE, e.to_string().into()));
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
            v.map(Cell::Int).ok_or((KEY_INTEGER, shown.into()))
        }
        // The one money parser (`platform::money`): exact fen, never negative, never above the
        // configured ceiling of one amount.
        ColKind::Money => {
            let v = match d {
                Data::Int(i) => Amount::from_yuan(*i),
                Data::Float(f) => Amount::from_yuan_number(*f),
                Data::String(_) => Amount::parse_yuan(&shown),
                _ => Err(MoneyError::Invalid),
            };
            v.map(|a| Cell::Fen(a.fen())).map_err(|e| (e.key(KEY_MONEY), shown.into()))
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
            v.map(Cell::Date).ok_or((KEY_DATE, shown.into()))
        }
        ColKind::Enum(options) => options
            .iter()
            // The label as the cell was cleaned (full-width brackets read as half-width: 市(县)).
            .find(|(code, zh, en)| {
                *zh == shown
                    || clean_cell(zh) == shown
                    || code.eq_ignore_ascii_case(&shown)
                    || en.eq_ignore_ascii_case(&shown)
            })
            .map(|(code, _, _)| Cell::Enum(code))
            .ok_or_else(|| (KEY_ENUM, allowed(shown, options))),
        ColKind::Code => match d {
            // Excel keeps 15 significant digits: a larger number has lost digits.
            Data::Float(f) if f.abs() >= 1e15 => Err((KEY_CODE_AS_NUMBER, shown.into())),
            // A code that Excel turned into a date is lost as well.
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Err((KEY_CODE_AS_NUMBER, shown.into())),
            _ => Ok(Cell::Text(shown.to_uppercase())),
        },
    }
}

/// The cells of the mapped columns by 0-based sheet row (rows with a non-blank cell only).
type RawRows = BTreeMap<u32, Vec<Data>>;

/// Streams the first sheet: whether the workbook uses the 1904 date system, and its data rows.
fn read_cells(bytes: &[u8], columns: &[Column], max_rows: usize) -> Result<(bool, RawRows), Vec<RowError>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let is_1904 = wb.has_1904_epoch();
    let Some(first) = wb.sheet_names().into_iter().next() else {
        return Err(file_error(KEY_NOT_XLSX, ""));
    };
    let mut cells = wb.worksheet_cells_reader(&first).map_err(|e| not_xlsx(&e))?;

    let mut header_row: Option<u32> = None;
    let mut header: Vec<(u32, String)> = Vec::new();
    let mut map: Option<HashMap<u32, usize>> = None;
    let mut rows = RawRows::new();
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(not_xlsx(&e)),
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
        if rows.len() > max_rows {
            return Err(file_error(KEY_TOO_MANY_ROWS, format!("> {max_rows}")));
        }
    }
    if map.is_none() {
        map_header(&header, columns, header_row.map_or(1, |h| h as usize + 1))?;
    }
    Ok((is_1904, rows))
}

/// Reads the first sheet of an xlsx: the first non-empty row is the header, matched to
/// `columns`; every cell of every following row is validated. Entirely empty rows are skipped.
/// `Err` refuses the file as a whole (type, size, rows, header); the cells' problems are in
/// [`Sheet::errors`], with the rows, so that the importer's rules run over every row as well.
pub fn read(bytes: &[u8], columns: &[Column]) -> Result<Sheet, Vec<RowError>> {
    read_limited(bytes, columns, MAX_ROWS)
}

/// [`read`] with another row limit: for a kind whose files are larger by nature (service
/// records by the hundred thousand, `volunteers::import`), the other bounds unchanged.
pub fn read_limited(bytes: &[u8], columns: &[Column], max_rows: usize) -> Result<Sheet, Vec<RowError>> {
    if bytes.len() > MAX_BYTES {
        return Err(file_error(KEY_TOO_LARGE, format!("> {} MB", MAX_BYTES / 1024 / 1024)));
    }
    let Some(zip) = zip_info(bytes).filter(|z| z.has_workbook) else {
        return Err(file_error(KEY_NOT_XLSX, ""));
    };
    if zip.unpacked > MAX_UNPACKED {
        return Err(file_error(
            KEY_TOO_LARGE,
            Msg::new("import.detail.max_unpacked_mb").arg("mb", (MAX_UNPACKED / 1024 / 1024).to_string()),
        ));
    }
    // calamine can panic on some malformed parts (e.g. an overflowing cell reference in a
    // debug build); a damaged upload must give an error, not a panic.
    let (is_1904, rows) =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_cells(bytes, columns, max_rows)))
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
    sheet.errors = errors;
    Ok(sheet)
}

/// The cells of one row of a text file (CSV), checked exactly as the same texts typed into an
/// xlsx would be: `texts` in the order of `columns` (a missing text is empty). Returns the
/// typed cells (a bad cell as `Cell::Empty`) and the row's problems.
pub fn text_row(row_no: usize, columns: &[Column], texts: &[&str]) -> (Vec<Cell>, Vec<RowError>) {
    let mut out = Vec::with_capacity(columns.len());
    let mut errors = Vec::new();
    for (i, col) in columns.iter().enumerate() {
        let t = texts.get(i).copied().unwrap_or("");
        let d = if t.trim().is_empty() { Data::Empty } else { Data::String(t.to_string()) };
        match parse_cell(&d, col.kind, false) {
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
    (out, errors)
}
