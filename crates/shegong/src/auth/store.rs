//! All SQL of authentication: credentials, lockout, sessions, and loading the signed-in user
//! with their roles, permissions and data scope.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::platform::access::{CurrentUser, DataScope, Scope, UserAccess};
use crate::platform::cache::{AccessCache, Caches, CheckedSession, DataVersions};
use crate::platform::config::SecurityConfig;
use crate::platform::db::{sql, Db};
use crate::platform::web::{random_token, token_hash};

#[derive(Debug, Clone, FromQueryResult)]
pub struct LoginUser {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub totp_enabled: bool,
    pub totp_secret: Option<String>,
    pub unit_id: i64,
}

pub async fn find_login_user<C: ConnectionTrait>(c: &C, username: &str) -> Result<Option<LoginUser>, DbErr> {
    LoginUser::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, username, password_hash, disabled, failed_logins, locked_until, totp_enabled, totp_secret, unit_id FROM users WHERE username = ?",
        vec![username.into()],
    ))
    .one(c)
    .await
}

pub async fn find_login_user_by_id<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<LoginUser>, DbErr> {
    LoginUser::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, username, password_hash, disabled, failed_logins, locked_until, totp_enabled, totp_secret, unit_id FROM users WHERE id = ?",
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// Counts a failed sign-in in one statement (so parallel failures all count) and locks the account
/// when the count it returns reaches the threshold. A lock that has run out starts the count
/// afresh. Returns whether this failure set the lock (to audit it once).
pub async fn record_failed_login<C: ConnectionTrait>(c: &C, user_id: i64, cfg: &SecurityConfig) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let row = c
        .query_one(sql(
            b,
            "UPDATE users SET \
             failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN 1 ELSE failed_logins + 1 END, \
             locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN NULL ELSE locked_until END \
             WHERE id = ? RETURNING failed_logins",
            vec![now.into(), now.into(), user_id.into()],
        ))
        .await?;
    let failed = match row {
        Some(r) => r.try_get_by_index::<i32>(0)?,
        None => return Ok(false),
    };
    if failed < cfg.lockout_threshold {
        return Ok(false);
    }
    let r = c
        .execute(sql(
            b,
            "UPDATE users SET locked_until = ? WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)",
            vec![(now + Duration::minutes(cfg.lockout_minutes)).into(), user_id.into(), now.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Accepts a TOTP time step once: true when it is later than the last step accepted for the user
/// (and records it), false for a replayed or older code. One statement, so two requests with the
/// same code cannot both pass.
pub async fn accept_totp_step<C: ConnectionTrait>(c: &C, user_id: i64, step: i64) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE users SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
            vec![step.into(), user_id.into(), step.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A finished rate-limit window, taken out of the table to be summarised in the audit log.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ThrottleWindow {
    pub kind: String,
    pub subject: String,
    pub window_start: DateTime<Utc>,
    pub attempts: i32,
}

/// Counts one sign-in attempt for a rate-limit key in the window starting at `window_start`.
/// Returns the key's previous window if it was over (removed from the table, for its summary)
/// and the attempts in the current window including this one.
pub async fn throttle_count<C: ConnectionTrait>(
    c: &C,
    kind: &str,
    subject: &str,
    window_start: DateTime<Utc>,
) -> Result<(Option<ThrottleWindow>, i64), DbErr> {
    let b = c.get_database_backend();
    let finished = ThrottleWindow::find_by_statement(sql(
        b,
        "DELETE FROM login_throttle WHERE kind = ? AND subject = ? AND window_start < ? \
         RETURNING kind, subject, window_start, attempts",
        vec![kind.into(), subject.into(), window_start.into()],
    ))
    .one(c)
    .await?;
    let row = c
        .query_one(sql(
            b,
            "INSERT INTO login_throttle (kind, subject, window_start, attempts, audited, limited) VALUES (?, ?, ?, 1, ?, ?) \
             ON CONFLICT (kind, subject) DO UPDATE SET attempts = login_throttle.attempts + 1 RETURNING attempts",
            vec![kind.into(), subject.into(), window_start.into(), false.into(), false.into()],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    Ok((finished, i64::from(row.try_get_by_index::<i32>(0)?)))
}

/// Which once-per-window flag of a rate-limit row to claim.
#[derive(Debug, Clone, Copy)]
pub enum ThrottleFlag {
    /// A failure of this window is in the audit log.
    Audited,
    /// Going over the limit in this window is in the audit log.
    Limited,
}

/// Sets a once-per-window flag; true for the one caller that set it.
pub async fn throttle_claim<C: ConnectionTrait>(
    c: &C,
    kind: &str,
    subject: &str,
    flag: ThrottleFlag,
) -> Result<bool, DbErr> {
    let column = match flag {
        ThrottleFlag::Audited => "audited",
        ThrottleFlag::Limited => "limited",
    };
    let r = c
        .execute(sql(
            c.get_database_backend(),
            &format!("UPDATE login_throttle SET {column} = ? WHERE kind = ? AND subject = ? AND {column} = ?"),
            vec![true.into(), kind.into(), subject.into(), false.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Takes back the attempt a successful sign-in counted.
pub async fn throttle_refund<C: ConnectionTrait>(c: &C, kind: &str, subject: &str) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE login_throttle SET attempts = attempts - 1 WHERE kind = ? AND subject = ? AND attempts > 0",
        vec![kind.into(), subject.into()],
    ))
    .await
    .map(|_| ())
}

/// Removes every window that started before `before` and returns them (for their summaries).
pub async fn throttle_take_finished<C: ConnectionTrait>(
    c: &C,
    before: DateTime<Utc>,
) -> Result<Vec<ThrottleWindow>, DbErr> {
    ThrottleWindow::find_by_statement(sql(
        c.get_database_backend(),
        "DELETE FROM login_throttle WHERE window_start < ? RETURNING kind, subject, window_start, attempts",
        vec![before.into()],
    ))
    .all(c)
    .await
}

pub async fn record_successful_login<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
        vec![Utc::now().into(), user_id.into()],
    ))
    .await
    .map(|_| ())
}

/// Creates a session and returns its token (only its hash is stored).
pub async fn create_session<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    second_factor_pending: bool,
    ip: &str,
    user_agent: &str,
    cfg: &SecurityConfig,
) -> Result<String, DbErr> {
    let token = random_token(32)?;
    let now = Utc::now();
    let ua: String = user_agent.chars().take(200).collect();
    c.execute(sql(
        c.get_database_backend(),
        "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_pending, ip, user_agent, created_at, last_seen_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)",
        vec![
            token_hash(&token).into(),
            user_id.into(),
            random_token(24)?.into(),
            second_factor_pending.into(),
            ip.into(),
            ua.into(),
            now.into(),
            now.into(),
            (now + Duration::hours(cfg.session_absolute_hours)).into(),
        ],
    ))
    .await?;
    Ok(token)
}

#[derive(Debug, FromQueryResult)]
struct SessionRow {
    session_id: i64,
    csrf_token: String,
    second_factor_pending: bool,
    flash: Option<String>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    user_id: i64,
    disabled: bool,
    must_change_password: bool,
    v_access: Option<i64>,
    v_units: Option<i64>,
    v_departments: Option<i64>,
}

/// The `data_version` columns every per-request statement reads (see [`crate::platform::cache`]).
const VERSIONS_SELECT: &str = "dv.access AS v_access, dv.units AS v_units, dv.departments AS v_departments";
const VERSIONS_JOIN: &str = "LEFT JOIN data_version dv ON dv.id = 1";

fn versions(access: Option<i64>, units: Option<i64>, departments: Option<i64>) -> DataVersions {
    DataVersions { access: access.unwrap_or(0), units: units.unwrap_or(0), departments: departments.unwrap_or(0) }
}

/// Loads the user of a session token, or None when the session is unknown, expired (idle or
/// absolute) or the account is disabled. Expired sessions are deleted.
///
/// One statement reads the session, the account's `disabled` and `must_change_password`, and the
/// data versions; the user's names, unit, roles, permissions and scope come from the access cache
/// when it holds them at the versions just read, else from the database (and go into the cache).
/// Any change (on any app node: the versions are bumped in the database) is seen by the next
/// statement. That statement itself is saved for `security.session_recheck_ms` while this process
/// writes nothing ([`crate::platform::cache::Sessions`]): expiry is judged on every request from
/// the times last read, and a write through this process (a sign-out, a revoked role, a flash)
/// sends the next request back to the database.
pub async fn load_session(
    db: &Db,
    caches: &Caches,
    token: &str,
    cfg: &SecurityConfig,
) -> Result<Option<Arc<CurrentUser>>, DbErr> {
    let hash = token_hash(token);
    let now = Utc::now();
    let recheck = std::time::Duration::from_millis(cfg.session_recheck_ms);
    let idle = Duration::minutes(cfg.session_idle_minutes);
    let writes = db.writes();
    if let Some(hit) = caches.sessions.get(&hash, writes, recheck) {
        let seen = now - hit.last_seen_at;
        // Past either limit, or due a `last_seen_at` update: the database decides.
        if now < hit.expires_at && seen <= idle && seen <= Duration::seconds(60) {
            return Ok(Some(hit.user.clone()));
        }
    }
    let c = &db.conn;
    let b = c.get_database_backend();
    let row = SessionRow::find_by_statement(sql(
        b,
        &format!(
            "SELECT s.id AS session_id, s.csrf_token, s.second_factor_pending, s.flash, s.last_seen_at, s.expires_at, \
             s.user_id, u.disabled, u.must_change_password, {VERSIONS_SELECT} \
             FROM sessions s JOIN users u ON u.id = s.user_id {VERSIONS_JOIN} WHERE s.token_hash = ?"
        ),
        vec![hash.clone().into()],
    ))
    .one(c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.disabled || now >= row.expires_at || now - row.last_seen_at > idle {
        delete_session(c, row.session_id).await?;
        return Ok(None);
    }
    let mut last_seen_at = row.last_seen_at;
    if now - row.last_seen_at > Duration::seconds(60) {
        c.execute(sql(b, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", vec![now.into(), row.session_id.into()]))
            .await?;
        last_seen_at = now;
    }
    let versions = versions(row.v_access, row.v_units, row.v_departments);
    let Some(access) = user_access(c, &caches.access, row.user_id, versions).await? else { return Ok(None) };
    let user = Arc::new(CurrentUser {
        access,
        session_id: row.session_id,
        csrf_token: row.csrf_token,
        must_change_password: row.must_change_password,
        second_factor_pending: row.second_factor_pending,
        flash: row.flash,
        versions,
    });
    if !recheck.is_zero() {
        let checked = CheckedSession { user: user.clone(), expires_at: row.expires_at, last_seen_at };
        caches.sessions.put(hash, writes, Arc::new(checked));
    }
    Ok(Some(user))
}

#[derive(Debug, FromQueryResult)]
struct UserRow {
    username: String,
    display_name: String,
    unit_id: i64,
    unit_name: String,
    unit_name_en: String,
    unit_path: String,
}

/// A user's names, unit, roles, permissions and scope: from `cache` when it holds them at
/// `versions`, else loaded (three statements, more for custom and own scopes) and cached.
pub async fn user_access<C: ConnectionTrait>(
    c: &C,
    cache: &AccessCache,
    user_id: i64,
    versions: DataVersions,
) -> Result<Option<Arc<UserAccess>>, DbErr> {
    let tag = versions.access_tag();
    if let Some(hit) = tag.and_then(|t| cache.get(&user_id, t)) {
        return Ok(Some(hit));
    }
    let row = UserRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT u.username, u.display_name, u.unit_id, o.name AS unit_name, o.name_en AS unit_name_en, o.path AS unit_path \
         FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.id = ?",
        vec![user_id.into()],
    ))
    .one(c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (roles, permissions, scope) = load_access(c, user_id, &row.unit_path).await?;
    let access = Arc::new(UserAccess {
        id: user_id,
        username: row.username,
        display_name: row.display_name,
        unit_id: row.unit_id,
        unit_name: row.unit_name,
        unit_name_en: row.unit_name_en,
        unit_path: row.unit_path,
        roles,
        permissions,
        scope,
    });
    if let Some(t) = tag {
        cache.put(user_id, t, access.clone());
    }
    Ok(Some(access))
}

#[derive(Debug, FromQueryResult)]
struct RoleRow {
    code: String,
    data_scope: String,
}

#[derive(Debug, FromQueryResult)]
struct PathRow {
    path: String,
}

#[derive(Debug, FromQueryResult)]
struct PermRow {
    permission: String,
}

/// A user's role codes, permissions and data scope (the union of their roles).
pub async fn load_access<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    unit_path: &str,
) -> Result<(Vec<String>, Vec<String>, Scope), DbErr> {
    let b = c.get_database_backend();
    let roles = RoleRow::find_by_statement(sql(
        b,
        "SELECT r.code, r.data_scope FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = ? ORDER BY r.code",
        vec![user_id.into()],
    ))
    .all(c)
    .await?;
    let perms = PermRow::find_by_statement(sql(
        b,
        "SELECT DISTINCT rp.permission FROM role_permissions rp JOIN user_roles ur ON ur.role_id = rp.role_id WHERE ur.user_id = ? ORDER BY rp.permission",
        vec![user_id.into()],
    ))
    .all(c)
    .await?;
    let mut scope = Scope::default();
    for r in &roles {
        match DataScope::parse(&r.data_scope) {
            Some(DataScope::All) => scope.all = true,
            Some(DataScope::UnitAndBelow) => scope.subtrees.push(unit_path.to_string()),
            Some(DataScope::Unit) => scope.units.push(unit_path.to_string()),
            Some(DataScope::Own) => {
                scope.own_user = Some(user_id);
                scope.own_org = c
                    .query_one(sql(b, "SELECT organisation_id FROM users WHERE id = ?", vec![user_id.into()]))
                    .await?
                    .and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten());
            }
            Some(DataScope::Custom) => {
                let paths = PathRow::find_by_statement(sql(
                    b,
                    "SELECT o.path FROM role_units ru JOIN org_units o ON o.id = ru.unit_id JOIN roles r ON r.id = ru.role_id WHERE r.code = ?",
                    vec![r.code.clone().into()],
                ))
                .all(c)
                .await?;
                scope.subtrees.extend(paths.into_iter().map(|p| p.path));
            }
            None => {}
        }
    }
    scope.subtrees.sort();
    scope.subtrees.dedup();
    Ok((roles.into_iter().map(|r| r.code).collect(), perms.into_iter().map(|p| p.permission).collect(), scope))
}

pub async fn delete_session<C: ConnectionTrait>(c: &C, session_id: i64) -> Result<(), DbErr> {
    c.execute(sql(c.get_database_backend(), "DELETE FROM sessions WHERE id = ?", vec![session_id.into()]))
        .await
        .map(|_| ())
}

/// Ends every session of a user (password change, lock, role change).
pub async fn delete_user_sessions<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    except_session: Option<i64>,
) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "DELETE FROM sessions WHERE user_id = ? AND id <> ?",
        vec![user_id.into(), except_session.unwrap_or(-1).into()],
    ))
    .await
    .map(|_| ())
}

