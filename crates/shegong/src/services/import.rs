//! Excel import and export of projects and payments through the xlsx kit. Imports are all or
//! nothing per file: every row is checked first (payments cumulatively, against the contract and
//! the rows above them), and only an error-free file is written, in one audited transaction.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::platform::audit::{self, Event};
use crate::platform::i18n::t;
use crate::platform::import::{Exchange, ExportCtx, Exported, ImportCtx, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, Choice, ColKind, Column};
use crate::services::model::{self, check_payment, PaymentInput, ProjectInput};
use crate::services::store::{self, ProjectRow};

pub const PROJECT_COLUMNS: &[Column] = &[
    Column { key: "unit", zh: "购买单位", en: "Buying station", kind: ColKind::Text, required: true },
    Column { key: "year", zh: "年度", en: "Year", kind: ColKind::Integer, required: true },
    Column { key: "title", zh: "项目名称", en: "Project", kind: ColKind::Text, required: true },
    Column {
        key: "category",
        zh: "服务类别（代码或名称）",
        en: "Category (code or name)",
        kind: ColKind::Text,
        required: true,
    },
    Column { key: "amount", zh: "合同金额（元）", en: "Amount (yuan)", kind: ColKind::Money, required: true },
    Column { key: "starts_on", zh: "开始日期", en: "Start", kind: ColKind::Date, required: true },
    Column { key: "ends_on", zh: "结束日期", en: "End", kind: ColKind::Date, required: true },
    Column {
        key: "agency_code",
        zh: "承接机构统一社会信用代码",
        en: "Agency credit code",
        kind: ColKind::Code,
        required: false,
    },
    Column { key: "contract_no", zh: "合同编号", en: "Contract number", kind: ColKind::Code, required: false },
    Column { key: "signed_on", zh: "签约日期", en: "Signed on", kind: ColKind::Date, required: false },
    Column { key: "description", zh: "项目简介", en: "Description", kind: ColKind::Text, required: false },
];

/// The export adds what the workflow produced.
pub const PROJECT_EXPORT_COLUMNS: &[Column] = &[
    Column { key: "unit", zh: "购买单位", en: "Buying station", kind: ColKind::Text, required: true },
    Column { key: "year", zh: "年度", en: "Year", kind: ColKind::Integer, required: true },
    Column { key: "title", zh: "项目名称", en: "Project", kind: ColKind::Text, required: true },
    Column {
        key: "category",
        zh: "服务类别（代码或名称）",
        en: "Category (code or name)",
        kind: ColKind::Text,
        required: true,
    },
    Column { key: "amount", zh: "合同金额（元）", en: "Amount (yuan)", kind: ColKind::Money, required: true },
    Column { key: "starts_on", zh: "开始日期", en: "Start", kind: ColKind::Date, required: true },
    Column { key: "ends_on", zh: "结束日期", en: "End", kind: ColKind::Date, required: true },
    Column { key: "agency", zh: "承接机构", en: "Agency", kind: ColKind::Text, required: false },
    Column { key: "contract_no", zh: "合同编号", en: "Contract number", kind: ColKind::Code, required: false },
    Column { key: "status", zh: "状态", en: "Status", kind: ColKind::Text, required: true },
    Column { key: "paid", zh: "已支付（元）", en: "Paid (yuan)", kind: ColKind::Money, required: true },
];

pub const PAYMENT_KIND_OPTIONS: &[Choice] =
    &[("instalment", "进度款", "Instalment"), ("final", "尾款", "Final payment")];

pub const PAYMENT_COLUMNS: &[Column] = &[
    Column { key: "contract_no", zh: "合同编号", en: "Contract number", kind: ColKind::Code, required: true },
    Column { key: "kind", zh: "款项类型", en: "Kind", kind: ColKind::Enum(PAYMENT_KIND_OPTIONS), required: true },
    Column { key: "paid_on", zh: "支付日期", en: "Paid on", kind: ColKind::Date, required: true },
    Column { key: "amount", zh: "金额（元）", en: "Amount (yuan)", kind: ColKind::Money, required: true },
    Column { key: "voucher_ref", zh: "凭证号", en: "Voucher", kind: ColKind::Code, required: true },
    Column { key: "note", zh: "备注", en: "Note", kind: ColKind::Text, required: false },
];

