//! The events indicators (issue 15): honours awarded in a year and events held in any period, in
//! a unit subtree. The engine in `review/` reads them.

use sea_orm::{DatabaseConnection, DbErr};

use crate::events::store;
use crate::platform::figures::Measure;
use crate::platform::indicator::{Ask, BoxFuture, Indicator, IndicatorGroup};

pub fn indicators() -> Vec<IndicatorGroup> {
    vec![IndicatorGroup {
        name: "events",
        need: "events.read",
        indicators: vec![
            Indicator {
                key: "events.honours",
                label_key: "indicators.events.honours",
                definition_key: "indicators.def.events.honours",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: true,
                href: |a| format!("/honours?year={}", a.from.format("%Y")),
            },
            Indicator {
                key: "events.events",
                label_key: "indicators.events.events",
                definition_key: "indicators.def.events.events",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: false,
                href: |a| format!("/events?year={}", a.from.format("%Y")),
            },
        ],
        compute: values,
    }]
}

fn values<'a>(c: &'a DatabaseConnection, a: &'a Ask) -> BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move {
        let (honours, events) =
            store::indicator_counts(c, &a.scope, &a.unit_path, a.whole_year(), a.from, a.to).await?;
        Ok(vec![honours, Some(events)])
    })
}
