//! All SQL of users and roles. User lists are scoped by the user's unit.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::platform::access::{RoleSpec, Scope};
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};
use crate::users::model::{RoleInput, RoleRow, UserInput, UserRow};

fn roles_agg(b: sea_orm::DatabaseBackend) -> &'static str {
    match b {
        sea_orm::DatabaseBackend::Postgres => "(SELECT STRING_AGG(r.name, '、' ORDER BY r.code) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id)",
        _ => "(SELECT GROUP_CONCAT(name, '、') FROM (SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id ORDER BY r.code))",
    }
}

fn user_select(b: sea_orm::DatabaseBackend) -> String {
    format!(
        "SELECT u.id, u.username, u.display_name, u.unit_id, o.name AS unit_name, o.name_en AS unit_name_en, u.phone, u.email, u.disabled, u.locked_until, \
         u.must_change_password, u.totp_enabled, u.last_login_at, u.version, {} AS roles, \
         u.organisation_id, g.name AS organisation_name \
         FROM users u JOIN org_units o ON o.id = u.unit_id LEFT JOIN organisations g ON g.id = u.organisation_id",
        roles_agg(b)
    )
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserFilter {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub status: String,
    /// A unit id: accounts of the unit and everything below it (a figure's drill-down).
    #[serde(default)]
    pub unit: String,
}

pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &UserFilter,
    p: &PageParams,
) -> Result<Page<UserRow>, DbErr> {
    let b = c.get_database_backend();
    let (sf, mut vals) = scope.unit_filter("u.unit_id", Some("u.id"));
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let lower = q.to_lowercase();
        let (cond, v) =
            crate::platform::db::contains_any(&[("LOWER(u.username)", &lower), ("u.display_name", q), ("o.name", q)]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if !f.role.is_empty() {
        wh.push_str(
            " AND u.id IN (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.code = ?)",
        );
        vals.push(f.role.clone().into());
    }
    match f.status.as_str() {
        "disabled" => {
            wh.push_str(" AND u.disabled = ?");
            vals.push(true.into());
        }
        "active" => {
            wh.push_str(" AND u.disabled = ?");
            vals.push(false.into());
        }
        _ => {}
    }
    if let Ok(id) = f.unit.trim().parse::<i64>() {
        wh.push_str(" AND o.path LIKE (SELECT fu.path FROM org_units fu WHERE fu.id = ?) || '%'");
        vals.push(id.into());
    }
    let order = p.order_by(
        &[
            ("username", "u.username"),
            ("name", "u.display_name"),
            ("unit", "o.path"),
            ("last_login", "u.last_login_at"),
        ],
        "u.id",
    );
    fetch(
        c,
        &format!("SELECT COUNT(*) FROM users u JOIN org_units o ON o.id = u.unit_id{wh}"),
        &format!("{}{wh}", user_select(b)),
        &order,
        vals,
        p,
    )
    .await
}

/// A user if inside the scope.
pub async fn get_scoped<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<UserRow>, DbErr> {
    let b = c.get_database_backend();
    let (sf, mut vals) = scope.unit_filter("u.unit_id", Some("u.id"));
    vals.push(id.into());
    UserRow::find_by_statement(sql(b, &format!("{} WHERE {sf} AND u.id = ?", user_select(b)), vals)).one(c).await
}

/// Accounts not disabled in the scope whose unit lies in the subtree of `under` (a unit path).
pub async fn count_active<C: ConnectionTrait>(c: &C, scope: &Scope, under: &str) -> Result<i64, DbErr> {
    let (sf, mut vals) = scope.unit_filter("u.unit_id", Some("u.id"));
    vals.insert(0, false.into());
    vals.push(format!("{under}%").into());
    count(
        c,
        &format!(
            "SELECT COUNT(*) FROM users u WHERE u.disabled = ? AND {sf} \
             AND u.unit_id IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?)"
        ),
        vals,
    )
    .await
}

pub async fn username_taken<C: ConnectionTrait>(c: &C, username: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM users WHERE username = ?", vec![username.into()]).await? > 0)
}

pub async fn insert<C: ConnectionTrait>(
    c: &C,
    u: &UserInput,
    password_hash: &str,
    must_change: bool,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    insert_id(
        c,
        "INSERT INTO users (username, display_name, password_hash, unit_id, phone, email, organisation_id, must_change_password, password_changed_at, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        vec![
            u.username.clone().into(),
            u.display_name.clone().into(),
            password_hash.into(),
            u.unit_id.into(),
            u.phone.clone().into(),
            u.email.clone().into(),
            u.organisation_id.into(),
            must_change.into(),
            now.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// The name of an organisation (to show a user's current one even when it is no longer eligible).
pub async fn organisation_name<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<String>, DbErr> {
    match c
        .query_one(sql(c.get_database_backend(), "SELECT name FROM organisations WHERE id = ?", vec![id.into()]))
        .await?
    {
        Some(r) => Ok(Some(r.try_get_by_index(0)?)),
        None => Ok(None),
    }
}

/// Updates profile fields (and the organisation) if the version matches; false when stale.
pub async fn update<C: ConnectionTrait>(c: &C, id: i64, u: &UserInput, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE users SET display_name = ?, unit_id = ?, phone = ?, email = ?, organisation_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                u.display_name.clone().into(),
                u.unit_id.into(),
                u.phone.clone().into(),
                u.email.clone().into(),
                u.organisation_id.into(),
                Utc::now().into(),
                id.into(),
                version.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn set_disabled<C: ConnectionTrait>(c: &C, id: i64, disabled: bool) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE users SET disabled = ?, failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = ? WHERE id = ?",
        vec![disabled.into(), Utc::now().into(), id.into()],
    ))
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct IdCode {
    pub id: i64,
    pub code: String,
}

pub async fn user_role_codes<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(IdCode::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT r.id, r.code FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ? ORDER BY r.code",
        vec![user_id.into()],
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| r.code)
    .collect())
}