fn text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// What one project row becomes: the plan, and the signing when the row carries one.
struct PlannedProject {
    input: ProjectInput,
    signing: Option<(i64, String, NaiveDate)>,
}

pub async fn import_projects(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, PROJECT_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let (db, actor, scope, today) = (ctx.db, ctx.actor, ctx.scope, ctx.today);
    let mut report = sheet.report(PROJECT_COLUMNS);
    let c = &db.conn;
    let buyers = store::buyer_units(c, scope).await?;
    let this_year: i32 = today.format("%Y").to_string().parse().unwrap_or(2100);
    let mut seen_contracts: HashMap<String, usize> = HashMap::new();
    let mut planned = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let mut errs = Vec::new();
        let unit_text = get(0);
        let unit = buyers.iter().find(|b| b.name == unit_text.trim());
        if unit.is_none() {
            errs.push(RowError::new(row, "unit", "services.error.unit", unit_text.clone()));
        }
        let year = cells.get(1).and_then(|c| c.int()).map(|y| y as i32).filter(|y| (2000..=this_year + 1).contains(y));
        if year.is_none() {
            errs.push(RowError::new(row, "year", "services.error.year", get(1)));
        }
        let title = get(2).trim().to_string();
        if title.chars().count() < 4 || title.chars().count() > 100 {
            errs.push(RowError::new(row, "title", "services.error.title", ""));
        }
        let category = match year {
            Some(y) => store::category_by_code_or_name(c, y, get(3).trim()).await?,
            None => None,
        };
        if category.is_none() && year.is_some() {
            errs.push(RowError::new(row, "category", "services.error.category_year", get(3)));
        }
        let amount = cells.get(4).and_then(|c| c.amount()).filter(|a| a.is_positive());
        if amount.is_none() {
            errs.push(RowError::new(row, "amount", "services.error.amount", ""));
        }
        let starts_on = cells.get(5).and_then(|c| c.date());
        let ends_on = cells.get(6).and_then(|c| c.date());
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errs.push(RowError::new(row, "ends_on", "services.error.period", ""));
            }
        }
        let agency_code = get(7).trim().to_uppercase();
        let contract_text = get(8);
        let signed_on = cells.get(9).and_then(|c| c.date());
        let given = [!agency_code.is_empty(), !contract_text.trim().is_empty(), signed_on.is_some()];
        let mut signing = None;
        if given.iter().any(|g| *g) {
            if !given.iter().all(|g| *g) {
                errs.push(RowError::new(row, "contract_no", "services.error.import_sign_partial", ""));
            } else {
                // A code that is not a valid credit code names no organisation.
                let agency = match cncodes::CreditCode::parse(&agency_code) {
                    Ok(code) => store::agency_by_code(c, &code).await?,
                    Err(_) => None,
                };
                let agency_id = match agency {
                    Some((id, true)) => Some(id),
                    _ => {
                        errs.push(RowError::new(row, "agency_code", "services.error.agency", agency_code.clone()));
                        None
                    }
                };
                let contract_no = model::parse_contract_no(&contract_text);
                match &contract_no {
                    None => errs.push(RowError::new(
                        row,
                        "contract_no",
                        "services.error.contract_no",
                        contract_text.clone(),
                    )),
                    Some(no) => {
                        if let Some(first) = seen_contracts.get(no) {
                            errs.push(RowError::new(
                                row,
                                "contract_no",
                                "services.error.contract_in_file",
                                first.to_string(),
                            ));
                        } else if store::contract_no_taken(c, no, None).await? {
                            errs.push(RowError::new(row, "contract_no", "services.error.contract_taken", no.clone()));
                        }
                        seen_contracts.entry(no.clone()).or_insert(row);
                    }
                }
                if signed_on.is_some_and(|d| d > today) {
                    errs.push(RowError::new(row, "signed_on", "services.error.past_date", ""));
                }
                if let (Some(a), Some(no), Some(on)) = (agency_id, contract_no, signed_on) {
                    signing = Some((a, no, on));
                }
            }
        }
        match (unit, year, category, amount, starts_on, ends_on) {
            (Some(u), Some(year), Some(k), Some(amount_fen), Some(starts_on), Some(ends_on)) if errs.is_empty() => {
                planned.push(PlannedProject {
                    input: ProjectInput {
                        unit_id: u.id,
                        year,
                        title,
                        category_id: k.id,
                        amount_fen,
                        starts_on,
                        ends_on,
                        description: get(10).chars().take(2000).collect(),
                    },
                    signing,
                })
            }
            _ => report.extend(errs),
        }
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let mut events = Vec::new();
    for p in &planned {
        let id = store::insert_project(&*tx, &p.input, "initiated", actor.id).await?;
        store::insert_transition(&*tx, id, None, "initiated", "导入 / import", actor.id, &actor.name, today).await?;
        if let Some((agency_id, contract_no, signed_on)) = &p.signing {
            store::set_status(&*tx, id, "initiated", "procurement", 1).await?;
            store::insert_transition(
                &*tx,
                id,
                Some("initiated"),
                "procurement",
                "导入 / import",
                actor.id,
                &actor.name,
                *signed_on,
            )
            .await?;
            let s = model::SignInput {
                agency_id: *agency_id,
                contract_no: contract_no.clone(),
                amount_fen: p.input.amount_fen,
                signed_on: *signed_on,
            };
            store::sign(&*tx, id, &s, 2).await?;
            store::insert_transition(
                &*tx,
                id,
                Some("procurement"),
                "contracted",
                contract_no,
                actor.id,
                &actor.name,
                *signed_on,
            )
            .await?;
        }
        events.push(
            Event::new("import", "project", id)
                .unit(p.input.unit_id)
                .after(&serde_json::json!({"project": p.input, "signing": p.signing})),
        );
    }
    report.created = events.len();
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    db.analyze(&["projects", "project_transitions"]).await?;
    Ok(report)
}

