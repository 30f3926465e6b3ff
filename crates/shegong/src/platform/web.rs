//! Web helpers shared by every page: the page context templates receive, rendering, cookies,
//! flash messages, form errors, navigation, static assets and security headers.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::platform::access::CurrentUser;
pub use crate::platform::download::{download, export_download, unit_code_of, FileName};
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::{t, tf, Detail, Lang};

pub const SESSION_COOKIE: &str = "sg_session";
pub const CSRF_COOKIE: &str = "sg_csrf";
pub const LANG_COOKIE: &str = "sg_lang";

/// What the session middleware learned about this request.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub lang: Lang,
    pub user: Option<Arc<CurrentUser>>,
    /// The token forms must echo back (`_csrf` field or `X-CSRF-Token` header).
    pub csrf: String,
    /// The client address (see `auth::client_addr`); empty when unknown.
    pub ip: String,
    /// The TCP peer, when the server knows it.
    pub peer: Option<std::net::IpAddr>,
    pub path: String,
    pub htmx: bool,
}

/// The context every page template gets as `c`.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<Arc<CurrentUser>>,
    pub csrf: String,
    pub path: String,
    pub flash: Option<String>,
    pub ip: String,
}

impl PageCtx {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        t(self.lang, key)
    }
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        tf(self.lang, key, args)
    }
    /// The flash message in the page's language: a locale key, or a key with arguments set by
    /// [`set_flash_with`].
    pub fn flash_text(&self) -> Option<String> {
        let f = self.flash.as_deref()?;
        let (key, query) = f.split_once('?').unwrap_or((f, ""));
        let args: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let shown: Vec<(String, String)> = args
            .into_iter()
            .map(|(name, v)| {
                let text = match (v.strip_prefix('@'), v.strip_prefix('=')) {
                    (Some(k), _) => t(self.lang, k).to_string(),
                    (None, Some(x)) => x.to_string(),
                    (None, None) => v,
                };
                (name, text)
            })
            .collect();
        let refs: Vec<(&str, &str)> = shown.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        Some(tf(self.lang, key, &refs))
    }
    /// Whether the flash message reports a refusal (its key is an `….error.…` key): shown as an
    /// alert rather than a confirmation.
    pub fn flash_is_error(&self) -> bool {
        self.flash.as_deref().is_some_and(|f| f.split('?').next().unwrap_or("").contains(".error."))
    }
    /// `x` in brackets as the page's language writes them after a word: `（x）` in Chinese,
    /// ` (x)` in English (`common.paren`).
    pub fn paren(&self, x: impl std::fmt::Display) -> String {
        tf(self.lang, "common.paren", &[("x", &x.to_string())])
    }
    /// A fresh one-time token for a create form (see `platform::once`).
    pub fn nonce(&self) -> Result<String, RandomUnavailable> {
        random_token(16)
    }
    pub fn can(&self, perm: &str) -> bool {
        self.user.as_ref().is_some_and(|u| u.can(perm))
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
    /// The navigation entries this user may open.
    pub fn nav(&self) -> Vec<NavItem> {
        NAV.iter()
            .filter(|n| n.perm.is_empty() || self.can(n.perm))
            .map(|n| NavItem {
                href: n.href,
                label: self.t(n.label).to_string(),
                active: if n.href == "/" { self.path == "/" } else { self.path.starts_with(n.href) },
            })
            .collect()
    }
    /// Picks the Chinese or English variant of a name stored in the database.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::En && !en.is_empty() {
            en
        } else {
            zh
        }
    }
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.display_name.as_str()).unwrap_or("")
    }
    /// The user's unit in the page's language (the Chinese name where it has no English one).
    pub fn unit_name(&self) -> &str {
        self.user.as_ref().map(|u| self.pick(&u.unit_name, &u.unit_name_en)).unwrap_or("")
    }
    /// `part` of `whole` as a percentage with one decimal ("68.0%"): the one formatter of shares
    /// on pages (see `platform::figures::percent_text`).
    pub fn percent<P: std::borrow::Borrow<i64>, W: std::borrow::Borrow<i64>>(&self, part: P, whole: W) -> String {
        self.tf("common.percent", &[("n", &crate::platform::figures::percent_text(*part.borrow(), *whole.borrow()))])
    }
    /// What the user's data scope covers, in words: the whole tree, their unit (and below),
    /// several units, or only their own records (and their agency's).
    pub fn scope_label(&self) -> String {
        let Some(u) = &self.user else { return String::new() };
        let s = &u.scope;
        let unit = self.unit_name();
        let own_path = |p: &String| *p == u.unit_path;
        if s.all {
            self.tf("scope.all", &[("unit", unit)])
        } else if s.subtrees.len() == 1 && s.units.is_empty() && s.subtrees.iter().all(own_path) {
            self.tf("scope.unit_and_below", &[("unit", unit)])
        } else if s.units.len() == 1 && s.subtrees.is_empty() && s.units.iter().all(own_path) {
            self.tf("scope.unit", &[("unit", unit)])
        } else if s.subtrees.is_empty() && s.units.is_empty() {
            self.t(if s.own_org.is_some() { "scope.own_and_agency" } else { "scope.own" }).to_string()
        } else {
            self.tf("scope.custom", &[("n", &(s.subtrees.len() + s.units.len()).to_string())])
        }
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

struct NavDef {
    href: &'static str,
    label: &'static str,
    perm: &'static str,
}

/// Navigation by domain. Domains add their entry here when they land.
const NAV: &[NavDef] = &[
    NavDef { href: "/", label: "nav.home", perm: "dashboard.read" },
    NavDef { href: "/orgs", label: "nav.orgs", perm: "orgs.read" },
    NavDef { href: "/party/coverage", label: "nav.coverage", perm: "orgs.read" },
    NavDef { href: "/party/orgs", label: "nav.party", perm: "party.read" },
    NavDef { href: "/party/plans", label: "nav.plans", perm: "party.read" },
    NavDef { href: "/events", label: "nav.events", perm: "events.read" },
    NavDef { href: "/stations", label: "nav.stations", perm: "stations.read" },
    NavDef { href: "/services", label: "nav.services", perm: "services.read" },
    NavDef { href: "/talent/workers", label: "nav.workers", perm: "talent.read" },
    NavDef { href: "/talent/selections", label: "nav.selections", perm: "talent.read" },
    NavDef { href: "/talent/fund", label: "nav.fund", perm: "talent.fund_read" },
    NavDef { href: "/volunteers", label: "nav.volunteers", perm: "volunteers.read" },
    NavDef { href: "/hotline/calls", label: "nav.hotline", perm: "hotline.call_read" },
    NavDef { href: "/hotline/cases", label: "nav.hotline_cases", perm: "hotline.case_read" },
    NavDef { href: "/hotline/counsellors", label: "nav.hotline_roster", perm: "hotline.admin" },
    NavDef { href: "/hotline/escalations", label: "nav.escalations", perm: "hotline.call_read" },
    NavDef { href: "/review", label: "nav.review", perm: "review.read" },
    NavDef { href: "/units", label: "nav.units", perm: "units.read" },
    NavDef { href: "/admin/users", label: "nav.users", perm: "users.read" },
    NavDef { href: "/admin/roles", label: "nav.roles", perm: "roles.read" },
    NavDef { href: "/admin/audit", label: "nav.audit", perm: "audit.read" },
];

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let rc = parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no request context")))?;
        let flash = rc.user.as_ref().and_then(|u| u.flash.clone());
        Ok(PageCtx { lang: rc.lang, user: rc.user, csrf: rc.csrf, path: rc.path, flash, ip: rc.ip })
    }
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(tpl: &T) -> AppResult<Response> {
    let html = tpl.render().map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(Html(html).into_response())
}

