use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::error::AppResult;
use crate::platform::figures::FigureValue;
use crate::platform::web::{render, PageCtx};
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/", Need::Login, home)
}

#[derive(Template)]
#[template(path = "review/dashboard.html")]
struct Dashboard {
    c: PageCtx,
    figures: Vec<FigureValue>,
}

/// The home page: headline figures for the user's scope (users without dashboard rights see
/// only their shortcuts).
async fn home(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let figures = headline(&st, &auth).await?;
    render(&Dashboard { c, figures })
}

/// The headline figures a user may see, for their scope (dashboard and API).
pub async fn headline(st: &AppState, auth: &Auth) -> AppResult<Vec<FigureValue>> {
    let mut figures = Vec::new();
    if auth.can("orgs.read") {
        figures.extend(crate::orgs::figures::headline(&st.db.conn, &auth.scope, crate::platform::time::today()).await?);
    }
    if auth.can("stations.read") {
        figures.extend(
            crate::stations::figures::headline(&st.db.conn, &auth.scope, crate::platform::time::today()).await?,
        );
    }
    if auth.can("services.read") {
        figures.extend(crate::services::figures::headline(&st.db.conn, &auth.scope).await?);
    }
    if auth.can("units.read") {
        figures.extend(crate::units::figures::headline(&st.db.conn, &auth.scope).await?);
    }
    if auth.can("users.read") {
        figures.extend(crate::users::figures::headline(&st.db.conn, &auth.scope).await?);
    }
    Ok(figures)
}
