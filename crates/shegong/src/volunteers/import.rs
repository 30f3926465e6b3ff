//! Bulk import of service records from xlsx or CSV through the kit (`volunteer-records`): every
//! row checked (volunteer number known, community inside the importer's scope, service type in
//! use, minutes, persons served, date, campaign reached and its period), one report for the
//! whole file, and only an error-free file written: the records, the summary and one audit row
//! per record in one bulk transaction (`Db::write_bulk`). Files may hold up to
//! [`MAX_RECORD_ROWS`] rows.

use std::collections::HashMap;

use chrono::NaiveDate;

use sea_orm::DbErr;

use crate::platform::audit::{self, Event};
use crate::platform::db::WriteTx;
use crate::platform::i18n::Msg;
use crate::platform::import::{clean_cell, Exchange, ImportCtx, ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, Choice, ColKind, Column, ColumnHelp};
use crate::volunteers::model::{parse_person_times, parse_record_minutes};
use crate::volunteers::store::{self, NewRecord};

/// Rows of one file at most (the kit's general limit is lower; a year of a town's records is
/// larger). The size limits of the kit stay.
pub const MAX_RECORD_ROWS: usize = 200_000;

/// The statuses a file may give its records (empty: pending, for the coordinator to confirm).
pub const STATUS_CHOICES: &[Choice] = &[("pending", "待确认", "Pending"), ("confirmed", "已确认", "Confirmed")];

pub const COLUMNS: &[Column] = &[
    Column { key: "volunteer_no", zh: "志愿者编号", en: "Volunteer number", kind: ColKind::Code, required: true },
    Column { key: "service_date", zh: "服务日期", en: "Date", kind: ColKind::Date, required: true },
    Column { key: "community", zh: "服务社区（村）", en: "Community", kind: ColKind::Text, required: true },
    Column { key: "service_type", zh: "服务类型", en: "Service type", kind: ColKind::Text, required: true },
    Column { key: "minutes", zh: "服务时长（分钟）", en: "Minutes", kind: ColKind::Integer, required: true },
    Column { key: "person_times", zh: "服务人次", en: "Persons served", kind: ColKind::Integer, required: false },
    Column { key: "campaign", zh: "活动编号", en: "Campaign number", kind: ColKind::Integer, required: false },
    Column { key: "status", zh: "状态", en: "Status", kind: ColKind::Enum(STATUS_CHOICES), required: false },
    Column { key: "content", zh: "服务内容", en: "Content", kind: ColKind::Text, required: false },
];

pub const HELP: &[ColumnHelp] = &[
    ("volunteer_no", "志愿者编号（V 开头），不填证件号码", "the volunteer number (V…); never the ID number"),
    (
        "community",
        "服务的社区（村）：路径、代码或唯一的名称，须在您的管辖范围内",
        "the community served: its path, code or unique name, inside your scope",
    ),
    (
        "service_type",
        "服务类型的名称（中文或英文）或代码，须为在用的类型",
        "the service type's name (Chinese or English) or code; an active type",
    ),
    ("minutes", "本次服务的分钟数，1 至 1440", "minutes of this service, 1 to 1440"),
    ("person_times", "服务人次，0 至 100000，可不填", "persons served, 0 to 100,000; may be empty"),
    (
        "campaign",
        "所属招募活动的编号（活动页地址中的数字），可不填；日期须在活动期间内",
        "the campaign's number (in its page address), may be empty; the date must lie in its period",
    ),
    ("status", "不填为待确认", "empty means pending"),
];

/// One row's cells by column key.
struct Row<'a> {
    row: usize,
    cells: &'a [Cell],
}