/// Renders a template with a status (e.g. 422 for a form with errors).
pub fn render_status<T: Template>(status: StatusCode, tpl: &T) -> AppResult<Response> {
    let mut r = render(tpl)?;
    *r.status_mut() = status;
    Ok(r)
}

/// A redirect after a successful POST (303, so the browser follows with GET). htmx requests get
/// `HX-Redirect` so the whole page changes.
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v.clone());
        r.headers_mut().insert("HX-Redirect", v);
    }
    r
}

/// One problem of a form field: (field, locale key, detail shown after the message).
pub type FieldProblem = (&'static str, &'static str, Detail);

/// The problems a form's validation found. `push` takes the detail as anything that becomes a
/// [`Detail`]: a user's value as a `String` (empty: none), a `cncodes::CodeError`, a `Msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    pub fn push<D: Into<Detail>>(&mut self, (field, key, detail): (&'static str, &'static str, D)) {
        self.0.push((field, key, detail.into()));
    }
}

impl std::ops::Deref for Problems {
    type Target = [FieldProblem];
    fn deref(&self) -> &[FieldProblem] {
        &self.0
    }
}

impl IntoIterator for Problems {
    type Item = FieldProblem;
    type IntoIter = std::vec::IntoIter<FieldProblem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The message of a field problem in `lang`: the message, and the detail after it.
pub fn problem_message(lang: Lang, key: &str, detail: &Detail) -> String {
    let m = crate::platform::i18n::message(lang, key);
    if detail.is_none() {
        return m;
    }
    tf(lang, "common.with_detail", &[("message", &m), ("detail", &detail.render(lang))])
}

/// Field errors of a submitted form: field name → message (already translated).
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub BTreeMap<String, String>);

