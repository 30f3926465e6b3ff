//! Import and export of the registry as xlsx through the platform kit.

use std::collections::{HashMap, HashSet};

use crate::orgs::model::{division_matches, OrgForm};
use crate::orgs::store::{self, BulkOrg};
use crate::platform::access::Scope;
use crate::platform::audit::{self, Event};
use crate::platform::import::{Exchange, ExportCtx, Exported, ImportCtx, ImportReport, Reader, RowError};
use crate::platform::xlsx::{self, Cell, Choice, ColKind, Column, ColumnHelp};

pub const TYPE_OPTIONS: &[Choice] = &[
    ("social_group", "社会团体", "Social group"),
    ("service_institution", "社会服务机构", "Social service institution"),
    ("foundation", "基金会", "Foundation"),
];
pub const STATUS_OPTIONS: &[Choice] =
    &[("normal", "正常", "Normal"), ("deregistered", "注销", "Deregistered"), ("revoked", "撤销", "Revoked")];
pub const GRADE_OPTIONS: &[Choice] =
    &[("1A", "1A", "1A"), ("2A", "2A", "2A"), ("3A", "3A", "3A"), ("4A", "4A", "4A"), ("5A", "5A", "5A")];

pub const XLSX_COLUMNS: &[Column] = &[
    Column {
        key: "credit_code", zh: "统一社会信用代码", en: "Credit code", kind: ColKind::Code, required: true
    },
    Column { key: "name", zh: "名称", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "org_type", zh: "类型", en: "Type", kind: ColKind::Enum(TYPE_OPTIONS), required: true },
    Column { key: "unit_path", zh: "所属单位路径", en: "Unit path", kind: ColKind::Text, required: true },
    Column {
        key: "department", zh: "业务主管单位", en: "Competent department", kind: ColKind::Text, required: false
    },
    Column { key: "registered_on", zh: "登记日期", en: "Registered on", kind: ColKind::Date, required: true },
    Column { key: "status", zh: "状态", en: "Status", kind: ColKind::Enum(STATUS_OPTIONS), required: false },
    Column { key: "grade", zh: "评估等级", en: "Grade", kind: ColKind::Enum(GRADE_OPTIONS), required: false },
    Column { key: "grade_year", zh: "评估年度", en: "Grade year", kind: ColKind::Integer, required: false },
    Column { key: "address", zh: "住所", en: "Address", kind: ColKind::Text, required: false },
    Column {
        key: "legal_rep", zh: "法定代表人", en: "Legal representative", kind: ColKind::Text, required: false
    },
    Column { key: "contact_phone", zh: "联系电话", en: "Contact phone", kind: ColKind::Code, required: false },
    Column {
        key: "is_agency", zh: "社工机构", en: "Social-work agency", kind: ColKind::Enum(YES_NO), required: false
    },
    Column { key: "status_on", zh: "状态日期", en: "Status date", kind: ColKind::Date, required: false },
    Column { key: "unit_name", zh: "所属单位名称", en: "Unit name", kind: ColKind::Text, required: false },
];

/// What each column of the organisations' file asks for (the template's instructions sheet).
pub const HELP: &[ColumnHelp] = &[
    ("credit_code", "18位统一社会信用代码（民政部门登记）", "the 18-character unified social credit code (registered by civil affairs)"),
    ("name", "登记名称，在登记管理机关内唯一", "the registered name, unique in the register"),
    ("org_type", "登记类型", "the type of registration"),
    ("unit_path", "所属单位：填写路径（如 /320583/zhoushi/）、代码，或在您的范围内唯一的名称；可用的单位见“单位”工作表", "the unit: its path (e.g. /320583/zhoushi/), its code, or its name when no other unit in your scope has it; the units you may name are on the sheet 单位"),
    ("department", "业务主管单位的名称或代码；可不填", "the competent department's name or code; may be empty"),
    ("registered_on", "登记日期，不晚于今天", "the date of registration, not after today"),
    ("status", "不填即为正常；注销或撤销须同时填写状态日期", "empty means normal; deregistered or revoked needs the status date"),
    ("grade", "评估等级；可不填", "the evaluation grade; may be empty"),
    ("grade_year", "评估等级的年度，如 2022", "the year of the grade, e.g. 2022"),
    ("contact_phone", "手机或座机号码", "a mobile or landline number"),
    ("is_agency", "是否社工机构；只有社会服务机构可以是", "whether it is a social-work agency; only a social service institution can be"),
    ("status_on", "注销或撤销的日期", "the date of deregistration or revocation"),
    ("unit_name", "导出文件写入单位名称，便于阅读；导入时不读取", "exports write the unit's name here for the reader; imports do not read it"),
];

