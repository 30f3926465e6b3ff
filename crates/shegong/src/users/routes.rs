//! Administration pages for users and roles.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::auth as auth_store;
use crate::auth::model::check_password_policy;
use crate::platform::access::{Auth, DataScope, Need, Routes, PERMISSIONS};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::services as services_store;
use crate::units::{self as unit_store, UnitOption};
use crate::users::model::{parse_role_form, RoleRow, UserForm, UserInput, UserRow};
use crate::users::store::{self, UserFilter};

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/users", Need::Perm("users.read"), list)
        .get("/admin/users/new", Need::Perm("users.write"), new_form)
        .post("/admin/users", Need::Perm("users.write"), create)
        .with("id", &crate::users::USER)
        .get("/admin/users/{id}", Need::Perm("users.read"), detail)
        .get("/admin/users/{id}/edit", Need::Perm("users.write"), edit_form)
        .post("/admin/users/{id}", Need::Perm("users.write"), update)
        .post("/admin/users/{id}/disable", Need::Perm("users.write"), set_disabled)
        .post("/admin/users/{id}/password", Need::Perm("users.write"), reset_password)
        .post("/admin/users/{id}/roles", Need::Perm("users.grant"), set_roles)
        .get("/admin/roles", Need::Perm("roles.read"), roles)
        .get("/admin/roles/new", Need::Perm("roles.write"), role_new)
        .post("/admin/roles", Need::Perm("roles.write"), role_create)
        .with("id", &crate::users::ROLE)
        .get("/admin/roles/{id}", Need::Perm("roles.read"), role_detail)
        .post("/admin/roles/{id}", Need::Perm("roles.write"), role_update)
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: UserFilter,
    page: Page<UserRow>,
    roles: Vec<RoleRow>,
    extra: String,
}

async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<UserFilter>,
) -> AppResult<Response> {
    let page = store::list(&st.db.conn, &auth.scope, &f, &p).await?;
    let roles = store::roles(&st.db.conn).await?;
    let extra = serde_urlencoded::to_string([
        ("role", f.role.as_str()),
        ("status", f.status.as_str()),
        ("unit", f.unit.as_str()),
    ])
    .unwrap_or_default();
    render(&ListPage { c, p, f, page, roles, extra })
}

#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    c: PageCtx,
    id: Option<i64>,
    f: UserForm,
    errors: FormErrors,
    units: Vec<UnitOption>,
    orgs: Vec<OrgChoice>,
}

/// An entry of the 所属机构 picker.
struct OrgChoice {
    id: i64,
    name: String,
    /// False for a user's current organisation that is no longer a service institution in normal
    /// standing: shown so that saving never clears it silently (the server then refuses it).
    eligible: bool,
}

/// The organisations a user may belong to (service institutions in normal standing, agencies
/// first, the same rule as a project's agency), plus the selected one if it no longer qualifies.
async fn org_choices(st: &AppState, selected: &str) -> AppResult<Vec<OrgChoice>> {
    let mut orgs: Vec<OrgChoice> = services_store::agency_options(&st.db.conn)
        .await?
        .into_iter()
        .map(|o| OrgChoice { id: o.id, name: o.name, eligible: true })
        .collect();
    if let Ok(sel) = selected.trim().parse::<i64>() {
        if !orgs.iter().any(|o| o.id == sel) {
            if let Some(name) = store::organisation_name(&st.db.conn, sel).await? {
                orgs.insert(0, OrgChoice { id: sel, name, eligible: false });
            }
        }
    }
    Ok(orgs)
}

/// The server-side rule for 所属机构: none, or an existing service institution in normal standing.
async fn check_organisation(st: &AppState, c: &PageCtx, input: &UserInput, errors: &mut FormErrors) -> AppResult<()> {
    if let Some(o) = input.organisation_id {
        if !services_store::agency_eligible(&st.db.conn, o).await? {
            errors.add("organisation_id", c.t("users.error.organisation"));
        }
    }
    Ok(())
}

impl FormPage {
    fn indent(&self, depth: &i32) -> String {
        "　".repeat((*depth).max(0) as usize)
    }
}

async fn new_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = unit_store::options(&st.db.conn, &auth.scope).await?;
    let orgs = org_choices(&st, "").await?;
    render(&FormPage { c, id: None, f: UserForm::default(), errors: FormErrors::default(), units, orgs })
}

