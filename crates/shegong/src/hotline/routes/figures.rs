//! The hotline figures page and its de-identified xlsx export (no names, phones or free text;
//! counsellors numbered). The API is in `hotline/api.rs`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use render::{Chart, ChartKind, Series};
use serde::Deserialize;

use crate::hotline::figures::{self, Bucket, HotlineFigures};
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::cache::figures_page;
use crate::platform::error::AppResult;
use crate::platform::figures::{DrawnCharts, PageChart};
use crate::platform::period::Years;
use crate::platform::web::{download, render, PageCtx, XLSX_TYPE};
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/hotline/figures", Need::Perm("hotline.call_read"), page).get(
        "/hotline/figures.xlsx",
        Need::Perm("hotline.call_read"),
        export,
    )
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Calendar year (default: the latest year with calls in the caller's scope; 2000 to next
    /// year, else 400).
    #[serde(default)]
    pub year: Option<String>,
}

/// The year asked for, else the latest with calls in the caller's scope.
pub async fn chosen(st: &AppState, auth: &Auth, q: &YearQuery) -> AppResult<Years> {
    Years::choose(figures::years(&st.db.conn, &auth.scope).await?, q.year.as_deref(), None)
}

/// The label of a bucket of `dim` in the reader's language.
fn label(c: &PageCtx, cats: &[crate::hotline::store::Category], dim: &str, key: &str) -> String {
    match dim {
        "category" => cats
            .iter()
            .find(|k| k.code == key)
            .map(|k| if c.is_en() && !k.name_en.is_empty() { k.name_en.clone() } else { k.name.clone() })
            .unwrap_or_else(|| key.to_string()),
        "risk" => c.t(format!("hotline.risks.{key}").as_str()).to_string(),
        "channel" => c.t(format!("hotline.channels.{key}").as_str()).to_string(),
        "hour" => c.tf("hotline.figures.hour_of", &[("h", key)]),
        "weekday" => c.t(format!("hotline.figures.weekdays.d{key}").as_str()).to_string(),
        "case_risk" => c.t(format!("hotline.risks.{key}").as_str()).to_string(),
        "referral_state" => c.t(format!("hotline.referral_states.{key}").as_str()).to_string(),
        "referral_target" => c.t(format!("hotline.referral_targets.{key}").as_str()).to_string(),
        _ => c.tf("hotline.figures.month_of", &[("m", key)]),
    }
}

/// The dimensions shown, with their title keys (calls, then cases and referrals).
const DIMS: [(&str, &str); 9] = [
    ("category", "hotline.figures.by_category"),
    ("risk", "hotline.figures.by_risk"),
    ("channel", "hotline.figures.by_channel"),
    ("month", "hotline.figures.by_month"),
    ("weekday", "hotline.figures.by_weekday"),
    ("hour", "hotline.figures.by_hour"),
    ("case_risk", "hotline.figures.cases_by_risk"),
    ("referral_state", "hotline.figures.referrals_by_state"),
    ("referral_target", "hotline.figures.referrals_by_target"),
];

/// The locale key of what a dimension counts (the chart's series).
fn counted(dim: &str) -> &'static str {
    match dim {
        "case_risk" => "hotline.figures.cases",
        "referral_state" | "referral_target" => "hotline.figures.referrals",
        _ => "hotline.figures.calls",
    }
}

/// The locale key heading the first column of a chart's table.
fn rows_are(dim: &str) -> &'static str {
    match dim {
        "category" => "hotline.category",
        "risk" | "case_risk" => "hotline.risk_level",
        "channel" => "hotline.channel",
        "month" => "hotline.figures.month",
        "referral_state" => "hotline.figures.referral_state",
        _ => "hotline.referral_target",
    }
}

/// Calls by hour of day (rows) and weekday (columns): when the line is busiest.
fn heat(c: &PageCtx, cats: &[crate::hotline::store::Category], fig: &HotlineFigures) -> PageChart {
    let cell = |d: u32, h: u32| {
        let key = format!("{d}-{h}");
        fig.calls.by_weekday_hour.iter().find(|b| b.key == key).map(|b| b.count as f64).unwrap_or(0.0)
    };
    let chart = Chart {
        kind: ChartKind::Heat,
        title: c.t("hotline.figures.by_weekday_hour").to_string(),
        categories: (0..24).map(|h| label(c, cats, "hour", &h.to_string())).collect(),
        series: (1..=7)
            .map(|d| Series {
                name: label(c, cats, "weekday", &d.to_string()),
                values: (0..24).map(|h| cell(d, h)).collect(),
            })
            .collect(),
        unit: String::new(),
    };
    PageChart::new(chart, c.t("hotline.figures.hour"))
}

fn buckets<'a>(f: &'a HotlineFigures, dim: &str) -> &'a [Bucket] {
    match dim {
        "category" => &f.calls.by_category,
        "risk" => &f.calls.by_risk,
        "channel" => &f.calls.by_channel,
        "month" => &f.calls.by_month,
        "weekday" => &f.calls.by_weekday,
        "case_risk" => &f.cases.by_risk,
        "referral_state" => &f.cases.referrals_by_state,
        "referral_target" => &f.cases.referrals_by_target,
        _ => &f.calls.by_hour,
    }
}