/// What each column of the Party organisations' file asks for.
pub const PARTY_HELP: &[ColumnHelp] = &[
    ("name", "党组织全称", "the Party organisation's full name"),
    ("unit_path", "所属单位：填写路径（如 /320583/zhoushi/）、代码，或在您的范围内唯一的名称；可用的单位见“单位”工作表", "the unit: its path (e.g. /320583/zhoushi/), its code, or its name when no other unit in your scope has it; the units you may name are on the sheet 单位"),
    ("members", "党员人数，3 至 10000", "the number of Party members, 3 to 10,000"),
    ("established_on", "成立日期，不晚于今天", "the date it was set up, not after today"),
    (
        "credit_codes",
        "所覆盖组织的统一社会信用代码，用分号分隔：单独组建的覆盖1个组织，联合党支部覆盖2个以上，组织须在该单位内、已登记且状态正常",
        "credit codes of the organisations covered, separated by ;: an own Party organisation covers one, a joint branch two or more, each registered, normal and inside the unit",
    ),
    ("in_action_plan", "是否参加五争五引领", "whether it takes part in the action plan"),
    ("unit_name", "导出文件写入单位名称，便于阅读；导入时不读取", "exports write the unit's name here for the reader; imports do not read it"),
];

/// What each column of the departments' file asks for.
pub const DEPARTMENT_HELP: &[ColumnHelp] = &[
    (
        "code",
        "代码：小写字母、数字和连字符，2 至 32 个字符，不可重复",
        "the code: lower-case letters, digits and hyphens, 2 to 32 characters, unique",
    ),
    ("name", "名称，2 至 100 个字", "the name, 2 to 100 characters"),
    ("on_committee", "是否党建联席会成员；不填为是", "whether it sits on the committee; empty means yes"),
    ("active", "是否启用；不填为是", "whether it is in use; empty means yes"),
];

fn text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(i)) => i.to_string(),
        Some(Cell::Enum(code)) => code.to_string(),
        Some(Cell::Date(d)) => d.to_string(),
        _ => String::new(),
    }
}

/// Maps a form field of [`OrgForm`] to the import column it comes from.
fn column_of(field: &str) -> &str {
    match field {
        "unit_id" => "unit_path",
        "department_id" => "department",
        other => other,
    }
}

