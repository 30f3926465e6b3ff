//! Pages of the social-work stations: the tree with counts per tier, the station form, the
//! station page with its people, Party coverage, honours and photos, and the xlsx export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::events::HonourRow;
use crate::orgs::model::{date_problem, parse_date};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::files::{self, Attachment};
use crate::platform::once;
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::FileName;
use crate::platform::web::{download, render, render_status, see_other, FormErrors, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::stations::figures::{tiers, TierFigures};
use crate::stations::model::{tier_of_kind, EndForm, StaffForm, StationForm, EXPORT_COLUMNS, POSTS};
use crate::stations::store::{self, PartyOrgOption, StaffRow, StationRow, WorkerOption};
use crate::units::{self as units, UnitOption};

pub fn routes() -> Routes {
    Routes::new()
        .get("/stations", Need::Perm("stations.read"), tree)
        .get("/stations/new", Need::Perm("stations.write"), station_new)
        .get("/stations/party-orgs", Need::Perm("stations.write"), party_org_options)
        .get("/stations/export.xlsx", Need::Perm("stations.read"), export)
        .post("/stations", Need::Perm("stations.write"), station_create)
        .with("id", &crate::stations::STATION)
        .get("/stations/{id}", Need::Perm("stations.read"), station_detail)
        .get("/stations/{id}/edit", Need::Perm("stations.write"), station_edit)
        .post("/stations/{id}", Need::Perm("stations.write"), station_update)
        .post("/stations/{id}/staff", Need::Perm("stations.write"), staff_add)
        .post("/stations/{id}/staff/end", Need::Perm("stations.write"), staff_end)
        .post("/stations/{id}/photos", Need::Perm("stations.write"), station_photo)
        .with("photo", &crate::stations::STATION_PHOTO)
        .post("/stations/{id}/photos/{photo}/delete", Need::Perm("stations.write"), station_photo_delete)
}

/// A station with the stations below it (a town station's rooms).
pub struct Node {
    pub s: StationRow,
    pub children: Vec<Node>,
}

impl Node {
    pub fn staff_below(&self) -> i64 {
        self.children.iter().map(|n| n.s.staff + n.staff_below()).sum()
    }
    pub fn stations_below(&self) -> usize {
        self.children.iter().map(|n| 1 + n.stations_below()).sum()
    }
}

/// Hangs each station under the nearest station above its unit; rows come in tree order, so a
/// parent is always placed before its children. A station whose parent unit has no
/// station (or lies outside the scope) is a root.
pub fn build_tree(rows: Vec<StationRow>) -> Vec<Node> {
    fn place(nodes: &mut Vec<Node>, s: StationRow) {
        match nodes.iter_mut().find(|n| s.unit_path.starts_with(&n.s.unit_path) && s.unit_path != n.s.unit_path) {
            Some(parent) => place(&mut parent.children, s),
            None => nodes.push(Node { s, children: Vec::new() }),
        }
    }
    let mut roots = Vec::new();
    for r in rows {
        place(&mut roots, r);
    }
    roots
}

#[derive(Template)]
#[template(path = "stations/tree.html")]
struct TreePage {
    c: PageCtx,
    roots: Vec<Node>,
    tiers: Vec<TierFigures>,
    on: chrono::NaiveDate,
    q: TreeQuery,
}

/// What the tree shows (a figure's drill-down sets them): the stations on a day (default today),
/// in a unit's subtree, of one tier.
#[derive(Debug, Clone, Default, Deserialize)]
struct TreeQuery {
    #[serde(default)]
    on: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    tier: String,
}

async fn tree(State(st): State<AppState>, c: PageCtx, auth: Auth, Query(q): Query<TreeQuery>) -> AppResult<Response> {
    let on = match q.on.trim() {
        "" => today(),
        s => parse_date(s).ok_or_else(|| AppError::BadRequest("orgs.error.date".into()))?,
    };
    let mut rows = store::list(&st.db.conn, &auth.scope, on).await?;
    if !q.unit.trim().is_empty() {
        // A unit outside the scope does not exist for the caller.
        let id = q.unit.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
        let unit = units::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
        rows.retain(|r| r.unit_path.starts_with(&unit.path));
    }
    if crate::stations::model::TIERS.contains(&q.tier.as_str()) {
        rows.retain(|r| r.tier == q.tier);
    }
    let tiers = tiers(&rows, on);
    render(&TreePage { c, roots: build_tree(rows), tiers, on, q })
}

#[derive(Template)]
#[template(path = "stations/form.html")]
struct FormPage {
    c: PageCtx,
    /// Set when editing.
    id: Option<i64>,
    f: StationForm,
    errors: FormErrors,
    /// Units that may get a station (new only).
    units: Vec<UnitOption>,
    /// The station's unit (editing).
    unit_name: String,
    party_orgs: Vec<PartyOrgOption>,
}

impl FormPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

/// The Party organisations a station at this unit may name, for the caller (none when the unit is
/// not in the scope).
async fn party_orgs_for(st: &AppState, auth: &Auth, unit_id: &str) -> AppResult<Vec<PartyOrgOption>> {
    let Ok(id) = unit_id.trim().parse::<i64>() else { return Ok(vec![]) };
    match units::get_scoped(&st.db.conn, &auth.scope, id).await? {
        Some(u) => Ok(store::party_org_options(&st.db.conn, &auth.scope, &u.path).await?),
        None => Ok(vec![]),
    }
}

async fn station_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = store::free_units(&st.db.conn, &auth.scope).await?;
    let unit = units.iter().find(|u| u.id == auth.unit_id).or(units.first()).map(|u| u.id.to_string());
    let f = StationForm { unit_id: unit.unwrap_or_default(), ..StationForm::default() };
    let party_orgs = party_orgs_for(&st, &auth, &f.unit_id).await?;
    render(&FormPage { c, id: None, f, errors: FormErrors::default(), units, unit_name: String::new(), party_orgs })
}