pub async fn import_payments(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, PAYMENT_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let (db, actor, scope, today) = (ctx.db, ctx.actor, ctx.scope, ctx.today);
    let mut report = sheet.report(PAYMENT_COLUMNS);
    let c = &db.conn;
    // The facts of each project as the rows above change them.
    let mut projects: HashMap<String, (ProjectRow, model::ProjectFacts)> = HashMap::new();
    let mut vouchers: HashMap<String, usize> = HashMap::new();
    let mut planned: Vec<(i64, i64, PaymentInput)> = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let mut errs = Vec::new();
        let contract = model::parse_contract_no(&get(0));
        let kind = cells.get(1).and_then(|c| c.code());
        let paid_on = cells.get(2).and_then(|c| c.date()).filter(|d| *d <= today);
        if paid_on.is_none() {
            errs.push(RowError::new(row, "paid_on", "services.error.past_date", ""));
        }
        let amount = cells.get(3).and_then(|c| c.amount()).filter(|a| a.is_positive());
        if amount.is_none() {
            errs.push(RowError::new(row, "amount", "services.error.amount", ""));
        }
        let voucher = crate::platform::import::clean_cell(&get(4));
        if voucher.is_empty() || voucher.chars().count() > 50 {
            errs.push(RowError::new(row, "voucher_ref", "services.error.voucher", ""));
        } else if let Some(first) = vouchers.get(&voucher) {
            errs.push(RowError::new(row, "voucher_ref", "services.error.voucher_in_file", first.to_string()));
        } else {
            vouchers.insert(voucher.clone(), row);
        }
        let Some(no) = contract else {
            errs.push(RowError::new(row, "contract_no", "services.error.contract_unknown", get(0)));
            report.extend(errs);
            continue;
        };
        if !projects.contains_key(&no) {
            match store::project_by_contract(c, scope, &no).await? {
                Some(p) if scope.contains_path(&p.unit_path) => {
                    let facts = store::facts(c, p.id).await?.unwrap_or_default();
                    projects.insert(no.clone(), (p, facts));
                }
                _ => {
                    errs.push(RowError::new(row, "contract_no", "services.error.contract_unknown", no.clone()));
                    report.extend(errs);
                    continue;
                }
            }
        }
        let Some((p, facts)) = projects.get_mut(&no) else { continue };
        if let (Some(kind), Some(paid_on), Some(amount_fen)) = (kind, paid_on, amount) {
            match check_payment(facts, kind, paid_on, amount_fen) {
                Err(r) => {
                    let detail = r.args.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>().join(", ");
                    errs.push(RowError::new(row, "amount", r.key, detail));
                }
                Ok(()) if errs.is_empty() => {
                    facts.after_payment(kind, amount_fen);
                    planned.push((
                        p.id,
                        p.unit_id,
                        PaymentInput {
                            kind: kind.to_string(),
                            paid_on,
                            amount_fen,
                            voucher_ref: voucher.clone(),
                            note: get(5).chars().take(500).collect(),
                        },
                    ));
                }
                Ok(()) => {}
            }
        }
        report.extend(errs);
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let mut events = Vec::new();
    for (project, unit, input) in &planned {
        store::lock_project(&*tx, *project).await?;
        let id = store::insert_payment(&*tx, *project, input, actor.id).await?;
        events.push(
            Event::new("import", "project_payment", id)
                .unit(*unit)
                .after(&serde_json::json!({"project": project, "payment": input})),
        );
    }
    // Re-checked inside the transaction: another writer may have paid since the rows were read.
    for no in projects.keys() {
        if let Some((p, _)) = projects.get(no) {
            let f = store::facts(&*tx, p.id).await?.unwrap_or_default();
            if f.paid_fen > f.amount_fen {
                drop(tx);
                report.add(RowError::new(0, "amount", "services.error.overpay", no.clone()));
                report.created = 0;
                return Ok(report);
            }
        }
    }
    report.created = events.len();
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    db.analyze(&["project_payments"]).await?;
    Ok(report)
}

