//! The indicator engine (issue 15; `figures.rs` is the review's room for it). Every domain's `figures.rs` defines its indicators
//! ([`IndicatorGroup`]); [`catalogue`] collects them in the order pages show them. [`values`]
//! answers a question (period, unit subtree, the caller's scope) for every group the caller may
//! read, with the change against the same period a year earlier.
//!
//! Values are cached per (group, period, unit, scope) and used only at the data versions they
//! were computed at: `records` (migration 0025: bumped in the writing transaction by every change
//! to a register an indicator reads), and `access`/`units` (0017). The versions are read first,
//! in one statement, on every question, so a change written on any app node is seen by the next
//! question on every node, and a cached value always equals what the raw queries would give now
//! (a test compares them). See docs/ARCHITECTURE.md ("Indicator engine").

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use crate::platform::access::{Auth, Scope};
use crate::platform::error::{AppError, AppResult};
use crate::platform::indicator::{Ask, Indicator, IndicatorGroup};
use crate::platform::period::{Period, Years, KEY_BAD_PERIOD};
use crate::platform::AppState;
use crate::review::model::{change_text, value_text, IndicatorValue};
use crate::review::store;

/// Every indicator group, in the order pages list them.
pub fn catalogue() -> &'static [IndicatorGroup] {
    static GROUPS: OnceLock<Vec<IndicatorGroup>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut g = Vec::new();
        g.extend(crate::orgs::figures::indicators());
        g.extend(crate::stations::figures::indicators());
        g.extend(crate::services::figures::indicators());
        g.extend(crate::talent::figures::indicators());
        g.extend(crate::volunteers::figures::indicators());
        g.extend(crate::hotline::figures::indicators());
        g.extend(crate::events::figures::indicators());
        g.extend(crate::units::figures::indicators());
        g.extend(crate::users::figures::indicators());
        g
    })
}

/// One indicator by key.
pub fn find(key: &str) -> Option<(&'static IndicatorGroup, &'static Indicator)> {
    catalogue().iter().find_map(|g| g.indicators.iter().find(|i| i.key == key).map(|i| (g, i)))
}

/// A unit on the way down the tree (breadcrumb, drill-down links).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Crumb {
    pub id: i64,
    pub name: String,
    /// The English name (empty: none).
    pub name_en: String,
}

/// The unit subtree a question is about, with the way to it and the units one level down, all
/// inside the caller's scope. Users whose scope is their own records only (an agency's staff)
/// ask about the whole tree (id 0, path `/`): the scope alone decides what is counted.
#[derive(Debug, Clone)]
pub struct Place {
    pub unit_id: i64,
    pub path: String,
    /// From the top of the caller's scope down to the unit itself.
    pub crumbs: Vec<Crumb>,
    pub children: Vec<Crumb>,
}

/// The unit asked for (`unit`: an id; one outside the scope does not exist for the caller), else
/// the top of the caller's scope.
pub async fn place(st: &AppState, auth: &Auth, unit: Option<&str>) -> AppResult<Place> {
    let db = &st.db.conn;
    let asked = unit.map(str::trim).filter(|s| !s.is_empty());
    let unit = match asked {
        Some(s) => {
            let id = s.parse::<i64>().map_err(|_| AppError::NotFound)?;
            Some(crate::units::get_scoped(db, &auth.scope, id).await?.ok_or(AppError::NotFound)?)
        }
        None if auth.scope.all => match crate::units::roots(db, &Scope::all()).await?.first() {
            Some(r) => crate::units::get(db, r.id).await?,
            None => None,
        },
        None => crate::units::get_scoped(db, &auth.scope, auth.unit_id).await?,
    };
    let Some(unit) = unit else {
        return Ok(Place { unit_id: 0, path: "/".into(), crumbs: Vec::new(), children: Vec::new() });
    };
    let mut crumbs: Vec<Crumb> = crate::units::ancestors(db, &auth.scope, &unit)
        .await?
        .into_iter()
        .map(|u| Crumb { id: u.id, name: u.name, name_en: u.name_en })
        .collect();
    crumbs.push(Crumb { id: unit.id, name: unit.name.clone(), name_en: unit.name_en.clone() });
    let children = crate::units::children(db, &auth.scope, unit.id)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| Crumb { id: u.id, name: u.name, name_en: u.name_en })
        .collect();
    Ok(Place { unit_id: unit.id, path: unit.path, crumbs, children })
}

