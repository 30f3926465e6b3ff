//! Party building pages: an organisation's own Party organisation and instructors, the Party
//! organisation list, joint branches, the two-coverages page, and the Party-organisation import.

use askama::Template;
use axum::extract::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::orgs::figures::{self, Coverage};
use crate::orgs::model::{parse_date, InstructorForm, PartyForm, PartyOrgKind};
use crate::orgs::store::{self, CoveredOrg, OrgFilter, PartyOrgRow};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::cache::figures_page;
use crate::platform::error::{AppError, AppResult};
use crate::platform::figures::PageChart;
use crate::platform::import::ImportReport;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::FileName;
use crate::platform::web::{
    self, download, render, render_status, see_other, FormErrors, ImportPage, PageCtx, XLSX_TYPE,
};
use crate::platform::web::{set_flash, Problems};
use crate::platform::AppState;
use crate::units::{self as units, UnitOption};

use super::registry::{self, Refused};
use super::{errors_from, indent};

/// An organisation's own Party organisation (党委/党总支/党支部).
pub(super) async fn add_own_party_org(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PartyForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    if o.status != "normal" {
        return Err(AppError::BadRequest("party.error.org_not_normal".into()));
    }
    // A joint branch is set up from the Party organisations list, not for one organisation.
    let p = match f.validate(today()) {
        Ok(p) if p.kind != PartyOrgKind::JointBranch => p,
        refused => {
            let mut errs = refused.err().unwrap_or_default();
            if PartyOrgKind::parse(f.kind.trim()) == Some(PartyOrgKind::JointBranch) {
                errs.push(("kind", "party.error.kind", String::new()));
            }
            let errors = errors_from(&c, errs);
            return registry::detail_page(&st, c, o, Some(Refused::Party(f, errors))).await;
        }
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other(&format!("/orgs/{id}")));
    }
    let pid = store::insert_party_org(
        &*tx,
        o.unit_id,
        &p.name,
        p.kind.code(),
        p.members,
        &p.secretary,
        p.established_on,
        p.in_action_plan,
        &[id],
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "party_org", pid).unit(o.unit_id).after(
            &serde_json::json!({"name": p.name, "kind": p.kind.code(), "members": p.members, "organisations": [id]}),
        ),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &format!("/orgs/{id}")).await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

/// Assigns a Party-building instructor (党建指导员): work coverage.
pub(super) async fn add_instructor(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<InstructorForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let i = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = errors_from(&c, errs);
            return registry::detail_page(&st, c, o, Some(Refused::Instructor(f, errors))).await;
        }
    };
    let (name, on) = (i.name, i.assigned_on);
    let tx = st.db.write().await?;
    let iid = store::insert_instructor(&*tx, id, &name, on).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "party_instructor", iid)
            .unit(o.unit_id)
            .after(&serde_json::json!({"organisation": id, "name": name, "assigned_on": on})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Template)]
#[template(path = "party/list.html")]
pub(super) struct PartyListPage {
    c: PageCtx,
    p: PageParams,
    kind: String,
    f: store::PartyOrgFilter,
    page: Page<PartyOrgRow>,
    kinds: Vec<PartyOrgKind>,
    extra: String,
}

