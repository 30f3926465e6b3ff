//! The yearly exam-results import: each row is matched to the register by ID number, and the
//! user sees which qualifications are new, which change, and which rows match nobody, before
//! anything is written. Committing re-reads the same stored upload, all or nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::platform::i18n::{t, Lang};
use crate::platform::import::{Exchange, ExportCtx, Exported, ImportCtx, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, Choice, ColKind, Column};
use crate::talent::model::{exam_years, LEVELS};
use crate::talent::store;

pub const LEVEL_OPTIONS: &[Choice] = &[
    ("assistant", "助理社会工作师", "Assistant social worker"),
    ("social_worker", "社会工作师", "Social worker"),
    ("senior", "高级社会工作师", "Senior social worker"),
];

pub const COLUMNS: &[Column] = &[
    Column { key: "name", zh: "姓名", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "id_number", zh: "公民身份号码", en: "ID number", kind: ColKind::Code, required: true },
    Column {
        key: "level", zh: "职业资格", en: "Qualification", kind: ColKind::Enum(LEVEL_OPTIONS), required: true
    },
    Column { key: "exam_year", zh: "考试年度", en: "Exam year", kind: ColKind::Integer, required: true },
    Column {
        key: "certificate_no", zh: "证书编号", en: "Certificate number", kind: ColKind::Text, required: false
    },
];

/// What a row would do.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRow {
    pub row: usize,
    pub name: String,
    /// Masked: the preview is a page like any other.
    pub id_masked: String,
    pub level: String,
    pub exam_year: i32,
    pub certificate_no: String,
    /// "new", "updated", "unchanged" or "unmatched".
    pub outcome: &'static str,
    #[serde(skip)]
    worker_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ExamPreview {
    pub rows: Vec<PlannedRow>,
    pub errors: Vec<RowError>,
}

impl ExamPreview {
    pub fn count(&self, outcome: &str) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// A worker's qualifications: (level, exam year, certificate number).
type Quals = Vec<(String, i32, String)>;

/// Validates the file and matches every row against the workers in scope. Exam years are
/// bounded as on the worker form (`model::exam_years` of `today`).
pub async fn preview(db: &Db, scope: &Scope, today: NaiveDate, bytes: &[u8]) -> anyhow::Result<ExamPreview> {
    let sheet = match xlsx::read(bytes, COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ExamPreview { rows: vec![], errors }),
    };
    // The cells' problems and the rules' problems of every row in one report.
    let mut report = sheet.report(COLUMNS);
    let known = store::known_qualifications(&db.conn, scope).await?;
    let mut by_id: HashMap<String, (i64, Quals)> = HashMap::new();
    for k in known {
        let e = by_id.entry(k.id_number.clone()).or_insert((k.id, vec![]));
        if let (Some(l), Some(y)) = (k.level, k.exam_year) {
            e.1.push((l, y, k.certificate_no.unwrap_or_default()));
        }
    }
    let mut out = ExamPreview::default();
    for (row, cells) in sheet.rows {
        let text = |i: usize| cells.get(i).and_then(|c| c.text()).unwrap_or("").to_string();
        let id = match cncodes::IdNumber::parse(&text(1)) {
            Ok(id) => id,
            Err(e) => {
                report.add(RowError::new(row, "id_number", "workers.error.id_number", e));
                continue;
            }
        };
        let level = cells.get(2).and_then(|c| c.code()).filter(|l| LEVELS.contains(l)).unwrap_or("").to_string();
        let exam_year = cells.get(3).and_then(Cell::int).unwrap_or(0) as i32;
        if !exam_years(today).contains(&exam_year) {
            report.add(RowError::new(row, "exam_year", "workers.error.exam_year", exam_year.to_string()));
            continue;
        }
        let certificate_no = text(4);
        let (outcome, worker_id) = match by_id.get(id.as_str()) {
            None => ("unmatched", None),
            Some((wid, quals)) => match quals.iter().find(|(l, _, _)| *l == level) {
                None => ("new", Some(*wid)),
                Some((_, y, c)) if *y == exam_year && *c == certificate_no => ("unchanged", Some(*wid)),
                Some(_) => ("updated", Some(*wid)),
            },
        };
        out.rows.push(PlannedRow {
            row,
            name: text(0),
            id_masked: id.masked(),
            level,
            exam_year,
            certificate_no,
            outcome,
            worker_id,
        });
    }
    report.sort();
    out.errors = report.errors;
    Ok(out)
}

