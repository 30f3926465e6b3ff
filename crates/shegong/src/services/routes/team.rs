//! Teams: members of a project, the workload of everyone on the teams, one person's assignments.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::period::YearFilter;
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{render, see_other, PageCtx};
use crate::platform::AppState;
use crate::services::model::{MemberForm, Refusal};
use crate::services::store::{self};

use super::projects::{form_refused, prefixed, refuse, Kept};
use super::{writable, DateForm};

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::services::PROJECT)
        .post("/services/projects/{id}/members", Need::Perm("services.write"), member_add)
        .with("mid", &crate::services::MEMBER)
        .post("/services/projects/{id}/members/{mid}/end", Need::Perm("services.write"), member_end)
        .get("/services/team", Need::Perm("services.read"), team)
        .with("worker", &crate::services::TEAM_PERSON)
        .get("/services/team/{worker}", Need::Perm("services.read"), person)
}

async fn member_add(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    let mut input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "member", errs), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    if let Some(w) = input.worker_id {
        // The person must be in the register and visible to the user.
        let Some(name) = store::worker_name(&st.db.conn, &auth.scope, w).await? else {
            let mut kept = Kept::default();
            kept.errors.add("member.worker_id", c.t("services.error.worker"));
            return form_refused(&st, c, &auth, id, kept).await;
        };
        input.name = name;
    }
    if p.status == "closed" {
        let r = Refusal::new("services.error.closed");
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    if let Some(w) = input.worker_id {
        if store::is_active_member(&*tx, id, w).await? {
            drop(tx);
            let r = Refusal::new("services.error.member_twice");
            return refuse(&st, c, &auth, id, Kept::default(), &r).await;
        }
    }
    let mid = store::insert_member(&*tx, id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("member_add", "project", id)
            .unit(p.unit_id)
            .after(&serde_json::json!({"member": mid, "detail": input})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

async fn member_end(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<DateForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let on = crate::orgs::model::parse_date(&f.on).unwrap_or_else(today);
    let tx = st.db.write().await?;
    if !store::end_member(&*tx, id, mid, on).await? {
        drop(tx);
        let r = Refusal::new("services.error.member_end");
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("member_end", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"member": mid, "to_on": null}))
            .after(&serde_json::json!({"member": mid, "to_on": on})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

// ---------------------------------------------------------------- workload and agencies

#[derive(Template)]
#[template(path = "services/team.html")]
struct TeamPage {
    c: PageCtx,
    p: PageParams,
    year_filter: YearFilter,
    page: Page<store::WorkloadRow>,
    extra: String,
}

#[derive(Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: String,
}

async fn team(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(y): Query<YearQuery>,
) -> AppResult<Response> {
    let year_filter = YearFilter::choose(store::years(&st.db.conn, &auth.scope).await?, &y.year);
    let page = store::workload(&st.db.conn, &auth.scope, year_filter.year, &p).await?;
    let year = year_filter.year.map(|y| y.to_string()).unwrap_or_default();
    let extra = serde_urlencoded::to_string([("year", year.as_str())]).unwrap_or_default();
    render(&TeamPage { c, p, year_filter, page, extra })
}

#[derive(Template)]
#[template(path = "services/person.html")]
struct PersonPage {
    c: PageCtx,
    name: String,
    worker_id: i64,
    rows: Vec<store::AssignmentRow>,
}

async fn person(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(worker): Path<i64>) -> AppResult<Response> {
    let rows = store::assignments(&st.db.conn, &auth.scope, worker).await?;
    let name = match store::worker_name(&st.db.conn, &auth.scope, worker).await? {
        Some(n) => n,
        // Visible through a project although registered elsewhere: the name on the team is enough.
        None if !rows.is_empty() => store::members(&st.db.conn, rows[0].project_id)
            .await?
            .into_iter()
            .find(|m| m.worker_id == Some(worker))
            .map(|m| m.name)
            .unwrap_or_default(),
        None => return Err(AppError::NotFound),
    };
    render(&PersonPage { c, name, worker_id: worker, rows })
}