/// Replaces a user's roles.
pub async fn set_user_roles<C: ConnectionTrait>(c: &C, user_id: i64, role_ids: &[i64]) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    c.execute(sql(b, "DELETE FROM user_roles WHERE user_id = ?", vec![user_id.into()])).await?;
    for rid in role_ids {
        c.execute(sql(
            b,
            "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)",
            vec![user_id.into(), (*rid).into()],
        ))
        .await?;
    }
    Ok(())
}

pub async fn roles<C: ConnectionTrait>(c: &C) -> Result<Vec<RoleRow>, DbErr> {
    RoleRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT r.id, r.code, r.name, r.name_en, r.data_scope, r.admin_kind, r.builtin, r.version, \
         (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) AS users FROM roles r ORDER BY r.id",
        vec![],
    ))
    .all(c)
    .await
}

pub async fn role<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<RoleRow>, DbErr> {
    RoleRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT r.id, r.code, r.name, r.name_en, r.data_scope, r.admin_kind, r.builtin, r.version, \
         (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) AS users FROM roles r WHERE r.id = ?",
        vec![id.into()],
    ))
    .one(c)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
struct PermRow {
    permission: String,
}

#[derive(Debug, Clone, FromQueryResult)]
struct UnitIdRow {
    unit_id: i64,
}

pub async fn role_permissions<C: ConnectionTrait>(c: &C, role_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(PermRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT permission FROM role_permissions WHERE role_id = ? ORDER BY permission",
        vec![role_id.into()],
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| r.permission)
    .collect())
}

pub async fn role_units<C: ConnectionTrait>(c: &C, role_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(UnitIdRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT unit_id FROM role_units WHERE role_id = ?",
        vec![role_id.into()],
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| r.unit_id)
    .collect())
}

