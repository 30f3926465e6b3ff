//! The demo's second year, 2023 (issue 15 item 9): the same kinds of records as 2022, with
//! plausibly different figures, so that the dashboard, the engine and the review show a
//! year-on-year change. Written after the whole 2022 data set, which stays exactly as it was
//! (its figures, its ids, its generators' draws). Each domain's 2023 figures are named constants
//! next to its 2022 ones, public so that tests read them from the generator:
//!
//! | domain | 2023 constants |
//! |---|---|
//! | registry | [`orgs_2023::NEW_ORGS_2023`], [`orgs_2023::NEW_PARTY_ORGS_2023`], [`orgs_2023::NEW_INSTRUCTORS_2023`] |
//! | services | [`services::PROJECTS_2023`], [`services::AGENCIES_2023`], [`services::TOTAL_FEN_2023`], [`services::STAFF_2023`] |
//! | talent | [`workers::EXAM_PASSES_2023`], [`workers::AWARDS_2023`], [`FUND_IN_2023_FEN`] (the fund) |
//! | volunteers | [`volunteers_2023::VOLUNTEERS_2023`], [`volunteers_2023::COMMUNITIES_2023`], [`volunteers_2023::PERSON_TIMES_2023`] |
//! | hotline | [`hotline::CALLS_2023`], [`hotline::CASES_2023`] |
//! | events | [`events::EVENTS_2023`], [`events::DOCUMENTS_2023`], [`events::HONOURS_2023`] (and the award winners' honours) |
//!
//! [`orgs_2023::NEW_ORGS_2023`]: crate::demo::orgs_2023::NEW_ORGS_2023
//! [`orgs_2023::NEW_PARTY_ORGS_2023`]: crate::demo::orgs_2023::NEW_PARTY_ORGS_2023
//! [`orgs_2023::NEW_INSTRUCTORS_2023`]: crate::demo::orgs_2023::NEW_INSTRUCTORS_2023
//! [`services::PROJECTS_2023`]: crate::demo::services::PROJECTS_2023
//! [`services::AGENCIES_2023`]: crate::demo::services::AGENCIES_2023
//! [`services::TOTAL_FEN_2023`]: crate::demo::services::TOTAL_FEN_2023
//! [`services::STAFF_2023`]: crate::demo::services::STAFF_2023
//! [`workers::EXAM_PASSES_2023`]: crate::demo::workers::EXAM_PASSES_2023
//! [`workers::AWARDS_2023`]: crate::demo::workers::AWARDS_2023
//! [`volunteers_2023::VOLUNTEERS_2023`]: crate::demo::volunteers_2023::VOLUNTEERS_2023
//! [`volunteers_2023::COMMUNITIES_2023`]: crate::demo::volunteers_2023::COMMUNITIES_2023
//! [`volunteers_2023::PERSON_TIMES_2023`]: crate::demo::volunteers_2023::PERSON_TIMES_2023
//! [`hotline::CALLS_2023`]: crate::demo::hotline::CALLS_2023
//! [`hotline::CASES_2023`]: crate::demo::hotline::CASES_2023
//! [`events::EVENTS_2023`]: crate::demo::events::EVENTS_2023
//! [`events::DOCUMENTS_2023`]: crate::demo::events::DOCUMENTS_2023
//! [`events::HONOURS_2023`]: crate::demo::events::HONOURS_2023

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::demo::{events, hotline, hotline_roster, orgs_2023, services, volunteers_2023, workers};
use crate::platform::money::Amount;
use crate::talent::model::EntryInput;

