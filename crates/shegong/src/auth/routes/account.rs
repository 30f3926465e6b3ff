//! The signed-in account: password change, TOTP enrolment, the language switch and personal
//! access tokens.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use crate::auth::model::check_password_policy;
use crate::auth::store;
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::Lang;
use crate::platform::web::{
    local_path, render, render_status, see_other, set_cookie, FormErrors, PageCtx, LANG_COOKIE,
};
use crate::platform::AppState;

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/account/password", Need::Session, password_form)
        .post("/account/password", Need::Session, password_submit)
        .get("/account/totp", Need::Login, account_totp)
        .post("/account/totp", Need::Login, account_totp_submit)
        .free("code")
        .get("/lang/{code}", Need::Public, switch_lang)
        .get("/account/tokens", Need::Perm("api.tokens"), tokens)
        .post("/account/tokens", Need::Perm("api.tokens"), token_create)
        .with("id", &crate::auth::TOKEN)
        .post("/account/tokens/{id}/revoke", Need::Perm("api.tokens"), token_revoke)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    c: PageCtx,
    errors: FormErrors,
    forced: bool,
}

async fn password_form(c: PageCtx, auth: Auth) -> AppResult<Response> {
    render(&PasswordPage { c, errors: FormErrors::default(), forced: auth.must_change_password })
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

async fn password_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let cfg = &st.config.security;
    let u = store::find_login_user_by_id(&st.db.conn, auth.id).await?.ok_or(AppError::Unauthorized)?;
    let mut errors = FormErrors::default();
    if !st.passwords.verify(Some(&u.password_hash), &f.current).await {
        errors.add("current", c.t("auth.password.wrong_current"));
    }
    for key in check_password_policy(cfg, &u.username, &f.new_password) {
        let msg = c.tf(
            key,
            &[("min", &cfg.password_min_length.to_string()), ("classes", &cfg.password_min_classes.to_string())],
        );
        errors.add("new_password", msg);
    }
    if f.new_password == f.current {
        errors.add("new_password", c.t("auth.password.same"));
    }
    if f.new_password != f.confirm {
        errors.add("confirm", c.t("auth.password.mismatch"));
    }
    if !errors.is_empty() {
        let forced = auth.must_change_password;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { c, errors, forced });
    }
    let hash = st.passwords.hash(&f.new_password).await?;
    let tx = st.db.write().await?;
    store::set_password(&*tx, u.id, &hash, false).await?;
    // Other sessions of this user end: whoever knew the old password is signed out.
    store::delete_user_sessions(&*tx, u.id, Some(auth.session_id)).await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("auth.password.changed")).await?;
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("password_change", "user", u.id).unit(u.unit_id))
        .await?;
    tx.commit().await?;
    Ok(see_other("/"))
}

#[derive(Template)]
#[template(path = "auth/account_totp.html")]
struct AccountTotpPage {
    c: PageCtx,
    /// None when TOTP is on (the page offers to switch it off).
    enrol: Option<super::signin::Enrolment>,
    error: String,
}

async fn account_totp(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let u = store::find_login_user_by_id(&st.db.conn, auth.id).await?.ok_or(AppError::Unauthorized)?;
    if u.totp_enabled {
        return render(&AccountTotpPage { c, enrol: None, error: String::new() });
    }
    let secret = super::signin::pending_secret(&st, &Actor::user(&auth, &c.ip), &u).await?;
    let enrol = Some(super::signin::Enrolment::new(&st, &secret, &u.username));
    render(&AccountTotpPage { c, enrol, error: String::new() })
}

#[derive(Deserialize)]
struct AccountTotpForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

