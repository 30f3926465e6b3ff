//! Cases (个案): the list, the overdue follow-ups, opening a case from a call or joining a call to
//! one, the case's page (assessment and plan, follow-ups, referrals, transfer, closure) and its
//! access log. Every read of a case is audited; a case in reach whose content the reader may not
//! read shows only that it exists.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use sea_orm::DatabaseTransaction;
use serde::Deserialize;

use crate::hotline::model::{
    referral_step, CaseTextForm, ReferralForm, CLOSURE_REASONS, REFERRAL_STATES, REFERRAL_TARGETS,
};
use crate::hotline::routes::calls::Withheld;
use crate::hotline::routes::{opened, reader};
use crate::hotline::store::{self, CaseFilter, CaseRow, CounsellorRow, FollowupRow, OverdueRow, ReferralRow};
use crate::platform::access::{Auth, Scope};
use crate::platform::audit::{self, Actor, AuditFilter, AuditRow, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::paging::{Page, PageParams};
use crate::platform::time::today;
use crate::platform::web::{render, render_status, see_other, set_flash, set_flash_with, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::units::UnitOption;

#[derive(Template)]
#[template(path = "hotline/cases.html")]
struct CaseList {
    c: PageCtx,
    p: PageParams,
    f: CaseFilter,
    page: Page<CaseRow>,
    withheld: i64,
    extra: String,
}

pub(super) async fn list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<CaseFilter>,
) -> AppResult<Response> {
    crate::platform::period::list_period(&f.period)?;
    let r = reader(&auth);
    let page = store::cases(&st.db.conn, &auth.scope, &r, &f, &p).await?;
    let withheld = store::cases_withheld(&st.db.conn, &auth.scope, &r, &f).await?;
    let extra = f.query();
    render(&CaseList { c, p, f, page, withheld, extra })
}

#[derive(Template)]
#[template(path = "hotline/overdue.html")]
struct OverdueList {
    c: PageCtx,
    p: PageParams,
    page: Page<OverdueRow>,
    extra: String,
}

pub(super) async fn overdue(State(st): State<AppState>, c: PageCtx, auth: Auth, p: PageParams) -> AppResult<Response> {
    let page = store::overdue_followups(&st.db.conn, &auth.scope, &reader(&auth), today(), &p).await?;
    render(&OverdueList { c, p, page, extra: String::new() })
}

/// The call's content must be the user's to read before a case is opened from it or it joins one;
/// a call in reach but not theirs to read answers as one out of reach (404), as writes do.
async fn readable_call(st: &AppState, auth: &Auth, id: i64) -> AppResult<store::CallRow> {
    match store::call(&st.db.conn, &auth.scope, &reader(auth), id).await? {
        Some(k) => Ok(k),
        None => Err(AppError::NotFound),
    }
}

/// The case with its content, or 404 when it is in reach but not the user's to read.
async fn readable_case(st: &AppState, auth: &Auth, id: i64) -> AppResult<CaseRow> {
    match store::case(&st.db.conn, &auth.scope, &reader(auth), id).await? {
        Some(k) => Ok(k),
        None => Err(AppError::NotFound),
    }
}

pub(super) async fn open_from_call(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let call = readable_call(&st, &auth, id).await?;
    if let Some(case) = call.case_id {
        return Ok(see_other(&format!("/hotline/cases/{case}")));
    }
    let tx = st.db.write().await?;
    let Some(case) = store::open_case_from_call(&*tx, id, auth.id, today(), "").await? else {
        drop(tx);
        return Ok(see_other(&format!("/hotline/calls/{id}")));
    };
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "hotline_case", case).unit(call.unit_id).after(
            &serde_json::json!({"call_id": id, "risk_level": call.risk_level, "counsellor_id": call.counsellor_id}),
        ),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("hotline.case_opened")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/cases/{case}")))
}

#[derive(Deserialize)]
pub(super) struct JoinForm {
    #[serde(default)]
    case_id: String,
}

pub(super) async fn join(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<JoinForm>,
) -> AppResult<Response> {
    readable_call(&st, &auth, id).await?;
    let back = format!("/hotline/calls/{id}");
    let Ok(case_id) = f.case_id.trim().parse::<i64>() else {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.no_case", &[]).await?;
        return Ok(see_other(&back));
    };
    // Only a case the user may read, and only an open one.
    let case = store::case(&st.db.conn, &auth.scope, &reader(&auth), case_id).await?;
    let Some(case) = case.filter(|k| k.status == "open") else {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.no_case", &[]).await?;
        return Ok(see_other(&back));
    };
    let tx = st.db.write().await?;
    if store::join_case(&*tx, id, case.id).await? {
        audit::record(
            &*tx,
            &Actor::user(&auth, &c.ip),
            Event::new("join", "hotline_case", case.id).unit(case.unit_id).after(&serde_json::json!({"call_id": id})),
        )
        .await?;
        set_flash(&*tx, auth.session_id, Some("hotline.call_joined")).await?;
    }
    tx.commit().await?;
    Ok(see_other(&back))
}

