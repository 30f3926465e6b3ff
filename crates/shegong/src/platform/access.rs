//! Access control: named permissions, predefined roles, data scopes over the org-unit tree,
//! and the route table through which every route declares what it needs.
//!
//! * A permission is a name such as `units.write`; a role is a set of them plus a data scope.
//! * A user's data scope is the union of their roles' scopes, anchored at the user's own unit.
//! * Every route is registered with [`Routes::get`]/[`Routes::post`] and a [`Need`]; the check
//!   runs on the server before the handler. The table of all routes is kept so that a test can
//!   walk every route with every role.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use sea_orm::Value;

use crate::platform::error::{error_page, AppError};
use crate::platform::AppState;

/// Every permission the platform knows, a line per domain. Labels are `perm.<name>` in the locale files.
#[rustfmt::skip]
pub const PERMISSIONS: &[&str] = &[
    "dashboard.read",
    "units.read", "units.write",
    "users.read", "users.write",
    "roles.read", "roles.write",
    "users.grant",
    "audit.read",
    "orgs.read", "orgs.write", "orgs.contact_reveal",
    "party.read", "party.write",
    "events.read", "events.write",
    "stations.read", "stations.write",
    "services.read", "services.write", "services.guideline",
    "talent.read", "talent.write", "talent.pii_reveal", "talent.programmes", "talent.fund_read", "talent.fund_write",
    "volunteers.read", "volunteers.write", "volunteers.pii_reveal", "volunteers.types",
    "hotline.call_read", "hotline.call_write", "hotline.case_read",
    "hotline.case_write", "hotline.pii_reveal", "hotline.content", "hotline.admin", "hotline.supervise",
    "review.read", "review.write", "review.publish",
    "api.tokens",
];

/// How far a role's data reaches in the org-unit tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataScope {
    /// Every unit.
    All,
    /// The units listed for the role (and their subtrees).
    Custom,
    /// The user's unit and everything below it.
    UnitAndBelow,
    /// The user's unit only.
    Unit,
    /// Only records the user created or is assigned to.
    Own,
}

impl DataScope {
    pub const ALL: [DataScope; 5] =
        [DataScope::All, DataScope::Custom, DataScope::UnitAndBelow, DataScope::Unit, DataScope::Own];

    pub fn code(self) -> &'static str {
        match self {
            DataScope::All => "all",
            DataScope::Custom => "custom",
            DataScope::UnitAndBelow => "unit_and_below",
            DataScope::Unit => "unit",
            DataScope::Own => "own",
        }
    }

    pub fn parse(s: &str) -> Option<DataScope> {
        DataScope::ALL.into_iter().find(|d| d.code() == s)
    }
}

/// Which of the three separated administrator duties a role carries (三员分立).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminKind {
    System,
    Security,
    Audit,
}

impl AdminKind {
    pub fn code(self) -> &'static str {
        match self {
            AdminKind::System => "system",
            AdminKind::Security => "security",
            AdminKind::Audit => "audit",
        }
    }
    pub fn parse(s: &str) -> Option<AdminKind> {
        [AdminKind::System, AdminKind::Security, AdminKind::Audit].into_iter().find(|k| k.code() == s)
    }
}

/// A predefined role, created by `init` and kept in the database (where admins may edit it).
pub struct RoleSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub scope: DataScope,
    pub admin: Option<AdminKind>,
    pub permissions: &'static [&'static str],
}

const READ_ALL: &[&str] = &[
    "dashboard.read",
    "units.read",
    "orgs.read",
    "party.read",
    "events.read",
    "stations.read",
    "services.read",
    "talent.read",
    "talent.fund_read",
    "volunteers.read",
    "review.read",
];

