//! The fund ledger page, a new entry, and the statement of a year (the API is in `talent/api.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::money::Money;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::FileName;
use crate::platform::web::{download, render, render_status, see_other, FormErrors, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::talent::model::EntryForm;
use crate::talent::store::{self, EntryRow, FundTotals, LedgerFilter};

use super::YearQuery;
use crate::platform::period::{this_year, Years};
use chrono::Datelike;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/talent/fund", Need::Perm("talent.fund_read"), fund_page)
        .post("/talent/fund", Need::Perm("talent.fund_write"), fund_entry)
        .get("/talent/fund/statement.xlsx", Need::Perm("talent.fund_read"), statement)
}

#[derive(Template)]
#[template(path = "talent/fund.html")]
struct FundPage {
    c: PageCtx,
    year: i32,
    period: Years,
    totals: FundTotals,
    balance: Money,
    entries: Page<EntryRow>,
    /// The drill-down the ledger shows, and what its entries add up to.
    lf: LedgerFilter,
    listed: Money,
    p: PageParams,
    extra: String,
    f: EntryForm,
    errors: FormErrors,
}

impl FundPage {
    fn yuan(&self, m: &Money) -> String {
        m.yuan_text()
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    q: &YearQuery,
    lf: LedgerFilter,
    p: PageParams,
    f: EntryForm,
    errors: FormErrors,
) -> AppResult<FundPage> {
    // A drill-down's period (a quarter, a month, a range) stands for the year.
    let drill = crate::platform::period::list_period(&lf.period)?;
    let q = match drill {
        Some(d) => YearQuery { year: Some(d.year().to_string()) },
        None => YearQuery { year: q.year.clone() },
    };
    let period = chosen(st, auth, &q).await?;
    let year = period.year;
    let (from, to) = drill.map(|d| d.bounds()).unwrap_or_else(|| period.bounds());
    let totals = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    let balance = store::balance(&st.db.conn, &auth.scope, None).await?;
    let entries = store::entries(&st.db.conn, &auth.scope, from, to, &lf, &p).await?;
    let listed = store::entries_sum(&st.db.conn, &auth.scope, from, to, &lf).await?;
    let extra = format!("year={year}&{}", lf.query_string());
    Ok(FundPage { c, year, period, totals, balance, entries, lf, listed, p, extra, f, errors })
}

/// The year asked for, else the latest with entries in the caller's scope; this year is offered
/// too, as new entries are made in it.
pub async fn chosen(st: &AppState, auth: &Auth, q: &YearQuery) -> AppResult<Years> {
    Years::choose(store::fund_years(&st.db.conn, &auth.scope).await?, q.year.as_deref(), Some(this_year()))
}

/// A new entry, and the year the ledger was showing (a refused entry re-renders on it).
#[derive(Deserialize)]
struct EntryPost {
    #[serde(flatten)]
    f: EntryForm,
    #[serde(default)]
    year: Option<String>,
}

async fn fund_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<YearQuery>,
    Query(lf): Query<LedgerFilter>,
    p: PageParams,
) -> AppResult<Response> {
    let f = EntryForm { kind: "grant".into(), entry_on: today().to_string(), ..EntryForm::default() };
    render(&page(&st, c, &auth, &q, lf, p, f, FormErrors::default()).await?)
}

/// The unit that keeps the fund: the root of the org-unit tree, which the writer's scope must contain.
async fn fund_unit(st: &AppState, auth: &Auth) -> AppResult<i64> {
    let roots = crate::units::roots(&st.db.conn, &crate::platform::access::Scope::all()).await?;
    let root = roots.first().ok_or(AppError::NotFound)?;
    // Outside the scope the fund does not exist for this user, as with every scoped record.
    if !auth.scope.contains_path(&root.path) {
        return Err(AppError::NotFound);
    }
    Ok(root.id)
}