#[derive(Template)]
#[template(path = "hotline/figures.html")]
struct Page<'a> {
    c: PageCtx,
    period: &'a Years,
    fig: &'a HotlineFigures,
    charts: std::sync::Arc<Vec<PageChart>>,
}

async fn page(State(st): State<AppState>, c: PageCtx, auth: Auth, Query(q): Query<YearQuery>) -> AppResult<Response> {
    // The figures, the years and the categories, cached at the data versions: a warm view costs
    // the one statement reading them.
    let cached = figures_page(&st, "hotline.figures", auth.id, format!("{:?}", q.year), || async {
        let period = chosen(&st, &auth, &q).await?;
        let fig = figures::figures(&st.db.conn, &auth.scope, period.year).await?;
        let cats = crate::hotline::store::categories(&st.db.conn).await?;
        Ok((period, fig, cats, DrawnCharts::default()))
    })
    .await?;
    let (period, fig, cats) = (&cached.0, &cached.1, cached.2.as_slice());
    // Drawn once per language while the figures are cached.
    // Shares as donuts, months as a line, the hours of each weekday as a heat table, the
    // rest as bars (the weekday and hour buckets stay in the export).
    let charts = cached.3.get_or_draw(c.lang, || {
        DIMS.iter()
            .filter(|(dim, _)| !matches!(*dim, "weekday" | "hour"))
            .map(|(dim, title)| {
                let kind = match *dim {
                    "risk" | "channel" | "case_risk" | "referral_state" => ChartKind::Donut,
                    "month" => ChartKind::Line,
                    _ => ChartKind::Bar,
                };
                let rows = buckets(fig, dim).iter().map(|b| (label(&c, cats, dim, &b.key), b.count as f64)).collect();
                PageChart::single(kind, c.t(title), c.t(counted(dim)), "", c.t(rows_are(dim)), rows)
            })
            .chain(std::iter::once(heat(&c, cats, fig)))
            .collect()
    });
    render(&Page { c, period, fig, charts })
}

async fn export(State(st): State<AppState>, c: PageCtx, auth: Auth, Query(q): Query<YearQuery>) -> AppResult<Response> {
    use crate::platform::xlsx::{Cell, ColKind, Column};
    const COLUMNS: &[Column] = &[
        Column { key: "group", zh: "分组", en: "Group", kind: ColKind::Text, required: true },
        Column { key: "item", zh: "项目", en: "Item", kind: ColKind::Text, required: true },
        Column { key: "value", zh: "数值", en: "Value", kind: ColKind::Integer, required: true },
    ];
    let year = chosen(&st, &auth, &q).await?.year;
    let fig = figures::figures(&st.db.conn, &auth.scope, year).await?;
    let cats = crate::hotline::store::categories(&st.db.conn).await?;
    let row = |g: &str, i: String, v: i64| vec![Cell::Text(g.to_string()), Cell::Text(i), Cell::Int(v)];
    let calls = c.t("hotline.figures.calls");
    let mut rows = vec![
        row(calls, c.t("figures.total").to_string(), fig.calls.total),
        row(calls, c.t("hotline.figures.minutes").to_string(), fig.calls.minutes),
    ];
    for (dim, title) in DIMS {
        for b in buckets(&fig, dim) {
            rows.push(row(c.t(title), label(&c, &cats, dim, &b.key), b.count));
        }
    }
    let e = &fig.escalations;
    let esc = c.t("hotline.escalation.title");
    for (key, v) in [
        ("hotline.figures.raised", e.raised),
        ("hotline.figures.acknowledged", e.acknowledged),
        ("hotline.figures.handed_on", e.handed_on),
        ("hotline.escalation.emergency_calls", e.emergency_calls),
        ("hotline.figures.ack_mean", e.ack_seconds_mean),
        ("hotline.figures.ack_median", e.ack_seconds_median),
        ("hotline.figures.ack_max", e.ack_seconds_max),
    ] {
        rows.push(row(esc, c.t(key).to_string(), v));
    }
    let k = &fig.cases;
    let cases = c.t("hotline.figures.cases");
    for (key, v) in [
        ("hotline.figures.cases_opened", k.opened),
        ("hotline.figures.cases_closed", k.closed),
        ("hotline.figures.cases_open_at_end", k.open_at_end),
        ("hotline.figures.followups_due", k.followups_due),
        ("hotline.figures.followups_done", k.followups_done),
        ("hotline.figures.followups_overdue", k.followups_overdue),
    ] {
        rows.push(row(cases, c.t(key).to_string(), v));
    }
    // Counsellors by number only: the export names nobody.
    let g = c.t("hotline.figures.workload");
    for w in &fig.counsellors.workload {
        let who = c.tf("hotline.figures.counsellor_no", &[("no", w.no.to_string().as_str())]);
        rows.push(row(g, format!("{who}{}", c.paren(c.t("hotline.figures.calls"))), w.calls));
        rows.push(row(g, format!("{who}{}", c.paren(c.t("hotline.figures.minutes"))), w.minutes));
        rows.push(row(g, format!("{who}{}", c.paren(c.t("hotline.figures.high_risk"))), w.high_risk));
    }
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(
        bytes,
        &crate::platform::download::FileName::export_of_user(
            &c,
            "hotline-figures",
            year,
            c.t("hotline.figures.title"),
            "xlsx",
        ),
        XLSX_TYPE,
    ))
}
