//! Figures of the org-unit tree.

use sea_orm::{ConnectionTrait, DbErr};

use crate::platform::access::Scope;
use crate::platform::figures::FigureValue;
use crate::units::model::UnitKind;
use crate::units::store;

/// District/town units and community/village units in the scope.
pub async fn headline<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<FigureValue>, DbErr> {
    let counts = store::count_by_kind(c, scope, None).await?;
    let sum = |tier: u8| {
        counts
            .iter()
            .filter(|k| UnitKind::parse(&k.kind).unwrap_or(UnitKind::Other).tier() == tier)
            .map(|k| k.n)
            .sum::<i64>()
    };
    Ok(vec![
        FigureValue::new("units.district_town", "figures.units.district_town", sum(2), "figures.unit.count")
            .link("/units/list?tier=2"),
        FigureValue::new("units.community", "figures.units.community", sum(3), "figures.unit.count")
            .link("/units/list?tier=3"),
    ])
}
