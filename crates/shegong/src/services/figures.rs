//! Figures of purchased services for a unit subtree and a year, computed from the records:
//! projects, agencies, contract and paid amounts (fen), staff by role, projects per category and
//! per agency. The page, the exports, the API and the dashboard all read these; the statements
//! are in `store/figures.rs`.

use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::money::Money;
use crate::services::store::{self, By};
pub use crate::services::store::{Breakdown, RoleCount};

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceFigures {
    pub year: i32,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name (empty: none).
    pub unit_name_en: String,
    /// The unit's code (names exported files).
    pub unit_code: String,
    pub projects: i64,
    pub agencies: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Money,
    #[schema(value_type = i64)]
    pub paid_fen: Money,
    /// Distinct people on the teams.
    pub staff: i64,
    pub by_role: Vec<RoleCount>,
    pub by_category: Vec<Breakdown>,
    pub by_agency: Vec<Breakdown>,
    pub by_station: Vec<Breakdown>,
    pub by_status: Vec<Breakdown>,
}

pub async fn compute<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_id: i64,
    unit_name: &str,
    unit_name_en: &str,
    unit_path: &str,
    year: i32,
) -> Result<ServiceFigures, DbErr> {
    let t = store::project_totals(c, scope, unit_path, year).await?;
    let mut by_role = store::staff_by_role(c, scope, unit_path, year).await?;
    let rank = |r: &str| crate::services::model::ROLES.iter().position(|x| *x == r).unwrap_or(99);
    by_role.sort_by_key(|r| rank(&r.role));
    let by_category = store::breakdown(c, scope, unit_path, year, By::Category).await?;
    let by_agency = store::breakdown(c, scope, unit_path, year, By::Agency).await?;
    let by_station = store::breakdown(c, scope, unit_path, year, By::Station).await?;
    let mut by_status = store::breakdown(c, scope, unit_path, year, By::Status).await?;
    let srank = |s: &str| crate::services::model::status_index(s).unwrap_or(99);
    by_status.sort_by_key(|r| srank(&r.label));
    Ok(ServiceFigures {
        year,
        unit_id,
        unit_name: unit_name.to_string(),
        unit_name_en: unit_name_en.to_string(),
        unit_code: crate::platform::web::unit_code_of(unit_path).to_string(),
        projects: t.projects,
        agencies: t.agencies,
        amount_fen: t.amount_fen,
        paid_fen: t.paid_fen,
        staff: t.staff,
        by_role,
        by_category,
        by_agency,
        by_station,
        by_status,
    })
}

/// The indicators of purchased services (issue 15): projects of the year in the subtree, their
/// agencies, contract amount and team members. Projects are dated by their year only.
pub fn indicators() -> Vec<crate::platform::indicator::IndicatorGroup> {
    use crate::platform::figures::Measure;
    use crate::platform::indicator::{Indicator, IndicatorGroup};
    // Every indicator opens the projects of the year in the subtree; the list's total row holds
    // the sum and the distinct counts (its cells' ids are the links' fragments).
    let ind =
        |key, label_key, definition_key, unit_key, measure, href: fn(&crate::platform::indicator::Ask) -> String| {
            Indicator { key, label_key, definition_key, unit_key, measure, annual: true, href }
        };
    fn list(a: &crate::platform::indicator::Ask) -> String {
        format!("/services?year={}{}", a.from.format("%Y"), a.unit_param())
    }
    vec![IndicatorGroup {
        name: "services",
        need: "services.read",
        indicators: vec![
            ind(
                "services.projects",
                "figures.services.projects",
                "indicators.def.services.projects",
                "figures.unit.count",
                Measure::Count,
                list,
            ),
            ind(
                "services.agencies",
                "figures.services.agencies",
                "indicators.def.services.agencies",
                "figures.unit.orgs",
                Measure::Count,
                |a| format!("{}#projects-agencies", list(a)),
            ),
            ind(
                "services.amount",
                "figures.services.amount",
                "indicators.def.services.amount",
                "figures.unit.wan",
                Measure::Fen,
                |a| format!("{}#projects-amount", list(a)),
            ),
            ind(
                "services.staff",
                "figures.services.staff",
                "indicators.def.services.staff",
                "figures.unit.people",
                Measure::Count,
                |a| format!("{}#projects-staff", list(a)),
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
        let Some(year) = a.whole_year() else { return Ok(vec![None; 4]) };
        let t = store::project_totals(c, &a.scope, &a.unit_path, year).await?;
        Ok(vec![Some(t.projects), Some(t.agencies), Some(t.amount_fen.fen()), Some(t.staff)])
    })
}
