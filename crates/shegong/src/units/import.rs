//! Import and export of the org-unit tree, as xlsx (through the platform kit) and CSV (for
//! scripts), all-or-nothing with a row report. Columns: parent_path, code, name, name_en,
//! kind, division_code, sort_order. Rows may refer to parents created earlier in the same file.

use std::collections::HashSet;

use crate::platform::access::Scope;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::platform::import::{clean_cell, BoxFut, Exchange, Format, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, ColKind, Column};
use crate::units::model::{child_path, UnitForm, UnitInput, UnitKind};
use crate::units::store;

pub const COLUMNS: [&str; 7] = ["parent_path", "code", "name", "name_en", "kind", "division_code", "sort_order"];

/// Unit kinds with their Chinese labels, for the template's drop-down list.
pub const KIND_OPTIONS: &[(&str, &str)] = &[
    ("province", "省"),
    ("city", "市（县）"),
    ("district", "区"),
    ("town", "镇"),
    ("street", "街道"),
    ("community", "社区"),
    ("village", "村"),
    ("other", "其他"),
];

/// The columns of the xlsx template, import and export.
pub const XLSX_COLUMNS: &[Column] = &[
    Column { key: "parent_path", zh: "上级路径", en: "Parent path", kind: ColKind::Text, required: false },
    Column { key: "code", zh: "代码", en: "Code", kind: ColKind::Text, required: true },
    Column { key: "name", zh: "名称", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "name_en", zh: "英文名称", en: "English name", kind: ColKind::Text, required: false },
    Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(KIND_OPTIONS), required: true },
    Column {
        key: "division_code", zh: "行政区划代码", en: "Division code", kind: ColKind::Code, required: false
    },
    Column { key: "sort_order", zh: "排序", en: "Order", kind: ColKind::Integer, required: false },
];

/// One row to import: its spreadsheet row number, the parent's path and the unit form.
pub struct Row {
    pub row: usize,
    pub parent_path: String,
    pub form: UnitForm,
}

fn cell_text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(i)) => i.to_string(),
        Some(Cell::Enum(code)) => code.to_string(),
        _ => String::new(),
    }
}

/// Validates every row (form rules, parent known in the database or earlier in the file, path
/// free) and writes the units only if no row has a problem, in one transaction, each audited.
/// Units are created under parents inside `scope`.
pub async fn import_rows(db: &Db, actor: &Actor, scope: &Scope, rows: Vec<Row>) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport { rows: rows.len(), ..ImportReport::default() };
    let mut planned: Vec<(String, UnitInput, Option<String>)> = Vec::new();
    let mut new_paths: HashSet<String> = HashSet::new();
    for Row { row, parent_path, form } in rows {
        let input = match form.validate() {
            Ok(i) => i,
            Err(errs) => {
                for (col, key) in errs {
                    report.errors.push(RowError::new(row, col, key, ""));
                }
                continue;
            }
        };
        // `/320583/zhoushi`, `320583/zhoushi/` and `/320583/zhoushi/` name the same unit.
        let parent_path = match parent_path.trim().trim_matches('/') {
            "" => String::new(),
            p => format!("/{p}/"),
        };
        let parent = if parent_path.is_empty() { None } else { Some(parent_path.clone()) };
        match &parent {
            Some(pp) => {
                let in_file = new_paths.contains(pp);
                let in_db = if in_file { None } else { store::get_by_path(&db.conn, pp).await? };
                if !in_file && in_db.as_ref().is_none_or(|u| !scope.contains_path(&u.path)) {
                    report.errors.push(RowError::new(row, "parent_path", "units.error.parent", pp.clone()));
                    continue;
                }
            }
            None if !scope.all => {
                report.errors.push(RowError::new(row, "parent_path", "units.error.parent", ""));
                continue;
            }
            None => {}
        }
        let path = child_path(parent.as_deref(), &input.code);
        if new_paths.contains(&path) || store::path_exists(&db.conn, &path, None).await? {
            report.errors.push(RowError::new(row, "code", "units.error.code_taken", path));
            continue;
        }
        new_paths.insert(path.clone());
        planned.push((path, input, parent));
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let mut created = Vec::with_capacity(planned.len());
    for (path, mut input, parent) in planned {
        let (parent_id, depth) = match parent {
            Some(pp) => {
                let p = store::get_by_path(&*tx, &pp).await?.ok_or_else(|| anyhow::anyhow!("parent vanished: {pp}"))?;
                (Some(p.id), p.depth + 1)
            }
            None => (None, 0),
        };
        input.parent_id = parent_id;
        let id = store::insert(&*tx, &input, &path, depth).await?;
        created.push((id, input));
    }
    report.created = created.len();
    let events =
        created.iter().map(|(id, input)| Event::new("import", "org_unit", id).unit(*id).after(input)).collect();
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

/// Imports units from an xlsx file (the platform kit checks type, size and every cell first).
pub async fn import_xlsx(db: &Db, actor: &Actor, scope: &Scope, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, XLSX_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport { rows: 0, created: 0, errors }),
    };
    let rows = sheet
        .rows
        .into_iter()
        .map(|(row, cells)| {
            let get = |i: usize| cell_text(cells.get(i));
            Row {
                row,
                parent_path: get(0),
                form: UnitForm {
                    parent_id: String::new(),
                    code: get(1),
                    name: get(2),
                    name_en: get(3),
                    kind: get(4),
                    division_code: get(5),
                    sort_order: get(6),
                    version: String::new(),
                    nonce: String::new(),
                },
            }
        })
        .collect();
    import_rows(db, actor, scope, rows).await
}

