//! Selections and awards (评选表彰): programme → nominations → review with scores → decision
//! within the quota → publication, when the winners enter the honours register. A reviewer
//! never scores a nominee put forward by their own unit.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::PageParams;
use crate::platform::web::{render, render_status, see_other, PageCtx};
use crate::platform::AppState;
use crate::talent::model::ProgrammeForm;
use crate::talent::store::{self};

pub fn routes() -> Routes {
    Routes::new()
        .get("/talent/selections", Need::Perm("talent.read"), selections_list)
        .post("/talent/selections", Need::Perm("talent.programmes"), selection_create)
        .with("id", &crate::talent::PROGRAMME)
        .get("/talent/selections/{id}", Need::Perm("talent.read"), selection_detail)
        .post("/talent/selections/{id}/nominate", Need::Perm("talent.write"), selection_nominate)
        .post("/talent/selections/{id}/advance", Need::Perm("talent.programmes"), selection_advance)
        .post("/talent/selections/{id}/score", Need::Perm("talent.programmes"), selection_score)
        .post("/talent/selections/{id}/decide", Need::Perm("talent.programmes"), selection_decide)
}

#[derive(Template)]
#[template(path = "talent/selections.html")]
struct SelectionsPage {
    c: PageCtx,
    rows: Vec<store::ProgrammeRow>,
    error: String,
}

async fn selections_list(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    render(&SelectionsPage { c, rows: store::programmes(&st.db.conn).await?, error: String::new() })
}

async fn selection_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<ProgrammeForm>,
) -> AppResult<Response> {
    let Some(p) = f.validate() else {
        let error = c.t("selections.error.form").to_string();
        let rows = store::programmes(&st.db.conn).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &SelectionsPage { c, rows, error });
    };
    let tx = st.db.write().await?;
    let id = store::insert_programme(
        &*tx,
        auth.unit_id,
        &p.title,
        &p.level,
        p.edition,
        p.year,
        p.quota,
        "open",
        Some(auth.id),
    )
    .await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "programme", id).unit(auth.unit_id).after(
            &serde_json::json!({"title": p.title, "level": p.level, "edition": p.edition, "year": p.year, "quota": p.quota}),
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
    p: store::ProgrammeRow,
    nominations: Vec<store::NominationRow>,
    workers: Vec<store::WorkerRow>,
    my_unit: i64,
}

async fn selection_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = store::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let nominations = store::nominations(&st.db.conn, &auth.scope, id).await?;
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
    Path(id): Path<i64>,
    Form(f): Form<NominateForm>,
) -> AppResult<Response> {
    let p = store::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    if p.status != "open" {
        return Err(AppError::BadRequest("selections.error.not_open".into()));
    }
    let wid = f.worker_id.trim().parse::<i64>().map_err(|_| AppError::BadRequest("error.bad_request".into()))?;
    let w = store::worker(&st.db.conn, &auth.scope, wid).await?.ok_or(AppError::NotFound)?;
    let tx = st.db.write().await?;
    if store::already_nominated(&*tx, id, wid).await? {
        return Err(AppError::Conflict("selections.error.twice".into()));
    }
    let nid = store::nominate(&*tx, id, wid, auth.unit_id, f.reason.trim(), Some(auth.id)).await?;
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
    Path(id): Path<i64>,
    Form(f): Form<AdvanceForm>,
) -> AppResult<Response> {
    let p = store::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let from = match f.to.as_str() {
        "review" => "open",
        "published" => "decided",
        _ => return Err(AppError::BadRequest("selections.error.step".into())),
    };
    let tx = st.db.write().await?;
    if !store::advance(&*tx, id, from, &f.to, f.version).await? {
        return Err(AppError::BadRequest("selections.error.step".into()));
    }
    if f.to == "published" {
        for n in store::nominations(&*tx, &auth.scope, id).await?.into_iter().filter(|n| n.status == "selected") {
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
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = store::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    if p.status != "review" {
        return Err(AppError::BadRequest("selections.error.not_review".into()));
    }
    let noms = store::nominations(&st.db.conn, &auth.scope, id).await?;
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
        store::score(&*tx, *nid, auth.id, *s).await?;
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
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = store::programme(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let version: i32 = pairs.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let noms = store::nominations(&st.db.conn, &auth.scope, id).await?;
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
    if !store::advance(&*tx, id, "review", "decided", version).await? {
        return Err(AppError::BadRequest("selections.error.step".into()));
    }
    store::set_selected(&*tx, id, &chosen).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("decide", "programme", id).unit(p.unit_id).after(&serde_json::json!({"selected": chosen})),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/talent/selections/{id}")))
}
