//! Import and export of the registry as xlsx through the platform kit.

use std::collections::{HashMap, HashSet};

use crate::orgs::model::{division_matches, OrgForm};
use crate::orgs::store::{self, BulkOrg};
use crate::platform::access::Scope;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::platform::import::{unsupported_format, BoxFut, Exchange, Format, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, ColKind, Column};

pub const TYPE_OPTIONS: &[(&str, &str)] =
    &[("social_group", "社会团体"), ("service_institution", "社会服务机构"), ("foundation", "基金会")];
pub const STATUS_OPTIONS: &[(&str, &str)] = &[("normal", "正常"), ("deregistered", "注销"), ("revoked", "撤销")];
pub const GRADE_OPTIONS: &[(&str, &str)] = &[("1A", "1A"), ("2A", "2A"), ("3A", "3A"), ("4A", "4A"), ("5A", "5A")];

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

/// Imports organisations (all normal status) from xlsx: every row is checked — the credit code
/// (check character, type, civil-affairs authority, division inside the unit), the unit (inside
/// the caller's scope), the department, dates, grade, phone, and uniqueness against the registry
/// and the rest of the file — and the file is written only when no row has a problem, in one
/// transaction with one audit row per organisation.
pub async fn import_xlsx(db: &Db, actor: &Actor, scope: &Scope, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, XLSX_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport { rows: 0, created: 0, errors }),
    };
    let today = crate::platform::time::today();
    let mut report = ImportReport { rows: sheet.rows.len(), ..ImportReport::default() };
    // Everything the rules need, loaded once.
    let units = crate::units::options(&db.conn, &Scope::all()).await?;
    let mut divisions: HashMap<String, Option<String>> = HashMap::new();
    let mut unit_ids: HashMap<String, i64> = HashMap::new();
    for u in &units {
        unit_ids.insert(u.path.clone(), u.id);
    }
    for u in &units {
        if let Some(full) = crate::units::get(&db.conn, u.id).await? {
            divisions.insert(full.path.clone(), full.division_code);
        }
    }
    let chain = |path: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut p = path.to_string();
        loop {
            if let Some(Some(d)) = divisions.get(&p) {
                out.push(d.clone());
            }
            let trimmed = p.trim_end_matches('/');
            match trimmed.rfind('/') {
                Some(0) | None => break,
                Some(i) => p = format!("{}/", &trimmed[..i]),
            }
        }
        out
    };
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
        let unit_path = match get(3).trim().trim_matches('/') {
            "" => String::new(),
            p => format!("/{p}/"),
        };
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
        let status = get(6);
        if !status.is_empty() && status != "normal" {
            row_errors.push(RowError::new(row, "status", "orgs.error.normal_only", ""));
        }
        let unit_id = unit_ids.get(&unit_path).copied().filter(|_| scope.contains_path(&unit_path));
        if unit_id.is_none() {
            row_errors.push(RowError::new(row, "unit_path", "orgs.error.unit", unit_path.clone()));
        }
        let form = OrgForm {
            credit_code: get(0),
            name: get(1),
            org_type: get(2),
            department_id: department_id.flatten().map(|d| d.to_string()).unwrap_or_default(),
            unit_id: unit_id.map(|u| u.to_string()).unwrap_or_else(|| "0".into()),
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
                    row_errors.push(RowError::new(row, column_of(field), key, detail));
                }
            }
            Ok(input) => {
                if unit_id.is_some() && !division_matches(&input.credit_code, &chain(&unit_path)) {
                    row_errors.push(RowError::new(
                        row,
                        "credit_code",
                        "orgs.error.division",
                        input.credit_code.division().to_string(),
                    ));
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
                    inputs.push(input);
                }
            }
        }
        report.errors.extend(row_errors);
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let bulk: Vec<BulkOrg> = inputs.iter().map(|i| BulkOrg { input: i, status: "normal", status_on: None }).collect();
    let ids = store::insert_many(&*tx, &bulk).await?;
    let events: Vec<Event> = inputs
        .iter()
        .filter_map(|i| {
            ids.get(i.credit_code.as_str()).map(|id| Event::new("import", "organisation", id).unit(i.unit_id).after(i))
        })
        .collect();
    report.created = events.len();
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    Ok(report)
}

