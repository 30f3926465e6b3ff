//! The review's own statements: the data version the indicator cache is keyed by, the years that
//! have records, the lists a review places, and the reviews themselves.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::platform::db::sql;

/// The counters the indicator cache depends on (migrations 0017 and 0025).
pub use crate::platform::cache::{versions, Versions};

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
mod lists;
mod reviews;

pub use lists::{children, lists};
pub use reviews::*;
