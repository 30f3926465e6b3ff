//! Service records (coordinators): the list of the records in the caller's communities with its
//! filters, one record with its correction requests, confirming a record (待确认 → 已确认), the
//! decision on a volunteer's correction (an accepted one changes the record and the summary in
//! the same transaction), and the national/provincial export (service hours per volunteer per
//! activity; the full ID number only for holders of the reveal right; audited).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::vault;
use crate::platform::web::{download, form_version, render, render_status, see_other, set_flash, PageCtx, XLSX_TYPE};
use crate::platform::xlsx::{self, Cell, ColKind, Column};
use crate::platform::AppState;
use crate::volunteers::store::{self, CorrectionRow, RecordFilter, RecordRow, ServiceType, RECORD_STATUSES};

pub fn routes() -> Routes {
    Routes::new()
        .get("/volunteers/records", Need::Perm("volunteers.read"), record_list)
        .get("/volunteers/records/export.xlsx", Need::Perm("volunteers.read"), export_xlsx)
        .with("id", &crate::volunteers::RECORD)
        .get("/volunteers/records/{id}", Need::Perm("volunteers.read"), record_detail)
        .post("/volunteers/records/{id}/confirm", Need::Perm("volunteers.write"), record_confirm)
        .with("cid", &crate::volunteers::CORRECTION)
        .post("/volunteers/records/{id}/corrections/{cid}/decide", Need::Perm("volunteers.write"), decide)
}

#[derive(Template)]
#[template(path = "volunteers/records.html")]
struct RecordList {
    c: PageCtx,
    p: PageParams,
    f: RecordFilter,
    page: Page<RecordRow>,
    /// What the listed records add up to.
    totals: store::RecordTotals,
    extra: String,
    types: Vec<ServiceType>,
    units: std::sync::Arc<Vec<crate::units::UnitOption>>,
    statuses: [&'static str; 2],
}

impl RecordList {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn record_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<RecordFilter>,
) -> AppResult<Response> {
    let page = store::records(&st.db.conn, &auth.scope, &f, &p).await?;
    let totals = store::record_totals(&st.db.conn, &auth.scope, &f, p.search()).await?;
    let mut extra = f.query_string();
    if let Some(q) = p.search() {
        extra.push_str(&format!("&{}", serde_urlencoded::to_string([("q", q)]).unwrap_or_default()));
    }
    let types = store::service_types(&st.db.conn).await?;
    let units = crate::units::picker(&st, &auth).await?;
    render(&RecordList { c, p, f, page, totals, extra, types, units, statuses: RECORD_STATUSES })
}

#[derive(Template)]
#[template(path = "volunteers/record.html")]
struct RecordPage {
    c: PageCtx,
    r: RecordRow,
    corrections: Vec<CorrectionRow>,
    /// A refusal of a decision (no reason given).
    error: String,
}

async fn record_page(st: &AppState, c: PageCtx, auth: &Auth, id: i64, error: String) -> AppResult<RecordPage> {
    let r = store::record(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let corrections = store::corrections_of(&st.db.conn, id).await?;
    Ok(RecordPage { c, r, corrections, error })
}

async fn record_detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    render(&record_page(&st, c, &auth, id, String::new()).await?)
}

#[derive(Debug, Deserialize)]
struct VersionForm {
    #[serde(default)]
    version: String,
}

/// The coordinator confirms a pending record.
async fn record_confirm(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let version = form_version(&f.version)?;
    let r = store::record(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    if !store::confirm_record(&*tx, id, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("confirm", "volunteer_record", id)
            .unit(r.unit_id)
            .before(&serde_json::json!({"status": r.status}))
            .after(&serde_json::json!({"status": "confirmed", "volunteer": r.volunteer_no, "minutes": r.minutes})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.record_confirmed")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/volunteers/records/{id}")))
}

#[derive(Debug, Deserialize)]
struct DecideForm {
    #[serde(default)]
    version: String,
    /// `accept` or `refuse`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// The coordinator accepts or refuses a correction request (a refusal says why). Accepting sets
/// the record's minutes and persons served and moves the summary, in one transaction.
async fn decide(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, cid)): Path<(i64, i64)>,
    Form(f): Form<DecideForm>,
) -> AppResult<Response> {
    let version = form_version(&f.version)?;
    let r = store::record(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let k = store::correction(&st.db.conn, id, cid).await?.ok_or(AppError::NotFound)?;
    let accept = match f.decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => return Err(AppError::BadRequest("error.bad_request".into())),
    };
    let note: String = f.note.trim().chars().take(200).collect();
    if !accept && note.chars().count() < 2 {
        let error = c.t("volunteers.error.refuse_reason").to_string();
        let page = record_page(&st, c, &auth, id, error).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if !k.is_open() {
        return Err(AppError::Stale);
    }
    let tx = st.db.write().await?;
    if !store::decide_correction(&*tx, &k, accept, &note, auth.id, version).await? {
        return Err(AppError::Stale);
    }
    let after = if accept {
        serde_json::json!({
            "status": "accepted", "note": note,
            "minutes": k.proposed_minutes.unwrap_or(r.minutes),
            "person_times": k.proposed_person_times.unwrap_or(r.person_times),
        })
    } else {
        serde_json::json!({"status": "rejected", "note": note})
    };
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new(if accept { "accept" } else { "refuse" }, "volunteer_correction", cid)
            .unit(r.unit_id)
            .before(&serde_json::json!({"record": id, "minutes": r.minutes, "person_times": r.person_times}))
            .after(&after),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.correction_decided")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/volunteers/records/{id}")))
}

