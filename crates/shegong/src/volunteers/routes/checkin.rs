//! Check-in: each shift has a printable page with a QR code (`/volunteers/shifts/{id}/qr`) that
//! opens `/checkin/{code}` on a phone, where an assigned volunteer checks in and out with phone
//! and personal code. The minutes served are the time inside the shift between the two, rounded
//! down to the quarter hour; the coordinator confirms them (or corrects them), which writes the
//! service record and its summary in the same transaction.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{render, render_status, see_other, set_flash, PageCtx};
use crate::platform::AppState;
use crate::volunteers::model::{may_check_in, qr_svg, served_minutes};
use crate::volunteers::routes::public::{identify, too_many, Identified};
use crate::volunteers::store::{self, NewRecord, ShiftRow};

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::volunteers::SHIFT)
        .get("/volunteers/shifts/{id}/qr", Need::Perm("volunteers.read"), qr_page)
        .with("aid", &crate::volunteers::ASSIGNMENT)
        .post("/volunteers/shifts/{id}/assignments/{aid}/confirm", Need::Perm("volunteers.write"), confirm)
        // The check-in code names the shift; it is a capability printed on paper, not a record id.
        .free("token")
        .get("/checkin/{token}", Need::Public, checkin_form)
        .post("/checkin/{token}", Need::Public, checkin_submit)
}

#[derive(Template)]
#[template(path = "volunteers/qr.html")]
struct QrPage {
    c: PageCtx,
    s: ShiftRow,
    url: String,
    svg: String,
}

/// The printable check-in sheet: the shift and the QR code of its check-in address.
async fn qr_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = store::shift(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let token = store::checkin_token(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    // Only a host name (and port) goes into the address: nothing a header could smuggle.
    let host: String =
        host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    let scheme = if st.config.security.secure_cookies { "https" } else { "http" };
    let url = format!("{scheme}://{host}/checkin/{token}");
    let svg = qr_svg(&url);
    render(&QrPage { c, s, url, svg })
}

#[derive(Template)]
#[template(path = "volunteers/checkin.html")]
struct CheckinPage {
    c: PageCtx,
    s: ShiftRow,
    token: String,
    phone: String,
    /// What happened (a message), and whether it was a success.
    message: String,
    ok: bool,
}

async fn checkin_form(State(st): State<AppState>, c: PageCtx, Path(token): Path<String>) -> AppResult<Response> {
    let s = store::shift_by_token(&st.db.conn, &token).await?.ok_or(AppError::NotFound)?;
    render(&CheckinPage { c, s, token, phone: String::new(), message: String::new(), ok: false })
}

#[derive(Debug, Deserialize)]
struct CheckinForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    /// `in` or `out`.
    #[serde(default)]
    action: String,
}

