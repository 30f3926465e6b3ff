//! The fund ledger page, its statement and its API.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Form, Json};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::money::Money;
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::set_flash;
use crate::platform::web::{download, render, render_status, see_other, FormErrors, PageCtx, XLSX_TYPE};
use crate::platform::AppState;
use crate::talent::model::EntryForm;
use crate::talent::store::{self, EntryRow, FundTotals};

pub fn routes() -> Routes {
    Routes::new()
        .get("/talent/fund", Need::Perm("talent.fund_read"), fund_page)
        .post("/talent/fund", Need::Perm("talent.fund_write"), fund_entry)
        .get("/talent/fund/statement.xlsx", Need::Perm("talent.fund_read"), statement)
        .get("/api/v1/fund", Need::Perm("talent.fund_read"), fund_api)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Calendar year (default: this year).
    #[serde(default)]
    pub year: Option<String>,
}

fn period(q: &YearQuery) -> (i32, NaiveDate, NaiveDate) {
    let this: i32 = today().format("%Y").to_string().parse().unwrap_or(2022);
    let y = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=this).contains(y))
        .unwrap_or(this);
    let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default();
    (y, from, to)
}

#[derive(Template)]
#[template(path = "talent/fund.html")]
struct FundPage {
    c: PageCtx,
    year: i32,
    totals: FundTotals,
    balance: i64,
    entries: Page<EntryRow>,
    p: PageParams,
    extra: String,
    f: EntryForm,
    errors: FormErrors,
}

impl FundPage {
    fn yuan(&self, fen: &i64) -> String {
        Money(*fen).yuan_text()
    }
}

async fn page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    q: &YearQuery,
    p: PageParams,
    f: EntryForm,
    errors: FormErrors,
) -> AppResult<FundPage> {
    let (year, from, to) = period(q);
    let totals = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    let balance = store::balance(&st.db.conn, &auth.scope, None).await?;
    let entries = store::entries(&st.db.conn, &auth.scope, from, to, &p).await?;
    let extra = format!("year={year}");
    Ok(FundPage { c, year, totals, balance, entries, p, extra, f, errors })
}

async fn fund_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<YearQuery>,
    p: PageParams,
) -> AppResult<Response> {
    let f = EntryForm { kind: "grant".into(), entry_on: today().to_string(), ..EntryForm::default() };
    render(&page(&st, c, &auth, &q, p, f, FormErrors::default()).await?)
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
    Form(f): Form<EntryForm>,
) -> AppResult<Response> {
    let unit = fund_unit(&st, &auth).await?;
    let q = YearQuery { year: None };
    let input = match f.validate(today()) {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_keys(&c, errs);
            let pg = page(&st, c, &auth, &q, PageParams::default(), f, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &pg);
        }
    };
    let tx = st.db.write().await?;
    store::lock(&*tx).await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/talent/fund"));
    }
    if input.kind == "grant" && store::would_overdraw(&*tx, &auth.scope, input.entry_on, input.amount_fen.fen()).await?
    {
        drop(tx);
        let mut errors = FormErrors::default();
        errors.add("amount", c.t("fund.error.overdraw"));
        let pg = page(&st, c, &auth, &q, PageParams::default(), f, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &pg);
    }
    let id = store::insert(&*tx, unit, &input, Some(auth.id)).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("create", "fund_entry", id).unit(unit).after(&input))
        .await?;
    once::complete(&*tx, &f.nonce, "/talent/fund").await?;
    set_flash(&*tx, auth.session_id, Some("fund.saved")).await?;
    tx.commit().await?;
    Ok(see_other("/talent/fund"))
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
    let (year, from, to) = period(&q);
    let totals = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    let entries = store::entries(
        &st.db.conn,
        &auth.scope,
        from,
        to,
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
            &PageParams { per_page: Some(200), page: Some(n), ..PageParams::default() },
        )
        .await?;
        if more.items.is_empty() {
            break;
        }
        all.extend(more.items);
        n += 1;
    }
    let mut running = totals.opening_fen;
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
            (Cell::Fen(e.amount_fen), Cell::Empty)
        } else {
            (Cell::Empty, Cell::Fen(e.amount_fen))
        };
        running = if e.kind == "contribution" {
            running.saturating_add(e.amount_fen)
        } else {
            running.saturating_sub(e.amount_fen)
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
        Cell::Fen(totals.in_fen),
        Cell::Fen(totals.out_fen),
        Cell::Fen(totals.closing_fen),
    ]);
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(bytes, &format!("{}{year}.xlsx", c.t("fund.statement_name")), XLSX_TYPE))
}

