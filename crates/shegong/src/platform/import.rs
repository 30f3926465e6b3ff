//! The import kit: every importer validates every row first and reports each bad row (row
//! number as the user sees it, column, reason as a locale key and a [`Detail`] rendered in the
//! reader's language); only a file without errors is written, in one transaction.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::platform::i18n::{message, tf, Detail, Lang, Msg};
use crate::platform::xlsx::{Cell, ColKind, Column};

/// One problem in one row of an import file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowError {
    /// 1-based row number as shown by a spreadsheet (the header is row 1).
    pub row: usize,
    pub column: String,
    /// Locale key of the reason.
    pub key: String,
    /// Extra detail (e.g. the offending value, or what is wrong with a code), rendered in the
    /// reader's language. `RowError::new(row, col, key, "text")` takes a user's value as is.
    pub detail: Detail,
}

impl RowError {
    pub fn new(row: usize, column: &str, key: &str, detail: impl Into<Detail>) -> Self {
        RowError { row, column: column.into(), key: key.into(), detail: detail.into() }
    }

    /// The reason in one language: the message, and the detail after it.
    pub fn message(&self, lang: Lang) -> String {
        let m = message(lang, &self.key);
        if self.detail.is_none() {
            return m;
        }
        tf(lang, "import.with_detail", &[("message", &m), ("detail", &self.detail.render(lang))])
    }
}

/// The outcome of an import: every problem of the file in one report. The kit's cell problems
/// come first ([`Sheet::report`](crate::platform::xlsx::Sheet::report)); the importer then runs
/// its rules over every row and adds their problems with [`ImportReport::add`], which leaves out
/// a rule's problem on a cell that already has a cell problem (the cell problem says it). The
/// registry ([`Exchange::import`]) puts them in row order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub errors: Vec<RowError>,
    /// The cells with a cell problem: (row, column key) and (row, Chinese header).
    #[serde(skip)]
    bad_cells: HashSet<(usize, String)>,
}

impl ImportReport {
    /// The report of a file refused as a whole (not an xlsx, too large, a missing column…).
    pub fn refused(errors: Vec<RowError>) -> ImportReport {
        ImportReport { errors, ..ImportReport::default() }
    }

    /// The report of `rows` data rows whose cells had the problems `cell_errors` (named by the
    /// key or the Chinese header of one of `columns`).
    pub fn with_cell_problems(rows: usize, cell_errors: Vec<RowError>, columns: &[Column]) -> ImportReport {
        let mut bad_cells = HashSet::new();
        for e in &cell_errors {
            bad_cells.insert((e.row, e.column.clone()));
            if let Some(col) = columns.iter().find(|c| c.zh == e.column || c.key == e.column) {
                bad_cells.insert((e.row, col.key.to_string()));
                bad_cells.insert((e.row, col.zh.to_string()));
            }
        }
        ImportReport { rows, created: 0, errors: cell_errors, bad_cells }
    }

    /// Adds a rule's problem, unless its cell already has a cell problem.
    pub fn add(&mut self, e: RowError) {
        if !self.bad_cells.contains(&(e.row, e.column.clone())) {
            self.errors.push(e);
        }
    }

    /// Adds rules' problems (see [`ImportReport::add`]).
    pub fn extend(&mut self, errors: impl IntoIterator<Item = RowError>) {
        for e in errors {
            self.add(e);
        }
    }

    /// Whether the cell `column` (key or Chinese header) of `row` parsed.
    pub fn cell_ok(&self, row: usize, column: &str) -> bool {
        !self.bad_cells.contains(&(row, column.to_string()))
    }

    /// The problems in row order (file problems first; a row's problems in the order found).
    pub fn sort(&mut self) {
        self.errors.sort_by_key(|e| e.row);
    }

    pub fn committed(&self) -> bool {
        self.errors.is_empty()
    }

    /// The report for the command line, every line in `lang`; `columns` name the columns
    /// (those of the import, when known).
    pub fn to_text(&self, lang: Lang, columns: &[Column]) -> String {
        if self.committed() {
            return Msg::new("import.cli.done").arg("n", self.created.to_string()).render(lang);
        }
        let mut s = Msg::new("import.cli.failed").arg("n", self.errors.len().to_string()).render(lang);
        s.push('\n');
        for e in &self.errors {
            let column = column_name(columns, &e.column, lang);
            let line = if column.is_empty() {
                Msg::new("import.cli.file_problem").arg("message", e.message(lang))
            } else {
                Msg::new("import.cli.row_problem")
                    .arg("row", e.row.to_string())
                    .arg("column", column)
                    .arg("message", e.message(lang))
            };
            s.push_str("  ");
            s.push_str(&line.render(lang));
            s.push('\n');
        }
        s
    }
}

