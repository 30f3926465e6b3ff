//! The import kit: every importer validates every row first and reports each bad row (row
//! number as the user sees it, column, reason in Chinese and English); only a file without
//! errors is written, in one transaction.

use serde::Serialize;

use crate::platform::i18n::{t, Lang};

/// One problem in one row of an import file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowError {
    /// 1-based row number as shown by a spreadsheet (the header is row 1).
    pub row: usize,
    pub column: String,
    /// Locale key of the reason.
    pub key: String,
    /// Extra detail (e.g. the offending value).
    pub detail: String,
}

impl RowError {
    pub fn new(row: usize, column: &str, key: &str, detail: impl Into<String>) -> Self {
        RowError { row, column: column.into(), key: key.into(), detail: detail.into() }
    }

    pub fn message(&self, lang: Lang) -> String {
        let mut m = t(lang, &self.key).to_string();
        if !self.detail.is_empty() {
            m.push_str(&format!(" ({})", self.detail));
        }
        m
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn committed(&self) -> bool {
        self.errors.is_empty()
    }

    /// A bilingual text report for the command line.
    pub fn to_text(&self) -> String {
        if self.committed() {
            return format!("已导入 {} 行 / imported {} rows", self.created, self.created);
        }
        let mut s = format!(
            "文件有 {} 处错误，未写入任何数据 / {} errors, nothing was written\n",
            self.errors.len(),
            self.errors.len()
        );
        for e in &self.errors {
            s.push_str(&format!(
                "  第{}行 [{}] {} / row {} [{}] {}\n",
                e.row,
                e.column,
                e.message(Lang::Zh),
                e.row,
                e.column,
                e.message(Lang::En)
            ));
        }
        s
    }
}

/// Cleans a cell: trims spaces (also full-width ones) and turns full-width ASCII into half-width.
pub fn clean_cell(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cleaned() {
        assert_eq!(clean_cell("\u{3000} ＡＢ１２ \t"), "AB12");
        assert_eq!(clean_cell("周市镇 "), "周市镇");
    }
}
