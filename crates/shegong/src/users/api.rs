//! The user register over the JSON API (phones masked).

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;
use crate::platform::error::AppResult;
use crate::platform::paging::{Page, PageParams};
use crate::platform::AppState;
use crate::users::model::UserRow;
use crate::users::store::{self, UserFilter};

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/users", Need::Perm("users.read"), list)
}

/// A user as the API shows it: the phone number is masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub roles: String,
    pub phone_masked: String,
    pub disabled: bool,
    pub locked: bool,
    /// 所属机构: the organisation (agency) whose projects agency staff see.
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
}

impl From<UserRow> for UserDto {
    fn from(u: UserRow) -> Self {
        UserDto {
            phone_masked: u.phone_masked(),
            locked: u.is_locked(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            unit_id: u.unit_id,
            unit_name: u.unit_name,
            roles: u.roles.unwrap_or_default(),
            disabled: u.disabled,
            organisation_id: u.organisation_id,
            organisation_name: u.organisation_name,
        }
    }
}

/// Users in the caller's data scope, paged; `q` searches username, name and unit.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PageParams),
    responses((status = 200, body = Page<UserDto>), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn list(State(st): State<AppState>, auth: Auth, p: PageParams) -> AppResult<Json<Page<UserDto>>> {
    let page = store::list(&st.db.conn, &auth.scope, &UserFilter::default(), &p).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(UserDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        pages: page.pages,
    }))
}
