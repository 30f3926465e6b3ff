//! All SQL of the org-unit tree. Every query that returns units takes the caller's scope.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};

use crate::platform::access::Scope;
use crate::platform::db::{count, insert_id, sql};
use crate::platform::paging::{fetch, Page, PageParams};
use crate::units::model::{Unit, UnitInput, UnitRow};

const UNIT_COLS: &str =
    "id, parent_id, code, name, name_en, kind, depth, path, division_code, sort_order, active, version";

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Unit>, DbErr> {
    Unit::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM org_units WHERE id = ?"),
        vec![id.into()],
    ))
    .one(c)
    .await
}

/// Every active unit inside the scope, in tree order (path), whole rows (exports, and the units
/// an import may name).
pub async fn all<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<Unit>, DbErr> {
    let (sf, vals) = scope.path_filter("path");
    Unit::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM org_units WHERE active = ? AND {sf} ORDER BY path"),
        std::iter::once(Value::from(true)).chain(vals).collect(),
    ))
    .all(c)
    .await
}

/// A unit only if it lies inside the scope.
pub async fn get_scoped<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<Unit>, DbErr> {
    Ok(get(c, id).await?.filter(|u| scope.contains_path(&u.path)))
}

pub async fn get_by_path<C: ConnectionTrait>(c: &C, path: &str) -> Result<Option<Unit>, DbErr> {
    Unit::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM org_units WHERE path = ?"),
        vec![path.into()],
    ))
    .one(c)
    .await
}

/// Filters of the unit list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UnitFilter {
    #[serde(default)]
    pub kind: String,
    /// A tier of the platform (1 city, 2 district/town, 3 community/village): every kind of it.
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub parent: String,
    /// A unit id: the unit and everything below it (a figure's drill-down).
    #[serde(default)]
    pub under: String,
    /// `yes`: units in use only; `no`: retired units only.
    #[serde(default)]
    pub active: String,
}

const ROW_SELECT: &str =
    "SELECT u.id, u.code, u.name, u.name_en, u.kind, u.depth, u.path, u.active, p.name AS parent_name, \
    (SELECT COUNT(*) FROM org_units ch WHERE ch.parent_id = u.id) AS children \
    FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id";

pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &UnitFilter,
    p: &PageParams,
) -> Result<Page<UnitRow>, DbErr> {
    let (sf, mut vals) = scope.path_filter("u.path");
    let mut wh = format!(" WHERE {sf}");
    if let Some(q) = p.search() {
        let lower = q.to_lowercase();
        let (cond, v) = crate::platform::db::contains_any(&[
            ("u.name", q),
            ("LOWER(u.code)", &lower),
            ("LOWER(u.name_en)", &lower),
        ]);
        wh.push_str(&format!(" AND {cond}"));
        vals.extend(v);
    }
    if !f.kind.is_empty() {
        wh.push_str(" AND u.kind = ?");
        vals.push(f.kind.clone().into());
    }
    if let Ok(tier) = f.tier.parse::<u8>() {
        let kinds: Vec<&str> =
            crate::units::model::UnitKind::ALL.into_iter().filter(|k| k.tier() == tier).map(|k| k.code()).collect();
        if kinds.is_empty() {
            wh.push_str(" AND 1 = 0");
        } else {
            wh.push_str(&format!(" AND u.kind IN ({})", vec!["?"; kinds.len()].join(",")));
            vals.extend(kinds.into_iter().map(sea_orm::Value::from));
        }
    }
    if let Ok(pid) = f.parent.parse::<i64>() {
        wh.push_str(" AND u.parent_id = ?");
        vals.push(pid.into());
    }
    if let Ok(id) = f.under.trim().parse::<i64>() {
        wh.push_str(" AND u.path LIKE (SELECT fu.path FROM org_units fu WHERE fu.id = ?) || '%'");
        vals.push(id.into());
    }
    match f.active.as_str() {
        "yes" => {
            wh.push_str(" AND u.active = ?");
            vals.push(true.into());
        }
        "no" => {
            wh.push_str(" AND u.active = ?");
            vals.push(false.into());
        }
        _ => {}
    }
    let order = p.order_by(&[("path", "u.path"), ("name", "u.name"), ("code", "u.code"), ("kind", "u.kind")], "u.id");
    fetch(c, &format!("SELECT COUNT(*) FROM org_units u{wh}"), &format!("{ROW_SELECT}{wh}"), &order, vals, p).await
}

/// The children of a unit that the scope can see, ordered for display.
pub async fn children<C: ConnectionTrait>(c: &C, scope: &Scope, parent_id: i64) -> Result<Vec<UnitRow>, DbErr> {
    let (sf, mut vals) = scope.path_filter("u.path");
    vals.push(parent_id.into());
    UnitRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{ROW_SELECT} WHERE {sf} AND u.parent_id = ? ORDER BY u.sort_order, u.code"),
        vals,
    ))
    .all(c)
    .await
}