impl FormErrors {
    /// Field errors from (field, locale key) pairs, translated for the page.
    pub fn from_keys(c: &PageCtx, errs: Vec<(&'static str, &'static str)>) -> FormErrors {
        let mut e = FormErrors::default();
        for (field, key) in errs {
            e.add(field, crate::platform::i18n::message(c.lang, key));
        }
        e
    }

    /// Field errors from [`Problems`], each with its detail, translated for the page.
    pub fn from_problems(c: &PageCtx, problems: Problems) -> FormErrors {
        let mut e = FormErrors::default();
        for (field, key, detail) in problems {
            e.add(field, problem_message(c.lang, key, &detail));
        }
        e
    }

    pub fn add(&mut self, field: &str, msg: impl Into<String>) {
        self.0.entry(field.to_string()).or_insert_with(|| msg.into());
    }
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Builds a Set-Cookie value. Session cookies are HttpOnly, SameSite=Lax, Path=/, and Secure
/// when configured (always in production behind TLS).
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, http_only: bool, secure: bool) -> String {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if http_only {
        s.push_str("; HttpOnly");
    }
    if secure {
        s.push_str("; Secure");
    }
    if let Some(age) = max_age_secs {
        s.push_str(&format!("; Max-Age={age}"));
    }
    s
}

/// The operating system's random source failed. Nothing can be made secret without it, so the
/// request fails (a 500 "internal error" page, or a database-style error inside stores); a token
/// is never made from anything predictable instead.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomUnavailable;

impl From<RandomUnavailable> for AppError {
    fn from(e: RandomUnavailable) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<RandomUnavailable> for sea_orm::DbErr {
    fn from(e: RandomUnavailable) -> Self {
        sea_orm::DbErr::Custom(e.to_string())
    }
}

/// Fills `buf` from the OS random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), RandomUnavailable> {
    getrandom::getrandom(buf).map_err(|e| {
        tracing::error!(error = %e, "OS random source failed");
        RandomUnavailable
    })
}

/// Random URL-safe token of `bytes` random bytes (hex encoded), or an error when the OS random
/// source fails (never a fallback).
pub fn random_token(bytes: usize) -> Result<String, RandomUnavailable> {
    let mut buf = vec![0u8; bytes];
    random_bytes(&mut buf)?;
    Ok(hex::encode(buf))
}

/// The `version` an edit form carried (optimistic locking): a form that lost or changed it was not
/// sent by our page, so it is a 400, not a field problem.
pub fn form_version(raw: &str) -> AppResult<i32> {
    raw.trim().parse().map_err(|_| AppError::BadRequest("error.bad_request".into()))
}