pub(super) async fn party_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<store::PartyOrgFilter>,
) -> AppResult<Response> {
    let page = store::party_orgs(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = f.query_string();
    render(&PartyListPage { c, p, kind: f.kind.clone(), f, page, kinds: PartyOrgKind::ALL.to_vec(), extra })
}

#[derive(Template)]
#[template(path = "party/joint_form.html")]
pub(super) struct JointFormPage {
    c: PageCtx,
    f: PartyForm,
    errors: FormErrors,
    units: Vec<UnitOption>,
}

impl JointFormPage {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

pub(super) async fn joint_form(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
    let f = PartyForm {
        kind: PartyOrgKind::JointBranch.code().into(),
        established_on: today().to_string(),
        unit_id: auth.unit_id.to_string(),
        ..PartyForm::default()
    };
    render(&JointFormPage { c, f, errors: FormErrors::default(), units })
}

/// A joint Party branch (联合党支部) covering several organisations of one unit.
pub(super) async fn joint_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(mut f): Form<PartyForm>,
) -> AppResult<Response> {
    f.kind = PartyOrgKind::JointBranch.code().into();
    f.dissolved_on.clear();
    let mut errs = match f.validate(today()) {
        Ok(_) => Problems::default(),
        Err(e) => e,
    };
    let unit = match f.unit_id.trim().parse::<i64>() {
        Ok(u) => units::get_scoped(&st.db.conn, &auth.scope, u).await?,
        Err(_) => None,
    };
    if unit.is_none() {
        errs.push(("unit_id", "orgs.error.unit", String::new()));
    }
    let mut org_ids = Vec::new();
    for code in f.codes.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '，').filter(|s| !s.is_empty()) {
        let found = store::list(
            &st.db.conn,
            &auth.scope,
            &OrgFilter { status: "normal".into(), ..OrgFilter::default() },
            &PageParams { q: Some(code.trim().to_uppercase()), per_page: Some(2), ..PageParams::default() },
        )
        .await?;
        match found.items.into_iter().find(|o| o.credit_code == code.trim().to_uppercase()) {
            Some(o) if unit.as_ref().is_some_and(|u| o.unit_path.starts_with(&u.path)) => {
                if !org_ids.contains(&o.id) {
                    org_ids.push(o.id)
                }
            }
            _ => errs.push(("codes", "party.error.code", code.to_string())),
        }
    }
    if org_ids.len() < 2 {
        errs.push(("codes", "party.error.joint_size", String::new()));
    }
    let (Some(unit), Ok(p)) = (unit, f.validate(today())) else {
        let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
        let errors = errors_from(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &JointFormPage { c, f, errors, units });
    };
    if !errs.is_empty() {
        let units = units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
        let errors = errors_from(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &JointFormPage { c, f, errors, units });
    }
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/party/orgs"));
    }
    let pid = store::insert_party_org(
        &*tx,
        unit.id,
        &p.name,
        p.kind.code(),
        p.members,
        &p.secretary,
        p.established_on,
        p.in_action_plan,
        &org_ids,
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "party_org", pid).unit(unit.id).after(&serde_json::json!({"name": p.name, "kind": "joint_branch", "members": p.members, "organisations": org_ids})),
    )
    .await?;
    once::complete(&*tx, &f.nonce, "/party/orgs").await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/party/orgs"))
}

#[derive(Template)]
#[template(path = "party/org.html")]
pub(super) struct PartyDetailPage {
    c: PageCtx,
    p: PartyOrgRow,
    covered: Vec<CoveredOrg>,
}

/// One Party organisation: its facts and the organisations it covers.
pub(super) async fn party_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = store::party_org(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let covered = store::covered_orgs(&st.db.conn, id).await?;
    render(&PartyDetailPage { c, p, covered })
}

#[derive(Template)]
#[template(path = "party/org_form.html")]
pub(super) struct PartyEditPage {
    c: PageCtx,
    p: PartyOrgRow,
    f: PartyForm,
    errors: FormErrors,
    /// The kinds the form offers: a joint branch stays one, an own Party organisation is one of
    /// the three others.
    kinds: Vec<PartyOrgKind>,
}

fn party_kinds(p: &PartyOrgRow) -> Vec<PartyOrgKind> {
    if p.kind == PartyOrgKind::JointBranch.code() {
        vec![PartyOrgKind::JointBranch]
    } else {
        vec![PartyOrgKind::Committee, PartyOrgKind::GeneralBranch, PartyOrgKind::Branch]
    }
}

pub(super) async fn party_edit_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = store::party_org(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let f = PartyForm {
        name: p.name.clone(),
        kind: p.kind.clone(),
        members: p.members.to_string(),
        secretary: p.secretary.clone(),
        established_on: p.established_on.to_string(),
        dissolved_on: p.dissolved_on.map(|d| d.to_string()).unwrap_or_default(),
        in_action_plan: if p.in_action_plan { "yes".into() } else { String::new() },
        version: p.version.to_string(),
        ..PartyForm::default()
    };
    let kinds = party_kinds(&p);
    render(&PartyEditPage { c, p, f, errors: FormErrors::default(), kinds })
}

/// Corrects a Party organisation (name, kind, members, secretary, dates, action plan); the
/// organisations it covers and its unit stay as they are.
pub(super) async fn party_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PartyForm>,
) -> AppResult<Response> {
    let old = store::party_org(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let kinds = party_kinds(&old);
    let (input, mut errs) = match f.validate(today()) {
        Ok(i) => (Some(i), Problems::default()),
        Err(e) => (None, e),
    };
    if input.as_ref().is_some_and(|i| !kinds.contains(&i.kind)) {
        errs.push(("kind", "party.error.kind", String::new()));
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = errors_from(&c, errs);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &PartyEditPage { c, p: old, f, errors, kinds });
    };
    let version = crate::platform::web::form_version(&f.version)?;
    let tx = st.db.write().await?;
    if !store::update_party_org(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "party_org", id).unit(old.unit_id).before(&old).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("party.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/party/orgs/{id}")))
}

