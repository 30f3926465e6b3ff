//! Figures of the three-tier platform: stations, people and Party coverage per tier, for the
//! caller's scope, and the dashboard's headline figures.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;

use crate::orgs::figures::CoverageCounts;
use crate::platform::access::Scope;
use crate::platform::figures::FigureValue;
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

/// Dashboard: district/town stations, community rooms, and the two coverages of the
/// district/town stations (per mille, so that the value stays an integer).
pub async fn headline<C: ConnectionTrait>(c: &C, scope: &Scope, on: NaiveDate) -> Result<Vec<FigureValue>, DbErr> {
    let rows = store::list(c, scope, on).await?;
    let t = tiers(&rows, on);
    let empty = TierFigures::default();
    let by = |tier: &str| t.iter().find(|x| x.tier == tier).unwrap_or(&empty);
    let (town, rooms) = (by("town"), by("community"));
    let permille = |part: i64| CoverageCounts::permille(part, town.stations);
    Ok(vec![
        FigureValue::new("stations.town", "figures.stations.town", town.stations, "figures.unit.count")
            .link("/stations"),
        FigureValue::new("stations.rooms", "figures.stations.rooms", rooms.stations, "figures.unit.count")
            .link("/stations"),
        FigureValue::new(
            "stations.town_org_coverage_permille",
            "figures.stations.org_coverage",
            permille(town.org_covered),
            "figures.unit.permille",
        )
        .link("/stations"),
        FigureValue::new(
            "stations.town_work_coverage_permille",
            "figures.stations.work_coverage",
            permille(town.work_covered),
            "figures.unit.permille",
        )
        .link("/stations"),
    ])
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