/// Writes the new and updated qualifications of a preview without errors; unmatched rows are
/// reported, not written. Returns how many were written.
pub async fn commit(db: &Db, actor: &Actor, preview: &ExamPreview) -> anyhow::Result<usize> {
    if !preview.errors.is_empty() {
        anyhow::bail!("a file with errors is never written");
    }
    let tx = db.write().await?;
    let mut events = Vec::new();
    for r in &preview.rows {
        let Some(wid) = r.worker_id else { continue };
        match r.outcome {
            "new" => store::insert_qualification(&*tx, wid, &r.level, r.exam_year, &r.certificate_no).await?,
            "updated" => store::update_qualification(&*tx, wid, &r.level, r.exam_year, &r.certificate_no).await?,
            _ => continue,
        }
        events.push(
            Event::new("exam_import", "social_worker", wid)
                .after(&serde_json::json!({"outcome": r.outcome, "level": r.level, "exam_year": r.exam_year})),
        );
    }
    let n = events.len();
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    Ok(n)
}

/// The command line's exam import: the preview's checks, then the commit of a file without
/// problems (unmatched rows are counted as read, not written).
pub async fn import_exams(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let p = preview(ctx.db, ctx.scope, ctx.today, bytes).await?;
    if !p.errors.is_empty() {
        return Ok(ImportReport::refused(p.errors));
    }
    let mut report = ImportReport::refused(vec![]);
    report.rows = p.rows.len();
    report.created = commit(ctx.db, ctx.actor, &p).await?;
    Ok(report)
}

/// The columns of the register's export.
pub const WORKER_COLUMNS: &[Column] = &[
    Column { key: "name", zh: "姓名", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "id_number", zh: "公民身份号码", en: "ID number", kind: ColKind::Code, required: true },
    Column { key: "gender", zh: "性别", en: "Gender", kind: ColKind::Text, required: true },
    Column { key: "birth_year", zh: "出生年份", en: "Year of birth", kind: ColKind::Integer, required: true },
    Column { key: "phone", zh: "手机号", en: "Phone", kind: ColKind::Code, required: false },
    Column { key: "unit", zh: "单位", en: "Unit", kind: ColKind::Text, required: true },
    Column {
        key: "level", zh: "最高职业资格", en: "Highest qualification", kind: ColKind::Text, required: false
    },
    Column { key: "exam_year", zh: "考试年度", en: "Exam year", kind: ColKind::Integer, required: false },
];

/// One worker as an export row: ID number and phone in full only when `full`; labels in `lang`.
pub fn worker_row(w: &store::WorkerRow, full: bool, lang: Lang) -> Vec<Cell> {
    vec![
        Cell::Text(w.name.clone()),
        Cell::Text(if full { w.id_number.clone() } else { w.id_masked() }),
        Cell::Text(t(lang, w.gender_key().as_str()).to_string()),
        Cell::Int(i64::from(w.birth_year())),
        Cell::Text(if full { w.phone.clone().unwrap_or_default() } else { w.phone_masked() }),
        Cell::Text(w.unit_name.clone()),
        Cell::Text(t(lang, w.level_key().as_str()).to_string()),
        w.exam_year.map(|y| Cell::Int(i64::from(y))).unwrap_or(Cell::Empty),
    ]
}

/// The workers of a scope, every page of the register.
pub async fn all_workers(db: &Db, scope: &Scope, f: &store::WorkerFilter) -> anyhow::Result<Vec<store::WorkerRow>> {
    let mut p = crate::platform::paging::PageParams { per_page: Some(200), ..Default::default() };
    let mut rows = Vec::new();
    loop {
        let page = store::workers(&db.conn, scope, f, &p).await?;
        let done = !page.has_next();
        rows.extend(page.items);
        if done {
            break;
        }
        p.page = Some(p.page() + 1);
    }
    Ok(rows)
}

/// The register of a scope (and the list's filter): ID numbers and phones in full only for a
/// user who may reveal them; masked on the command line (the export is a file that travels; the
/// full numbers are revealed one record at a time, audited).
pub async fn export_workers(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let rows = all_workers(ctx.db, ctx.scope, &ctx.filter()?).await?;
    let full = ctx.reader.user_can("talent.pii_reveal");
    let cells: Vec<Vec<Cell>> = rows.iter().map(|w| worker_row(w, full, ctx.lang)).collect();
    Ok(Exported { bytes: xlsx::write(WORKER_COLUMNS, &cells)?, rows: rows.len(), full })
}

/// The register: exported only (workers are registered one by one, with their ID checked).
pub static WORKERS: Exchange = Exchange {
    kind: "workers",
    entity: "social_worker",
    columns: WORKER_COLUMNS,
    import: None,
    import_csv: None,
    export: Some(|ctx| Box::pin(export_workers(ctx))),
    export_csv: None,
};

/// Exam results: imported only (the register's qualifications are exported with the workers).
pub static EXAMS: Exchange = Exchange {
    kind: "exams",
    entity: "social_worker",
    columns: COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_exams(ctx, bytes))),
    import_csv: None,
    export: None,
    export_csv: None,
};
