//! The fund ledger. The fund is city level: entries hang on the unit that keeps the
//! fund, and only scopes containing it see them.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::money::{Amount, Money};
use crate::platform::paging::{Page, PageParams};
use crate::talent::model::EntryInput;

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EntryRow {
    pub id: i64,
    pub kind: String,
    pub entry_on: NaiveDate,
    pub amount_fen: Money,
    pub counterparty: String,
    pub purpose: String,
    pub approval_ref: String,
}

impl EntryRow {
    pub fn amount(&self) -> String {
        self.amount_fen.yuan_text()
    }
    pub fn kind_key(&self) -> String {
        format!("fund.kind.{}", self.kind)
    }
}

/// Totals of a period: contributions in, grants out, and the balance at its end.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FundTotals {
    pub opening_fen: Money,
    pub in_fen: Money,
    pub out_fen: Money,
    pub closing_fen: Money,
}

/// Signed sum of the entries in scope dated on or before `until` (contributions +, grants −).
pub async fn balance<C: ConnectionTrait>(c: &C, scope: &Scope, until: Option<NaiveDate>) -> Result<Money, DbErr> {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    let mut wh = format!("WHERE {sf}");
    if let Some(d) = until {
        wh.push_str(" AND f.entry_on <= ?");
        vals.push(d.into());
    }
    count(
        c,
        &format!("SELECT SUM_INT(CASE WHEN f.kind = 'contribution' THEN f.amount_fen ELSE -f.amount_fen END) FROM fund_entries f {wh}"),
        vals,
    )
    .await
    .map(Money)
}

async fn sum_kind<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kind: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Money, DbErr> {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.insert(0, kind.into());
    vals.push(from.into());
    vals.push(to.into());
    count(
        c,
        &format!("SELECT SUM_INT(f.amount_fen) FROM fund_entries f WHERE f.kind = ? AND {sf} AND f.entry_on >= ? AND f.entry_on <= ?"),
        vals,
    )
    .await
    .map(Money)
}

pub async fn totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FundTotals, DbErr> {
    let opening = balance(c, scope, from.pred_opt()).await?;
    let in_fen = sum_kind(c, scope, "contribution", from, to).await?;
    let out_fen = sum_kind(c, scope, "grant", from, to).await?;
    Ok(FundTotals {
        opening_fen: opening,
        in_fen,
        out_fen,
        closing_fen: Money(opening.fen().saturating_add(in_fen.fen()).saturating_sub(out_fen.fen())),
    })
}

/// A drill-down into the ledger (a figure's link): entries of one kind, of a unit subtree.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LedgerFilter {
    /// A period (`2022-Q1`): its days instead of the year's.
    #[serde(default)]
    pub period: String,
    /// `contribution` or `grant`.
    #[serde(default)]
    pub kind: String,
    /// A unit id: entries booked in the unit's subtree.
    #[serde(default)]
    pub unit: String,
}

impl LedgerFilter {
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("period", self.period.as_str()),
            ("kind", self.kind.as_str()),
            ("unit", self.unit.as_str()),
        ])
        .unwrap_or_default()
    }
}

fn ledger_where(scope: &Scope, from: NaiveDate, to: NaiveDate, f: &LedgerFilter) -> (String, Vec<Value>) {
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.push(from.into());
    vals.push(to.into());
    let mut wh = format!(" WHERE {sf} AND f.entry_on >= ? AND f.entry_on <= ?");
    if matches!(f.kind.as_str(), "contribution" | "grant") {
        wh.push_str(" AND f.kind = ?");
        vals.push(f.kind.clone().into());
    }
    if let Ok(u) = f.unit.trim().parse::<i64>() {
        wh.push_str(&format!(" AND {}", crate::platform::period::in_subtree("f.unit_id")));
        vals.push(u.into());
    }
    (wh, vals)
}

pub async fn entries<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    f: &LedgerFilter,
    p: &PageParams,
) -> Result<Page<EntryRow>, DbErr> {
    let (wh, vals) = ledger_where(scope, from, to, f);
    crate::platform::paging::fetch(
        c,
        &format!("SELECT COUNT(*) FROM fund_entries f{wh}"),
        &format!("SELECT f.id, f.kind, f.entry_on, f.amount_fen, f.counterparty, f.purpose, f.approval_ref FROM fund_entries f{wh}"),
        " ORDER BY f.entry_on, f.id",
        vals,
        p,
    )
    .await
}

