//! Figures of purchased services for a unit subtree and a year, computed from the records:
//! projects, agencies, contract and paid amounts (fen), staff by role, projects per category and
//! per agency. The page, the exports, the API and the dashboard all read these.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::sql;
use crate::services::store::project_filter;

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct Breakdown {
    /// Category, agency, station or role.
    pub label: String,
    /// The English name where the records have one (categories), else empty.
    pub label_en: String,
    pub projects: i64,
    pub amount_fen: i64,
    pub paid_fen: i64,
}

#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct RoleCount {
    pub role: String,
    pub people: i64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceFigures {
    pub year: i32,
    pub unit_id: i64,
    pub unit_name: String,
    pub projects: i64,
    pub agencies: i64,
    pub amount_fen: i64,
    pub paid_fen: i64,
    /// Distinct people on the teams.
    pub staff: i64,
    pub by_role: Vec<RoleCount>,
    pub by_category: Vec<Breakdown>,
    pub by_agency: Vec<Breakdown>,
    pub by_station: Vec<Breakdown>,
    pub by_status: Vec<Breakdown>,
}

/// The WHERE clause shared by every figure: scope, subtree of `unit_path`, year.
fn base(scope: &Scope, unit_path: &str, year: i32) -> (String, Vec<Value>) {
    let (sf, mut vals) = project_filter(scope);
    vals.push(format!("{unit_path}%").into());
    vals.push(year.into());
    (format!("{sf} AND u.path LIKE ? AND p.year = ?"), vals)
}

/// Paid amounts come from one sum per project over all payments: restricting that subquery to the
/// year measured no faster on either database and, before PostgreSQL had statistics, far slower
/// (docs/PERFORMANCE.md).
const FROM: &str =
    "FROM projects p JOIN org_units u ON u.id = p.unit_id JOIN service_categories k ON k.id = p.category_id \
    LEFT JOIN service_categories kp ON kp.id = k.parent_id LEFT JOIN organisations o ON o.id = p.agency_id \
    LEFT JOIN (SELECT project_id, SUM_INT(amount_fen) AS paid FROM project_payments GROUP BY project_id) pay ON pay.project_id = p.id";

/// Sums that cannot fail on any stored amount (`platform::db::SUM_INT`).
const AMOUNT: &str = "SUM_INT(p.amount_fen)";
const PAID: &str = "SUM_INT(pay.paid)";

async fn breakdown<C: ConnectionTrait>(
    c: &C,
    label: &str,
    // An aggregate or a constant: the rows are grouped by `label` only.
    label_en: &str,
    order: &str,
    w: &str,
    vals: &[Value],
) -> Result<Vec<Breakdown>, DbErr> {
    Breakdown::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT {label} AS label, {label_en} AS label_en, COUNT(*) AS projects, {AMOUNT} AS amount_fen, {PAID} AS paid_fen \
             {FROM} WHERE {w} GROUP BY {label} ORDER BY {order}"
        ),
        vals.to_vec(),
    ))
    .all(c)
    .await
}