/// The top units of a scope: the tree's roots for `all`, else the scope's own units.
pub async fn roots<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<UnitRow>, DbErr> {
    let b = c.get_database_backend();
    if scope.all {
        return UnitRow::find_by_statement(sql(
            b,
            &format!("{ROW_SELECT} WHERE u.parent_id IS NULL ORDER BY u.sort_order, u.code"),
            vec![],
        ))
        .all(c)
        .await;
    }
    let paths: Vec<String> = scope.subtrees.iter().chain(scope.units.iter()).cloned().collect();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; paths.len()].join(",");
    UnitRow::find_by_statement(sql(
        b,
        &format!("{ROW_SELECT} WHERE u.path IN ({marks}) ORDER BY u.path"),
        paths.into_iter().map(Value::from).collect(),
    ))
    .all(c)
    .await
}

/// The ancestors of a unit, from the root down (for breadcrumbs), limited to the scope.
pub async fn ancestors<C: ConnectionTrait>(c: &C, scope: &Scope, unit: &Unit) -> Result<Vec<Unit>, DbErr> {
    let mut prefixes = Vec::new();
    let mut acc = String::from("/");
    for seg in unit.path.trim_matches('/').split('/').filter(|s| !s.is_empty()) {
        acc.push_str(seg);
        acc.push('/');
        if acc != unit.path {
            prefixes.push(acc.clone());
        }
    }
    if prefixes.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; prefixes.len()].join(",");
    let rows = Unit::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM org_units WHERE path IN ({marks}) ORDER BY depth"),
        prefixes.into_iter().map(Value::from).collect(),
    ))
    .all(c)
    .await?;
    Ok(rows.into_iter().filter(|u| scope.contains_path(&u.path)).collect())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct KindCount {
    pub kind: String,
    pub n: i64,
}

/// Active units in the scope (optionally below `under_path`) counted by kind.
pub async fn count_by_kind<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under_path: Option<&str>,
) -> Result<Vec<KindCount>, DbErr> {
    let (sf, mut vals) = scope.path_filter("path");
    let mut wh = format!("WHERE active = ? AND {sf}");
    vals.insert(0, true.into());
    if let Some(p) = under_path {
        wh.push_str(" AND path LIKE ?");
        vals.push(format!("{p}%").into());
    }
    KindCount::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT kind, COUNT(*) AS n FROM org_units {wh} GROUP BY kind"),
        vals,
    ))
    .all(c)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    /// The English name (empty: none; an English page then shows `name`).
    pub name_en: String,
    pub depth: i32,
    pub path: String,
}

/// Units the scope may pick as a parent or a user's unit, in tree order (siblings by their sort
/// order, [`crate::units::model::tree_order`]).
pub async fn options<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<UnitOption>, DbErr> {
    let (sf, vals) = scope.path_filter("path");
    let rows = TreeRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT id, name, name_en, depth, path, parent_id, sort_order, code FROM org_units WHERE active = ? AND {sf}"),
        std::iter::once(Value::from(true)).chain(vals).collect(),
    ))
    .all(c)
    .await?;
    Ok(in_tree_order(rows)
        .into_iter()
        .map(|r| UnitOption { id: r.id, name: r.name, name_en: r.name_en, depth: r.depth, path: r.path })
        .collect())
}

/// An SQL expression that gives `column` (a unit id) its place in the official order of the
/// scope's units (tree order, siblings by their sort order, as [`options`] lists them), for
/// lists ordered by unit; a unit outside them (inactive, or a record owner's) comes last. The
/// ids are the database's own integers, written into the statement.
pub async fn official_order<C: ConnectionTrait>(c: &C, scope: &Scope, column: &str) -> Result<String, DbErr> {
    Ok(order_expr(column, &options(c, scope).await?))
}

/// The expression of [`official_order`] for `units` in their order.
pub fn order_expr(column: &str, units: &[UnitOption]) -> String {
    use std::fmt::Write;
    if units.is_empty() {
        return "0".into();
    }
    let mut s = format!("CASE {column}");
    for (i, u) in units.iter().enumerate() {
        let _ = write!(s, " WHEN {} THEN {i}", u.id);
    }
    let _ = write!(s, " ELSE {} END", units.len());
    s
}

/// A unit with what tree order needs.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TreeRow {
    pub id: i64,
    pub name: String,
    pub name_en: String,
    pub depth: i32,
    pub path: String,
    pub parent_id: Option<i64>,
    pub sort_order: i32,
    pub code: String,
}

/// `rows` in tree order.
pub fn in_tree_order(rows: Vec<TreeRow>) -> Vec<TreeRow> {
    let nodes: Vec<crate::units::model::TreeNode<'_>> =
        rows.iter().map(|r| (r.id, r.parent_id, r.sort_order, r.code.as_str())).collect();
    let order = crate::units::model::tree_order(&nodes);
    let mut slots: Vec<Option<TreeRow>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect()
}

