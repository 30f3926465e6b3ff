//! A volunteer asks, from `/me`, for a wrong service record to be corrected (minutes, persons
//! served, why); the request waits for the coordinator's decision on the record's page
//! (`records.rs`), and both are kept.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;

use crate::platform::access::{Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{render, render_status, see_other, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::volunteers::model::CorrectionForm;
use crate::volunteers::routes::public::me_volunteer;
use crate::volunteers::store::{self, CorrectionRow, NewCorrection, RecordRow};

pub fn routes() -> Routes {
    Routes::new()
        .with("record", &crate::volunteers::OWN_RECORD)
        .get("/me/records/{record}/correction", Need::Public, correction_form)
        .post("/me/records/{record}/correction", Need::Public, correction_request)
}

#[derive(Template)]
#[template(path = "volunteers/correction.html")]
struct CorrectionPage {
    c: PageCtx,
    r: RecordRow,
    earlier: Vec<CorrectionRow>,
    f: CorrectionForm,
    errors: FormErrors,
    /// Set when a request is already waiting for a decision.
    waiting: bool,
}

/// The signed-in volunteer's own record (anything else is not found), and its corrections.
async fn own(st: &AppState, headers: &HeaderMap, id: i64) -> AppResult<Option<(i64, RecordRow, Vec<CorrectionRow>)>> {
    let Some(v) = me_volunteer(st, headers).await? else { return Ok(None) };
    let r = store::record_of_volunteer(&st.db.conn, v.id, id).await?.ok_or(AppError::NotFound)?;
    let earlier = store::corrections_of(&st.db.conn, id).await?;
    Ok(Some((v.id, r, earlier)))
}

async fn correction_form(
    State(st): State<AppState>,
    c: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let Some((_, r, earlier)) = own(&st, &headers, id).await? else { return Ok(see_other("/me")) };
    let f = CorrectionForm {
        minutes: r.minutes.to_string(),
        person_times: r.person_times.to_string(),
        reason: String::new(),
    };
    let waiting = earlier.iter().any(CorrectionRow::is_open);
    render(&CorrectionPage { c, r, earlier, f, errors: FormErrors::default(), waiting })
}

async fn correction_request(
    State(st): State<AppState>,
    c: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CorrectionForm>,
) -> AppResult<Response> {
    let Some((vid, r, earlier)) = own(&st, &headers, id).await? else { return Ok(see_other("/me")) };
    let waiting = earlier.iter().any(CorrectionRow::is_open);
    let (minutes, persons, reason) = match f.validate((r.minutes, r.person_times)) {
        Ok(i) if !waiting => i,
        Ok(_) => {
            return render_status(
                StatusCode::CONFLICT,
                &CorrectionPage { c, r, earlier, f, errors: FormErrors::default(), waiting },
            )
        }
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CorrectionPage { c, r, earlier, f, errors, waiting },
            );
        }
    };
    let n = NewCorrection {
        record_id: r.id,
        unit_id: r.unit_id,
        reason,
        proposed_minutes: minutes,
        proposed_person_times: persons,
    };
    let tx = st.db.write().await?;
    let Some(cid) = store::insert_correction(&*tx, &n).await? else {
        drop(tx);
        return Ok(see_other(&format!("/me/records/{id}/correction")));
    };
    audit::record(
        &*tx,
        &Actor { id: None, name: format!("volunteer:{vid}"), ip: c.ip.clone() },
        Event::new("request", "volunteer_correction", cid)
            .unit(r.unit_id)
            .before(&serde_json::json!({"record": r.id, "minutes": r.minutes, "person_times": r.person_times}))
            .after(&n),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/me/records/{id}/correction")))
}
