//! Figures of the registry: the "two coverages" (两个覆盖) for any unit subtree and date, and the
//! headline counts of the dashboard.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::orgs::store::{self, CoverageRow};
use crate::platform::access::Scope;

/// Coverage counts for one set of organisations.
#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct CoverageCounts {
    /// Organisations registered and not deregistered or revoked on the date.
    pub total: i64,
    /// With an own Party organisation (党委/党总支/党支部).
    pub own: i64,
    /// Covered only by a joint Party branch (联合党支部).
    pub joint_only: i64,
    /// Organisation coverage: own or joint Party organisation.
    pub org_covered: i64,
    /// Work coverage: organisation coverage, or a Party-building instructor.
    pub work_covered: i64,
}

impl CoverageCounts {
    fn add(&mut self, r: &CoverageRow) {
        self.total += 1;
        if r.own > 0 {
            self.own += 1;
        } else if r.joint > 0 {
            self.joint_only += 1;
        }
        if r.own > 0 || r.joint > 0 {
            self.org_covered += 1;
        }
        if r.own > 0 || r.joint > 0 || r.instructor > 0 {
            self.work_covered += 1;
        }
    }
    /// A rate in per cent with one decimal, from counts (0 when there is nothing to cover).
    pub fn rate(part: i64, total: i64) -> f64 {
        if total == 0 {
            0.0
        } else {
            ((part as f64) * 1000.0 / (total as f64)).round() / 10.0
        }
    }
    /// A rate in per mille, rounded to a whole number (dashboard figures are integers).
    pub fn permille(part: i64, total: i64) -> i64 {
        if total == 0 {
            0
        } else {
            (part * 1000 + total / 2) / total
        }
    }
    pub fn org_rate(&self) -> f64 {
        Self::rate(self.org_covered, self.total)
    }
    pub fn work_rate(&self) -> f64 {
        Self::rate(self.work_covered, self.total)
    }
}

/// Coverage of one unit below the chosen one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageLine {
    pub unit_id: Option<i64>,
    pub unit_name: String,
    /// The unit's English name ('' when none).
    pub unit_name_en: String,
    pub unit_path: String,
    pub counts: CoverageCounts,
    pub org_rate: f64,
    pub work_rate: f64,
}

/// The two coverages on a date, for a unit subtree, with a line per unit one level down.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    pub on: NaiveDate,
    pub unit_path: String,
    pub counts: CoverageCounts,
    pub org_rate: f64,
    pub work_rate: f64,
    pub lines: Vec<CoverageLine>,
}

/// Computes the coverage below `under` (a unit and its subtree), limited to the scope.
/// `children` are the units one level below (id, name, English name, path) for the per-unit lines.
pub async fn coverage<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    children: &[(i64, String, String, String)],
    on: NaiveDate,
) -> Result<Coverage, DbErr> {
    let rows = store::coverage_rows(c, scope, under, on).await?;
    let mut counts = CoverageCounts::default();
    let mut lines: Vec<CoverageLine> = children
        .iter()
        .map(|(id, name, name_en, path)| CoverageLine {
            unit_id: Some(*id),
            unit_name: name.clone(),
            unit_name_en: name_en.clone(),
            unit_path: path.clone(),
            counts: CoverageCounts::default(),
            org_rate: 0.0,
            work_rate: 0.0,
        })
        .collect();
    let mut own_level = CoverageCounts::default();
    for r in &rows {
        counts.add(r);
        match lines.iter_mut().find(|l| r.unit_path.starts_with(&l.unit_path)) {
            Some(l) => l.counts.add(r),
            None => own_level.add(r),
        }
    }
    if own_level.total > 0 {
        lines.insert(
            0,
            CoverageLine {
                unit_id: None,
                unit_name: String::new(),
                unit_name_en: String::new(),
                unit_path: under.to_string(),
                counts: own_level,
                org_rate: 0.0,
                work_rate: 0.0,
            },
        );
    }
    for l in &mut lines {
        l.org_rate = l.counts.org_rate();
        l.work_rate = l.counts.work_rate();
    }
    lines.retain(|l| l.counts.total > 0);
    Ok(Coverage {
        on,
        unit_path: under.to_string(),
        org_rate: counts.org_rate(),
        work_rate: counts.work_rate(),
        counts,
        lines,
    })
}