pub async fn purge_expired_sessions<C: ConnectionTrait>(c: &C, cfg: &SecurityConfig) -> Result<u64, DbErr> {
    let now = Utc::now();
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?",
            vec![now.into(), (now - Duration::minutes(cfg.session_idle_minutes)).into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

pub async fn complete_second_factor<C: ConnectionTrait>(c: &C, session_id: i64) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE sessions SET second_factor_pending = ? WHERE id = ?",
        vec![false.into(), session_id.into()],
    ))
    .await
    .map(|_| ())
}

pub async fn set_password<C: ConnectionTrait>(c: &C, user_id: i64, hash: &str, must_change: bool) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = ? WHERE id = ?",
        vec![hash.into(), must_change.into(), Utc::now().into(), Utc::now().into(), user_id.into()],
    ))
    .await
    .map(|_| ())
}

pub async fn set_totp<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    secret: Option<&str>,
    enabled: bool,
) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        // A new or removed secret forgets the last accepted step; enabling keeps the step just accepted.
        "UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = CASE WHEN ? THEN totp_last_step ELSE NULL END, \
         version = version + 1, updated_at = ? WHERE id = ?",
        vec![secret.map(str::to_string).into(), enabled.into(), enabled.into(), Utc::now().into(), user_id.into()],
    ))
    .await
    .map(|_| ())
}

