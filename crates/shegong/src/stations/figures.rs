//! Figures of the three-tier platform: stations, people and Party coverage per tier, for the
//! caller's scope, and the dashboard's headline figures.

use chrono::NaiveDate;
use sea_orm::DbErr;
use serde::Serialize;

use crate::orgs::figures::CoverageCounts;
use crate::stations::model::TIERS;
use crate::stations::store::{self, StationRow};

/// One tier: how many stations (at the community tier: rooms), how many people are at them, and
/// the two coverages ("支部建在站上").
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema, PartialEq)]
pub struct TierFigures {
    /// city, town or community.
    pub tier: String,
    pub stations: i64,
    /// People at the tier's stations on the day.
    pub staff: i64,
    /// With a Party organisation (own or joint) that is not dissolved.
    pub org_covered: i64,
    /// With a Party organisation or a Party-building instructor.
    pub work_covered: i64,
    /// Per cent, one decimal.
    pub org_rate: f64,
    pub work_rate: f64,
}

impl TierFigures {
    pub fn tier_key(&self) -> String {
        format!("stations.tier.{}", self.tier)
    }
}

/// The three tiers, top down, always all three (a tier without stations has zeros).
pub fn tiers(rows: &[StationRow], on: NaiveDate) -> Vec<TierFigures> {
    TIERS
        .iter()
        .map(|tier| {
            let mut t = TierFigures { tier: tier.to_string(), ..TierFigures::default() };
            for r in rows.iter().filter(|r| r.tier == *tier) {
                t.stations += 1;
                t.staff += r.staff;
                t.org_covered += i64::from(r.org_covered(&on));
                t.work_covered += i64::from(r.work_covered(&on));
            }
            t.org_rate = CoverageCounts::rate(t.org_covered, t.stations);
            t.work_rate = CoverageCounts::rate(t.work_covered, t.stations);
            t
        })
        .collect()
}

/// The indicators of the three-tier platform (issue 15): district/town stations and community
/// rooms of the subtree on the last day of the period, and the two coverages of the stations.
pub fn indicators() -> Vec<crate::platform::indicator::IndicatorGroup> {
    use crate::platform::figures::Measure;
    use crate::platform::indicator::Ask;
    use crate::platform::indicator::{Indicator, IndicatorGroup};
    // The stations of a tier in the subtree on the period's last day; the tree's tier table holds
    // the count and the coverages (its cells' ids are the links' fragments).
    let ind = |key, label_key, definition_key, unit_key, measure, href: fn(&Ask) -> String| Indicator {
        key,
        label_key,
        definition_key,
        unit_key,
        measure,
        annual: false,
        href,
    };
    fn tree(a: &Ask, tier: &str, cell: &str) -> String {
        format!("/stations?on={}&tier={tier}{}#tier-{tier}{cell}", a.to, a.unit_param())
    }
    vec![IndicatorGroup {
        name: "stations",
        need: "stations.read",
        indicators: vec![
            ind(
                "stations.town",
                "figures.stations.town",
                "indicators.def.stations.town",
                "figures.unit.count",
                Measure::Count,
                |a| tree(a, "town", ""),
            ),
            ind(
                "stations.rooms",
                "figures.stations.rooms",
                "indicators.def.stations.rooms",
                "figures.unit.count",
                Measure::Count,
                |a| tree(a, "community", ""),
            ),
            ind(
                "stations.town_org_coverage",
                "figures.stations.org_coverage",
                "indicators.def.stations.town_org_coverage",
                "figures.unit.permille",
                Measure::Permille,
                |a| tree(a, "town", "-org"),
            ),
            ind(
                "stations.town_work_coverage",
                "figures.stations.work_coverage",
                "indicators.def.stations.town_work_coverage",
                "figures.unit.permille",
                Measure::Permille,
                |a| tree(a, "town", "-work"),
            ),
        ],
        compute: indicator_values,
    }]
}

fn indicator_values<'a>(
    c: &'a sea_orm::DatabaseConnection,
    a: &'a crate::platform::indicator::Ask,
) -> crate::platform::indicator::BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move {
        let mut rows = store::list(c, &a.scope, a.to).await?;
        rows.retain(|r| r.unit_path.starts_with(&a.unit_path));
        let t = tiers(&rows, a.to);
        let empty = TierFigures::default();
        let by = |tier: &str| t.iter().find(|x| x.tier == tier).unwrap_or(&empty);
        let (town, rooms) = (by("town"), by("community"));
        Ok(vec![
            Some(town.stations),
            Some(rooms.stations),
            Some(CoverageCounts::permille(town.org_covered, town.stations)),
            Some(CoverageCounts::permille(town.work_covered, town.stations)),
        ])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tier: &str, party: Option<i64>, dissolved: Option<NaiveDate>, instructor: &str, staff: i64) -> StationRow {
        StationRow {
            id: 1,
            unit_id: 1,
            unit_name: String::new(),
            unit_name_en: String::new(),
            unit_path: "/a/".into(),
            tier: tier.into(),
            name: String::new(),
            address: String::new(),
            opened_on: None,
            manager: String::new(),
            phone: None,
            description: String::new(),
            party_org_id: party,
            party_org_name: None,
            party_org_kind: None,
            party_org_established_on: party.map(|_| NaiveDate::MIN),
            party_org_dissolved_on: dissolved,
            party_instructor: instructor.into(),
            staff,
            version: 1,
        }
    }

    #[test]
    fn coverage_per_tier() {
        let on = NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
        let gone = NaiveDate::from_ymd_opt(2022, 6, 1);
        let rows = vec![
            row("city", Some(1), None, "", 3),
            row("town", Some(2), None, "王", 4),
            row("town", Some(3), gone, "", 2),
            row("town", None, None, "李", 1),
            row("community", None, None, "", 1),
        ];
        let t = tiers(&rows, on);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].stations, t[0].staff, t[0].org_rate), (1, 3, 100.0));
        assert_eq!((t[1].stations, t[1].staff, t[1].org_covered, t[1].work_covered), (3, 7, 1, 2));
        assert_eq!((t[1].org_rate, t[1].work_rate), (33.3, 66.7));
        assert_eq!((t[2].stations, t[2].work_rate), (1, 0.0));
    }
}