/// The fund's figures for a year, in fen.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FundFigures {
    pub year: i32,
    pub opening_fen: i64,
    pub in_fen: i64,
    pub out_fen: i64,
    pub closing_fen: i64,
}

#[utoipa::path(get, path = "/api/v1/fund", tag = "talent", params(YearQuery),
    responses((status = 200, body = FundFigures), (status = 403, body = crate::platform::api::ApiError)), security(("bearer" = [])))]
pub async fn fund_api(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<FundFigures>> {
    let (year, from, to) = period(&q);
    let t = store::totals(&st.db.conn, &auth.scope, from, to).await?;
    Ok(Json(FundFigures {
        year,
        opening_fen: t.opening_fen,
        in_fen: t.in_fen,
        out_fen: t.out_fen,
        closing_fen: t.closing_fen,
    }))
}

pub fn worker_routes() -> Routes {
    Routes::new()
        .get("/talent/workers", Need::Perm("talent.read"), worker_list)
        .get("/talent/workers/new", Need::Perm("talent.write"), worker_new)
        .get("/talent/workers/export.xlsx", Need::Perm("talent.read"), workers_export)
        .post("/talent/workers", Need::Perm("talent.write"), worker_create)
        .with("id", &crate::talent::WORKER)
        .get("/talent/workers/{id}", Need::Perm("talent.read"), worker_detail)
        .post("/talent/workers/{id}/reveal", Need::Perm("talent.pii_reveal"), worker_reveal)
        .get("/talent/workers/{id}/edit", Need::Perm("talent.write"), worker_edit)
        .post("/talent/workers/{id}", Need::Perm("talent.write"), worker_update)
        .get("/talent/figures", Need::Perm("talent.read"), figures_page)
        .get("/talent/figures.xlsx", Need::Perm("talent.read"), figures_export)
        .get("/talent/selections", Need::Perm("talent.read"), selections_list)
        .post("/talent/selections", Need::Perm("talent.programmes"), selection_create)
        .with("id", &crate::talent::PROGRAMME)
        .get("/talent/selections/{id}", Need::Perm("talent.read"), selection_detail)
        .post("/talent/selections/{id}/nominate", Need::Perm("talent.write"), selection_nominate)
        .post("/talent/selections/{id}/advance", Need::Perm("talent.programmes"), selection_advance)
        .post("/talent/selections/{id}/score", Need::Perm("talent.programmes"), selection_score)
        .post("/talent/selections/{id}/decide", Need::Perm("talent.programmes"), selection_decide)
        // The exam import matches full ID numbers against the register, so it would tell anyone
        // which of the ~16,600 numbers a mask leaves is the real one: it needs the reveal right
        // (and `talent.write`, checked by the handlers).
        .get("/talent/exams", Need::Perm("talent.pii_reveal"), exams_form)
        .post("/talent/exams", Need::Perm("talent.pii_reveal"), exams_preview)
        .post("/talent/exams/commit", Need::Perm("talent.pii_reveal"), exams_commit)
        .get("/talent/exams/template.xlsx", Need::Perm("talent.pii_reveal"), exams_template)
        .get("/api/v1/talent/figures", Need::Perm("talent.read"), figures_api)
}

#[derive(Template)]
#[template(path = "talent/workers.html")]
struct WorkerList {
    c: PageCtx,
    p: PageParams,
    f: store::WorkerFilter,
    page: Page<store::WorkerRow>,
    extra: String,
}

async fn worker_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<store::WorkerFilter>,
) -> AppResult<Response> {
    let page = store::workers(&st.db.conn, &auth.scope, &f, &p).await?;
    let extra = serde_urlencoded::to_string([("level", f.level.as_str()), ("exam_year", f.exam_year.as_str())])
        .unwrap_or_default();
    render(&WorkerList { c, p, f, page, extra })
}

#[derive(Template)]
#[template(path = "talent/worker_form.html")]
struct WorkerFormPage {
    c: PageCtx,
    /// Set when editing.
    id: Option<i64>,
    f: crate::talent::model::WorkerForm,
    errors: FormErrors,
    units: Vec<crate::units::UnitOption>,
    agencies: Vec<store::AgencyOption>,
}