/// Whether the user holds a role with an administrator duty (for the TOTP requirement).
pub async fn is_admin<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<bool, DbErr> {
    let r = c
        .query_one(sql(
            c.get_database_backend(),
            "SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ? AND r.admin_kind IS NOT NULL",
            vec![user_id.into()],
        ))
        .await?;
    Ok(r.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0) > 0)
}

/// A personal access token as listed (never the token itself).
#[derive(Debug, Clone, FromQueryResult, serde::Serialize, utoipa::ToSchema)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    pub fn active(&self) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > Utc::now())
    }
}

/// Creates a token for a user and returns (id, token). The token is shown once; only its
/// SHA-256 is kept.
pub async fn create_token<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(i64, String), DbErr> {
    let token = format!("sg_{}", random_token(24)?);
    let id = crate::platform::db::insert_id(
        c,
        "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at) VALUES (?,?,?,?,?,?)",
        vec![
            user_id.into(),
            name.into(),
            token[..11].to_string().into(),
            token_hash(&token).into(),
            Utc::now().into(),
            expires_at.into(),
        ],
    )
    .await?;
    Ok((id, token))
}

pub async fn list_tokens<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<TokenRow>, DbErr> {
    TokenRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, name, prefix, created_at, last_used_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC",
        vec![user_id.into()],
    ))
    .all(c)
    .await
}

