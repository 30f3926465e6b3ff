//! Pages of action plans and their activities.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::store::set_flash;
use crate::party::figures::{self, Heat};
use crate::party::model::{ActivityForm, PlanForm};
use crate::party::store::{self, ActivityRow, Named, PlanRow};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::units::store::{self as units, UnitOption};

pub fn routes() -> Routes {
    Routes::new()
        .get("/party/plans", Need::Perm("party.read"), plans)
        .post("/party/plans", Need::Perm("party.write"), plan_create)
        .get("/party/plans/{id}", Need::Perm("party.read"), plan_detail)
        .post("/party/plans/{id}/activities", Need::Perm("party.write"), activity_create)
}

fn errors_from(c: &PageCtx, errs: Vec<(&'static str, &'static str)>) -> FormErrors {
    let mut e = FormErrors::default();
    for (f, k) in errs {
        e.add(f, c.t(k));
    }
    e
}

#[derive(Template)]
#[template(path = "party/plans.html")]
struct PlansPage {
    c: PageCtx,
    plans: Vec<PlanRow>,
    f: PlanForm,
    errors: FormErrors,
}

async fn plans(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let plans = store::plans(&st.db.conn).await?;
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
            let plans = store::plans(&st.db.conn).await?;
            let errors = errors_from(&c, errs);
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
    activities: Vec<ActivityRow>,
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
    f: ActivityForm,
    party_names: String,
    errors: FormErrors,
) -> AppResult<PlanPage> {
    let plan = store::plan(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let heat = figures::heat(&st.db.conn, &auth.scope, id).await?;
    let participants = store::participants(&st.db.conn, &auth.scope, id).await?;
    let activities = store::activities(&st.db.conn, &auth.scope, id, 100).await?;
    let domains = store::domains(&st.db.conn, id).await?;
    let modes = store::modes(&st.db.conn, id).await?;
    let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
    Ok(PlanPage { c, plan, heat, participants, activities, domains, modes, units, f, party_names, errors })
}

async fn plan_detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let f = ActivityForm {
        held_on: crate::platform::time::today().to_string(),
        unit_id: auth.unit_id.to_string(),
        ..ActivityForm::default()
    };
    let page = plan_page(&st, c, &auth, id, f, String::new(), FormErrors::default()).await?;
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
    store::plan(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
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
        let errors = errors_from(&c, errs);
        let page = plan_page(&st, c, &auth, id, p.form, p.party_orgs, errors).await?;
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
