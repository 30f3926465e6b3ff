//! Pages of the shared registers and of the industry Party-building committee, one file per
//! register: events (with photos), policy documents (with files) and honours; each has its list,
//! a page per record and an edit form.

mod documents;
mod events;
mod honours;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sea_orm::{DatabaseTransaction, DbErr};

use crate::events::store::{self, DocumentRow, EventFilter, EventRow};
use crate::orgs::{departments, Department};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::{form_version, render, see_other, set_flash, PageCtx};
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/events", Need::Perm("events.read"), events::list)
        .get("/events/new", Need::Perm("events.write"), events::new_form)
        .post("/events", Need::Perm("events.write"), events::create)
        .get("/documents", Need::Perm("events.read"), documents::list)
        .post("/documents", Need::Perm("events.write"), documents::create)
        .get("/honours", Need::Perm("events.read"), honours::list)
        .get("/honours/new", Need::Perm("events.write"), honours::new_form)
        .post("/honours", Need::Perm("events.write"), honours::create)
        .get("/party/committee", Need::Perm("party.read"), committee)
        .with("id", &crate::events::EVENT)
        .get("/events/{id}", Need::Perm("events.read"), events::detail)
        .get("/events/{id}/edit", Need::Perm("events.write"), events::edit_form)
        .post("/events/{id}", Need::Perm("events.write"), events::update)
        .post("/events/{id}/photos", Need::Perm("events.write"), events::photo)
        .with("photo", &crate::events::EVENT_PHOTO)
        .post("/events/{id}/photos/{photo}/delete", Need::Perm("events.write"), events::photo_delete)
        .with("id", &crate::events::DOCUMENT)
        .get("/documents/{id}", Need::Perm("events.read"), documents::detail)
        .get("/documents/{id}/edit", Need::Perm("events.write"), documents::edit_form)
        .post("/documents/{id}", Need::Perm("events.write"), documents::update)
        .post("/documents/{id}/file", Need::Perm("events.write"), documents::file)
        .with("id", &crate::events::HONOUR)
        .get("/honours/{id}", Need::Perm("events.read"), honours::detail)
        .get("/honours/{id}/edit", Need::Perm("events.write"), honours::edit_form)
        .post("/honours/{id}", Need::Perm("events.write"), honours::update)
        .post("/honours/{id}/photos", Need::Perm("events.write"), honours::photo)
        .with("photo", &crate::events::HONOUR_PHOTO)
        .post("/honours/{id}/photos/{photo}/delete", Need::Perm("events.write"), honours::photo_delete)
}

/// Problems of a form: (field, locale key).
type Problems = Vec<(&'static str, &'static str)>;

/// A form's own rules, then its unit inside the caller's scope: the parsed input, or every problem.
async fn in_scope<I>(
    st: &AppState,
    auth: &Auth,
    validated: Result<I, Problems>,
    unit_of: fn(&I) -> i64,
) -> AppResult<Result<I, Problems>> {
    let (input, mut errs) = match validated {
        Ok(i) => (Some(i), Vec::new()),
        Err(e) => (None, e),
    };
    if let Some(i) = &input {
        if crate::units::get_scoped(&st.db.conn, &auth.scope, unit_of(i)).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit"));
        }
    }
    Ok(input.filter(|_| errs.is_empty()).ok_or(errs))
}

/// A new record saved once per form (a form sent twice saves once, by its nonce): `write`
/// inserts it and returns the audit event of its creation; back to `list`, saved.
async fn save_new(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    nonce: &str,
    list: &str,
    write: impl AsyncFnOnce(&DatabaseTransaction) -> Result<Event<'static>, DbErr>,
) -> AppResult<Response> {
    let tx = st.db.write().await?;
    if once::claim(&*tx, nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other(list));
    }
    let event = write(&*tx).await?;
    audit::record(&*tx, &Actor::user(auth, &c.ip), event).await?;
    once::complete(&*tx, nonce, list).await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other(list))
}

/// An edited record saved at the version of its form: `write` updates it at that version (false:
/// another change came first, stale) and `event` audits it; back to `page`, saved.
async fn save_edit(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    version: &str,
    event: Event<'_>,
    page: &str,
    write: impl AsyncFnOnce(&DatabaseTransaction, i32) -> Result<bool, DbErr>,
) -> AppResult<Response> {
    let version = form_version(version)?;
    let tx = st.db.write().await?;
    if !write(&*tx, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(&*tx, &Actor::user(auth, &c.ip), event).await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other(page))
}

fn indent(d: &i32) -> String {
    "　".repeat((*d).max(0) as usize)
}

#[derive(Template)]
#[template(path = "events/committee.html")]
struct CommitteePage {
    c: PageCtx,
    lead: Vec<Department>,
    members: Vec<Department>,
    meetings: Page<EventRow>,
    docs: Vec<DocumentRow>,
}

/// The industry Party-building committee (社会组织行业党建专委会): the lead department and the
/// industry departments, its meetings and the documents it adopted.
async fn committee(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let all = departments(&st.db.conn).await?;
    let (lead, members): (Vec<_>, Vec<_>) = all.into_iter().filter(|d| d.on_committee).partition(|d| d.lead);
    let f = EventFilter { committee: "yes".into(), ..EventFilter::default() };
    let meetings =
        store::events(&st.db.conn, &auth.scope, &f, &PageParams { per_page: Some(50), ..PageParams::default() })
            .await?;
    let docs = store::documents(&st.db.conn, &auth.scope, true).await?;
    render(&CommitteePage { c, lead, members, meetings, docs })
}
