//! Who the API caller is.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::api::ApiError;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/me", Need::Login, me)
}

/// The signed-in user (or the owner of the token), their roles, permissions and scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    /// True when the data scope is every unit.
    pub scope_all: bool,
    /// Unit subtrees in scope (materialised paths).
    pub scope_subtrees: Vec<String>,
    /// Single units in scope.
    pub scope_units: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses((status = 200, body = Me), (status = 401, body = ApiError)), security(("bearer" = [])))]
pub async fn me(auth: Auth) -> Json<Me> {
    Json(Me {
        id: auth.id,
        username: auth.username.clone(),
        display_name: auth.display_name.clone(),
        unit_id: auth.unit_id,
        unit_name: auth.unit_name.clone(),
        unit_path: auth.unit_path.clone(),
        roles: auth.roles.clone(),
        permissions: auth.permissions.clone(),
        scope_all: auth.scope.all,
        scope_subtrees: auth.scope.subtrees.clone(),
        scope_units: auth.scope.units.clone(),
    })
}
