//! Paging, sorting and search parameters shared by every list page and API list.
//! Sort keys are whitelisted by each list, so user input never reaches SQL as text.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 200;
/// The last page a list may be asked for (200 rows a page: 20 million rows).
pub const MAX_PAGE: u64 = 100_000;
/// The message of a page number or page size that is not a number or out of range (400).
pub const KEY_BAD_PAGING: &str = "error.paging";

/// Query-string parameters of a list: `?page=2&per_page=50&sort=name&dir=desc&q=周市`.
///
/// Handlers take it as an extractor (`p: PageParams`): `page` must be 1..=[`MAX_PAGE`] and
/// `per_page` 1..=[`MAX_PER_PAGE`]; anything else (also a non-number) is answered 400 with
/// [`KEY_BAD_PAGING`] (JSON under `/api/`). An empty value means the default. The accessors
/// clamp again, so a value built in code cannot overflow the offset either.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1 to 100000.
    #[serde(default, deserialize_with = "page_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u64>,
    /// 1 to 200.
    #[serde(default, deserialize_with = "page_size")]
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub dir: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
}

/// A whole number in `1..=max`; blank is "not given".
fn bounded<'de, D: serde::Deserializer<'de>>(d: D, max: u64) -> Result<Option<u64>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => match t.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => Err(serde::de::Error::custom(KEY_BAD_PAGING)),
        },
    }
}

fn page_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, MAX_PAGE)
}

fn page_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, MAX_PER_PAGE)
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageParams {
    type Rejection = crate::platform::error::AppError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map_err(|_| crate::platform::error::AppError::BadRequest(KEY_BAD_PAGING.into()))
    }
}

impl PageParams {
    pub fn page(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }
    pub fn per_page(&self) -> u64 {
        self.per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE)
    }
    pub fn limit(&self) -> i64 {
        i64::try_from(self.per_page()).unwrap_or(DEFAULT_PER_PAGE as i64)
    }
    /// Rows to skip; checked (the bounds keep it below 2 × 10^7).
    pub fn offset(&self) -> i64 {
        (self.page() - 1).checked_mul(self.per_page()).and_then(|o| i64::try_from(o).ok()).unwrap_or(i64::MAX)
    }
    /// ` LIMIT n OFFSET m` for the end of a list query, the two numbers written into the SQL: they
    /// are bounded integers, never text. As parameters (`LIMIT $1`), PostgreSQL's cached generic
    /// plan cannot know the limit, costs the whole result, and so plans every execution anew (about
    /// as long as running the query); with the numbers in the text the plan is cached per list and
    /// page (see docs/PERFORMANCE.md).
    pub fn limit_clause(&self) -> String {
        format!(" LIMIT {} OFFSET {}", self.limit(), self.offset())
    }
    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    pub fn descending(&self) -> bool {
        matches!(self.dir.as_deref(), Some("desc"))
    }

    /// Picks the ORDER BY clause: `allowed` maps sort keys to SQL expressions; unknown keys use
    /// the first entry. A unique tiebreaker keeps pages stable.
    pub fn order_by(&self, allowed: &[(&str, &str)], tiebreak: &str) -> String {
        let (_, expr) = self
            .sort
            .as_deref()
            .and_then(|s| allowed.iter().find(|(k, _)| *k == s))
            .or_else(|| allowed.first())
            .copied()
            .unwrap_or(("", tiebreak));
        let dir = if self.descending() { "DESC" } else { "ASC" };
        format!(" ORDER BY {expr} {dir}, {tiebreak} {dir}")
    }

    /// ▲ or ▼ after the header of the column the list is sorted by.
    pub fn sort_mark(&self, key: &str) -> &'static str {
        match (self.sort.as_deref() == Some(key), self.descending()) {
            (true, true) => " ▼",
            (true, false) => " ▲",
            _ => "",
        }
    }

    /// The query string for another page or sort, keeping the other parameters and `extra`.
    pub fn link(&self, page: u64, sort: Option<&str>, extra: &str) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("page", page.to_string())];
        if self.per_page.is_some() {
            pairs.push(("per_page", self.per_page().to_string()));
        }
        let (sort, dir) = match sort {
            Some(s) if self.sort.as_deref() == Some(s) && !self.descending() => (Some(s.to_string()), Some("desc")),
            Some(s) => (Some(s.to_string()), None),
            None => (self.sort.clone(), self.dir.as_deref().filter(|d| *d == "desc")),
        };
        if let Some(s) = sort {
            pairs.push(("sort", s));
        }
        if let Some(d) = dir {
            pairs.push(("dir", d.to_string()));
        }
        if let Some(q) = self.search() {
            pairs.push(("q", q.to_string()));
        }
        let mut s = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if !extra.is_empty() {
            s.push('&');
            s.push_str(extra);
        }
        format!("?{s}")
    }
}

