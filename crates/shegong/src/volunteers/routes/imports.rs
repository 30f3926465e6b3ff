//! The upload page of the bulk import of service records (the rules are in
//! `volunteers/import.rs`): the page, the template with the units in the caller's scope, and the
//! upload, whose report is the one the command line gives.

use axum::extract::{Multipart, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::error::AppResult;
use crate::platform::import::ImportReport;
use crate::platform::web::{self, download, render, ImportPage, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::volunteers::import::{COLUMNS, HELP, RECORDS};

pub fn routes() -> Routes {
    Routes::new()
        .get("/volunteers/records/import", Need::Perm("volunteers.write"), import_form)
        .post("/volunteers/records/import", Need::Perm("volunteers.write"), import_upload)
        .get("/volunteers/records/template.xlsx", Need::Perm("volunteers.write"), import_template)
}

fn import_page(c: PageCtx, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        c,
        title_key: "volunteers.import_records",
        action: "/volunteers/records/import",
        template_href: "/volunteers/records/template.xlsx",
        back_href: "/volunteers/records",
        back_key: "volunteers.records",
        columns: COLUMNS,
        report,
        error_list: Default::default(),
    }
}

async fn import_form(c: PageCtx) -> AppResult<Response> {
    render(&import_page(c, None))
}

async fn import_template(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = crate::units::unit_refs(&st.db, &auth.scope).await?.sheet();
    let bytes = crate::platform::xlsx::template_with(COLUMNS, HELP, &units)?;
    Ok(download(
        bytes,
        &crate::platform::download::FileName::new(
            "volunteer-records-template.xlsx",
            &format!("{}.xlsx", c.t("volunteers.template_records")),
        ),
        XLSX_TYPE,
    ))
}

async fn import_upload(State(st): State<AppState>, c: PageCtx, auth: Auth, mp: Multipart) -> AppResult<Response> {
    web::import_upload(&st, c, &auth, mp, &RECORDS, import_page).await
}
