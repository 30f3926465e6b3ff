//! Pages of action plans and their activities.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::party::figures::{self, Heat};
use crate::party::model::{ActivityForm, PlanForm};
use crate::party::store::{self, ActivityDetail, ActivityRow, Named, PlanRow};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::files;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::set_flash;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::units::{self as units, UnitOption};

pub fn routes() -> Routes {
    Routes::new()
        .get("/party/plans", Need::Perm("party.read"), plans)
        .post("/party/plans", Need::Perm("party.write"), plan_create)
        .with("id", &crate::party::PLAN)
        .get("/party/plans/{id}", Need::Perm("party.read"), plan_detail)
        .post("/party/plans/{id}/activities", Need::Perm("party.write"), activity_create)
        .get("/party/plans/{id}/export.xlsx", Need::Perm("party.read"), activities_export)
        .get("/party/plans/{id}/import", Need::Perm("party.write"), activities_import_form)
        .post("/party/plans/{id}/import", Need::Perm("party.write"), activities_import)
        .get("/party/activities/template.xlsx", Need::Perm("party.write"), activities_template)
        .get("/party/orgs/export.xlsx", Need::Perm("party.read"), party_orgs_export)
        .merge(
            Routes::new()
                .with("id", &crate::party::ACTIVITY)
                .get("/party/activities/{id}", Need::Perm("party.read"), activity_detail)
                .post("/party/activities/{id}/photos", Need::Perm("party.write"), activity_photo)
                .with("photo", &crate::party::ACTIVITY_PHOTO)
                .post("/party/activities/{id}/photos/{photo}/delete", Need::Perm("party.write"), activity_photo_delete),
        )
}

#[derive(Template)]
#[template(path = "party/plans.html")]
struct PlansPage {
    c: PageCtx,
    plans: Vec<PlanRow>,
    f: PlanForm,
    errors: FormErrors,
}

async fn plans(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let plans = store::plans(&st.db.conn, &auth.scope).await?;
    let f = PlanForm { year: crate::platform::time::today().format("%Y").to_string(), ..PlanForm::default() };
    render(&PlansPage { c, plans, f, errors: FormErrors::default() })
}

async fn plan_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<PlanForm>,
) -> AppResult<Response> {
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let plans = store::plans(&st.db.conn, &auth.scope).await?;
            let errors = FormErrors::from_keys(&c, errs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &PlansPage { c, plans, f, errors });
        }
    };
    let tx = st.db.write().await?;
    let id = store::insert_plan(&*tx, auth.unit_id, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "action_plan", id).unit(auth.unit_id).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/party/plans/{id}")))
}

#[derive(Template)]
#[template(path = "party/plan.html")]
struct PlanPage {
    c: PageCtx,
    plan: PlanRow,
    heat: Heat,
    participants: i64,
    activities: Page<ActivityRow>,
    p: PageParams,
    extra: String,
    domains: Vec<Named>,
    modes: Vec<Named>,
    units: Vec<UnitOption>,
    f: ActivityForm,
    party_names: String,
    errors: FormErrors,
}

impl PlanPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn plan_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: i64,
    p: PageParams,
    (f, party_names): (ActivityForm, String),
    errors: FormErrors,
) -> AppResult<PlanPage> {
    let plan = store::plan(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let heat = figures::heat(&st.db.conn, &auth.scope, id).await?;
    let participants = store::participants(&st.db.conn, &auth.scope, id).await?;
    let activities = store::activities(&st.db.conn, &auth.scope, id, &p).await?;
    let domains = store::domains(&st.db.conn, id).await?;
    let modes = store::modes(&st.db.conn, id).await?;
    let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
    let extra = String::new();
    Ok(PlanPage { c, plan, heat, participants, activities, p, extra, domains, modes, units, f, party_names, errors })
}

async fn plan_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    p: PageParams,
) -> AppResult<Response> {
    let f = ActivityForm {
        held_on: crate::platform::time::today().to_string(),
        unit_id: auth.unit_id.to_string(),
        ..ActivityForm::default()
    };
    let page = plan_page(&st, c, &auth, id, p, (f, String::new()), FormErrors::default()).await?;
    render(&page)
}

#[derive(Deserialize)]
struct ActivityPost {
    #[serde(flatten)]
    form: ActivityForm,
    /// Participating Party organisations, one name per line.
    #[serde(default)]
    party_orgs: String,
}

