//! The figures page of purchased services and its xlsx and CSV exports (the API is in
//! `services/api.rs`); all read [`crate::services::figures::compute`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use render::ChartKind;

use crate::platform::access::Scope;
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::cache::figures_page;
use crate::platform::error::{AppError, AppResult};
use crate::platform::figures::{Measure, PageChart};
use crate::platform::money::Money;
use crate::platform::period::Years;
use crate::platform::web::FileName;
use crate::platform::web::{download, render, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::services::figures::{compute, Breakdown, ServiceFigures};

pub fn routes() -> Routes {
    Routes::new()
        .get("/services/figures", Need::Perm("services.read"), page)
        .get("/services/figures.xlsx", Need::Perm("services.read"), export_xlsx)
        .get("/services/figures.csv", Need::Perm("services.read"), export_csv)
}

/// Which unit subtree and year.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Unit id (default: the caller's own unit, or the whole city for city-wide roles).
    #[serde(default)]
    pub unit: Option<String>,
    /// Year (default: the latest year with projects in the caller's scope).
    #[serde(default)]
    pub year: Option<String>,
}

/// Resolves the query against the caller's scope: a unit outside it does not exist for them; the
/// year is the one asked for, else the latest with projects in the scope.
pub async fn resolve(st: &AppState, auth: &Auth, q: &FiguresQuery) -> AppResult<ServiceFigures> {
    Ok(resolve_with_years(st, auth, q).await?.0)
}

/// [`resolve`], with the years the page offers.
async fn resolve_with_years(st: &AppState, auth: &Auth, q: &FiguresQuery) -> AppResult<(ServiceFigures, Years)> {
    let period =
        Years::choose(crate::services::store::years(&st.db.conn, &auth.scope).await?, q.year.as_deref(), None)?;
    let year = period.year;
    let db = &st.db.conn;
    let unit = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let id = s.parse::<i64>().map_err(|_| AppError::NotFound)?;
            let u = crate::units::get(db, id).await?.ok_or(AppError::NotFound)?;
            // Agency staff see their agency's projects wherever they were bought.
            if !(auth.scope.contains_path(&u.path) || auth.scope.own_org.is_some()) {
                return Err(AppError::NotFound);
            }
            u
        }
        None => {
            let own = crate::units::get(db, auth.unit_id).await?.ok_or(AppError::NotFound)?;
            if auth.scope.all || auth.scope.own_org.is_some() {
                let roots = crate::units::roots(db, &Scope::all()).await?;
                match roots.first() {
                    Some(r) => crate::units::get(db, r.id).await?.ok_or(AppError::NotFound)?,
                    None => own,
                }
            } else {
                own
            }
        }
    };
    Ok((compute(db, &auth.scope, unit.id, &unit.name, &unit.name_en, &unit.path, year).await?, period))
}

#[derive(Template)]
#[template(path = "services/figures.html")]
struct FiguresPage<'a> {
    c: PageCtx,
    fig: &'a ServiceFigures,
    period: &'a Years,
    units: &'a [crate::units::UnitOption],
    charts: Vec<PageChart>,
    /// The totals rows of the tables by category, agency and station (the sum of their rows).
    by_category_total: Breakdown,
    by_agency_total: Breakdown,
    by_station_total: Breakdown,
}

impl FiguresPage<'_> {
    fn yuan(&self, m: &Money) -> String {
        m.yuan_text()
    }
    /// Ten-thousand yuan (万元), as the review states amounts: the one formatter of figures.
    fn wan(&self, m: &Money) -> String {
        crate::platform::figures::wan_text(m.fen())
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
    let key = format!("{:?}|{:?}", q.unit, q.year);
    let cached = figures_page(&st, "services.figures", auth.id, key, || async {
        let (fig, period) = resolve_with_years(&st, &auth, &q).await?;
        // Agency staff (own records) choose no unit: their figures are their agency's projects.
        let units: Vec<crate::units::UnitOption> =
            crate::units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
        Ok((fig, period, units))
    })
    .await?;
    let (fig, period, units) = (&cached.0, &cached.1, cached.2.as_slice());
    // Projects by category and amounts by buyer as bars (amounts in 万元, as the review states
    // them), the team by role as a donut (shares of the staff).
    let category_rows =
        fig.by_category.iter().map(|b| (c.pick(&b.label, &b.label_en).to_string(), b.projects as f64)).collect();
    let station_rows = fig
        .by_station
        .iter()
        .map(|b| (c.pick(&b.label, &b.label_en).to_string(), Measure::Fen.plotted(Some(b.amount_fen.fen()))))
        .collect();
    let role_rows =
        fig.by_role.iter().map(|r| (c.t(&format!("services.role.{}", r.role)).to_string(), r.people as f64)).collect();
    let charts = vec![
        PageChart::single(
            ChartKind::Bar,
            c.t("services.chart.category"),
            c.t("services.projects"),
            c.t("services.unit.projects"),
            c.t("services.category"),
            category_rows,
        ),
        PageChart::single(
            ChartKind::Bar,
            c.t("services.chart.station"),
            c.t("services.amount"),
            c.t("services.unit.wan"),
            c.t("services.buyer"),
            station_rows,
        ),
        PageChart::single(
            ChartKind::Donut,
            c.t("services.chart.roles"),
            c.t("services.staff"),
            c.t("figures.unit.people"),
            c.t("services.role_label"),
            role_rows,
        ),
    ];
    let by_category_total = total(&fig.by_category);
    let by_agency_total = total(&fig.by_agency);
    let by_station_total = total(&fig.by_station);
    render(&FiguresPage { c, fig, period, units, charts, by_category_total, by_agency_total, by_station_total })
}

