//! Uploaded photos and files: type from content (never the name), size limit, stored under the
//! data directory by SHA-256 (identical uploads share one file), served only after the caller's
//! permission and scope are checked by the domain that owns the record.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;
use sha2::{Digest, Sha256};

use std::sync::OnceLock;

use sea_orm::Value;

use crate::platform::access::{Auth, Reach, Record, Scope, ScopeFilter};
use crate::platform::db::sql;
use crate::platform::error::{AppError, AppResult};
use crate::platform::AppState;

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
    let id = crate::platform::db::insert_id(
            c,
            "INSERT INTO attachments (entity, entity_id, unit_id, kind, filename, content_type, size, sha256, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
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
        )
        .await?;
    Ok(id)
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

/// Reads the uploaded file of a multipart form (field `file`) and checks it (type from
/// content, size): the bytes, the file name, the kind and the content type.
pub async fn upload(
    mp: axum::extract::Multipart,
    photos_only: bool,
) -> AppResult<(Vec<u8>, String, &'static str, &'static str)> {
    let mut mp = mp;
    let mut out = None;
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest("files.error.too_large".into()))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("files.error.too_large".into()))?;
            out = Some((bytes.to_vec(), name));
        }
    }
    let (bytes, name) = out.ok_or_else(|| AppError::BadRequest("import.error.no_file".into()))?;
    let (kind, ctype) = check(&bytes, photos_only).map_err(|k| AppError::BadRequest(k.into()))?;
    Ok((bytes, name, kind, ctype))
}

/// The future of a [`FileOwner`]'s read check.
pub type Readable<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<bool>> + Send + 'a>>;

/// How the attachments of one kind of record (`attachments.entity`) are authorised. Each domain
/// that attaches files declares one in its `mod.rs`; `app::file_owners()` lists them and the
/// application registers them at start. An attachment of an unregistered kind is served to
/// nobody.
pub struct FileOwner {
    /// The value of `attachments.entity` (`event`, `evaluation`, `station`, …).
    pub entity: &'static str,
    /// Whether the caller may read the record the attachment belongs to (its permission and its
    /// scope), checked before the file is served.
    pub readable: for<'a> fn(&'a AppState, &'a Auth, &'a Attachment) -> Readable<'a>,
    /// Beyond the unit scope: the attachments of this kind that a scope also reaches, as a
    /// condition over `t` (the attachments row), e.g. an evaluation of a project that agency
    /// staff reach through their agency.
    pub reach: Option<ScopeFilter>,
}

static OWNERS: OnceLock<Vec<&'static FileOwner>> = OnceLock::new();

/// Registers the owners of attachments (once per process; the application calls it when it
/// builds the router, always with the same list).
pub fn register(owners: Vec<&'static FileOwner>) {
    let _ = OWNERS.get_or_init(|| owners);
}

fn owners() -> &'static [&'static FileOwner] {
    OWNERS.get().map(Vec::as_slice).unwrap_or(&[])
}

/// An attachment, reached when its unit lies inside the caller's scope, or through a
/// registered owner's own reach (agency staff and their projects' evaluations). The route then
/// asks the owner whether the caller may read the record it belongs to.
pub static ATTACHMENT: Record =
    Record { name: "attachment", table: "attachments", reach: Reach::Custom(attachment_reach), parent: None };

fn attachment_reach(scope: &Scope) -> (String, Vec<Value>) {
    let (mut cond, mut vals) = scope.unit_filter("t.unit_id", Some("t.created_by"));
    for o in owners() {
        if let Some(reach) = o.reach {
            let (c, v) = reach(scope);
            cond = format!("{cond} OR (t.entity = '{}' AND {c})", o.entity);
            vals.extend(v);
        }
    }
    (format!("({cond})"), vals)
}

/// `GET /attachments/{id}`: the file, after its owner said the caller may read the record it
/// belongs to (404 otherwise, as for a missing one).
pub async fn serve(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let a = get(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let allowed = match owners().iter().find(|o| o.entity == a.entity) {
        Some(o) => (o.readable)(&st, &auth, &a).await?,
        None => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let bytes =
        read(&st.config.data_dir, &a).await.map_err(|e| AppError::Internal(anyhow::anyhow!("attachment {id}: {e}")))?;
    let mut resp = crate::platform::web::download(
        bytes,
        &crate::platform::web::FileName::stored(&a.filename),
        if a.is_photo() { "image/jpeg" } else { "application/octet-stream" },
    )
    .into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&a.content_type) {
        resp.headers_mut().insert(axum::http::header::CONTENT_TYPE, v);
    }
    if a.is_photo() {
        resp.headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, axum::http::HeaderValue::from_static("inline"));
    }
    Ok(resp)
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