/// The indicators of the registry (issue 15): organisations registered and not deregistered or
/// revoked on the last day of the period in the subtree, and the two coverages among them; and
/// the Party organisations taking part in an action plan.
pub fn indicators() -> Vec<crate::platform::indicator::IndicatorGroup> {
    use crate::platform::figures::Measure;
    use crate::platform::indicator::{Indicator, IndicatorGroup};
    vec![
        IndicatorGroup {
            name: "orgs",
            need: "orgs.read",
            indicators: vec![
                Indicator {
                    key: "orgs.active",
                    label_key: "figures.orgs.active",
                    definition_key: "indicators.def.orgs.active",
                    unit_key: "figures.unit.orgs",
                    measure: Measure::Count,
                    annual: false,
                    href: |a| format!("/orgs?on={}{}", a.to, a.unit_param()),
                },
                Indicator {
                    key: "orgs.party.org_coverage",
                    label_key: "figures.orgs.org_coverage",
                    definition_key: "indicators.def.orgs.party.org_coverage",
                    unit_key: "figures.unit.permille",
                    measure: Measure::Permille,
                    annual: false,
                    href: |a| format!("/party/coverage?on={}{}#coverage-org", a.to, a.unit_param()),
                },
                Indicator {
                    key: "orgs.party.work_coverage",
                    label_key: "figures.orgs.work_coverage",
                    definition_key: "indicators.def.orgs.party.work_coverage",
                    unit_key: "figures.unit.permille",
                    measure: Measure::Permille,
                    annual: false,
                    href: |a| format!("/party/coverage?on={}{}#coverage-work", a.to, a.unit_param()),
                },
            ],
            compute: indicator_values,
        },
        // Its own group: its records, the Party organisations, are read with `party.read` (the
        // drill-down opens their list).
        IndicatorGroup {
            name: "party",
            need: "party.read",
            indicators: vec![Indicator {
                key: "party.action_plan_orgs",
                label_key: "figures.party.action_plan_orgs",
                definition_key: "indicators.def.party.action_plan_orgs",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: false,
                href: |a| format!("/party/orgs?in_plan=yes{}", a.unit_param()),
            }],
            compute: party_values,
        },
    ]
}

fn indicator_values<'a>(
    c: &'a sea_orm::DatabaseConnection,
    a: &'a crate::platform::indicator::Ask,
) -> crate::platform::indicator::BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move {
        let mut counts = CoverageCounts::default();
        for r in &store::coverage_rows(c, &a.scope, &a.unit_path, a.to).await? {
            counts.add(r);
        }
        Ok(vec![
            Some(counts.total),
            Some(CoverageCounts::permille(counts.org_covered, counts.total)),
            Some(CoverageCounts::permille(counts.work_covered, counts.total)),
        ])
    })
}

fn party_values<'a>(
    c: &'a sea_orm::DatabaseConnection,
    a: &'a crate::platform::indicator::Ask,
) -> crate::platform::indicator::BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move { Ok(vec![Some(store::action_plan_party_orgs(c, &a.scope, &a.unit_path).await?)]) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, own: i64, joint: i64, instructor: i64) -> CoverageRow {
        CoverageRow { unit_path: path.into(), own, joint, instructor }
    }

    #[test]
    fn coverage_maths() {
        let mut c = CoverageCounts::default();
        for r in [
            row("/a/", 1, 0, 0),
            row("/a/", 1, 1, 0),
            row("/a/", 0, 1, 0),
            row("/a/", 0, 0, 1),
            row("/a/", 0, 0, 0),
            row("/a/", 0, 0, 0),
        ] {
            c.add(&r);
        }
        assert_eq!(c, CoverageCounts { total: 6, own: 2, joint_only: 1, org_covered: 3, work_covered: 4 });
        assert_eq!(c.org_rate(), 50.0);
        assert_eq!(c.work_rate(), 66.7);
        assert_eq!(CoverageCounts::rate(0, 0), 0.0);
    }
}
