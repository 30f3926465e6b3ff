//! Figures of the user register.

use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::access::Scope;
use crate::platform::figures::FigureValue;
use crate::users::store;

pub async fn headline<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<FigureValue>, DbErr> {
    let n = store::count_active(c, scope).await?;
    Ok(vec![FigureValue::new("users.active", "figures.users.active", n, "figures.unit.people").link("/admin/users")])
}
