//! A shift and who comes (coordinators): assigning a volunteer by their number, moving one to
//! another shift of the campaign, withdrawing one, recording a no-show. Every change is audited
//! and the dispatch rules hold for assignments and moves alike.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, set_flash, PageCtx};
use crate::platform::AppState;
use crate::volunteers::routes::{dispatch, Refusal};
use crate::volunteers::store::{self, AssignmentRow, ShiftRow};

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::volunteers::SHIFT)
        .get("/volunteers/shifts/{id}", Need::Perm("volunteers.read"), shift_detail)
        .post("/volunteers/shifts/{id}/assign", Need::Perm("volunteers.write"), shift_assign)
        .with("aid", &crate::volunteers::ASSIGNMENT)
        .post("/volunteers/shifts/{id}/assignments/{aid}/withdraw", Need::Perm("volunteers.write"), withdraw)
        .post("/volunteers/shifts/{id}/assignments/{aid}/no_show", Need::Perm("volunteers.write"), no_show)
        .post("/volunteers/shifts/{id}/assignments/{aid}/move", Need::Perm("volunteers.write"), move_to)
}

#[derive(Template)]
#[template(path = "volunteers/shift.html")]
struct ShiftPage {
    c: PageCtx,
    s: ShiftRow,
    people: Vec<AssignmentRow>,
    /// Other shifts of the campaign in the caller's communities (targets of a move).
    others: Vec<ShiftRow>,
    volunteer_no: String,
    error: String,
}

async fn shift_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: i64,
    volunteer_no: String,
    error: String,
) -> AppResult<ShiftPage> {
    let s = store::shift(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let people = store::assignments_of_shift(&st.db.conn, id).await?;
    let others: Vec<ShiftRow> = store::shifts_of_campaign(&st.db.conn, &auth.scope, s.campaign_id)
        .await?
        .into_iter()
        .filter(|o| o.id != id && o.shift_date >= today())
        .collect();
    Ok(ShiftPage { c, s, people, others, volunteer_no, error })
}

async fn shift_detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    render(&shift_page(&st, c, &auth, id, String::new(), String::new()).await?)
}

#[derive(Debug, Deserialize)]
struct AssignForm {
    #[serde(default)]
    volunteer_no: String,
}

/// The message of a refusal in the page's language.
fn refusal_text(c: &PageCtx, r: Refusal) -> String {
    c.tf(r.key(), &[("n", &r.limit())])
}

/// Puts a volunteer (by unified number) on the shift, under the campaign's rules.
async fn shift_assign(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    let Some(v) = store::volunteer_by_no(&st.db.conn, &f.volunteer_no).await? else {
        let error = c.t("volunteers.error.volunteer_no").to_string();
        let page = shift_page(&st, c, &auth, id, f.volunteer_no, error).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let tx = st.db.write().await?;
    match dispatch(&*tx, id, v.id, "coordinator", Some(auth.id), None).await? {
        Ok((s, aid)) => {
            audit::record(
                &*tx,
                &Actor::user(&auth, &c.ip),
                Event::new("assign", "volunteer_assignment", aid)
                    .unit(s.unit_id)
                    .after(&serde_json::json!({"shift": id, "volunteer": v.volunteer_no})),
            )
            .await?;
            set_flash(&*tx, auth.session_id, Some("volunteers.assigned")).await?;
            tx.commit().await?;
            Ok(see_other(&format!("/volunteers/shifts/{id}")))
        }
        Err(r) => {
            drop(tx);
            let error = refusal_text(&c, r);
            let page = shift_page(&st, c, &auth, id, f.volunteer_no, error).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Debug, Deserialize)]
struct VersionForm {
    #[serde(default)]
    version: String,
    /// The shift to move to.
    #[serde(default)]
    to: String,
}

fn version_of(f: &VersionForm) -> AppResult<i32> {
    crate::platform::web::form_version(&f.version)
}

/// Changes an assignment's status (`from` → `to`) and audits it.
async fn change(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    (id, aid): (i64, i64),
    f: &VersionForm,
    (from, to, action): (&str, &str, &str),
) -> AppResult<Response> {
    let version = version_of(f)?;
    let a = store::assignment(&st.db.conn, aid).await?.ok_or(AppError::NotFound)?;
    let s = store::shift(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    if !store::set_status(&*tx, aid, from, to, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(auth, &c.ip),
        Event::new(action, "volunteer_assignment", aid)
            .unit(s.unit_id)
            .before(&serde_json::json!({"status": a.status, "shift": id, "volunteer": a.volunteer_no}))
            .after(&serde_json::json!({"status": to})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.assignment_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/volunteers/shifts/{id}")))
}

async fn withdraw(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    change(&st, &c, &auth, (id, aid), &f, ("assigned", "withdrawn", "withdraw")).await
}

/// A volunteer who did not come: only once the shift has begun (its day has come).
async fn no_show(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let s = store::shift(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if s.shift_date > today() {
        return Err(AppError::Conflict("volunteers.error.no_show_early".into()));
    }
    change(&st, &c, &auth, (id, aid), &f, ("assigned", "no_show", "no_show")).await
}

/// Moves an assigned volunteer to another shift of the same campaign in the caller's scope,
/// under the rules (their current slot left out).
async fn move_to(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let version = version_of(&f)?;
    let from = store::shift(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let a = store::assignment(&st.db.conn, aid).await?.ok_or(AppError::NotFound)?;
    let to_id: i64 = f.to.trim().parse().map_err(|_| AppError::BadRequest("error.bad_request".into()))?;
    let to = store::shift(&st.db.conn, &auth.scope, to_id).await?;
    let Some(to) = to.filter(|t| t.campaign_id == from.campaign_id && t.id != id) else {
        return Err(AppError::BadRequest("volunteers.error.move_target".into()));
    };
    if a.status != "assigned" {
        return Err(AppError::Stale);
    }
    let tx = st.db.write().await?;
    match dispatch(&*tx, to.id, a.volunteer_id, "coordinator", Some(auth.id), Some((aid, version))).await? {
        Ok(_) => {
            audit::record(
                &*tx,
                &Actor::user(&auth, &c.ip),
                Event::new("move", "volunteer_assignment", aid)
                    .unit(from.unit_id)
                    .before(&serde_json::json!({"shift": id, "volunteer": a.volunteer_no}))
                    .after(&serde_json::json!({"shift": to.id, "unit": to.unit_id})),
            )
            .await?;
            set_flash(&*tx, auth.session_id, Some("volunteers.assignment_saved")).await?;
            tx.commit().await?;
            Ok(see_other(&format!("/volunteers/shifts/{}", to.id)))
        }
        Err(r) => {
            drop(tx);
            let error = refusal_text(&c, r);
            let page = shift_page(&st, c, &auth, id, String::new(), error).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
