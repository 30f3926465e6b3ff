//! Evaluations by criterion (a failing mid-term one puts the project on hold) and their files.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::files;
use crate::platform::once;
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{see_other, PageCtx};
use crate::platform::AppState;
use crate::services::model::{check_evaluation, EvaluationForm};
use crate::services::store::{self};

use super::projects::{form_refused, prefixed, refuse, Kept};
use super::writable;

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::services::PROJECT)
        .with("eid", &crate::services::EVALUATION)
        .post("/services/projects/{id}/evaluations", Need::Perm("services.write"), evaluate)
        .post("/services/projects/{id}/evaluations/{eid}/files", Need::Perm("services.write"), evaluation_file)
}

async fn evaluate(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EvaluationForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    if once::previous(&st.db.conn, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "ev", errs), ev: Some(f), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_evaluation(&facts, &input.kind) {
        drop(tx);
        let kept = Kept { ev: Some(f), ..Kept::default() };
        return refuse(&st, c, &auth, id, kept, &r).await;
    }
    let eid = store::insert_evaluation(&*tx, id, &input, Some(auth.id)).await?;
    let hold = input.kind == "midterm" && !input.passed;
    if hold {
        store::set_hold(&*tx, id, true).await?;
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("evaluate", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"on_hold": facts.on_hold}))
            .after(&serde_json::json!({"evaluation": eid, "detail": input, "on_hold": facts.on_hold || hold})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some(if hold { "services.held" } else { "services.saved" })).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

async fn evaluation_file(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, eid)): Path<(i64, i64)>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    if !store::evaluations(&st.db.conn, id).await?.iter().any(|e| e.0.id == eid) {
        return Err(AppError::NotFound);
    }
    let up = crate::platform::files::upload(mp, false).await?;
    let tx = st.db.write().await?;
    let owner = files::Owner { entity: "evaluation", id: eid, unit: p.unit_id };
    let aid = files::store(&*tx, &st.config.data_dir, &owner, &up, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("attach", "evaluation", eid)
            .unit(p.unit_id)
            .after(&serde_json::json!({"project": id, "attachment": aid, "filename": up.name, "size": up.bytes.len()})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

/// Whether an evaluation's attachment may be read: the project is visible to the user.
pub async fn evaluation_visible(st: &AppState, auth: &Auth, evaluation: i64) -> AppResult<bool> {
    let Some(project) = store::evaluation_project(&st.db.conn, evaluation).await? else {
        return Ok(false);
    };
    Ok(auth.can("services.read") && store::project(&st.db.conn, &auth.scope, project).await?.is_some())
}
