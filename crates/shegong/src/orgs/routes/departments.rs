//! The managed list of competent departments.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::orgs::store::{self};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::set_flash;
use crate::platform::web::{render, render_status, see_other, PageCtx};
use crate::platform::AppState;

#[derive(Template)]
#[template(path = "orgs/departments.html")]
pub(super) struct DepartmentsPage {
    c: PageCtx,
    rows: Vec<store::DepartmentRow>,
    error: String,
}

pub(super) async fn departments_page(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let rows = store::all_departments(&st.db.conn).await?;
    render(&DepartmentsPage { c, rows, error: String::new() })
}

#[derive(Deserialize)]
pub(super) struct DepartmentForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    on_committee: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    version: i32,
}

/// Adds a competent department to the managed list.
pub(super) async fn department_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<DepartmentForm>,
) -> AppResult<Response> {
    let code = f.code.trim().to_ascii_lowercase();
    let name = f.name.trim().to_string();
    let problem = if let Err(key) = crate::orgs::model::check_department(&code, &name) {
        Some(key)
    } else if store::department_code_taken(&st.db.conn, &code).await? {
        Some("departments.error.code_taken")
    } else {
        None
    };
    if let Some(key) = problem {
        let rows = store::all_departments(&st.db.conn).await?;
        let error = c.t(key).to_string();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &DepartmentsPage { c, rows, error });
    }
    let order = store::all_departments(&st.db.conn).await?.len() as i32;
    let tx = st.db.write().await?;
    let id = store::insert_department(&*tx, &code, &name, f.name_en.trim(), f.lead == "yes", order).await?;
    if f.on_committee != "yes" {
        store::update_department(&*tx, id, &name, f.name_en.trim(), f.lead == "yes", false, true, 1).await?;
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "department", id).after(&serde_json::json!({"code": code, "name": name, "lead": f.lead == "yes", "on_committee": f.on_committee == "yes"}))).await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/orgs/departments"))
}

/// Renames a department or changes its flags (committee membership, lead, active).
pub(super) async fn department_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DepartmentForm>,
) -> AppResult<Response> {
    let before =
        store::all_departments(&st.db.conn).await?.into_iter().find(|d| d.id == id).ok_or(AppError::NotFound)?;
    let name = f.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 100 {
        return Err(AppError::BadRequest("departments.error.name".into()));
    }
    let tx = st.db.write().await?;
    if !store::update_department(
        &*tx,
        id,
        &name,
        f.name_en.trim(),
        f.lead == "yes",
        f.on_committee == "yes",
        f.active == "yes",
        f.version,
    )
    .await?
    {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "department", id).before(&before).after(&serde_json::json!({"name": name, "lead": f.lead == "yes", "on_committee": f.on_committee == "yes", "active": f.active == "yes"})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("orgs.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/orgs/departments"))
}
