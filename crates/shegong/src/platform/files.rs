//! Uploaded photos and files: type from content (never the name), size limit, stored under the
//! data directory by SHA-256 (identical uploads share one file), served only after the caller's
//! permission and scope are checked by the domain that owns the record.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::platform::db::sql;

pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// What an upload is, judged by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("photo", "image/jpeg"))
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("photo", "image/png"))
    } else if bytes.starts_with(b"%PDF-") {
        Some(("file", "application/pdf"))
    } else if crate::platform::xlsx::sniff_xlsx(bytes) {
        Some(("file", crate::platform::web::XLSX_TYPE))
    } else if bytes.starts_with(b"PK\x03\x04") && bytes.windows(10).any(|w| w == b"word/docum") {
        Some(("file", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    } else {
        None
    }
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Attachment {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl Attachment {
    pub fn is_photo(&self) -> bool {
        self.kind == "photo"
    }
}

fn path_of(data_dir: &str, sha: &str) -> std::path::PathBuf {
    std::path::Path::new(data_dir).join("attachments").join(&sha[..2]).join(sha)
}

/// Why an upload is refused (a locale key).
pub fn check(bytes: &[u8], photos_only: bool) -> Result<(&'static str, &'static str), &'static str> {
    if bytes.is_empty() {
        return Err("import.error.no_file");
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("files.error.too_large");
    }
    match sniff(bytes) {
        Some((kind, ctype)) if !photos_only || kind == "photo" => Ok((kind, ctype)),
        _ => Err(if photos_only { "files.error.not_photo" } else { "files.error.type" }),
    }
}

/// Writes the bytes (once per content) and records the attachment.
#[allow(clippy::too_many_arguments)]
pub async fn store<C: ConnectionTrait>(
    c: &C,
    data_dir: &str,
    entity: &str,
    entity_id: i64,
    unit_id: i64,
    filename: &str,
    bytes: &[u8],
    kind: &str,
    content_type: &str,
    by: Option<i64>,
) -> anyhow::Result<i64> {
    let sha = hex::encode(Sha256::digest(bytes));
    let path = path_of(data_dir, &sha);
    if !path.exists() {
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension("part");
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
    }
    let name: String = filename.chars().filter(|ch| !ch.is_control() && *ch != '/' && *ch != '\\').take(200).collect();
    let row = c
        .query_one(sql(
            c.get_database_backend(),
            "INSERT INTO attachments (entity, entity_id, unit_id, kind, filename, content_type, size, sha256, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
            vec![
                entity.into(),
                entity_id.into(),
                unit_id.into(),
                kind.into(),
                name.into(),
                content_type.into(),
                (bytes.len() as i64).into(),
                sha.into(),
                by.into(),
                Utc::now().into(),
            ],
        ))
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    Ok(row.try_get_by_index(0)?)
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Attachment>, DbErr> {
    Attachment::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, entity, entity_id, unit_id, kind, filename, content_type, size, sha256 FROM attachments WHERE id = ?",
        vec![id.into()],
    ))
    .one(c)
    .await
}

pub async fn of<C: ConnectionTrait>(c: &C, entity: &str, ids: &[i64]) -> Result<Vec<Attachment>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let marks = vec!["?"; ids.len()].join(",");
    let mut vals: Vec<sea_orm::Value> = vec![entity.into()];
    vals.extend(ids.iter().map(|i| sea_orm::Value::from(*i)));
    Attachment::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT id, entity, entity_id, unit_id, kind, filename, content_type, size, sha256 FROM attachments WHERE entity = ? AND entity_id IN ({marks}) ORDER BY id"),
        vals,
    ))
    .all(c)
    .await
}

/// The stored bytes of an attachment.
pub async fn read(data_dir: &str, a: &Attachment) -> std::io::Result<Vec<u8>> {
    tokio::fs::read(path_of(data_dir, &a.sha256)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_comes_from_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(("photo", "image/jpeg")));
        assert_eq!(sniff(b"%PDF-1.7 ...").map(|x| x.0), Some("file"));
        assert_eq!(sniff(b"<html>not a photo</html>"), None);
        assert_eq!(check(b"GIF89a....", true), Err("files.error.not_photo"));
        assert_eq!(check(b"%PDF-1.4", true), Err("files.error.not_photo"));
        assert!(check(&vec![0xFF; MAX_FILE_BYTES + 1], true).is_err());
    }
}