async fn activity_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(p): Form<ActivityPost>,
) -> AppResult<Response> {
    store::plan(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let mut errs = Vec::new();
    let input = match p.form.validate() {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if !store::domains(&st.db.conn, id).await?.iter().any(|d| d.id == i.domain_id) {
            errs.push(("domain_id", "plans.error.domain"));
        }
        if !store::modes(&st.db.conn, id).await?.iter().any(|m| m.id == i.mode_id) {
            errs.push(("mode_id", "plans.error.mode"));
        }
        if units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit"));
        }
    }
    let names: Vec<String> =
        p.party_orgs.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let found = store::party_org_ids_by_names(&st.db.conn, &auth.scope, &names).await?;
    if found.len() != names.len() || names.is_empty() {
        errs.push(("party_orgs", "plans.error.party_orgs"));
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_keys(&c, errs);
        let page = plan_page(&st, c, &auth, id, PageParams::default(), (p.form, p.party_orgs), errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let ids: Vec<i64> = found.iter().map(|(_, i)| *i).collect();
    let tx = st.db.write().await?;
    let aid = store::insert_activity(&*tx, id, &input, &ids, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "plan_activity", aid)
            .unit(input.unit_id)
            .after(&serde_json::json!({"activity": input, "party_orgs": ids})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("events.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/party/plans/{id}")))
}

#[derive(Template)]
#[template(path = "party/activity.html")]
struct ActivityPage {
    c: PageCtx,
    a: ActivityDetail,
    party_orgs: Vec<Named>,
    photos: Vec<files::Attachment>,
}

/// An activity: what, when, where, who took part, its photos and (for writers) a photo upload.
async fn activity_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let a = reachable_activity(&st, &auth, id).await?;
    let party_orgs = store::activity_party_orgs(&st.db.conn, id).await?;
    let photos = files::of(&st.db.conn, "plan_activity", &[id]).await?;
    render(&ActivityPage { c, a, party_orgs, photos })
}

/// An activity in the caller's scope whose plan is in it too (as the plan's page lists it).
async fn reachable_activity(st: &AppState, auth: &Auth, id: i64) -> AppResult<ActivityDetail> {
    let a = store::activity(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    store::plan(&st.db.conn, &auth.scope, a.plan_id).await?.ok_or(AppError::NotFound)?;
    Ok(a)
}

async fn activity_photo(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(aid): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let unit = reachable_activity(&st, &auth, aid).await?.unit_id;
    let up = files::upload(mp, true).await?;
    let owner = files::Owner { entity: "plan_activity", id: aid, unit };
    files::attach(&st, &auth, &c.ip, owner, &up, "files.photo_added").await?;
    Ok(see_other(&format!("/party/activities/{aid}")))
}

async fn activity_photo_delete(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((aid, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let unit = reachable_activity(&st, &auth, aid).await?.unit_id;
    let owner = files::Owner { entity: "plan_activity", id: aid, unit };
    files::detach(&st, &auth, &c.ip, owner, photo, "files.photo_deleted").await?;
    Ok(see_other(&format!("/party/activities/{aid}")))
}

/// A plan's activities in scope as xlsx: the registry's exporter (as `shegong export activities`)
/// for this plan, in the columns its import reads.
async fn activities_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let plan = store::plan(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let exchange = &crate::party::import::ACTIVITIES;
    crate::platform::web::export_download(&st, &c, &auth, exchange, "", Some(plan.id), &plan.title).await
}

/// Party organisations in scope as xlsx: the registry's exporter, as `shegong export party-orgs`.
async fn party_orgs_export(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let title = c.t("party.title");
    crate::platform::web::export_download(&st, &c, &auth, &crate::orgs::import::PARTY_ORGS, "", None, title).await
}

#[derive(Template)]
#[template(path = "party/import.html")]
struct ActivityImportPage {
    c: PageCtx,
    plan: PlanRow,
    report: Option<crate::platform::import::ImportReport>,
    error_list: crate::platform::import::ErrorList,
}

async fn activities_template(State(st): State<AppState>, auth: Auth) -> AppResult<Response> {
    use crate::party::import::{COLUMNS, HELP};
    let units = crate::units::unit_refs(&st.db, &auth.scope).await?.sheet();
    let bytes = crate::platform::xlsx::template_with(COLUMNS, HELP, &units)?;
    let name = crate::platform::web::FileName::new("activities-template.xlsx", "activities-template.xlsx");
    Ok(crate::platform::web::download(bytes, &name, crate::platform::web::XLSX_TYPE))
}

async fn activities_import_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let plan = store::plan(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    render(&ActivityImportPage { c, plan, report: None, error_list: Default::default() })
}

async fn activities_import(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let plan = store::plan(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let report =
        crate::platform::web::upload_report(&st, &c, &auth, mp, &crate::party::import::ACTIVITIES, Some(plan.id))
            .await?;
    let status = if report.committed() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let error_list =
        crate::platform::web::error_list(&c, &st.config.data_dir, &report.errors, crate::party::import::COLUMNS).await;
    render_status(status, &ActivityImportPage { c, plan, report: Some(report), error_list })
}
