//! Campaigns (coordinators): list, registration, detail with the shifts in the caller's
//! communities, editing, and adding a shift.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::{render, render_status, see_other, set_flash, FormErrors, PageCtx, Problems};
use crate::platform::AppState;
use crate::units::UnitOption;
use crate::volunteers::model::{CampaignForm, CampaignInput, ShiftForm, STATUSES};
use crate::volunteers::store::{self, CampaignRow, CommunityRow, ServiceType, ShiftRow};

pub fn routes() -> Routes {
    Routes::new()
        .get("/volunteers", Need::Perm("volunteers.read"), campaign_list)
        .get("/volunteers/campaigns/new", Need::Perm("volunteers.write"), campaign_new)
        .post("/volunteers/campaigns", Need::Perm("volunteers.write"), campaign_create)
        .with("id", &crate::volunteers::CAMPAIGN)
        .get("/volunteers/campaigns/{id}", Need::Perm("volunteers.read"), campaign_detail)
        .get("/volunteers/campaigns/{id}/edit", Need::Perm("volunteers.write"), campaign_edit)
        .post("/volunteers/campaigns/{id}", Need::Perm("volunteers.write"), campaign_update)
        .post("/volunteers/campaigns/{id}/shifts", Need::Perm("volunteers.write"), shift_create)
}

#[derive(Template)]
#[template(path = "volunteers/campaigns.html")]
struct CampaignList {
    c: PageCtx,
    p: PageParams,
    f: store::CampaignFilter,
    page: Page<CampaignRow>,
    extra: String,
    statuses: [&'static str; 4],
}

async fn campaign_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<store::CampaignFilter>,
) -> AppResult<Response> {
    let page = store::campaigns(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([("status", f.status.as_str())]).unwrap_or_default();
    render(&CampaignList { c, p, f, page, extra, statuses: STATUSES })
}

#[derive(Template)]
#[template(path = "volunteers/campaign_form.html")]
struct CampaignFormPage {
    c: PageCtx,
    id: Option<i64>,
    f: CampaignForm,
    errors: FormErrors,
    units: std::sync::Arc<Vec<UnitOption>>,
    statuses: [&'static str; 4],
}

impl CampaignFormPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
    fn picked(&self, id: &i64) -> bool {
        self.f.communities.iter().any(|c| c.trim() == id.to_string())
    }
}

async fn campaign_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = crate::units::picker(&st, &auth).await?;
    let f = CampaignForm {
        unit_id: auth.unit_id.to_string(),
        max_hours_per_day: "8".into(),
        max_consecutive_days: "6".into(),
        min_rest_minutes: "60".into(),
        ..Default::default()
    };
    render(&CampaignFormPage { c, id: None, f, errors: FormErrors::default(), units, statuses: STATUSES })
}

/// The form's rules and the caller's scope: the organiser and every target community inside it.
async fn check_campaign(st: &AppState, auth: &Auth, f: &CampaignForm) -> AppResult<Result<CampaignInput, Problems>> {
    let mut errs = Problems::default();
    let input = match f.validate() {
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
        for u in &i.communities {
            if crate::units::get_scoped(&st.db.conn, &auth.scope, *u).await?.is_none() {
                errs.push(("communities", "volunteers.error.communities", String::new()));
                break;
            }
        }
    }
    Ok(match input {
        Some(i) if errs.is_empty() => Ok(i),
        _ => Err(errs),
    })
}

async fn campaign_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = CampaignForm::from_pairs(&pairs);
    let input = match check_campaign(&st, &auth, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            let units = crate::units::picker(&st, &auth).await?;
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CampaignFormPage { c, id: None, f, errors, units, statuses: STATUSES },
            );
        }
    };
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        return Ok(see_other(if prev.is_empty() { "/volunteers" } else { &prev }));
    }
    let id = store::insert_campaign(&*tx, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "volunteer_campaign", id).unit(input.unit_id).after(&input),
    )
    .await?;
    let location = format!("/volunteers/campaigns/{id}");
    once::complete(&*tx, &f.nonce, &location).await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&location))
}

#[derive(Template)]
#[template(path = "volunteers/campaign.html")]
struct CampaignPage {
    c: PageCtx,
    k: CampaignRow,
    communities: Vec<CommunityRow>,
    shifts: Vec<ShiftRow>,
    /// The shift form (coordinators who may organise or serve the campaign).
    can_edit: bool,
    /// The campaign's organiser lies inside the caller's scope (editing).
    organiser: bool,
    sf: ShiftForm,
    errors: FormErrors,
    /// Communities of the caller where a shift can be added.
    shift_units: Vec<UnitOption>,
    types: Vec<ServiceType>,
}

