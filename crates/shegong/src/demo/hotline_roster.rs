//! The hotline's "星光社工" roster and its 2022 rota, and cases opened from the demo calls.
//!
//! 40 counsellors (the demo counsellor among them) and 4 supervisors (the demo supervisor among
//! them), each with an account; every counsellor has a supervisor, the demo counsellor the demo
//! supervisor, and every third one is linked to a social worker of the talent register. The
//! rota covers every day of 2022 with three shifts (00:00–08:00, 08:00–16:00, 16:00–24:00), three
//! counsellors and a supervisor on duty each. Names are synthetic.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbErr};

use crate::demo::rng::Rng;
use crate::hotline::model::{CounsellorInput, Reader, ReferralInput, ShiftInput};
use crate::users::model::UserInput;
use crate::users::store as users;

/// The counsellors on the roster.
pub const COUNSELLORS: usize = super::hotline::COUNSELLORS_2022;
const SUPERVISORS: usize = 4;
const SHIFTS: [(i32, i32); 3] = [(0, 480), (480, 960), (960, 1440)];

/// What the roster made: the counsellors' accounts with their unit (for the calls), and how
/// many shifts the rota holds.
pub struct Roster {
    pub counsellors: Vec<(i64, i64)>,
    pub supervisors: Vec<(i64, i64)>,
    pub shifts: usize,
    /// The roster entries of the supervisors and of the counsellors (the demo's first).
    pub supervisor_rows: Vec<i64>,
    pub counsellor_rows: Vec<i64>,
}

async fn account<C: ConnectionTrait>(
    c: &C,
    username: &str,
    name: &str,
    unit: i64,
    role: &str,
    hash: &str,
) -> Result<i64, DbErr> {
    let input = UserInput {
        username: username.into(),
        display_name: name.into(),
        unit_id: unit,
        phone: None,
        email: None,
        organisation_id: None,
    };
    let uid = users::insert(c, &input, hash, false).await?;
    if let Some(rid) = users::role_id_by_code(c, role).await? {
        users::set_user_roles(c, uid, &[rid]).await?;
    }
    Ok(uid)
}