/// The forms of the case page as typed, kept when one is refused.
#[derive(Default)]
struct CaseForms {
    text: CaseTextForm,
    referral: ReferralForm,
    close_reason: String,
    close_note: String,
}

#[derive(Template)]
#[template(path = "hotline/case.html")]
struct CasePage {
    c: PageCtx,
    k: CaseRow,
    assessment: Option<String>,
    plan: Option<String>,
    closure_note: Option<String>,
    followups: Vec<(FollowupRow, Option<String>)>,
    referrals: Vec<(ReferralRow, Option<String>)>,
    calls: Vec<store::CaseCall>,
    counsellors: Vec<CounsellorRow>,
    stations: Vec<UnitOption>,
    forms: CaseForms,
    errors: FormErrors,
    can_write: bool,
    can_see_log: bool,
    today: chrono::NaiveDate,
    targets: [&'static str; 4],
    reasons: [&'static str; 5],
    states: [&'static str; 4],
}

impl CasePage {
    /// The states a referral may move to from its own.
    fn next_states(&self, from: &str) -> Vec<&'static str> {
        self.states.iter().copied().filter(|to| referral_step(from, to)).collect()
    }
}

/// May see the case's access log: its supervisor, or a holder of the explicit grant.
fn sees_log(auth: &Auth, k: &CaseRow) -> bool {
    k.supervisor_id == Some(auth.id) || auth.can("hotline.content")
}

async fn case_page(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    k: CaseRow,
    forms: CaseForms,
    errors: FormErrors,
) -> AppResult<CasePage> {
    let conn = &st.db.conn;
    let followups = store::followups(conn, k.id)
        .await?
        .into_iter()
        .map(|f| {
            let note = opened(store::FOLLOWUP_NOTE, &f.note_cipher);
            (f, note)
        })
        .collect();
    let referrals = store::referrals(conn, k.id)
        .await?
        .into_iter()
        .map(|r| {
            let reason = opened(store::REFERRAL_REASON, &r.reason_cipher);
            (r, reason)
        })
        .collect();
    let calls = store::case_calls(conn, k.id).await?;
    let counsellors = store::active_counsellors(conn)
        .await?
        .into_iter()
        .filter(|r| r.user_id.is_some_and(|u| u != k.counsellor_id))
        .collect();
    let stations = crate::units::options(conn, &Scope::all()).await?.into_iter().filter(|u| u.depth <= 1).collect();
    Ok(CasePage {
        assessment: opened(store::CASE_ASSESSMENT, &k.assessment_cipher),
        plan: opened(store::CASE_PLAN, &k.plan_cipher),
        closure_note: opened(store::CASE_CLOSURE, &k.closure_note_cipher),
        can_write: auth.can("hotline.case_write") && k.status == "open",
        can_see_log: sees_log(auth, &k),
        c,
        k,
        followups,
        referrals,
        calls,
        counsellors,
        stations,
        forms,
        errors,
        today: today(),
        targets: REFERRAL_TARGETS,
        reasons: CLOSURE_REASONS,
        states: REFERRAL_STATES,
    })
}

fn withheld_case(c: PageCtx, s: &store::CaseStub) -> AppResult<Response> {
    let title = c.tf("hotline.case_no", &[("id", s.id.to_string().as_str())]);
    let page =
        Withheld { c, title, back: "/hotline/cases", back_label: "hotline.cases_title", when: s.opened_on.to_string() };
    render_status(StatusCode::FORBIDDEN, &page)
}

pub(super) async fn detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let found = store::case(&st.db.conn, &auth.scope, &reader(&auth), id).await?;
    let stub = match &found {
        Some(_) => None,
        None => Some(store::case_stub(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?),
    };
    let (unit, action) = match (&found, &stub) {
        (Some(k), _) => (k.unit_id, "read"),
        (None, Some(s)) => (s.unit_id, "read_withheld"),
        (None, None) => return Err(AppError::NotFound),
    };
    // The read is audited (who, which case; never its text) before anything is shown.
    let tx = st.db.write().await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new(action, "hotline_case", id).unit(unit)).await?;
    tx.commit().await?;
    match (found, stub) {
        (Some(k), _) => {
            let forms = CaseForms { text: text_form(&k), ..CaseForms::default() };
            render(&case_page(&st, c, &auth, k, forms, FormErrors::default()).await?)
        }
        (None, Some(s)) => withheld_case(c, &s),
        (None, None) => Err(AppError::NotFound),
    }
}

async fn refused(
    st: &AppState,
    c: PageCtx,
    auth: &Auth,
    k: CaseRow,
    forms: CaseForms,
    errors: FormErrors,
) -> AppResult<Response> {
    let page = case_page(st, c, auth, k, forms, errors).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// A case the user may read that is still open: a closed case refuses every change.
async fn open_case(st: &AppState, auth: &Auth, id: i64) -> AppResult<CaseRow> {
    let k = readable_case(st, auth, id).await?;
    if k.status != "open" {
        return Err(AppError::Conflict("hotline.error.case_closed".into()));
    }
    Ok(k)
}

/// The case's assessment and plan as its form shows them.
fn text_form(k: &CaseRow) -> CaseTextForm {
    CaseTextForm {
        assessment: opened(store::CASE_ASSESSMENT, &k.assessment_cipher).unwrap_or_default(),
        plan: opened(store::CASE_PLAN, &k.plan_cipher).unwrap_or_default(),
        version: k.version.to_string(),
    }
}

/// A change to case `k` in one transaction: `write` makes it and returns the audit event to
/// record (none: nothing was changed; `AppError::Stale`: another change came first), and `done`
/// is flashed when it changed something.
async fn change(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    k: &CaseRow,
    done: &str,
    write: impl AsyncFnOnce(&DatabaseTransaction) -> AppResult<Option<Event<'static>>>,
) -> AppResult<()> {
    let tx = st.db.write().await?;
    if let Some(event) = write(&*tx).await? {
        audit::record(&*tx, &Actor::user(auth, &c.ip), event.unit(k.unit_id)).await?;
        set_flash(&*tx, auth.session_id, Some(done)).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn update_text(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<CaseTextForm>,
) -> AppResult<Response> {
    let k = open_case(&st, &auth, id).await?;
    let version = crate::platform::web::form_version(&f.version)?;
    let errs = f.check();
    if !errs.is_empty() {
        let errors = FormErrors::from_problems(&c, errs);
        return refused(&st, c, &auth, k, CaseForms { text: f, ..CaseForms::default() }, errors).await;
    }
    let write = async |tx: &DatabaseTransaction| {
        if !store::update_case_text(tx, id, f.assessment.trim(), f.plan.trim(), version).await? {
            return Err(AppError::Stale);
        }
        // The audit row says what changed, never the text.
        Ok(Some(Event::new("update", "hotline_case", id).after(&serde_json::json!({"assessment_and_plan": true}))))
    };
    change(&st, &c, &auth, &k, "hotline.case_saved", write).await?;
    Ok(see_other(&format!("/hotline/cases/{id}")))
}

#[derive(Deserialize)]
pub(super) struct DoneForm {
    #[serde(default)]
    note: String,
}

pub(super) async fn followup_done(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, fid)): Path<(i64, i64)>,
    Form(f): Form<DoneForm>,
) -> AppResult<Response> {
    let k = open_case(&st, &auth, id).await?;
    let back = format!("/hotline/cases/{id}");
    if f.note.chars().count() > crate::hotline::model::MAX_TEXT {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.text_long", &[]).await?;
        return Ok(see_other(&back));
    }
    let write = async |tx: &DatabaseTransaction| {
        let done = store::followup_done(tx, id, fid, today(), auth.id, f.note.trim()).await?;
        Ok(done
            .then(|| Event::new("followup_done", "hotline_case", id).after(&serde_json::json!({"followup_id": fid}))))
    };
    change(&st, &c, &auth, &k, "hotline.followup_saved", write).await?;
    Ok(see_other(&back))
}

pub(super) async fn refer(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let k = open_case(&st, &auth, id).await?;
    let mut input = f.validate();
    if let Ok(i) = &input {
        if let Some(u) = i.target_unit_id {
            let units = crate::units::options(&st.db.conn, &Scope::all()).await?;
            if !units.iter().any(|x| x.id == u && x.depth <= 1) {
                let mut errs = crate::platform::web::Problems::default();
                errs.push(("target_unit_id", "hotline.error.choice", ""));
                input = Err(errs);
            }
        }
    }
    let input = match input {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            let text = text_form(&k);
            return refused(&st, c, &auth, k, CaseForms { text, referral: f, ..CaseForms::default() }, errors).await;
        }
    };
    let write = async |tx: &DatabaseTransaction| {
        let rid = store::insert_referral(tx, id, &input, today(), auth.id).await?;
        Ok(Some(
            Event::new("refer", "hotline_case", id).after(&serde_json::json!({"referral_id": rid, "referral": input})),
        ))
    };
    change(&st, &c, &auth, &k, "hotline.referral_saved", write).await?;
    Ok(see_other(&format!("/hotline/cases/{id}")))
}

#[derive(Deserialize)]
pub(super) struct StateForm {
    #[serde(default)]
    to: String,
}

pub(super) async fn referral_state(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path((id, rid)): Path<(i64, i64)>,
    Form(f): Form<StateForm>,
) -> AppResult<Response> {
    let k = readable_case(&st, &auth, id).await?;
    let back = format!("/hotline/cases/{id}");
    let referral =
        store::referrals(&st.db.conn, id).await?.into_iter().find(|r| r.id == rid).ok_or(AppError::NotFound)?;
    let to = f.to.trim();
    if !referral_step(&referral.state, to) {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.referral_step", &[]).await?;
        return Ok(see_other(&back));
    }
    let write = async |tx: &DatabaseTransaction| {
        if !store::set_referral_state(tx, id, rid, &referral.state, to, today()).await? {
            return Err(AppError::Stale);
        }
        Ok(Some(
            Event::new("referral_state", "hotline_case", id)
                .before(&serde_json::json!({"referral_id": rid, "state": referral.state}))
                .after(&serde_json::json!({"referral_id": rid, "state": to})),
        ))
    };
    change(&st, &c, &auth, &k, "hotline.referral_saved", write).await?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub(super) struct TransferForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    version: String,
}

pub(super) async fn transfer(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> AppResult<Response> {
    let k = open_case(&st, &auth, id).await?;
    let version = crate::platform::web::form_version(&f.version)?;
    let back = format!("/hotline/cases/{id}");
    // The new counsellor: an active roster entry with an account, not the current one.
    let to = match f.to.trim().parse::<i64>() {
        Ok(u) => store::counsellor_of_user(&st.db.conn, u).await?.filter(|r| r.active && u != k.counsellor_id),
        Err(_) => None,
    };
    let Some(to) = to.and_then(|r| r.user_id) else {
        set_flash_with(&st.db.conn, auth.session_id, "hotline.error.transfer_to", &[]).await?;
        return Ok(see_other(&back));
    };
    let write = async |tx: &DatabaseTransaction| {
        if !store::transfer_case(tx, id, k.counsellor_id, to, version).await? {
            return Err(AppError::Stale);
        }
        Ok(Some(
            Event::new("transfer", "hotline_case", id)
                .before(&serde_json::json!({"counsellor_id": k.counsellor_id, "supervisor_id": k.supervisor_id}))
                .after(&serde_json::json!({"counsellor_id": to})),
        ))
    };
    change(&st, &c, &auth, &k, "hotline.case_transferred", write).await?;
    // The previous counsellor may no longer read it: back to the list if that was the user.
    if store::case(&st.db.conn, &auth.scope, &reader(&auth), id).await?.is_none() {
        return Ok(see_other("/hotline/cases"));
    }
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub(super) struct CloseForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

pub(super) async fn close(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let k = open_case(&st, &auth, id).await?;
    let version = crate::platform::web::form_version(&f.version)?;
    let reason = CLOSURE_REASONS.iter().copied().find(|r| *r == f.reason.trim());
    let too_long = f.note.chars().count() > crate::hotline::model::MAX_TEXT;
    let Some(reason) = reason.filter(|_| !too_long) else {
        let mut errors = FormErrors::default();
        let key = if too_long { "hotline.error.text_long" } else { "hotline.error.closure_reason" };
        errors.add("reason", c.t(key));
        let forms =
            CaseForms { text: text_form(&k), close_reason: f.reason, close_note: f.note, ..CaseForms::default() };
        return refused(&st, c, &auth, k, forms, errors).await;
    };
    let write = async |tx: &DatabaseTransaction| {
        if !store::close_case(tx, id, reason, f.note.trim(), today(), version).await? {
            return Err(AppError::Stale);
        }
        Ok(Some(Event::new("close", "hotline_case", id).after(&serde_json::json!({"closure_reason": reason}))))
    };
    change(&st, &c, &auth, &k, "hotline.case_closed", write).await?;
    Ok(see_other(&format!("/hotline/cases/{id}")))
}

#[derive(Template)]
#[template(path = "hotline/case_access.html")]
struct AccessLog {
    c: PageCtx,
    id: i64,
    p: PageParams,
    page: Page<AuditRow>,
    extra: String,
}

impl AccessLog {
    fn at_text(&self, r: &AuditRow) -> String {
        crate::platform::time::local_seconds(&r.at)
    }
}

pub(super) async fn access_log(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    p: PageParams,
) -> AppResult<Response> {
    let k = readable_case(&st, &auth, id).await?;
    if !sees_log(&auth, &k) {
        return Err(AppError::NotFound);
    }
    let f = AuditFilter { entity: "hotline_case".into(), entity_id: id.to_string(), ..AuditFilter::default() };
    let page = audit::search(&st.db.conn, &f, &p).await?;
    render(&AccessLog { c, id, p, page, extra: String::new() })
}