impl WorkerFormPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn worker_new(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let units = crate::units::options(&st.db.conn, &auth.scope).await?;
    let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
    let f = crate::talent::model::WorkerForm { unit_id: auth.unit_id.to_string(), ..Default::default() };
    render(&WorkerFormPage { c, id: None, f, errors: FormErrors::default(), units, agencies })
}

async fn worker_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<crate::talent::model::WorkerForm>,
) -> AppResult<Response> {
    let mut errs = crate::platform::web::Problems::default();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if crate::units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
        }
        // Checked only for an otherwise valid form, so that testing candidate numbers costs a
        // real (audited) registration for every miss.
        if errs.is_empty() && store::id_number_taken(&st.db.conn, &i.id_number).await? {
            // One answer for every clash, inside the caller's scope or not; the attempt is kept
            // (without the number) so that the Bureau can see someone probing the register.
            errs.push(("id_number", "workers.error.id_taken", String::new()));
            let tx = st.db.write().await?;
            audit::record(
                &*tx,
                &Actor::user(&auth, &c.ip),
                Event::new("id_number_clash", "social_worker", "")
                    .unit(auth.unit_id)
                    .after(&serde_json::json!({"unit": i.unit_id})),
            )
            .await?;
            tx.commit().await?;
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_problems(&c, errs);
        let units = crate::units::options(&st.db.conn, &auth.scope).await?;
        let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
        // The ID number is never sent back to the browser.
        let f = crate::talent::model::WorkerForm { id_number: String::new(), phone: String::new(), ..f };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WorkerFormPage { c, id: None, f, errors, units, agencies },
        );
    };
    let tx = st.db.write().await?;
    if once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        return Ok(see_other("/talent/workers"));
    }
    let id = store::insert_worker(&*tx, &input, Some(auth.id)).await?;
    // The input serialises masked (ID number, phone, year of birth only): the log is read by
    // auditors who may not see them.
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "social_worker", id).unit(input.unit_id).after(&input),
    )
    .await?;
    once::complete(&*tx, &f.nonce, &format!("/talent/workers/{id}")).await?;
    set_flash(&*tx, auth.session_id, Some("workers.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/workers/{id}")))
}

#[derive(Template)]
#[template(path = "talent/worker.html")]
struct WorkerPage {
    c: PageCtx,
    w: store::WorkerRow,
    history: Vec<store::QualificationRow>,
}

async fn worker_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let w = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let history = store::qualifications_of(&st.db.conn, id).await?;
    render(&WorkerPage { c, w, history })
}

#[derive(Template)]
#[template(path = "talent/revealed.html")]
struct Revealed {
    c: PageCtx,
    id_number: String,
    phone: String,
}

/// Shows one worker's full ID number and phone; every reveal is an audit event.
async fn worker_reveal(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let w = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("reveal", "social_worker", id)
            .unit(w.unit_id)
            .after(&serde_json::json!({"fields": ["id_number", "phone"]})),
    )
    .await?;
    tx.commit().await?;
    render(&Revealed { c, id_number: w.id_number.clone(), phone: w.phone.clone().unwrap_or_default() })
}

#[derive(Template)]
#[template(path = "talent/figures.html")]
struct FiguresPage {
    c: PageCtx,
    year: i32,
    fig: store::TalentFigures,
    chart: crate::platform::chart::BarChart,
}

async fn figures_page(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let (year, _, _) = period(&q);
    let fig = store::figures(&st.db.conn, &auth.scope, year).await?;
    let rows: Vec<crate::platform::chart::BarRow> = [
        ("workers.level.assistant", fig.assistant),
        ("workers.level.social_worker", fig.social_worker),
        ("workers.level.senior", fig.senior),
    ]
    .iter()
    .map(|(k, v)| crate::platform::chart::BarRow {
        label: c.t(k).to_string(),
        values: vec![*v as f64],
        texts: vec![v.to_string()],
    })
    .collect();
    let max = rows.iter().flat_map(|r| r.values.iter()).fold(1.0f64, |a, b| a.max(*b));
    let chart = crate::platform::chart::BarChart::horizontal(c.t("workers.chart"), &[c.t("workers.count")], &rows, max);
    render(&FiguresPage { c, year, fig, chart })
}