async fn account_totp_submit(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<AccountTotpForm>,
) -> AppResult<Response> {
    let u = store::find_login_user_by_id(&st.db.conn, auth.id).await?.ok_or(AppError::Unauthorized)?;
    let actor = Actor::user(&auth, &c.ip);
    match f.action.as_str() {
        "enable" => {
            let secret = u.totp_secret.clone().unwrap_or_default();
            let tx = st.db.write().await?;
            let (_, accepted) = super::signin::accept_code(&*tx, u.id, &secret, &f.code).await?;
            if !accepted {
                drop(tx);
                let error = c.t("auth.totp.wrong").to_string();
                let enrol = Some(super::signin::Enrolment::new(&st, &secret, &u.username));
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &AccountTotpPage { c, enrol, error });
            }
            store::set_totp(&*tx, u.id, Some(&secret), true).await?;
            crate::platform::web::set_flash(&*tx, auth.session_id, Some("auth.totp.enabled")).await?;
            audit::record(&*tx, &actor, Event::new("totp_enable", "user", u.id).unit(u.unit_id)).await?;
            tx.commit().await?;
            Ok(see_other("/account/totp"))
        }
        "disable" => {
            let admin_required =
                st.config.security.require_totp_for_admins && store::is_admin(&st.db.conn, u.id).await?;
            if admin_required || !st.passwords.verify(Some(&u.password_hash), &f.password).await {
                let error =
                    c.t(if admin_required { "auth.totp.required" } else { "auth.password.wrong_current" }).to_string();
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &AccountTotpPage { c, enrol: None, error });
            }
            let tx = st.db.write().await?;
            store::set_totp(&*tx, u.id, None, false).await?;
            crate::platform::web::set_flash(&*tx, auth.session_id, Some("auth.totp.disabled")).await?;
            audit::record(&*tx, &actor, Event::new("totp_disable", "user", u.id).unit(u.unit_id)).await?;
            tx.commit().await?;
            Ok(see_other("/account/totp"))
        }
        _ => Err(AppError::BadRequest("error.bad_request".into())),
    }
}

async fn switch_lang(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(q): Query<super::signin::NextQuery>,
    State(st): State<AppState>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let mut resp = see_other(&local_path(q.next.as_deref()));
    let cookie = set_cookie(LANG_COOKIE, lang.code(), Some(365 * 24 * 3600), false, st.config.security.secure_cookies);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "auth/tokens.html")]
struct TokensPage {
    c: PageCtx,
    tokens: Vec<store::TokenRow>,
    /// The token just created, shown once.
    new_token: String,
    errors: FormErrors,
}

impl TokensPage {
    fn when(&self, t: &Option<chrono::DateTime<Utc>>) -> String {
        t.as_ref().map(crate::platform::time::local_minutes).unwrap_or_else(|| "—".into())
    }
    fn created(&self, t: &chrono::DateTime<Utc>) -> String {
        crate::platform::time::local_minutes(t)
    }
}

async fn tokens(State(st): State<AppState>, c: PageCtx, auth: Auth) -> AppResult<Response> {
    let tokens = store::list_tokens(&st.db.conn, auth.id).await?;
    render(&TokensPage { c, tokens, new_token: String::new(), errors: FormErrors::default() })
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
    #[serde(default, rename = "_nonce")]
    nonce: String,
}

async fn token_create(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let name = f.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 50 {
        errors.add("name", c.t("tokens.error.name"));
    }
    let days = match f.days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) if (1..=3650).contains(&n) => Some(n),
            _ => {
                errors.add("days", c.t("tokens.error.days"));
                None
            }
        },
    };
    if !errors.is_empty() {
        let tokens = store::list_tokens(&st.db.conn, auth.id).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TokensPage { c, tokens, new_token: String::new(), errors },
        );
    }
    let tx = st.db.write().await?;
    if crate::platform::once::claim(&*tx, &f.nonce, auth.id).await?.is_some() {
        drop(tx);
        crate::platform::web::set_flash(&st.db.conn, auth.session_id, Some("common.duplicate")).await?;
        return Ok(see_other("/account/tokens"));
    }
    let expires = days.map(|d| Utc::now() + chrono::Duration::days(d));
    let (id, token) = store::create_token(&*tx, auth.id, &name, expires).await?;
    crate::platform::once::complete(&*tx, &f.nonce, "/account/tokens").await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("create", "api_token", id)
            .unit(auth.unit_id)
            .after(&serde_json::json!({"name": name, "prefix": &token[..11], "expires_at": expires})),
    )
    .await?;
    tx.commit().await?;
    let tokens = store::list_tokens(&st.db.conn, auth.id).await?;
    render(&TokensPage { c, tokens, new_token: token, errors: FormErrors::default() })
}

async fn token_revoke(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let tx = st.db.write().await?;
    if !store::revoke_token(&*tx, auth.id, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(&*tx, &Actor::user(&auth, &c.ip), Event::new("revoke", "api_token", id).unit(auth.unit_id)).await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some("tokens.revoked")).await?;
    tx.commit().await?;
    Ok(see_other("/account/tokens"))
}
