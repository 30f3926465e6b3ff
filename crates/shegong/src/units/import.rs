//! Import and export of the org-unit tree, as xlsx (through the platform kit) and CSV (for
//! scripts), all-or-nothing with a row report. Columns: parent_path, code, name, name_en,
//! kind, division_code, sort_order. Rows may refer to parents created earlier in the same file.

use std::collections::HashSet;

use crate::platform::access::Scope;
use crate::platform::audit::{self, Event};
use crate::platform::db::Db;
use crate::platform::i18n::Msg;
use crate::platform::import::{clean_cell, Exchange, ExportCtx, Exported, ImportCtx, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, Choice, ColKind, Column, ColumnHelp};
use crate::units::model::{child_path, Unit, UnitForm, UnitInput, UnitKind, UnitRefs};
use crate::units::store;

pub const COLUMNS: [&str; 7] = ["parent_path", "code", "name", "name_en", "kind", "division_code", "sort_order"];

/// Unit kinds with their Chinese labels, for the template's drop-down list.
pub const KIND_OPTIONS: &[Choice] = &[
    ("province", "省", "Province"),
    ("city", "市（县）", "City/county"),
    ("district", "区", "District"),
    ("town", "镇", "Town"),
    ("street", "街道", "Sub-district"),
    ("community", "社区", "Community"),
    ("village", "村", "Village"),
    ("other", "其他", "Other"),
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
    Column { key: "parent_name", zh: "上级单位名称", en: "Parent name", kind: ColKind::Text, required: false },
];

