//! Pages of the org-unit tree: tree with counts per tier, searchable list, detail, create,
//! edit (rename/move with the subtree), deactivate/reactivate.

use askama::Template;
use axum::extract::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::import::ImportReport;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::FileName;
use crate::platform::web::{
    self, download, render, render_status, see_other, FormErrors, ImportPage, PageCtx, XLSX_TYPE,
};
use crate::platform::AppState;
use crate::units::model::{child_path, Unit, UnitForm, UnitInput, UnitKind, UnitRow};
use crate::units::store::{self, KindCount, UnitFilter, UnitOption};

pub fn routes() -> Routes {
    Routes::new()
        .get("/units", Need::Perm("units.read"), tree)
        .get("/units/list", Need::Perm("units.read"), list)
        .get("/units/export.xlsx", Need::Perm("units.read"), export_xlsx)
        .get("/units/template.xlsx", Need::Perm("units.write"), template_xlsx)
        .get("/units/import", Need::Perm("units.write"), import_form)
        .post("/units/import", Need::Perm("units.write"), import_upload)
        .get("/units/new", Need::Perm("units.write"), new_form)
        .post("/units", Need::Perm("units.write"), create)
        .with("id", &crate::units::UNIT)
        .get("/units/{id}", Need::Perm("units.read"), detail)
        .get("/units/{id}/children", Need::Perm("units.read"), children_partial)
        .get("/units/{id}/edit", Need::Perm("units.write"), edit_form)
        .post("/units/{id}", Need::Perm("units.write"), update)
        .post("/units/{id}/active", Need::Perm("units.write"), set_active)
}

/// Counts per tier for the tree header.
pub struct TierCounts {
    pub tier1: i64,
    pub tier2: i64,
    pub tier3: i64,
}

impl TierCounts {
    pub fn from(counts: &[KindCount]) -> TierCounts {
        let mut t = TierCounts { tier1: 0, tier2: 0, tier3: 0 };
        for k in counts {
            match UnitKind::parse(&k.kind).unwrap_or(UnitKind::Other).tier() {
                1 => t.tier1 += k.n,
                2 => t.tier2 += k.n,
                _ => t.tier3 += k.n,
            }
        }
        t
    }
}

#[derive(Template)]
#[template(path = "units/tree.html")]
struct TreePage {
    c: PageCtx,
    roots: Vec<UnitRow>,
    /// The children of the first root, rendered with the page: that node opens expanded, and an
    /// open `<details>` never fires the `toggle` that would load it.
    first: Vec<UnitRow>,
    tiers: TierCounts,
}

async fn tree(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let roots = store::roots(&st.db.conn, &auth.scope).await?;
    let tiers = TierCounts::from(&store::count_by_kind(&st.db.conn, &auth.scope, None).await?);
    let first = match roots.first() {
        Some(r) => store::children(&st.db.conn, &auth.scope, r.id).await?,
        None => Vec::new(),
    };
    render(&TreePage { c, roots, first, tiers })
}

#[derive(Template)]
#[template(path = "units/children.html")]
struct ChildrenPartial {
    c: PageCtx,
    rows: Vec<UnitRow>,
}

async fn children_partial(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let rows = store::children(&st.db.conn, &auth.scope, id).await?;
    render(&ChildrenPartial { c, rows })
}

#[derive(Template)]
#[template(path = "units/list.html")]
struct ListPage {
    c: PageCtx,
    p: PageParams,
    f: UnitFilter,
    page: Page<UnitRow>,
    kinds: Vec<UnitKind>,
    extra: String,
}