#[derive(Deserialize)]
pub struct CoverageQuery {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub on: String,
}

/// Resolves the coverage query: a unit inside the scope (default: the top of the scope) and a
/// date (default: today).
pub async fn resolve_coverage(st: &AppState, auth: &Auth, q: &CoverageQuery) -> AppResult<Coverage> {
    let on = match q.on.trim() {
        "" => today(),
        s => parse_date(s).ok_or_else(|| AppError::BadRequest("orgs.error.date".into()))?,
    };
    let unit = match q.unit.trim().parse::<i64>() {
        Ok(id) => units::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?,
        Err(_) => {
            let roots = units::roots(&st.db.conn, &auth.scope).await?;
            let first = roots.first().ok_or(AppError::NotFound)?;
            units::get(&st.db.conn, first.id).await?.ok_or(AppError::NotFound)?
        }
    };
    let children: Vec<(i64, String, String, String)> = units::children(&st.db.conn, &auth.scope, unit.id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name, u.name_en, u.path))
        .collect();
    let mut cov = figures::coverage(&st.db.conn, &auth.scope, &unit.path, &children, on).await?;
    for l in &mut cov.lines {
        if l.unit_id.is_none() {
            l.unit_name = unit.name.clone();
            l.unit_name_en = unit.name_en.clone();
        }
    }
    Ok(cov)
}

#[derive(Template)]
#[template(path = "party/coverage.html")]
pub(super) struct CoveragePage<'a> {
    c: PageCtx,
    cov: &'a Coverage,
    chart: PageChart,
    units: &'a [UnitOption],
    unit: String,
}

impl CoveragePage<'_> {
    fn indent(&self, d: &i32) -> String {
        indent(d)
    }
}

pub(super) async fn coverage_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<CoverageQuery>,
) -> AppResult<Response> {
    // The coverage and the unit choices, cached at the data versions (keyed by the date asked
    // for, today's when none): a warm view costs the one statement reading them.
    let on = match q.on.trim() {
        "" => today().to_string(),
        s => s.to_string(),
    };
    let key = format!("{}|{on}", q.unit.trim());
    let cached = figures_page(&st, "party.coverage", auth.id, key, || async {
        let cov = resolve_coverage(&st, &auth, &q).await?;
        let units: Vec<UnitOption> =
            units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
        Ok((cov, units))
    })
    .await?;
    let (cov, units) = (&cached.0, cached.1.as_slice());
    // The two coverages of each unit side by side, in percent.
    let chart = render::Chart {
        kind: render::ChartKind::Bar,
        title: c.t("party.coverage.chart").to_string(),
        categories: cov.lines.iter().map(|l| c.pick(&l.unit_name, &l.unit_name_en).to_string()).collect(),
        series: vec![
            render::Series {
                name: c.t("party.coverage.org").to_string(),
                values: cov.lines.iter().map(|l| l.org_rate).collect(),
            },
            render::Series {
                name: c.t("party.coverage.work").to_string(),
                values: cov.lines.iter().map(|l| l.work_rate).collect(),
            },
        ],
        unit: c.t("figures.unit.permille").to_string(),
    };
    let chart = PageChart::new(chart, c.t("orgs.unit"));
    render(&CoveragePage { c, cov, chart, units, unit: q.unit })
}

pub(super) fn party_import_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "party.import",
        action: "/party/orgs/import",
        template_href: "/party/orgs/template.xlsx",
        back_href: "/party/orgs",
        back_key: "party.title",
        columns: crate::orgs::import::PARTY_COLUMNS,
        report,
        error_list: Default::default(),
    }
}

pub(super) async fn party_template(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    use crate::orgs::import::{PARTY_COLUMNS, PARTY_HELP};
    let units = crate::units::unit_refs(&st.db, &auth.scope).await?.sheet();
    let bytes = crate::platform::xlsx::template_with(PARTY_COLUMNS, PARTY_HELP, &units)?;
    Ok(download(bytes, &FileName::new("party-orgs-template.xlsx", &format!("{}.xlsx", c.t("party.import"))), XLSX_TYPE))
}

pub(super) async fn party_import_form(c: PageCtx) -> AppResult<Response> {
    render(&party_import_page(c, None))
}

pub(super) async fn party_import_upload(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    mp: Multipart,
) -> AppResult<Response> {
    web::import_upload(&st, c, &auth, mp, &crate::orgs::import::PARTY_ORGS, party_import_page).await
}
