//! Honours (表彰荣誉): list, registration, the page of one honour, and editing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use sea_orm::DatabaseTransaction;

use crate::events::model::{HonourForm, HonourInput, AWARDEE_KINDS, HONOUR_LEVELS};
use crate::events::store::{self, HonourFilter, HonourRow};
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
#[template(path = "events/honours.html")]
struct HonourList {
    c: PageCtx,
    p: PageParams,
    f: HonourFilter,
    year_filter: YearFilter,
    page: Page<HonourRow>,
    levels: Vec<&'static str>,
    kinds: Vec<&'static str>,
    extra: String,
}

pub(super) async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(mut f): Query<HonourFilter>,
) -> AppResult<Response> {
    // The years with honours in scope; text that is not one of them filters on no year.
    let year_filter = YearFilter::choose(store::honour_years(&st.db.conn, &auth.scope).await?, &f.year);
    f.year = year_filter.year.map(|y| y.to_string()).unwrap_or_default();
    let page = store::honours(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([
        ("level", f.level.as_str()),
        ("year", f.year.as_str()),
        ("awardee_kind", f.awardee_kind.as_str()),
        ("unit", f.unit.as_str()),
    ])
    .unwrap_or_default();
    render(&HonourList {
        c,
        p,
        f,
        year_filter,
        page,
        levels: HONOUR_LEVELS.to_vec(),
        kinds: AWARDEE_KINDS.to_vec(),
        extra,
    })
}

#[derive(Template)]
#[template(path = "events/honour_form.html")]
struct HonourFormPage {
    c: PageCtx,
    /// Set when editing.
    id: Option<i64>,
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

async fn form_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: Option<i64>,
    f: HonourForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let units = units::options(&st.db.conn, &auth.scope).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(
        status,
        &HonourFormPage { c, id, f, errors, units, levels: HONOUR_LEVELS.to_vec(), kinds: AWARDEE_KINDS.to_vec() },
    )
}

pub(super) async fn new_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let f = HonourForm {
        unit_id: auth.unit_id.to_string(),
        level: "city".into(),
        awardee_kind: "organisation".into(),
        year: today().format("%Y").to_string(),
        ..HonourForm::default()
    };
    form_page(&st, c, &auth, None, f, FormErrors::default()).await
}

/// The form's own rules, then the unit inside the caller's scope.
async fn checked(st: &AppState, auth: &Auth, f: &HonourForm) -> AppResult<Result<HonourInput, super::Problems>> {
    super::in_scope(st, auth, f.validate(), |i| i.unit_id).await
}

pub(super) async fn create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<HonourForm>,
) -> AppResult<Response> {
    let input = match checked(&st, &auth, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return form_page(&st, c, &auth, None, f, errors).await;
        }
    };
    let write = async |tx: &DatabaseTransaction| {
        let id = store::insert_honour(tx, &input, None, Some(auth.id)).await?;
        Ok(Event::new("create", "honour", id).unit(input.unit_id).after(&input))
    };
    super::save_new(&st, &c, &auth, &f.nonce, "/honours", write).await
}

#[derive(Template)]
#[template(path = "events/honour.html")]
struct HonourPage {
    c: PageCtx,
    h: HonourRow,
    photos: Vec<Attachment>,
}

pub(super) async fn detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let h = store::honour(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let photos = files::of(&st.db.conn, "honour", &[id]).await?;
    render(&HonourPage { c, h, photos })
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let h = store::honour(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let f = HonourForm {
        unit_id: h.unit_id.to_string(),
        title: h.title.clone(),
        level: h.level.clone(),
        year: h.year.to_string(),
        awardee_kind: h.awardee_kind.clone(),
        awardee_name: h.awardee_name.clone(),
        awarding_body: h.awarding_body.clone(),
        version: h.version.to_string(),
        nonce: String::new(),
    };
    form_page(&st, c, &auth, Some(id), f, FormErrors::default()).await
}

pub(super) async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<HonourForm>,
) -> AppResult<Response> {
    let old = store::honour(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let input = match checked(&st, &auth, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            return form_page(&st, c, &auth, Some(id), f, errors).await;
        }
    };
    let event = Event::new("update", "honour", id).unit(input.unit_id).before(&old).after(&input);
    let write = async |tx: &DatabaseTransaction, version| store::update_honour(tx, id, &input, version).await;
    super::save_edit(&st, &c, &auth, &f.version, event, &format!("/honours/{id}"), write).await
}

/// `POST /honours/{id}/photos`: a photo added to the honour (the certificate, the ceremony).
pub(super) async fn photo(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let unit = store::honour_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let up = files::upload(mp, true).await?;
    files::attach(&st, &auth, &c.ip, Owner { entity: "honour", id, unit }, &up, "files.photo_added").await?;
    Ok(see_other(&format!("/honours/{id}")))
}

/// `POST /honours/{id}/photos/{photo}/delete`: a photo removed from the honour.
pub(super) async fn photo_delete(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let unit = store::honour_unit(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    files::detach(&st, &auth, &c.ip, Owner { entity: "honour", id, unit }, photo, "files.photo_deleted").await?;
    Ok(see_other(&format!("/honours/{id}")))
}