/// Social workers in the caller's scope by highest qualification, and the year's exam passes.
#[utoipa::path(get, path = "/api/v1/talent/figures", tag = "talent", params(YearQuery),
    responses((status = 200, body = store::TalentFigures), (status = 403, body = crate::platform::api::ApiError)), security(("bearer" = [])))]
pub async fn figures_api(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<store::TalentFigures>> {
    let (year, _, _) = period(&q);
    Ok(Json(store::figures(&st.db.conn, &auth.scope, year).await?))
}

/// The register as xlsx: ID numbers and phones masked unless the role may reveal them, and the
/// year of birth, never the date (a full number carries it; beside a mask it would rebuild the
/// number); every export is audited with what it contained.
async fn workers_export(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(f): Query<store::WorkerFilter>,
) -> AppResult<Response> {
    use crate::platform::xlsx::{Cell, ColKind, Column};
    const COLUMNS: &[Column] = &[
        Column { key: "name", zh: "姓名", en: "Name", kind: ColKind::Text, required: true },
        Column { key: "id_number", zh: "公民身份号码", en: "ID number", kind: ColKind::Code, required: true },
        Column { key: "gender", zh: "性别", en: "Gender", kind: ColKind::Text, required: true },
        Column { key: "birth_year", zh: "出生年份", en: "Year of birth", kind: ColKind::Integer, required: true },
        Column { key: "phone", zh: "手机号", en: "Phone", kind: ColKind::Code, required: false },
        Column { key: "unit", zh: "单位", en: "Unit", kind: ColKind::Text, required: true },
        Column {
            key: "level", zh: "最高职业资格", en: "Highest qualification", kind: ColKind::Text, required: false
        },
        Column { key: "exam_year", zh: "考试年度", en: "Exam year", kind: ColKind::Integer, required: false },
    ];
    let full = auth.can("talent.pii_reveal");
    let mut p = PageParams { per_page: Some(200), ..PageParams::default() };
    let mut rows = Vec::new();
    loop {
        let page = store::workers(&st.db.conn, &auth.scope, &f, &p).await?;
        let done = !page.has_next();
        rows.extend(page.items);
        if done {
            break;
        }
        p.page = Some(p.page() + 1);
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|w| {
            vec![
                Cell::Text(w.name.clone()),
                Cell::Text(if full { w.id_number.clone() } else { w.id_masked() }),
                Cell::Text(c.t(w.gender_key().as_str()).to_string()),
                Cell::Int(i64::from(w.birth_year())),
                Cell::Text(if full { w.phone.clone().unwrap_or_default() } else { w.phone_masked() }),
                Cell::Text(w.unit_name.clone()),
                Cell::Text(c.t(w.level_key().as_str()).to_string()),
                w.exam_year.map(|y| Cell::Int(i64::from(y))).unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    let bytes = crate::platform::xlsx::write(COLUMNS, &cells)?;
    let tx = st.db.write().await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("export", "social_worker", "xlsx")
            .unit(auth.unit_id)
            .after(&serde_json::json!({"rows": rows.len(), "pii": if full { "full" } else { "masked" }})),
    )
    .await?;
    tx.commit().await?;
    Ok(download(bytes, &format!("{}.xlsx", c.t("workers.title")), XLSX_TYPE))
}

#[derive(Template)]
#[template(path = "talent/exams.html")]
struct ExamsPage {
    c: PageCtx,
    preview: Option<crate::talent::import::ExamPreview>,
    token: String,
    error_list: crate::platform::import::ErrorList,
}

impl ExamsPage {
    /// Preview rows shown on the page (the counts above cover all of them).
    fn shown_rows(&self) -> usize {
        crate::platform::import::SHOWN_ERRORS
    }
    fn outcome_key(&self, o: &&str) -> String {
        format!("exams.outcome.{o}")
    }
    fn level_key(&self, l: &str) -> String {
        format!("workers.level.{l}")
    }
}

async fn exams_template() -> AppResult<Response> {
    let bytes = crate::platform::xlsx::template(crate::talent::import::COLUMNS)?;
    Ok(download(bytes, "exam-results-template.xlsx", XLSX_TYPE))
}

async fn exams_form(c: PageCtx, auth: Auth) -> AppResult<Response> {
    if !auth.can("talent.write") {
        return Err(AppError::Forbidden);
    }
    render(&ExamsPage { c, preview: None, token: String::new(), error_list: Default::default() })
}

fn upload_path(data_dir: &str, token: &str) -> std::path::PathBuf {
    std::path::Path::new(data_dir).join("imports").join(format!("{token}.xlsx"))
}

/// Checks the file and shows what it would do; the upload is kept for the commit step.
async fn exams_preview(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    mp: axum::extract::Multipart,
) -> AppResult<Response> {
    if !auth.can("talent.write") {
        return Err(AppError::Forbidden);
    }
    let bytes = match crate::platform::web::read_upload(mp).await {
        Ok(Some(b)) => b,
        Ok(None) => return Err(AppError::BadRequest("import.error.no_file".into())),
        Err(k) => return Err(AppError::BadRequest(k.into())),
    };
    let preview = crate::talent::import::preview(&st.db, &auth.scope, &bytes).await?;
    let token = if preview.errors.is_empty() {
        let token = crate::platform::web::random_token(16)?;
        let path = upload_path(&st.config.data_dir, &token);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(e.into()))?;
        }
        tokio::fs::write(&path, &bytes).await.map_err(|e| AppError::Internal(e.into()))?;
        token
    } else {
        String::new()
    };
    let status = if preview.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let error_list =
        crate::platform::web::error_list(&c, &st.config.data_dir, &preview.errors, crate::talent::import::COLUMNS)
            .await;
    render_status(status, &ExamsPage { c, preview: Some(preview), token, error_list })
}

#[derive(Deserialize)]
struct CommitForm {
    #[serde(default)]
    token: String,
}

async fn exams_commit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<CommitForm>,
) -> AppResult<Response> {
    if !auth.can("talent.write") {
        return Err(AppError::Forbidden);
    }
    if f.token.len() != 32 || !f.token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest("error.bad_request".into()));
    }
    let path = upload_path(&st.config.data_dir, &f.token);
    let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::NotFound)?;
    // Matched again at commit time: the register may have changed since the preview.
    let preview = crate::talent::import::preview(&st.db, &auth.scope, &bytes).await?;
    if !preview.errors.is_empty() {
        return Err(AppError::BadRequest("import.error.unreadable".into()));
    }
    let n = crate::talent::import::commit(&st.db, &Actor::user(&auth, &c.ip), &preview).await?;
    let _ = tokio::fs::remove_file(&path).await;
    set_flash(&st.db.conn, auth.session_id, Some("exams.saved")).await?;
    let _ = n;
    Ok(see_other("/talent/workers"))
}