/// Revokes one of the user's own tokens; false when there is no such active token.
pub async fn revoke_token<C: ConnectionTrait>(c: &C, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            vec![Utc::now().into(), id.into(), user_id.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(Debug, FromQueryResult)]
struct TokenUserRow {
    token_id: i64,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    user_id: i64,
    disabled: bool,
    v_access: Option<i64>,
    v_units: Option<i64>,
    v_departments: Option<i64>,
}

/// The user behind an API token, or None if the token is unknown, revoked or expired, the
/// account is disabled, or the user no longer holds `api.tokens` (checked at every use, so taking
/// the permission away or changing the user's roles stops their tokens at once). Like
/// [`load_session`], one statement when the user's access is cached at the current versions.
pub async fn load_token_user<C: ConnectionTrait>(
    c: &C,
    cache: &AccessCache,
    token: &str,
) -> Result<Option<CurrentUser>, DbErr> {
    let b = c.get_database_backend();
    let row = TokenUserRow::find_by_statement(sql(
        b,
        &format!(
            "SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at, t.user_id, u.disabled, {VERSIONS_SELECT} \
             FROM api_tokens t JOIN users u ON u.id = t.user_id {VERSIONS_JOIN} WHERE t.token_hash = ?"
        ),
        vec![token_hash(token).into()],
    ))
    .one(c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = Utc::now();
    if row.disabled || row.revoked_at.is_some() || row.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let versions = versions(row.v_access, row.v_units, row.v_departments);
    let Some(access) = user_access(c, cache, row.user_id, versions).await? else { return Ok(None) };
    if !access.can("api.tokens") {
        return Ok(None);
    }
    if row.last_used_at.is_none_or(|t| now - t > Duration::seconds(60)) {
        c.execute(sql(b, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", vec![now.into(), row.token_id.into()]))
            .await?;
    }
    Ok(Some(CurrentUser {
        access,
        session_id: 0,
        csrf_token: String::new(),
        must_change_password: false,
        second_factor_pending: false,
        flash: None,
        versions,
    }))
}