/// Problems shown on an import page; the whole list is in the downloadable report.
pub const SHOWN_ERRORS: usize = 200;
/// How long the report of a failed import stays downloadable.
pub const REPORT_TTL: std::time::Duration = std::time::Duration::from_secs(3600);
/// Rows of a report workbook at most (Excel's sheet holds 1,048,576).
const REPORT_MAX_ROWS: usize = 1_000_000;

/// The columns of the report workbook.
pub const REPORT_COLUMNS: &[Column] = &[
    Column { key: "row", zh: "行", en: "Row", kind: ColKind::Integer, required: false },
    Column { key: "column", zh: "列", en: "Column", kind: ColKind::Text, required: false },
    Column { key: "problem", zh: "问题", en: "Problem (Chinese)", kind: ColKind::Text, required: false },
    Column { key: "problem_en", zh: "问题（英文）", en: "Problem", kind: ColKind::Text, required: false },
];

/// The name of a column as the user knows it (`columns` are those of the import; a problem names
/// a column by its key or its Chinese header).
pub fn column_name(columns: &[Column], name: &str, lang: Lang) -> String {
    columns
        .iter()
        .find(|col| col.key == name || col.zh == name)
        .map(|col| if lang == Lang::En { col.en } else { col.zh }.to_string())
        .unwrap_or_else(|| name.to_string())
}

/// Every problem of an import as an xlsx: row, column, and the reason in Chinese and English.
pub fn report_xlsx(errors: &[RowError], columns: &[Column]) -> anyhow::Result<Vec<u8>> {
    let rows: Vec<Vec<Cell>> = errors
        .iter()
        .take(REPORT_MAX_ROWS)
        .map(|e| {
            vec![
                if e.row > 0 { Cell::Int(i64::try_from(e.row).unwrap_or(i64::MAX)) } else { Cell::Empty },
                Cell::Text(column_name(columns, &e.column, Lang::Zh)),
                Cell::Text(e.message(Lang::Zh)),
                Cell::Text(e.message(Lang::En)),
            ]
        })
        .collect();
    crate::platform::xlsx::write(REPORT_COLUMNS, &rows)
}

fn report_dir(data_dir: &str) -> PathBuf {
    Path::new(data_dir).join("import-reports")
}

/// A report token: 32 hex digits.
fn valid_token(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Keeps the report of a failed import for the user who ran it, for [`REPORT_TTL`]: written to
/// `{data_dir}/import-reports/{user}-{token}.xlsx` (a random 128-bit token), replacing that
/// user's earlier report and removing expired ones, so the directory holds at most one report
/// per user. Returns the download path, which only the same user can open.
pub async fn keep_report(
    data_dir: &str,
    user_id: i64,
    errors: Vec<RowError>,
    columns: &'static [Column],
) -> anyhow::Result<String> {
    let bytes = tokio::task::spawn_blocking(move || report_xlsx(&errors, columns)).await??;
    let dir = report_dir(data_dir);
    tokio::fs::create_dir_all(&dir).await?;
    let mine = format!("{user_id}-");
    if let Ok(mut entries) = tokio::fs::read_dir(&dir).await {
        while let Ok(Some(e)) = entries.next_entry().await {
            let name = e.file_name().to_string_lossy().to_string();
            let expired = e
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age > REPORT_TTL);
            if name.starts_with(&mine) || expired {
                let _ = tokio::fs::remove_file(e.path()).await;
            }
        }
    }
    let token = crate::platform::web::random_token(16)?;
    tokio::fs::write(dir.join(format!("{user_id}-{token}.xlsx")), bytes).await?;
    Ok(format!("/imports/report/{token}"))
}

/// The report kept for `user_id` under `token`, if it exists and has not expired.
pub async fn load_report(data_dir: &str, user_id: i64, token: &str) -> Option<Vec<u8>> {
    if !valid_token(token) {
        return None;
    }
    let path = report_dir(data_dir).join(format!("{user_id}-{token}.xlsx"));
    let age = tokio::fs::metadata(&path).await.ok()?.modified().ok()?.elapsed().ok()?;
    if age > REPORT_TTL {
        let _ = tokio::fs::remove_file(&path).await;
        return None;
    }
    tokio::fs::read(&path).await.ok()
}

/// The problems as an import page shows them: the first [`SHOWN_ERRORS`], the total, and the
/// link to the whole report (empty when none was kept).
#[derive(Debug, Clone, Default)]
pub struct ErrorList {
    pub shown: Vec<ShownError>,
    pub total: usize,
    pub report_href: String,
}