pub async fn compute<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_id: i64,
    unit_name: &str,
    unit_path: &str,
    year: i32,
) -> Result<ServiceFigures, DbErr> {
    let b = c.get_database_backend();
    let (w, vals) = base(scope, unit_path, year);
    let totals = c
        .query_one(sql(
            b,
            &format!("SELECT COUNT(*), COUNT(DISTINCT p.agency_id), {AMOUNT}, {PAID} {FROM} WHERE {w}"),
            vals.clone(),
        ))
        .await?;
    let (projects, agencies, amount_fen, paid_fen) = match totals {
        Some(r) => (
            r.try_get_by_index::<i64>(0)?,
            r.try_get_by_index::<i64>(1)?,
            r.try_get_by_index::<i64>(2)?,
            r.try_get_by_index::<i64>(3)?,
        ),
        None => (0, 0, 0, 0),
    };
    let person = crate::services::store::PERSON;
    let staff = c
        .query_one(sql(
            b,
            &format!("SELECT COUNT(DISTINCT {person}) FROM project_members m JOIN projects p ON p.id = m.project_id JOIN org_units u ON u.id = p.unit_id WHERE {w}"),
            vals.clone(),
        ))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    let mut by_role = RoleCount::find_by_statement(sql(
        b,
        &format!(
            "SELECT m.role, COUNT(DISTINCT {person}) AS people FROM project_members m JOIN projects p ON p.id = m.project_id \
             JOIN org_units u ON u.id = p.unit_id WHERE {w} GROUP BY m.role"
        ),
        vals.clone(),
    ))
    .all(c)
    .await?;
    let rank = |r: &str| crate::services::model::ROLES.iter().position(|x| *x == r).unwrap_or(99);
    by_role.sort_by_key(|r| rank(&r.role));
    let by_category = breakdown(
        c,
        "COALESCE(kp.name, k.name)",
        "MIN(COALESCE(kp.name_en, k.name_en))",
        "COUNT(*) DESC, COALESCE(kp.name, k.name)",
        &w,
        &vals,
    )
    .await?;
    let by_agency =
        breakdown(c, "COALESCE(o.name, '')", "''", "SUM_INT(p.amount_fen) DESC, COALESCE(o.name, '')", &w, &vals)
            .await?;
    let by_station = breakdown(c, "u.name", "MIN(u.name_en)", "MIN(u.path)", &w, &vals).await?;
    let mut by_status = breakdown(c, "p.status", "''", "p.status", &w, &vals).await?;
    let srank = |s: &str| crate::services::model::status_index(s).unwrap_or(99);
    by_status.sort_by_key(|r| srank(&r.label));
    Ok(ServiceFigures {
        year,
        unit_id,
        unit_name: unit_name.to_string(),
        projects,
        agencies,
        amount_fen,
        paid_fen,
        staff,
        by_role,
        by_category,
        by_agency,
        by_station,
        by_status,
    })
}

/// Dashboard figures: the latest year with purchases in the caller's scope (the demo's is 2022).
pub async fn headline<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<crate::platform::figures::FigureValue>, DbErr> {
    use crate::platform::figures::FigureValue;
    let (sf, vals) = project_filter(scope);
    let year = c
        .query_one(sql(c.get_database_backend(), &format!("SELECT MAX(p.year) FROM projects p WHERE {sf}"), vals))
        .await?
        .and_then(|r| r.try_get_by_index::<Option<i32>>(0).ok().flatten());
    let Some(year) = year else { return Ok(Vec::new()) };
    // The whole tree: the scope filter alone decides what is counted.
    let f = compute(c, scope, 0, "", "/", year).await?;
    let href = format!("/services/figures?year={year}");
    Ok(vec![
        FigureValue::new("services.projects", "figures.services.projects", f.projects, "figures.unit.count")
            .link(&href),
        FigureValue::new("services.agencies", "figures.services.agencies", f.agencies, "figures.unit.orgs").link(&href),
        FigureValue::new(
            "services.amount_wan",
            "figures.services.amount",
            f.amount_fen / 1_000_000,
            "figures.unit.wan",
        )
        .link(&href),
        FigureValue::new("services.staff", "figures.services.staff", f.staff, "figures.unit.people").link(&href),
    ])
}

// ---------------------------------------------------------------- pages, exports and the API

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Json;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::chart::{BarChart, BarRow};
use crate::platform::error::{AppError, AppResult};
use crate::platform::money::Money;
use crate::platform::web::{download, render, PageCtx, XLSX_TYPE};
use crate::platform::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/services/figures", Need::Perm("services.read"), page)
        .get("/services/figures.xlsx", Need::Perm("services.read"), export_xlsx)
        .get("/services/figures.csv", Need::Perm("services.read"), export_csv)
        .get("/api/v1/services/figures", Need::Perm("services.read"), api)
}

/// Which unit subtree and year.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Unit id (default: the caller's own unit, or the whole city for city-wide roles).
    #[serde(default)]
    pub unit: Option<String>,
    /// Year (default: this year).
    #[serde(default)]
    pub year: Option<String>,
}

/// Resolves the query against the caller's scope: a unit outside it does not exist for them.
pub async fn resolve(st: &AppState, auth: &Auth, q: &FiguresQuery) -> AppResult<ServiceFigures> {
    let this: i32 = crate::platform::time::today().format("%Y").to_string().parse().unwrap_or(2100);
    let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => this,
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=this + 1).contains(y))
            .ok_or_else(|| AppError::BadRequest("services.error.year".into()))?,
    };
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
    Ok(compute(db, &auth.scope, unit.id, &unit.name, &unit.path, year).await?)
}