/// The predefined roles and the demo user that holds each one.
pub const ROLES: &[RoleSpec] = &[
    RoleSpec {
        code: "sysadmin",
        name: "系统管理员",
        name_en: "System administrator",
        scope: DataScope::All,
        admin: Some(AdminKind::System),
        permissions: &["dashboard.read", "units.read", "units.write", "users.read", "users.write", "roles.read"],
    },
    RoleSpec {
        code: "secadmin",
        name: "安全管理员",
        name_en: "Security administrator",
        scope: DataScope::All,
        admin: Some(AdminKind::Security),
        permissions: &["dashboard.read", "units.read", "users.read", "roles.read", "roles.write", "users.grant"],
    },
    RoleSpec {
        code: "auditadmin",
        name: "审计管理员",
        name_en: "Audit administrator",
        scope: DataScope::All,
        admin: Some(AdminKind::Audit),
        permissions: &["dashboard.read", "audit.read"],
    },
    RoleSpec {
        code: "bureau",
        name: "民政局业务人员",
        name_en: "Bureau officer",
        scope: DataScope::All,
        admin: None,
        permissions: &[
            "dashboard.read",
            "units.read",
            "orgs.read",
            "orgs.write",
            "orgs.contact_reveal",
            "party.read",
            "party.write",
            "events.read",
            "events.write",
            "stations.read",
            "stations.write",
            "services.read",
            "services.write",
            "services.guideline",
            "talent.read",
            "talent.write",
            "talent.pii_reveal",
            "talent.programmes",
            "talent.fund_read",
            "talent.fund_write",
            "volunteers.read",
            "volunteers.write",
            "volunteers.pii_reveal",
            "volunteers.types",
            "review.read",
            "review.write",
            "review.publish",
            "api.tokens",
        ],
    },
    RoleSpec {
        code: "party",
        name: "社会组织党委工作人员",
        name_en: "Party committee officer",
        scope: DataScope::All,
        admin: None,
        permissions: &[
            "dashboard.read",
            "units.read",
            "orgs.read",
            "party.read",
            "party.write",
            "events.read",
            "events.write",
            "stations.read",
            "review.read",
        ],
    },
    RoleSpec {
        code: "station",
        name: "区镇社工站站长",
        name_en: "Station manager",
        scope: DataScope::UnitAndBelow,
        admin: None,
        permissions: &[
            "dashboard.read",
            "units.read",
            "orgs.read",
            "events.read",
            "events.write",
            "stations.read",
            "stations.write",
            "services.read",
            "services.write",
            "talent.read",
            "talent.write",
            "volunteers.read",
            "volunteers.write",
            "review.read",
            "review.write",
        ],
    },
    RoleSpec {
        code: "agency",
        name: "社工机构人员",
        name_en: "Agency staff",
        scope: DataScope::Own,
        admin: None,
        permissions: &["dashboard.read", "services.read", "talent.read"],
    },
    RoleSpec {
        code: "worker",
        name: "社会工作者",
        name_en: "Social worker",
        scope: DataScope::Unit,
        admin: None,
        permissions: &["dashboard.read", "units.read", "volunteers.read", "volunteers.write", "events.read"],
    },
    RoleSpec {
        code: "counsellor",
        name: "热线咨询员",
        name_en: "Hotline counsellor",
        scope: DataScope::Own,
        admin: None,
        permissions: &[
            "dashboard.read",
            "hotline.call_read",
            "hotline.call_write",
            "hotline.case_read",
            "hotline.case_write",
        ],
    },
    RoleSpec {
        code: "supervisor",
        name: "热线督导",
        name_en: "Hotline supervisor",
        scope: DataScope::All,
        admin: None,
        permissions: &[
            "dashboard.read",
            "hotline.call_read",
            "hotline.call_write",
            "hotline.case_read",
            "hotline.case_write",
            "hotline.pii_reveal",
            "hotline.supervise",
        ],
    },
    RoleSpec {
        code: "hotline_admin",
        name: "热线管理员",
        name_en: "Hotline administrator",
        scope: DataScope::All,
        admin: None,
        permissions: &["dashboard.read", "hotline.admin"],
    },
    RoleSpec {
        code: "leader",
        name: "领导（只读）",
        name_en: "Leader (read-only)",
        scope: DataScope::All,
        admin: None,
        permissions: READ_ALL,
    },
];

