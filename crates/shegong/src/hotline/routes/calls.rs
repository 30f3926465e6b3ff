//! The call log: the list, the fast entry form, the call's page, editing.
//! Every read of a call's page is audited; audit rows never hold its free text.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;

use crate::hotline::model::{
    local_input, CallForm, CallInput, Risk, AGE_BANDS, ATTEMPTS, CHANNELS, GENDERS, IDEATIONS, OUTCOMES, PLANS,
    TIMEFRAMES,
};
use crate::hotline::routes::{opened, reader};
use crate::hotline::store::{self, CallFilter, CallRow, Category};
use crate::platform::access::{Auth, Scope};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::once;
use crate::platform::paging::{Page, PageParams};
use crate::platform::web::{render, render_status, see_other, set_flash, FormErrors, PageCtx, Problems};
use crate::platform::AppState;
use crate::units::UnitOption;

/// The choices of the call form and the list's filters.
struct Choices {
    categories: Vec<Category>,
    districts: Vec<UnitOption>,
    channels: [&'static str; 3],
    age_bands: [&'static str; 5],
    genders: [&'static str; 3],
    ideations: [&'static str; 3],
    plans: [&'static str; 3],
    timeframes: [&'static str; 4],
    attempts: [&'static str; 4],
    outcomes: [&'static str; 6],
    risks: [&'static str; 5],
}

async fn choices(st: &AppState) -> AppResult<Choices> {
    let categories = store::categories(&st.db.conn).await?;
    // The caller's district is any town of the city, whoever answers.
    let districts =
        crate::units::options(&st.db.conn, &Scope::all()).await?.into_iter().filter(|u| u.depth == 1).collect();
    Ok(Choices {
        categories,
        districts,
        channels: CHANNELS,
        age_bands: AGE_BANDS,
        genders: GENDERS,
        ideations: IDEATIONS,
        plans: PLANS,
        timeframes: TIMEFRAMES,
        attempts: ATTEMPTS,
        outcomes: OUTCOMES,
        risks: Risk::ALL.map(Risk::code),
    })
}

impl Choices {
    fn category_name<'a>(&self, c: &PageCtx, k: &'a Category) -> &'a str {
        if c.is_en() && !k.name_en.is_empty() {
            &k.name_en
        } else {
            &k.name
        }
    }
}

#[derive(Template)]
#[template(path = "hotline/calls.html")]
struct CallList {
    c: PageCtx,
    p: PageParams,
    f: CallFilter,
    page: Page<CallRow>,
    /// Calls in reach whose content the reader may not read: shown as a count only.
    withheld: i64,
    /// The counsellors who answered the calls of the filter, withheld ones included.
    counsellors: i64,
    extra: String,
    ch: Choices,
}

pub(super) async fn call_list(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    p: PageParams,
    Query(f): Query<CallFilter>,
) -> AppResult<Response> {
    let r = reader(&auth);
    let page = store::calls(&st.db.conn, &auth.scope, &r, &f, &p).await?;
    let withheld = store::calls_withheld(&st.db.conn, &auth.scope, &r, &f, &p).await?;
    let counsellors = store::calls_counsellors(&st.db.conn, &auth.scope, &r, &f, &p).await?;
    let extra = f.query();
    let ch = choices(&st).await?;
    render(&CallList { c, p, f, page, withheld, counsellors, extra, ch })
}

#[derive(Template)]
#[template(path = "hotline/call_form.html")]
struct CallFormPage {
    c: PageCtx,
    id: Option<i64>,
    f: CallForm,
    /// The level the rules give the typed assessment (shown beside the level field).
    computed: &'static str,
    errors: FormErrors,
    ch: Choices,
}

impl CallFormPage {
    fn category_name<'a>(&self, k: &'a Category) -> &'a str {
        self.ch.category_name(&self.c, k)
    }
}

fn computed_of(f: &CallForm) -> &'static str {
    let or_none = |list: &[&'static str], v: &str| list.iter().copied().find(|x| *x == v.trim()).unwrap_or("none");
    crate::hotline::model::assess(&crate::hotline::model::Assessment {
        ideation: or_none(&IDEATIONS, &f.ideation),
        plan: or_none(&PLANS, &f.plan),
        means: f.means == "yes",
        timeframe: or_none(&TIMEFRAMES, &f.timeframe),
        attempt: or_none(&ATTEMPTS, &f.attempt),
    })
    .code()
}

async fn form_page(
    st: &AppState,
    c: PageCtx,
    id: Option<i64>,
    f: CallForm,
    errors: FormErrors,
) -> AppResult<CallFormPage> {
    let computed = computed_of(&f);
    Ok(CallFormPage { c, id, f, computed, errors, ch: choices(st).await? })
}

pub(super) async fn call_new(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    // The call began when the counsellor opened the form; the end is left empty (saved = ended).
    let f = CallForm {
        started_at: local_input(&Utc::now()),
        channel: "transfer".into(),
        anonymous: "yes".into(),
        outcome: "resolved".into(),
        ..Default::default()
    };
    render(&form_page(&st, c, None, f, FormErrors::default()).await?)
}

/// The form's rules and the managed choices it names (an active category, a town).
async fn check_call(st: &AppState, f: &CallForm, previous: Option<Risk>) -> AppResult<Result<CallInput, Problems>> {
    let mut input = f.validate(Utc::now(), previous);
    if let Ok(i) = &input {
        let mut errs = Problems::default();
        if !store::categories(&st.db.conn).await?.iter().any(|k| k.id == i.category_id) {
            errs.push(("category_id", "hotline.error.choice", ""));
        }
        if let Some(d) = i.district_id {
            let towns = crate::units::options(&st.db.conn, &Scope::all()).await?;
            if !towns.iter().any(|u| u.id == d && u.depth == 1) {
                errs.push(("district_id", "hotline.error.choice", ""));
            }
        }
        if !errs.is_empty() {
            input = Err(errs);
        }
    }
    Ok(input)
}

pub(super) async fn call_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<CallForm>,
) -> AppResult<Response> {
    let input = match check_call(&st, &f, None).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            let page = form_page(&st, c, None, f, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let tx = st.db.write().await?;
    if let Some(prev) = once::claim(&*tx, &f.nonce, auth.id).await? {
        drop(tx);
        return Ok(see_other(if prev.is_empty() { "/hotline/calls" } else { &prev }));
    }
    let id = store::insert_call(&*tx, &input, auth.unit_id, auth.id, auth.id).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "hotline_call", id).unit(auth.unit_id).after(&input),
    )
    .await?;
    super::escalations::raise(&*tx, &Actor::user(&auth, &c.ip), id, auth.unit_id, auth.id, input.risk_level).await?;
    let location = format!("/hotline/calls/{id}");
    once::complete(&*tx, &f.nonce, &location).await?;
    set_flash(&*tx, auth.session_id, Some("hotline.call_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&location))
}

/// Reads a call for a page that shows its content, and audits the read (who, which call; never
/// the text) in its own transaction before anything is shown. A call in reach whose content the
/// reader may not read answers its stub (shown by [`Withheld`]: its existence), audited as
/// `read_withheld`.
async fn read_audited(
    st: &AppState,
    c: &PageCtx,
    auth: &Auth,
    id: i64,
    action: &str,
) -> AppResult<Result<CallRow, store::CallStub>> {
    let found = match store::call(&st.db.conn, &auth.scope, &reader(auth), id).await? {
        Some(k) => Ok(k),
        None => Err(store::call_stub(&st.db.conn, &auth.scope, id).await?.ok_or(AppError::NotFound)?),
    };
    let (unit, action) = match &found {
        Ok(k) => (k.unit_id, action),
        Err(s) => (s.unit_id, "read_withheld"),
    };
    let tx = st.db.write().await?;
    audit::record(&*tx, &Actor::user(auth, &c.ip), Event::new(action, "hotline_call", id).unit(unit)).await?;
    tx.commit().await?;
    Ok(found)
}

/// The page of a call whose content the reader may not read: that it exists, and when.
#[derive(Template)]
#[template(path = "hotline/withheld.html")]
pub(crate) struct Withheld {
    pub c: PageCtx,
    pub title: String,
    pub back: &'static str,
    pub back_label: &'static str,
    pub when: String,
}

fn withheld_call(c: PageCtx, s: &store::CallStub) -> AppResult<Response> {
    let title = c.tf("hotline.call_no", &[("id", s.id.to_string().as_str())]);
    render(&Withheld { c, title, back: "/hotline/calls", back_label: "hotline.calls_title", when: s.started_text() })
}

#[derive(Template)]
#[template(path = "hotline/call.html")]
struct CallPage {
    c: PageCtx,
    k: CallRow,
    summary: Option<String>,
    risk_note: Option<String>,
    category: String,
    can_edit: bool,
    /// Opening a case from the call, or joining it to an open case the user may read.
    can_case: bool,
    cases: Vec<store::CaseOption>,
    /// The caller profile (with consent): earlier contacts and flags in force.
    contacts: Vec<store::ContactRow>,
    flags: Vec<store::FlagRow>,
    flag_codes: [&'static str; 4],
}

pub(super) async fn call_detail(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let k = match read_audited(&st, &c, &auth, id, "read").await? {
        Ok(k) => k,
        Err(stub) => return withheld_call(c, &stub),
    };
    let summary = opened(store::SUMMARY, &k.summary_cipher);
    let risk_note = opened(store::RISK_NOTE, &k.risk_note_cipher);
    let category =
        if c.is_en() && !k.category_name_en.is_empty() { k.category_name_en.clone() } else { k.category_name.clone() };
    let can_edit = auth.can("hotline.call_write");
    let can_case = auth.can("hotline.case_write");
    let cases = if can_case && k.case_id.is_none() {
        store::open_case_options(&st.db.conn, &auth.scope, &reader(&auth)).await?
    } else {
        vec![]
    };
    let (contacts, flags) = match k.caller_id {
        Some(caller) => (
            store::contacts(&st.db.conn, caller, k.id).await?,
            store::flags(&st.db.conn, caller, crate::platform::time::today()).await?,
        ),
        None => (vec![], vec![]),
    };
    let flag_codes = crate::hotline::model::FLAGS;
    render(&CallPage { c, k, summary, risk_note, category, can_edit, can_case, cases, contacts, flags, flag_codes })
}

pub(super) async fn call_edit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let k = match read_audited(&st, &c, &auth, id, "read").await? {
        Ok(k) => k,
        Err(stub) => return withheld_call(c, &stub),
    };
    let Some(summary) = opened(store::SUMMARY, &k.summary_cipher) else {
        // Saving the form would replace a text that cannot be opened with an empty one.
        return Err(AppError::Conflict("hotline.error.sealed".into()));
    };
    let f = CallForm {
        started_at: local_input(&k.started_at),
        ended_at: local_input(&k.ended_at),
        channel: k.channel.clone(),
        category_id: k.category_id.to_string(),
        anonymous: if k.anonymous { "yes" } else { "no" }.into(),
        age_band: k.age_band.clone(),
        gender: k.gender.clone(),
        district_id: k.district_id.map(|d| d.to_string()).unwrap_or_default(),
        summary,
        ideation: k.ideation.clone(),
        plan: k.plan.clone(),
        means: if k.means { "yes" } else { "" }.into(),
        timeframe: k.timeframe.clone(),
        attempt: k.attempt.clone(),
        risk_level: k.risk_level.clone(),
        risk_note: String::new(),
        outcome: k.outcome.clone(),
        follow_up: if k.follow_up { "yes" } else { "" }.into(),
        version: k.version.to_string(),
        nonce: String::new(),
    };
    render(&form_page(&st, c, Some(id), f, FormErrors::default()).await?)
}

pub(super) async fn call_update(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<CallForm>,
) -> AppResult<Response> {
    let Some(old) = store::call(&st.db.conn, &auth.scope, &reader(&auth), id).await? else {
        // In reach but not theirs to read: as if it were out of reach.
        return Err(AppError::NotFound);
    };
    let version = crate::platform::web::form_version(&f.version)?;
    let input = match check_call(&st, &f, Some(old.risk())).await? {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            let page = form_page(&st, c, Some(id), f, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let tx = st.db.write().await?;
    if !store::update_call(&*tx, id, &input, version).await? {
        return Err(AppError::Stale);
    }
    // A lowered level is marked in the audit row (the reason itself is sealed, not in the log).
    let lowered = input.risk_level < old.risk();
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("update", "hotline_call", id)
            .unit(old.unit_id)
            .before(&old)
            .after(&serde_json::json!({"call": input, "risk_lowered": lowered})),
    )
    .await?;
    let actor = Actor::user(&auth, &c.ip);
    super::escalations::raise(&*tx, &actor, id, old.unit_id, old.counsellor_id, input.risk_level).await?;
    set_flash(&*tx, auth.session_id, Some("hotline.call_saved")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/hotline/calls/{id}")))
}
