//! The service-list guideline (服务清单指引) as managed data: categories and their items,
//! versioned by year. A year's guideline is started by copying the previous one; an entry that a
//! project uses cannot be deleted.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::set_flash;
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::services::store::{self, CategoryRow};

use super::this_year;

pub fn routes() -> Routes {
    Routes::new()
        .get("/services/guideline", Need::Perm("services.read"), page)
        .post("/services/guideline", Need::Perm("services.guideline"), add)
        .post("/services/guideline/copy", Need::Perm("services.guideline"), copy)
        .with("id", &crate::services::CATEGORY)
        .post("/services/guideline/{id}/delete", Need::Perm("services.guideline"), delete)
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Template)]
#[template(path = "services/guideline.html")]
struct GuidelinePage {
    c: PageCtx,
    year: i32,
    years: Vec<i32>,
    rows: Vec<CategoryRow>,
    f: CategoryForm,
    errors: FormErrors,
}

fn year_of(s: &str) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=this_year() + 1).contains(y))
}

async fn build(st: &AppState, c: PageCtx, year: i32, f: CategoryForm, errors: FormErrors) -> AppResult<GuidelinePage> {
    let rows = store::guideline(&st.db.conn, year).await?;
    let years = store::guideline_years(&st.db.conn).await?;
    Ok(GuidelinePage { c, year, years, rows, f, errors })
}

async fn page(State(st): State<AppState>, c: PageCtx, Query(q): Query<YearQuery>) -> AppResult<Response> {
    let year = match year_of(&q.year) {
        Some(y) => y,
        None => store::guideline_years(&st.db.conn).await?.first().copied().unwrap_or_else(this_year),
    };
    let f = CategoryForm { year: year.to_string(), ..CategoryForm::default() };
    render(&build(&st, c, year, f, FormErrors::default()).await?)
}

/// Codes are short: letters, digits, dots and dashes (e.g. "A", "A.1").
fn valid_code(s: &str) -> bool {
    (1..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

async fn add(State(st): State<AppState>, c: PageCtx, auth: Auth, Form(f): Form<CategoryForm>) -> AppResult<Response> {
    let mut errs: Vec<(&'static str, &'static str)> = Vec::new();
    let year = year_of(&f.year);
    if year.is_none() {
        errs.push(("year", "services.error.year"));
    }
    let code = f.code.trim().to_uppercase();
    if !valid_code(&code) {
        errs.push(("code", "guideline.error.code"));
    }
    let name = f.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 60 {
        errs.push(("name", "guideline.error.name"));
    }
    let parent = match f.parent_id.trim() {
        "" => None,
        s => match s.parse::<i64>().ok() {
            Some(id) => match store::category(&st.db.conn, id).await? {
                // Two levels only: categories and their items.
                Some(k) if Some(k.year) == year && k.parent_id.is_none() => Some(k.id),
                _ => {
                    errs.push(("parent_id", "guideline.error.parent"));
                    None
                }
            },
            None => {
                errs.push(("parent_id", "guideline.error.parent"));
                None
            }
        },
    };
    if let Some(y) = year {
        if errs.is_empty() && store::category_code_taken(&st.db.conn, y, &code).await? {
            errs.push(("code", "guideline.error.code_taken"));
        }
    }
    let Some(year) = year.filter(|_| errs.is_empty()) else {
        let errors = FormErrors::from_keys(&c, errs);
        let y = year.unwrap_or_else(this_year);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &build(&st, c, y, f, errors).await?);
    };
    let tx = st.db.write().await?;
    let order = store::guideline(&*tx, year).await?.len() as i32 + 1;
    let name_en: String = f.name_en.trim().chars().take(100).collect();
    let description: String = f.description.trim().chars().take(1000).collect();
    let id = store::insert_category(&*tx, year, parent, &code, &name, &name_en, &description, order).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "service_category", id).after(&serde_json::json!({
            "year": year, "parent_id": parent, "code": code, "name": name, "name_en": name_en, "description": description
        })),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/guideline?year={year}")))
}

#[derive(Deserialize)]
struct CopyForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn copy(State(st): State<AppState>, c: PageCtx, auth: Auth, Form(f): Form<CopyForm>) -> AppResult<Response> {
    let (Some(from), Some(to)) = (year_of(&f.from), year_of(&f.to)) else {
        return Err(AppError::BadRequest("services.error.year".into()));
    };
    let tx = st.db.write().await?;
    if !store::guideline(&*tx, to).await?.is_empty() {
        return Err(AppError::Conflict("guideline.error.year_exists".into()));
    }
    let n = store::copy_guideline(&*tx, from, to).await?;
    if n == 0 {
        return Err(AppError::BadRequest("guideline.error.empty_source".into()));
    }
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("copy", "service_guideline", to).after(&serde_json::json!({"from": from, "to": to, "rows": n})),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("services.saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/guideline?year={to}")))
}

async fn delete(State(st): State<AppState>, c: PageCtx, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let tx = st.db.write().await?;
    let k = store::category(&*tx, id).await?.ok_or(AppError::NotFound)?;
    if !store::delete_category(&*tx, id).await? {
        return Err(AppError::Conflict("guideline.error.in_use".into()));
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("delete", "service_category", id).before(&k)).await?;
    set_flash(&*tx, auth.session_id, Some("services.deleted")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/services/guideline?year={}", k.year)))
}
