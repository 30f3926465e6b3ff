//! The year a page with a period shows, and the years it offers. Every such page (the figures of
//! purchased services and of talent, the fund ledger, annual reports) asks its store for the years
//! that have records in the caller's scope and gives them to [`Years::choose`]; the page opens on
//! the latest of them, offers them in `layout/year_select.html`, and carries the chosen year through
//! a refused form. Lists that filter on a year ([`YearFilter`]) offer the same years in
//! `layout/year_filter.html`, after "all years".

use chrono::{Datelike, NaiveDate, Weekday};

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

/// The locale key of a period that is not one.
pub const KEY_BAD_PERIOD: &str = "period.error.period";

/// A list's period filter (`period=2022-Q1`, as a figure's drill-down writes it): the period, or
/// none when the parameter is empty; refused with [`KEY_BAD_PERIOD`] when it is not a period.
pub fn list_period(asked: &str) -> Result<Option<Period>, AppError> {
    match asked.trim() {
        "" => Ok(None),
        s => Period::parse(s).map(Some).ok_or_else(|| AppError::BadRequest(KEY_BAD_PERIOD.into())),
    }
}

/// The SQL condition "the unit column lies in the subtree of the unit `?`" for a list's `unit`
/// filter (its id is the one parameter): the same subtree the indicator engine counts.
pub fn in_subtree(unit_col: &str) -> String {
    format!("{unit_col} IN (SELECT sub_u.id FROM org_units sub_u, org_units top_u WHERE top_u.id = ? AND sub_u.path LIKE top_u.path || '%')")
}

/// The longest date range a [`Period`] may span (a range beyond it is refused): enough for any
/// review, and a bound on the weeks a figures page lists.
pub const MAX_RANGE_DAYS: i64 = 3 * 366;

/// A period of figures: a year, a quarter, a month, an ISO week or a range of days. Written and
/// parsed as `2022`, `2022-Q1`, `2022-03`, `2022-W12` and `2022-03-01..2022-04-30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    /// Year and quarter 1–4.
    Quarter(i32, u32),
    /// Year and month 1–12.
    Month(i32, u32),
    /// ISO year and ISO week 1–53 (Monday to Sunday).
    Week(i32, u32),
    /// First and last day, both included.
    Range(NaiveDate, NaiveDate),
}

impl Period {
    /// Parses the written forms above. Years lie between 2000 and next year; a range runs forward
    /// and spans at most [`MAX_RANGE_DAYS`]; a week exists in its ISO year. `None` otherwise.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |t: &str| -> Option<i32> { (t.len() == 4).then(|| parse_year(t)).flatten() };
        let num = |t: &str, len: usize, lo: u32, hi: u32| -> Option<u32> {
            (t.len() == len && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<u32>().ok())
                .flatten()
                .filter(|n| (lo..=hi).contains(n))
        };
        if let Some((a, b)) = s.split_once("..") {
            let day = |t: &str| -> Option<NaiveDate> {
                let t = t.trim();
                let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
                (t.len() == 10 && parse_year(&d.year().to_string()).is_some()).then_some(d)
            };
            let (from, to) = (day(a)?, day(b)?);
            return (from <= to && (to - from).num_days() < MAX_RANGE_DAYS).then_some(Period::Range(from, to));
        }
        if s.len() == 4 {
            return year(s).map(Period::Year);
        }
        let (y, rest) = s.split_once('-')?;
        let y = year(y)?;
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            return num(q, 1, 1, 4).map(|q| Period::Quarter(y, q));
        }
        if let Some(w) = rest.strip_prefix('W').or_else(|| rest.strip_prefix('w')) {
            let w = num(w, 2, 1, 53)?;
            return NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).map(|_| Period::Week(y, w));
        }
        num(rest, 2, 1, 12).map(|m| Period::Month(y, m))
    }

    /// The first and last day of the period (both included).
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let month_end = |y: i32, m: u32| {
            let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
            next.pred_opt().unwrap_or_default()
        };
        match *self {
            Period::Year(y) => bounds(y),
            Period::Quarter(y, q) => (ymd(y, q * 3 - 2, 1), month_end(y, q * 3)),
            Period::Month(y, m) => (ymd(y, m, 1), month_end(y, m)),
            Period::Week(y, w) => {
                let mon = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).unwrap_or_default();
                (mon, mon + chrono::Duration::days(6))
            }
            Period::Range(from, to) => (from, to),
        }
    }

    /// The year the period starts in (a page's year select shows it).
    pub fn year(&self) -> i32 {
        self.bounds().0.year()
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
                let w = if NaiveDate::from_isoywd_opt(y - 1, w, Weekday::Mon).is_some() { w } else { 52 };
                Period::Week(y - 1, w)
            }
            Period::Range(from, to) => Period::Range(a_year_before(from), a_year_before(to)),
        }
    }

    /// Whether the period is a whole calendar year.
    pub fn is_year(&self) -> bool {
        matches!(self, Period::Year(_))
    }

    /// The written form, which [`Period::parse`] reads back.
    pub fn code(&self) -> String {
        self.to_string()
    }

    /// The period asked for: `period` when given (refused with [`KEY_BAD_PERIOD`] when it is not
    /// one), else the year of [`Years::choose`].
    pub fn choose(asked: Option<&str>, years: &Years) -> Result<Period, AppError> {
        match asked.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Period::Year(years.year)),
            Some(s) => Period::parse(s).ok_or_else(|| AppError::BadRequest(KEY_BAD_PERIOD.into())),
        }
    }
}