async fn form_error(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: Option<i64>,
    f: UserForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let units = unit_store::options(&st.db.conn, &auth.scope).await?;
    let orgs = org_choices(st, &f.organisation_id).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { c, id, f, errors, units, orgs })
}

async fn create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(mut f): Form<UserForm>,
) -> AppResult<Response> {
    let cfg = &st.config.security;
    if let Some(prev) = crate::platform::once::previous(&st.db.conn, &f.nonce, auth.id).await? {
        crate::platform::web::set_flash(&st.db.conn, auth.session_id, Some("common.duplicate")).await?;
        return Ok(see_other(if prev.is_empty() { "/admin/users" } else { &prev }));
    }
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let e = FormErrors::from_keys(&c, errs);
            f.password.clear();
            return form_error(&st, c, &auth, None, f, e).await;
        }
    };
    let mut errors = FormErrors::default();
    for key in check_password_policy(cfg, &input.username, &f.password) {
        errors.add(
            "password",
            c.tf(
                key,
                &[("min", &cfg.password_min_length.to_string()), ("classes", &cfg.password_min_classes.to_string())],
            ),
        );
    }
    if unit_store::get_scoped(&st.db.conn, &auth.scope, input.unit_id).await?.is_none() {
        errors.add("unit_id", c.t("users.error.unit"));
    }
    check_organisation(&st, &c, &input, &mut errors).await?;
    if store::username_taken(&st.db.conn, &input.username).await? {
        errors.add("username", c.t("users.error.username_taken"));
    }
    if !errors.is_empty() {
        f.password.clear();
        return form_error(&st, c, &auth, None, f, errors).await;
    }
    let hash = st.passwords.hash(&f.password).await?;
    let tx = st.db.write().await?;
    if let Some(prev) = crate::platform::once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        crate::platform::web::set_flash(&st.db.conn, auth.session_id, Some("common.duplicate")).await?;
        return Ok(see_other(if prev.is_empty() { "/admin/users" } else { &prev }));
    }
    if store::username_taken(&*tx, &input.username).await? {
        return Err(AppError::Conflict("users.error.username_taken".into()));
    }
    let id = store::insert(&*tx, &input, &hash, true).await?;
    crate::platform::once::complete(&*tx, &f.nonce, &format!("/admin/users/{id}")).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "user", id).unit(input.unit_id).after(&input))
        .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("users.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(Template)]
#[template(path = "users/detail.html")]
struct DetailPage {
    c: PageCtx,
    u: UserRow,
    roles: Vec<RoleRow>,
    user_roles: Vec<String>,
    errors: FormErrors,
}

async fn detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let u = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let roles = store::roles(&st.db.conn).await?;
    let user_roles = store::user_role_codes(&st.db.conn, id).await?;
    render(&DetailPage { c, u, roles, user_roles, errors: FormErrors::default() })
}

async fn edit_form(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let u = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let units = unit_store::options(&st.db.conn, &auth.scope).await?;
    let f = UserForm {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        unit_id: u.unit_id.to_string(),
        phone: u.phone.clone().unwrap_or_default(),
        email: u.email.clone().unwrap_or_default(),
        password: String::new(),
        organisation_id: u.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
        version: u.version.to_string(),
        nonce: String::new(),
    };
    let orgs = org_choices(&st, &f.organisation_id).await?;
    render(&FormPage { c, id: Some(id), f, errors: FormErrors::default(), units, orgs })
}