impl Row<'_> {
    fn cell(&self, key: &str) -> &Cell {
        COLUMNS.iter().position(|c| c.key == key).and_then(|i| self.cells.get(i)).unwrap_or(&Cell::Empty)
    }
    fn text(&self, key: &str) -> String {
        match self.cell(key) {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            _ => String::new(),
        }
    }
    fn int(&self, key: &str) -> Option<i64> {
        match self.cell(key) {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// What the audit row of an imported record holds.
#[derive(serde::Serialize)]
struct ImportedRecord<'a> {
    volunteer: i64,
    date: NaiveDate,
    #[serde(rename = "type")]
    service_type: i64,
    minutes: i32,
    person_times: i32,
    status: &'a str,
}

/// Checks every row and writes the file's records only when no row has a problem.
async fn import_rows(
    ctx: &ImportCtx<'_>,
    mut report: ImportReport,
    rows: Vec<(usize, Vec<Cell>)>,
) -> anyhow::Result<ImportReport> {
    let db = &ctx.db.conn;
    let refs = crate::units::unit_refs(ctx.db, ctx.scope).await?;
    let types = store::service_types(db).await?;
    let campaigns = store::campaign_periods(db, ctx.scope).await?;
    let mut nos: Vec<String> = rows
        .iter()
        .filter_map(|(row, cells)| Some(Row { row: *row, cells }.text("volunteer_no")).filter(|s| !s.is_empty()))
        .collect();
    nos.sort_unstable();
    nos.dedup();
    let volunteers = store::volunteer_ids_by_no(db, &nos).await?;
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut units: HashMap<String, Result<i64, &'static str>> = HashMap::new();
    let mut records = Vec::with_capacity(rows.len());
    for (row, cells) in &rows {
        let r = Row { row: *row, cells };
        let mut problems = Vec::new();
        let no = r.text("volunteer_no");
        let volunteer = volunteers.get(&no).copied();
        if volunteer.is_none() && !no.is_empty() {
            problems.push(RowError::new(r.row, "volunteer_no", "volunteers.error.volunteer_no", no.clone()));
        }
        let community = r.text("community");
        let unit = units
            .entry(community.clone())
            .or_insert_with(|| refs.resolve(&community).map(|u| u.id).map_err(|e| e.key()))
            .to_owned();
        let unit = match unit {
            Ok(u) => Some(u),
            Err(key) => {
                if !community.is_empty() {
                    problems.push(RowError::new(r.row, "community", key, community.clone()));
                }
                None
            }
        };
        let type_text = clean_cell(&r.text("service_type"));
        let service_type = types
            .iter()
            .find(|t| t.name == type_text || t.code == type_text || t.name_en.eq_ignore_ascii_case(&type_text))
            .map(|t| t.id);
        if service_type.is_none() && !type_text.is_empty() {
            problems.push(RowError::new(r.row, "service_type", "volunteers.error.import_type", type_text.clone()));
        }
        let minutes = r.int("minutes").and_then(|m| parse_record_minutes(&m.to_string()));
        if minutes.is_none() && r.int("minutes").is_some() {
            problems.push(RowError::new(r.row, "minutes", "volunteers.error.record_minutes", r.text("minutes")));
        }
        let persons = match r.int("person_times") {
            None => Some(0),
            Some(p) => parse_person_times(&p.to_string()),
        };
        if persons.is_none() {
            problems.push(RowError::new(
                r.row,
                "person_times",
                "volunteers.error.person_times",
                r.text("person_times"),
            ));
        }
        let date = match r.cell("service_date") {
            Cell::Date(d) => Some(*d),
            _ => None,
        };
        if let Some(d) = date.filter(|d| *d > ctx.today || *d < earliest) {
            problems.push(RowError::new(r.row, "service_date", "volunteers.error.import_date", d.to_string()));
        }
        let campaign = r.int("campaign");
        if let Some(k) = campaign {
            match campaigns.get(&k) {
                None => {
                    problems.push(RowError::new(r.row, "campaign", "volunteers.error.import_campaign", k.to_string()))
                }
                Some((from, to)) => {
                    if let Some(d) = date.filter(|d| d < from || d > to) {
                        problems.push(RowError::new(
                            r.row,
                            "service_date",
                            "volunteers.error.outside_period",
                            d.to_string(),
                        ));
                    }
                }
            }
        }
        let content: String = r.text("content");
        if content.chars().count() > 200 {
            problems.push(RowError::new(r.row, "content", "volunteers.error.import_content", ""));
        }
        let status = match r.cell("status") {
            Cell::Enum(code) => *code,
            _ => "pending",
        };
        let ok = problems.is_empty();
        report.extend(problems);
        if let (
            true,
            Some(volunteer_id),
            Some(unit_id),
            Some(service_type_id),
            Some(minutes),
            Some(person_times),
            Some(service_date),
        ) = (ok, volunteer, unit, service_type, minutes, persons, date)
        {
            records.push(NewRecord {
                volunteer_id,
                campaign_id: campaign,
                assignment_id: None,
                unit_id,
                service_date,
                service_type_id,
                minutes,
                person_times,
                source: "import".into(),
                status: status.into(),
                content,
            });
        }
    }
    if !report.committed() || records.len() != rows.len() {
        if report.committed() {
            // A row left out without a problem of its own has a cell problem the kit reported.
            report.add(RowError::new(0, "", "import.error.unreadable", ""));
        }
        return Ok(report);
    }
    let tx = ctx.db.write_bulk().await?;
    match write_records(&tx, ctx, &records).await {
        Ok(()) => tx.commit().await?,
        Err(e) => {
            tx.rollback().await?;
            return Err(e.into());
        }
    }
    report.created = records.len();
    Ok(report)
}

/// Writes the checked records, the summary and one audit row per record, in the import's
/// transaction.
async fn write_records(tx: &WriteTx, ctx: &ImportCtx<'_>, records: &[NewRecord]) -> Result<(), DbErr> {
    let ids = store::insert_records_bulk(&**tx, records, ctx.actor.id).await?;
    let events: Vec<Event> = ids
        .iter()
        .zip(records)
        .map(|(id, r)| {
            Event::new("import", "volunteer_record", *id).unit(r.unit_id).after(&ImportedRecord {
                volunteer: r.volunteer_id,
                date: r.service_date,
                service_type: r.service_type_id,
                minutes: r.minutes,
                person_times: r.person_times,
                status: &r.status,
            })
        })
        .collect();
    audit::record_many(&**tx, ctx.actor, events).await
}

/// Imports an xlsx file.
pub async fn import_xlsx(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read_limited(bytes, COLUMNS, MAX_RECORD_ROWS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport::refused(errors)),
    };
    let report = sheet.report(COLUMNS);
    import_rows(ctx, report, sheet.rows).await
}

