//! The public pages, made for a phone and used without an account: the open campaigns
//! (`/join`), the sign-up form (`/join/{campaign}`), and `/me`, where a volunteer signs in with
//! phone and personal code to see their shifts and hours and take an open shift.
//!
//! Sign-up and the `/me` sign-in are rate-limited per client address and per phone (the phone's
//! keyed hash), with the limits and counters in the database (`volunteer_limits`,
//! `volunteer_throttle`). The `/me` cookie is `<volunteer id>.<expiry>.<keyed MAC>`, the MAC over
//! both and the volunteer's code hash, so a new code ends every earlier `/me` visit.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use crate::platform::access::{Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::vault;
use crate::platform::web::{cookie, render, render_status, see_other, set_cookie, FormErrors, PageCtx};
use crate::platform::AppState;
use crate::volunteers::model::{new_code, normalise_code, parse_mobile, SignupForm, CONSENT_VERSION, ID_TYPES};
use crate::volunteers::routes::dispatch;
use crate::volunteers::store::{self, AssignmentRow, CampaignRow, CommunityRow, ShiftRow, VolunteerRow};

pub const ME_COOKIE: &str = "sg_vol";
/// How long a `/me` visit lasts.
const ME_SECS: i64 = 2 * 3600;

pub fn routes() -> Routes {
    Routes::new()
        .get("/join", Need::Public, join_list)
        .with("campaign", &crate::volunteers::OPEN_CAMPAIGN)
        .get("/join/{campaign}", Need::Public, join_form)
        .post("/join/{campaign}", Need::Public, join_submit)
        .get("/me", Need::Public, me_page)
        .post("/me", Need::Public, me_sign_in)
        .post("/me/leave", Need::Public, me_leave)
        .with("shift", &crate::volunteers::OPEN_SHIFT)
        .post("/me/shifts/{shift}/take", Need::Public, me_take)
}

#[derive(Template)]
#[template(path = "volunteers/join_list.html")]
struct JoinList {
    c: PageCtx,
    campaigns: Vec<CampaignRow>,
}

async fn join_list(State(st): State<AppState>, c: PageCtx) -> AppResult<Response> {
    let campaigns = store::open_campaigns(&st.db.conn).await?;
    render(&JoinList { c, campaigns })
}

