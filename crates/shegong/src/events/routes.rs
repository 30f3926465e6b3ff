//! Pages of the shared registers and of the industry Party-building committee.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::events::model::{EventForm, HonourForm, AWARDEE_KINDS, EVENT_KINDS, HONOUR_LEVELS};
use crate::events::store::{self, DocumentRow, EventFilter, EventRow, HonourFilter, HonourRow};
use crate::orgs::model::parse_date;
use crate::orgs::{departments, Department};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::files::{self, Attachment};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::set_flash;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::units::{self as units, UnitOption};

pub fn routes() -> Routes {
    Routes::new()
        .get("/events", Need::Perm("events.read"), event_list)
        .get("/events/new", Need::Perm("events.write"), event_new)
        .post("/events", Need::Perm("events.write"), event_create)
        .get("/documents", Need::Perm("events.read"), document_list)
        .post("/documents", Need::Perm("events.write"), document_create)
        .get("/honours", Need::Perm("events.read"), honour_list)
        .get("/honours/new", Need::Perm("events.write"), honour_new)
        .post("/honours", Need::Perm("events.write"), honour_create)
        .get("/party/committee", Need::Perm("party.read"), committee)
        .with("id", &crate::events::EVENT)
        .post("/events/{id}/photos", Need::Perm("events.write"), event_photo)
        .with("id", &crate::events::DOCUMENT)
        .post("/documents/{id}/file", Need::Perm("events.write"), document_file)
}

fn indent(d: &i32) -> String {
    "　".repeat((*d).max(0) as usize)
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct EventList {
    c: PageCtx,
    p: PageParams,
    f: EventFilter,
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

async fn event_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<EventFilter>,
) -> AppResult<Response> {
    let page = store::events(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([
        ("kind", f.kind.as_str()),
        ("year", f.year.as_str()),
        ("committee", f.committee.as_str()),
    ])
    .unwrap_or_default();
    let ids: Vec<i64> = page.items.iter().map(|e| e.id).collect();
    let photos = files::of(&st.db.conn, "event", &ids).await?;
    render(&EventList { c, p, f, page, kinds: EVENT_KINDS.to_vec(), extra, photos })
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct EventFormPage {
    c: PageCtx,
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

async fn event_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = units::options(&st.db.conn, &auth.scope).await?;
    let f = EventForm {
        unit_id: auth.unit_id.to_string(),
        kind: "meeting".into(),
        held_on: crate::platform::time::today().to_string(),
        ..EventForm::default()
    };
    render(&EventFormPage { c, f, errors: FormErrors::default(), units, kinds: EVENT_KINDS.to_vec() })
}

async fn event_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    let mut errs = Vec::new();
    let input = match f.validate() {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit"));
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let units = units::options(&st.db.conn, &auth.scope).await?;
        let errors = FormErrors::from_keys(&c, errs);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &EventFormPage { c, f, errors, units, kinds: EVENT_KINDS.to_vec() },
        );
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/events"));
    }
    let id = store::insert_event(&*tx, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "event", id).unit(input.unit_id).after(&input),
    )
    .await?;
    once::complete(&*tx, &f.nonce, "/events").await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/events"))
}

#[derive(Template)]
#[template(path = "events/documents.html")]
struct DocumentList {
    c: PageCtx,
    docs: Vec<DocumentRow>,
    error: String,
    files: Vec<Attachment>,
}

impl DocumentList {
    fn files_of(&self, id: &i64) -> Vec<&Attachment> {
        self.files.iter().filter(|a| a.entity_id == *id).collect()
    }
}

async fn document_list(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let docs = store::documents(&st.db.conn, &auth.scope, false).await?;
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let files = files::of(&st.db.conn, "document", &ids).await?;
    render(&DocumentList { c, docs, error: String::new(), files })
}

#[derive(Deserialize)]
struct DocumentForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    issued_on: String,
}

