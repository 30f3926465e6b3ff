//! Crisis escalation: a call recorded at risk high or imminent raises an escalation in its own
//! write transaction ([`raise`]); the supervisor on duty sees it on `/hotline/escalations`, whose
//! list refreshes itself every few seconds (htmx polling of `/hotline/escalations/live`), and
//! acknowledges it; calls to 110/120 are recorded on the escalation's page. An escalation not
//! acknowledged within `hotline.escalation_minutes` goes on to the next supervisor on duty
//! ([`sweep`]: run by the server every `hotline.sweep_seconds`, and by every read of the list).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Deserialize;

use crate::hotline::model::Risk;
use crate::hotline::store::escalations::{self as store, EmergencyRow, EscalationRow, SERVICES};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{render, render_status, see_other, set_flash, FormErrors, PageCtx};
use crate::platform::AppState;

/// Seconds between two refreshes of the list.
pub const POLL_SECONDS: u32 = 4;
/// The longest reference of a 110/120 call.
pub const MAX_REFERENCE: usize = 64;

pub fn routes() -> Routes {
    Routes::new()
        .get("/hotline/escalations", Need::Perm("hotline.call_read"), board)
        .get("/hotline/escalations/live", Need::Perm("hotline.call_read"), live)
        .with("id", &crate::hotline::ESCALATION)
        .get("/hotline/escalations/{id}", Need::Perm("hotline.call_read"), detail)
        .post("/hotline/escalations/{id}/ack", Need::Perm("hotline.supervise"), acknowledge)
        .post("/hotline/escalations/{id}/emergency", Need::Perm("hotline.supervise"), emergency)
}

/// Raises the escalation of a call recorded at `risk` when it escalates (high or imminent), in
/// the caller's write transaction, audited; returns its id.
pub async fn raise<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    call_id: i64,
    unit_id: i64,
    counsellor_id: i64,
    risk: Risk,
) -> Result<Option<i64>, DbErr> {
    if !risk.escalates() {
        return Ok(None);
    }
    let Some((id, assigned)) = store::raise(c, call_id, unit_id, counsellor_id, risk.code(), Utc::now()).await? else {
        return Ok(None);
    };
    audit::record(
        c,
        actor,
        Event::new("raise", "hotline_escalation", id)
            .unit(unit_id)
            .after(&serde_json::json!({"call_id": call_id, "risk_level": risk.code(), "assigned_to": assigned})),
    )
    .await?;
    Ok(Some(id))
}

/// Hands every escalation not acknowledged within `minutes` on to the next supervisor on the
/// rota at `now` (audited); returns how many went on.
pub async fn sweep(db: &Db, minutes: i64, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let cutoff = now - chrono::Duration::minutes(minutes.max(1));
    if store::overdue(&db.conn, cutoff).await?.is_empty() {
        return Ok(0);
    }
    let tx = db.write().await?;
    let rota = store::supervisors_on_duty(&*tx, now).await?;
    let mut n = 0;
    for o in store::overdue(&*tx, cutoff).await? {
        let to = store::next_on_duty(&rota, o.assigned_to);
        if to.is_none() && o.assigned_to.is_none() {
            // Asked of every supervisor already, and nobody on duty to hand it to.
            store::rewait(&*tx, o.id, now).await?;
            continue;
        }
        if store::hand_on(&*tx, &o, to, now).await? {
            audit::record(
                &*tx,
                &Actor::system("escalation"),
                Event::new("hand_on", "hotline_escalation", o.id)
                    .unit(o.unit_id)
                    .before(&serde_json::json!({"assigned_to": o.assigned_to}))
                    .after(&serde_json::json!({"assigned_to": to, "hand_ons": o.hand_ons + 1})),
            )
            .await?;
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(n)
}

/// Runs [`sweep`] every `hotline.sweep_seconds` in the background of a server.
pub fn spawn_sweeper(db: &Db, cfg: &crate::platform::config::HotlineConfig) -> tokio::task::JoinHandle<()> {
    let (db, minutes, every) = (db.clone(), cfg.escalation_minutes, cfg.sweep_seconds.max(1));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&db, minutes, Utc::now()).await {
                tracing::warn!(error = %e, "escalation sweep failed");
            }
        }
    })
}

