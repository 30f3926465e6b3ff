//! The "星光社工" roster and the rota, kept by the hotline administrator: counsellors (linked to
//! their account and to the talent register), shifts with their counsellors and the supervisor
//! on duty.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::hotline::model::{CounsellorForm, CounsellorInput, ShiftForm, ShiftInput};
use crate::hotline::store::{self, CounsellorRow, ShiftRow, UserOption, WorkerOption};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, set_flash, FormErrors, PageCtx, Problems};
use crate::platform::AppState;

#[derive(Template)]
#[template(path = "hotline/counsellors.html")]
struct RosterList {
    c: PageCtx,
    p: PageParams,
    page: Page<CounsellorRow>,
    extra: String,
}

pub(super) async fn list(State(st): State<AppState>, c: PageCtx, p: PageParams) -> AppResult<Response> {
    let page = store::counsellors(&st.db.conn, &p).await?;
    render(&RosterList { c, p, page, extra: String::new() })
}

#[derive(Template)]
#[template(path = "hotline/counsellor_form.html")]
struct CounsellorPage {
    c: PageCtx,
    id: Option<i64>,
    f: CounsellorForm,
    errors: FormErrors,
    users: Vec<UserOption>,
    workers: Vec<WorkerOption>,
    supervisors: Vec<CounsellorRow>,
}

async fn counsellor_page(
    st: &AppState,
    c: PageCtx,
    id: Option<i64>,
    f: CounsellorForm,
    errors: FormErrors,
) -> AppResult<CounsellorPage> {
    let conn = &st.db.conn;
    let supervisors =
        store::active_counsellors(conn).await?.into_iter().filter(|r| r.is_supervisor && Some(r.id) != id).collect();
    Ok(CounsellorPage {
        c,
        id,
        f,
        errors,
        users: store::hotline_user_options(conn).await?,
        workers: store::worker_options(conn).await?,
        supervisors,
    })
}

pub(super) async fn new_form(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let f = CounsellorForm { joined_on: today().to_string(), active: "yes".into(), ..CounsellorForm::default() };
    render(&counsellor_page(&st, c, None, f, FormErrors::default()).await?)
}

/// The form's rules and the choices it names: an account with a hotline role not on the roster
/// already, a social worker, a supervisor.
async fn check_counsellor(
    st: &AppState,
    f: &CounsellorForm,
    id: Option<i64>,
) -> AppResult<Result<CounsellorInput, Problems>> {
    let mut input = f.validate();
    if let Ok(i) = &input {
        let conn = &st.db.conn;
        let mut errs = Problems::default();
        if let Some(u) = i.user_id {
            if !store::hotline_user_options(conn).await?.iter().any(|x| x.id == u) {
                errs.push(("user_id", "hotline.error.choice", ""));
            } else if store::user_on_roster(conn, u, id).await? {
                errs.push(("user_id", "hotline.error.user_on_roster", ""));
            }
        }
        if let Some(w) = i.worker_id {
            if !store::worker_exists(conn, w).await? {
                errs.push(("worker_id", "hotline.error.choice", ""));
            }
        }
        if let Some(s) = i.supervisor_id {
            let ok = store::counsellor(conn, s).await?.is_some_and(|r| r.is_supervisor && Some(r.id) != id);
            if !ok {
                errs.push(("supervisor_id", "hotline.error.choice", ""));
            }
        }
        if !errs.is_empty() {
            input = Err(errs);
        }
    }
    Ok(input)
}

pub(super) async fn create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<CounsellorForm>,
) -> AppResult<Response> {
    let input = match check_counsellor(&st, &f, None).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &counsellor_page(&st, c, None, f, errors).await?);
        }
    };
    let tx = st.db.write().await?;
    let id = store::insert_counsellor(&*tx, auth.unit_id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "hotline_counsellor", id).unit(auth.unit_id).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.counsellor_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/counsellors/{id}")))
}

#[derive(Template)]
#[template(path = "hotline/counsellor.html")]
struct CounsellorDetail {
    c: PageCtx,
    r: CounsellorRow,
    /// The counsellor's shifts from today, the next month.
    shifts: Vec<ShiftRow>,
}