async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<UnitFilter>,
) -> AppResult<Response> {
    let page = store::list(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([
        ("kind", f.kind.as_str()),
        ("tier", f.tier.as_str()),
        ("parent", f.parent.as_str()),
        ("under", f.under.as_str()),
        ("active", f.active.as_str()),
    ])
    .unwrap_or_default();
    render(&ListPage { c, p, f, page, kinds: UnitKind::ALL.to_vec(), extra })
}

#[derive(Template)]
#[template(path = "units/detail.html")]
struct DetailPage {
    c: PageCtx,
    unit: Unit,
    crumbs: Vec<Unit>,
    children: Vec<UnitRow>,
    tiers: TierCounts,
}

async fn detail(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let unit = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let crumbs = store::ancestors(&st.db.conn, &auth.scope, &unit).await?;
    let children = store::children(&st.db.conn, &auth.scope, id).await?;
    let tiers = TierCounts::from(&store::count_by_kind(&st.db.conn, &auth.scope, Some(&unit.path)).await?);
    render(&DetailPage { c, unit, crumbs, children, tiers })
}

#[derive(Template)]
#[template(path = "units/form.html")]
struct FormPage {
    c: PageCtx,
    /// None when creating.
    id: Option<i64>,
    f: UnitForm,
    errors: FormErrors,
    parents: Vec<UnitOption>,
    kinds: Vec<UnitKind>,
}

impl FormPage {
    fn indent(&self, depth: &i32) -> String {
        "　".repeat((*depth).max(0) as usize)
    }
}

#[derive(serde::Deserialize)]
struct NewQuery {
    parent: Option<i64>,
}

async fn new_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let parents = store::options(&st.db.conn, &auth.scope).await?;
    let f = UnitForm {
        parent_id: q.parent.map(|p| p.to_string()).unwrap_or_default(),
        kind: "community".into(),
        ..UnitForm::default()
    };
    render(&FormPage { c, id: None, f, errors: FormErrors::default(), parents, kinds: UnitKind::ALL.to_vec() })
}

async fn form_error(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    id: Option<i64>,
    f: UnitForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let parents = store::options(&st.db.conn, &auth.scope).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage { c, id, f, errors, parents, kinds: UnitKind::ALL.to_vec() },
    )
}

/// What [`create_unit`] did.
pub(crate) enum Created {
    New(i64),
    /// The form's nonce was used before: the earlier result's location.
    Duplicate(String),
}

/// Field problems of a request: (field, locale key).
pub(crate) type FieldErrors = Vec<(&'static str, &'static str)>;

/// Creates a unit for the signed-in user: the parent must be in scope (a new root needs the
/// whole tree), the path must be free; the insert and its audit row share one transaction.
/// Used by the page and the API.
pub(crate) async fn create_unit(
    st: &AppState,
    auth: &Auth,
    ip: &str,
    input: &UnitInput,
    nonce: &str,
    flash: Option<&str>,
) -> AppResult<Result<Created, FieldErrors>> {
    let parent = match input.parent_id {
        Some(pid) => match store::get_scoped(&st.db.conn, &auth.scope, pid).await? {
            Some(p) => Some(p),
            None => return Ok(Err(vec![("parent_id", "units.error.parent")])),
        },
        None if auth.scope.all => None,
        None => return Ok(Err(vec![("parent_id", "units.error.parent")])),
    };
    let path = child_path(parent.as_ref().map(|p| p.path.as_str()), &input.code);
    let depth = parent.as_ref().map(|p| p.depth + 1).unwrap_or(0);
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, nonce, auth.id).await? {
        return Ok(Ok(Created::Duplicate(prev)));
    }
    if store::path_exists(&*tx, &path, None).await? {
        return Ok(Err(vec![("code", "units.error.code_taken")]));
    }
    let id = store::insert(&*tx, input, &path, depth).await?;
    let after = store::get(&*tx, id).await?;
    audit::record(&*tx, &Actor::user(auth, ip), Event::new("create", "org_unit", id).unit(id).after(&after)).await?;
    once::complete(&*tx, nonce, &format!("/units/{id}")).await?;
    if auth.session_id > 0 {
        crate::platform::web::set_flash(&*tx, auth.session_id, flash).await?;
    }
    tx.commit().await?;
    Ok(Ok(Created::New(id)))
}

async fn create(State(st): State<AppState>, c: PageCtx, auth: Auth, Form(f): Form<UnitForm>) -> AppResult<Response> {
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let e = FormErrors::from_keys(&c, errs);
            return form_error(&st, c, &auth, None, f, e).await;
        }
    };
    match create_unit(&st, &auth, &c.ip, &input, &f.nonce, Some("units.saved")).await? {
        Ok(Created::New(id)) => Ok(see_other(&format!("/units/{id}"))),
        Ok(Created::Duplicate(loc)) => {
            crate::platform::web::set_flash(&st.db.conn, auth.session_id, Some("common.duplicate")).await?;
            Ok(see_other(if loc.is_empty() { "/units" } else { &loc }))
        }
        Err(errs) => {
            let e = FormErrors::from_keys(&c, errs);
            form_error(&st, c, &auth, None, f, e).await
        }
    }
}