pub async fn path_exists<C: ConnectionTrait>(c: &C, path: &str, except_id: Option<i64>) -> Result<bool, DbErr> {
    let n = count(
        c,
        "SELECT COUNT(*) FROM org_units WHERE path = ? AND id <> ?",
        vec![path.into(), except_id.unwrap_or(-1).into()],
    )
    .await?;
    Ok(n > 0)
}

/// Inserts a unit under `parent` (None for a root) and returns its id.
pub async fn insert<C: ConnectionTrait>(c: &C, input: &UnitInput, path: &str, depth: i32) -> Result<i64, DbErr> {
    let now = Utc::now();
    let vals: Vec<Value> = vec![
        input.parent_id.into(),
        input.code.as_str().into(),
        input.name.clone().into(),
        input.name_en.clone().into(),
        input.kind.code().into(),
        depth.into(),
        path.into(),
        input.division_code.clone().into(),
        input.sort_order.into(),
        true.into(),
        now.into(),
        now.into(),
    ];
    insert_id(
        c,
        "INSERT INTO org_units (parent_id, code, name, name_en, kind, depth, path, division_code, sort_order, active, created_at, updated_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        vals,
    )
    .await
}

/// Updates a unit if its version still matches (optimistic locking), rewriting the paths and
/// depths of its whole subtree when its code or parent changed. Returns false when stale.
pub async fn update<C: ConnectionTrait>(
    c: &C,
    old: &Unit,
    input: &UnitInput,
    new_path: &str,
    new_depth: i32,
    version: i32,
) -> Result<bool, DbErr> {
    let b = c.get_database_backend();
    let r = c
        .execute(sql(
            b,
            "UPDATE org_units SET parent_id = ?, code = ?, name = ?, name_en = ?, kind = ?, depth = ?, path = ?, division_code = ?, sort_order = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![
                input.parent_id.into(),
                input.code.as_str().into(),
                input.name.clone().into(),
                input.name_en.clone().into(),
                input.kind.code().into(),
                new_depth.into(),
                new_path.into(),
                input.division_code.clone().into(),
                input.sort_order.into(),
                Utc::now().into(),
                old.id.into(),
                version.into(),
            ],
        ))
        .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    if new_path != old.path {
        let shift = new_depth - old.depth;
        c.execute(sql(
            b,
            "UPDATE org_units SET path = ? || SUBSTR(path, CAST(? AS INTEGER)), depth = depth + CAST(? AS INTEGER) WHERE path LIKE ? AND id <> ?",
            vec![
                new_path.into(),
                (old.path.chars().count() as i64 + 1).into(),
                shift.into(),
                format!("{}%", old.path).into(),
                old.id.into(),
            ],
        ))
        .await?;
    }
    Ok(true)
}

/// Activates or deactivates a unit (units are never deleted: records hang on them).
pub async fn set_active<C: ConnectionTrait>(c: &C, id: i64, active: bool, version: i32) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE org_units SET active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            vec![active.into(), Utc::now().into(), id.into(), version.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Tree consistency problems: wrong paths or depths, orphans, cycles (for `shegong check`).
pub async fn check_tree<C: ConnectionTrait>(c: &C) -> Result<Vec<crate::platform::i18n::Msg>, DbErr> {
    use crate::platform::i18n::Msg;
    let all = Unit::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM org_units ORDER BY id"),
        vec![],
    ))
    .all(c)
    .await?;
    let by_id: std::collections::HashMap<i64, &Unit> = all.iter().map(|u| (u.id, u)).collect();
    let mut problems = Vec::new();
    for u in &all {
        let (expected_path, expected_depth) = match u.parent_id {
            None => (format!("/{}/", u.code), 0),
            Some(pid) => match by_id.get(&pid) {
                Some(p) => (format!("{}{}/", p.path, u.code), p.depth + 1),
                None => {
                    problems.push(
                        Msg::new("check.unit_parent")
                            .arg("id", u.id.to_string())
                            .arg("name", u.name.as_str())
                            .arg("parent", pid.to_string()),
                    );
                    continue;
                }
            },
        };
        if u.path != expected_path {
            problems.push(
                Msg::new("check.unit_path")
                    .arg("id", u.id.to_string())
                    .arg("name", u.name.as_str())
                    .arg("found", u.path.as_str())
                    .arg("expected", expected_path),
            );
        }
        if u.depth != expected_depth {
            problems.push(
                Msg::new("check.unit_depth")
                    .arg("id", u.id.to_string())
                    .arg("name", u.name.as_str())
                    .arg("found", u.depth.to_string())
                    .arg("expected", expected_depth.to_string()),
            );
        }
    }
    Ok(problems)
}