/// The Monday of the ISO week of a day.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// How a range of days splits into whole months and whole years, for figures kept per day and
/// rolled up per month or year: the whole units inside the range, and the days outside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<T> {
    /// The first and last whole unit (months by their first day, years by number), if any.
    pub whole: Option<(T, T)>,
    /// The day ranges of the range outside the whole units (none, one or two).
    pub days: Vec<(NaiveDate, NaiveDate)>,
}

/// `from..=to` split into whole months (each named by its first day).
pub fn split_months(from: NaiveDate, to: NaiveDate) -> Split<NaiveDate> {
    let first = if from.day() == 1 { Some(from) } else { next_month(from) };
    let after =
        to.succ_opt().filter(|d| d.day() == 1).map(|_| to).or_else(|| to.with_day(1).and_then(|d| d.pred_opt()));
    split(from, to, first, after, |d| d.with_day(1))
}

/// `from..=to` split into whole years.
pub fn split_years(from: NaiveDate, to: NaiveDate) -> Split<i32> {
    let first = if from.ordinal() == 1 { Some(from) } else { NaiveDate::from_ymd_opt(from.year() + 1, 1, 1) };
    let last = if to.succ_opt().map(|d| d.ordinal() == 1).unwrap_or(false) {
        Some(to)
    } else {
        NaiveDate::from_ymd_opt(to.year(), 1, 1).and_then(|d| d.pred_opt())
    };
    split(from, to, first, last, |d| Some(d.year()))
}

/// The split of `from..=to` with the whole units running from day `first` to day `last`.
fn split<T>(
    from: NaiveDate,
    to: NaiveDate,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    name: impl Fn(NaiveDate) -> Option<T>,
) -> Split<T> {
    match (first, last) {
        (Some(a), Some(b)) if a <= b && from <= a && b <= to => {
            let mut days = Vec::new();
            if from < a {
                days.extend(a.pred_opt().map(|p| (from, p)));
            }
            if b < to {
                days.extend(b.succ_opt().map(|n| (n, to)));
            }
            let whole = name(a).zip(name(b));
            Split { whole, days }
        }
        _ => Split { whole: None, days: if from <= to { vec![(from, to)] } else { Vec::new() } },
    }
}

/// `from..=to` split into whole ISO weeks (each named by its Monday) and the days outside them.
pub fn split_weeks(from: NaiveDate, to: NaiveDate) -> Split<NaiveDate> {
    let first = from + chrono::Duration::days(i64::from((7 - from.weekday().num_days_from_monday()) % 7));
    let last = to - chrono::Duration::days(i64::from((to.weekday().num_days_from_monday() + 1) % 7));
    split(from, to, Some(first), Some(last), |d| Some(week_start(d)))
}

/// A part of a range of days, for figures kept per day and rolled up per calendar year, quarter
/// and month: a whole year, quarter or month (by its first day), or a run of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Year(NaiveDate),
    Quarter(NaiveDate),
    Month(NaiveDate),
    Days(NaiveDate, NaiveDate),
}

