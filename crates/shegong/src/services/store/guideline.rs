//! The guideline (服务清单指引): categories and their items by year.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::{Deserialize, Serialize};

use crate::platform::db::{count, insert_id, sql};

#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult)]
pub struct CategoryRow {
    pub id: i64,
    pub year: i32,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub sort_order: i32,
    pub projects: i64,
}

impl CategoryRow {
    pub fn is_item(&self) -> bool {
        self.parent_id.is_some()
    }
}

/// The guideline of a year: categories, each followed by its items.
pub async fn guideline<C: ConnectionTrait>(c: &C, year: i32) -> Result<Vec<CategoryRow>, DbErr> {
    let rows = CategoryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT k.id, k.year, k.parent_id, k.code, k.name, k.name_en, k.description, k.sort_order, \
         (SELECT COUNT(*) FROM projects p WHERE p.category_id = k.id) AS projects \
         FROM service_categories k WHERE k.year = ? ORDER BY k.sort_order, k.code",
        vec![year.into()],
    ))
    .all(c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for top in rows.iter().filter(|r| r.parent_id.is_none()) {
        out.push(top.clone());
        out.extend(rows.iter().filter(|r| r.parent_id == Some(top.id)).cloned());
    }
    Ok(out)
}

/// Years that have a guideline, newest first.
pub async fn guideline_years<C: ConnectionTrait>(c: &C) -> Result<Vec<i32>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            "SELECT DISTINCT year FROM service_categories ORDER BY year DESC",
            vec![],
        ))
        .await?;
    rows.into_iter().map(|r| r.try_get_by_index::<i32>(0)).collect()
}

pub async fn category<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<CategoryRow>, DbErr> {
    CategoryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT k.id, k.year, k.parent_id, k.code, k.name, k.name_en, k.description, k.sort_order, \
         (SELECT COUNT(*) FROM projects p WHERE p.category_id = k.id) AS projects FROM service_categories k WHERE k.id = ?",
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// A category of a year found by its code or its name (imports accept either).
pub async fn category_by_code_or_name<C: ConnectionTrait>(
    c: &C,
    year: i32,
    text: &str,
) -> Result<Option<CategoryRow>, DbErr> {
    CategoryRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT k.id, k.year, k.parent_id, k.code, k.name, k.name_en, k.description, k.sort_order, CAST(0 AS BIGINT) AS projects \
         FROM service_categories k WHERE k.year = ? AND (k.code = ? OR k.name = ?) ORDER BY k.parent_id DESC",
        vec![year.into(), text.into(), text.into()],
    ))
    .one(c)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_category<C: ConnectionTrait>(
    c: &C,
    year: i32,
    parent_id: Option<i64>,
    code: &str,
    name: &str,
    name_en: &str,
    description: &str,
    sort_order: i32,
) -> Result<i64, DbErr> {
    insert_id(c, "INSERT INTO service_categories (year, parent_id, code, name, name_en, description, sort_order, created_at) VALUES (?,?,?,?,?,?,?,?)", vec![
                year.into(),
                parent_id.into(),
                code.into(),
                name.into(),
                name_en.into(),
                description.into(),
                sort_order.into(),
                Utc::now().into(),
            ]).await
}

pub async fn category_code_taken<C: ConnectionTrait>(c: &C, year: i32, code: &str) -> Result<bool, DbErr> {
    Ok(count(c, "SELECT COUNT(*) FROM service_categories WHERE year = ? AND code = ?", vec![year.into(), code.into()])
        .await?
        > 0)
}

/// Deletes an unused category (its items must be gone first); false if it is used.
pub async fn delete_category<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    let used = count(
        c,
        "SELECT (SELECT COUNT(*) FROM projects WHERE category_id = ?) + (SELECT COUNT(*) FROM service_categories WHERE parent_id = ?)",
        vec![id.into(), id.into()],
    )
    .await?;
    if used > 0 {
        return Ok(false);
    }
    c.execute(sql(c.get_database_backend(), "DELETE FROM service_categories WHERE id = ?", vec![id.into()])).await?;
    Ok(true)
}

/// Copies the guideline of `from` into the empty year `to`; returns the number of rows written.
pub async fn copy_guideline<C: ConnectionTrait>(c: &C, from: i32, to: i32) -> Result<usize, DbErr> {
    let rows = guideline(c, from).await?;
    let mut new_ids = std::collections::HashMap::new();
    for r in &rows {
        let parent = r.parent_id.and_then(|p| new_ids.get(&p).copied());
        let id = insert_category(c, to, parent, &r.code, &r.name, &r.name_en, &r.description, r.sort_order).await?;
        new_ids.insert(r.id, id);
    }
    Ok(rows.len())
}
