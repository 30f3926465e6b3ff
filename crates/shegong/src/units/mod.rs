//! The org-unit tree (市 → 区镇 → 社区/村): every record hangs on a unit, every figure rolls up
//! along the tree, and every user's data scope is a subtree of it.

pub mod api;
pub mod figures;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use import::unit_refs;
pub use model::tree_order;
pub use model::{UnitRefError, UnitRefs};
pub use routes::routes;
pub use store::{
    ancestors, children, get, get_scoped, in_tree_order, official_order, options, roots, TreeRow, UnitOption,
};

use std::sync::Arc;

use sea_orm::DbErr;

use crate::platform::access::{CurrentUser, Reach, Record, Scope};
use crate::platform::AppState;

/// An org unit, reached when it lies inside the caller's scope.
pub static UNIT: Record = Record { name: "unit", table: "org_units", reach: Reach::UnitItself, parent: None };

/// The active units inside the user's scope, in tree order, for pickers and filters: cached per
/// scope until any org unit changes (the `units` data version read with the session).
pub async fn picker(st: &AppState, user: &CurrentUser) -> Result<Arc<Vec<UnitOption>>, DbErr> {
    st.caches
        .lists
        .get_or_load("units.picker", scope_key(&user.scope), user.versions.units, || {
            store::options(&st.db.conn, &user.scope)
        })
        .await
}

/// Everything of a scope that [`store::options`] filters on.
pub fn scope_key(s: &Scope) -> String {
    if s.all {
        return "*".into();
    }
    format!("{}|{}", s.subtrees.join(","), s.units.join(","))
}