/// Writes the roster and the 2022 rota. `counsellor` and `supervisor` are the demo users of
/// those roles (account id, unit).
pub async fn roster<C: ConnectionTrait>(
    c: &C,
    unit: i64,
    counsellor: (i64, i64),
    supervisor: (i64, i64),
    hash: &str,
    year: i32,
) -> Result<Roster, DbErr> {
    let mut rng = Rng::seeded(1414);
    let joined = NaiveDate::from_ymd_opt(year - 1, 9, 1).unwrap_or_default();
    let workers = crate::hotline::store::worker_options(c).await?;
    let mut sup_rows = Vec::new();
    let mut supervisors = Vec::new();
    for i in 0..SUPERVISORS {
        let (uid, u) = if i == 0 {
            supervisor
        } else {
            let name = format!("{}（督导）", crate::demo::orgs::person(&mut rng));
            (account(c, &format!("xgdd{i:02}"), &name, unit, "supervisor", hash).await?, unit)
        };
        let name = if i == 0 { "孙老师（演示督导）".to_string() } else { format!("督导{}", i + 1) };
        let input = CounsellorInput {
            name,
            user_id: Some(uid),
            worker_id: None,
            is_supervisor: true,
            supervisor_id: None,
            joined_on: joined,
            active: true,
        };
        sup_rows.push(crate::hotline::store::insert_counsellor(c, u, &input).await?);
        supervisors.push((uid, u));
    }
    let mut rows = Vec::new();
    let mut counsellors = Vec::new();
    for i in 0..COUNSELLORS {
        let name = crate::demo::orgs::person(&mut rng);
        let (uid, u) = if i == 0 {
            counsellor
        } else {
            (account(c, &format!("xg{i:02}"), &format!("{name}（星光社工）"), unit, "counsellor", hash).await?, unit)
        };
        let input = CounsellorInput {
            name: if i == 0 { "刘敏（演示咨询员）".to_string() } else { name },
            user_id: Some(uid),
            worker_id: if i % 3 == 1 { workers.get(i).map(|w| w.id) } else { None },
            is_supervisor: false,
            supervisor_id: Some(sup_rows[i % SUPERVISORS]),
            joined_on: joined + chrono::Duration::days(rng.range(0, 90)),
            active: i < COUNSELLORS - 2,
        };
        rows.push(crate::hotline::store::insert_counsellor(c, u, &input).await?);
        counsellors.push((uid, u));
    }
    // The rota: three shifts a day, three active counsellors each, in turn.
    let active = COUNSELLORS - 2;
    let mut shifts = 0;
    let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let mut turn = 0usize;
    while day.year() == year {
        for (k, (start_minute, end_minute)) in SHIFTS.iter().enumerate() {
            let members: Vec<i64> = (0..3).map(|j| rows[(turn + j) % active]).collect();
            turn += 3;
            let input = ShiftInput {
                day,
                start_minute: *start_minute,
                end_minute: *end_minute,
                supervisor_id: sup_rows[(day.ordinal0() as usize + k) % SUPERVISORS],
                counsellors: members,
            };
            crate::hotline::store::insert_shift(c, unit, &input).await?;
            shifts += 1;
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    Ok(Roster { counsellors, supervisors, shifts, supervisor_rows: sup_rows, counsellor_rows: rows })
}

/// The rota of the present: from `first` for `days` days, one whole-day shift (00:00–24:00) with
/// the demo supervisor on duty and the demo counsellor on the line, so that an escalation raised
/// while the demo is tried reaches the demo supervisor. Returns how many shifts it wrote.
pub async fn present_rota<C: ConnectionTrait>(
    c: &C,
    unit: i64,
    roster: &Roster,
    first: NaiveDate,
    days: i64,
) -> Result<usize, DbErr> {
    let (Some(supervisor), Some(counsellor)) = (roster.supervisor_rows.first(), roster.counsellor_rows.first()) else {
        return Ok(0);
    };
    let mut n = 0;
    for d in 0..days {
        let input = ShiftInput {
            day: first + chrono::Duration::days(d),
            start_minute: 0,
            end_minute: 1440,
            supervisor_id: *supervisor,
            counsellors: vec![*counsellor],
        };
        crate::hotline::store::insert_shift(c, unit, &input).await?;
        n += 1;
    }
    Ok(n)
}

const ASSESSMENTS: &[&str] = &[
    "（演示数据）来电者近期情绪低落，存在无望感，需持续跟进。",
    "（演示数据）家庭经济困难，需链接慈善帮扶资源。",
    "（演示数据）来电者有自伤想法，已与其约定安全计划。",
];

/// Opens `want` cases from the 2022 demo calls that need a follow-up (whoever answered, newest
/// first), and gives them some history: a referral on the first, the first follow-up done on the
/// second, the third closed. Returns how many cases were opened (fewer only when the year has
/// fewer such calls).
pub async fn cases<C: ConnectionTrait>(c: &C, by: i64, today: NaiveDate, want: usize) -> Result<usize, DbErr> {
    cases_of(c, by, today, want, 2022).await
}

/// [`cases`] for the calls of another year.
pub async fn cases_of<C: ConnectionTrait>(
    c: &C,
    by: i64,
    today: NaiveDate,
    want: usize,
    year: i32,
) -> Result<usize, DbErr> {
    let everyone = Reader { user_id: by, content_all: true };
    // 2022 reads every follow-up call, as it did before other years existed; later years only
    // their own (the list is newest first, so an earlier year would page through the later ones).
    let f = crate::hotline::store::CallFilter {
        follow_up: "yes".into(),
        from: if year == 2022 { String::new() } else { format!("{year}-01-01") },
        to: if year == 2022 { String::new() } else { format!("{year}-12-31") },
        ..Default::default()
    };
    let mut opened = 0;
    let mut i = 0;
    for page in 1..=crate::platform::paging::MAX_PAGE {
        if opened >= want {
            break;
        }
        let p = crate::platform::paging::PageParams { page: Some(page), per_page: Some(200), ..Default::default() };
        let calls = crate::hotline::store::calls(c, &crate::platform::access::Scope::all(), &everyone, &f, &p).await?;
        if calls.items.is_empty() {
            break;
        }
        for call in &calls.items {
            if opened >= want {
                break;
            }
            let on = call.started_at.with_timezone(&crate::platform::time::china()).date_naive();
            if on.year() != year {
                continue;
            }
            i += 1;
            let text = ASSESSMENTS[i % ASSESSMENTS.len()];
            let Some(case) =
                crate::hotline::store::open_case_from_call(c, call.id, call.counsellor_id, on, text).await?
            else {
                continue;
            };
            opened += 1;
            match opened {
                1 => {
                    let r = ReferralInput {
                        target_kind: "charity",
                        target_unit_id: None,
                        target_name: "昆山市慈善总会".into(),
                        reason: "（演示数据）申请临时生活救助。".into(),
                    };
                    let rid = crate::hotline::store::insert_referral(c, case, &r, on, call.counsellor_id).await?;
                    crate::hotline::store::set_referral_state(c, case, rid, "pending", "accepted", today).await?;
                }
                2 => {
                    if let Some(f) = crate::hotline::store::followups(c, case).await?.first() {
                        let note = "（演示数据）回访时情绪平稳。";
                        crate::hotline::store::followup_done(c, case, f.id, f.due_on, call.counsellor_id, note).await?;
                    }
                }
                3 => {
                    crate::hotline::store::close_case(c, case, "resolved", "（演示数据）危机解除。", today, 1).await?;
                }
                _ => {}
            }
        }
    }
    Ok(opened)
}
