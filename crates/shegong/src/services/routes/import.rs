//! The xlsx import and export pages of projects and payments (the rules are in `services/import.rs`).

use axum::extract::{Multipart, Query, RawQuery, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::error::AppResult;
use crate::platform::import::ImportReport;
use crate::platform::web::{self, download, render, FileName, ImportPage, PageCtx, XLSX_TYPE};
use crate::platform::xlsx;
use crate::platform::AppState;
use crate::services::import::{PAYMENT_COLUMNS, PROJECT_COLUMNS};
use crate::services::store;

pub fn routes() -> Routes {
    Routes::new()
        .get("/services/import/projects", Need::Perm("services.write"), projects_form)
        .post("/services/import/projects", Need::Perm("services.write"), projects_upload)
        .get("/services/import/projects/template.xlsx", Need::Perm("services.write"), projects_template)
        .get("/services/import/payments", Need::Perm("services.write"), payments_form)
        .post("/services/import/payments", Need::Perm("services.write"), payments_upload)
        .get("/services/import/payments/template.xlsx", Need::Perm("services.write"), payments_template)
        .get("/services/export/projects.xlsx", Need::Perm("services.read"), projects_export)
        .get("/services/export/payments.xlsx", Need::Perm("services.read"), payments_export)
}

fn projects_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "services.import_projects",
        action: "/services/import/projects",
        template_href: "/services/import/projects/template.xlsx",
        back_href: "/services",
        back_key: "services.title",
        columns: PROJECT_COLUMNS,
        report,
        error_list: Default::default(),
    }
}

fn payments_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "services.import_payments",
        action: "/services/import/payments",
        template_href: "/services/import/payments/template.xlsx",
        back_href: "/services",
        back_key: "services.title",
        columns: PAYMENT_COLUMNS,
        report,
        error_list: Default::default(),
    }
}

async fn projects_form(c: PageCtx) -> AppResult<Response> {
    render(&projects_page(c, None))
}

async fn payments_form(c: PageCtx) -> AppResult<Response> {
    render(&payments_page(c, None))
}

async fn projects_template(c: PageCtx) -> AppResult<Response> {
    let bytes = xlsx::template(PROJECT_COLUMNS)?;
    Ok(download(
        bytes,
        &FileName::new("projects-template.xlsx", &format!("{}.xlsx", c.t("services.template_projects"))),
        XLSX_TYPE,
    ))
}

async fn payments_template(c: PageCtx) -> AppResult<Response> {
    let bytes = xlsx::template(PAYMENT_COLUMNS)?;
    Ok(download(
        bytes,
        &FileName::new("payments-template.xlsx", &format!("{}.xlsx", c.t("services.template_payments"))),
        XLSX_TYPE,
    ))
}

async fn projects_upload(State(st): State<AppState>, c: PageCtx, auth: Auth, mp: Multipart) -> AppResult<Response> {
    web::import_upload(&st, c, &auth, mp, &crate::services::import::PROJECTS, projects_page).await
}

async fn payments_upload(State(st): State<AppState>, c: PageCtx, auth: Auth, mp: Multipart) -> AppResult<Response> {
    web::import_upload(&st, c, &auth, mp, &crate::services::import::PAYMENTS, payments_page).await
}

async fn projects_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(_f): Query<store::ProjectFilter>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let title = c.t("services.export_projects_name");
    web::export_download(&st, &c, &auth, &crate::services::import::PROJECTS, q.as_deref().unwrap_or(""), None, title)
        .await
}

async fn payments_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(_f): Query<store::ProjectFilter>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let title = c.t("services.export_payments_name");
    web::export_download(&st, &c, &auth, &crate::services::import::PAYMENTS, q.as_deref().unwrap_or(""), None, title)
        .await
}
