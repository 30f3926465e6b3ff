//! Repeat callers: with the caller's consent, the counsellor links a call to a caller profile by
//! the keyed hash of the phone (the number itself is never stored), and sets risk flags on the
//! profile (who set them is kept, and they expire).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::hotline::model::{FLAGS, MAX_FLAG_DAYS};
use crate::hotline::routes::reader;
use crate::hotline::store;
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::web::{see_other, set_flash, set_flash_with, PageCtx};
use crate::platform::AppState;

#[derive(Deserialize)]
pub(super) struct LinkForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    consent: String,
}

pub(super) async fn link(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let call = store::call(&st.db.conn, &auth.scope, &reader(&auth), id).await?.ok_or(AppError::NotFound)?;
    let back = format!("/hotline/calls/{id}");
    // Without consent nothing of the number is kept, not even its hash.
    if f.consent != "yes" {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.consent", &[]).await?;
        return Ok(see_other(&back));
    }
    let Some(hash) = store::phone_hash(&f.phone) else {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.phone", &[]).await?;
        return Ok(see_other(&back));
    };
    let tx = st.db.write().await?;
    let (caller, created) = store::ensure_caller(&*tx, &hash, auth.id).await?;
    store::set_call_caller(&*tx, id, caller).await?;
    // The audit row names the profile, never the number or its hash.
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("link_caller", "hotline_call", id)
            .unit(call.unit_id)
            .after(&serde_json::json!({"caller_id": caller, "new_profile": created, "consent": true})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.caller_linked")).await?;
    tx.commit().await?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub(super) struct FlagForm {
    #[serde(default)]
    flag: String,
    #[serde(default)]
    days: String,
}

pub(super) async fn flag(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<FlagForm>,
) -> AppResult<Response> {
    let call = store::call(&st.db.conn, &auth.scope, &reader(&auth), id).await?.ok_or(AppError::NotFound)?;
    let back = format!("/hotline/calls/{id}");
    let Some(caller) = call.caller_id else {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.no_caller", &[]).await?;
        return Ok(see_other(&back));
    };
    let flag = FLAGS.iter().copied().find(|x| *x == f.flag.trim());
    let days = f.days.trim().parse::<i64>().ok().filter(|d| (1..=MAX_FLAG_DAYS).contains(d));
    let (Some(flag), Some(days)) = (flag, days) else {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.flag", &[]).await?;
        return Ok(see_other(&back));
    };
    let expires = today() + chrono::Duration::days(days);
    let tx = st.db.write().await?;
    let fid = store::insert_flag(&*tx, caller, flag, auth.id, expires).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("flag_caller", "hotline_call", id)
            .unit(call.unit_id)
            .after(&serde_json::json!({"caller_id": caller, "flag_id": fid, "flag": flag, "expires_on": expires})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.flag_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&back))
}
