//! Corrective plans: submitted after a failing mid-term evaluation, approved by someone else,
//! which lifts the hold.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::set_flash;
use crate::platform::web::{see_other, PageCtx};
use crate::platform::AppState;
use crate::services::model::Refusal;
use crate::services::store::{self};

use super::projects::{form_refused, refuse, Kept};
use super::writable;

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::services::PROJECT)
        .with("pid", &crate::services::CORRECTIVE_PLAN)
        .post("/services/projects/{id}/plans", Need::Perm("services.write"), plan_submit)
        .post("/services/projects/{id}/plans/{pid}/approve", Need::Perm("services.write"), plan_approve)
}

#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    plan: String,
}

async fn plan_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PlanForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let text: String = f.plan.trim().chars().take(4000).collect();
    if text.chars().count() < 10 {
        let mut kept = Kept::default();
        kept.errors.add("plan.plan", c.t("services.error.plan"));
        return form_refused(&st, c, &auth, id, kept).await;
    }
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    let pending = store::plans(&*tx, id).await?.iter().any(|p| p.approved_at.is_none());
    let evaluation = store::failing_midterm(&*tx, id).await?;
    let evaluation = match evaluation {
        Some(e) if facts.on_hold && !pending => e,
        _ => {
            drop(tx);
            let r = Refusal::new("services.error.plan_not_needed");
            return refuse(&st, c, &auth, id, Kept::default(), &r).await;
        }
    };
    let pid = store::insert_plan(&*tx, id, evaluation, &text, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("plan_submit", "project", id)
            .unit(p.unit_id)
            .after(&serde_json::json!({"plan": pid, "evaluation": evaluation, "text": text})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

/// Approving a corrective plan lifts the hold. The approver is never the submitter.
async fn plan_approve(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, pid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let plans = store::plans(&*tx, id).await?;
    let plan = plans.iter().find(|x| x.id == pid && x.approved_at.is_none()).ok_or(AppError::NotFound)?;
    if plan.submitted_by == Some(auth.id) {
        drop(tx);
        let r = Refusal::new("services.error.self_approve");
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    if !store::approve_plan(&*tx, id, pid, auth.id).await? {
        return Err(AppError::Stale);
    }
    store::set_hold(&*tx, id, false).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("plan_approve", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"on_hold": true}))
            .after(&serde_json::json!({"plan": pid, "on_hold": false})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.released")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}
