//! The coordinators' list of volunteers placed in their communities: ID number and phone
//! masked; holders of the reveal right open one volunteer's full number and phone, and every
//! reveal is audited.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::vault;
use crate::platform::web::{render, PageCtx};
use crate::platform::AppState;
use crate::volunteers::store::{self, RosterFilter, RosterRow};

pub fn routes() -> Routes {
    Routes::new()
        .get("/volunteers/people", Need::Perm("volunteers.read"), roster)
        .with("id", &crate::volunteers::VOLUNTEER)
        .post("/volunteers/people/{id}/reveal", Need::Perm("volunteers.pii_reveal"), reveal)
}

#[derive(Template)]
#[template(path = "volunteers/people.html")]
struct RosterPage {
    c: PageCtx,
    p: PageParams,
    f: RosterFilter,
    page: Page<RosterRow>,
    extra: String,
    units: std::sync::Arc<Vec<crate::units::UnitOption>>,
}

impl RosterPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn roster(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<RosterFilter>,
) -> AppResult<Response> {
    crate::platform::period::list_period(&f.signed_up)?;
    let page = store::roster(&st.db.conn, &auth.scope, &f, &p).await?;
    let mut pairs =
        vec![("unit", f.unit.clone()), ("signed_up", f.signed_up.clone()), ("signed_at", f.signed_at.clone())];
    if let Some(q) = p.search() {
        pairs.push(("q", q.to_string()));
    }
    let extra = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let units = crate::units::picker(&st, &auth).await?;
    render(&RosterPage { c, p, f, page, extra, units })
}

#[derive(Template)]
#[template(path = "volunteers/revealed.html")]
struct Revealed {
    c: PageCtx,
    id_number: String,
    phone: String,
}

/// Opens one volunteer's ID number and phone (an htmx partial); every reveal is an audit event.
async fn reveal(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let v = store::sealed_volunteer(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let vault = vault::vault()?;
    let id_number = vault.open("id", &v.id_cipher)?;
    let phone = vault.open("phone", &v.phone_cipher)?;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("reveal", "volunteer", id)
            .unit(v.unit_id)
            .after(&serde_json::json!({"volunteer": v.volunteer_no, "fields": ["id_number", "phone"]})),
    )
    .await?;
    tx.commit().await?;
    render(&Revealed { c, id_number, phone })
}
