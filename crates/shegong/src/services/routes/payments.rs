//! Payments: never before signing, never above the contract, the final one after a passing
//! final evaluation, nothing while on hold.

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
use crate::services::model::{check_payment, PaymentForm};
use crate::services::store::{self};

use super::projects::{form_refused, prefixed, refuse, Kept};
use super::writable;

pub fn routes() -> Routes {
    Routes::new().with("id", &crate::services::PROJECT).post(
        "/services/projects/{id}/payments",
        Need::Perm("services.write"),
        pay,
    )
}

async fn pay(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Response> {
    let p = writable(&st, &auth, id).await?;
    let loc = format!("/services/projects/{id}");
    if once::previous(&st.db.conn, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let kept = Kept { errors: prefixed(&c, "pay", errs), pay: Some(f), ..Kept::default() };
            return form_refused(&st, c, &auth, id, kept).await;
        }
    };
    let tx = st.db.write().await?;
    store::lock_project(&*tx, id).await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    let facts = store::facts(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(r) = check_payment(&facts, &input.kind, input.paid_on, input.amount_fen) {
        drop(tx);
        let kept = Kept { pay: Some(f), ..Kept::default() };
        return refuse(&st, c, &auth, id, kept, &r).await;
    }
    let pid = store::insert_payment(&*tx, id, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("pay", "project", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"paid_fen": facts.paid_fen}))
            .after(&serde_json::json!({"payment": pid, "payment_detail": input, "paid_fen": facts.paid_fen.fen().saturating_add(input.amount_fen.fen())})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("services.payment_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}