async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(mut f): Form<UserForm>,
) -> AppResult<Response> {
    let old = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    // The username is fixed once created.
    f.username = old.username.clone();
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let e = FormErrors::from_keys(&c, errs);
            return form_error(&st, c, &auth, Some(id), f, e).await;
        }
    };
    let mut errors = FormErrors::default();
    if unit_store::get_scoped(&st.db.conn, &auth.scope, input.unit_id).await?.is_none() {
        errors.add("unit_id", c.t("users.error.unit"));
    }
    check_organisation(&st, &c, &input, &mut errors).await?;
    if !errors.is_empty() {
        return form_error(&st, c, &auth, Some(id), f, errors).await;
    }
    let version = crate::platform::web::form_version(&f.version)?;
    let tx = st.db.write().await?;
    if !store::update(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    if old.organisation_id != input.organisation_id {
        // The organisation decides which agency projects the user sees: like a role change, it
        // ends the user's sessions (all but the administrator's own, should they edit themselves).
        auth_store::delete_user_sessions(&*tx, id, Some(auth.session_id)).await?;
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "user", id).unit(input.unit_id).before(&old).after(&input),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("users.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(serde::Deserialize)]
struct DisableForm {
    disabled: String,
}

async fn set_disabled(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DisableForm>,
) -> AppResult<Response> {
    let u = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if u.id == auth.id {
        return Err(AppError::BadRequest("users.error.self".into()));
    }
    let disabled = f.disabled == "true";
    let tx = st.db.write().await?;
    store::set_disabled(&*tx, id, disabled).await?;
    if disabled {
        auth_store::delete_user_sessions(&*tx, id, None).await?;
    }
    let action = if disabled { "lock" } else { "unlock" };
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new(action, "user", id)
            .unit(u.unit_id)
            .before(&serde_json::json!({"disabled": u.disabled, "locked_until": u.locked_until}))
            .after(&serde_json::json!({"disabled": disabled})),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("users.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(serde::Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
}

async fn reset_password(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> AppResult<Response> {
    let cfg = &st.config.security;
    let u = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let problems = check_password_policy(cfg, &u.username, &f.password);
    if !problems.is_empty() {
        let mut errors = FormErrors::default();
        for key in problems {
            errors.add(
                "password",
                c.tf(
                    key,
                    &[
                        ("min", &cfg.password_min_length.to_string()),
                        ("classes", &cfg.password_min_classes.to_string()),
                    ],
                ),
            );
        }
        let roles = store::roles(&st.db.conn).await?;
        let user_roles = store::user_role_codes(&st.db.conn, id).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &DetailPage { c, u, roles, user_roles, errors });
    }
    let hash = st.passwords.hash(&f.password).await?;
    let tx = st.db.write().await?;
    auth_store::set_password(&*tx, id, &hash, true).await?;
    auth_store::delete_user_sessions(&*tx, id, None).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("password_reset", "user", id).unit(u.unit_id)).await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("users.password_reset")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

async fn set_roles(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let u = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if u.id == auth.id {
        // Nobody grants themselves rights.
        return Err(AppError::BadRequest("users.error.self".into()));
    }
    let all_roles = store::roles(&st.db.conn).await?;
    let mut ids: Vec<i64> = pairs.iter().filter(|(k, _)| k == "role").filter_map(|(_, v)| v.parse().ok()).collect();
    ids.sort();
    ids.dedup();
    if ids.iter().any(|i| !all_roles.iter().any(|r| r.id == *i)) {
        return Err(AppError::BadRequest("error.bad_request".into()));
    }
    if store::admin_kinds(&st.db.conn, &ids).await?.len() > 1 {
        return Err(AppError::BadRequest("users.error.duties".into()));
    }
    let before = store::user_role_codes(&st.db.conn, id).await?;
    let tx = st.db.write().await?;
    store::set_user_roles(&*tx, id, &ids).await?;
    let after = store::user_role_codes(&*tx, id).await?;
    auth_store::delete_user_sessions(&*tx, id, None).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("grant", "user", id).unit(u.unit_id).before(&before).after(&after),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("users.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(Template)]
#[template(path = "users/roles.html")]
struct RolesPage {
    c: PageCtx,
    roles: Vec<RoleRow>,
}

async fn roles(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let roles = store::roles(&st.db.conn).await?;
    render(&RolesPage { c, roles })
}

#[derive(Template)]
#[template(path = "users/role_form.html")]
struct RoleFormPage {
    c: PageCtx,
    id: Option<i64>,
    code: String,
    name: String,
    name_en: String,
    data_scope: String,
    admin_kind: String,
    version: i32,
    builtin: bool,
    perms: Vec<String>,
    units: Vec<i64>,
    all_perms: Vec<&'static str>,
    scopes: Vec<&'static str>,
    unit_options: Vec<UnitOption>,
    errors: FormErrors,
    editable: bool,
}

impl RoleFormPage {
    fn has_perm(&self, p: &&str) -> bool {
        self.perms.iter().any(|x| x == p)
    }
    fn has_unit(&self, id: &i64) -> bool {
        self.units.contains(id)
    }
    fn perm_label(&self, p: &&str) -> String {
        self.c.t(&format!("perm.{p}")).to_string()
    }
    fn indent(&self, depth: &i32) -> String {
        "　".repeat((*depth).max(0) as usize)
    }
}

fn role_page(c: PageCtx, id: Option<i64>, unit_options: Vec<UnitOption>, editable: bool) -> RoleFormPage {
    RoleFormPage {
        c,
        id,
        code: String::new(),
        name: String::new(),
        name_en: String::new(),
        data_scope: DataScope::Unit.code().into(),
        admin_kind: String::new(),
        version: 0,
        builtin: false,
        perms: vec![],
        units: vec![],
        all_perms: PERMISSIONS.to_vec(),
        scopes: DataScope::ALL.iter().map(|d| d.code()).collect(),
        unit_options,
        errors: FormErrors::default(),
        editable,
    }
}

async fn role_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let opts = unit_store::options(&st.db.conn, &auth.scope).await?;
    render(&role_page(c, None, opts, true))
}

async fn role_detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let r = store::role(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let opts = unit_store::options(&st.db.conn, &auth.scope).await?;
    let editable = auth.can("roles.write");
    let mut page = role_page(c, Some(id), opts, editable);
    page.code = r.code;
    page.name = r.name;
    page.name_en = r.name_en;
    page.data_scope = r.data_scope;
    page.admin_kind = r.admin_kind.unwrap_or_default();
    page.version = r.version;
    page.builtin = r.builtin;
    page.perms = store::role_permissions(&st.db.conn, id).await?;
    page.units = store::role_units(&st.db.conn, id).await?;
    render(&page)
}

async fn save_role(
    st: AppState,
    c: PageCtx,
    auth: Auth,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> AppResult<Response> {
    let existing = match id {
        Some(i) => Some(store::role(&st.db.conn, i).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let mut pairs = pairs;
    if let Some(r) = &existing {
        // The code of a role never changes; nor does a built-in role's administrator duty.
        pairs.retain(|(k, _)| k != "code" && !(r.builtin && k == "admin_kind"));
        pairs.push(("code".into(), r.code.clone()));
        if r.builtin {
            pairs.push(("admin_kind".into(), r.admin_kind.clone().unwrap_or_default()));
        }
    }
    let version: i32 = pairs.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let parsed = parse_role_form(&pairs);
    let mut errors = match &parsed {
        Ok(_) => FormErrors::default(),
        Err(errs) => FormErrors::from_keys(&c, errs.clone()),
    };
    if let Ok(input) = &parsed {
        if store::role_code_taken(&st.db.conn, &input.code, id).await? {
            errors.add("code", c.t("users.error.role_code_taken"));
        }
        for u in &input.units {
            if unit_store::get_scoped(&st.db.conn, &auth.scope, *u).await?.is_none() {
                errors.add("unit", c.t("users.error.unit"));
            }
        }
    }
    let input = match parsed {
        Ok(i) if errors.is_empty() => i,
        _ => {
            let opts = unit_store::options(&st.db.conn, &auth.scope).await?;
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
            let mut page = role_page(c, id, opts, true);
            page.code = get("code");
            page.name = get("name");
            page.name_en = get("name_en");
            page.data_scope = get("data_scope");
            page.admin_kind = get("admin_kind");
            page.version = version;
            page.builtin = existing.as_ref().is_some_and(|r| r.builtin);
            page.perms = pairs.iter().filter(|(k, _)| k == "perm").map(|(_, v)| v.clone()).collect();
            page.units = pairs.iter().filter(|(k, _)| k == "unit").filter_map(|(_, v)| v.parse().ok()).collect();
            page.errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let before = match id {
        Some(i) => Some((store::role_permissions(&st.db.conn, i).await?, existing.clone())),
        None => None,
    };
    let tx = st.db.write().await?;
    let saved = store::save_role(&*tx, id, &input, version, false).await?;
    let Some(rid) = saved else {
        return Err(AppError::Stale);
    };
    let action = if id.is_some() { "update" } else { "create" };
    let mut ev = Event::new(action, "role", rid).after(&input);
    if let Some(b) = &before {
        ev = ev.before(b);
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), ev).await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("users.role_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/admin/roles/{rid}")))
}

async fn role_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save_role(st, c, auth, None, pairs).await
}

async fn role_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save_role(st, c, auth, Some(id), pairs).await
}