async fn document_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    let title = f.title.trim().to_string();
    let issued_on = parse_date(&f.issued_on);
    let (true, Some(issued_on)) = ((2..=200).contains(&title.chars().count()), issued_on) else {
        let docs = store::documents(&st.db.conn, &auth.scope, false).await?;
        let error = c.t("documents.error").to_string();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &DocumentList { c, docs, error, files: vec![] });
    };
    let tx = st.db.write().await?;
    let number: String = f.doc_number.trim().chars().take(100).collect();
    let issuer: String = f.issuer.trim().chars().take(200).collect();
    let id =
        store::insert_document(&*tx, auth.unit_id, &title, &number, &issuer, issued_on, None, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "document", id)
            .unit(auth.unit_id)
            .after(&serde_json::json!({"title": title, "number": number, "issuer": issuer, "issued_on": issued_on})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/documents"))
}

#[derive(Template)]
#[template(path = "events/honours.html")]
struct HonourList {
    c: PageCtx,
    p: PageParams,
    f: HonourFilter,
    page: Page<HonourRow>,
    levels: Vec<&'static str>,
    kinds: Vec<&'static str>,
    extra: String,
}

async fn honour_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<HonourFilter>,
) -> AppResult<Response> {
    let page = store::honours(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([
        ("level", f.level.as_str()),
        ("year", f.year.as_str()),
        ("awardee_kind", f.awardee_kind.as_str()),
    ])
    .unwrap_or_default();
    render(&HonourList { c, p, f, page, levels: HONOUR_LEVELS.to_vec(), kinds: AWARDEE_KINDS.to_vec(), extra })
}

#[derive(Template)]
#[template(path = "events/honour_form.html")]
struct HonourFormPage {
    c: PageCtx,
    f: HonourForm,
    errors: FormErrors,
    units: Vec<UnitOption>,
    levels: Vec<&'static str>,
    kinds: Vec<&'static str>,
}

impl HonourFormPage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

async fn honour_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = units::options(&st.db.conn, &auth.scope).await?;
    let f = HonourForm {
        unit_id: auth.unit_id.to_string(),
        level: "city".into(),
        awardee_kind: "organisation".into(),
        year: crate::platform::time::today().format("%Y").to_string(),
        ..HonourForm::default()
    };
    render(&HonourFormPage {
        c,
        f,
        errors: FormErrors::default(),
        units,
        levels: HONOUR_LEVELS.to_vec(),
        kinds: AWARDEE_KINDS.to_vec(),
    })
}

async fn honour_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<HonourForm>,
) -> AppResult<Response> {
    let mut errs = Vec::new();
    let input = match f.validate() {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit"));
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let units = units::options(&st.db.conn, &auth.scope).await?;
        let errors = FormErrors::from_keys(&c, errs);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &HonourFormPage { c, f, errors, units, levels: HONOUR_LEVELS.to_vec(), kinds: AWARDEE_KINDS.to_vec() },
        );
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/honours"));
    }
    let id = store::insert_honour(&*tx, &input, None, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "honour", id).unit(input.unit_id).after(&input),
    )
    .await?;
    once::complete(&*tx, &f.nonce, "/honours").await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/honours"))
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

async fn event_photo(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let unit = store::event_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let (bytes, name, kind, ctype) = files::upload(mp, true).await?;
    let tx = st.db.write().await?;
    let aid =
        files::store(&*tx, &st.config.data_dir, "event", id, unit, &name, &bytes, kind, ctype, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("attach", "event", id)
            .unit(unit)
            .after(&serde_json::json!({"attachment": aid, "filename": name, "size": bytes.len()})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/events"))
}

async fn document_file(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let unit = store::document_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let (bytes, name, kind, ctype) = files::upload(mp, false).await?;
    let tx = st.db.write().await?;
    let aid = files::store(&*tx, &st.config.data_dir, "document", id, unit, &name, &bytes, kind, ctype, Some(auth.id))
        .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("attach", "document", id)
            .unit(unit)
            .after(&serde_json::json!({"attachment": aid, "filename": name, "size": bytes.len()})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/documents"))
}
