//! Paging, sorting and search parameters shared by every list page and API list.
//! Sort keys are whitelisted by each list, so user input never reaches SQL as text.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 200;

/// Query-string parameters of a list: `?page=2&per_page=50&sort=name&dir=desc&q=周市`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[serde(default, deserialize_with = "lenient_u64")]
    pub page: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub per_page: Option<u64>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub dir: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
}

/// Bad numbers in a query string fall back to defaults instead of failing the request.
fn lenient_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.and_then(|s| s.trim().parse().ok()))
}

impl PageParams {
    pub fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }
    pub fn per_page(&self) -> u64 {
        self.per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE)
    }
    pub fn limit(&self) -> i64 {
        self.per_page() as i64
    }
    pub fn offset(&self) -> i64 {
        ((self.page() - 1) * self.per_page()) as i64
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
}

/// Runs a list query page by page: `count_sql` counts every match, `select_sql` (without ORDER BY
/// or LIMIT; `order` is a [`PageParams::order_by`] clause) returns the rows. Both take `vals`.
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
    let total = crate::platform::db::count(c, count_sql, vals.clone()).await?;
    let mut v = vals;
    v.push(p.limit().into());
    v.push(p.offset().into());
    let items = T::find_by_statement(crate::platform::db::sql(
        c.get_database_backend(),
        &format!("{select_sql}{order} LIMIT ? OFFSET ?"),
        v,
    ))
    .all(c)
    .await?;
    Ok(Page::new(items, total, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_maths_and_bounds() {
        let p: PageParams = serde_urlencoded::from_str("page=3&per_page=10").expect("parse");
        assert_eq!((p.limit(), p.offset()), (10, 20));
        let bad: PageParams = serde_urlencoded::from_str("page=abc&per_page=100000").expect("lenient");
        assert_eq!((bad.page(), bad.per_page()), (1, MAX_PER_PAGE));
        let pg = Page::new(vec![1, 2], 41, &p);
        assert_eq!(pg.pages, 5);
        assert!(pg.has_prev() && pg.has_next());
        assert_eq!(Page::<i32>::new(vec![], 0, &p).pages, 1);
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
