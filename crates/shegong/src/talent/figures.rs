//! The talent indicators (issue 15): exam passes and awards of a year, and contributions to the
//! talent development fund in any period, for a unit subtree. The engine in `review/` reads them.

use sea_orm::{DatabaseConnection, DbErr};

use crate::platform::figures::Measure;
use crate::platform::indicator::{annual, Ask, BoxFuture, Indicator, IndicatorGroup};
use crate::talent::store;

/// Two groups: the register's figures (`talent.read`) and the fund's (`talent.fund_read`).
pub fn indicators() -> Vec<IndicatorGroup> {
    vec![
        IndicatorGroup {
            name: "talent",
            need: "talent.read",
            indicators: vec![
                Indicator {
                    key: "talent.exam_passes",
                    label_key: "indicators.talent.exam_passes",
                    definition_key: "indicators.def.talent.exam_passes",
                    unit_key: "figures.unit.people",
                    measure: Measure::Count,
                    annual: true,
                    href: |a| {
                        format!("/talent/workers?exam_year={}{}#exam-passes", a.from.format("%Y"), a.unit_param())
                    },
                },
                Indicator {
                    key: "talent.awards",
                    label_key: "indicators.talent.awards",
                    definition_key: "indicators.def.talent.awards",
                    unit_key: "figures.unit.people",
                    measure: Measure::Count,
                    annual: true,
                    href: |a| format!("/talent/workers?selected_year={}{}#awards", a.from.format("%Y"), a.unit_param()),
                },
            ],
            compute: talent,
        },
        IndicatorGroup {
            name: "fund",
            need: "talent.fund_read",
            indicators: vec![Indicator {
                key: "talent.fund_in",
                label_key: "indicators.talent.fund_in",
                definition_key: "indicators.def.talent.fund_in",
                unit_key: "figures.unit.wan",
                measure: Measure::Fen,
                annual: false,
                href: |a| format!("/talent/fund?kind=contribution{}{}#ledger-sum", a.period_param(), a.unit_param()),
            }],
            compute: fund,
        },
    ]
}

fn talent<'a>(c: &'a DatabaseConnection, a: &'a Ask) -> BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move {
        let Some(year) = a.whole_year() else { return Ok(vec![None, None]) };
        let passes = store::exam_passes_under(c, &a.scope, &a.unit_path, year).await?;
        let awards = store::awards_under(c, &a.scope, &a.unit_path, year).await?;
        Ok(vec![annual(a, |_| passes), annual(a, |_| awards)])
    })
}

fn fund<'a>(c: &'a DatabaseConnection, a: &'a Ask) -> BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move { Ok(vec![Some(store::fund_in_under(c, &a.scope, &a.unit_path, a.from, a.to).await?)]) })
}