/// Minutes and seconds, `m:ss` (hours too past an hour).
pub fn age_text(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[derive(Template)]
#[template(path = "hotline/escalations_live.html")]
struct Live {
    c: PageCtx,
    open: Vec<EscalationRow>,
    done: Vec<EscalationRow>,
    now: DateTime<Utc>,
    me: i64,
    can_ack: bool,
}

impl Live {
    fn age(&self, e: &EscalationRow) -> String {
        age_text(e.age_seconds(self.now))
    }
}

#[derive(Template)]
#[template(path = "hotline/escalations.html")]
struct Board {
    c: PageCtx,
    /// The list as the live part renders it.
    live: String,
    poll: u32,
}

async fn read_live(st: &AppState, c: PageCtx, auth: &Auth) -> AppResult<Live> {
    // The on-read check: a list read after the time ran out shows the escalation handed on.
    let now = Utc::now();
    sweep(&st.db, st.config.hotline.escalation_minutes, now).await?;
    let (open, done) = store::board(&st.db.conn, &auth.scope, 20).await?;
    Ok(Live { c, open, done, now, me: auth.id, can_ack: auth.can("hotline.supervise") })
}

async fn board(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let live = read_live(&st, c.clone(), &auth).await?;
    let live = live.render().map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    render(&Board { c, live, poll: POLL_SECONDS })
}

async fn live(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    render(&read_live(&st, c, &auth).await?)
}

/// The 110/120 form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EmergencyForm {
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub reference: String,
}

#[derive(Template)]
#[template(path = "hotline/escalation.html")]
struct Detail {
    c: PageCtx,
    e: EscalationRow,
    calls: Vec<EmergencyRow>,
    f: EmergencyForm,
    errors: FormErrors,
    services: [&'static str; 2],
    can_ack: bool,
    age: String,
}

async fn detail_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: i64,
    f: EmergencyForm,
    errors: FormErrors,
) -> AppResult<Detail> {
    let e = store::get(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let calls = store::emergency_calls(&st.db.conn, id).await?;
    let age = age_text(e.age_seconds(Utc::now()));
    Ok(Detail { c, e, calls, f, errors, services: SERVICES, can_ack: auth.can("hotline.supervise"), age })
}

async fn detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let f = EmergencyForm { service: "120".into(), ..EmergencyForm::default() };
    render(&detail_page(&st, c, &auth, id, f, FormErrors::default()).await?)
}

async fn acknowledge(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let e = store::get(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    let now = Utc::now();
    let key = if store::acknowledge(&*tx, id, auth.id, now).await? {
        audit::record(
            &*tx,
            &Actor::user(&auth, &c.ip),
            Event::new("acknowledge", "hotline_escalation", id).unit(e.unit_id).after(&serde_json::json!({
                "call_id": e.call_id,
                "assigned_to": e.assigned_to,
                "seconds": (now - e.raised_at).num_seconds(),
            })),
        )
        .await?;
        "hotline.escalation.acknowledged"
    } else {
        "hotline.escalation.error.acknowledged_before"
    };
    set_flash(&*tx, auth.session_id, Some(key)).await?;
    tx.commit().await?;
    Ok(see_other("/hotline/escalations"))
}

/// The form's problems, or the service and reference it records.
pub fn check_emergency(f: &EmergencyForm) -> Result<(&'static str, String), Vec<(&'static str, &'static str)>> {
    let mut errs = Vec::new();
    let service = SERVICES.iter().copied().find(|s| *s == f.service.trim());
    if service.is_none() {
        errs.push(("service", "hotline.error.choice"));
    }
    let reference = f.reference.trim().to_string();
    if reference.chars().count() > MAX_REFERENCE {
        errs.push(("reference", "hotline.escalation.error.reference_long"));
    }
    match service {
        Some(s) if errs.is_empty() => Ok((s, reference)),
        _ => Err(errs),
    }
}

async fn emergency(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EmergencyForm>,
) -> AppResult<Response> {
    let (service, reference) = match check_emergency(&f) {
        Ok(v) => v,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            let page = detail_page(&st, c, &auth, id, f, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let e = store::get(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    let now = Utc::now();
    let call = store::add_emergency_call(&*tx, id, service, &reference, auth.id, now).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("emergency_call", "hotline_escalation", id)
            .unit(e.unit_id)
            .after(&serde_json::json!({"id": call, "service": service, "reference": reference})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.escalation.emergency_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/escalations/{id}")))
}