#[derive(Deserialize)]
struct UnitQuery {
    #[serde(default)]
    unit_id: String,
}

#[derive(Template)]
#[template(path = "stations/party_options.html")]
struct PartyOptions {
    c: PageCtx,
    party_orgs: Vec<PartyOrgOption>,
    selected: String,
}

/// The options of the Party-organisation picker for a unit (htmx swaps them in when the unit changes).
async fn party_org_options(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<UnitQuery>,
) -> AppResult<Response> {
    let party_orgs = party_orgs_for(&st, &auth, &q.unit_id).await?;
    render(&PartyOptions { c, party_orgs, selected: String::new() })
}

async fn station_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<StationForm>,
) -> AppResult<Response> {
    if let Some(prev) = once::previous(&st.db.conn, &f.nonce, auth.id).await? {
        return Ok(see_other(if prev.is_empty() { "/stations" } else { &prev }));
    }
    let mut errs = Vec::new();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    let mut target = None;
    if let Some(i) = &input {
        match units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await? {
            // A deactivated unit gets no new station (the picker does not offer one either).
            Some(u) if !u.active => errs.push(("unit_id", "orgs.error.unit")),
            None => errs.push(("unit_id", "orgs.error.unit")),
            Some(u) => match tier_of_kind(&u.kind) {
                None => errs.push(("unit_id", "stations.error.tier")),
                Some(tier) => {
                    if store::unit_taken(&st.db.conn, u.id).await? {
                        errs.push(("unit_id", "stations.error.taken"));
                    }
                    if let Some(p) = i.party_org_id {
                        let allowed = store::party_org_options(&st.db.conn, &auth.scope, &u.path).await?;
                        if !allowed.iter().any(|o| o.id == p) {
                            errs.push(("party_org_id", "stations.error.party_org"));
                        }
                    }
                    target = Some((u, tier));
                }
            },
        }
    }
    let (Some(input), Some((unit, tier)), true) = (input, target, errs.is_empty()) else {
        return form_errors(&st, c, &auth, None, f, errs).await;
    };
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        return Ok(see_other(if prev.is_empty() { "/stations" } else { &prev }));
    }
    // Checked again inside the write: another user may have opened the unit's station meanwhile.
    if store::unit_taken(&*tx, unit.id).await? {
        drop(tx);
        return form_errors(&st, c, &auth, None, f, vec![("unit_id", "stations.error.taken")]).await;
    }
    let id = store::insert(&*tx, &input, tier, Some(auth.id)).await?;
    let mut after = input.audit();
    if let Some(o) = after.as_object_mut() {
        o.insert("tier".into(), tier.into());
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "station", id).unit(unit.id).after(&after))
        .await?;
    let location = format!("/stations/{id}");
    once::complete(&*tx, &f.nonce, &location).await?;
    set_flash(&*tx, auth.session_id, Some("stations.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&location))
}

/// The form again with its errors next to the fields (422).
async fn form_errors(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    editing: Option<&StationRow>,
    f: StationForm,
    errs: Vec<(&'static str, &'static str)>,
) -> AppResult<Response> {
    let errors = FormErrors::from_keys(&c, errs);
    let (units, unit_name) = match editing {
        Some(s) => (vec![], s.unit_name.clone()),
        None => (store::free_units(&st.db.conn, &auth.scope).await?, String::new()),
    };
    let party_orgs = match editing {
        Some(s) => store::party_org_options(&st.db.conn, &auth.scope, &s.unit_path).await?,
        None => party_orgs_for(st, auth, &f.unit_id).await?,
    };
    let page = FormPage { c, id: editing.map(|s| s.id), f, errors, units, unit_name, party_orgs };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "stations/detail.html")]