/// The demo user holding each predefined role: (username, role code, unit path).
pub const DEMO_USERS: &[(&str, &str)] = &[
    ("admin", "sysadmin"),
    ("security", "secadmin"),
    ("auditor", "auditadmin"),
    ("bureau", "bureau"),
    ("party", "party"),
    ("station", "station"),
    ("agency", "agency"),
    ("worker", "worker"),
    ("counsellor", "counsellor"),
    ("supervisor", "supervisor"),
    ("hotline", "hotline_admin"),
    ("leader", "leader"),
];

/// The rows a user may see: the union of their roles' scopes.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Every unit.
    pub all: bool,
    /// Subtrees (materialised unit paths; a path covers itself and everything below).
    pub subtrees: Vec<String>,
    /// Single units (exact paths).
    pub units: Vec<String>,
    /// Records owned by this user id.
    pub own_user: Option<i64>,
    /// With `Own` scope, the organisation (agency) the user works for: records of that
    /// organisation are the user's own too (an agency's staff see its purchased-service projects).
    pub own_org: Option<i64>,
}

impl Scope {
    pub fn all() -> Scope {
        Scope { all: true, ..Scope::default() }
    }

    /// Whether a unit (by its path) lies inside the scope's units. `Own` scope sees no unit by itself.
    pub fn contains_path(&self, path: &str) -> bool {
        self.all || self.subtrees.iter().any(|p| path.starts_with(p.as_str())) || self.units.iter().any(|p| p == path)
    }

    /// SQL (with `?` placeholders) restricting `path_col` (a unit path column) to the scope.
    pub fn path_filter(&self, path_col: &str) -> (String, Vec<Value>) {
        if self.all {
            return ("1=1".into(), vec![]);
        }
        let mut parts = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        for p in &self.subtrees {
            parts.push(format!("{path_col} LIKE ?"));
            vals.push(format!("{p}%").into());
        }
        for p in &self.units {
            parts.push(format!("{path_col} = ?"));
            vals.push(p.clone().into());
        }
        if parts.is_empty() {
            // An empty scope matches nothing.
            return ("1=0".into(), vec![]);
        }
        (format!("({})", parts.join(" OR ")), vals)
    }

    /// SQL restricting a scoped table: its `unit_col` must name a unit inside the scope, or (for
    /// `Own` scope) its `owner_col` must be the user. Every store query that returns scoped data
    /// applies this.
    pub fn unit_filter(&self, unit_col: &str, owner_col: Option<&str>) -> (String, Vec<Value>) {
        if self.all {
            return ("1=1".into(), vec![]);
        }
        let mut parts = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        if !self.subtrees.is_empty() || !self.units.is_empty() {
            let (f, v) = self.path_filter("scope_u.path");
            parts.push(format!("{unit_col} IN (SELECT scope_u.id FROM org_units scope_u WHERE {f})"));
            vals.extend(v);
        }
        if let (Some(uid), Some(col)) = (self.own_user, owner_col) {
            parts.push(format!("{col} = ?"));
            vals.push(uid.into());
        }
        if parts.is_empty() {
            return ("1=0".into(), vec![]);
        }
        (format!("({})", parts.join(" OR ")), vals)
    }
}

/// A condition over the row `t` that a scope reaches, and its values.
pub type ScopeFilter = fn(&Scope) -> (String, Vec<Value>);