/// A fund entry: (month, day, yuan, counterparty, purpose, approval reference).
pub type FundEntry = (u32, u32, i64, &'static str, &'static str, &'static str);
/// Contributions to the talent fund in 2023.
pub const FUND_CONTRIBUTIONS_2023: &[FundEntry] = &[
    (3, 21, 500_000, "市慈善总会", "社会工作人才发展专项基金2023年度注资", ""),
    (9, 12, 300_000, "昆山市企业家联合会", "定向捐赠：社区社工室建设", ""),
];
/// Grants from the fund in 2023.
pub const FUND_GRANTS_2023: &[FundEntry] = &[
    (6, 30, 180_000, "昆山市社会工作协会", "社会工作者继续教育资助", "昆民社〔2023〕18号"),
    (12, 15, 60_000, "第三届昆山市“最美社工”", "“最美社工”奖励金", "昆民社〔2023〕42号"),
];
/// Contributions to the fund in 2023, in fen (2,000,000 yuan in 2022, when it was set up).
pub const FUND_IN_2023_FEN: i64 = yuan_total(FUND_CONTRIBUTIONS_2023) * 100;

const fn yuan_total(entries: &[FundEntry]) -> i64 {
    let mut n = 0;
    let mut i = 0;
    while i < entries.len() {
        n += entries[i].2;
        i += 1;
    }
    n
}

/// What the 2023 year wrote.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report2023 {
    pub organisations: usize,
    pub party_orgs: usize,
    pub instructors: usize,
    pub events: usize,
    pub documents: usize,
    pub honours: usize,
    pub fund_entries: usize,
    pub social_workers: usize,
    pub exam_passes: usize,
    pub award_winners: usize,
    pub service_projects: usize,
    pub service_agencies: usize,
    pub service_amount_fen: i64,
    pub service_team_members: usize,
    pub volunteer_shifts: usize,
    pub hotline_calls: usize,
    pub hotline_escalations: usize,
    pub hotline_cases: usize,
}

/// The hotline's people for 2023: the roster's counsellors (account, unit), the supervisor who
/// acknowledges the escalations and opens the cases, and the towns callers live in.
pub struct HotlinePeople<'a> {
    pub counsellors: &'a [(i64, i64)],
    pub supervisor: i64,
    pub towns: &'a [i64],
}

/// Writes the 2023 year into the demo's transaction.
pub async fn generate<C: ConnectionTrait>(
    c: &C,
    city: i64,
    scale: u32,
    communities: &[i64],
    hotline_people: Option<HotlinePeople<'_>>,
) -> anyhow::Result<Report2023> {
    let mut r = Report2023::default();
    (r.organisations, r.party_orgs, r.instructors) = orgs_2023::generate(c).await?;
    (r.events, r.documents, r.honours) = events::generate(c, 2023).await?;
    let entries = FUND_CONTRIBUTIONS_2023
        .iter()
        .map(|e| ("contribution", e))
        .chain(FUND_GRANTS_2023.iter().map(|e| ("grant", e)));
    for (kind, (m, d, yuan, counterparty, purpose, approval)) in entries {
        let entry = EntryInput {
            kind: kind.to_string(),
            entry_on: NaiveDate::from_ymd_opt(2023, *m, *d).ok_or_else(|| anyhow::anyhow!("date"))?,
            amount_fen: Amount::from_fen(yuan * 100)?,
            counterparty: counterparty.to_string(),
            purpose: purpose.to_string(),
            approval_ref: approval.to_string(),
        };
        crate::talent::store::insert(c, city, &entry, None).await?;
        r.fund_entries += 1;
    }
    (r.social_workers, r.exam_passes) = workers::generate_2023(c, scale).await?;
    r.award_winners = workers::selections_2023(c, city).await?;
    let s = services::generate_2023(c).await?;
    r.service_projects = s.projects;
    r.service_agencies = s.agencies;
    r.service_amount_fen = s.amount_fen;
    r.service_team_members = s.team_members;
    r.volunteer_shifts = volunteers_2023::generate(c, city, communities).await?;
    if let Some(h) = hotline_people {
        let year = hotline::generate_2023(c, h.counsellors, h.supervisor, h.towns).await?;
        r.hotline_calls = year.calls;
        r.hotline_escalations = year.escalations;
        r.hotline_cases =
            hotline_roster::cases_of(c, h.supervisor, crate::platform::time::today(), hotline::CASES_2023, 2023)
                .await?;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fund_takes_in_what_the_entries_say() {
        assert_eq!(FUND_IN_2023_FEN, 800_000 * 100);
        assert!(yuan_total(FUND_GRANTS_2023) * 100 < FUND_IN_2023_FEN, "the balance stays positive");
    }
}