/// The only way to turn a redirect target taken from the request (`next`, a return-to address)
/// into a `Location`: a same-site absolute path, or `/` for anything else. Refused: anything not
/// starting with exactly one `/` (`//host`, `/\host`, `https://host`), a backslash anywhere, ASCII
/// control characters or whitespace (browsers drop tabs and newlines, so `/\t/host` would become
/// `//host`), the same after percent-decoding (`/%2F%2Fhost`), and anything that still parses to
/// another origin. Characters outside ASCII are percent-encoded, so the result is always a valid
/// header value and a redirect never fails.
pub fn local_path(raw: Option<&str>) -> String {
    raw.and_then(check_local_path).unwrap_or_else(|| "/".to_string())
}

fn check_local_path(raw: &str) -> Option<String> {
    fn hostile(s: &[u8]) -> bool {
        !s.starts_with(b"/")
            || s.starts_with(b"//")
            || s.starts_with(b"/\\")
            || s.iter().any(|&b| b == b'\\' || b.is_ascii_control() || b.is_ascii_whitespace())
    }
    if raw.len() > 2048 || hostile(raw.as_bytes()) || hostile(&percent_decode(raw.as_bytes())) {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        if ch.is_ascii() {
            out.push(ch);
        } else {
            let mut b = [0u8; 4];
            for byte in ch.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    // Whatever a URL parser makes of it, it must stay on the same origin.
    let base = url::Url::parse("http://same-site.invalid/").ok()?;
    let joined = base.join(&out).ok()?;
    (joined.scheme() == "http" && joined.host_str() == Some("same-site.invalid") && joined.port().is_none())
        .then_some(out)
}

/// Percent-decodes bytes (invalid escapes are kept as they are).
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// SHA-256 of a token, as stored in the database (tokens themselves are never stored).
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Security headers on every response.
pub fn security_headers(secure: bool) -> Vec<(header::HeaderName, HeaderValue)> {
    let mut h = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
            ),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        (header::HeaderName::from_static("permissions-policy"), HeaderValue::from_static("camera=(), microphone=(), geolocation=()")),
        (header::HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ];
    if secure {
        h.push((header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000")));
    }
    h
}

/// Static assets compiled into the binary.
pub async fn static_asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, ctype): (&'static [u8], &str) = match name.as_str() {
        "htmx.min.js" => (include_bytes!("../../static/htmx-2.0.11.min.js"), "text/javascript; charset=utf-8"),
        "app.css" => (include_bytes!("../../static/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../../static/app.js"), "text/javascript; charset=utf-8"),
        "favicon.svg" => (include_bytes!("../../static/favicon.svg"), "image/svg+xml"),
        _ => return AppError::NotFound.into_response(),
    };
    ([(header::CONTENT_TYPE, ctype), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The import page of the xlsx kit, shared by every domain's importer: the upload form, the
/// template link, and after an upload either the count written or the problems (the first
/// [`SHOWN_ERRORS`](crate::platform::import::SHOWN_ERRORS), the total, and the whole report as xlsx).
#[derive(Template)]
#[template(path = "layout/import.html")]
pub struct ImportPage {
    pub c: PageCtx,
    pub title_key: &'static str,
    pub action: &'static str,
    pub template_href: &'static str,
    pub back_href: &'static str,
    pub back_key: &'static str,
    pub columns: &'static [crate::platform::xlsx::Column],
    pub report: Option<crate::platform::import::ImportReport>,
    /// Filled in by [`import_upload`] from the report's errors.
    pub error_list: crate::platform::import::ErrorList,
}

/// Reads the `file` field of an upload form; a body over the limit is reported as too large.
pub async fn read_upload(mut mp: axum::extract::Multipart) -> Result<Option<Vec<u8>>, &'static str> {
    let mut bytes = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                if field.name() == Some("file") {
                    match field.bytes().await {
                        Ok(data) => bytes = Some(data.to_vec()),
                        Err(_) => return Err("import.error.too_large"),
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return Err("import.error.too_large"),
        }
    }
    Ok(bytes.filter(|b| !b.is_empty()))
}

/// The problems of a failed import as a page shows them. When a row has a problem, the whole
/// report is kept for the signed-in user (`import::keep_report`) and linked; if it cannot be
/// kept, the page still shows the first problems and the total.
pub async fn error_list(
    c: &PageCtx,
    data_dir: &str,
    errors: &[crate::platform::import::RowError],
    columns: &'static [crate::platform::xlsx::Column],
) -> crate::platform::import::ErrorList {
    use crate::platform::import::{keep_report, ErrorList};
    let mut href = String::new();
    if let Some(user) = c.user.as_ref().filter(|_| errors.iter().any(|e| e.row > 0)) {
        match keep_report(data_dir, user.id, errors.to_vec(), columns).await {
            Ok(h) => href = h,
            Err(e) => tracing::error!(error = %e, "keeping an import report failed"),
        }
    }
    ErrorList::new(c.lang, errors, columns, href)
}

/// Runs an uploaded xlsx through a kind's importer of the registry (`app::exchanges`) as the
/// signed-in user, inside their scope (`parent`: the record a page imports into). Problems of
/// the upload itself ("too large") come back as a report; no file at all is a 400.
pub async fn upload_report(
    st: &crate::platform::AppState,
    c: &PageCtx,
    auth: &crate::platform::access::Auth,
    mp: axum::extract::Multipart,
    exchange: &crate::platform::import::Exchange,
    parent: Option<i64>,
) -> AppResult<crate::platform::import::ImportReport> {
    use crate::platform::import::{Format, ImportCtx, ImportReport, RowError};
    match read_upload(mp).await {
        Ok(Some(bytes)) => {
            let actor = crate::platform::audit::Actor::user(auth, &c.ip);
            let ctx = ImportCtx {
                db: &st.db,
                actor: &actor,
                scope: &auth.scope,
                today: crate::platform::time::today(),
                parent,
            };
            Ok(exchange.import(&ctx, Format::Xlsx, &bytes).await?)
        }
        Ok(None) => Err(AppError::BadRequest("import.error.no_file".into())),
        Err(key) => Ok(ImportReport::refused(vec![RowError::new(0, "", key, "")])),
    }
}

/// Runs an uploaded file through a kind's importer ([`upload_report`]) and answers with the
/// shared import page: 200 with the count written, or 422 with the problems.
pub async fn import_upload(
    st: &crate::platform::AppState,
    c: PageCtx,
    auth: &crate::platform::access::Auth,
    mp: axum::extract::Multipart,
    exchange: &crate::platform::import::Exchange,
    page: fn(PageCtx, Option<crate::platform::import::ImportReport>) -> ImportPage,
) -> AppResult<Response> {
    let report = upload_report(st, &c, auth, mp, exchange, None).await?;
    let status = if report.committed() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut p = page(c, None);
    p.error_list = error_list(&p.c, &st.config.data_dir, &report.errors, p.columns).await;
    p.report = Some(report);
    render_status(status, &p)
}

/// `GET /imports/report/{token}`: the report of the caller's own failed import (404 for anyone
/// else, and after [`REPORT_TTL`](crate::platform::import::REPORT_TTL)).
pub async fn import_report(
    axum::extract::State(st): axum::extract::State<crate::platform::AppState>,
    c: PageCtx,
    auth: crate::platform::access::Auth,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> AppResult<Response> {
    let bytes =
        crate::platform::import::load_report(&st.config.data_dir, auth.id, &token).await.ok_or(AppError::NotFound)?;
    Ok(download(
        bytes,
        &FileName::new("import-problems.xlsx", &format!("{}.xlsx", c.t("import.report_file"))),
        XLSX_TYPE,
    ))
}

/// Leaves a message (a locale key) for the session's next full page, or clears it (`None`).
/// Called inside the write transaction whose outcome it reports.
pub async fn set_flash<C: sea_orm::ConnectionTrait>(
    c: &C,
    session_id: i64,
    message: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    c.execute(crate::platform::db::sql(
        c.get_database_backend(),
        "UPDATE sessions SET flash = ? WHERE id = ?",
        vec![message.map(str::to_string).into(), session_id.into()],
    ))
    .await
    .map(|_| ())
}

/// An argument of a flash message: a locale key, shown translated, or a value shown as it is.
pub enum FlashArg {
    Key(String),
    Value(String),
}

/// Sets a flash message with arguments, shown once on the next page in the reader's language
/// ([`PageCtx::flash_text`]). Kept in the session as `key?name=@a.key&other==value`.
pub async fn set_flash_with<C: sea_orm::ConnectionTrait>(
    c: &C,
    session_id: i64,
    key: &str,
    args: &[(&str, FlashArg)],
) -> Result<(), sea_orm::DbErr> {
    let pairs: Vec<(&str, String)> = args
        .iter()
        .map(|(name, a)| {
            (
                *name,
                match a {
                    FlashArg::Key(k) => format!("@{k}"),
                    FlashArg::Value(v) => format!("={v}"),
                },
            )
        })
        .collect();
    let text = match serde_urlencoded::to_string(&pairs) {
        Ok(q) if !q.is_empty() => format!("{key}?{q}"),
        _ => key.to_string(),
    };
    set_flash(c, session_id, Some(&text)).await
}

#[derive(Template)]
#[template(path = "layout/error_page.html")]
struct ShellErrorPage {
    c: PageCtx,
    status: u16,
    message: String,
}

/// Error pages in the user's language, inside the normal shell with the navigation: every
/// [`AppError`] response of a page request (not `/api/`, not htmx) is rendered again here, where
/// the request's language and user are known. Headers of the original answer (e.g.
/// `Retry-After`) are kept. Runs inside the session layer.
pub async fn error_shell(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let rc = req.extensions().get::<RequestCtx>().cloned();
    let resp = next.run(req).await;
    let Some(rc) = rc else { return resp };
    if rc.htmx || rc.path.starts_with("/api/") {
        return resp;
    }
    let Some(marker) = resp.extensions().get::<crate::platform::error::ErrorMarker>().cloned() else {
        return resp;
    };
    let status = resp.status();
    let c = PageCtx { lang: rc.lang, user: rc.user, csrf: rc.csrf, path: rc.path, flash: None, ip: rc.ip };
    let page =
        ShellErrorPage { status: status.as_u16(), message: crate::platform::i18n::message(c.lang, &marker.key), c };
    let Ok(html) = page.render() else { return resp };
    let mut out = (status, Html(html)).into_response();
    for (name, value) in resp.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out.extensions_mut().insert(marker);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_are_same_site_paths_only() {
        for ok in ["/", "/units?page=2", "/orgs/5/edit", "/orgs?q=%E5%91%A8", "/a/b#frag", "/search?q=a+b"] {
            assert_eq!(local_path(Some(ok)), ok, "{ok:?} is a local path");
        }
        // Characters outside ASCII are kept, encoded, so the header is valid.
        assert_eq!(local_path(Some("/orgs?q=周")), "/orgs?q=%E5%91%A8");
        let hostile = [
            "",
            "evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/a\\b",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/%0d%0aSet-Cookie:a=b",
            "/%0D%0ASet-Cookie:a=b",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%5c%5cevil.example",
            "/ /evil.example",
            "/%20/evil.example",
            "/\u{0}",
            "/%00",
            "/\u{7f}",
            " /",
        ];
        for h in hostile {
            assert_eq!(local_path(Some(h)), "/", "{h:?} must fall back to /");
        }
        assert_eq!(local_path(None), "/");
        assert_eq!(local_path(Some(&format!("/{}", "a".repeat(5000)))), "/", "overlong");
        // Whatever comes out is a valid header value.
        for s in ["/orgs?q=周", "/a\"b", "/<x>"] {
            assert!(HeaderValue::from_str(&local_path(Some(s))).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn random_tokens_are_hex_and_differ() {
        let a = random_token(16).expect("random");
        let b = random_token(16).expect("random");
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