/// The page sizes a list offers.
pub const PAGE_SIZES: [u64; 4] = [20, 50, 100, 200];

impl PageParams {
    /// The parameters a "go to page" form must carry besides `page` and `per_page`: the sort, the
    /// search and the list's own filters (`extra`, a query string), as (name, value) pairs.
    pub fn carried(&self, extra: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(s) = &self.sort {
            out.push(("sort".to_string(), s.clone()));
        }
        if self.descending() {
            out.push(("dir".to_string(), "desc".to_string()));
        }
        if let Some(q) = self.search() {
            out.push(("q".to_string(), q.to_string()));
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(extra).unwrap_or_default();
        out.extend(
            pairs.into_iter().filter(|(k, _)| !matches!(k.as_str(), "page" | "per_page" | "sort" | "dir" | "q")),
        );
        out
    }

    /// The page sizes offered, with the current one among them.
    pub fn sizes(&self) -> Vec<u64> {
        let mut v = PAGE_SIZES.to_vec();
        if !v.contains(&self.per_page()) {
            v.push(self.per_page());
            v.sort_unstable();
        }
        v
    }
}

/// One page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
    pub pages: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, p: &PageParams) -> Self {
        let per_page = p.per_page();
        let pages = (total.max(0) as u64).div_ceil(per_page).max(1);
        Page { items, total, page: p.page(), per_page, pages }
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
    /// The number of the last page.
    pub fn last(&self) -> u64 {
        self.pages
    }
}

/// The column [`fetch`] adds to a page's rows: the count of every match.
const TOTAL_COLUMN: &str = "paging_total";