/// Imports organisations from xlsx: every row is checked — the credit code (check character,
/// type, civil-affairs authority, division inside the unit), the unit (by path, code or name,
/// inside the caller's scope), the department, dates, grade, phone, a status other than normal
/// with its date, and uniqueness against the registry and the rest of the file — and the
/// file is written only when no row (cells or rules) has a problem, in one transaction with one
/// audit row per organisation.
pub async fn import_xlsx(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, XLSX_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let db = ctx.db;
    let today = ctx.today;
    let mut report = sheet.report(XLSX_COLUMNS);
    // Everything the rules need, loaded once.
    let units = crate::units::unit_refs(db, ctx.scope).await?;
    let departments = store::departments(&db.conn).await?;
    let existing = store::list_all(
        &db.conn,
        &Scope::all(),
        &store::OrgFilter::default(),
        &crate::platform::paging::PageParams::default(),
    )
    .await?;
    let mut codes: HashSet<String> = existing.iter().map(|o| o.credit_code.clone()).collect();
    let mut names: HashSet<String> = existing.iter().map(|o| o.name.clone()).collect();
    let mut inputs = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let dept_text = get(4);
        let department_id = if dept_text.trim().is_empty() {
            Some(None)
        } else {
            departments.iter().find(|d| d.name == dept_text.trim() || d.code == dept_text.trim()).map(|d| Some(d.id))
        };
        let mut row_errors = Vec::new();
        if department_id.is_none() {
            row_errors.push(RowError::new(row, "department", "orgs.error.department", dept_text.clone()));
        }
        let status = match get(6).as_str() {
            "" => "normal".to_string(),
            s => s.to_string(),
        };
        let status_on = cells.get(13).and_then(Cell::date);
        let registered_on = cells.get(5).and_then(Cell::date);
        if status != "normal" && status_on.is_none_or(|d| d > today || registered_on.is_some_and(|r| d < r)) {
            row_errors.push(RowError::new(row, "status_on", "orgs.error.status_on", ""));
        }
        let unit_text = get(3);
        let unit = match units.resolve(&unit_text) {
            Ok(u) => Some(u),
            Err(e) => {
                row_errors.push(RowError::new(row, "unit_path", e.key(), unit_text.clone()));
                None
            }
        };
        let form = OrgForm {
            credit_code: get(0),
            name: get(1),
            org_type: get(2),
            department_id: department_id.flatten().map(|d| d.to_string()).unwrap_or_default(),
            unit_id: unit.map(|u| u.id.to_string()).unwrap_or_else(|| "0".into()),
            registered_on: get(5),
            grade: get(7),
            grade_year: get(8),
            address: get(9),
            legal_rep: get(10),
            contact_phone: get(11),
            is_agency: get(12),
            ..OrgForm::default()
        };
        match form.validate(today) {
            Err(errs) => {
                for (field, key, detail) in errs {
                    // The unit's problem is said above, in the unit's own words.
                    if field != "unit_id" || unit.is_some() {
                        row_errors.push(RowError::new(row, column_of(field), key, detail));
                    }
                }
            }
            Ok(input) => {
                if let Some(u) = unit {
                    if !division_matches(&input.credit_code, &units.division_chain(&u.path)) {
                        row_errors.push(RowError::new(
                            row,
                            "credit_code",
                            "orgs.error.division",
                            input.credit_code.division().to_string(),
                        ));
                    }
                }
                if !codes.insert(input.credit_code.to_string()) {
                    row_errors.push(RowError::new(
                        row,
                        "credit_code",
                        "orgs.error.code_taken",
                        input.credit_code.to_string(),
                    ));
                }
                if !names.insert(input.name.clone()) {
                    row_errors.push(RowError::new(row, "name", "orgs.error.name_taken", input.name.clone()));
                }
                if row_errors.is_empty() {
                    let on = status_on.filter(|_| status != "normal");
                    inputs.push((input, status, on));
                }
            }
        }
        report.extend(row_errors);
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let bulk: Vec<BulkOrg> =
        inputs.iter().map(|(i, status, on)| BulkOrg { input: i, status: status.as_str(), status_on: *on }).collect();
    let ids = store::insert_many(&*tx, &bulk).await?;
    let events: Vec<Event> = inputs
        .iter()
        .filter_map(|(i, _, _)| {
            ids.get(i.credit_code.as_str()).map(|id| Event::new("import", "organisation", id).unit(i.unit_id).after(i))
        })
        .collect();
    report.created = events.len();
    audit::record_many(&*tx, ctx.actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

/// Organisations as files: xlsx both ways.
pub static ORGS: Exchange = Exchange {
    kind: "orgs",
    entity: "organisation",
    columns: XLSX_COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_xlsx(ctx, bytes))),
    import_csv: None,
    export: Some(|ctx| Box::pin(export_xlsx(ctx))),
    export_csv: None,
};

