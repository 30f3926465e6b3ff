//! Import of a plan's activities through the xlsx kit (all or nothing, audited in bulk).

use crate::party::model::ActivityInput;
use crate::party::store;
use crate::platform::audit::{self, Event};
use crate::platform::import::{Exchange, ExportCtx, Exported, ImportCtx, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, ColKind, Column, ColumnHelp};

pub const COLUMNS: &[Column] = &[
    Column { key: "title", zh: "活动名称", en: "Activity", kind: ColKind::Text, required: true },
    Column { key: "held_on", zh: "日期", en: "Date", kind: ColKind::Date, required: true },
    Column { key: "domain", zh: "领域", en: "Domain", kind: ColKind::Text, required: true },
    Column { key: "mode", zh: "方式", en: "Mode", kind: ColKind::Text, required: true },
    Column { key: "unit_path", zh: "单位路径", en: "Unit path", kind: ColKind::Text, required: true },
    Column { key: "participants", zh: "参加人数", en: "Participants", kind: ColKind::Integer, required: false },
    Column {
        key: "party_orgs",
        zh: "参与党组织（名称，分号分隔）",
        en: "Party organisations (names, separated by ;)",
        kind: ColKind::Text,
        required: true,
    },
    Column { key: "organisers", zh: "主办", en: "Organisers", kind: ColKind::Text, required: false },
    Column { key: "plan", zh: "行动计划", en: "Action plan", kind: ColKind::Text, required: false },
    Column { key: "unit_name", zh: "单位名称", en: "Unit name", kind: ColKind::Text, required: false },
];

/// What each column of the activities' file asks for.
pub const HELP: &[ColumnHelp] = &[
    ("domain", "行动计划中的领域名称", "the name of one of the plan's domains"),
    ("mode", "行动计划中的方式名称", "the name of one of the plan's modes"),
    ("unit_path", "所属单位：填写路径（如 /320583/zhoushi/）、代码，或在您的范围内唯一的名称；可用的单位见“单位”工作表", "the unit: its path (e.g. /320583/zhoushi/), its code, or its name when no other unit in your scope has it; the units you may name are on the sheet 单位"),
    ("participants", "参加人数，0 至 1000000", "the number of participants, 0 to 1,000,000"),
    ("party_orgs", "参与党组织的全称，用分号分隔", "full names of the Party organisations taking part, separated by ;"),
    (
        "plan",
        "行动计划名称：在计划页面导入时不读取（导入该计划），命令行导入时必填",
        "the plan's title: not read on a plan's page (the rows go into that plan); required on the command line",
    ),
    ("unit_name", "导出文件写入单位名称，便于阅读；导入时不读取", "exports write the unit's name here for the reader; imports do not read it"),
];