#[derive(Template)]
#[template(path = "services/figures.html")]
struct FiguresPage {
    c: PageCtx,
    fig: ServiceFigures,
    units: Vec<crate::units::UnitOption>,
    charts: Vec<BarChart>,
}

impl FiguresPage {
    fn yuan(&self, fen: &i64) -> String {
        Money(*fen).yuan_text()
    }
    /// Ten-thousand yuan (万元), as the review states amounts.
    fn wan(&self, fen: &i64) -> String {
        format!("{}.{:02}", fen / 1_000_000, (fen % 1_000_000).abs() / 10_000)
    }
}

fn chart(title: &str, series: &str, rows: Vec<(String, f64, String)>) -> BarChart {
    let max = rows.iter().fold(1.0f64, |a, r| a.max(r.1));
    let rows: Vec<BarRow> =
        rows.into_iter().map(|(label, v, text)| BarRow { label, values: vec![v], texts: vec![text] }).collect();
    BarChart::horizontal(title, &[series], &rows, max)
}

async fn page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    let fig = resolve(&st, &auth, &q).await?;
    let units = crate::units::options(&st.db.conn, &auth.scope).await?.into_iter().filter(|u| u.depth <= 1).collect();
    let role_rows = fig
        .by_role
        .iter()
        .map(|r| (c.t(&format!("services.role.{}", r.role)).to_string(), r.people as f64, r.people.to_string()))
        .collect();
    let category_rows =
        fig.by_category.iter().map(|b| (b.label.clone(), b.projects as f64, b.projects.to_string())).collect();
    let station_rows = fig
        .by_station
        .iter()
        .map(|b| (c.pick(&b.label, &b.label_en).to_string(), b.amount_fen as f64, Money(b.amount_fen).yuan_text()))
        .collect();
    let charts = vec![
        chart(c.t("services.chart.category"), c.t("services.projects"), category_rows),
        chart(c.t("services.chart.station"), c.t("services.amount"), station_rows),
        chart(c.t("services.chart.roles"), c.t("services.staff"), role_rows),
    ];
    render(&FiguresPage { c, fig, units, charts })
}

/// One line of the exports: section, label, a count (projects or people), and for project lines
/// the contract and paid amounts in fen.
type Line = (String, String, i64, Option<(i64, i64)>);

/// The figures as lines, shared by both exports.
fn table(c: &PageCtx, fig: &ServiceFigures) -> Vec<Line> {
    let mut rows: Vec<Line> = vec![(
        c.t("services.figures.total").to_string(),
        fig.unit_name.clone(),
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
                Some((a, p)) => (Cell::Fen(a), Cell::Fen(p)),
                None => (Cell::Empty, Cell::Empty),
            };
            vec![Cell::Text(s), Cell::Text(l), Cell::Int(n), a, p]
        })
        .collect();
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(bytes, &format!("{}{}-{}.xlsx", c.t("services.figures.file"), fig.unit_name, fig.year), XLSX_TYPE))
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
    let plain = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    for (s, l, n, money) in table(&c, &fig) {
        let (a, p) = money.map(|(a, p)| (plain(a), plain(p))).unwrap_or_default();
        w.write_record([s, l, n.to_string(), a, p]).map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(download(
        bytes,
        &format!("{}{}-{}.csv", c.t("services.figures.file"), fig.unit_name, fig.year),
        "text/csv; charset=utf-8",
    ))
}

/// Purchased-service figures for a unit subtree and a year: projects, agencies, contract and paid
/// amounts in fen, staff by role, and breakdowns by category, agency, station and status.
#[utoipa::path(get, path = "/api/v1/services/figures", tag = "services", params(FiguresQuery),
    responses((status = 200, body = ServiceFigures), (status = 400, body = crate::platform::api::ApiError),
        (status = 404, body = crate::platform::api::ApiError)), security(("bearer" = [])))]
pub async fn api(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Json<ServiceFigures>> {
    Ok(Json(resolve(&st, &auth, &q).await?))
}