pub(super) async fn detail(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let r = store::counsellor(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let from = today();
    let to = from + chrono::Duration::days(31);
    let shifts = store::shifts(&st.db.conn, from, to)
        .await?
        .into_iter()
        .filter(|s| s.supervisor_id == id || s.counsellors.iter().any(|(m, _)| *m == id))
        .collect();
    render(&CounsellorDetail { c, r, shifts })
}

pub(super) async fn edit_form(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let r = store::counsellor(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let f = CounsellorForm {
        name: r.name.clone(),
        user_id: opt(r.user_id),
        worker_id: opt(r.worker_id),
        is_supervisor: if r.is_supervisor { "yes" } else { "" }.into(),
        supervisor_id: opt(r.supervisor_id),
        joined_on: r.joined_on.to_string(),
        active: if r.active { "yes" } else { "" }.into(),
        version: r.version.to_string(),
    };
    render(&counsellor_page(&st, c, Some(id), f, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<CounsellorForm>,
) -> AppResult<Response> {
    let old = store::counsellor(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let version = crate::platform::web::form_version(&f.version)?;
    let input = match check_counsellor(&st, &f, Some(id)).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &counsellor_page(&st, c, Some(id), f, errors).await?,
            );
        }
    };
    let tx = st.db.write().await?;
    if !store::update_counsellor(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "hotline_counsellor", id).unit(old.unit_id).before(&old).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.counsellor_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/counsellors/{id}")))
}

#[derive(Deserialize)]
pub(super) struct MonthQuery {
    #[serde(default)]
    month: String,
}

#[derive(Template)]
#[template(path = "hotline/rota.html")]
struct Rota {
    c: PageCtx,
    month: String,
    prev: String,
    next: String,
    shifts: Vec<ShiftRow>,
}

/// The first day of a typed month (`2022-03`), else of this month.
fn month_start(typed: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{}-01", typed.trim()), "%Y-%m-%d")
        .ok()
        .unwrap_or_else(|| today().with_day(1).unwrap_or_else(today))
}

pub(super) async fn rota(State(st): State<AppState>, c: PageCtx, Query(q): Query<MonthQuery>) -> AppResult<Response> {
    let start = month_start(&q.month);
    let next = start.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
    let prev = start.checked_sub_months(chrono::Months::new(1)).unwrap_or(start);
    let end = next.pred_opt().unwrap_or(start);
    let shifts = store::shifts(&st.db.conn, start, end).await?;
    let fmt = |d: NaiveDate| d.format("%Y-%m").to_string();
    render(&Rota { c, month: fmt(start), prev: fmt(prev), next: fmt(next), shifts })
}

#[derive(Template)]
#[template(path = "hotline/shift_form.html")]
struct ShiftPage {
    c: PageCtx,
    id: Option<i64>,
    f: ShiftForm,
    errors: FormErrors,
    counsellors: Vec<CounsellorRow>,
}

async fn shift_page(
    st: &AppState,
    c: PageCtx,
    id: Option<i64>,
    f: ShiftForm,
    errors: FormErrors,
) -> AppResult<ShiftPage> {
    let counsellors = store::active_counsellors(&st.db.conn).await?;
    Ok(ShiftPage { c, id, f, errors, counsellors })
}

pub(super) async fn shift_new(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let f = ShiftForm { day: today().to_string(), start: "08:00".into(), end: "16:00".into(), ..ShiftForm::default() };
    render(&shift_page(&st, c, None, f, FormErrors::default()).await?)
}

/// The shift's rules and its choices: the supervisor on duty is an active supervisor, the
/// counsellors active roster entries.
async fn check_shift(st: &AppState, f: &ShiftForm) -> AppResult<Result<ShiftInput, Problems>> {
    let mut input = f.validate();
    if let Ok(i) = &input {
        let active = store::active_counsellors(&st.db.conn).await?;
        let mut errs = Problems::default();
        if !active.iter().any(|r| r.id == i.supervisor_id && r.is_supervisor) {
            errs.push(("supervisor_id", "hotline.error.choice", ""));
        }
        if i.counsellors.iter().any(|m| !active.iter().any(|r| r.id == *m)) {
            errs.push(("counsellor", "hotline.error.choice", ""));
        }
        if !errs.is_empty() {
            input = Err(errs);
        }
    }
    Ok(input)
}

pub(super) async fn shift_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = ShiftForm::from_pairs(&pairs);
    let input = match check_shift(&st, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &shift_page(&st, c, None, f, errors).await?);
        }
    };
    let tx = st.db.write().await?;
    let id = store::insert_shift(&*tx, auth.unit_id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "hotline_shift", id).unit(auth.unit_id).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.shift_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/rota/{id}")))
}

#[derive(Template)]
#[template(path = "hotline/shift.html")]
struct ShiftDetail {
    c: PageCtx,
    s: ShiftRow,
}

pub(super) async fn shift_detail(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let s = store::shift(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    render(&ShiftDetail { c, s })
}

pub(super) async fn shift_edit(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let s = store::shift(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let f = ShiftForm {
        day: s.day.to_string(),
        start: crate::hotline::model::minute_text(s.start_minute),
        end: crate::hotline::model::minute_text(s.end_minute),
        supervisor_id: s.supervisor_id.to_string(),
        counsellors: s.counsellors.iter().map(|(id, _)| id.to_string()).collect(),
        version: s.version.to_string(),
    };
    render(&shift_page(&st, c, Some(id), f, FormErrors::default()).await?)
}

pub(super) async fn shift_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let old = store::shift(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let f = ShiftForm::from_pairs(&pairs);
    let version = crate::platform::web::form_version(&f.version)?;
    let input = match check_shift(&st, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &shift_page(&st, c, Some(id), f, errors).await?);
        }
    };
    let tx = st.db.write().await?;
    if !store::update_shift(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "hotline_shift", id).unit(old.unit_id).before(&old).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.shift_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/rota?month={}", input.day.format("%Y-%m"))))
}