async fn campaign_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: i64,
    sf: ShiftForm,
    errors: FormErrors,
) -> AppResult<CampaignPage> {
    let k = store::campaign(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let communities = store::communities(&st.db.conn, id).await?;
    let shifts = store::shifts_of_campaign(&st.db.conn, &auth.scope, id).await?;
    let picker = crate::units::picker(st, auth).await?;
    // Shifts go to communities (the third tier) the campaign serves.
    let shift_units: Vec<UnitOption> = picker
        .iter()
        .filter(|u| u.depth >= 2 && (communities.is_empty() || communities.iter().any(|c| c.id == u.id)))
        .cloned()
        .collect();
    let types = store::service_types(&st.db.conn).await?;
    let can_edit = auth.can("volunteers.write");
    let organiser = can_edit && crate::units::get_scoped(&st.db.conn, &auth.scope, k.unit_id).await?.is_some();
    Ok(CampaignPage { c, k, communities, shifts, can_edit, organiser, sf, errors, shift_units, types })
}

async fn campaign_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let sf = ShiftForm { capacity: "5".into(), start: "08:00".into(), end: "12:00".into(), ..Default::default() };
    render(&campaign_page(&st, c, &auth, id, sf, FormErrors::default()).await?)
}

/// The organiser must lie inside the caller's scope to edit (a station serving a city campaign
/// runs its shifts but does not change the campaign): a conflict the page explains, as the
/// caller holds the permission and reaches the campaign.
async fn organised(st: &AppState, auth: &Auth, k: &CampaignRow) -> AppResult<()> {
    if crate::units::get_scoped(&st.db.conn, &auth.scope, k.unit_id).await?.is_none() {
        return Err(AppError::Conflict("volunteers.error.not_organiser".into()));
    }
    Ok(())
}

async fn campaign_edit(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let k = store::campaign(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    organised(&st, &auth, &k).await?;
    let communities = store::communities(&st.db.conn, id).await?;
    let f = CampaignForm {
        unit_id: k.unit_id.to_string(),
        title: k.title.clone(),
        purpose: k.purpose.clone(),
        starts_on: k.starts_on.to_string(),
        ends_on: k.ends_on.to_string(),
        status: k.status.clone(),
        roles: k.roles.clone(),
        skills: k.skills.clone(),
        communities: communities.iter().map(|c| c.id.to_string()).collect(),
        max_hours_per_day: k.max_hours().to_string(),
        max_consecutive_days: k.max_consecutive_days.to_string(),
        min_rest_minutes: k.min_rest_minutes.to_string(),
        contact: k.contact.clone(),
        version: k.version.to_string(),
        nonce: String::new(),
    };
    let units = crate::units::picker(&st, &auth).await?;
    render(&CampaignFormPage { c, id: Some(id), f, errors: FormErrors::default(), units, statuses: STATUSES })
}

async fn campaign_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = CampaignForm::from_pairs(&pairs);
    let old = store::campaign(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    organised(&st, &auth, &old).await?;
    let version = crate::platform::web::form_version(&f.version)?;
    let input = match check_campaign(&st, &auth, &f).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            let units = crate::units::picker(&st, &auth).await?;
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CampaignFormPage { c, id: Some(id), f, errors, units, statuses: STATUSES },
            );
        }
    };
    let tx = st.db.write().await?;
    if !store::update_campaign(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "volunteer_campaign", id).unit(input.unit_id).before(&old).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/volunteers/campaigns/{id}")))
}

/// Adds a shift in a community inside the caller's scope that the campaign serves.
async fn shift_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ShiftForm>,
) -> AppResult<Response> {
    let k = store::campaign(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let mut errs = Problems::default();
    let input = match f.validate((k.starts_on, k.ends_on)) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if k.status == "closed" {
        errs.push(("shift_date", "volunteers.clash.closed", String::new()));
    }
    if let Some(i) = &input {
        let unit = crate::units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?;
        if unit.is_none_or(|u| u.depth < 2) || !store::serves(&st.db.conn, id, i.unit_id).await? {
            errs.push(("unit_id", "volunteers.error.community", String::new()));
        }
        if let Some(t) = i.service_type_id {
            if !store::service_types(&st.db.conn).await?.iter().any(|s| s.id == t) {
                errs.push(("service_type_id", "volunteers.error.service_type", String::new()));
            }
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_problems(&c, errs);
        let page = campaign_page(&st, c, &auth, id, f, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let token = crate::platform::web::random_token(16)?;
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        return Ok(see_other(if prev.is_empty() { "/volunteers" } else { &prev }));
    }
    let sid = store::insert_shift(&*tx, id, &input, &token, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "volunteer_shift", sid)
            .unit(input.unit_id)
            .after(&serde_json::json!({"campaign": id, "shift": input})),
    )
    .await?;
    let location = format!("/volunteers/shifts/{sid}");
    once::complete(&*tx, &f.nonce, &location).await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.shift_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&location))
}