/// What the entries the ledger lists add up to, signed (contributions +, grants −).
pub async fn entries_sum<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    f: &LedgerFilter,
) -> Result<Money, DbErr> {
    let (wh, vals) = ledger_where(scope, from, to, f);
    count(
        c,
        &format!("SELECT SUM_INT(CASE WHEN f.kind = 'contribution' THEN f.amount_fen ELSE -f.amount_fen END) FROM fund_entries f{wh}"),
        vals,
    )
    .await
    .map(Money)
}

/// Serialises writers of the ledger (PostgreSQL; SQLite writers are serialised already).
pub async fn lock<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    if c.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        c.execute_unprepared("SELECT pg_advisory_xact_lock(7403520)").await?;
    }
    Ok(())
}

pub async fn insert<C: ConnectionTrait>(c: &C, unit_id: i64, e: &EntryInput, by: Option<i64>) -> Result<i64, DbErr> {
    let vals: Vec<Value> = vec![
        unit_id.into(),
        e.kind.clone().into(),
        e.entry_on.into(),
        e.amount_fen.into(),
        e.counterparty.clone().into(),
        e.purpose.clone().into(),
        e.approval_ref.clone().into(),
        by.into(),
        Utc::now().into(),
    ];
    insert_id(c, "INSERT INTO fund_entries (unit_id, kind, entry_on, amount_fen, counterparty, purpose, approval_ref, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)", vals).await
}

/// Whether the running balance would go below zero if `extra_out` left the fund on `on`
/// (checked at the grant date and at every later entry date).
pub async fn would_overdraw<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    on: NaiveDate,
    extra_out: Amount,
) -> Result<bool, DbErr> {
    if balance(c, scope, Some(on)).await?.fen() < extra_out.fen() {
        return Ok(true);
    }
    #[derive(FromQueryResult)]
    struct D {
        entry_on: NaiveDate,
    }
    let (sf, mut vals) = scope.unit_filter("f.unit_id", None);
    vals.push(on.into());
    let later = D::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT DISTINCT f.entry_on FROM fund_entries f WHERE {sf} AND f.entry_on > ?"),
        vals,
    ))
    .all(c)
    .await?;
    for d in later {
        if balance(c, scope, Some(d.entry_on)).await?.fen() < extra_out.fen() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ledger problems for `shegong check`: a day on which the fund's balance was below zero, or a
/// non-positive amount (the table forbids it; a hand edit could still try).
pub async fn check_ledger<C: ConnectionTrait>(c: &C) -> Result<Vec<crate::platform::i18n::Msg>, DbErr> {
    use crate::platform::i18n::Msg;
    let rows = EntryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, kind, entry_on, amount_fen, counterparty, purpose, approval_ref FROM fund_entries ORDER BY entry_on, id",
        vec![],
    ))
    .all(c)
    .await?;
    let mut problems = Vec::new();
    // i128: no stored amount can overflow the running balance.
    let mut running = 0i128;
    for (i, r) in rows.iter().enumerate() {
        let fen = r.amount_fen.fen();
        if fen <= 0 {
            problems.push(Msg::new("check.fund_amount").arg("id", r.id.to_string()).arg("amount", fen.to_string()));
        }
        running += if r.kind == "contribution" { i128::from(fen) } else { -i128::from(fen) };
        let day_ends = rows.get(i + 1).is_none_or(|n| n.entry_on != r.entry_on);
        if day_ends && running < 0 {
            problems.push(
                Msg::new("check.fund_balance")
                    .arg("balance", Money(i64::try_from(running).unwrap_or(i64::MIN)).yuan_text())
                    .arg("on", r.entry_on.to_string()),
            );
        }
    }
    Ok(problems)
}

/// The years with ledger entries in the scope, newest first.
pub async fn fund_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Y {
        y: String,
    }
    let (sf, vals) = scope.unit_filter("f.unit_id", None);
    let mut years: Vec<i32> = Y::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT DISTINCT SUBSTR(CAST(f.entry_on AS TEXT), 1, 4) AS y FROM fund_entries f WHERE {sf}"),
        vals,
    ))
    .all(c)
    .await?
    .into_iter()
    .filter_map(|r| r.y.parse().ok())
    .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(years)
}
