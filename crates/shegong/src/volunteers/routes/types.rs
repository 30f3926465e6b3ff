//! Service types as managed data (city reference data, `volunteers.types`): the list, adding a
//! type, renaming it (Chinese and English), disabling or enabling it, and deleting one that no
//! record or shift uses (a used type is disabled instead). Every change is audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{form_version, render, render_status, see_other, set_flash, FormErrors, PageCtx, Problems};
use crate::platform::AppState;
use crate::volunteers::model::ServiceTypeForm;
use crate::volunteers::store::{self, ServiceTypeRow};

pub fn routes() -> Routes {
    Routes::new()
        .get("/volunteers/types", Need::Perm("volunteers.read"), type_list)
        .post("/volunteers/types", Need::Perm("volunteers.types"), type_create)
        .with("id", &crate::volunteers::SERVICE_TYPE)
        .get("/volunteers/types/{id}", Need::Perm("volunteers.types"), type_edit)
        .post("/volunteers/types/{id}", Need::Perm("volunteers.types"), type_update)
        .post("/volunteers/types/{id}/active", Need::Perm("volunteers.types"), type_active)
        .post("/volunteers/types/{id}/delete", Need::Perm("volunteers.types"), type_delete)
}

#[derive(Template)]
#[template(path = "volunteers/types.html")]
struct TypeList {
    c: PageCtx,
    types: Vec<ServiceTypeRow>,
    /// The add form, with its problems.
    f: ServiceTypeForm,
    errors: FormErrors,
}

async fn list_page(st: &AppState, c: PageCtx, f: ServiceTypeForm, errors: FormErrors) -> AppResult<TypeList> {
    let types = store::all_service_types(&st.db.conn).await?;
    Ok(TypeList { c, types, f, errors })
}

async fn type_list(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    render(&list_page(&st, c, ServiceTypeForm::default(), FormErrors::default()).await?)
}

/// The form's rules and the names (and, for a new type, the code) not taken by another type.
async fn check(
    st: &AppState,
    f: &ServiceTypeForm,
    id: Option<i64>,
) -> AppResult<Result<(String, String, String, i32), Problems>> {
    let (code, name, name_en, order) = match f.validate(id.is_none()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut errs = Problems::default();
    if id.is_none() && store::type_code_taken(&st.db.conn, &code).await? {
        errs.push(("code", "volunteers.error.type_code_taken", code.clone()));
    }
    if store::type_name_taken(&st.db.conn, &name, &name_en, id).await? {
        errs.push(("name", "volunteers.error.type_name_taken", String::new()));
    }
    Ok(if errs.is_empty() { Ok((code, name, name_en, order)) } else { Err(errs) })
}

async fn type_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<ServiceTypeForm>,
) -> AppResult<Response> {
    let (code, name, name_en, order) = match check(&st, &f, None).await? {
        Ok(v) => v,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &list_page(&st, c, f, errors).await?);
        }
    };
    let tx = st.db.write().await?;
    let id = store::insert_service_type(&*tx, &code, &name, &name_en, order).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "volunteer_service_type", id)
            .after(&serde_json::json!({"code": code, "name": name, "name_en": name_en, "sort_order": order})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.type_saved")).await?;
    tx.commit().await?;
    Ok(see_other("/volunteers/types"))
}

#[derive(Template)]
#[template(path = "volunteers/type_form.html")]
struct TypeForm {
    c: PageCtx,
    t: ServiceTypeRow,
    f: ServiceTypeForm,
    errors: FormErrors,
}

async fn type_edit(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let t = store::service_type(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let f = ServiceTypeForm {
        code: t.code.clone(),
        name: t.name.clone(),
        name_en: t.name_en.clone(),
        sort_order: t.sort_order.to_string(),
        version: t.version.to_string(),
    };
    render(&TypeForm { c, t, f, errors: FormErrors::default() })
}

/// Renames (and reorders) a type; its code stays.
async fn type_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ServiceTypeForm>,
) -> AppResult<Response> {
    let version = form_version(&f.version)?;
    let t = store::service_type(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let (_, name, name_en, order) = match check(&st, &f, Some(id)).await? {
        Ok(v) => v,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &TypeForm { c, t, f, errors });
        }
    };
    let tx = st.db.write().await?;
    if !store::update_service_type(&*tx, id, (&name, &name_en, order), version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "volunteer_service_type", id)
            .before(&serde_json::json!({"name": t.name, "name_en": t.name_en, "sort_order": t.sort_order}))
            .after(&serde_json::json!({"name": name, "name_en": name_en, "sort_order": order})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.type_saved")).await?;
    tx.commit().await?;
    Ok(see_other("/volunteers/types"))
}

#[derive(Debug, Deserialize)]
struct ActiveForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    active: String,
}

/// Disables (no longer offered for new shifts, records and imports) or enables a type.
async fn type_active(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    let version = form_version(&f.version)?;
    let active = f.active == "true";
    let t = store::service_type(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    if !store::set_service_type_active(&*tx, id, active, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new(if active { "enable" } else { "disable" }, "volunteer_service_type", id)
            .before(&serde_json::json!({"active": t.active}))
            .after(&serde_json::json!({"active": active})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.type_saved")).await?;
    tx.commit().await?;
    Ok(see_other("/volunteers/types"))
}

/// Deletes a type nothing uses; a used one is refused (disable it instead).
async fn type_delete(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    let version = form_version(&f.version)?;
    let t = store::service_type(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    if t.used {
        return Err(AppError::Conflict("volunteers.error.type_used".into()));
    }
    let tx = st.db.write().await?;
    if !store::delete_service_type(&*tx, id, version).await? {
        return Err(AppError::Conflict("volunteers.error.type_used".into()));
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("delete", "volunteer_service_type", id)
            .before(&serde_json::json!({"code": t.code, "name": t.name, "name_en": t.name_en})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.type_deleted")).await?;
    tx.commit().await?;
    Ok(see_other("/volunteers/types"))
}
