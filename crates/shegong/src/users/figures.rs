//! Figures of the user register.

use sea_orm::{DatabaseConnection, DbErr};

use crate::platform::figures::Measure;
use crate::platform::indicator::{Ask, BoxFuture, Indicator, IndicatorGroup};
use crate::users::store;

/// Accounts in use in the subtree, as the register is now (issue 15's engine reads it).
pub fn indicators() -> Vec<IndicatorGroup> {
    vec![IndicatorGroup {
        name: "users",
        need: "users.read",
        indicators: vec![Indicator {
            key: "users.active",
            label_key: "figures.users.active",
            definition_key: "indicators.def.users.active",
            unit_key: "figures.unit.people",
            measure: Measure::Count,
            annual: false,
            href: |a| format!("/admin/users?status=active{}", a.unit_param()),
        }],
        compute: values,
    }]
}

fn values<'a>(c: &'a DatabaseConnection, a: &'a Ask) -> BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move { Ok(vec![Some(store::count_active(c, &a.scope, &a.unit_path).await?)]) })
}
