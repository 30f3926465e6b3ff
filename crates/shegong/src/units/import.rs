//! Import and export of the org-unit tree as CSV (columns: parent_path, code, name, name_en,
//! kind, division_code, sort_order), all-or-nothing with a row report.

use std::collections::HashSet;

use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::platform::import::{clean_cell, ImportReport, RowError};
use crate::units::model::{child_path, UnitCode, UnitForm};
use crate::units::store;

pub const COLUMNS: [&str; 7] = [
    "parent_path",
    "code",
    "name",
    "name_en",
    "kind",
    "division_code",
    "sort_order",
];

/// Imports units from CSV text. Rows may refer to parents created earlier in the same file.
pub async fn import_csv(db: &Db, actor: &Actor, text: &str) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = rdr.headers()?.iter().map(clean_cell).collect();
    for col in COLUMNS.iter().take(5) {
        if !headers.iter().any(|h| h == col) {
            report
                .errors
                .push(RowError::new(1, col, "import.error.missing_column", *col));
        }
    }
    if !report.committed() {
        return Ok(report);
    }
    let idx = |name: &str| headers.iter().position(|h| h == name);
    let mut planned: Vec<(
        String,
        crate::units::model::UnitInput,
        String,
        Option<String>,
    )> = Vec::new();
    let mut new_paths: HashSet<String> = HashSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                report.errors.push(RowError::new(
                    row,
                    "",
                    "import.error.unreadable",
                    e.to_string(),
                ));
                continue;
            }
        };
        report.rows += 1;
        let cell = |name: &str| {
            idx(name)
                .and_then(|i| rec.get(i))
                .map(clean_cell)
                .unwrap_or_default()
        };
        let form = UnitForm {
            parent_id: String::new(),
            code: cell("code"),
            name: cell("name"),
            name_en: cell("name_en"),
            kind: cell("kind"),
            division_code: cell("division_code"),
            sort_order: cell("sort_order"),
            version: String::new(),
        };
        let parent_path = cell("parent_path");
        let input = match form.validate() {
            Ok(i) => i,
            Err(errs) => {
                for (col, key) in errs {
                    report.errors.push(RowError::new(row, col, key, ""));
                }
                continue;
            }
        };
        let parent = if parent_path.is_empty() {
            None
        } else {
            Some(parent_path.clone())
        };
        if let Some(pp) = &parent {
            if !new_paths.contains(pp) && store::get_by_path(&db.conn, pp).await?.is_none() {
                report.errors.push(RowError::new(
                    row,
                    "parent_path",
                    "units.error.parent",
                    pp.clone(),
                ));
                continue;
            }
        }
        let Ok(code) = UnitCode::parse(&input.code) else {
            continue;
        };
        let path = child_path(parent.as_deref(), &code);
        if new_paths.contains(&path) || store::path_exists(&db.conn, &path, None).await? {
            report
                .errors
                .push(RowError::new(row, "code", "units.error.code_taken", path));
            continue;
        }
        new_paths.insert(path.clone());
        planned.push((path, input, parent_path, parent));
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    for (path, mut input, _, parent) in planned {
        let (parent_id, depth) = match parent {
            Some(pp) => {
                let p = store::get_by_path(&*tx, &pp)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("parent vanished: {pp}"))?;
                (Some(p.id), p.depth + 1)
            }
            None => (None, 0),
        };
        input.parent_id = parent_id;
        let id = store::insert(&*tx, &input, &path, depth).await?;
        audit::record(
            &*tx,
            actor,
            Event::new("import", "org_unit", id).unit(id).after(&input),
        )
        .await?;
        report.created += 1;
    }
    tx.commit().await?;
    Ok(report)
}

/// Writes every unit as CSV (UTF-8 with BOM so that Excel opens it as UTF-8).
pub async fn export_csv(db: &Db) -> anyhow::Result<Vec<u8>> {
    let scope = crate::platform::access::Scope::all();
    let all = store::options(&db.conn, &scope).await?;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(COLUMNS)?;
    for o in all {
        let Some(u) = store::get(&db.conn, o.id).await? else {
            continue;
        };
        let parent = u
            .path
            .trim_end_matches('/')
            .rsplit_once('/')
            .map(|(p, _)| format!("{p}/"))
            .filter(|p| p != "/")
            .unwrap_or_default();
        w.write_record([
            parent.as_str(),
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

/// `shegong import KIND FILE`.
pub async fn run_cli(db: &Db, kind: &str, file: &str) -> anyhow::Result<i32> {
    match kind {
        "units" => {
            let bytes = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("无法读取 / cannot read {file}: {e}"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("文件不是 UTF-8 编码 / the file is not UTF-8"))?;
            let report = import_csv(db, &Actor::system("cli"), &text).await?;
            println!("{}", report.to_text());
            Ok(if report.committed() { 0 } else { 1 })
        }
        other => {
            eprintln!("未知类型 / unknown kind: {other} (units)");
            Ok(2)
        }
    }
}

/// `shegong export KIND FILE`.
pub async fn export_cli(db: &Db, kind: &str, file: &str) -> anyhow::Result<i32> {
    let bytes = match kind {
        "units" => export_csv(db).await?,
        other => {
            eprintln!("未知类型 / unknown kind: {other} (units)");
            return Ok(2);
        }
    };
    std::fs::write(file, bytes)
        .map_err(|e| anyhow::anyhow!("无法写入 / cannot write {file}: {e}"))?;
    println!("已导出 / exported {kind} → {file}");
    Ok(0)
}