/// What each column of the units' file asks for.
pub const HELP: &[ColumnHelp] = &[
    (
        "parent_path",
        "上级单位：填写路径（如 /320583/）、代码或唯一的名称，也可以是本文件前面各行新建的单位的路径；空表示顶级单位（仅限全市范围）",
        "the parent: its path (e.g. /320583/), code or unique name, or the path of a unit made by a row above; empty makes a top unit (city-wide scope only)",
    ),
    ("code", "代码：小写字母、数字和连字符，在上级单位内唯一", "the code: lower-case letters, digits and hyphens, unique under the parent"),
    ("division_code", "行政区划代码（GB/T 2260），可不填", "the division code (GB/T 2260); may be empty"),
    ("sort_order", "同级单位中的排序，数字小的在前，如 10", "the order among siblings, smaller first, e.g. 10"),
    ("parent_name", "导出文件写入上级单位名称，便于阅读；导入时不读取", "exports write the parent's name here for the reader; imports do not read it"),
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

/// The units an import inside `scope` may name: every active unit, the scope deciding.
pub async fn unit_refs(db: &Db, scope: &Scope) -> anyhow::Result<UnitRefs> {
    Ok(UnitRefs::new(store::all(&db.conn, &Scope::all()).await?, scope.clone()))
}

/// Checks every row (form rules, parent known in the database or earlier in the file and inside
/// the scope, path free), adding the problems to `report` (which may hold the cells' problems
/// already), and writes the units only if the report has no problem, in one transaction, each
/// audited. The parent is named by its path, code or name.
pub async fn import_rows(
    ctx: &ImportCtx<'_>,
    mut report: ImportReport,
    rows: Vec<Row>,
) -> anyhow::Result<ImportReport> {
    let db = ctx.db;
    let refs = unit_refs(db, ctx.scope).await?;
    let mut planned: Vec<(String, UnitInput, Option<String>)> = Vec::new();
    let mut new_paths: HashSet<String> = HashSet::new();
    for Row { row, parent_path, form } in rows {
        let parent_text = parent_path.trim().to_string();
        let parent = if parent_text.is_empty() {
            if !ctx.scope.all {
                report.add(RowError::new(row, "parent_path", "units.error.parent", ""));
            }
            None
        } else {
            match UnitRefs::as_path(&parent_text).filter(|p| new_paths.contains(p)) {
                Some(p) => Some(p),
                None => match refs.resolve(&parent_text) {
                    Ok(u) => Some(u.path.clone()),
                    Err(e) => {
                        report.add(RowError::new(row, "parent_path", e.key(), parent_text.clone()));
                        None
                    }
                },
            }
        };
        let input = match form.validate() {
            Ok(i) => i,
            Err(errs) => {
                for (col, key) in errs {
                    report.add(RowError::new(row, col, key, ""));
                }
                continue;
            }
        };
        let path = child_path(parent.as_deref(), &input.code);
        if new_paths.contains(&path) || store::path_exists(&db.conn, &path, None).await? {
            report.add(RowError::new(row, "code", "units.error.code_taken", path));
            continue;
        }
        // Later rows may hang on this one even when this row has another problem.
        new_paths.insert(path.clone());
        if parent.is_some() || parent_text.is_empty() {
            planned.push((path, input, parent));
        }
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
    audit::record_many(&*tx, ctx.actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

fn form(get: impl Fn(&str) -> String) -> UnitForm {
    UnitForm {
        parent_id: String::new(),
        code: get("code"),
        name: get("name"),
        name_en: get("name_en"),
        kind: get("kind"),
        division_code: get("division_code"),
        sort_order: get("sort_order"),
        version: String::new(),
        nonce: String::new(),
    }
}

/// Imports units from an xlsx file: the kit's cell problems and the rules' problems of every
/// row in one report.
pub async fn import_xlsx(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, XLSX_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let report = sheet.report(XLSX_COLUMNS);
    let rows = sheet
        .rows
        .into_iter()
        .map(|(row, cells)| {
            let get = |key: &str| cell_text(XLSX_COLUMNS.iter().position(|c| c.key == key).and_then(|i| cells.get(i)));
            Row { row, parent_path: get("parent_path"), form: form(get) }
        })
        .collect();
    import_rows(ctx, report, rows).await
}

/// Imports units from CSV text (UTF-8, header row with the column keys).
pub async fn import_csv(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let text = std::str::from_utf8(bytes).map_err(|_| Msg::new("import.error.not_utf8"))?;
    let mut errors = Vec::new();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = rdr.headers()?.iter().map(clean_cell).collect();
    for col in ["code", "name", "kind"] {
        if !headers.iter().any(|h| h == col) {
            errors.push(RowError::new(1, col, "import.error.missing_column", col));
        }
    }
    if !errors.is_empty() {
        return Ok(ImportReport::refused(errors));
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
                errors.push(RowError::new(row, "", "import.error.unreadable", ""));
                continue;
            }
        };
        let cell = |name: &str| idx(name).and_then(|i| rec.get(i)).map(clean_cell).unwrap_or_default();
        rows.push(Row { row, parent_path: cell("parent_path"), form: form(cell) });
    }
    let report = ImportReport::with_cell_problems(rows.len(), errors, &[]);
    import_rows(ctx, report, rows).await
}

fn parent_of(path: &str) -> String {
    path.trim_end_matches('/').rsplit_once('/').map(|(p, _)| format!("{p}/")).filter(|p| p != "/").unwrap_or_default()
}

/// Writes the units of a scope as xlsx (the same columns as the template), in tree order; each
/// parent is named by its path and, for the reader, its name.
pub async fn export_xlsx(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let units = store::all(&ctx.db.conn, ctx.scope).await?;
    let names: std::collections::HashMap<&str, &str> =
        units.iter().map(|u| (u.path.as_str(), u.name.as_str())).collect();
    let rows: Vec<Vec<Cell>> = units
        .iter()
        .map(|u| {
            let kind = KIND_OPTIONS
                .iter()
                .find(|(c, _, _)| *c == u.kind)
                .map(|(c, _, _)| *c)
                .unwrap_or(UnitKind::Other.code());
            let parent = parent_of(&u.path);
            let parent_name = names.get(parent.as_str()).map(|n| Cell::Text(n.to_string())).unwrap_or(Cell::Empty);
            vec![
                Cell::Text(parent),
                Cell::Text(u.code.clone()),
                Cell::Text(u.name.clone()),
                Cell::Text(u.name_en.clone()),
                Cell::Enum(kind),
                u.division_code.clone().map(Cell::Text).unwrap_or(Cell::Empty),
                Cell::Int(i64::from(u.sort_order)),
                parent_name,
            ]
        })
        .collect();
    Ok(Exported::new(xlsx::write(XLSX_COLUMNS, &rows)?, rows.len()))
}

/// Writes the units of a scope as CSV (UTF-8 with BOM so that Excel opens it as UTF-8).
pub async fn export_csv(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(COLUMNS)?;
    let units: Vec<Unit> = store::all(&ctx.db.conn, ctx.scope).await?;
    let rows = units.len();
    for u in units {
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
    Ok(Exported::new(w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?, rows))
}

/// Units as files: xlsx (the template's columns) and CSV (the column keys), both ways.
pub static UNITS: Exchange = Exchange {
    kind: "units",
    entity: "org_unit",
    columns: XLSX_COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_xlsx(ctx, bytes))),
    import_csv: Some(|ctx, bytes| Box::pin(import_csv(ctx, bytes))),
    export: Some(|ctx| Box::pin(export_xlsx(ctx))),
    export_csv: Some(|ctx| Box::pin(export_csv(ctx))),
};