/// The organisations of a scope (and the list's filter and search) as xlsx; phones in full for
/// the command line's operator and for users who may reveal them, masked for others.
pub async fn export_xlsx(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let (f, p): (store::OrgFilter, crate::platform::paging::PageParams) = (ctx.filter()?, ctx.filter()?);
    let rows = store::list_all(&ctx.db.conn, ctx.scope, &f, &p).await?;
    let full = matches!(ctx.reader, Reader::Operator) || ctx.reader.user_can("orgs.contact_reveal");
    let cells: Vec<Vec<Cell>> = rows.iter().map(|o| export_row(o, full)).collect();
    Ok(Exported { bytes: xlsx::write(XLSX_COLUMNS, &cells)?, rows: rows.len(), full })
}

/// One organisation as a spreadsheet row; the phone is masked unless `full`.
pub fn export_row(o: &store::OrgRow, full: bool) -> Vec<Cell> {
    let phone = if full { o.contact_phone.clone().unwrap_or_default() } else { o.phone_masked() };
    vec![
        Cell::Text(o.credit_code.clone()),
        Cell::Text(o.name.clone()),
        Cell::Enum(
            TYPE_OPTIONS.iter().find(|(c, _, _)| *c == o.org_type).map(|(c, _, _)| *c).unwrap_or("social_group"),
        ),
        Cell::Text(o.unit_path.clone()),
        Cell::Text(o.department_name.clone().unwrap_or_default()),
        Cell::Date(o.registered_on),
        Cell::Enum(STATUS_OPTIONS.iter().find(|(c, _, _)| *c == o.status).map(|(c, _, _)| *c).unwrap_or("normal")),
        o.grade
            .as_ref()
            .and_then(|g| GRADE_OPTIONS.iter().find(|(c, _, _)| c == g))
            .map(|(c, _, _)| Cell::Enum(c))
            .unwrap_or(Cell::Empty),
        o.grade_year.map(|y| Cell::Int(i64::from(y))).unwrap_or(Cell::Empty),
        Cell::Text(o.address.clone()),
        Cell::Text(o.legal_rep.clone()),
        Cell::Text(phone),
        Cell::Enum(if o.is_agency { "yes" } else { "no" }),
        o.status_on.filter(|_| o.status != "normal").map(Cell::Date).unwrap_or(Cell::Empty),
        Cell::Text(o.unit_name.clone()),
    ]
}

pub const PARTY_KIND_OPTIONS: &[Choice] = &[
    ("committee", "党委", "Party committee"),
    ("general_branch", "党总支", "General Party branch"),
    ("branch", "党支部", "Party branch"),
    ("joint_branch", "联合党支部", "Joint Party branch"),
];
pub const YES_NO: &[Choice] = &[("yes", "是", "Yes"), ("no", "否", "No")];

/// Columns of the Party-organisation import.
pub const PARTY_COLUMNS: &[Column] = &[
    Column { key: "name", zh: "党组织名称", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(PARTY_KIND_OPTIONS), required: true },
    Column { key: "unit_path", zh: "所属单位路径", en: "Unit path", kind: ColKind::Text, required: true },
    Column { key: "members", zh: "党员人数", en: "Members", kind: ColKind::Integer, required: true },
    Column { key: "secretary", zh: "书记", en: "Secretary", kind: ColKind::Text, required: false },
    Column { key: "established_on", zh: "成立日期", en: "Established", kind: ColKind::Date, required: true },
    Column {
        key: "credit_codes",
        zh: "覆盖组织信用代码（分号分隔）",
        en: "Credit codes covered (separated by ;)",
        kind: ColKind::Text,
        required: true,
    },
    Column {
        key: "in_action_plan",
        zh: "参加五争五引领",
        en: "In the action plan",
        kind: ColKind::Enum(YES_NO),
        required: false,
    },
    Column { key: "unit_name", zh: "所属单位名称", en: "Unit name", kind: ColKind::Text, required: false },
];