#[derive(Debug, Clone)]
pub struct ShownError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl ErrorList {
    pub fn new(lang: Lang, errors: &[RowError], columns: &[Column], report_href: String) -> ErrorList {
        ErrorList {
            shown: errors
                .iter()
                .take(SHOWN_ERRORS)
                .map(|e| ShownError {
                    row: e.row,
                    column: column_name(columns, &e.column, lang),
                    message: e.message(lang),
                })
                .collect(),
            total: errors.len(),
            report_href,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Whether more problems exist than are shown.
    pub fn truncated(&self) -> bool {
        self.total > self.shown.len()
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
    fn the_command_line_report_is_in_one_language() {
        const COLUMNS: &[Column] = &[Column {
            key: "credit_code",
            zh: "统一社会信用代码",
            en: "Credit code",
            kind: ColKind::Code,
            required: true,
        }];
        let z = cncodes::CreditCode::parse("51320583MJ5123456Z").expect_err("Z");
        let birth = cncodes::IdNumber::complete("32058319900230001").expect_err("30 February");
        let report = ImportReport {
            rows: 3,
            created: 0,
            bad_cells: HashSet::new(),
            errors: vec![
                RowError::new(2, "credit_code", "orgs.error.credit_code", z),
                RowError::new(3, "身份证号", "workers.error.id_number", birth),
                RowError::new(0, "", "import.error.not_xlsx", ""),
            ],
        };
        let (code_zh, code_en) =
            (message(Lang::Zh, "orgs.error.credit_code"), message(Lang::En, "orgs.error.credit_code"));
        let (id_zh, id_en) =
            (message(Lang::Zh, "workers.error.id_number"), message(Lang::En, "workers.error.id_number"));
        assert_eq!(
            report.to_text(Lang::Zh, COLUMNS),
            format!(
                "文件有 3 处错误，未写入任何数据\n  第2行 [统一社会信用代码] {code_zh}（第18位字符“Z”不允许）\n  第3行 [身份证号] {id_zh}（出生日期无效）\n  {}\n",
                message(Lang::Zh, "import.error.not_xlsx")
            )
        );
        let en = report.to_text(Lang::En, COLUMNS);
        assert_eq!(
            en,
            format!(
                "3 errors, nothing was written\n  row 2 [Credit code] {code_en} (character 18 ('Z') is not allowed)\n  row 3 [身份证号] {id_en} (invalid birth date)\n  {}\n",
                message(Lang::En, "import.error.not_xlsx")
            )
        );
        // Only the name of a column the report does not know stays as it came.
        assert!(!en.replace("身份证号", "").chars().any(|c| c as u32 >= 0x3000), "{en}");
        let done = ImportReport { rows: 2, created: 2, ..ImportReport::default() };
        assert_eq!(
            (done.to_text(Lang::Zh, COLUMNS), done.to_text(Lang::En, &[])),
            ("已导入 2 行".into(), "imported 2 rows".into())
        );
    }

    #[test]
    fn cells_are_cleaned() {
        assert_eq!(clean_cell("\u{3000} ＡＢ１２ \t"), "AB12");
        assert_eq!(clean_cell("周市镇 "), "周市镇");
    }
}

/// A file format of the import/export registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// The format a file's name or content asks for: xlsx by name or by content, else CSV.
    pub fn of(file_name: &str, bytes: Option<&[u8]>) -> Format {
        if file_name.to_ascii_lowercase().ends_with(".xlsx") || bytes.is_some_and(crate::platform::xlsx::sniff_xlsx) {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// The future of an importer or exporter of the registry.
pub type BoxFut<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<T>> + Send + 'a>>;

/// Who imports, where, and when: what every importer of the registry is given.
pub struct ImportCtx<'a> {
    pub db: &'a crate::platform::db::Db,
    pub actor: &'a crate::platform::audit::Actor,
    /// Rows are written into units inside this scope only.
    pub scope: &'a crate::platform::access::Scope,
    pub today: chrono::NaiveDate,
    /// The record the rows go into when a page names it (the plan of `/party/plans/{id}/import`);
    /// `None` on the command line, where the file names it.
    pub parent: Option<i64>,
}

/// Who reads an export: the command line's operator, or a signed-in user with their rights.
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    Operator,
    User(&'a crate::platform::access::UserAccess),
}

impl Reader<'_> {
    /// Whether the reader is a user holding `perm` (the operator holds no permission: what an
    /// exporter gives the operator is its own decision).
    pub fn user_can(&self, perm: &str) -> bool {
        matches!(self, Reader::User(u) if u.can(perm))
    }
}

/// What every exporter of the registry is given: the web export of a list and
/// `shegong export KIND FILE` call the same exporter with it.
pub struct ExportCtx<'a> {
    pub db: &'a crate::platform::db::Db,
    /// Only records inside this scope are written.
    pub scope: &'a crate::platform::access::Scope,
    /// The list page's filter as its query string (`status=normal&unit=3`), read by the domain
    /// as its list does; empty on the command line (everything in the scope).
    pub filter: &'a str,
    /// The record whose rows are exported when a page names it (the plan of
    /// `/party/plans/{id}/export.xlsx`); `None` on the command line.
    pub parent: Option<i64>,
    /// The language of labels written as text (not of headers, which carry both).
    pub lang: Lang,
    pub reader: Reader<'a>,
}

impl<'a> ExportCtx<'a> {
    /// The command line's export: everything in `scope`, for the operator, labels in Chinese.
    pub fn operator(db: &'a crate::platform::db::Db, scope: &'a crate::platform::access::Scope) -> ExportCtx<'a> {
        ExportCtx { db, scope, filter: "", parent: None, lang: Lang::Zh, reader: Reader::Operator }
    }

    /// The filter read as the list page reads its query (`T` its filter struct).
    pub fn filter<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_urlencoded::from_str(self.filter).map_err(|_| Msg::new("error.bad_request").into())
    }
}