fn text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// Imports activities into a plan: the page's plan (`ctx.parent`), or on the command line the
/// plan each row names by title (column 行动计划). Every row's cells and rules in one report;
/// all or nothing, audited in bulk.
pub async fn import_activities(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let (db, scope) = (ctx.db, ctx.scope);
    let mut report = sheet.report(COLUMNS);
    let plans = store::plans(&db.conn, scope).await?;
    let units = crate::units::unit_refs(db, scope).await?;
    // Domains and modes by plan, loaded once per plan.
    let mut lists: std::collections::HashMap<i64, (Vec<store::Named>, Vec<store::Named>)> =
        std::collections::HashMap::new();
    let mut planned = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let mut errs = Vec::new();
        let plan = match ctx.parent {
            Some(p) => Some(p),
            None => {
                let p = plans.iter().find(|p| p.title == get(8).trim()).map(|p| p.id);
                if p.is_none() {
                    errs.push(RowError::new(row, "plan", "plans.error.plan", get(8)));
                }
                p
            }
        };
        if let Some(p) = plan.filter(|p| !lists.contains_key(p)) {
            lists.insert(p, (store::domains(&db.conn, p).await?, store::modes(&db.conn, p).await?));
        }
        let empty = (Vec::new(), Vec::new());
        let (domains, modes) = plan.and_then(|p| lists.get(&p)).unwrap_or(&empty);
        let title = get(0);
        if title.chars().count() < 2 || title.chars().count() > 200 {
            errs.push(RowError::new(row, "title", "events.error.title", ""));
        }
        let held_on = cells.get(1).and_then(|c| c.date());
        let domain = domains.iter().find(|d| d.name == get(2));
        if domain.is_none() {
            errs.push(RowError::new(row, "domain", "plans.error.domain", get(2)));
        }
        let mode = modes.iter().find(|m| m.name == get(3));
        if mode.is_none() {
            errs.push(RowError::new(row, "mode", "plans.error.mode", get(3)));
        }
        let unit = match units.resolve(&get(4)) {
            Ok(u) => Some(u),
            Err(e) => {
                errs.push(RowError::new(row, "unit_path", e.key(), get(4)));
                None
            }
        };
        let participants = cells.get(5).and_then(|c| c.int()).unwrap_or(0);
        if !(0..=1_000_000).contains(&participants) {
            errs.push(RowError::new(row, "participants", "events.error.attendees", participants.to_string()));
        }
        let names: Vec<String> =
            get(6).split([';', '；']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        let found = store::party_org_ids_by_names(&db.conn, scope, &names).await?;
        for n in &names {
            if !found.iter().any(|(f, _)| f == n) {
                errs.push(RowError::new(row, "party_orgs", "plans.error.party_orgs", n.clone()));
            }
        }
        if names.is_empty() {
            errs.push(RowError::new(row, "party_orgs", "plans.error.party_orgs", ""));
        }
        match (errs.is_empty(), plan, held_on, domain, mode, unit) {
            (true, Some(plan), Some(held_on), Some(d), Some(m), Some(u)) => planned.push((
                plan,
                ActivityInput {
                    title,
                    held_on,
                    domain_id: d.id,
                    mode_id: m.id,
                    organisers: get(7).chars().take(500).collect(),
                    participants: participants as i32,
                    summary: String::new(),
                    unit_id: u.id,
                },
                found.into_iter().map(|(_, id)| id).collect::<Vec<i64>>(),
            )),
            _ => report.extend(errs),
        }
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let mut events = Vec::new();
    for (plan, a, party) in &planned {
        let id = store::insert_activity(&*tx, *plan, a, party, None).await?;
        events.push(
            Event::new("import", "plan_activity", id)
                .unit(a.unit_id)
                .after(&serde_json::json!({"activity": a, "party_orgs": party})),
        );
    }
    report.created = events.len();
    audit::record_many(&*tx, ctx.actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

/// Every activity of the plans in a scope, in the import's columns with the plan's title.
/// The activities of a scope (of one plan when the page names it) as xlsx, in the import's columns.
pub async fn export_activities(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let rows: Vec<Vec<Cell>> = store::activity_export_rows(&ctx.db.conn, ctx.scope, ctx.parent)
        .await?
        .into_iter()
        .map(|(a, names)| {
            vec![
                Cell::Text(a.title),
                Cell::Date(a.held_on),
                Cell::Text(a.domain),
                Cell::Text(a.mode),
                Cell::Text(a.unit_path),
                Cell::Int(i64::from(a.participants)),
                Cell::Text(names.join(";")),
                Cell::Text(a.organisers),
                Cell::Text(a.plan),
                Cell::Text(a.unit_name),
            ]
        })
        .collect();
    Ok(Exported::new(xlsx::write(COLUMNS, &rows)?, rows.len()))
}

/// Plan activities as xlsx, both ways.
pub static ACTIVITIES: Exchange = Exchange {
    kind: "activities",
    entity: "plan_activity",
    columns: COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_activities(ctx, bytes))),
    import_csv: None,
    export: Some(|ctx| Box::pin(export_activities(ctx))),
    export_csv: None,
};