/// The columns of the national/provincial export.
pub const EXPORT_COLUMNS: &[Column] = &[
    Column { key: "name", zh: "姓名", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "id_type", zh: "证件类型", en: "ID type", kind: ColKind::Text, required: true },
    Column { key: "id_number", zh: "证件号码", en: "ID number", kind: ColKind::Code, required: false },
    Column { key: "volunteer_no", zh: "志愿者编号", en: "Volunteer number", kind: ColKind::Code, required: true },
    Column { key: "activity", zh: "活动名称", en: "Activity", kind: ColKind::Text, required: true },
    Column { key: "service_type", zh: "服务类型", en: "Service type", kind: ColKind::Text, required: true },
    Column { key: "community", zh: "服务社区（村）", en: "Community", kind: ColKind::Text, required: true },
    Column { key: "date", zh: "服务日期", en: "Date", kind: ColKind::Date, required: true },
    Column { key: "hours", zh: "服务时长（小时）", en: "Hours", kind: ColKind::Text, required: true },
    Column { key: "person_times", zh: "服务人次", en: "Persons served", kind: ColKind::Integer, required: false },
];

/// Confirmed service hours per volunteer, activity and day, for the records the caller reaches
/// under the list's filters. The ID number is masked unless the caller holds the reveal right;
/// every export is audited (with whether numbers were revealed).
async fn export_xlsx(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(f): Query<RecordFilter>,
) -> AppResult<Response> {
    let Some(lines) = store::export_lines(&st.db.conn, &auth.scope, &f).await? else {
        return Err(AppError::Conflict("volunteers.error.export_too_large".into()));
    };
    let reveal = auth.can("volunteers.pii_reveal");
    let v = if reveal { Some(vault::vault()?) } else { None };
    let mut rows = Vec::with_capacity(lines.len());
    for l in &lines {
        let id_number = match &v {
            Some(v) => v.open("id", &l.id_cipher)?,
            None => l.id_masked.clone(),
        };
        rows.push(vec![
            Cell::Text(l.name.clone()),
            Cell::Text(c.t(&format!("volunteers.id_type.{}", l.id_type)).to_string()),
            Cell::Text(id_number),
            Cell::Text(l.volunteer_no.clone()),
            Cell::Text(l.campaign_title.clone().unwrap_or_else(|| l.type_name.clone())),
            Cell::Text(l.type_name.clone()),
            Cell::Text(l.unit_name.clone()),
            Cell::Date(l.service_date),
            Cell::Text(crate::volunteers::hours_text(l.minutes)),
            Cell::Int(l.person_times),
        ]);
    }
    let bytes = tokio::task::spawn_blocking(move || xlsx::write(EXPORT_COLUMNS, &rows))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("export", "volunteer_record", "national").unit(auth.unit_id).after(&serde_json::json!({
            "rows": lines.len(), "id_numbers": if reveal { "full" } else { "masked" }, "filter": f.query_string(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(download(
        bytes,
        &crate::platform::download::FileName::export_of_user(
            &c,
            "volunteer-hours",
            crate::platform::period::this_year(),
            c.t("volunteers.export_name"),
            "xlsx",
        ),
        XLSX_TYPE,
    )
    .into_response())
}