/// Checks a volunteer in (from an hour before the shift until its end) or out.
async fn checkin_submit(
    State(st): State<AppState>,
    c: PageCtx,
    Path(token): Path<String>,
    Form(f): Form<CheckinForm>,
) -> AppResult<Response> {
    let s = store::shift_by_token(&st.db.conn, &token).await?.ok_or(AppError::NotFound)?;
    let page = |c: PageCtx, s: ShiftRow, message: String, ok: bool| CheckinPage {
        c,
        s,
        token: token.clone(),
        phone: f.phone.clone(),
        message,
        ok,
    };
    let v = match identify(&st, &c.ip, &f.phone, &f.code).await? {
        Identified::Volunteer(v) => *v,
        Identified::Limited(retry) => {
            let m = c.t("volunteers.error.rate").to_string();
            return too_many(render(&page(c, s, m, false)), retry);
        }
        Identified::Unknown => {
            let m = c.t("volunteers.error.me").to_string();
            return render_status(StatusCode::UNAUTHORIZED, &page(c, s, m, false));
        }
    };
    let refuse = |c: PageCtx, s: ShiftRow, key: &str| {
        let m = c.t(key).to_string();
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(c, s, m, false))
    };
    let Some(a) = store::assignment_on(&st.db.conn, s.id, v.id).await? else {
        return refuse(c, s, "volunteers.checkin.not_assigned");
    };
    let now = Utc::now();
    let actor = Actor { id: None, name: format!("volunteer:{}", v.id), ip: c.ip.clone() };
    let tx = st.db.write().await?;
    let (key, minutes) = match f.action.as_str() {
        "in" => {
            if !may_check_in(&s.slot(), now) {
                drop(tx);
                return refuse(c, s, "volunteers.checkin.not_now");
            }
            if !store::check_in(&*tx, a.id, now).await? {
                drop(tx);
                return refuse(c, s, "volunteers.checkin.not_assigned");
            }
            ("volunteers.checkin.done_in", None)
        }
        "out" => {
            let Some(at) = store::checkin_at(&*tx, a.id).await?.filter(|_| a.status == "checked_in") else {
                drop(tx);
                return refuse(c, s, "volunteers.checkin.not_in");
            };
            let minutes = served_minutes(&s.slot(), at, now);
            if !store::check_out(&*tx, a.id, now, minutes).await? {
                drop(tx);
                return refuse(c, s, "volunteers.checkin.not_in");
            }
            ("volunteers.checkin.done_out", Some(minutes))
        }
        _ => return Err(AppError::BadRequest("error.bad_request".into())),
    };
    audit::record(
        &*tx,
        &actor,
        Event::new(if minutes.is_some() { "check_out" } else { "check_in" }, "volunteer_assignment", a.id)
            .unit(s.unit_id)
            .after(&serde_json::json!({"shift": s.id, "minutes": minutes})),
    )
    .await?;
    tx.commit().await?;
    let hours = crate::volunteers::hours_text(i64::from(minutes.unwrap_or(0)));
    let m = c.tf(key, &[("name", &v.name), ("hours", &hours)]);
    render(&page(c, s, m, true))
}

#[derive(Debug, Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    version: String,
    /// Minutes as checked (empty: keep them), a correction by the coordinator otherwise.
    #[serde(default)]
    minutes: String,
    /// Persons served (服务人次).
    #[serde(default)]
    person_times: String,
}

/// The coordinator confirms a checked-out volunteer's minutes (or corrects them within the
/// shift's length) and the persons served: the service record is written with its summary.
async fn confirm(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let bad = || AppError::BadRequest("volunteers.error.confirm".into());
    let version: i32 = f.version.trim().parse().map_err(|_| bad())?;
    let s = store::shift(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let a = store::assignment(&st.db.conn, aid).await?.ok_or(AppError::NotFound)?;
    if !a.to_confirm() {
        return Err(AppError::Stale);
    }
    let minutes = match f.minutes.trim() {
        "" => a.minutes.unwrap_or(0),
        m => m.parse::<i32>().ok().filter(|m| (0..=s.slot().minutes()).contains(m)).ok_or_else(bad)?,
    };
    let person_times = match f.person_times.trim() {
        "" => 0,
        p => p.parse::<i32>().ok().filter(|p| (0..=100_000).contains(p)).ok_or_else(bad)?,
    };
    let tx = st.db.write().await?;
    if !store::confirm(&*tx, aid, minutes, auth.id, version).await? {
        return Err(AppError::Stale);
    }
    let service_type_id = match s.service_type_id {
        Some(t) => t,
        None => store::service_type_id(&*tx, "other")
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no service type 'other'")))?,
    };
    let record = NewRecord {
        volunteer_id: a.volunteer_id,
        campaign_id: Some(s.campaign_id),
        assignment_id: Some(aid),
        unit_id: s.unit_id,
        service_date: s.shift_date,
        service_type_id,
        minutes,
        person_times,
        source: "checkin".into(),
        status: "confirmed".into(),
        content: s.role.clone(),
    };
    let rid = store::insert_record(&*tx, &record, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("confirm", "volunteer_assignment", aid)
            .unit(s.unit_id)
            .before(&serde_json::json!({"minutes": a.minutes}))
            .after(&serde_json::json!({"minutes": minutes, "person_times": person_times, "record": rid})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.confirmed")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/volunteers/shifts/{id}")))
}