#[derive(Template)]
#[template(path = "volunteers/join.html")]
struct JoinPage {
    c: PageCtx,
    k: CampaignRow,
    communities: Vec<CommunityRow>,
    f: SignupForm,
    errors: FormErrors,
    id_types: [&'static str; 3],
    /// A refusal of the whole form (the rate limit).
    error: String,
}

async fn join_form(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let k = store::open_campaign(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let communities = store::communities(&st.db.conn, id).await?;
    let f = SignupForm { id_type: "resident".into(), ..Default::default() };
    render(&JoinPage { c, k, communities, f, errors: FormErrors::default(), id_types: ID_TYPES, error: String::new() })
}

#[derive(Template)]
#[template(path = "volunteers/joined.html")]
struct Joined {
    c: PageCtx,
    k: CampaignRow,
    /// Set for a new volunteer: their number and personal code (shown once).
    fresh: Option<(String, String)>,
}

/// Counts a hit against a public limit; `Some(response)` (429) when over it.
pub(super) async fn limited(st: &AppState, kind: &str, subject: &str) -> AppResult<Option<i64>> {
    let tx = st.db.write().await?;
    let hit = store::throttle_hit(&*tx, kind, subject, Utc::now()).await?;
    tx.commit().await?;
    Ok(hit.over().then(|| (hit.window_end - Utc::now()).num_seconds().max(1)))
}

pub(super) fn too_many(resp: AppResult<Response>, retry: i64) -> AppResult<Response> {
    let mut r = resp?;
    *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = retry.to_string().parse() {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(r)
}

/// A sign-up: a new volunteer with a number and a personal code, or, for an identity already
/// registered, the existing volunteer joins the campaign (nothing of theirs is shown or changed).
async fn join_submit(
    State(st): State<AppState>,
    c: PageCtx,
    Path(id): Path<i64>,
    Form(f): Form<SignupForm>,
) -> AppResult<Response> {
    let k = store::open_campaign(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let communities = store::communities(&st.db.conn, id).await?;
    let again = |c: PageCtx, f: SignupForm, errors: FormErrors, error: String, k: CampaignRow, communities| {
        // The ID number is never sent back.
        let f = SignupForm { id_number: String::new(), ..f };
        JoinPage { c, k, communities, f, errors, id_types: ID_TYPES, error }
    };
    if let Some(retry) = limited(&st, "signup_address", &c.ip).await? {
        let error = c.t("volunteers.error.rate").to_string();
        return too_many(render(&again(c, f, FormErrors::default(), error, k, communities)), retry);
    }
    let mut input = f.validate();
    if let Ok(i) = &input {
        if let Some(u) = i.unit_id {
            if !communities.iter().any(|c| c.id == u) {
                let mut p = crate::platform::web::Problems::default();
                p.push(("unit_id", "volunteers.error.community", String::new()));
                input = Err(p);
            }
        }
    }
    let i = match input {
        Ok(i) => i,
        Err(errs) => {
            let errors = FormErrors::from_problems(&c, errs);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &again(c, f, errors, String::new(), k, communities),
            );
        }
    };
    let v = vault::vault()?;
    let phone_hash = v.hash("phone", &i.phone);
    if let Some(retry) = limited(&st, "signup_phone", &phone_hash).await? {
        let error = c.t("volunteers.error.rate").to_string();
        return too_many(render(&again(c, f, FormErrors::default(), error, k, communities)), retry);
    }
    let id_hash = v.hash(&format!("id:{}", i.id.id_type), &i.id.number);
    let unit_id = i.unit_id.unwrap_or(k.unit_id);
    let tx = st.db.write().await?;
    let (vid, fresh) = match store::volunteer_by_identity(&*tx, i.id.id_type, &id_hash).await? {
        Some(vid) => (vid, None),
        None => {
            let code = new_code()?;
            let nv = crate::volunteers::model::protect(&v, unit_id, &i, &code)?;
            let (vid, no) = store::insert_volunteer(&*tx, &nv).await?;
            (vid, Some((no, code)))
        }
    };
    let joined = store::add_signup(&*tx, id, vid, unit_id, &i.skills, &i.availability).await?;
    let actor = Actor { id: None, name: format!("volunteer:{vid}"), ip: c.ip.clone() };
    audit::record(
        &*tx,
        &actor,
        Event::new(if fresh.is_some() { "register" } else { "signup" }, "volunteer", vid)
            .unit(unit_id)
            .after(&serde_json::json!({"campaign": id, "joined": joined, "consent": CONSENT_VERSION})),
    )
    .await?;
    tx.commit().await?;
    render(&Joined { c, k, fresh })
}

/// The volunteer of a valid `/me` cookie.
pub(super) async fn me_volunteer(st: &AppState, headers: &HeaderMap) -> AppResult<Option<VolunteerRow>> {
    let Some(raw) = cookie(headers, ME_COOKIE) else { return Ok(None) };
    let mut parts = raw.splitn(3, '.');
    let (Some(vid), Some(exp), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return Ok(None) };
    let (Ok(vid), Ok(exp)) = (vid.parse::<i64>(), exp.parse::<i64>()) else { return Ok(None) };
    if exp < Utc::now().timestamp() {
        return Ok(None);
    }
    let Some(row) = store::volunteer_by_id(&st.db.conn, vid).await? else { return Ok(None) };
    let expected = vault::vault()?.hash("me", &format!("{vid}.{exp}.{}", row.code_hash));
    Ok(crate::platform::secret::eq(expected, mac).then_some(row))
}

#[derive(Template)]
#[template(path = "volunteers/me.html")]
struct MePage {
    c: PageCtx,
    /// None: the sign-in form.
    v: Option<VolunteerRow>,
    mine: Vec<AssignmentRow>,
    open: Vec<ShiftRow>,
    certificates: Vec<store::CertificateRow>,
    /// The latest service records (each with its correction link).
    records: Vec<store::RecordRow>,
    minutes: i64,
    phone: String,
    error: String,
}

impl MePage {
    fn hours(&self) -> String {
        crate::volunteers::hours_text(self.minutes)
    }
}

async fn me_render(
    st: &AppState,
    c: PageCtx,
    v: VolunteerRow,
    error: String,
    status: StatusCode,
) -> AppResult<Response> {
    let mine = store::assignments_of_volunteer(&st.db.conn, v.id).await?;
    // Only the shifts the rules let them take (a shift at the same time elsewhere is left out).
    let held = store::held_slots(&st.db.conn, v.id, None).await?;
    let open: Vec<ShiftRow> = store::open_shifts_for(&st.db.conn, v.id, today())
        .await?
        .into_iter()
        .filter(|s| crate::volunteers::model::check_slot(&s.slot(), &held, &s.welfare()).is_ok())
        .collect();
    let minutes = store::confirmed_minutes(&st.db.conn, v.id).await?;
    let certificates = store::certificates_of(&st.db.conn, v.id).await?;
    let records = store::records_of_volunteer(&st.db.conn, v.id).await?;
    render_status(
        status,
        &MePage { c, v: Some(v), mine, open, certificates, records, minutes, phone: String::new(), error },
    )
}

async fn me_page(State(st): State<AppState>, c: PageCtx, headers: HeaderMap) -> AppResult<Response> {
    match me_volunteer(&st, &headers).await? {
        Some(v) => me_render(&st, c, v, String::new(), StatusCode::OK).await,
        None => render(&MePage {
            c,
            v: None,
            mine: vec![],
            open: vec![],
            certificates: vec![],
            records: vec![],
            minutes: 0,
            phone: String::new(),
            error: String::new(),
        }),
    }
}

#[derive(Debug, Deserialize)]
struct MeForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
}

/// Who a phone and a personal code name, counted against the `/me` limits (per address, and per
/// phone when it is one).
pub(super) enum Identified {
    Volunteer(Box<VolunteerRow>),
    /// Over a limit: retry after so many seconds.
    Limited(i64),
    /// An unknown phone or a wrong code (one answer for both).
    Unknown,
}

pub(super) async fn identify(st: &AppState, ip: &str, phone: &str, code: &str) -> AppResult<Identified> {
    if let Some(retry) = limited(st, "me_address", ip).await? {
        return Ok(Identified::Limited(retry));
    }
    let Some(phone) = parse_mobile(phone) else { return Ok(Identified::Unknown) };
    let vault = vault::vault()?;
    let phone_hash = vault.hash("phone", &phone);
    if let Some(retry) = limited(st, "me_phone", &phone_hash).await? {
        return Ok(Identified::Limited(retry));
    }
    let code_hash = vault.hash("code", &normalise_code(code));
    Ok(store::volunteers_by_phone(&st.db.conn, &phone_hash)
        .await?
        .into_iter()
        .find(|v| crate::platform::secret::eq(&v.code_hash, &code_hash))
        .map_or(Identified::Unknown, |v| Identified::Volunteer(Box::new(v))))
}

/// Signs a volunteer in with phone and personal code. One answer for an unknown phone and a
/// wrong code; both count against the limits.
async fn me_sign_in(State(st): State<AppState>, c: PageCtx, Form(f): Form<MeForm>) -> AppResult<Response> {
    let form = |c: PageCtx, phone: String, error: String| MePage {
        c,
        v: None,
        mine: vec![],
        open: vec![],
        certificates: vec![],
        records: vec![],
        minutes: 0,
        phone,
        error,
    };
    let v = match identify(&st, &c.ip, &f.phone, &f.code).await? {
        Identified::Volunteer(v) => *v,
        Identified::Limited(retry) => {
            let error = c.t("volunteers.error.rate").to_string();
            return too_many(render(&form(c, f.phone, error)), retry);
        }
        Identified::Unknown => {
            let error = c.t("volunteers.error.me").to_string();
            return render_status(StatusCode::UNAUTHORIZED, &form(c, f.phone, error));
        }
    };
    let vault = vault::vault()?;
    let exp = Utc::now().timestamp() + ME_SECS;
    let mac = vault.hash("me", &format!("{}.{exp}.{}", v.id, v.code_hash));
    let mut r = see_other("/me");
    let value =
        set_cookie(ME_COOKIE, &format!("{}.{exp}.{mac}", v.id), Some(ME_SECS), true, st.config.security.secure_cookies);
    if let Ok(h) = value.parse() {
        r.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(r)
}

async fn me_leave(State(st): State<AppState>) -> AppResult<Response> {
    let mut r = see_other("/me");
    let value = set_cookie(ME_COOKIE, "", Some(0), true, st.config.security.secure_cookies);
    if let Ok(h) = value.parse() {
        r.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(r.into_response())
}

/// A volunteer takes an open shift of a campaign they signed up to, under its rules.
async fn me_take(
    State(st): State<AppState>,
    c: PageCtx,
    headers: HeaderMap,
    Path(shift_id): Path<i64>,
) -> AppResult<Response> {
    let Some(v) = me_volunteer(&st, &headers).await? else {
        return Ok(see_other("/me"));
    };
    let open = store::open_shifts_for(&st.db.conn, v.id, today()).await?;
    let Some(s) = open.iter().find(|s| s.id == shift_id) else {
        // Not one of theirs to take (another campaign, past, full or held already).
        let error = c.t("volunteers.clash.unavailable").to_string();
        return me_render(&st, c, v, error, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let tx = st.db.write().await?;
    match dispatch(&*tx, s.id, v.id, "self", None, None).await? {
        Ok((s, aid)) => {
            audit::record(
                &*tx,
                &Actor { id: None, name: format!("volunteer:{}", v.id), ip: c.ip.clone() },
                Event::new("take", "volunteer_assignment", aid)
                    .unit(s.unit_id)
                    .after(&serde_json::json!({"shift": s.id, "volunteer": v.volunteer_no})),
            )
            .await?;
            tx.commit().await?;
            Ok(see_other("/me"))
        }
        Err(r) => {
            drop(tx);
            let error = c.tf(r.key(), &[("n", &r.limit())]);
            me_render(&st, c, v, error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
