//! Figures of the org-unit tree.

use sea_orm::DbErr;

use crate::units::model::UnitKind;
use crate::units::store;

/// The indicators of the unit tree (issue 15): active units of the second tier (districts and
/// towns) and of the third (communities and villages) in the subtree, as the tree is now.
pub fn indicators() -> Vec<crate::platform::indicator::IndicatorGroup> {
    use crate::platform::figures::Measure;
    use crate::platform::indicator::{Ask, Indicator, IndicatorGroup};
    /// The units of a tier in use in the subtree, within the caller's scope.
    fn list(a: &Ask, tier: u8) -> String {
        let under = if a.unit_id > 0 { format!("&under={}", a.unit_id) } else { String::new() };
        format!("/units/list?tier={tier}&active=yes{under}")
    }
    vec![IndicatorGroup {
        name: "units",
        need: "units.read",
        indicators: vec![
            Indicator {
                key: "units.district_town",
                label_key: "figures.units.district_town",
                definition_key: "indicators.def.units.district_town",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: false,
                href: |a| list(a, 2),
            },
            Indicator {
                key: "units.community",
                label_key: "figures.units.community",
                definition_key: "indicators.def.units.community",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: false,
                href: |a| list(a, 3),
            },
        ],
        compute: indicator_values,
    }]
}

fn indicator_values<'a>(
    c: &'a sea_orm::DatabaseConnection,
    a: &'a crate::platform::indicator::Ask,
) -> crate::platform::indicator::BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move {
        let counts = store::count_by_kind(c, &a.scope, Some(&a.unit_path)).await?;
        let sum = |tier: u8| {
            counts
                .iter()
                .filter(|k| UnitKind::parse(&k.kind).unwrap_or(UnitKind::Other).tier() == tier)
                .map(|k| k.n)
                .sum::<i64>()
        };
        Ok(vec![Some(sum(2)), Some(sum(3))])
    })
}