/// `from..=to` as whole years, quarters and months (at each place the coarsest that fits inside
/// the range) and the runs of days between them, in order.
pub fn split_calendar(from: NaiveDate, to: NaiveDate) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut d = from;
    while d <= to {
        let month_end = next_month(d).and_then(|n| n.pred_opt()).unwrap_or(to);
        let quarter_end = (d.day() == 1 && d.month0().is_multiple_of(3))
            .then(|| d.with_month(d.month() + 2).and_then(next_month).and_then(|n| n.pred_opt()))
            .flatten();
        let year_end = (d.ordinal() == 1).then(|| NaiveDate::from_ymd_opt(d.year(), 12, 31)).flatten();
        let (span, end) = match (year_end, quarter_end) {
            (Some(e), _) if e <= to => (Span::Year(d), e),
            (_, Some(e)) if e <= to => (Span::Quarter(d), e),
            _ if d.day() == 1 && month_end <= to => (Span::Month(d), month_end),
            _ => {
                let end = month_end.min(to);
                match out.last_mut() {
                    Some(Span::Days(_, b)) if b.succ_opt() == Some(d) => {
                        *b = end;
                        match end.succ_opt() {
                            Some(n) => d = n,
                            None => break,
                        }
                        continue;
                    }
                    _ => (Span::Days(d, end), end),
                }
            }
        };
        out.push(span);
        match end.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

fn next_month(d: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)
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
        for (text, from, to) in [
            ("2022", "2022-01-01", "2022-12-31"),
            ("2022-Q1", "2022-01-01", "2022-03-31"),
            ("2022-Q4", "2022-10-01", "2022-12-31"),
            ("2022-02", "2022-02-01", "2022-02-28"),
            ("2020-02", "2020-02-01", "2020-02-29"),
            ("2022-12", "2022-12-01", "2022-12-31"),
            ("2022-W12", "2022-03-21", "2022-03-27"),
            ("2020-W53", "2020-12-28", "2021-01-03"),
            ("2022-03-01..2022-04-30", "2022-03-01", "2022-04-30"),
        ] {
            let p = Period::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(p.bounds(), (d(from), d(to)), "{text}");
            assert_eq!(Period::parse(&p.code()), Some(p), "{text} reads back");
        }
        assert_eq!(Period::parse("2022-W12").map(|p| p.code()), Some("2022-W12".into()));
        for bad in [
            "",
            "abc",
            "1999",
            "22",
            "2022-Q5",
            "2022-Q0",
            "2022-13",
            "2022-00",
            "2022-W54",
            "2022-W53",
            "2022-04-30..2022-03-01",
            "2022-02-30..2022-03-01",
            "2019-01-01..2022-12-31",
            "2022-3",
            "2022-003",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad:?} is refused");
        }
        assert_eq!(week_start(d("2022-03-27")), d("2022-03-21"));
        assert_eq!(week_start(d("2022-03-21")), d("2022-03-21"));
        let years = Years::choose(vec![2021], None, None).expect("years");
        assert_eq!(Period::choose(None, &years).expect("year"), Period::Year(2021));
        assert_eq!(Period::choose(Some("2022-03"), &years).expect("month"), Period::Month(2022, 3));
        assert!(Period::choose(Some("2022-3-1"), &years).is_err());
    }

    #[test]
    fn ranges_split_into_whole_months_and_years() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let m = split_months(d("2022-03-20"), d("2022-07-01"));
        assert_eq!(m.whole, Some((d("2022-04-01"), d("2022-06-01"))));
        assert_eq!(m.days, vec![(d("2022-03-20"), d("2022-03-31")), (d("2022-07-01"), d("2022-07-01"))]);
        let m = split_months(d("2022-04-01"), d("2022-04-30"));
        assert_eq!((m.whole, m.days), (Some((d("2022-04-01"), d("2022-04-01"))), vec![]));
        let m = split_months(d("2022-03-28"), d("2022-04-03"));
        assert_eq!((m.whole, m.days), (None, vec![(d("2022-03-28"), d("2022-04-03"))]));
        let m = split_months(d("2022-12-01"), d("2023-01-31"));
        assert_eq!(m.whole, Some((d("2022-12-01"), d("2023-01-01"))));
        let y = split_years(d("2021-12-31"), d("2023-01-01"));
        assert_eq!(y.whole, Some((2022, 2022)));
        assert_eq!(y.days, vec![(d("2021-12-31"), d("2021-12-31")), (d("2023-01-01"), d("2023-01-01"))]);
        let y = split_years(d("2022-01-01"), d("2022-12-31"));
        assert_eq!((y.whole, y.days), (Some((2022, 2022)), vec![]));
        let y = split_years(d("2022-01-01"), d("2022-12-30"));
        assert_eq!((y.whole, y.days), (None, vec![(d("2022-01-01"), d("2022-12-30"))]));
    }

    #[test]
    fn ranges_split_into_weeks_and_calendar_spans() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        // 2022-01-01 is a Saturday: the whole weeks run from Monday 3 January to Sunday 25 December.
        let w = split_weeks(d("2022-01-01"), d("2022-12-31"));
        assert_eq!(w.whole, Some((d("2022-01-03"), d("2022-12-19"))));
        assert_eq!(w.days, vec![(d("2022-01-01"), d("2022-01-02")), (d("2022-12-26"), d("2022-12-31"))]);
        let w = split_weeks(d("2022-04-04"), d("2022-04-10"));
        assert_eq!((w.whole, w.days), (Some((d("2022-04-04"), d("2022-04-04"))), vec![]));
        let w = split_weeks(d("2022-04-05"), d("2022-04-10"));
        assert_eq!((w.whole, w.days), (None, vec![(d("2022-04-05"), d("2022-04-10"))]));
        let w = split_weeks(d("2020-12-28"), d("2021-01-03"));
        assert_eq!(w.whole, Some((d("2020-12-28"), d("2020-12-28"))), "a week across the new year");
        use Span::*;
        assert_eq!(split_calendar(d("2022-01-01"), d("2022-12-31")), vec![Year(d("2022-01-01"))]);
        assert_eq!(split_calendar(d("2022-04-01"), d("2022-06-30")), vec![Quarter(d("2022-04-01"))]);
        assert_eq!(split_calendar(d("2022-04-01"), d("2022-04-30")), vec![Month(d("2022-04-01"))]);
        assert_eq!(split_calendar(d("2022-03-28"), d("2022-04-03")), vec![Days(d("2022-03-28"), d("2022-04-03"))]);
        assert_eq!(
            split_calendar(d("2021-11-15"), d("2023-05-02")),
            vec![
                Days(d("2021-11-15"), d("2021-11-30")),
                Month(d("2021-12-01")),
                Year(d("2022-01-01")),
                Quarter(d("2023-01-01")),
                Month(d("2023-04-01")),
                Days(d("2023-05-01"), d("2023-05-02")),
            ]
        );
        assert_eq!(
            split_calendar(d("2022-02-01"), d("2022-07-31")),
            vec![Month(d("2022-02-01")), Month(d("2022-03-01")), Quarter(d("2022-04-01")), Month(d("2022-07-01"))]
        );
        assert_eq!(split_calendar(d("2022-05-02"), d("2022-05-01")), vec![]);
        // Every day of a range is in exactly one span.
        let from = d("2019-12-30");
        for len in [0, 1, 30, 31, 95, 400, 800] {
            let to = from + chrono::Duration::days(len);
            let mut next = from;
            for s in split_calendar(from, to) {
                let (a, b) = match s {
                    Year(a) => (a, NaiveDate::from_ymd_opt(a.year(), 12, 31).expect("end")),
                    Quarter(a) => (
                        a,
                        next_month(next_month(next_month(a).expect("m")).expect("m"))
                            .expect("m")
                            .pred_opt()
                            .expect("d"),
                    ),
                    Month(a) => (a, next_month(a).expect("m").pred_opt().expect("d")),
                    Days(a, b) => (a, b),
                };
                assert_eq!(a, next, "{len}: spans follow each other");
                next = b.succ_opt().expect("day");
            }
            assert_eq!(next, to.succ_opt().expect("day"), "{len}: the spans end on the last day");
        }
    }

    #[test]
    fn periods_read_back_and_step_back_a_year() {
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