/// Organisations as files: xlsx both ways.
pub static ORGS: Exchange =
    Exchange { kind: "orgs", columns: XLSX_COLUMNS, import: Some(import_any), export: Some(export_any) };

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
            Format::Csv => Err(unsupported_format("orgs", format)),
        }
    })
}

fn export_any<'a>(db: &'a Db, scope: &'a Scope, format: Format) -> BoxFut<'a, Vec<u8>> {
    Box::pin(async move {
        match format {
            Format::Xlsx => export_all_xlsx(db, scope).await,
            Format::Csv => Err(unsupported_format("orgs", format)),
        }
    })
}

/// Every organisation of a scope as xlsx (command line: an operator's export, phones in full).
pub async fn export_all_xlsx(db: &Db, scope: &Scope) -> anyhow::Result<Vec<u8>> {
    let rows =
        store::list_all(&db.conn, scope, &store::OrgFilter::default(), &crate::platform::paging::PageParams::default())
            .await?;
    let cells: Vec<Vec<Cell>> = rows.iter().map(|o| export_row(o, true)).collect();
    xlsx::write(XLSX_COLUMNS, &cells)
}

/// One organisation as a spreadsheet row; the phone is masked unless `full`.
pub fn export_row(o: &store::OrgRow, full: bool) -> Vec<Cell> {
    let phone = if full { o.contact_phone.clone().unwrap_or_default() } else { o.phone_masked() };
    vec![
        Cell::Text(o.credit_code.clone()),
        Cell::Text(o.name.clone()),
        Cell::Enum(TYPE_OPTIONS.iter().find(|(c, _)| *c == o.org_type).map(|(c, _)| *c).unwrap_or("social_group")),
        Cell::Text(o.unit_path.clone()),
        Cell::Text(o.department_name.clone().unwrap_or_default()),
        Cell::Date(o.registered_on),
        Cell::Enum(STATUS_OPTIONS.iter().find(|(c, _)| *c == o.status).map(|(c, _)| *c).unwrap_or("normal")),
        o.grade
            .as_ref()
            .and_then(|g| GRADE_OPTIONS.iter().find(|(c, _)| c == g))
            .map(|(c, _)| Cell::Enum(c))
            .unwrap_or(Cell::Empty),
        o.grade_year.map(|y| Cell::Int(i64::from(y))).unwrap_or(Cell::Empty),
        Cell::Text(o.address.clone()),
        Cell::Text(o.legal_rep.clone()),
        Cell::Text(phone),
        Cell::Enum(if o.is_agency { "yes" } else { "no" }),
    ]
}

pub const PARTY_KIND_OPTIONS: &[(&str, &str)] =
    &[("committee", "党委"), ("general_branch", "党总支"), ("branch", "党支部"), ("joint_branch", "联合党支部")];
pub const YES_NO: &[(&str, &str)] = &[("yes", "是"), ("no", "否")];

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
];

/// Imports Party organisations: own ones cover exactly one organisation, joint branches two or
/// more, all registered, normal, inside the unit and registered before the Party organisation
/// was set up. All or nothing, audited in bulk.
pub async fn import_party_xlsx(db: &Db, actor: &Actor, scope: &Scope, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, PARTY_COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport { rows: 0, created: 0, errors }),
    };
    let today = crate::platform::time::today();
    let mut report = ImportReport { rows: sheet.rows.len(), ..ImportReport::default() };
    let orgs = store::list_all(
        &db.conn,
        scope,
        &store::OrgFilter { status: "normal".into(), ..Default::default() },
        &crate::platform::paging::PageParams::default(),
    )
    .await?;
    let by_code: HashMap<&str, &store::OrgRow> = orgs.iter().map(|o| (o.credit_code.as_str(), o)).collect();
    let units = crate::units::options(&db.conn, scope).await?;
    let mut planned = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let mut errs = Vec::new();
        let name = get(0);
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errs.push(RowError::new(row, "name", "party.error.name", ""));
        }
        let kind = get(1);
        let path = match get(2).trim().trim_matches('/') {
            "" => String::new(),
            p => format!("/{p}/"),
        };
        let unit = units.iter().find(|u| u.path == path);
        if unit.is_none() {
            errs.push(RowError::new(row, "unit_path", "orgs.error.unit", path.clone()));
        }
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
                    if unit.is_some_and(|u| o.unit_path.starts_with(&u.path))
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
            _ => report.errors.extend(errs),
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
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    Ok(report)
}
