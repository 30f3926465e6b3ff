//! Uploaded photos and files: type from content (never the name), size limit, stored under the
//! data directory by SHA-256 (identical uploads share one file), served only after the caller's
//! permission and scope are checked by the domain that owns the record. A photo is checked for
//! its declared size before it is decoded and gets a thumbnail (`platform/images.rs`), stored the
//! same way beside it and served at `/attachments/{id}/thumb` after the same check. Domains attach
//! and remove photos through [`attach`] and [`detach`] (one transaction with the audit row) and
//! show them with `templates/layout/photos.html`.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;
use sha2::{Digest, Sha256};

use std::sync::OnceLock;

use sea_orm::Value;

use crate::platform::access::{Auth, Reach, Record, Scope, ScopeFilter};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::sql;
use crate::platform::error::{AppError, AppResult};
use crate::platform::images::{self, Thumb};
use crate::platform::AppState;

/// The columns of an [`Attachment`].
const COLUMNS: &str = "id, entity, entity_id, unit_id, kind, filename, content_type, size, sha256, thumb_sha256, thumb_width, thumb_height, width, height";

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
    /// The thumbnail of a photo (none for other files and for photos stored before thumbnails).
    pub thumb_sha256: Option<String>,
    pub thumb_width: Option<i64>,
    pub thumb_height: Option<i64>,
    /// A photo's own size.
    pub width: Option<i64>,
    pub height: Option<i64>,
}

impl Attachment {
    pub fn is_photo(&self) -> bool {
        self.kind == "photo"
    }

    /// The address of the photo's thumbnail (the original where it has none).
    pub fn thumb_src(&self) -> String {
        if self.thumb_sha256.is_some() {
            format!("/attachments/{}/thumb", self.id)
        } else {
            format!("/attachments/{}", self.id)
        }
    }

    /// The thumbnail's size (4:3 when unknown).
    fn thumb_size(&self) -> (i64, i64) {
        match (self.thumb_width, self.thumb_height) {
            (Some(w), Some(h)) if w > 0 && h > 0 => (w, h),
            _ => (4, 3),
        }
    }

    /// The width a page shows the thumbnail at, its longest side `side` pixels.
    pub fn shown_width(&self, side: i64) -> i64 {
        let (w, h) = self.thumb_size();
        (side * w / w.max(h)).max(1)
    }

    /// The height a page shows the thumbnail at, its longest side `side` pixels.
    pub fn shown_height(&self, side: i64) -> i64 {
        let (w, h) = self.thumb_size();
        (side * h / w.max(h)).max(1)
    }
}

/// A checked upload: its bytes, the name it came with, what it is by content, and a thumbnail
/// when it is a photo.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub name: String,
    pub kind: &'static str,
    pub content_type: &'static str,
    pub thumb: Option<Thumb>,
}

impl Upload {
    /// Checks bytes as an upload (type from content, size; a photo's declared dimensions, then
    /// its thumbnail, on the blocking pool). Errors are 400 with the reason's locale key.
    pub async fn check(bytes: Vec<u8>, name: String, photos_only: bool) -> AppResult<Upload> {
        let (kind, content_type) = check(&bytes, photos_only).map_err(|k| AppError::BadRequest(k.into()))?;
        if kind != "photo" {
            return Ok(Upload { bytes, name, kind, content_type, thumb: None });
        }
        let (bytes, made) = tokio::task::spawn_blocking(move || {
            let made = images::thumbnail(&bytes, content_type);
            (bytes, made)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("thumbnail task: {e}")))?;
        let thumb = made.map_err(|k| AppError::BadRequest(k.into()))?;
        Ok(Upload { bytes, name, kind, content_type, thumb: Some(thumb) })
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

/// Writes bytes under their SHA-256 (once per content); returns the hash.
async fn put(data_dir: &str, bytes: &[u8]) -> std::io::Result<String> {
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
    Ok(sha)
}

/// Writes the bytes and the thumbnail (once per content) and records the attachment.
pub async fn store<C: ConnectionTrait>(
    c: &C,
    data_dir: &str,
    owner: &Owner,
    up: &Upload,
    by: Option<i64>,
) -> anyhow::Result<i64> {
    let sha = put(data_dir, &up.bytes).await?;
    let thumb_sha = match &up.thumb {
        Some(t) => Some(put(data_dir, &t.bytes).await?),
        None => None,
    };
    let name: String = up.name.chars().filter(|ch| !ch.is_control() && *ch != '/' && *ch != '\\').take(200).collect();
    let t = up.thumb.as_ref();
    let id = crate::platform::db::insert_id(
            c,
            "INSERT INTO attachments (entity, entity_id, unit_id, kind, filename, content_type, size, sha256, created_by, created_at, thumb_sha256, thumb_size, thumb_width, thumb_height, width, height) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            vec![
                owner.entity.into(),
                owner.id.into(),
                owner.unit.into(),
                up.kind.into(),
                name.into(),
                up.content_type.into(),
                (up.bytes.len() as i64).into(),
                sha.into(),
                by.into(),
                Utc::now().into(),
                thumb_sha.into(),
                t.map(|t| t.bytes.len() as i64).into(),
                t.map(|t| i64::from(t.width)).into(),
                t.map(|t| i64::from(t.height)).into(),
                t.map(|t| i64::from(t.source_width)).into(),
                t.map(|t| i64::from(t.source_height)).into(),
            ],
        )
        .await?;
    Ok(id)
}

/// The record an attachment belongs to: its kind (`attachments.entity`), id and unit.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub entity: &'static str,
    pub id: i64,
    pub unit: i64,
}

