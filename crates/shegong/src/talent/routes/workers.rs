//! The register of social workers: list, registration, profile, reveal, editing and export.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::talent::model::WorkerForm;
use crate::talent::store::{self};

pub fn routes() -> Routes {
    Routes::new()
        .get("/talent/workers", Need::Perm("talent.read"), worker_list)
        .get("/talent/workers/new", Need::Perm("talent.write"), worker_new)
        .get("/talent/workers/export.xlsx", Need::Perm("talent.read"), workers_export)
        .post("/talent/workers", Need::Perm("talent.write"), worker_create)
        .with("id", &crate::talent::WORKER)
        .get("/talent/workers/{id}", Need::Perm("talent.read"), worker_detail)
        .post("/talent/workers/{id}/reveal", Need::Perm("talent.pii_reveal"), worker_reveal)
        .get("/talent/workers/{id}/edit", Need::Perm("talent.write"), worker_edit)
        .post("/talent/workers/{id}", Need::Perm("talent.write"), worker_update)
}

#[derive(Template)]
#[template(path = "talent/workers.html")]
struct WorkerList {
    c: PageCtx,
    p: PageParams,
    f: store::WorkerFilter,
    page: Page<store::WorkerRow>,
    /// Exam passes and awards of the listed workers, for the year filters.
    counts: store::WorkerCounts,
    extra: String,
}

async fn worker_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<store::WorkerFilter>,
) -> AppResult<Response> {
    let page = store::workers(&st.db.conn, &auth.scope, &f, &p).await?;
    let counts = store::worker_counts(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = f.query_string();
    render(&WorkerList { c, p, f, page, counts, extra })
}

#[derive(Template)]
#[template(path = "talent/worker_form.html")]
struct WorkerFormPage {
    c: PageCtx,
    /// Set when editing.
    id: Option<i64>,
    f: WorkerForm,
    errors: FormErrors,
    units: Vec<crate::units::UnitOption>,
    agencies: Vec<store::AgencyOption>,
}

impl WorkerFormPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn worker_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = crate::units::options(&st.db.conn, &auth.scope).await?;
    let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
    let f = WorkerForm { unit_id: auth.unit_id.to_string(), ..Default::default() };
    render(&WorkerFormPage { c, id: None, f, errors: FormErrors::default(), units, agencies })
}

async fn worker_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<WorkerForm>,
) -> AppResult<Response> {
    let mut errs = crate::platform::web::Problems::default();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if crate::units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
        }
        // Checked only for an otherwise valid form, so that testing candidate numbers costs a
        // real (audited) registration for every miss.
        if errs.is_empty() && store::id_number_taken(&st.db.conn, &i.id_number).await? {
            // One answer for every clash, inside the caller's scope or not; the attempt is kept
            // (without the number) so that the Bureau can see someone probing the register.
            errs.push(("id_number", "workers.error.id_taken", String::new()));
            let tx = st.db.write().await?;
            audit::record(
                &*tx,
                &Actor::user(&auth, &c.ip),
                Event::new("id_number_clash", "social_worker", "")
                    .unit(auth.unit_id)
                    .after(&serde_json::json!({"unit": i.unit_id})),
            )
            .await?;
            tx.commit().await?;
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_problems(&c, errs);
        let units = crate::units::options(&st.db.conn, &auth.scope).await?;
        let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
        // Every value the user typed comes back, the ID number and the phone included: they are
        // the user's own input, and retyping them after any error is what made the form hated.
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WorkerFormPage { c, id: None, f, errors, units, agencies },
        );
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/talent/workers"));
    }
    let id = store::insert_worker(&*tx, &input, Some(auth.id)).await?;
    // The input serialises masked (ID number, phone, year of birth only): the log is read by
    // auditors who may not see them.
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "social_worker", id).unit(input.unit_id).after(&input),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &format!("/talent/workers/{id}")).await?;
    set_flash(&*tx, auth.session_id, Some("workers.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/workers/{id}")))
}

#[derive(Template)]
#[template(path = "talent/worker.html")]
struct WorkerPage {
    c: PageCtx,
    w: store::WorkerRow,
    history: Vec<store::QualificationRow>,
}

async fn worker_detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let w = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let history = store::qualifications_of(&st.db.conn, id).await?;
    render(&WorkerPage { c, w, history })
}

#[derive(Template)]
#[template(path = "talent/revealed.html")]
struct Revealed {
    c: PageCtx,
    id_number: String,
    phone: String,
}

/// Shows one worker's full ID number and phone; every reveal is an audit event.
async fn worker_reveal(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let w = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("reveal", "social_worker", id)
            .unit(w.unit_id)
            .after(&serde_json::json!({"fields": ["id_number", "phone"]})),
    )
    .await?;
    tx.commit().await?;
    render(&Revealed { c, id_number: w.id_number.clone(), phone: w.phone.clone().unwrap_or_default() })
}

async fn worker_edit(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let w = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let units = crate::units::options(&st.db.conn, &auth.scope).await?;
    let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
    let f = WorkerForm {
        name: w.name.clone(),
        gender: w.gender.clone(),
        unit_id: w.unit_id.to_string(),
        education: w.education.clone(),
        employer_org_id: w.employer_org_id.map(|e| e.to_string()).unwrap_or_default(),
        version: w.version.to_string(),
        ..Default::default()
    };
    render(&WorkerFormPage { c, id: Some(id), f, errors: FormErrors::default(), units, agencies })
}

/// Edits a worker's profile. The ID number (and with it gender and birth date) stays as
/// registered; an empty phone keeps the number on record.
async fn worker_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(mut f): Form<WorkerForm>,
) -> AppResult<Response> {
    let old = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    // What the user typed into the phone field (empty: keep the number on record, which is never
    // sent to the browser).
    let typed_phone = f.phone.clone();
    f.id_number = old.id_number.clone();
    f.gender = old.gender.clone();
    if f.phone.trim().is_empty() {
        f.phone = old.phone.clone().unwrap_or_default();
    }
    f.level.clear();
    let version = crate::platform::web::form_version(&f.version)?;
    let mut errs = crate::platform::web::Problems::default();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if crate::units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_problems(&c, errs);
        let units = crate::units::options(&st.db.conn, &auth.scope).await?;
        let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
        let f = WorkerForm { id_number: String::new(), phone: typed_phone, ..f };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WorkerFormPage { c, id: Some(id), f, errors, units, agencies },
        );
    };
    let tx = st.db.write().await?;
    if !store::update_worker(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    let masked = |w: &store::WorkerRow| serde_json::json!({"name": w.name, "unit": w.unit_id, "education": w.education, "employer": w.employer_org_id, "phone": w.phone_masked()});
    let after = serde_json::json!({"name": input.name, "unit": input.unit_id, "education": input.education, "employer": input.employer_org_id, "phone": input.phone.as_deref().map(crate::platform::pii::phone_masked)});
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "social_worker", id).unit(input.unit_id).before(&masked(&old)).after(&after),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("workers.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/workers/{id}")))
}

/// The register as xlsx, filtered as the list is: the registry's exporter, as `shegong export
/// workers`. ID numbers and phones masked unless the role may reveal them, and the year of
/// birth, never the date (a full number carries it; beside a mask it would rebuild the number);
/// every export is audited with what it contained.
async fn workers_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(_f): Query<store::WorkerFilter>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let title = c.t("workers.title");
    crate::platform::web::export_download(
        &st,
        &c,
        &auth,
        &crate::talent::import::WORKERS,
        q.as_deref().unwrap_or(""),
        None,
        title,
    )
    .await
}
