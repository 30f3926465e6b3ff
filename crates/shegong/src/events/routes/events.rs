//! Events: list, registration, the page of one event with its photos, and editing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use sea_orm::DatabaseTransaction;

use crate::events::model::{EventForm, EventInput, EVENT_KINDS};
use crate::events::store::{self, EventFilter, EventRow};
use crate::platform::access::Auth;
use crate::platform::audit::Event;
use crate::platform::error::{AppError, AppResult};
use crate::platform::files::{self, Attachment, Owner};
use crate::platform::paging::{Page, PageParams};
use crate::platform::period::YearFilter;
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::units::{self as units, UnitOption};

use super::indent;

#[derive(Template)]
#[template(path = "events/list.html")]
struct EventList {
    c: PageCtx,
    p: PageParams,
    f: EventFilter,
    year_filter: YearFilter,
    page: Page<EventRow>,
    kinds: Vec<&'static str>,
    extra: String,
    photos: Vec<Attachment>,
}

impl EventList {
    fn photos_of(&self, id: &i64) -> Vec<&Attachment> {
        self.photos.iter().filter(|a| a.entity_id == *id).collect()
    }
}

pub(super) async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(mut f): Query<EventFilter>,
) -> AppResult<Response> {
    // The years with events in scope; text that is not one of them filters on no year.
    let year_filter = YearFilter::choose(store::event_years(&st.db.conn, &auth.scope).await?, &f.year);
    f.year = year_filter.year.map(|y| y.to_string()).unwrap_or_default();
    crate::platform::period::list_period(&f.period)?;
    let page = store::events(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([
        ("kind", f.kind.as_str()),
        ("year", f.year.as_str()),
        ("committee", f.committee.as_str()),
        ("period", f.period.as_str()),
        ("unit", f.unit.as_str()),
    ])
    .unwrap_or_default();
    let ids: Vec<i64> = page.items.iter().map(|e| e.id).collect();
    let photos = files::of(&st.db.conn, "event", &ids).await?;
    render(&EventList { c, p, f, year_filter, page, kinds: EVENT_KINDS.to_vec(), extra, photos })
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct EventFormPage {
    c: PageCtx,
    /// Set when editing.
    id: Option<i64>,
    f: EventForm,
    errors: FormErrors,
    units: Vec<UnitOption>,
    kinds: Vec<&'static str>,
}

impl EventFormPage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

async fn form_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: Option<i64>,
    f: EventForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let units = units::options(&st.db.conn, &auth.scope).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &EventFormPage { c, id, f, errors, units, kinds: EVENT_KINDS.to_vec() })
}

pub(super) async fn new_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let f = EventForm {
        unit_id: auth.unit_id.to_string(),
        kind: "meeting".into(),
        held_on: today().to_string(),
        ..EventForm::default()
    };
    form_page(&st, c, &auth, None, f, FormErrors::default()).await
}

/// The form's own rules, then the unit inside the caller's scope.
async fn checked(st: &AppState, auth: &Auth, f: &EventForm) -> AppResult<Result<EventInput, super::Problems>> {
    super::in_scope(st, auth, f.validate(), |i| i.unit_id).await
}

pub(super) async fn create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    let input = match checked(&st, &auth, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return form_page(&st, c, &auth, None, f, errors).await;
        }
    };
    let write = async |tx: &DatabaseTransaction| {
        let id = store::insert_event(tx, &input, Some(auth.id)).await?;
        Ok(Event::new("create", "event", id).unit(input.unit_id).after(&input))
    };
    super::save_new(&st, &c, &auth, &f.nonce, "/events", write).await
}

#[derive(Template)]
#[template(path = "events/detail.html")]
struct EventPage {
    c: PageCtx,
    e: EventRow,
    photos: Vec<Attachment>,
}

pub(super) async fn detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let e = store::event(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let photos = files::of(&st.db.conn, "event", &[id]).await?;
    render(&EventPage { c, e, photos })
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let e = store::event(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let f = EventForm {
        unit_id: e.unit_id.to_string(),
        kind: e.kind.clone(),
        title: e.title.clone(),
        held_on: e.held_on.to_string(),
        organisers: e.organisers.clone(),
        summary: e.summary.clone(),
        attendees: e.attendees.to_string(),
        hours: e.hours(),
        committee: if e.committee { "yes".into() } else { String::new() },
        version: e.version.to_string(),
        nonce: String::new(),
    };
    form_page(&st, c, &auth, Some(id), f, FormErrors::default()).await
}

pub(super) async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    let old = store::event(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let input = match checked(&st, &auth, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return form_page(&st, c, &auth, Some(id), f, errors).await;
        }
    };
    let event = Event::new("update", "event", id).unit(input.unit_id).before(&old).after(&input);
    let write = async |tx: &DatabaseTransaction, version| store::update_event(tx, id, &input, version).await;
    super::save_edit(&st, &c, &auth, &f.version, event, &format!("/events/{id}"), write).await
}

/// `POST /events/{id}/photos`: a photo added to the event.
pub(super) async fn photo(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let unit = store::event_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let up = files::upload(mp, true).await?;
    files::attach(&st, &auth, &c.ip, Owner { entity: "event", id, unit }, &up, "files.photo_added").await?;
    Ok(see_other(&format!("/events/{id}")))
}

/// `POST /events/{id}/photos/{photo}/delete`: a photo removed from the event.
pub(super) async fn photo_delete(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let unit = store::event_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    files::detach(&st, &auth, &c.ip, Owner { entity: "event", id, unit }, photo, "files.photo_deleted").await?;
    Ok(see_other(&format!("/events/{id}")))
}