/// Stores a checked upload for `owner` and records it in the audit log (`attach` of the owner),
/// in one transaction that also leaves the flash message `flash`; the new attachment's id.
pub async fn attach(st: &AppState, auth: &Auth, ip: &str, owner: Owner, up: &Upload, flash: &str) -> AppResult<i64> {
    let tx = st.db.write().await?;
    let aid = store(&*tx, &st.config.data_dir, &owner, up, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(auth, ip),
        Event::new("attach", owner.entity, owner.id)
            .unit(owner.unit)
            .after(&serde_json::json!({"attachment": aid, "filename": up.name, "size": up.bytes.len()})),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some(flash)).await?;
    tx.commit().await?;
    Ok(aid)
}

/// Removes attachment `id` of `owner` (404 when it belongs to another record), audited
/// (`detach` of the owner, with the attachment as it was) in one transaction that also leaves
/// the flash message `flash`. The stored bytes go too once no attachment names them.
pub async fn detach(st: &AppState, auth: &Auth, ip: &str, owner: Owner, id: i64, flash: &str) -> AppResult<()> {
    let tx = st.db.write().await?;
    let a = get(&*tx, id).await?.filter(|a| a.entity == owner.entity && a.entity_id == owner.id);
    let a = a.ok_or(AppError::NotFound)?;
    tx.execute(sql(tx.get_database_backend(), "DELETE FROM attachments WHERE id = ?", vec![id.into()])).await?;
    audit::record(
        &*tx,
        &Actor::user(auth, ip),
        Event::new("detach", owner.entity, owner.id).unit(owner.unit).before(&a),
    )
    .await?;
    crate::platform::web::set_flash(&*tx, auth.session_id, Some(flash)).await?;
    tx.commit().await?;
    for sha in std::iter::once(&a.sha256).chain(a.thumb_sha256.as_ref()) {
        if !referenced(&st.db.conn, sha).await? {
            // A file left behind only costs space; the row is gone either way.
            if let Err(e) = tokio::fs::remove_file(path_of(&st.config.data_dir, sha)).await {
                tracing::warn!(attachment = id, error = %e, "removing a detached file");
            }
        }
    }
    Ok(())
}

/// Whether any attachment (or thumbnail) still names these bytes.
async fn referenced<C: ConnectionTrait>(c: &C, sha: &str) -> Result<bool, DbErr> {
    Ok(c.query_one(sql(
        c.get_database_backend(),
        "SELECT 1 AS one FROM attachments WHERE sha256 = ? OR thumb_sha256 = ?",
        vec![sha.into(), sha.into()],
    ))
    .await?
    .is_some())
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Attachment>, DbErr> {
    Attachment::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {COLUMNS} FROM attachments WHERE id = ?"),
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
        &format!("SELECT {COLUMNS} FROM attachments WHERE entity = ? AND entity_id IN ({marks}) ORDER BY id"),
        vals,
    ))
    .all(c)
    .await
}

/// The stored bytes of an attachment.
pub async fn read(data_dir: &str, a: &Attachment) -> std::io::Result<Vec<u8>> {
    tokio::fs::read(path_of(data_dir, &a.sha256)).await
}

/// The stored thumbnail of a photo (the original where it has none) and its content type.
pub async fn read_thumb(data_dir: &str, a: &Attachment) -> std::io::Result<(Vec<u8>, String)> {
    match &a.thumb_sha256 {
        Some(sha) => Ok((tokio::fs::read(path_of(data_dir, sha)).await?, images::THUMB_TYPE.to_string())),
        None => Ok((read(data_dir, a).await?, a.content_type.clone())),
    }
}

/// Reads the uploaded file of a multipart form (field `file`) and checks it ([`Upload::check`]).
pub async fn upload(mp: axum::extract::Multipart, photos_only: bool) -> AppResult<Upload> {
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
    Upload::check(bytes, name, photos_only).await
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

/// The attachment, when its owner says the caller may read the record it belongs to (404
/// otherwise, as for a missing one).
async fn readable(st: &AppState, auth: &Auth, id: i64) -> AppResult<Attachment> {
    let a = get(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let allowed = match owners().iter().find(|o| o.entity == a.entity) {
        Some(o) => (o.readable)(st, auth, &a).await?,
        None => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// A stored file as a response: a photo inline, anything else as a download under its name.
fn respond(a: &Attachment, bytes: Vec<u8>, content_type: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut resp = crate::platform::web::download(
        bytes,
        &crate::platform::web::FileName::stored(&a.filename),
        if a.is_photo() { "image/jpeg" } else { "application/octet-stream" },
    )
    .into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(axum::http::header::CONTENT_TYPE, v);
    }
    if a.is_photo() {
        resp.headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, axum::http::HeaderValue::from_static("inline"));
    }
    resp
}

/// `GET /attachments/{id}`: the file, after its owner said the caller may read the record it
/// belongs to (404 otherwise, as for a missing one).
pub async fn serve(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<axum::response::Response> {
    let a = readable(&st, &auth, id).await?;
    let bytes =
        read(&st.config.data_dir, &a).await.map_err(|e| AppError::Internal(anyhow::anyhow!("attachment {id}: {e}")))?;
    Ok(respond(&a, bytes, &a.content_type))
}

/// `GET /attachments/{id}/thumb`: a photo's thumbnail (JPEG), after the same check as the
/// original; 404 for a file that is not a photo.
pub async fn serve_thumb(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<axum::response::Response> {
    let a = readable(&st, &auth, id).await?;
    if !a.is_photo() {
        return Err(AppError::NotFound);
    }
    let (bytes, ctype) = read_thumb(&st.config.data_dir, &a)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("thumbnail of attachment {id}: {e}")))?;
    Ok(respond(&a, bytes, &ctype))
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