/// Runs a list query page by page: `count_sql` counts every match, `select_sql` (without ORDER BY
/// or LIMIT; `order` is a [`PageParams::order_by`] clause) returns the rows. Both take `vals`.
///
/// One statement per page: the count rides along as an uncorrelated scalar subquery in the rows
/// query (`SELECT (count_sql) AS paging_total, …`), which SQLite and PostgreSQL both run once per
/// statement, not once per row. Only a page with no rows (past the end) costs a second statement,
/// to know how many there are (docs/PERFORMANCE.md, "One statement per list page").
pub async fn fetch<T, C>(
    c: &C,
    count_sql: &str,
    select_sql: &str,
    order: &str,
    vals: Vec<sea_orm::Value>,
    p: &PageParams,
) -> Result<Page<T>, sea_orm::DbErr>
where
    T: sea_orm::FromQueryResult,
    C: sea_orm::ConnectionTrait,
{
    let limit = p.limit_clause();
    let Some(rest) = select_sql.strip_prefix("SELECT ").filter(|r| !r.starts_with("DISTINCT ")) else {
        // Not a plain SELECT (none today): count, then read the page.
        let total = crate::platform::db::count(c, count_sql, vals.clone()).await?;
        let items = T::find_by_statement(crate::platform::db::sql(
            c.get_database_backend(),
            &format!("{select_sql}{order}{limit}"),
            vals,
        ))
        .all(c)
        .await?;
        return Ok(Page::new(items, total, p));
    };
    // The count's placeholders come first in the text, then the rows query's: the values twice.
    let mut both = Vec::with_capacity(vals.len() * 2);
    both.extend(vals.iter().cloned());
    both.extend(vals.iter().cloned());
    let rows = c
        .query_all(crate::platform::db::sql(
            c.get_database_backend(),
            &format!("SELECT ({count_sql}) AS {TOTAL_COLUMN}, {rest}{order}{limit}"),
            both,
        ))
        .await?;
    let total = match rows.first() {
        Some(first) => first.try_get::<i64>("", TOTAL_COLUMN)?,
        None if p.page() == 1 => 0,
        None => crate::platform::db::count(c, count_sql, vals).await?,
    };
    let items = rows.iter().map(|r| T::from_query_result(r, "")).collect::<Result<Vec<T>, _>>()?;
    Ok(Page::new(items, total, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_maths_and_bounds() {
        let p: PageParams = serde_urlencoded::from_str("page=3&per_page=10").expect("parse");
        assert_eq!((p.limit(), p.offset()), (10, 20));
        let blank: PageParams = serde_urlencoded::from_str("page=&per_page=+").expect("blank is the default");
        assert_eq!((blank.page(), blank.per_page()), (1, DEFAULT_PER_PAGE));
        let last: PageParams = serde_urlencoded::from_str("page=100000&per_page=200").expect("bounds");
        assert_eq!(last.offset(), 99_999 * 200);
        for bad in [
            "page=abc",
            "page=0",
            "page=-1",
            "page=100001",
            "page=18446744073709551615",
            "page=18446744073709551616",
            "per_page=0",
            "per_page=201",
            "per_page=1e3",
            "page=1.5",
        ] {
            assert!(serde_urlencoded::from_str::<PageParams>(bad).is_err(), "{bad}");
        }
        // Built in code, out of range: clamped, and the offset cannot overflow.
        let code = PageParams { page: Some(u64::MAX), per_page: Some(u64::MAX), ..PageParams::default() };
        assert_eq!((code.page(), code.per_page(), code.offset()), (MAX_PAGE, MAX_PER_PAGE, 99_999 * 200));
        // The message states the bounds.
        let msg = crate::platform::i18n::t(crate::platform::i18n::Lang::Zh, KEY_BAD_PAGING);
        assert!(msg.contains(&MAX_PAGE.to_string()) && msg.contains(&MAX_PER_PAGE.to_string()), "{msg}");
        let pg = Page::new(vec![1, 2], 41, &p);
        assert_eq!(pg.pages, 5);
        assert!(pg.has_prev() && pg.has_next());
        assert_eq!(Page::<i32>::new(vec![], 0, &p).pages, 1);
    }

    #[test]
    fn the_jump_form_carries_sort_search_and_filters() {
        let p: PageParams = serde_urlencoded::from_str("page=2&per_page=50&sort=name&dir=desc&q=周市").expect("parse");
        let carried = p.carried("status=normal&unit=3&page=9");
        let names: Vec<&str> = carried.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["sort", "dir", "q", "status", "unit"]);
        assert_eq!(carried[2].1, "周市");
        assert_eq!(p.sizes(), vec![20, 50, 100, 200]);
        let odd: PageParams = serde_urlencoded::from_str("per_page=30").expect("parse");
        assert_eq!(odd.sizes(), vec![20, 30, 50, 100, 200]);
    }

    #[test]
    fn sort_is_whitelisted() {
        let p: PageParams = serde_urlencoded::from_str("sort=name;DROP TABLE x&dir=desc").expect("parse");
        assert_eq!(p.order_by(&[("code", "u.code"), ("name", "u.name")], "u.id"), " ORDER BY u.code DESC, u.id DESC");
        let p: PageParams = serde_urlencoded::from_str("sort=name").expect("parse");
        assert_eq!(p.order_by(&[("code", "u.code"), ("name", "u.name")], "u.id"), " ORDER BY u.name ASC, u.id ASC");
        assert_eq!(p.link(2, Some("name"), ""), "?page=2&sort=name&dir=desc");
    }
}