struct DetailPage {
    c: PageCtx,
    s: StationRow,
    staff: Vec<StaffRow>,
    honours: Vec<HonourRow>,
    photos: Vec<Attachment>,
    workers: Vec<WorkerOption>,
    posts: Vec<&'static str>,
    sf: StaffForm,
    errors: FormErrors,
    on: chrono::NaiveDate,
}

async fn detail_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    s: StationRow,
    sf: StaffForm,
    errors: FormErrors,
) -> AppResult<DetailPage> {
    let staff = store::staff_of(&st.db.conn, s.id).await?;
    let honours = crate::events::honours_at_unit(&st.db.conn, s.unit_id).await?;
    let photos = files::of(&st.db.conn, "station", &[s.id]).await?;
    let workers = if auth.can("stations.write") {
        store::worker_options(&st.db.conn, &auth.scope, &s.unit_path).await?
    } else {
        vec![]
    };
    Ok(DetailPage { c, s, staff, honours, photos, workers, posts: POSTS.to_vec(), sf, errors, on: today() })
}

async fn station_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let sf = StaffForm { post: "full_time".into(), from_on: today().to_string(), ..StaffForm::default() };
    render(&detail_page(&st, c, &auth, s, sf, FormErrors::default()).await?)
}

async fn station_edit(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let s = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let party_orgs = store::party_org_options(&st.db.conn, &auth.scope, &s.unit_path).await?;
    let f = StationForm {
        unit_id: s.unit_id.to_string(),
        name: s.name.clone(),
        address: s.address.clone(),
        opened_on: s.opened_on.map(|d| d.to_string()).unwrap_or_default(),
        manager: s.manager.clone(),
        phone: String::new(),
        description: s.description.clone(),
        party_org_id: s.party_org_id.map(|p| p.to_string()).unwrap_or_default(),
        party_instructor: s.party_instructor.clone(),
        version: s.version.to_string(),
        nonce: String::new(),
    };
    let unit_name = s.unit_name.clone();
    render(&FormPage { c, id: Some(id), f, errors: FormErrors::default(), units: vec![], unit_name, party_orgs })
}

/// Edits a station's profile. The unit (and so the tier) stays; an empty phone keeps the number.
async fn station_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(mut f): Form<StationForm>,
) -> AppResult<Response> {
    let old = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let version = crate::platform::web::form_version(&f.version)?;
    f.unit_id = old.unit_id.to_string();
    let phone_typed = f.phone.clone();
    if f.phone.trim().is_empty() {
        f.phone = old.phone.clone().unwrap_or_default();
    }
    let mut errs = Vec::new();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(p) = input.as_ref().and_then(|i| i.party_org_id) {
        // The Party organisation already named stays acceptable even if the picker would no
        // longer offer it (e.g. it is outside this editor's scope).
        if old.party_org_id != Some(p) {
            let allowed = store::party_org_options(&st.db.conn, &auth.scope, &old.unit_path).await?;
            if !allowed.iter().any(|o| o.id == p) {
                errs.push(("party_org_id", "stations.error.party_org"));
            }
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        // The number on record is never sent back to the browser.
        let f = StationForm { phone: phone_typed, ..f };
        return form_errors(&st, c, &auth, Some(&old), f, errs).await;
    };
    let tx = st.db.write().await?;
    if !store::update(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "station", id).unit(old.unit_id).before(&old.as_input().audit()).after(&input.audit()),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("stations.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/stations/{id}")))
}

