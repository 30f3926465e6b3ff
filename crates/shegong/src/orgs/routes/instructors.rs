//! Party-building instructors (党建指导员): one assignment's page and its correction (name,
//! assignment date, end of the assignment). Assigning one is a form on the organisation's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::orgs::model::InstructorForm;
use crate::orgs::store::{self, InstructorRow};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, set_flash, FormErrors, PageCtx};
use crate::platform::AppState;

use super::errors_from;

#[derive(Template)]
#[template(path = "party/instructor.html")]
pub(super) struct InstructorPage {
    c: PageCtx,
    i: InstructorRow,
}

pub(super) async fn detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let i = store::instructor(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    render(&InstructorPage { c, i })
}

#[derive(Template)]
#[template(path = "party/instructor_form.html")]
pub(super) struct InstructorEditPage {
    c: PageCtx,
    i: InstructorRow,
    f: InstructorForm,
    errors: FormErrors,
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let i = store::instructor(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let f = InstructorForm {
        name: i.name.clone(),
        assigned_on: i.assigned_on.to_string(),
        ended_on: i.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        version: i.version.to_string(),
    };
    render(&InstructorEditPage { c, i, f, errors: FormErrors::default() })
}

pub(super) async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<InstructorForm>,
) -> AppResult<Response> {
    let old = store::instructor(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = errors_from(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &InstructorEditPage { c, i: old, f, errors });
        }
    };
    let version = crate::platform::web::form_version(&f.version)?;
    let tx = st.db.write().await?;
    if !store::update_instructor(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "party_instructor", id).unit(old.unit_id).before(&old).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/party/instructors/{id}")))
}