async fn edit_form(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let u = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let parents =
        store::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|o| !o.path.starts_with(&u.path)).collect();
    let f = UnitForm {
        parent_id: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        code: u.code.clone(),
        name: u.name.clone(),
        name_en: u.name_en.clone(),
        kind: u.kind.clone(),
        division_code: u.division_code.clone().unwrap_or_default(),
        sort_order: u.sort_order.to_string(),
        version: u.version.to_string(),
        nonce: String::new(),
    };
    render(&FormPage { c, id: Some(id), f, errors: FormErrors::default(), parents, kinds: UnitKind::ALL.to_vec() })
}

async fn update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<UnitForm>,
) -> AppResult<Response> {
    let old = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let input = match f.validate() {
        Ok(i) => i,
        Err(errs) => {
            let e = FormErrors::from_keys(&c, errs);
            return form_error(&st, c, &auth, Some(id), f, e).await;
        }
    };
    let version = crate::platform::web::form_version(&f.version)?;
    let parent = match input.parent_id {
        Some(pid) => {
            let p = store::get_scoped(&st.db.conn, &auth.scope, pid).await?.ok_or(AppError::Forbidden)?;
            if p.path.starts_with(&old.path) {
                let mut e = FormErrors::default();
                e.add("parent_id", c.t("units.error.cycle"));
                return form_error(&st, c, &auth, Some(id), f, e).await;
            }
            Some(p)
        }
        None if auth.scope.all => None,
        None => return Err(AppError::Forbidden),
    };
    let path = child_path(parent.as_ref().map(|p| p.path.as_str()), &input.code);
    let depth = parent.as_ref().map(|p| p.depth + 1).unwrap_or(0);
    let tx = st.db.write().await?;
    if store::path_exists(&*tx, &path, Some(id)).await? {
        drop(tx);
        let mut e = FormErrors::default();
        e.add("code", c.t("units.error.code_taken"));
        return form_error(&st, c, &auth, Some(id), f, e).await;
    }
    if !store::update(&*tx, &old, &input, &path, depth, version).await? {
        return Err(AppError::Stale);
    }
    let after = store::get(&*tx, id).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "org_unit", id).unit(id).before(&old).after(&after),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("units.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/units/{id}")))
}

#[derive(serde::Deserialize)]
struct ActiveForm {
    active: String,
    version: i32,
}

async fn set_active(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    let old = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let active = f.active == "true";
    let tx = st.db.write().await?;
    if !store::set_active(&*tx, id, active, f.version).await? {
        return Err(AppError::Stale);
    }
    let after = store::get(&*tx, id).await?;
    let action = if active { "activate" } else { "deactivate" };
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new(action, "org_unit", id).unit(id).before(&old).after(&after),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("units.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/units/{id}")))
}

/// The units in scope as xlsx: the registry's exporter, as `shegong export units`.
async fn export_xlsx(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let title = c.t("units.export_name");
    crate::platform::web::export_download(&st, &c, &auth, &crate::units::import::UNITS, "", None, title).await
}

async fn template_xlsx(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    use crate::units::import::{unit_refs, HELP, XLSX_COLUMNS};
    let units = unit_refs(&st.db, &auth.scope).await?.sheet();
    let bytes = crate::platform::xlsx::template_with(XLSX_COLUMNS, HELP, &units)?;
    Ok(download(
        bytes,
        &FileName::new("units-template.xlsx", &format!("{}.xlsx", c.t("units.template_name"))),
        XLSX_TYPE,
    ))
}

fn import_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "units.import",
        action: "/units/import",
        template_href: "/units/template.xlsx",
        back_href: "/units/list",
        back_key: "units.list",
        columns: crate::units::import::XLSX_COLUMNS,
        report,
        error_list: Default::default(),
    }
}

async fn import_form(c: PageCtx) -> AppResult<Response> {
    render(&import_page(c, None))
}

async fn import_upload(State(st): State<AppState>, c: PageCtx, auth: Auth, mp: Multipart) -> AppResult<Response> {
    web::import_upload(&st, c, &auth, mp, &crate::units::import::UNITS, import_page).await
}
