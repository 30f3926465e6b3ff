//! The talent figures page and its xlsx export (the API is in `talent/api.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::cache;
use crate::platform::error::AppResult;
use crate::platform::figures::PageChart;
use crate::platform::web::FileName;
use crate::platform::web::{download, render, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::talent::store::{self};

use super::YearQuery;
use crate::platform::period::Years;

pub fn routes() -> Routes {
    Routes::new().get("/talent/figures", Need::Perm("talent.read"), figures_page).get(
        "/talent/figures.xlsx",
        Need::Perm("talent.read"),
        figures_export,
    )
}

#[derive(Template)]
#[template(path = "talent/figures.html")]
struct FiguresPage<'a> {
    c: PageCtx,
    year: i32,
    period: &'a Years,
    fig: &'a store::TalentFigures,
    chart: PageChart,
}

/// The year asked for, else the latest with exam passes or awards in the caller's scope.
pub async fn chosen(st: &AppState, auth: &Auth, q: &YearQuery) -> AppResult<Years> {
    Years::choose(store::figure_years(&st.db.conn, &auth.scope).await?, q.year.as_deref(), None)
}

async fn figures_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    // Cached at the data versions: a warm view costs the one statement reading them.
    let cached = cache::figures_page(&st, "talent.figures", auth.id, format!("{:?}", q.year), || async {
        let period = chosen(&st, &auth, &q).await?;
        let fig = store::figures(&st.db.conn, &auth.scope, period.year).await?;
        Ok((period, fig))
    })
    .await?;
    let (period, fig) = (&cached.0, &cached.1);
    let year = period.year;
    // The workers by qualification level: shares of the whole, a donut.
    let rows = [
        ("workers.level.assistant", fig.assistant),
        ("workers.level.social_worker", fig.social_worker),
        ("workers.level.senior", fig.senior),
    ]
    .iter()
    .map(|(k, v)| (c.t(k).to_string(), *v as f64))
    .collect();
    let chart = PageChart::single(
        render::ChartKind::Donut,
        c.t("workers.chart"),
        c.t("workers.count"),
        c.t("figures.unit.people"),
        c.t("workers.level_label"),
        rows,
    );
    render(&FiguresPage { c, year, period, fig, chart })
}

async fn figures_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    use crate::platform::xlsx::{Cell, ColKind, Column};
    const COLUMNS: &[Column] = &[
        Column { key: "indicator", zh: "指标", en: "Indicator", kind: ColKind::Text, required: true },
        Column { key: "value", zh: "数值", en: "Value", kind: ColKind::Integer, required: true },
    ];
    let year = chosen(&st, &auth, &q).await?.year;
    let (from, to) = crate::platform::period::bounds(year);
    let fig = store::figures(&st.db.conn, &auth.scope, year).await?;
    let fund = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![Cell::Text(c.t("workers.title").into()), Cell::Int(fig.workers)],
        vec![Cell::Text(c.t("workers.level.assistant").into()), Cell::Int(fig.assistant)],
        vec![Cell::Text(c.t("workers.level.social_worker").into()), Cell::Int(fig.social_worker)],
        vec![Cell::Text(c.t("workers.level.senior").into()), Cell::Int(fig.senior)],
        vec![Cell::Text(c.t("workers.exam_passes").into()), Cell::Int(fig.exam_passes)],
    ];
    for (title, level, n) in &fig.awards {
        rows.push(vec![
            Cell::Text(format!("{title}{}", c.paren(c.t(format!("honours.level.{level}").as_str())))),
            Cell::Int(*n),
        ]);
    }
    for (key, fen) in [("fund.in", fund.in_fen), ("fund.out", fund.out_fen), ("fund.closing", fund.closing_fen)] {
        rows.push(vec![Cell::Text(format!("{}{}", c.t(key), c.paren(c.t("fund.fen")))), Cell::Int(fen.fen())]);
    }
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(
        bytes,
        &FileName::export_of_user(&c, "talent-figures", year, c.t("workers.figures"), "xlsx"),
        XLSX_TYPE,
    ))
}

impl FiguresPage<'_> {
    /// The totals row of the awards table: the sum of its rows.
    fn awards_total(&self) -> i64 {
        self.fig.awards.iter().fold(0i64, |t, (_, _, n)| t.saturating_add(*n))
    }
}
