//! Import of a plan's activities through the xlsx kit (all or nothing, audited in bulk).

use crate::party::model::ActivityInput;
use crate::party::store;
use crate::platform::access::Scope;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::platform::import::{ImportReport, RowError};
use crate::platform::xlsx::{self, Cell, ColKind, Column};

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
];

fn text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

pub async fn import_activities(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    plan: i64,
    bytes: &[u8],
) -> anyhow::Result<ImportReport> {
    let sheet = match xlsx::read(bytes, COLUMNS) {
        Ok(s) => s,
        Err(errors) => return Ok(ImportReport { rows: 0, created: 0, errors }),
    };
    let mut report = ImportReport { rows: sheet.rows.len(), ..ImportReport::default() };
    let domains = store::domains(&db.conn, plan).await?;
    let modes = store::modes(&db.conn, plan).await?;
    let units = crate::units::options(&db.conn, scope).await?;
    let mut planned = Vec::new();
    for (row, cells) in sheet.rows {
        let get = |i: usize| text(cells.get(i));
        let mut errs = Vec::new();
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
        let path = match get(4).trim().trim_matches('/') {
            "" => String::new(),
            p => format!("/{p}/"),
        };
        let unit = units.iter().find(|u| u.path == path);
        if unit.is_none() {
            errs.push(RowError::new(row, "unit_path", "orgs.error.unit", path.clone()));
        }
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
        match (errs.is_empty(), held_on, domain, mode, unit) {
            (true, Some(held_on), Some(d), Some(m), Some(u)) => planned.push((
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
            _ => report.errors.extend(errs),
        }
    }
    if !report.committed() {
        return Ok(report);
    }
    let tx = db.write().await?;
    let mut events = Vec::new();
    for (a, party) in &planned {
        let id = store::insert_activity(&*tx, plan, a, party, None).await?;
        events.push(
            Event::new("import", "plan_activity", id)
                .unit(a.unit_id)
                .after(&serde_json::json!({"activity": a, "party_orgs": party})),
        );
    }
    report.created = events.len();
    audit::record_many(&*tx, actor, events).await?;
    tx.commit().await?;
    Ok(report)
}