/// A written export: the file, how many records it holds, and whether personal fields (phones,
/// ID numbers) were written in full (for the audit row of a web export).
pub struct Exported {
    pub bytes: Vec<u8>,
    pub rows: usize,
    pub full: bool,
}

impl Exported {
    pub fn new(bytes: Vec<u8>, rows: usize) -> Exported {
        Exported { bytes, rows, full: false }
    }
}

/// Imports a whole file (all rows or nothing).
pub type ImportFn = for<'a> fn(&'a ImportCtx<'a>, &'a [u8]) -> BoxFut<'a, ImportReport>;
/// Exports the records of a scope (and filter).
pub type ExportFn = for<'a> fn(&'a ExportCtx<'a>) -> BoxFut<'a, Exported>;

/// One kind of record that can be imported and/or exported as a file. Each domain declares its
/// kinds in its `import.rs`; `app::exchanges()` lists them; the command line and the web import
/// pages dispatch through the list ([`Exchange::import`], [`Exchange::export`]), so a kind is
/// added in one place and a file gives the same report on the page and on the command line.
pub struct Exchange {
    /// The name on the command line (`shegong import units FILE`) and of exported files.
    pub kind: &'static str,
    /// The entity its audit rows name (`organisation`, `org_unit`…).
    pub entity: &'static str,
    /// The columns of its files (they name the columns in the report).
    pub columns: &'static [Column],
    /// Reads an xlsx (the kit checks the content, not the file name).
    pub import: Option<ImportFn>,
    /// Reads CSV text (UTF-8), for kinds that offer it to scripts.
    pub import_csv: Option<ImportFn>,
    pub export: Option<ExportFn>,
    pub export_csv: Option<ExportFn>,
}

impl Exchange {
    /// The kind named `kind` in `all`.
    pub fn find<'a>(all: &'a [&'static Exchange], kind: &str) -> Option<&'a Exchange> {
        all.iter().copied().find(|e| e.kind == kind)
    }
    /// The names of the kinds that can be imported (`import`) or exported.
    pub fn names(all: &[&'static Exchange], import: bool) -> Vec<&'static str> {
        all.iter().filter(|e| if import { e.imports() } else { e.exports() }).map(|e| e.kind).collect()
    }
    pub fn imports(&self) -> bool {
        self.import.is_some() || self.import_csv.is_some()
    }
    pub fn exports(&self) -> bool {
        self.export.is_some() || self.export_csv.is_some()
    }

    /// Imports a file in `format` through the kind's importer; the report's problems in row
    /// order. A format the kind does not read is an error.
    pub async fn import(&self, ctx: &ImportCtx<'_>, format: Format, bytes: &[u8]) -> anyhow::Result<ImportReport> {
        let run = match format {
            Format::Xlsx => self.import,
            Format::Csv => self.import_csv,
        }
        .ok_or_else(|| unsupported_format(self.kind, format))?;
        let mut report = run(ctx, bytes).await?;
        report.sort();
        Ok(report)
    }

    /// Exports the records `ctx` names in `format`.
    pub async fn export(&self, ctx: &ExportCtx<'_>, format: Format) -> anyhow::Result<Exported> {
        let run = match format {
            Format::Xlsx => self.export,
            Format::Csv => self.export_csv,
        }
        .ok_or_else(|| unsupported_format(self.kind, format))?;
        run(ctx).await
    }
}

/// The answer of an exporter asked for a format it does not write.
pub fn unsupported_format(kind: &str, format: Format) -> anyhow::Error {
    Msg::new("import.cli.unsupported_format").arg("kind", kind).arg("format", format!("{format:?}")).into()
}
