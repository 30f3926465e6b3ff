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

/// The locale key of a period that is not a period.
pub const KEY_BAD_PERIOD: &str = "period.error.period";

/// A period a figure is computed for: a calendar year, a quarter, a month, an ISO week or a range
/// of days (both ends included). Written and parsed as `2022`, `2022-Q1`, `2022-03`, `2022-W12`,
/// `2022-03-01..2022-04-30`; [`Period::bounds`] gives its first and last day, and
/// [`Period::year_before`] the same period a year earlier (for the change against the year before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    /// A year and a quarter 1–4.
    Quarter(i32, u32),
    /// A year and a month 1–12.
    Month(i32, u32),
    /// An ISO year and an ISO week 1–53 (Monday to Sunday).
    Week(i32, u32),
    /// From the first to the last day, both included (first ≤ last).
    Range(NaiveDate, NaiveDate),
}

impl Period {
    /// Parses the written forms above; surrounding spaces are ignored and the `Q`/`W` may be in
    /// lower case. Years are 2000 to next year, as for [`parse_year`]; anything else is `None`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let from = parse_date(a)?;
            let to = parse_date(b)?;
            return (from <= to).then_some(Period::Range(from, to));
        }
        if let Some((y, rest)) = s.split_once('-') {
            let year = parse_year(y)?;
            if let Some(q) = rest.strip_prefix(&['Q', 'q'][..]) {
                let q = small(q).filter(|q| (1..=4).contains(q))?;
                return Some(Period::Quarter(year, q));
            }
            if let Some(w) = rest.strip_prefix(&['W', 'w'][..]) {
                let w = small(w)?;
                NaiveDate::from_isoywd_opt(year, w, chrono::Weekday::Mon)?;
                return Some(Period::Week(year, w));
            }
            let m = small(rest).filter(|m| (1..=12).contains(m))?;
            return Some(Period::Month(year, m));
        }
        parse_year(s).map(Period::Year)
    }

    /// The first and last day of the period.
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        match *self {
            Period::Year(y) => bounds(y),
            Period::Quarter(y, q) => {
                let first = day(y, (q - 1) * 3 + 1, 1);
                (first, last_of_month(y, q * 3))
            }
            Period::Month(y, m) => (day(y, m, 1), last_of_month(y, m)),
            Period::Week(y, w) => {
                let mon = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon).unwrap_or_default();
                let sun = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Sun).unwrap_or_default();
                (mon, sun)
            }
            Period::Range(from, to) => (from, to),
        }
    }

    /// The calendar year the period starts in.
    pub fn year(&self) -> i32 {
        match *self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) | Period::Week(y, _) => y,
            Period::Range(from, _) => from.year(),
        }
    }

    /// The same period one year earlier: the year, quarter, month or ISO week of the year before
    /// (week 53 becomes week 52 where the year before has none), or the range moved back a year
    /// (29 February becomes the 28th).
    pub fn year_before(&self) -> Period {
        match *self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, q) => Period::Quarter(y - 1, q),
            Period::Month(y, m) => Period::Month(y - 1, m),
            Period::Week(y, w) => {
                let w = if NaiveDate::from_isoywd_opt(y - 1, w, chrono::Weekday::Mon).is_some() { w } else { 52 };
                Period::Week(y - 1, w)
            }
            Period::Range(from, to) => Period::Range(a_year_before(from), a_year_before(to)),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Week(y, w) => write!(f, "{y}-W{w:02}"),
            Period::Range(a, b) => write!(f, "{a}..{b}"),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Period, AppError> {
        Period::parse(s).ok_or_else(|| AppError::BadRequest(KEY_BAD_PERIOD.into()))
    }
}

fn small(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    parse_year(&d.year().to_string()).map(|_| d)
}

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt()).unwrap_or_default()
}

fn a_year_before(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1).or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, d.month(), 28)).unwrap_or(d)
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

    #[test]
    fn periods_parse_and_bound() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let b = |s: &str| Period::parse(s).map(|p| p.bounds());
        assert_eq!(Period::parse("2022"), Some(Period::Year(2022)));
        assert_eq!(b("2022"), Some((d("2022-01-01"), d("2022-12-31"))));
        assert_eq!(b("2022-Q1"), Some((d("2022-01-01"), d("2022-03-31"))));
        assert_eq!(b("2022-q4"), Some((d("2022-10-01"), d("2022-12-31"))));
        assert_eq!(b("2024-02"), Some((d("2024-02-01"), d("2024-02-29"))));
        assert_eq!(b("2022-12"), Some((d("2022-12-01"), d("2022-12-31"))));
        assert_eq!(b("2022-W12"), Some((d("2022-03-21"), d("2022-03-27"))));
        assert_eq!(b("2020-W53"), Some((d("2020-12-28"), d("2021-01-03"))));
        assert_eq!(b(" 2022-03-01..2022-04-30 "), Some((d("2022-03-01"), d("2022-04-30"))));
        for bad in [
            "",
            "abc",
            "1850",
            "2022-Q5",
            "2022-Q0",
            "2022-13",
            "2022-00",
            "2022-W54",
            "2022-W53",
            "2022-3x",
            "2022-04-30..2022-03-01",
            "2022-02-30..2022-03-01",
            "2022-001",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        for s in ["2022", "2022-Q1", "2022-03", "2022-W12", "2022-03-01..2022-04-30"] {
            assert_eq!(Period::parse(s).map(|p| p.to_string()).as_deref(), Some(s), "round trip");
        }
        assert!("2022-Q9".parse::<Period>().is_err());
        let yb = |s: &str| Period::parse(s).map(|p| p.year_before().to_string());
        assert_eq!(yb("2022").as_deref(), Some("2021"));
        assert_eq!(yb("2022-Q2").as_deref(), Some("2021-Q2"));
        assert_eq!(yb("2022-03").as_deref(), Some("2021-03"));
        assert_eq!(yb("2022-W12").as_deref(), Some("2021-W12"));
        assert_eq!(yb("2021-W52").as_deref(), Some("2020-W52"));
        assert_eq!(yb("2020-W53").as_deref(), Some("2019-W52"));
        assert_eq!(yb("2024-02-29..2024-03-31").as_deref(), Some("2023-02-28..2023-03-31"));
        assert_eq!(Period::parse("2022-03-01..2022-04-30").map(|p| p.year()), Some(2022));
    }
}