pub fn project_row(p: &ProjectRow, status: &str) -> Vec<Cell> {
    vec![
        Cell::Text(p.unit_name.clone()),
        Cell::Int(i64::from(p.year)),
        Cell::Text(p.title.clone()),
        Cell::Text(p.category_name.clone()),
        Cell::Fen(p.amount_fen.fen()),
        Cell::Date(p.starts_on),
        Cell::Date(p.ends_on),
        Cell::Text(p.agency().to_string()),
        Cell::Text(p.contract().to_string()),
        Cell::Text(status.to_string()),
        Cell::Fen(p.paid_fen.fen()),
    ]
}

pub fn payment_row(p: &ProjectRow, pay: &store::PaymentRow) -> Vec<Cell> {
    vec![
        Cell::Text(p.contract().to_string()),
        Cell::Enum(if pay.kind == "final" { "final" } else { "instalment" }),
        Cell::Date(pay.paid_on),
        Cell::Fen(pay.amount_fen.fen()),
        Cell::Text(pay.voucher_ref.clone()),
        Cell::Text(pay.note.clone()),
    ]
}

/// Every project of a scope in the export's columns (statuses in Chinese, the platform's language).
pub async fn export_projects(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let rows = store::projects_all(&ctx.db.conn, ctx.scope, &ctx.filter()?).await?;
    let cells: Vec<Vec<Cell>> =
        rows.iter().map(|p| project_row(p, t(ctx.lang, &format!("services.status.{}", p.status)))).collect();
    Ok(Exported::new(xlsx::write(PROJECT_EXPORT_COLUMNS, &cells)?, rows.len()))
}

/// Every payment of the projects of a scope, in the import's columns.
pub async fn export_payments(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let mut cells = Vec::new();
    for p in &store::projects_all(&ctx.db.conn, ctx.scope, &ctx.filter()?).await? {
        for pay in store::payments(&ctx.db.conn, p.id).await? {
            cells.push(payment_row(p, &pay));
        }
    }
    let rows = cells.len();
    Ok(Exported::new(xlsx::write(PAYMENT_COLUMNS, &cells)?, rows))
}

/// Projects: imported as planned (and signed) projects; exported with what the workflow produced.
pub static PROJECTS: Exchange = Exchange {
    kind: "projects",
    entity: "project",
    columns: PROJECT_COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_projects(ctx, bytes))),
    import_csv: None,
    export: Some(|ctx| Box::pin(export_projects(ctx))),
    export_csv: None,
};

/// Payments of signed projects, both ways.
pub static PAYMENTS: Exchange = Exchange {
    kind: "payments",
    entity: "project_payment",
    columns: PAYMENT_COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_payments(ctx, bytes))),
    import_csv: None,
    export: Some(|ctx| Box::pin(export_payments(ctx))),
    export_csv: None,
};
