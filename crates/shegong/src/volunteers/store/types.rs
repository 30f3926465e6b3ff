//! Service types (信息排查, 居家隔离上门服务, …) as managed reference data: every type with
//! whether it is used, adding, renaming, disabling. A type that records or shifts use is never
//! deleted (it is disabled instead: kept for the old records, no longer offered).

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{count, insert_id, sql};

/// A service type as the bureau manages it.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ServiceTypeRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub active: bool,
    pub sort_order: i32,
    pub version: i32,
    /// Whether records or shifts use it (read from the summary, which holds every record's type).
    pub used: bool,
}

const TYPE_SELECT: &str = "SELECT t.id, t.code, t.name, t.name_en, t.active, t.sort_order, t.version, \
     (EXISTS (SELECT 1 FROM volunteer_summary s WHERE s.service_type_id = t.id) \
      OR EXISTS (SELECT 1 FROM volunteer_shifts h WHERE h.service_type_id = t.id)) AS used \
     FROM volunteer_service_types t";

/// Every service type, active ones first, in their order.
pub async fn all_service_types<C: ConnectionTrait>(c: &C) -> Result<Vec<ServiceTypeRow>, DbErr> {
    ServiceTypeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{TYPE_SELECT} ORDER BY t.sort_order, t.id"),
        vec![],
    ))
    .all(c)
    .await
}

pub async fn service_type<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<ServiceTypeRow>, DbErr> {
    ServiceTypeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{TYPE_SELECT} WHERE t.id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// Whether a code is taken (by any type, active or not).
pub async fn type_code_taken<C: ConnectionTrait>(c: &C, code: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM volunteer_service_types WHERE code = ?", vec![code.into()]).await? > 0)
}

/// Whether another type (not `except`) has this Chinese or English name.
pub async fn type_name_taken<C: ConnectionTrait>(
    c: &C,
    name: &str,
    name_en: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    Ok(count(
        c,
        "SELECT COUNT(*) FROM volunteer_service_types WHERE (name = ? OR (name_en = ? AND name_en <> '')) AND id <> ?",
        vec![name.into(), name_en.into(), except.unwrap_or(0).into()],
    )
    .await?
        > 0)
}

pub async fn insert_service_type<C: ConnectionTrait>(
    c: &C,
    code: &str,
    name: &str,
    name_en: &str,
    sort_order: i32,
) -> Result<i64, DbErr> {
    insert_id(
        c,
        "INSERT INTO volunteer_service_types (code, name, name_en, sort_order, active) VALUES (?,?,?,?,TRUE)",
        vec![code.into(), name.into(), name_en.into(), sort_order.into()],
    )
    .await
}

/// Renames (and reorders) a type still at `version`; false for a stale form.
pub async fn update_service_type<C: ConnectionTrait>(
    c: &C,
    id: i64,
    (name, name_en, sort_order): (&str, &str, i32),
    version: i32,
) -> Result<bool, DbErr> {
    Ok(c.execute(sql(
        c.get_database_backend(),
        "UPDATE volunteer_service_types SET name = ?, name_en = ?, sort_order = ?, version = version + 1 \
         WHERE id = ? AND version = ?",
        vec![name.into(), name_en.into(), sort_order.into(), id.into(), version.into()],
    ))
    .await?
    .rows_affected()
        == 1)
}

/// Disables or enables a type still at `version`; false for a stale form.
pub async fn set_service_type_active<C: ConnectionTrait>(
    c: &C,
    id: i64,
    active: bool,
    version: i32,
) -> Result<bool, DbErr> {
    Ok(c.execute(sql(
        c.get_database_backend(),
        "UPDATE volunteer_service_types SET active = ?, version = version + 1 WHERE id = ? AND version = ?",
        vec![active.into(), id.into(), version.into()],
    ))
    .await?
    .rows_affected()
        == 1)
}

/// Deletes a type that nothing uses (checked again in the statement); false when it is used
/// or stale.
pub async fn delete_service_type<C: ConnectionTrait>(c: &C, id: i64, version: i32) -> Result<bool, DbErr> {
    Ok(c.execute(sql(
        c.get_database_backend(),
        "DELETE FROM volunteer_service_types WHERE id = ? AND version = ? \
         AND NOT EXISTS (SELECT 1 FROM volunteer_summary s WHERE s.service_type_id = volunteer_service_types.id) \
         AND NOT EXISTS (SELECT 1 FROM volunteer_shifts h WHERE h.service_type_id = volunteer_service_types.id)",
        vec![id.into(), version.into()],
    ))
    .await?
    .rows_affected()
        == 1)
}