async fn fund_entry(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(EntryPost { f, year }): Form<EntryPost>,
) -> AppResult<Response> {
    let unit = fund_unit(&st, &auth).await?;
    // A year that is not one falls back to the default rather than losing what was typed.
    let year = year.filter(|y| crate::platform::period::parse_year(y).is_some());
    let q = YearQuery { year };
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            let pg = page(&st, c, &auth, &q, LedgerFilter::default(), PageParams::default(), f, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &pg);
        }
    };
    let tx = st.db.write().await?;
    store::lock(&*tx).await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        return Ok(see_other(&crate::platform::web::local_path(Some(&prev))));
    }
    if input.kind == "grant" && store::would_overdraw(&*tx, &auth.scope, input.entry_on, input.amount_fen).await? {
        drop(tx);
        let mut errors = FormErrors::default();
        errors.add("amount", c.t("fund.error.overdraw"));
        let pg = page(&st, c, &auth, &q, LedgerFilter::default(), PageParams::default(), f, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &pg);
    }
    let id = store::insert(&*tx, unit, &input, Some(auth.id)).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "fund_entry", id).unit(unit).after(&input))
        .await?;
    let back = format!("/talent/fund?year={}", input.entry_on.year());
    once::complete(&*tx, &f.nonce, &back).await?;
    set_flash(&*tx, auth.session_id, Some("fund.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&back))
}

/// The statement of a year as xlsx: opening balance, every entry with the running balance, closing balance.
async fn statement(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    use crate::platform::xlsx::{Cell, ColKind, Column};
    const COLUMNS: &[Column] = &[
        Column { key: "entry_on", zh: "日期", en: "Date", kind: ColKind::Date, required: true },
        Column { key: "kind", zh: "摘要", en: "Entry", kind: ColKind::Text, required: true },
        Column { key: "counterparty", zh: "对方", en: "Counterparty", kind: ColKind::Text, required: true },
        Column { key: "purpose", zh: "用途", en: "Purpose", kind: ColKind::Text, required: false },
        Column { key: "approval_ref", zh: "审批文号", en: "Approval", kind: ColKind::Text, required: false },
        Column { key: "in", zh: "收入（元）", en: "In (yuan)", kind: ColKind::Money, required: false },
        Column { key: "out", zh: "支出（元）", en: "Out (yuan)", kind: ColKind::Money, required: false },
        Column { key: "balance", zh: "余额（元）", en: "Balance (yuan)", kind: ColKind::Money, required: true },
    ];
    let year = chosen(&st, &auth, &q).await?.year;
    let (from, to) = crate::platform::period::bounds(year);
    let totals = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    let entries = store::entries(
        &st.db.conn,
        &auth.scope,
        from,
        to,
        &LedgerFilter::default(),
        &PageParams { per_page: Some(200), ..PageParams::default() },
    )
    .await?;
    let mut all = entries.items;
    let mut n = 2;
    while (all.len() as i64) < entries.total {
        let more = store::entries(
            &st.db.conn,
            &auth.scope,
            from,
            to,
            &LedgerFilter::default(),
            &PageParams { per_page: Some(200), page: Some(n), ..PageParams::default() },
        )
        .await?;
        if more.items.is_empty() {
            break;
        }
        all.extend(more.items);
        n += 1;
    }
    let mut running = totals.opening_fen.fen();
    let mut rows = vec![vec![
        Cell::Date(from),
        Cell::Text(c.t("fund.opening").into()),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Fen(running),
    ]];
    for e in &all {
        let (inn, out) = if e.kind == "contribution" {
            (Cell::Fen(e.amount_fen.fen()), Cell::Empty)
        } else {
            (Cell::Empty, Cell::Fen(e.amount_fen.fen()))
        };
        running = if e.kind == "contribution" {
            running.saturating_add(e.amount_fen.fen())
        } else {
            running.saturating_sub(e.amount_fen.fen())
        };
        rows.push(vec![
            Cell::Date(e.entry_on),
            Cell::Text(c.t(e.kind_key().as_str()).into()),
            Cell::Text(e.counterparty.clone()),
            Cell::Text(e.purpose.clone()),
            Cell::Text(e.approval_ref.clone()),
            inn,
            out,
            Cell::Fen(running),
        ]);
    }
    rows.push(vec![
        Cell::Date(to),
        Cell::Text(c.t("fund.closing").into()),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Fen(totals.in_fen.fen()),
        Cell::Fen(totals.out_fen.fen()),
        Cell::Fen(totals.closing_fen.fen()),
    ]);
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(
        bytes,
        &FileName::export_of_user(&c, "talent-fund", year, c.t("fund.statement_name"), "xlsx"),
        XLSX_TYPE,
    ))
}