/// The period asked for (`period` in any written form, else `year`), else the latest year of the
/// yearly registers (projects, honours, exam passes, the fund, events: what a year's review is
/// about; the hotline's and volunteers' logs run up to today), else the latest year with any
/// records; and the years offered (those with records, and the one shown).
pub async fn period(st: &AppState, period: Option<&str>, year: Option<&str>) -> AppResult<(Period, Years)> {
    let years = store::data_years(&st.db.conn).await?;
    let asked = match period.map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => Some(Period::parse(p).ok_or_else(|| AppError::BadRequest(KEY_BAD_PERIOD.into()))?),
        None => None,
    };
    let year = match (asked, year.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(p), _) => Some(p.year().to_string()),
        (None, Some(y)) => Some(y.to_string()),
        (None, None) => years.yearly.first().map(|y| y.to_string()),
    };
    let offered = Years::choose(years.all, year.as_deref(), None)?;
    Ok((asked.unwrap_or(Period::Year(offered.year)), offered))
}

/// The answer to a question: every indicator the caller may read, and when the records last
/// changed.
#[derive(Debug, Clone)]
pub struct Answer {
    pub values: Vec<IndicatorValue>,
    pub changed_at: Option<DateTime<Utc>>,
    /// The `records` data version the values are at.
    pub version: i64,
}

/// Every indicator the caller may read, for a question, with the change against a year earlier.
pub async fn values(st: &AppState, auth: &Auth, ask: &Ask) -> AppResult<Answer> {
    answer(st, ask, |g| auth.can(g.need)).await
}

/// Every indicator, for a document about a unit subtree (an annual review): the unit was
/// checked against the caller's scope when the review was reached, and the document shows the
/// subtree's figures whatever the reader's own registers are.
pub async fn document_values(st: &AppState, ask: &Ask) -> AppResult<Answer> {
    answer(st, ask, |_| true).await
}

async fn answer(st: &AppState, ask: &Ask, may: impl Fn(&IndicatorGroup) -> bool) -> AppResult<Answer> {
    let v = store::versions(&st.db.conn).await?;
    let before = ask.year_before();
    let groups: Vec<&'static IndicatorGroup> = catalogue().iter().filter(|g| may(g)).collect();
    // Every group's statements for the period and the year before run concurrently on the pool:
    // on PostgreSQL a review's 446 statements one after the other were 358 ms of round trips.
    let computed = futures_util::future::try_join_all(
        groups.iter().flat_map(|g| [group_values(st, g, ask, v), group_values(st, g, &before, v)]),
    )
    .await?;
    let mut out = Vec::new();
    for (g, pair) in groups.iter().zip(computed.chunks_exact(2)) {
        let (now, then) = (&pair[0], &pair[1]);
        for (i, ind) in g.indicators.iter().enumerate() {
            let value = now.get(i).copied().flatten();
            let prior = then.get(i).copied().flatten();
            let change = value.zip(prior).map(|(a, b)| a.saturating_sub(b));
            out.push(IndicatorValue {
                key: ind.key,
                label_key: ind.label_key,
                definition_key: ind.definition_key,
                unit_key: ind.unit_key,
                measure: ind.measure,
                annual: ind.annual,
                value,
                text: value_text(ind.measure, value),
                before: prior,
                change,
                change_text: change.map(|c| change_text(ind.measure, c)),
                href: (ind.href)(ask),
            });
        }
    }
    Ok(Answer { values: out, changed_at: v.changed_at(), version: v.records })
}

/// The scope as a cache key: everything of it the statements filter on.
fn scope_key(s: &Scope) -> String {
    if s.all {
        return "*".into();
    }
    format!("{}|{}|{:?}|{:?}", s.subtrees.join(","), s.units.join(","), s.own_user, s.own_org)
}

/// One group's values, from the cache when it holds them at the versions just read.
async fn group_values(
    st: &AppState,
    g: &'static IndicatorGroup,
    ask: &Ask,
    v: store::Versions,
) -> Result<Arc<Vec<Option<i64>>>, DbErr> {
    let key = (g.name, ask.period, ask.unit_path.clone(), scope_key(&ask.scope));
    let tag = (v.records, v.access, v.units);
    // Version 0: no row (a database before migration 0025): never cached.
    let cacheable = v.records > 0;
    if cacheable {
        if let Some(hit) = st.caches.indicators.get(&key, tag) {
            return Ok(hit);
        }
    }
    let values = Arc::new((g.compute)(&st.db.conn, ask).await?);
    if cacheable {
        st.caches.indicators.put(key, tag, values.clone());
    }
    Ok(values)
}

/// The values computed straight from the records, bypassing the cache (tests compare them).
pub async fn compute_uncached(db: &DatabaseConnection, ask: &Ask) -> Result<Vec<(&'static str, Option<i64>)>, DbErr> {
    let mut out = Vec::new();
    for g in catalogue() {
        let values = (g.compute)(db, ask).await?;
        out.extend(g.indicators.iter().map(|i| i.key).zip(values));
    }
    Ok(out)
}
