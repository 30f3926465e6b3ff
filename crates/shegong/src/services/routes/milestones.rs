//! Milestones of a project.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::once;
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{see_other, PageCtx};
use crate::platform::AppState;
use crate::services::model::MilestoneForm;
use crate::services::store::{self};

use super::projects::{form_refused, prefixed, Kept};
use super::{writable, DateForm};

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::services::PROJECT)
        .post("/services/projects/{id}/milestones", Need::Perm("services.write"), milestone_add)
        .with("mid", &crate::services::MILESTONE)
        .post("/services/projects/{id}/milestones/{mid}/done", Need::Perm("services.write"), milestone_done)
}

async fn milestone_add(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MilestoneForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "milestone", errs), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let mid = store::insert_milestone(&*tx, id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("milestone_add", "project", id)
            .unit(p.unit_id)
            .after(&serde_json::json!({"milestone": mid, "detail": input})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

async fn milestone_done(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<DateForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let on = crate::orgs::model::parse_date(&f.on).filter(|d| *d <= today()).unwrap_or_else(today);
    let note: String = f.note.trim().chars().take(500).collect();
    let tx = st.db.write().await?;
    if !store::complete_milestone(&*tx, id, mid, on, &note).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("milestone_done", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"milestone": mid, "done_on": null}))
            .after(&serde_json::json!({"milestone": mid, "done_on": on, "note": note})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}
