//! Sign-in: login, the second factor and logout.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use super::throttle::SignInLimit;
use crate::auth::model::{new_totp_secret, totp_match, totp_qr_svg, totp_url};
use crate::auth::store;
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::{local_path, render, render_status, see_other, set_cookie, PageCtx, SESSION_COOKIE};
use crate::platform::AppState;

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/login", Need::Public, login_form)
        .post("/login", Need::Public, login)
        .get("/login/totp", Need::Session, totp_form)
        .post("/login/totp", Need::Session, totp_submit)
        .post("/logout", Need::Session, logout)
}

fn session_cookie(st: &AppState, token: &str) -> HeaderValue {
    let v = set_cookie(SESSION_COOKIE, token, None, true, st.config.security.secure_cookies);
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    c: PageCtx,
    username: String,
    next: String,
    error: String,
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
    pub(super) next: Option<String>,
}

async fn login_form(c: PageCtx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let next = local_path(q.next.as_deref());
    if c.user.as_ref().is_some_and(|u| !u.second_factor_pending) {
        return Ok(see_other(&next));
    }
    render(&LoginPage { c, username: String::new(), next, error: String::new() })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// User names are stored in lower case; what is typed is matched (and rate-limited) the same way.
fn login_name(typed: &str) -> String {
    typed.trim().to_lowercase().chars().take(64).collect()
}

/// 429 with `Retry-After`: too many unsuccessful sign-ins from this address or for this name.
fn too_many(mut resp: Response, retry_after: i64) -> Response {
    *resp.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Sign-in. An unknown name, a wrong password, a disabled account and a locked account get the
/// same answer (401, "用户名或密码错误") after the same work (one argon2id verification, against a
/// dummy hash when there is no account), so the answer tells nothing about which accounts exist
/// or are locked; administrators see locks on the user page and in the audit log.
async fn login(
    State(st): State<AppState>,
    c: PageCtx,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let cfg = &st.config.security;
    let username = login_name(&f.username);
    let next = local_path(Some(&f.next));
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let actor = Actor { id: None, name: username.clone(), ip: c.ip.clone() };
    let page = |c: PageCtx, status: StatusCode, key: &str| {
        let error = c.t(key).to_string();
        render_status(status, &LoginPage { c, username: username.clone(), next: next.clone(), error })
    };

    let limit = SignInLimit::new(cfg, &c.ip, &username);
    if let Err(retry_after) = limit.reserve(&st.db, &actor).await? {
        metrics::counter!("shegong_logins_total", "result" => "limited").increment(1);
        return Ok(too_many(page(c, StatusCode::TOO_MANY_REQUESTS, "auth.login.rate_limited")?, retry_after));
    }

    let user = store::find_login_user(&st.db.conn, &username).await?;
    let ok = st.passwords.verify(user.as_ref().map(|u| u.password_hash.as_str()), &f.password).await;
    let now = Utc::now();
    let (reason, user) = match user {
        None => ("unknown_user", None),
        Some(u) if u.locked_until.is_some_and(|t| t > now) => ("locked", Some(u)),
        Some(u) if !ok => ("password", Some(u)),
        Some(u) if u.disabled => ("disabled", Some(u)),
        Some(u) => ("", Some(u)),
    };
    if !reason.is_empty() {
        let tx = st.db.write().await?;
        let actor = Actor { id: user.as_ref().map(|u| u.id), ..actor.clone() };
        // A wrong password counts towards the lock (also on a disabled account); while locked, nothing more is counted.
        let locked = match (&user, reason) {
            (Some(u), "password") => store::record_failed_login(&*tx, u.id, cfg).await?,
            _ => false,
        };
        if limit.first_failure(&*tx).await? {
            audit::record(
                &*tx,
                &actor,
                Event::new("login_failed", "session", "").after(&serde_json::json!({"reason": reason})),
            )
            .await?;
        }
        if let (true, Some(u)) = (locked, &user) {
            audit::record(&*tx, &actor, Event::new("account_locked", "user", u.id).unit(u.unit_id)).await?;
        }
        tx.commit().await?;
        metrics::counter!("shegong_logins_total", "result" => "failed").increment(1);
        return page(c, StatusCode::UNAUTHORIZED, "auth.login.failed");
    }
    let Some(user) = user else { return Err(AppError::Unauthorized) };
    let actor = Actor { id: Some(user.id), ..actor };
    let needs_second_factor =
        user.totp_enabled || (cfg.require_totp_for_admins && store::is_admin(&st.db.conn, user.id).await?);
    let tx = st.db.write().await?;
    limit.refund(&*tx).await?;
    store::record_successful_login(&*tx, user.id).await?;
    let token = store::create_session(&*tx, user.id, needs_second_factor, &c.ip, &ua, cfg).await?;
    audit::record(
        &*tx,
        &actor,
        Event::new("login", "session", "").after(&serde_json::json!({"second_factor_pending": needs_second_factor})),
    )
    .await?;
    tx.commit().await?;
    metrics::counter!("shegong_logins_total", "result" => "ok").increment(1);
    let target = if needs_second_factor {
        format!("/login/totp?next={}", crate::platform::access::urlencode(&next))
    } else {
        next
    };
    let mut resp = see_other(&target);
    resp.headers_mut().append(header::SET_COOKIE, session_cookie(&st, &token));
    Ok(resp)
}

/// The user's not-yet-confirmed TOTP secret, created (and audited, without the secret) on first use.
pub(super) async fn pending_secret(st: &AppState, actor: &Actor, u: &store::LoginUser) -> AppResult<String> {
    if let Some(s) = &u.totp_secret {
        return Ok(s.clone());
    }
    let s = new_totp_secret()?;
    let tx = st.db.write().await?;
    store::set_totp(&*tx, u.id, Some(&s), false).await?;
    audit::record(&*tx, actor, Event::new("totp_secret_issued", "user", u.id).unit(u.unit_id)).await?;
    tx.commit().await?;
    Ok(s)
}

#[derive(Template)]
#[template(path = "auth/totp.html")]
struct TotpPage {
    c: PageCtx,
    next: String,
    /// Set when the user must enrol first (admin without a second factor yet).
    enrol: Option<Enrolment>,
    error: String,
}

/// What an enrolment page shows: the secret to type in, its otpauth URL and that URL as a QR code.
pub(super) struct Enrolment {
    pub(super) secret: String,
    pub(super) url: String,
    pub(super) qr_svg: String,
}

impl Enrolment {
    pub(super) fn new(st: &AppState, secret: &str, username: &str) -> Enrolment {
        let url = totp_url(secret, username, &st.config.security.totp_issuer);
        Enrolment { secret: secret.to_string(), qr_svg: totp_qr_svg(&url), url }
    }
}

async fn totp_form(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if !auth.second_factor_pending {
        return Ok(see_other("/"));
    }
    let u = store::find_login_user_by_id(&st.db.conn, auth.id).await?.ok_or(AppError::Unauthorized)?;
    let enrol = if u.totp_enabled {
        None
    } else {
        // Admin must enrol now: keep one pending secret until confirmed.
        let secret = pending_secret(&st, &Actor::user(&auth, &c.ip), &u).await?;
        Some(Enrolment::new(&st, &secret, &u.username))
    };
    render(&TotpPage { c, next: local_path(q.next.as_deref()), enrol, error: String::new() })
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// The second step of sign-in. Rate-limited like the first (same counters), each code accepted at
/// most once (its time step must be later than the last accepted one), and every failure counts
/// towards the lock and is audited (only a holder of the password gets here, and the lock bounds it).
async fn totp_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let next = local_path(Some(&f.next));
    if !auth.second_factor_pending {
        return Ok(see_other(&next));
    }
    let u = store::find_login_user_by_id(&st.db.conn, auth.id).await?.ok_or(AppError::Unauthorized)?;
    let secret = u.totp_secret.clone().unwrap_or_default();
    let actor = Actor::user(&auth, &c.ip);
    let enrol = (!u.totp_enabled).then(|| Enrolment::new(&st, &secret, &u.username));
    let limit = SignInLimit::new(&st.config.security, &c.ip, &u.username);
    if let Err(retry_after) = limit.reserve(&st.db, &actor).await? {
        let error = c.t("auth.login.rate_limited").to_string();
        let resp = render_status(StatusCode::TOO_MANY_REQUESTS, &TotpPage { c, next, enrol, error })?;
        return Ok(too_many(resp, retry_after));
    }
    let tx = st.db.write().await?;
    let (step, accepted) = accept_code(&*tx, u.id, &secret, &f.code).await?;
    if !accepted {
        let locked = store::record_failed_login(&*tx, u.id, &st.config.security).await?;
        let reason = if step.is_some() { "totp_replayed" } else { "totp" };
        audit::record(
            &*tx,
            &actor,
            Event::new("login_failed", "session", "").after(&serde_json::json!({"reason": reason})),
        )
        .await?;
        if locked {
            store::delete_user_sessions(&*tx, u.id, None).await?;
            audit::record(&*tx, &actor, Event::new("account_locked", "user", u.id).unit(u.unit_id)).await?;
        }
        tx.commit().await?;
        if locked {
            return Ok(see_other("/login"));
        }
        let error = c.t("auth.totp.wrong").to_string();
        return render_status(StatusCode::UNAUTHORIZED, &TotpPage { c, next, enrol, error });
    }
    if !u.totp_enabled {
        store::set_totp(&*tx, u.id, Some(&secret), true).await?;
        audit::record(&*tx, &actor, Event::new("totp_enable", "user", u.id).unit(u.unit_id)).await?;
    }
    limit.refund(&*tx).await?;
    store::record_successful_login(&*tx, u.id).await?;
    store::complete_second_factor(&*tx, auth.session_id).await?;
    audit::record(&*tx, &actor, Event::new("login_second_factor", "session", "")).await?;
    tx.commit().await?;
    Ok(see_other(&next))
}

async fn logout(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let tx = st.db.write().await?;
    store::delete_session(&*tx, auth.session_id).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("logout", "session", "")).await?;
    tx.commit().await?;
    let mut resp = see_other("/login");
    if let Ok(v) =
        HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", Some(0), true, st.config.security.secure_cookies))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Checks a TOTP code now and, when it matches, takes its time step (each step is accepted once):
/// (the matching step, whether it was accepted).
pub(super) async fn accept_code<C: sea_orm::ConnectionTrait>(
    tx: &C,
    user_id: i64,
    secret: &str,
    code: &str,
) -> Result<(Option<i64>, bool), sea_orm::DbErr> {
    let step = totp_match(secret, code, Utc::now().timestamp());
    let accepted = match step {
        Some(step) => store::accept_totp_step(tx, user_id, step).await?,
        None => false,
    };
    Ok((step, accepted))
}
