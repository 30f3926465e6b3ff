//! The types of the indicator engine (issue 15): what an indicator is, what it is asked for, and
//! how a domain computes its indicators. Each domain's `figures.rs` defines its indicators as one
//! [`IndicatorGroup`] (the indicators that one pass over its records computes together); the
//! engine in `review/` collects the groups, checks the caller's permissions, caches the values per
//! (group, period, unit, scope) at the database's `records` data version, and adds the change
//! against the same period a year earlier. The dashboard, the API, the catalogue page and (later)
//! the annual review read the same engine.

use std::future::Future;
use std::pin::Pin;

use chrono::{Datelike, NaiveDate};
use sea_orm::{DatabaseConnection, DbErr};

use crate::platform::access::Scope;
use crate::platform::figures::Measure;
use crate::platform::period::Period;

/// What an indicator is computed for: a period, a unit subtree (the unit, already checked to lie
/// in the caller's scope, and everything below it) and the caller's scope (records outside it are
/// never counted).
#[derive(Debug, Clone)]
pub struct Ask {
    pub period: Period,
    /// The first and last day of the period.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub unit_id: i64,
    /// The unit's materialised path (`/1/5/`); the subtree is every path that starts with it.
    pub unit_path: String,
    pub scope: Scope,
}

impl Ask {
    pub fn new(period: Period, unit_id: i64, unit_path: &str, scope: Scope) -> Ask {
        let (from, to) = period.bounds();
        Ask { period, from, to, unit_id, unit_path: unit_path.to_string(), scope }
    }

    /// The calendar year the period is exactly, if it is one (a year, or a range from 1 January
    /// to 31 December of one year). Records dated only by a year (projects, exam passes, awards,
    /// honours) are counted for such a period only.
    pub fn whole_year(&self) -> Option<i32> {
        let y = self.from.year();
        let whole = self.from.month() == 1 && self.from.day() == 1 && self.to.month() == 12 && self.to.day() == 31;
        (whole && self.to.year() == y).then_some(y)
    }

    /// `&unit=<id>` for a drill-down link, or nothing when the question is about the whole scope
    /// (unit 0: a caller who sees only their own records).
    pub fn unit_param(&self) -> String {
        if self.unit_id > 0 {
            format!("&unit={}", self.unit_id)
        } else {
            String::new()
        }
    }

    /// `&period=<code>` for a drill-down link to a list of dated records (the list filters on
    /// the period's days).
    pub fn period_param(&self) -> String {
        format!("&period={}", self.period.code())
    }

    /// The same question for the same period a year earlier.
    pub fn year_before(&self) -> Ask {
        Ask::new(self.period.year_before(), self.unit_id, &self.unit_path, self.scope.clone())
    }
}

/// One indicator of a group.
#[derive(Debug, Clone, Copy)]
pub struct Indicator {
    /// Stable key, e.g. `services.projects` (the API, the dashboard tiles and the review's
    /// `ind("…")` use it).
    pub key: &'static str,
    /// Locale key of the label.
    pub label_key: &'static str,
    /// Locale key of the definition: what is counted, and for which period and units.
    pub definition_key: &'static str,
    /// Locale key of the unit of measure (个, 人, 万元, %).
    pub unit_key: &'static str,
    pub measure: Measure,
    /// Whether the records are dated only by a year: then the value exists for whole years only.
    pub annual: bool,
    /// The page listing the records behind the value, for a question.
    pub href: fn(&Ask) -> String,
}

/// A boxed future of a computation (the engine holds the computations of every domain in one
/// list).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Computes every indicator of a group for a question, in the group's order; `None` where an
/// indicator has no value for the period (an annual indicator asked for a quarter).
pub type Compute = for<'a> fn(&'a DatabaseConnection, &'a Ask) -> BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>>;

/// The indicators of one domain (or one part of a domain) that one computation gives together.
#[derive(Debug, Clone)]
pub struct IndicatorGroup {
    /// Stable name (the cache key), e.g. `services`.
    pub name: &'static str,
    /// The permission a user needs to see these indicators.
    pub need: &'static str,
    pub indicators: Vec<Indicator>,
    pub compute: Compute,
}

/// A per-mille share rounded half up, 0 when the whole is not positive (the integer that
/// [`crate::platform::figures::permille_text`] shows as a percent).
pub fn permille(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let p = (i128::from(part) * 2000 + i128::from(whole)) / (2 * i128::from(whole));
    i64::try_from(p).unwrap_or(i64::MAX)
}

/// The value only for a whole-year question.
pub fn annual(ask: &Ask, value: impl FnOnce(i32) -> i64) -> Option<i64> {
    ask.whole_year().map(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_years_and_shares() {
        let ask = |p: &str| Ask::new(Period::parse(p).expect("period"), 1, "/1/", Scope::all());
        assert_eq!(ask("2022").whole_year(), Some(2022));
        assert_eq!(ask("2022-01-01..2022-12-31").whole_year(), Some(2022));
        assert_eq!(ask("2022-Q1").whole_year(), None);
        assert_eq!(ask("2021-01-01..2022-12-31").whole_year(), None);
        assert_eq!(ask("2022-03").year_before().period, Period::Month(2021, 3));
        assert_eq!(permille(2, 3), 667);
        assert_eq!(permille(1, 0), 0);
        assert_eq!(permille(11, 11), 1000);
    }
}