/// Imports Party organisations: own ones cover exactly one organisation, joint branches two or
/// more, all registered, normal, inside the unit and registered before the Party organisation
/// was set up. All or nothing, audited in bulk.
pub async fn import_party_xlsx(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, PARTY_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let (db, scope, today) = (ctx.db, ctx.scope, ctx.today);
    let mut report = sheet.report(PARTY_COLUMNS);
    let orgs = store::list_all(
        &db.conn,
        scope,
        &store::OrgFilter { status: "normal".into(), ..Default::default() },
        &crate::platform::paging::PageParams::default(),
    )
    .await?;
    let by_code: HashMap<&str, &store::OrgRow> = orgs.iter().map(|o| (o.credit_code.as_str(), o)).collect();
    let units = crate::units::unit_refs(db, scope).await?;
    let mut planned = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let mut errs = Vec::new();
        let name = get(0);
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errs.push(RowError::new(row, "name", "party.error.name", ""));
        }
        let kind = get(1);
        let unit = match units.resolve(&get(2)) {
            Ok(u) => Some(u),
            Err(e) => {
                errs.push(RowError::new(row, "unit_path", e.key(), get(2)));
                None
            }
        };
        let members = cells.get(3).and_then(|c| c.int()).unwrap_or(0);
        if !(3..=10_000).contains(&members) {
            errs.push(RowError::new(row, "members", "party.error.members", members.to_string()));
        }
        let established = cells.get(5).and_then(|c| c.date()).filter(|d| *d <= today);
        if established.is_none() {
            errs.push(RowError::new(row, "established_on", "party.error.established_on", ""));
        }
        let mut covered = Vec::new();
        for code in get(6)
            .split(|ch: char| ch == ';' || ch == '；' || ch == ',' || ch.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            match by_code.get(code.trim().to_uppercase().as_str()) {
                Some(o)
                    if unit.is_none_or(|u| o.unit_path.starts_with(&u.path))
                        && established.is_none_or(|d| o.registered_on <= d) =>
                {
                    covered.push(o.id)
                }
                _ => errs.push(RowError::new(row, "credit_codes", "party.error.code", code.to_string())),
            }
        }
        let joint = kind == "joint_branch";
        if (joint && covered.len() < 2) || (!joint && covered.len() != 1) {
            errs.push(RowError::new(
                row,
                "credit_codes",
                if joint { "party.error.joint_size" } else { "party.error.own_one" },
                "",
            ));
        }
        match (errs.is_empty(), unit, established) {
            (true, Some(u), Some(d)) => {
                planned.push((name, kind, u.id, members as i32, get(4), d, get(7) == "yes", covered))
            }
            _ => report.extend(errs),
        }
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let mut events = Vec::new();
    for (name, kind, unit, members, secretary, established, in_plan, covered) in &planned {
        let id = store::insert_party_org(&*tx, *unit, name, kind, *members, secretary, *established, *in_plan, covered)
            .await?;
        events.push(
            Event::new("import", "party_org", id)
                .unit(*unit)
                .after(&serde_json::json!({"name": name, "kind": kind, "members": members, "organisations": covered})),
        );
    }
    report.created = events.len();
    audit::record_many(&*tx, ctx.actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

/// The Party organisations of a scope in the import's columns (the organisations they cover
/// by credit code), so that the file imports back.
pub async fn export_party_xlsx(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let rows: Vec<Vec<Cell>> = store::party_export_rows(&ctx.db.conn, ctx.scope)
        .await?
        .into_iter()
        .map(|p| {
            vec![
                Cell::Text(p.name),
                PARTY_KIND_OPTIONS
                    .iter()
                    .find(|(c, _, _)| *c == p.kind)
                    .map(|(c, _, _)| Cell::Enum(c))
                    .unwrap_or(Cell::Empty),
                Cell::Text(p.unit_path),
                Cell::Int(i64::from(p.members)),
                Cell::Text(p.secretary),
                Cell::Date(p.established_on),
                Cell::Text(p.credit_codes.join(";")),
                Cell::Enum(if p.in_action_plan { "yes" } else { "no" }),
                Cell::Text(p.unit_name),
            ]
        })
        .collect();
    Ok(Exported::new(xlsx::write(PARTY_COLUMNS, &rows)?, rows.len()))
}

/// Party organisations as xlsx, both ways.
pub static PARTY_ORGS: Exchange = Exchange {
    kind: "party-orgs",
    entity: "party_org",
    columns: PARTY_COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_party_xlsx(ctx, bytes))),
    import_csv: None,
    export: Some(|ctx| Box::pin(export_party_xlsx(ctx))),
    export_csv: None,
};

