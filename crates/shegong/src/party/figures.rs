//! Figures of an action plan: participating Party organisations and the heat table of
//! activities per domain × mode.

use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;

use crate::party::store::{self, Named};
use crate::platform::access::Scope;

/// The heat table: one row per domain, one column per mode.
#[derive(Debug, Clone, Serialize)]
pub struct Heat {
    pub domains: Vec<Named>,
    pub modes: Vec<Named>,
    /// `cells[d][m]` = activities of domain d in mode m.
    pub cells: Vec<Vec<i64>>,
    pub participants: Vec<Vec<i64>>,
    pub row_totals: Vec<i64>,
    pub col_totals: Vec<i64>,
    pub total: i64,
    pub max: i64,
}

impl Heat {
    /// A shade 0–5 for a cell, relative to the largest cell.
    pub fn level(&self, v: &i64) -> i64 {
        if *v <= 0 || self.max <= 0 { 0 } else { 1 + (v * 4 + self.max / 2) / self.max }.min(5)
    }
}

pub async fn heat<C: ConnectionTrait>(c: &C, scope: &Scope, plan: i64) -> Result<Heat, DbErr> {
    let domains = store::domains(c, plan).await?;
    let modes = store::modes(c, plan).await?;
    let mut cells = vec![vec![0i64; modes.len()]; domains.len()];
    let mut participants = vec![vec![0i64; modes.len()]; domains.len()];
    for cell in store::heat(c, scope, plan).await? {
        let (Some(d), Some(m)) =
            (domains.iter().position(|x| x.id == cell.domain_id), modes.iter().position(|x| x.id == cell.mode_id))
        else {
            continue;
        };
        cells[d][m] = cell.activities;
        participants[d][m] = cell.participants.unwrap_or(0);
    }
    let row_totals: Vec<i64> = cells.iter().map(|r| r.iter().sum()).collect();
    let col_totals: Vec<i64> = (0..modes.len()).map(|m| cells.iter().map(|r| r[m]).sum()).collect();
    let total = row_totals.iter().sum();
    let max = cells.iter().flatten().copied().max().unwrap_or(0);
    Ok(Heat { domains, modes, cells, participants, row_totals, col_totals, total, max })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_are_relative_to_the_largest_cell() {
        let h = Heat {
            domains: vec![],
            modes: vec![],
            cells: vec![],
            participants: vec![],
            row_totals: vec![],
            col_totals: vec![],
            total: 0,
            max: 8,
        };
        assert_eq!(h.level(&0), 0);
        assert_eq!(h.level(&1), 2);
        assert_eq!(h.level(&8), 5);
    }
}