/// Imports units from CSV text (UTF-8, header row with the column keys).
pub async fn import_csv(db: &Db, actor: &Actor, text: &str) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = rdr.headers()?.iter().map(clean_cell).collect();
    for col in ["code", "name", "kind"] {
        if !headers.iter().any(|h| h == col) {
            report.errors.push(RowError::new(1, col, "import.error.missing_column", col));
        }
    }
    if !report.committed() {
        return Ok(report);
    }
    let idx = |name: &str| headers.iter().position(|h| h == name);
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                // The csv crate's reason is English and technical: logged; the row is named.
                tracing::debug!(error = %e, row, "unreadable CSV row");
                report.errors.push(RowError::new(row, "", "import.error.unreadable", ""));
                continue;
            }
        };
        let cell = |name: &str| idx(name).and_then(|i| rec.get(i)).map(clean_cell).unwrap_or_default();
        rows.push(Row {
            row,
            parent_path: cell("parent_path"),
            form: UnitForm {
                parent_id: String::new(),
                code: cell("code"),
                name: cell("name"),
                name_en: cell("name_en"),
                kind: cell("kind"),
                division_code: cell("division_code"),
                sort_order: cell("sort_order"),
                version: String::new(),
                nonce: String::new(),
            },
        });
    }
    if !report.committed() {
        return Ok(report);
    }
    import_rows(db, actor, &Scope::all(), rows).await
}

fn parent_of(path: &str) -> String {
    path.trim_end_matches('/').rsplit_once('/').map(|(p, _)| format!("{p}/")).filter(|p| p != "/").unwrap_or_default()
}

/// The units of a scope as spreadsheet rows, in tree order.
async fn export_rows(db: &Db, scope: &Scope) -> anyhow::Result<Vec<crate::units::model::Unit>> {
    let mut out = Vec::new();
    for o in store::options(&db.conn, scope).await? {
        if let Some(u) = store::get(&db.conn, o.id).await? {
            out.push(u);
        }
    }
    Ok(out)
}

/// Writes the units of a scope as xlsx (the same columns as the template).
pub async fn export_xlsx(db: &Db, scope: &Scope) -> anyhow::Result<Vec<u8>> {
    let rows: Vec<Vec<Cell>> = export_rows(db, scope)
        .await?
        .into_iter()
        .map(|u| {
            let kind =
                KIND_OPTIONS.iter().find(|(c, _)| *c == u.kind).map(|(c, _)| *c).unwrap_or(UnitKind::Other.code());
            vec![
                Cell::Text(parent_of(&u.path)),
                Cell::Text(u.code),
                Cell::Text(u.name),
                Cell::Text(u.name_en),
                Cell::Enum(kind),
                u.division_code.map(Cell::Text).unwrap_or(Cell::Empty),
                Cell::Int(i64::from(u.sort_order)),
            ]
        })
        .collect();
    xlsx::write(XLSX_COLUMNS, &rows)
}

/// Writes every unit as CSV (UTF-8 with BOM so that Excel opens it as UTF-8).
pub async fn export_csv(db: &Db) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(COLUMNS)?;
    for u in export_rows(db, &Scope::all()).await? {
        w.write_record([
            parent_of(&u.path).as_str(),
            &u.code,
            &u.name,
            &u.name_en,
            &u.kind,
            u.division_code.as_deref().unwrap_or(""),
            &u.sort_order.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))
}

/// Units as files: xlsx (the template's columns) and CSV (the column keys), both ways.
pub static UNITS: Exchange =
    Exchange { kind: "units", columns: XLSX_COLUMNS, import: Some(import_any), export: Some(export_any) };

fn import_any<'a>(
    db: &'a Db,
    actor: &'a Actor,
    scope: &'a Scope,
    format: Format,
    bytes: &'a [u8],
) -> BoxFut<'a, ImportReport> {
    Box::pin(async move {
        match format {
            Format::Xlsx => import_xlsx(db, actor, scope, bytes).await,
            Format::Csv => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| crate::platform::i18n::Msg::new("import.error.not_utf8"))?;
                import_csv(db, actor, &text).await
            }
        }
    })
}

fn export_any<'a>(db: &'a Db, scope: &'a Scope, format: Format) -> BoxFut<'a, Vec<u8>> {
    Box::pin(async move {
        match format {
            Format::Xlsx => export_xlsx(db, scope).await,
            Format::Csv => export_csv(db).await,
        }
    })
}