/// How a kind of record hangs in the org-unit tree, so that the route guard can tell whether
/// the caller may reach a row of it. The table is read with the alias `t`.
#[derive(Debug, Clone, Copy)]
pub enum Reach {
    /// The row's `unit_id` lies inside the scope, or (own-records scope) its owner column names
    /// the user.
    Unit { owner: Option<&'static str> },
    /// The row is an org unit itself (`t.path` inside the scope).
    UnitItself,
    /// A filter of its own over `t` (e.g. a project is also its agency's staff's own record).
    Custom(ScopeFilter),
    /// Rows of the signed-in user only (this column holds the user id).
    User(&'static str),
    /// City-level reference data (roles, departments, award programmes, agencies' track
    /// records): every holder of the route's permission may read it, so the guard checks only
    /// that the row exists. Writes to it need their own permission.
    Reference,
}

/// A kind of record that routes take by id (`{id}`, `{mid}`, …). Each domain declares its
/// records once (`Record` constants) and registers every id route with them through
/// [`Routes::with`]; the route guard then reads the row through [`Record::reachable`] before any
/// handler runs, so a handler cannot forget the caller's scope. Missing and out-of-scope rows
/// answer the same 404.
#[derive(Debug)]
pub struct Record {
    /// A name for messages and the record-level access test.
    pub name: &'static str,
    /// The table holding the rows (its primary key is `id`).
    pub table: &'static str,
    pub reach: Reach,
    /// For a part of another record: the parent's path parameter and the column naming it
    /// (`/services/projects/{id}/members/{mid}`: the member's `project_id` must be `{id}`).
    pub parent: Option<(&'static str, &'static str)>,
}

impl Record {
    /// A part of another record (a project's member, an organisation's annual report): reached
    /// through its parent, whose path parameter is `parent_param`, named by column `parent_col`.
    pub const fn part_of(
        name: &'static str,
        table: &'static str,
        parent_param: &'static str,
        parent_col: &'static str,
    ) -> Record {
        Record { name, table, reach: Reach::Reference, parent: Some((parent_param, parent_col)) }
    }

    /// SQL (over alias `t`, with `?` placeholders) restricting the table to rows the caller reaches.
    pub fn filter(&self, scope: &Scope, user_id: i64) -> (String, Vec<Value>) {
        match self.reach {
            Reach::Unit { owner } => scope.unit_filter("t.unit_id", owner.map(|o| format!("t.{o}")).as_deref()),
            Reach::UnitItself => scope.path_filter("t.path"),
            Reach::Custom(f) => f(scope),
            Reach::User(col) => (format!("t.{col} = ?"), vec![user_id.into()]),
            Reach::Reference => ("1=1".into(), vec![]),
        }
    }

    /// Whether row `id` exists, belongs to `parent` (for a part of another record) and lies
    /// inside the caller's reach.
    pub async fn reachable<C: sea_orm::ConnectionTrait>(
        &self,
        c: &C,
        scope: &Scope,
        user_id: i64,
        id: i64,
        parent: Option<i64>,
    ) -> Result<bool, sea_orm::DbErr> {
        let (f, fv) = self.filter(scope, user_id);
        let mut vals: Vec<Value> = vec![id.into()];
        let mut q = format!("SELECT 1 AS one FROM {} t WHERE t.id = ?", self.table);
        if let (Some((_, col)), Some(p)) = (self.parent, parent) {
            q.push_str(&format!(" AND t.{col} = ?"));
            vals.push(p.into());
        } else if self.parent.is_some() {
            return Ok(false);
        }
        q.push_str(&format!(" AND {f}"));
        vals.extend(fv);
        let b = c.get_database_backend();
        Ok(c.query_one(crate::platform::db::sql(b, &q, vals)).await?.is_some())
    }
}

/// What a path parameter of a route stands for.
#[derive(Debug, Clone, Copy)]
pub enum Param {
    /// The id of a record, read through the route guard.
    Record(&'static Record),
    /// Not a record (a file name, a language code).
    Free,
}

/// Who a signed-in user is and what they may do: the part of [`CurrentUser`] that is the same
/// for all their sessions, cached between requests (see [`crate::platform::cache`]).
#[derive(Debug, Clone)]
pub struct UserAccess {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's English name ('' when it has none).
    pub unit_name_en: String,
    pub unit_path: String,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub scope: Scope,
}

/// The signed-in user, as loaded for this request by the session middleware: the session's own
/// state, read on every request, and the user's [`UserAccess`] (its fields read through `Deref`:
/// `auth.id`, `auth.scope`, `auth.can(…)`).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub access: Arc<UserAccess>,
    pub session_id: i64,
    pub csrf_token: String,
    pub must_change_password: bool,
    pub second_factor_pending: bool,
    pub flash: Option<String>,
    /// The data versions read with the session (for caches keyed by them).
    pub versions: crate::platform::cache::DataVersions,
}

impl std::ops::Deref for CurrentUser {
    type Target = UserAccess;
    fn deref(&self) -> &UserAccess {
        &self.access
    }
}

impl UserAccess {
    pub fn can(&self, perm: &str) -> bool {
        self.permissions.iter().any(|p| p == perm)
    }

    /// Fails with 403 unless the user holds `perm` (for checks inside handlers, e.g. reveals).
    pub fn require(&self, perm: &str) -> Result<(), AppError> {
        if self.can(perm) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Handlers take `Auth` to get the signed-in user; the route's [`Need`] has already been checked.
#[derive(Debug, Clone)]
pub struct Auth(pub Arc<CurrentUser>);

impl std::ops::Deref for Auth {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Arc<CurrentUser>>().cloned().map(Auth).ok_or(AppError::Unauthorized)
    }
}

/// What a route needs before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone (login page, health checks, static files).
    Public,
    /// A session, even one that still owes a password change or second factor (account pages, logout).
    Session,
    /// A fully signed-in user.
    Login,
    /// A fully signed-in user holding this permission.
    Perm(&'static str),
}

/// One registered route, for documentation and the access-control test.
#[derive(Debug, Clone)]
pub struct RouteDef {
    pub method: Method,
    pub path: &'static str,
    pub need: Need,
    /// The records the route's path parameters name, in path order.
    pub records: Vec<(&'static str, &'static Record)>,
}

/// The names of a route's path parameters (`/a/{id}/b/{mid}` → `id`, `mid`).
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
}

/// The route builder every domain uses: it registers the handler and its [`Need`] together.
pub struct Routes {
    router: Router<AppState>,
    defs: Vec<RouteDef>,
    /// What each path parameter stands for, for the routes registered after [`Routes::with`].
    params: Vec<(&'static str, Param)>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Routes { router: Router::new(), defs: Vec::new(), params: Vec::new() }
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        need: Need,
        mr: axum::routing::MethodRouter<AppState>,
    ) -> Self {
        debug_assert!(
            match need {
                Need::Perm(p) => PERMISSIONS.contains(&p),
                _ => true,
            },
            "unknown permission in route {path}"
        );
        let mut records: Vec<(&'static str, &'static Record)> = Vec::new();
        for name in path_params(path) {
            match self.params.iter().rev().find(|(n, _)| *n == name) {
                Some((n, Param::Record(r))) => records.push((n, r)),
                Some((_, Param::Free)) => {}
                // Registration fails at start-up (and in every test), so no id route can exist
                // without its record: the guard below is never forgotten.
                None => panic!("route {path}: path parameter {{{name}}} has no record declared (Routes::with)"),
            }
        }
        let guarded = records.clone();
        let mr = mr.route_layer(middleware::from_fn(move |req: Request, next: Next| {
            enforce(need, guarded.clone(), req, next)
        }));
        self.router = self.router.route(path, mr);
        self.defs.push(RouteDef { method, path, need, records });
        self
    }

    /// Declares that path parameter `param` of the routes registered next is the id of `record`.
    pub fn with(mut self, param: &'static str, record: &'static Record) -> Self {
        self.params.push((param, Param::Record(record)));
        self
    }

    /// Declares that path parameter `param` of the routes registered next is not a record.
    pub fn free(mut self, param: &'static str) -> Self {
        self.params.push((param, Param::Free));
        self
    }

    pub fn get<H, T>(self, path: &'static str, need: Need, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, need, axum::routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, need: Need, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, need, axum::routing::post(handler))
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.defs.extend(other.defs);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteDef>) {
        (self.router, self.defs)
    }
}

async fn enforce(need: Need, records: Vec<(&'static str, &'static Record)>, req: Request, next: Next) -> Response {
    if need == Need::Public {
        return next.run(req).await;
    }
    let user = req.extensions().get::<Arc<CurrentUser>>().cloned();
    let is_api = req.uri().path().starts_with("/api/");
    let Some(user) = user else {
        if is_api || req.method() != Method::GET {
            return error_page(StatusCode::UNAUTHORIZED, "error.unauthorized");
        }
        let next_url = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        return Redirect::to(&format!("/login?next={}", urlencode(next_url))).into_response();
    };
    if need != Need::Session {
        if user.second_factor_pending {
            return Redirect::to("/login/totp").into_response();
        }
        if user.must_change_password {
            return Redirect::to("/account/password").into_response();
        }
    }
    // The records named in the path come first: a record outside the caller's reach answers
    // 404 whatever the permission, so that a 403 never tells that it exists.
    let req = if records.is_empty() {
        req
    } else {
        match guard(&user, &records, req).await {
            Ok(req) => req,
            Err(resp) => return resp,
        }
    };
    if let Need::Perm(p) = need {
        if !user.can(p) {
            tracing::info!(user = %user.username, permission = p, path = %req.uri().path(), "access denied");
            metrics::counter!("shegong_access_denied_total").increment(1);
            return AppError::Forbidden.into_response();
        }
    }
    next.run(req).await
}

/// Reads every record a route's path names through its [`Record::reachable`] check.
async fn guard(
    user: &CurrentUser,
    records: &[(&'static str, &'static Record)],
    req: Request,
) -> Result<Request, Response> {
    let (mut parts, body) = req.into_parts();
    let params = match axum::extract::RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(p) => p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>(),
        Err(_) => return Err(AppError::NotFound.into_response()),
    };
    let Some(state) = parts.extensions.get::<AppState>().cloned() else {
        return Err(AppError::Internal(anyhow::anyhow!("route guard: no application state")).into_response());
    };
    let id_of = |name: &str| params.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse::<i64>().ok());
    for (name, record) in records {
        let Some(id) = id_of(name) else {
            return Err(AppError::NotFound.into_response());
        };
        let parent = match record.parent {
            Some((pname, _)) => match id_of(pname) {
                Some(p) => Some(p),
                None => return Err(AppError::NotFound.into_response()),
            },
            None => None,
        };
        match record.reachable(&state.db.conn, &user.scope, user.id, id, parent).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(user = %user.username, record = record.name, id, "record outside the caller's reach");
                return Err(AppError::NotFound.into_response());
            }
            Err(e) => return Err(AppError::Db(e).into_response()),
        }
    }
    Ok(Request::from_parts(parts, body))
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).map(|e| e[2..].to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_permission_is_known_and_duties_are_separated() {
        for r in ROLES {
            for p in r.permissions {
                assert!(PERMISSIONS.contains(p), "{} has unknown permission {p}", r.code);
            }
        }
        // No predefined role holds two of the three administrator duties.
        for r in ROLES {
            let duties = [
                r.permissions.contains(&"users.write"),
                r.permissions.contains(&"users.grant"),
                r.permissions.contains(&"audit.read"),
            ];
            assert!(duties.iter().filter(|d| **d).count() <= 1, "{} mixes admin duties", r.code);
        }
        assert_eq!(DEMO_USERS.len(), ROLES.len());
    }

    #[test]
    fn scope_paths() {
        let s = Scope { subtrees: vec!["/320583/zhoushi/".into()], ..Scope::default() };
        assert!(s.contains_path("/320583/zhoushi/"));
        assert!(s.contains_path("/320583/zhoushi/c01/"));
        assert!(!s.contains_path("/320583/zhouzhuang/"));
        assert!(!s.contains_path("/320583/"));
        assert!(Scope::all().contains_path("/anything/"));
        assert!(!Scope::default().contains_path("/320583/"));
        let u = Scope { units: vec!["/320583/lujia/".into()], ..Scope::default() };
        assert!(u.contains_path("/320583/lujia/"));
        assert!(!u.contains_path("/320583/lujia/c1/"));
    }
}
