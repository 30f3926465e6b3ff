//! An agency's track record.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{render, PageCtx};
use crate::platform::AppState;
use crate::services::store::{self};

pub fn routes() -> Routes {
    Routes::new().with("id", &crate::services::AGENCY).get(
        "/services/agencies/{id}",
        Need::Perm("services.read"),
        agency,
    )
}

#[derive(Template)]
#[template(path = "services/agency.html")]
struct AgencyPage {
    c: PageCtx,
    name: String,
    /// The projects inside the caller's scope; the others count in the figures only.
    rows: Vec<store::TrackRow>,
    projects: usize,
    hidden: usize,
    average_final: String,
    on_time: String,
    total: String,
}

/// An agency's track record across projects and years, which the next purchase sees: open to
/// buyers (services.write) and readers with the whole city in scope; agency staff see their own
/// agency's record only.
async fn agency(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let own_agency = auth.scope.own_org == Some(id);
    if !(own_agency || auth.scope.all || auth.can("services.write")) {
        return Err(AppError::NotFound);
    }
    let name = store::organisation_name(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let all = store::track_record(&st.db.conn, &auth.scope, id).await?;
    let (projects, hidden) = (all.len(), all.iter().filter(|r| !r.visible).count());
    let finals: Vec<i32> = all.iter().filter_map(|r| r.final_score).collect();
    let average_final = if finals.is_empty() {
        "—".to_string()
    } else {
        format!("{:.1}", finals.iter().map(|s| f64::from(*s)).sum::<f64>() / finals.len() as f64)
    };
    let closed: Vec<bool> = all.iter().filter_map(|r| r.on_time()).collect();
    let on_time = if closed.is_empty() {
        "—".to_string()
    } else {
        format!("{}/{}", closed.iter().filter(|x| **x).count(), closed.len())
    };
    let rows: Vec<store::TrackRow> = all.into_iter().filter(|r| r.visible).collect();
    let total =
        crate::platform::money::Money(rows.iter().fold(0i64, |s, r| s.saturating_add(r.amount_fen.fen()))).yuan_text();
    render(&AgencyPage { c, name, rows, projects, hidden, average_final, on_time, total })
}
