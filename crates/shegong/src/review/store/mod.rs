//! The review's own statements: the data version the indicator cache is keyed by, the years that
//! have records, and the hotline indicators (the hotline domain is changing under another issue;
//! its indicators are defined here, on its table, with its scope rule).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::platform::access::Scope;
use crate::platform::db::{count, sql};

/// The counters the indicator cache depends on (migrations 0017 and 0025).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub struct Versions {
    /// Bumped by every change to a register an indicator reads.
    pub records: i64,
    /// When `records` was last bumped (seconds since 1970, UTC); 0: never since the migration.
    pub records_at: i64,
    /// Users, roles and their units (the user register's indicator).
    pub access: i64,
    /// Org units.
    pub units: i64,
}

impl Versions {
    /// The time of the last change to the records, if known.
    pub fn changed_at(&self) -> Option<DateTime<Utc>> {
        (self.records_at > 0).then(|| Utc.timestamp_opt(self.records_at, 0).single()).flatten()
    }
}

pub async fn versions<C: ConnectionTrait>(c: &C) -> Result<Versions, DbErr> {
    Ok(Versions::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT records, records_at, access, units FROM data_version WHERE id = 1",
        vec![],
    ))
    .one(c)
    .await?
    .unwrap_or_default())
}

/// The years with records the indicators count, newest first: `yearly` those of the registers
/// the annual review is about (projects, honours, exam passes, the fund, events), `all` with the
/// continuous logs too (volunteer service, hotline calls). The years themselves are no secret:
/// the dashboard offers them to every user.
#[derive(Debug, Clone, Default)]
pub struct DataYears {
    pub yearly: Vec<i32>,
    pub all: Vec<i32>,
}

pub async fn data_years<C: ConnectionTrait>(c: &C) -> Result<DataYears, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        y: Option<String>,
        yearly: i32,
    }
    let year_of = |col: &str| format!("SUBSTR(CAST({col} AS TEXT), 1, 4)");
    let text = format!(
        "SELECT DISTINCT y, yearly FROM (\
         SELECT CAST(year AS TEXT) AS y, 1 AS yearly FROM projects \
         UNION SELECT CAST(year AS TEXT) AS y, 1 AS yearly FROM honours \
         UNION SELECT CAST(exam_year AS TEXT) AS y, 1 AS yearly FROM qualifications WHERE exam_year IS NOT NULL \
         UNION SELECT {} AS y, 1 AS yearly FROM fund_entries \
         UNION SELECT {} AS y, 1 AS yearly FROM events \
         UNION SELECT {} AS y, 0 AS yearly FROM volunteer_summary \
         UNION SELECT {} AS y, 0 AS yearly FROM hotline_calls) years",
        year_of("entry_on"),
        year_of("held_on"),
        year_of("day"),
        year_of("started_at"),
    );
    let mut out = DataYears::default();
    for r in Y::find_by_statement(sql(c.get_database_backend(), &text, vec![])).all(c).await? {
        let Some(y) = r.y.and_then(|y| y.trim().parse::<i32>().ok()) else { continue };
        out.all.push(y);
        if r.yearly == 1 {
            out.yearly.push(y);
        }
    }
    for v in [&mut out.all, &mut out.yearly] {
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.dedup();
    }
    Ok(out)
}

/// China-time midnight starting a day, in UTC.
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    crate::platform::time::china()
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// Hotline calls answered in the subtree between two days (China time, both included) that the
/// caller reaches, and the counsellors who answered them: a call is the counsellor's own record
/// and lies in the unit of its centre.
pub async fn hotline_calls<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64), DbErr> {
    #[derive(FromQueryResult)]
    struct N {
        calls: i64,
        counsellors: i64,
    }
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.counsellor_id"));
    vals.push(format!("{under}%").into());
    vals.push(day_start(from).into());
    vals.push(day_start(to + chrono::Duration::days(1)).into());
    let n = N::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT COUNT(*) AS calls, COUNT(DISTINCT t.counsellor_id) AS counsellors FROM hotline_calls t WHERE {sf} \
             AND t.unit_id IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?) \
             AND t.started_at >= ? AND t.started_at < ?"
        ),
        vals,
    ))
    .one(c)
    .await?;
    Ok(n.map(|n| (n.calls, n.counsellors)).unwrap_or((0, 0)))
}

/// Hotline cases (个案帮扶) opened in the subtree between two days (both included) that the
/// caller reaches: a case is its counsellor's own record.
pub async fn hotline_cases<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("t.unit_id", Some("t.counsellor_id"));
    vals.push(format!("{under}%").into());
    vals.push(from.into());
    vals.push(to.into());
    count(
        c,
        &format!(
            "SELECT COUNT(*) FROM hotline_cases t WHERE {sf} \
             AND t.unit_id IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?) \
             AND t.opened_on >= ? AND t.opened_on <= ?"
        ),
        vals,
    )
    .await
}

mod lists;
mod reviews;

pub use lists::{children, lists};
pub use reviews::*;