use crate::talent::selections as sel;

#[derive(Template)]
#[template(path = "talent/selections.html")]
struct SelectionsPage {
    c: PageCtx,
    rows: Vec<sel::ProgrammeRow>,
    error: String,
}

async fn selections_list(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    render(&SelectionsPage { c, rows: sel::programmes(&st.db.conn).await?, error: String::new() })
}

#[derive(Deserialize)]
struct ProgrammeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    quota: String,
}

async fn selection_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<ProgrammeForm>,
) -> AppResult<Response> {
    let title = f.title.trim().to_string();
    let edition = f.edition.trim().parse::<i32>().ok().filter(|e| (1..=100).contains(e));
    let year = f.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    let quota = f.quota.trim().parse::<i32>().ok().filter(|q| (1..=1000).contains(q));
    let level_ok = crate::events::model::HONOUR_LEVELS.contains(&f.level.as_str());
    let (Some(edition), Some(year), Some(quota), true, true) =
        (edition, year, quota, level_ok, (2..=200).contains(&title.chars().count()))
    else {
        let error = c.t("selections.error.form").to_string();
        let rows = sel::programmes(&st.db.conn).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &SelectionsPage { c, rows, error });
    };
    let tx = st.db.write().await?;
    let id = sel::insert_programme(&*tx, auth.unit_id, &title, &f.level, edition, year, quota, "open", Some(auth.id))
        .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "programme", id).unit(auth.unit_id).after(
            &serde_json::json!({"title": title, "level": f.level, "edition": edition, "year": year, "quota": quota}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/selections/{id}")))
}

#[derive(Template)]
#[template(path = "talent/selection.html")]
struct SelectionPage {
    c: PageCtx,
    p: sel::ProgrammeRow,
    nominations: Vec<sel::NominationRow>,
    workers: Vec<store::WorkerRow>,
    my_unit: i64,
}

async fn selection_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let p = sel::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let nominations = sel::nominations(&st.db.conn, &auth.scope, id).await?;
    let workers = if p.status == "open" && auth.can("talent.write") {
        store::workers(
            &st.db.conn,
            &auth.scope,
            &store::WorkerFilter::default(),
            &PageParams { per_page: Some(200), ..PageParams::default() },
        )
        .await?
        .items
    } else {
        vec![]
    };
    render(&SelectionPage { c, p, nominations, workers, my_unit: auth.unit_id })
}

