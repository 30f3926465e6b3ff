//! The workflow: one step at a time, and signing (采购 → 签约) with agency, contract and amount.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{see_other, PageCtx};
use crate::platform::AppState;
use crate::services::model::{check_advance, check_sign, Refusal, SignForm};
use crate::services::store::{self};

use super::projects::{form_refused, prefixed, refuse, refused_step, Kept};
use super::writable;

pub fn routes() -> Routes {
    Routes::new()
        .with("id", &crate::services::PROJECT)
        .post("/services/projects/{id}/advance", Need::Perm("services.write"), advance)
        .post("/services/projects/{id}/sign", Need::Perm("services.write"), sign)
}

#[derive(Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    happened_on: String,
    #[serde(default)]
    note: String,
}

async fn advance(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<AdvanceForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let version = f.version.trim().parse::<i32>().map_err(|_| AppError::Stale)?;
    let on = crate::orgs::model::parse_date(&f.happened_on).unwrap_or_else(today);
    if on > today() {
        return refused_step(&st, &auth, id, &Refusal::new("services.error.past_date")).await;
    }
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_advance(&facts, f.to.trim()) {
        drop(tx);
        return refused_step(&st, &auth, id, &r).await;
    }
    if !store::set_status(&*tx, id, &facts.status, f.to.trim(), version).await? {
        return Err(AppError::Stale);
    }
    let note: String = f.note.trim().chars().take(500).collect();
    store::insert_transition(&*tx, id, Some(&facts.status), f.to.trim(), &note, Some(auth.id), &auth.display_name, on)
        .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("advance", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"status": facts.status}))
            .after(&serde_json::json!({"status": f.to.trim(), "on": on, "note": note})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}

async fn sign(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<SignForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let version = f.version.trim().parse::<i32>().map_err(|_| AppError::Stale)?;
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "sign", errs), sg: Some(f), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let mut errs = Vec::new();
    if !store::agency_eligible(&st.db.conn, input.agency_id).await? {
        errs.push(("agency_id", "services.error.agency"));
    }
    if store::contract_no_taken(&st.db.conn, &input.contract_no, Some(id)).await? {
        errs.push(("contract_no", "services.error.contract_taken"));
    }
    if input.signed_on < p.starts_on - chrono::Duration::days(366) || input.signed_on > p.ends_on {
        errs.push(("signed_on", "services.error.signed_on"));
    }
    if !errs.is_empty() {
        let kept = Kept { errors: prefixed(&c, "sign", errs), sg: Some(f), ..Kept::default() };
        return form_refused(&st, c, &auth, id, kept).await;
    }
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_sign(&facts) {
        drop(tx);
        return refuse(&st, c, &auth, id, Kept::default(), &r).await;
    }
    if !store::sign(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    store::insert_transition(
        &*tx,
        id,
        Some("procurement"),
        "contracted",
        &input.contract_no,
        Some(auth.id),
        &auth.display_name,
        input.signed_on,
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("sign", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"status": p.status, "amount_fen": p.amount_fen, "agency_id": p.agency_id}))
            .after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/projects/{id}")))
}