/// Adds a person: a social worker of the register (at the station's unit, above or below it,
/// not already there), or someone else by name.
async fn staff_add(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StaffForm>,
) -> AppResult<Response> {
    let s = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let mut errs = Vec::new();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(w) = input.as_ref().and_then(|i| i.worker_id) {
        let allowed = store::worker_options(&st.db.conn, &auth.scope, &s.unit_path).await?;
        if !allowed.iter().any(|o| o.id == w) {
            errs.push(("worker_id", "stations.error.worker"));
        } else if store::worker_present(&st.db.conn, id, w).await? {
            errs.push(("worker_id", "stations.error.worker_present"));
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_keys(&c, errs);
        let page = detail_page(&st, c, &auth, s, f, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let loc = format!("/stations/{id}#staff");
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        return Ok(see_other(&loc));
    }
    // Checked again under the write lock: another request may have added the person meanwhile.
    if let Some(w) = input.worker_id {
        if store::worker_present(&*tx, id, w).await? {
            drop(tx);
            let errors = FormErrors::from_keys(&c, vec![("worker_id", "stations.error.worker_present")]);
            let page = detail_page(&st, c, &auth, s, f, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    }
    let sid = store::insert_staff(&*tx, id, &input).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("add_staff", "station", id)
            .unit(s.unit_id)
            .after(&serde_json::json!({"staff": sid, "person": input})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &loc).await?;
    set_flash(&*tx, auth.session_id, Some("stations.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&loc))
}

/// Ends a current person's time at the station on a date (not before they started).
async fn staff_end(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EndForm>,
) -> AppResult<Response> {
    let s = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let staff_id = f.staff_id.trim().parse::<i64>().map_err(|_| AppError::BadRequest("error.bad_request".into()))?;
    let to_on = parse_date(&f.to_on)
        .ok_or_else(|| AppError::BadRequest(date_problem(&f.to_on, "stations.error.to_on").into()))?;
    let tx = st.db.write().await?;
    let before = store::staff_of(&*tx, id).await?.into_iter().find(|p| p.id == staff_id).ok_or(AppError::NotFound)?;
    if !store::end_staff(&*tx, id, staff_id, to_on).await? {
        return Err(AppError::BadRequest("stations.error.to_on".into()));
    }
    let after = store::StaffRow { to_on: Some(to_on), ..before.clone() };
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("end_staff", "station", id).unit(s.unit_id).before(&before).after(&after),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("stations.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/stations/{id}#staff")))
}

async fn station_photo(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let s = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let up = files::upload(mp, true).await?;
    let owner = files::Owner { entity: "station", id, unit: s.unit_id };
    files::attach(&st, &auth, &c.ip, owner, &up, "files.photo_added").await?;
    Ok(see_other(&format!("/stations/{id}")))
}

async fn station_photo_delete(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let s = store::get(&st.db.conn, &auth.scope, id, today()).await?.ok_or(AppError::NotFound)?;
    let owner = files::Owner { entity: "station", id, unit: s.unit_id };
    files::detach(&st, &auth, &c.ip, owner, photo, "files.photo_deleted").await?;
    Ok(see_other(&format!("/stations/{id}")))
}

/// The stations in the caller's scope as xlsx, in tree order; phones masked.
async fn export(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    use crate::platform::xlsx::Cell;
    let rows = store::list(&st.db.conn, &auth.scope, today()).await?;
    let text = |s: &str| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) };
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|s| {
            vec![
                Cell::Text(c.t(s.tier_key().as_str()).to_string()),
                Cell::Text(s.name.clone()),
                Cell::Text(s.unit_name.clone()),
                text(&s.address),
                s.opened_on.map(Cell::Date).unwrap_or(Cell::Empty),
                text(&s.manager),
                text(&s.phone_masked()),
                text(s.party_org_name.as_deref().unwrap_or("")),
                text(&s.party_instructor),
                Cell::Int(s.staff),
            ]
        })
        .collect();
    let bytes = crate::platform::xlsx::write(EXPORT_COLUMNS, &cells)?;
    let name =
        FileName::export_of_user(&c, "stations", crate::platform::period::this_year(), c.t("stations.title"), "xlsx");
    Ok(download(bytes, &name, XLSX_TYPE))
}