pub async fn role_code_taken<C: ConnectionTrait>(c: &C, code: &str, except: Option<i64>) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM roles WHERE code = ? AND id <> ?",
        vec![code.into(), except.unwrap_or(-1).into()],
    )
    .await?
        > 0)
}

/// Creates or updates a role (version-checked on update) with its permissions and units.
pub async fn save_role<C: ConnectionTrait>(
    c: &C,
    id: Option<i64>,
    r: &RoleInput,
    version: i32,
    builtin: bool,
) -> Result<Option<i64>, DbErr> {
    let b = c.get_database_backend();
    let now = Utc::now();
    let id = match id {
        Some(id) => {
            let res = c
                .execute(sql(
                    b,
                    "UPDATE roles SET name = ?, name_en = ?, data_scope = ?, admin_kind = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                    vec![r.name.clone().into(), r.name_en.clone().into(), r.data_scope.clone().into(), r.admin_kind.clone().into(), now.into(), id.into(), version.into()],
                ))
                .await?;
            if res.rows_affected() == 0 {
                return Ok(None);
            }
            c.execute(sql(b, "DELETE FROM role_permissions WHERE role_id = ?", vec![id.into()])).await?;
            c.execute(sql(b, "DELETE FROM role_units WHERE role_id = ?", vec![id.into()])).await?;
            id
        }
        None => {
            insert_id(
                c,
                "INSERT INTO roles (code, name, name_en, data_scope, admin_kind, builtin, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                vec![
                    r.code.clone().into(),
                    r.name.clone().into(),
                    r.name_en.clone().into(),
                    r.data_scope.clone().into(),
                    r.admin_kind.clone().into(),
                    builtin.into(),
                    now.into(),
                    now.into(),
                ],
            )
            .await?
        }
    };
    for p in &r.permissions {
        c.execute(sql(
            b,
            "INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)",
            vec![id.into(), p.clone().into()],
        ))
        .await?;
    }
    for u in &r.units {
        c.execute(sql(b, "INSERT INTO role_units (role_id, unit_id) VALUES (?, ?)", vec![id.into(), (*u).into()]))
            .await?;
    }
    Ok(Some(id))
}

/// Creates the predefined roles that do not exist yet (run by `init`).
pub async fn ensure_builtin_roles<C: ConnectionTrait>(c: &C, specs: &[RoleSpec]) -> Result<usize, DbErr> {
    let mut created = 0;
    for s in specs {
        if role_code_taken(c, s.code, None).await? {
            continue;
        }
        let input = RoleInput {
            code: s.code.into(),
            name: s.name.into(),
            name_en: s.name_en.into(),
            data_scope: s.scope.code().into(),
            admin_kind: s.admin.map(|a| a.code().to_string()),
            permissions: s.permissions.iter().map(|p| p.to_string()).collect(),
            units: vec![],
        };
        save_role(c, None, &input, 0, true).await?;
        created += 1;
    }
    Ok(created)
}

pub async fn role_id_by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<i64>, DbErr> {
    Ok(IdCode::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, code FROM roles WHERE code = ?",
        vec![code.into()],
    ))
    .one(c)
    .await?
    .map(|r| r.id))
}

pub async fn user_id_by_username<C: ConnectionTrait>(c: &C, username: &str) -> Result<Option<i64>, DbErr> {
    Ok(IdCode::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, username AS code FROM users WHERE username = ?",
        vec![username.into()],
    ))
    .one(c)
    .await?
    .map(|r| r.id))
}

/// Admin kinds across a set of roles (for the separation-of-duties check on assignment).
pub async fn admin_kinds<C: ConnectionTrait>(c: &C, role_ids: &[i64]) -> Result<Vec<String>, DbErr> {
    let mut kinds = Vec::new();
    for rid in role_ids {
        if let Some(r) = role(c, *rid).await? {
            if let Some(k) = r.admin_kind {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
    }
    Ok(kinds)
}