/// Imports CSV text (UTF-8; the header names the columns by key, Chinese or English header);
/// every cell is checked as the kit checks an xlsx cell.
pub async fn import_csv(ctx: &ImportCtx<'_>, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let text = std::str::from_utf8(bytes).map_err(|_| Msg::new("import.error.not_utf8"))?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = rdr.headers()?.iter().map(clean_cell).collect();
    let at: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h == c.key || *h == clean_cell(c.zh) || h.eq_ignore_ascii_case(c.en)))
        .collect();
    let missing: Vec<RowError> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|(c, i)| c.required && i.is_none())
        .map(|(c, _)| RowError::new(1, c.zh, "import.error.missing_column", c.zh))
        .collect();
    if !missing.is_empty() {
        return Ok(ImportReport::refused(missing));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2;
        if rows.len() >= MAX_RECORD_ROWS {
            return Ok(ImportReport::refused(vec![RowError::new(
                0,
                "",
                xlsx::KEY_TOO_MANY_ROWS,
                format!("> {MAX_RECORD_ROWS}"),
            )]));
        }
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(error = %e, row, "unreadable CSV row");
                errors.push(RowError::new(row, "", "import.error.unreadable", ""));
                continue;
            }
        };
        if rec.iter().all(|t| t.trim().is_empty()) {
            continue;
        }
        let texts: Vec<&str> = at.iter().map(|i| i.and_then(|i| rec.get(i)).unwrap_or("")).collect();
        let (cells, problems) = xlsx::text_row(row, COLUMNS, &texts);
        errors.extend(problems);
        rows.push((row, cells));
    }
    let report = ImportReport::with_cell_problems(rows.len(), errors, COLUMNS);
    import_rows(ctx, report, rows).await
}

/// `shegong import volunteer-records FILE`, and the upload page.
pub static RECORDS: Exchange = Exchange {
    kind: "volunteer-records",
    entity: "volunteer_record",
    columns: COLUMNS,
    import: Some(|ctx, bytes| Box::pin(import_xlsx(ctx, bytes))),
    import_csv: Some(|ctx, bytes| Box::pin(import_csv(ctx, bytes))),
    export: None,
    export_csv: None,
};