#[derive(Deserialize)]
struct NominateForm {
    #[serde(default)]
    worker_id: String,
    #[serde(default)]
    reason: String,
}

/// A unit nominates one of its social workers while the programme is open.
async fn selection_nominate(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(f): Form<NominateForm>,
) -> AppResult<Response> {
    let p = sel::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    if p.status != "open" {
        return Err(AppError::BadRequest("selections.error.not_open".into()));
    }
    let wid = f.worker_id.trim().parse::<i64>().map_err(|_| AppError::BadRequest("error.bad_request".into()))?;
    let w = store::worker(&st.db.conn, &auth.scope, wid).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    if sel::already_nominated(&*tx, id, wid).await? {
        return Err(AppError::Conflict("selections.error.twice".into()));
    }
    let nid = sel::nominate(&*tx, id, wid, auth.unit_id, f.reason.trim(), Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("nominate", "programme", id)
            .unit(w.unit_id)
            .after(&serde_json::json!({"nomination": nid, "worker": wid})),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/selections/{id}")))
}

#[derive(Deserialize)]
struct AdvanceForm {
    to: String,
    version: i32,
}

/// open → review (nominations close); decided → published (winners enter the honours register).
async fn selection_advance(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(f): Form<AdvanceForm>,
) -> AppResult<Response> {
    let p = sel::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let from = match f.to.as_str() {
        "review" => "open",
        "published" => "decided",
        _ => return Err(AppError::BadRequest("selections.error.step".into())),
    };
    let tx = st.db.write().await?;
    if !sel::advance(&*tx, id, from, &f.to, f.version).await? {
        return Err(AppError::BadRequest("selections.error.step".into()));
    }
    if f.to == "published" {
        for n in sel::nominations(&*tx, &auth.scope, id).await?.into_iter().filter(|n| n.status == "selected") {
            let honour = crate::events::model::HonourInput {
                unit_id: n.worker_unit_id,
                title: p.title.clone(),
                level: p.level.clone(),
                year: p.year,
                awardee_kind: "person".into(),
                awardee_name: n.worker_name.clone(),
                awarding_body: String::new(),
            };
            crate::events::insert_honour(&*tx, &honour, None, Some(auth.id)).await?;
        }
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("advance", "programme", id)
            .unit(p.unit_id)
            .before(&serde_json::json!({"status": p.status}))
            .after(&serde_json::json!({"status": f.to})),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/selections/{id}")))
}

/// Scores of one reviewer: `score_<nomination id>` fields, 0–100. A nominee put forward by the
/// reviewer's own unit cannot be scored by them.
async fn selection_score(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = sel::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    if p.status != "review" {
        return Err(AppError::BadRequest("selections.error.not_review".into()));
    }
    let noms = sel::nominations(&st.db.conn, &auth.scope, id).await?;
    let mut scores = Vec::new();
    for (k, v) in &pairs {
        let Some(nid) = k.strip_prefix("score_").and_then(|n| n.parse::<i64>().ok()) else { continue };
        if v.trim().is_empty() {
            continue;
        }
        let n = noms.iter().find(|n| n.id == nid).ok_or_else(|| AppError::BadRequest("error.bad_request".into()))?;
        if n.nominating_unit_id == auth.unit_id {
            return Err(AppError::BadRequest("selections.error.own_unit".into()));
        }
        let s = v
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|s| (0..=100).contains(s))
            .ok_or_else(|| AppError::BadRequest("selections.error.score".into()))?;
        scores.push((nid, s));
    }
    let tx = st.db.write().await?;
    for (nid, s) in &scores {
        sel::score(&*tx, *nid, auth.id, *s).await?;
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("score", "programme", id).unit(p.unit_id).after(&serde_json::json!({"scores": scores})),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/selections/{id}")))
}

/// The decision: the chosen nominations, never more than the quota.
async fn selection_decide(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = sel::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let version: i32 = pairs.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let noms = sel::nominations(&st.db.conn, &auth.scope, id).await?;
    let mut chosen: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "select")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|i| noms.iter().any(|n| n.id == *i))
        .collect();
    chosen.sort();
    chosen.dedup();
    if chosen.len() as i32 > p.quota {
        return Err(AppError::BadRequest("selections.error.quota".into()));
    }
    let tx = st.db.write().await?;
    if !sel::advance(&*tx, id, "review", "decided", version).await? {
        return Err(AppError::BadRequest("selections.error.step".into()));
    }
    sel::set_selected(&*tx, id, &chosen).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("decide", "programme", id).unit(p.unit_id).after(&serde_json::json!({"selected": chosen})),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/selections/{id}")))
}