pub const DEPARTMENT_COLUMNS: &[Column] = &[
    Column { key: "code", zh: "代码", en: "Code", kind: ColKind::Text, required: true },
    Column { key: "name", zh: "名称", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "name_en", zh: "英文名称", en: "English name", kind: ColKind::Text, required: false },
    Column { key: "lead", zh: "牵头部门", en: "Lead department", kind: ColKind::Enum(YES_NO), required: false },
    Column {
        key: "on_committee",
        zh: "党建联席会成员",
        en: "On the committee",
        kind: ColKind::Enum(YES_NO),
        required: false,
    },
    Column { key: "active", zh: "启用", en: "Active", kind: ColKind::Enum(YES_NO), required: false },
];

/// Imports competent departments (new codes only; the rules of the department form), all or
/// nothing, audited in bulk.
pub async fn import_departments(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, DEPARTMENT_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let mut report = sheet.report(DEPARTMENT_COLUMNS);
    let existing = store::all_departments(&ctx.db.conn).await?;
    let mut codes: HashSet<String> = existing.iter().map(|d| d.code.clone()).collect();
    let mut planned = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let code = get(0).trim().to_ascii_lowercase();
        let name = get(1).trim().to_string();
        let mut errs = Vec::new();
        if let Err(key) = crate::orgs::model::check_department(&code, &name) {
            errs.push(RowError::new(row, if key.ends_with("name") { "name" } else { "code" }, key, ""));
        } else if !codes.insert(code.clone()) {
            errs.push(RowError::new(row, "code", "departments.error.code_taken", code.clone()));
        }
        let yes = |i: usize, default: bool| match get(i).as_str() {
            "" => default,
            v => v == "yes",
        };
        if errs.is_empty() {
            planned.push((code, name, get(2).trim().to_string(), yes(3, false), yes(4, true), yes(5, true)));
        }
        report.extend(errs);
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = ctx.db.write().await?;
    let mut events = Vec::new();
    let first = existing.len() as i32;
    for (i, (code, name, name_en, lead, on_committee, active)) in planned.iter().enumerate() {
        let id = store::insert_department(&*tx, code, name, name_en, *lead, first + i as i32).await?;
        if !*on_committee || !*active {
            store::update_department(&*tx, id, name, name_en, *lead, *on_committee, *active, 1).await?;
        }
        events.push(Event::new("import", "department", id).after(&serde_json::json!({
            "code": code, "name": name, "lead": lead, "on_committee": on_committee, "active": active
        })));
    }
    report.created = events.len();
    audit::record_many(&*tx, ctx.actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

/// Every competent department as xlsx, in the list's order.
pub async fn export_departments(ctx: &ExportCtx<'_>) -> anyhow::Result<Exported> {
    let yes = |b: bool| Cell::Enum(if b { "yes" } else { "no" });
    let rows: Vec<Vec<Cell>> = store::all_departments(&ctx.db.conn)
        .await?
        .into_iter()
        .map(|d| {
            vec![
                Cell::Text(d.code),
                Cell::Text(d.name),
                Cell::Text(d.name_en),
                yes(d.lead),
                yes(d.on_committee),
                yes(d.active),
            ]
        })
        .collect();
    Ok(Exported::new(xlsx::write(DEPARTMENT_COLUMNS, &rows)?, rows.len()))
}

/// Competent departments as xlsx, both ways (the list is city-wide).
pub static DEPARTMENTS: Exchange = Exchange {
    kind: "departments",
    entity: "department",
    columns: DEPARTMENT_COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_departments(ctx, bytes))),
    import_csv: None,
    export: Some(|ctx| Box::pin(export_departments(ctx))),
    export_csv: None,
};
