//! The year a page with a period shows, and the years it offers. Every such page (the figures of
//! purchased services and of talent, the fund ledger, annual reports) asks its store for the years
//! that have records in the caller's scope and gives them to [`Years::choose`]; the page opens on
//! the latest of them, offers them in `layout/year_select.html`, and carries the chosen year through
//! a refused form. Lists that filter on a year ([`YearFilter`]) offer the same years in
//! `layout/year_filter.html`, after "all years".

use chrono::{Datelike, NaiveDate};

use crate::platform::error::AppError;
use crate::platform::time::today;

/// The locale key of a year that is not a year.
pub const KEY_BAD_YEAR: &str = "period.error.year";

/// The calendar year of today (China time).
pub fn this_year() -> i32 {
    today().year()
}

/// The year shown and the years offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Years {
    /// The year the page shows.
    pub year: i32,
    /// The years offered, newest first: those with records, the extra year, and the chosen one.
    pub years: Vec<i32>,
}

impl Years {
    /// `with_data`: the years with records in the caller's scope (any order, repeats allowed).
    /// `asked`: the `year` parameter of the request, if any. `extra`: a year offered even without
    /// records (where a user enters new data for it, e.g. the fund's current year); it is shown only
    /// when no year has records. Without `asked` the page shows the latest year with
    /// records. A year asked for is shown (and offered) even without records; one that is not a
    /// year between 2000 and next year is refused with [`KEY_BAD_YEAR`].
    pub fn choose(with_data: Vec<i32>, asked: Option<&str>, extra: Option<i32>) -> Result<Years, AppError> {
        let latest_with_data = with_data.iter().copied().max();
        let mut years = with_data;
        years.extend(extra);
        let asked = match asked.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(parse_year(s).ok_or_else(|| AppError::BadRequest(KEY_BAD_YEAR.into()))?),
        };
        let year = asked.or(latest_with_data).or(extra).unwrap_or_else(this_year);
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        Ok(Years { year, years })
    }

    /// The first and last day of the year shown.
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        bounds(self.year)
    }
}

/// A list's year filter: every year (none chosen) or one of the years with records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearFilter {
    /// The year the list is filtered on, if any.
    pub year: Option<i32>,
    /// The years offered, newest first: those with records and the chosen one.
    pub years: Vec<i32>,
}

impl YearFilter {
    /// `with_data` as in [`Years::choose`]; `asked` the list's `year` parameter. A list shows every
    /// year unless one is chosen; text that is not a year chooses none (the list filters on none).
    pub fn choose(with_data: Vec<i32>, asked: &str) -> YearFilter {
        let year = parse_year(asked);
        let mut years = with_data;
        years.extend(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        YearFilter { year, years }
    }

    /// Whether the list is filtered on `y`.
    pub fn is(&self, y: &i32) -> bool {
        self.year == Some(*y)
    }
}

/// A year between 2000 and next year.
pub fn parse_year(s: &str) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=this_year() + 1).contains(y))
}

/// The first and last day of a year.
pub fn bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_on_the_latest_year_with_records() {
        let y = Years::choose(vec![2021, 2022, 2021], None, None).expect("years");
        assert_eq!(y, Years { year: 2022, years: vec![2022, 2021] });
        // The extra year is offered, but the page opens on the records.
        let y = Years::choose(vec![2022], None, Some(2024)).expect("years");
        assert_eq!((y.year, y.years), (2022, vec![2024, 2022]));
        assert_eq!(Years::choose(vec![], None, Some(2024)).expect("years").year, 2024);
        let y = Years::choose(vec![2020], Some("2021"), None).expect("years");
        assert_eq!((y.year, y.years), (2021, vec![2021, 2020]), "a year asked for is offered");
        let y = Years::choose(vec![], None, None).expect("years");
        assert_eq!(y.years, vec![this_year()], "no records: this year");
        assert!(Years::choose(vec![2022], Some("abc"), None).is_err());
        assert!(Years::choose(vec![2022], Some("1850"), None).is_err());
        assert!(Years::choose(vec![2022], Some(" "), None).is_ok(), "an empty year is no year");
        assert_eq!(bounds(2022).1.to_string(), "2022-12-31");
        let f = YearFilter::choose(vec![2021, 2022], "");
        assert_eq!((f.year, f.years), (None, vec![2022, 2021]), "a list shows every year by default");
        assert_eq!(YearFilter::choose(vec![2022], "2020").years, vec![2022, 2020]);
        assert_eq!(YearFilter::choose(vec![2022], "abc").year, None);
    }
}