async fn worker_edit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let w = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    let units = crate::units::options(&st.db.conn, &auth.scope).await?;
    let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
    let f = crate::talent::model::WorkerForm {
        name: w.name.clone(),
        gender: w.gender.clone(),
        unit_id: w.unit_id.to_string(),
        education: w.education.clone(),
        employer_org_id: w.employer_org_id.map(|e| e.to_string()).unwrap_or_default(),
        version: w.version.to_string(),
        ..Default::default()
    };
    render(&WorkerFormPage { c, id: Some(id), f, errors: FormErrors::default(), units, agencies })
}

/// Edits a worker's profile. The ID number (and with it gender and birth date) stays as
/// registered; an empty phone keeps the number on record.
async fn worker_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(mut f): Form<crate::talent::model::WorkerForm>,
) -> AppResult<Response> {
    let old = store::worker(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?;
    f.id_number = old.id_number.clone();
    f.gender = old.gender.clone();
    if f.phone.trim().is_empty() {
        f.phone = old.phone.clone().unwrap_or_default();
    }
    f.level.clear();
    let version: i32 = f.version.trim().parse().map_err(|_| AppError::BadRequest("error.bad_request".into()))?;
    let mut errs = crate::platform::web::Problems::default();
    let input = match f.validate(today()) {
        Ok(i) => Some(i),
        Err(e) => {
            errs = e;
            None
        }
    };
    if let Some(i) = &input {
        if crate::units::get_scoped(&st.db.conn, &auth.scope, i.unit_id).await?.is_none() {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
        }
    }
    let Some(input) = input.filter(|_| errs.is_empty()) else {
        let mut errors = FormErrors::default();
        for (field, key, _) in errs {
            errors.add(field, c.t(key));
        }
        let units = crate::units::options(&st.db.conn, &auth.scope).await?;
        let agencies = store::agencies(&st.db.conn, &auth.scope).await?;
        let f = crate::talent::model::WorkerForm { id_number: String::new(), phone: String::new(), ..f };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WorkerFormPage { c, id: Some(id), f, errors, units, agencies },
        );
    };
    let tx = st.db.write().await?;
    if !store::update_worker(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    let masked = |w: &store::WorkerRow| serde_json::json!({"name": w.name, "unit": w.unit_id, "education": w.education, "employer": w.employer_org_id, "phone": w.phone_masked()});
    let after = serde_json::json!({"name": input.name, "unit": input.unit_id, "education": input.education, "employer": input.employer_org_id, "phone": input.phone.as_deref().map(crate::platform::pii::phone_masked)});
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "social_worker", id).unit(input.unit_id).before(&masked(&old)).after(&after),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("workers.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/workers/{id}")))
}

/// The talent figures of a year as xlsx (indicator, value), for the caller's scope, with the fund.
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
    let (year, from, to) = period(&q);
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
            Cell::Text(format!("{title}（{}）", c.t(format!("honours.level.{level}").as_str()))),
            Cell::Int(*n),
        ]);
    }
    for (key, fen) in [("fund.in", fund.in_fen), ("fund.out", fund.out_fen), ("fund.closing", fund.closing_fen)] {
        rows.push(vec![Cell::Text(format!("{}（{}）", c.t(key), c.t("fund.fen"))), Cell::Int(fen)]);
    }
    let bytes = crate::platform::xlsx::write(COLUMNS, &rows)?;
    Ok(download(bytes, &format!("{}{year}.xlsx", c.t("workers.figures")), XLSX_TYPE))
}
