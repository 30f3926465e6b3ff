//! The xlsx import and export pages of projects and payments (the rules are in `services/import.rs`).

use axum::extract::{Multipart, Query, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::error::AppResult;
use crate::platform::import::ImportReport;
use crate::platform::web::{self, download, render, ImportPage, PageCtx, XLSX_TYPE};
use crate::platform::xlsx::{self, Cell};
use crate::platform::AppState;
use crate::services::import::{payment_row, project_row, PAYMENT_COLUMNS, PROJECT_COLUMNS, PROJECT_EXPORT_COLUMNS};
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
    Ok(download(bytes, &format!("{}.xlsx", c.t("services.template_projects")), XLSX_TYPE))
}

async fn payments_template(c: PageCtx) -> AppResult<Response> {
    let bytes = xlsx::template(PAYMENT_COLUMNS)?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("services.template_payments")), XLSX_TYPE))
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
    Query(f): Query<store::ProjectFilter>,
) -> AppResult<Response> {
    let rows = store::projects_all(&st.db.conn, &auth.scope, &f).await?;
    let cells: Vec<Vec<Cell>> =
        rows.iter().map(|p| project_row(p, c.t(&format!("services.status.{}", p.status)))).collect();
    let bytes = xlsx::write(PROJECT_EXPORT_COLUMNS, &cells)?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("services.export_projects_name")), XLSX_TYPE))
}

async fn payments_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(f): Query<store::ProjectFilter>,
) -> AppResult<Response> {
    let rows = store::projects_all(&st.db.conn, &auth.scope, &f).await?;
    let mut cells = Vec::new();
    for p in &rows {
        for pay in store::payments(&st.db.conn, p.id).await? {
            cells.push(payment_row(p, &pay));
        }
    }
    let bytes = xlsx::write(PAYMENT_COLUMNS, &cells)?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("services.export_payments_name")), XLSX_TYPE))
}
