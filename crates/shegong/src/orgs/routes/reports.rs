//! Annual reports: submission, the Bureau's review, and the year's list (or who is missing).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::orgs::model::{report_years, ReportForm, REPORT_RESULTS};
use crate::orgs::store::{self, OrgRow, ReportCounts, ReportRow};
use crate::platform::access::Auth;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::period::{this_year, Years};
use crate::platform::time::today;
use crate::platform::web::{form_version, render, see_other, set_flash, FormErrors, PageCtx};
use crate::platform::AppState;

use super::registry::{self, Refused};

/// Submits an organisation's annual report (one per year). A refused report re-shows the
/// organisation's page with the form open, the messages next to the fields and the values typed.
pub(super) async fn report_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let (input, mut errs) = match f.validate(today()) {
        Ok(i) => (Some(i), Vec::new()),
        Err(e) => (None, e),
    };
    if let Some(i) = &input {
        if !report_years(o.registered_on, today()).contains(&i.year) {
            errs.push(("year", "reports.error.year"));
        } else if store::report_exists(&st.db.conn, id, i.year).await? {
            errs.push(("year", "reports.error.exists"));
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_keys(&c, errs);
        return registry::detail_page(&st, c, o, Some(Refused::Report(f, errors))).await;
    };
    let tx = st.db.write().await?;
    if store::report_exists(&*tx, id, input.year).await? {
        // Submitted by someone else since the check above (or a second click).
        drop(tx);
        let errors = FormErrors::from_keys(&c, vec![("year", "reports.error.exists")]);
        return registry::detail_page(&st, c, o, Some(Refused::Report(f, errors))).await;
    }
    let rid = store::insert_report(&*tx, id, &input, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "annual_report", rid).unit(o.unit_id).after(&input),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("reports.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    pub(super) result: String,
    #[serde(default)]
    pub(super) reasons: String,
    #[serde(default)]
    version: String,
}

/// The Bureau's review of an annual report: pass, basic pass or fail (reasons required unless
/// pass). A refused review re-shows the organisation's page with the message on that report's row.
pub(super) async fn report_review(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, rid)): Path<(i64, i64)>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let o = store::get_scoped(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let before =
        store::reports_of(&st.db.conn, id).await?.into_iter().find(|r| r.id == rid).ok_or(AppError::NotFound)?;
    let reasons: String = f.reasons.trim().chars().take(2000).collect();
    let mut errs = Vec::new();
    if !REPORT_RESULTS.contains(&f.result.as_str()) {
        errs.push(("result", "reports.error.result"));
    } else if f.result != "pass" && reasons.is_empty() {
        errs.push(("reasons", "reports.error.reasons"));
    }
    if !errs.is_empty() {
        let errors = FormErrors::from_keys(&c, errs);
        return registry::detail_page(&st, c, o, Some(Refused::Review(rid, f, errors))).await;
    }
    let version = form_version(&f.version)?;
    let tx = st.db.write().await?;
    if !store::review_report(&*tx, rid, &f.result, &reasons, auth.id, today(), version).await? {
        return Err(AppError::Stale);
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("review", "annual_report", rid)
            .unit(o.unit_id)
            .before(&serde_json::json!({"result": before.result}))
            .after(&serde_json::json!({"result": f.result, "reasons": reasons})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("reports.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/orgs/{id}")))
}

#[derive(Deserialize)]
pub(super) struct ReportQuery {
    #[serde(default)]
    year: String,
    /// "missing" lists organisations that have not submitted; otherwise a review result or all.
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "orgs/reports.html")]
pub(super) struct ReportListPage {
    c: PageCtx,
    p: PageParams,
    year: i32,
    period: Years,
    status: String,
    counts: ReportCounts,
    reports: Option<Page<ReportRow>>,
    missing: Option<Page<OrgRow>>,
    extra: String,
}

pub(super) async fn report_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    // Last year is offered too: its reports are the ones coming in (and missing) now.
    let period = Years::choose(
        store::report_years(&st.db.conn, &auth.scope).await?,
        Some(q.year.as_str()),
        Some(this_year() - 1),
    )?;
    let year = period.year;
    let counts = store::report_counts(&st.db.conn, &auth.scope, year).await?;
    let (reports, missing) = if q.status == "missing" {
        (None, Some(store::missing_reports(&st.db.conn, &auth.scope, year, &p).await?))
    } else {
        (Some(store::reports(&st.db.conn, &auth.scope, year, &q.status, &p).await?), None)
    };
    let extra = serde_urlencoded::to_string([("year", year.to_string().as_str()), ("status", q.status.as_str())])
        .unwrap_or_default();
    render(&ReportListPage { c, p, year, period, status: q.status, counts, reports, missing, extra })
}
