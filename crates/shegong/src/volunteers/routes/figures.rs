//! The volunteer figures page and its xlsx export (the API is in `volunteers/api.rs`); both read
//! [`crate::volunteers::figures::resolve`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use render::ChartKind;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::cache::figures_page;
use crate::platform::error::AppResult;
use crate::platform::figures::PageChart;
use crate::platform::period::Years;
use crate::platform::web::{download, render, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::volunteers::figures::{resolve, resolve_with_years, FiguresQuery, VolunteerFigures};
use crate::volunteers::hours_text;

pub fn routes() -> Routes {
    Routes::new().get("/volunteers/figures", Need::Perm("volunteers.read"), page).get(
        "/volunteers/figures.xlsx",
        Need::Perm("volunteers.read"),
        export_xlsx,
    )
}

#[derive(Template)]
#[template(path = "volunteers/figures.html")]
struct FiguresPage<'a> {
    c: PageCtx,
    fig: &'a VolunteerFigures,
    period: &'a Years,
    units: &'a [crate::units::UnitOption],
    charts: Vec<PageChart>,
    /// The `period` parameter when the page shows something other than a whole year.
    asked_period: String,
}

impl FiguresPage<'_> {
    fn hours(&self, minutes: &i64) -> String {
        hours_text(*minutes)
    }
    fn grouped(&self, n: &i64) -> String {
        crate::platform::figures::grouped(*n)
    }
    /// A unit's indent in the picker (one wide space per level).
    fn indent(&self, depth: &i32) -> String {
        "\u{3000}".repeat((*depth).max(0) as usize)
    }
    /// The query of the export link.
    fn query(&self) -> String {
        match self.asked_period.is_empty() {
            true => format!("unit={}&year={}", self.fig.unit_id, self.fig.year),
            false => format!("unit={}&period={}", self.fig.unit_id, self.fig.period),
        }
    }
}

async fn page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    // The figures, the years and the unit choices, cached at the data versions: a warm view
    // costs the one statement reading them.
    let key = format!("{:?}|{:?}|{:?}", q.unit, q.year, q.period);
    let cached = figures_page(&st, "volunteers.figures", auth.id, key, || async {
        let (fig, period) = resolve_with_years(&st, &auth, &q).await?;
        let units = crate::units::options(&st.db.conn, &auth.scope).await?;
        Ok((fig, period, units))
    })
    .await?;
    let (fig, period, units) = (&cached.0, &cached.1, cached.2.as_slice());
    // Service types as bars, the weeks of the period as lines; hours as `hours_text` gives them.
    let hours = |minutes: i64| (minutes.saturating_mul(100) / 60) as f64 / 100.0;
    let by_type = |f: &dyn Fn(&crate::volunteers::figures::TypeLine) -> f64| {
        fig.by_service_type.iter().map(|l| (c.pick(&l.name, &l.name_en).to_string(), f(l))).collect::<Vec<_>>()
    };
    let by_week = |f: &dyn Fn(&crate::volunteers::figures::WeekLine) -> f64| {
        fig.by_week.iter().map(|w| (w.week.clone(), f(w))).collect::<Vec<_>>()
    };
    let (persons, person_times) = (c.t("volunteers.figures.person_times"), c.t("volunteers.figures.unit_person_times"));
    let (hours_name, hours_unit) = (c.t("volunteers.figures.hours"), c.t("volunteers.figures.unit_hours"));
    let (service_type, week) = (c.t("volunteers.figures.service_type"), c.t("volunteers.figures.week"));
    let charts = vec![
        PageChart::single(
            ChartKind::Bar,
            c.t("volunteers.figures.chart_type_persons"),
            persons,
            person_times,
            service_type,
            by_type(&|l| l.person_times as f64),
        ),
        PageChart::single(
            ChartKind::Bar,
            c.t("volunteers.figures.chart_type_hours"),
            hours_name,
            hours_unit,
            service_type,
            by_type(&|l| hours(l.minutes)),
        ),
        PageChart::single(
            ChartKind::Line,
            c.t("volunteers.figures.chart_week_persons"),
            persons,
            person_times,
            week,
            by_week(&|w| w.person_times as f64),
        ),
        PageChart::single(
            ChartKind::Line,
            c.t("volunteers.figures.chart_week_hours"),
            hours_name,
            hours_unit,
            week,
            by_week(&|w| hours(w.minutes)),
        ),
    ];
    let asked_period =
        if q.period.as_deref().map(str::trim).unwrap_or("").is_empty() { String::new() } else { fig.period.clone() };
    render(&FiguresPage { c, fig, period, units, charts, asked_period })
}

async fn export_xlsx(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    use crate::platform::xlsx::{Cell, ColKind, Column};
    const COLUMNS: &[Column] = &[
        Column { key: "section", zh: "分组", en: "Section", kind: ColKind::Text, required: true },
        Column { key: "label", zh: "项目", en: "Item", kind: ColKind::Text, required: true },
        Column { key: "records", zh: "服务记录", en: "Records", kind: ColKind::Integer, required: false },
        Column {
            key: "person_times", zh: "服务人次", en: "Persons served", kind: ColKind::Integer, required: false
        },
        Column {
            key: "minutes", zh: "服务时长（分钟）", en: "Minutes", kind: ColKind::Integer, required: false
        },
        Column { key: "hours", zh: "服务时长（小时）", en: "Hours", kind: ColKind::Text, required: false },
    ];
    let fig = resolve(&st, &auth, &q).await?;
    let total = c.t("volunteers.figures.totals").to_string();
    let line = |section: &str, label: String, records: i64, persons: i64, minutes: i64| {
        vec![
            Cell::Text(section.to_string()),
            Cell::Text(label),
            Cell::Int(records),
            Cell::Int(persons),
            Cell::Int(minutes),
            Cell::Text(hours_text(minutes)),
        ]
    };
    let count = |label: &str, n: i64| {
        vec![
            Cell::Text(total.clone()),
            Cell::Text(label.to_string()),
            Cell::Int(n),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]
    };
    let mut rows: Vec<Vec<Cell>> = vec![
        line(&total, c.pick(&fig.unit_name, &fig.unit_name_en).to_string(), fig.records, fig.person_times, fig.minutes),
        count(c.t("volunteers.figures.volunteers"), fig.volunteers),
        count(c.t("volunteers.figures.active"), fig.active_volunteers),
        count(c.t("volunteers.figures.communities"), fig.communities),
    ];
    let by_type = c.t("volunteers.figures.by_type");
    for l in &fig.by_service_type {
        rows.push(line(by_type, c.pick(&l.name, &l.name_en).to_string(), l.records, l.person_times, l.minutes));
    }
    let by_week = c.t("volunteers.figures.by_week");
    for w in &fig.by_week {
        rows.push(line(by_week, format!("{} ({})", w.week, w.starts_on), w.records, w.person_times, w.minutes));
    }
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(
        bytes,
        &crate::platform::download::FileName::new(
            &format!("volunteer-figures-{}-{}.xlsx", fig.unit_id, fig.period.replace("..", "_")),
            &format!("{}{}-{}.xlsx", c.t("volunteers.figures.file"), fig.unit_name, fig.period.replace("..", "_")),
        ),
        XLSX_TYPE,
    ))
}