/// The totals row of a breakdown: the sums of its rows (saturating, as the database sums are).
fn total(rows: &[Breakdown]) -> Breakdown {
    rows.iter().fold(
        Breakdown {
            label: String::new(),
            label_en: String::new(),
            projects: 0,
            amount_fen: Money(0),
            paid_fen: Money(0),
        },
        |t, b| Breakdown {
            projects: t.projects.saturating_add(b.projects),
            amount_fen: Money(t.amount_fen.fen().saturating_add(b.amount_fen.fen())),
            paid_fen: Money(t.paid_fen.fen().saturating_add(b.paid_fen.fen())),
            ..t
        },
    )
}

/// One line of the exports: section, label, a count (projects or people), and for project lines
/// the contract and paid amounts in fen.
type Line = (String, String, i64, Option<(Money, Money)>);

/// The figures as lines, shared by both exports.
fn table(c: &PageCtx, fig: &ServiceFigures) -> Vec<Line> {
    let mut rows: Vec<Line> = vec![(
        c.t("services.figures.total").to_string(),
        c.pick(&fig.unit_name, &fig.unit_name_en).to_string(),
        fig.projects,
        Some((fig.amount_fen, fig.paid_fen)),
    )];
    for (section, list) in [
        ("services.figures.by_category", &fig.by_category),
        ("services.figures.by_agency", &fig.by_agency),
        ("services.figures.by_station", &fig.by_station),
    ] {
        for b in list {
            let label = c.pick(&b.label, &b.label_en).to_string();
            rows.push((c.t(section).to_string(), label, b.projects, Some((b.amount_fen, b.paid_fen))));
        }
    }
    for b in &fig.by_status {
        let label = c.t(&format!("services.status.{}", b.label)).to_string();
        rows.push((c.t("services.figures.by_status").to_string(), label, b.projects, Some((b.amount_fen, b.paid_fen))));
    }
    let people = c.t("services.figures.people").to_string();
    rows.push((people.clone(), c.t("services.agencies").to_string(), fig.agencies, None));
    rows.push((people.clone(), c.t("services.staff").to_string(), fig.staff, None));
    for r in &fig.by_role {
        rows.push((people.clone(), c.t(&format!("services.role.{}", r.role)).to_string(), r.people, None));
    }
    rows
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
        Column { key: "count", zh: "数量", en: "Count", kind: ColKind::Integer, required: true },
        Column {
            key: "amount",
            zh: "合同金额（元）",
            en: "Contract amount (yuan)",
            kind: ColKind::Money,
            required: false,
        },
        Column { key: "paid", zh: "已支付（元）", en: "Paid (yuan)", kind: ColKind::Money, required: false },
    ];
    let fig = resolve(&st, &auth, &q).await?;
    let rows: Vec<Vec<Cell>> = table(&c, &fig)
        .into_iter()
        .map(|(s, l, n, money)| {
            let (a, p) = match money {
                Some((a, p)) => (Cell::Fen(a.fen()), Cell::Fen(p.fen())),
                None => (Cell::Empty, Cell::Empty),
            };
            vec![Cell::Text(s), Cell::Text(l), Cell::Int(n), a, p]
        })
        .collect();
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(bytes, &file_name(&c, &fig, "xlsx"), XLSX_TYPE))
}

/// CSV with a UTF-8 BOM (Excel on Chinese Windows opens it correctly); money in yuan with 2 decimals.
async fn export_csv(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    let fig = resolve(&st, &auth, &q).await?;
    let mut w = csv::WriterBuilder::new().from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = ["分组 / Section", "项目 / Item", "数量 / Count", "合同金额（元）/ Amount", "已支付（元）/ Paid"];
    w.write_record(header).map_err(|e| AppError::Internal(e.into()))?;
    let plain = |m: Money| format!("{}.{:02}", m.fen() / 100, m.fen() % 100);
    for (s, l, n, money) in table(&c, &fig) {
        let (a, p) = money.map(|(a, p)| (plain(a), plain(p))).unwrap_or_default();
        w.write_record([s, l, n.to_string(), a, p]).map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(download(bytes, &file_name(&c, &fig, "csv"), "text/csv; charset=utf-8"))
}

/// `services-figures-{unit code}-{year}.{ext}`, and the localised name of the figures' unit.
fn file_name(c: &PageCtx, fig: &ServiceFigures, ext: &str) -> FileName {
    let unit = c.pick(&fig.unit_name, &fig.unit_name_en);
    FileName::export("services-figures", &fig.unit_code, fig.year, c.t("services.figures.file"), unit, ext)
}
