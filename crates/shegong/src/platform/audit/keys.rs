//! The audit keys: the key ring of this process (the signing key and the keys that only
//! verify), where it comes from (configuration or key file), and its installation at start.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::checkpoints::Anchor;
use crate::platform::config::Config;
use crate::platform::db::Db;
use crate::platform::i18n::Msg;
use crate::platform::keyfile;

pub(super) type HmacSha256 = Hmac<Sha256>;

/// One audit key: its id (stored with each row it signs) and the keyed MAC state. `Debug`
/// shows the id only.
#[derive(Clone)]
pub struct AuditKey {
    pub(super) id: String,
    pub(super) mac: HmacSha256,
    /// SHA-256 of the key, to tell whether two entries with one id are the same key.
    pub(super) fingerprint: [u8; 32],
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl AuditKey {
    fn new(id: &str, key: &[u8]) -> anyhow::Result<AuditKey> {
        let id_ok = !id.is_empty()
            && id.len() <= 32
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !id_ok {
            return Err(Msg::new("cli.audit_key.bad_id").arg("id", format!("{id:?}")).into());
        }
        if key.len() < 32 {
            return Err(Msg::new("cli.audit_key.too_short").arg("id", id).into());
        }
        let mac = HmacSha256::new_from_slice(key).map_err(|_| anyhow::anyhow!("audit key {id}: unusable"))?;
        Ok(AuditKey { id: id.to_string(), mac, fingerprint: Sha256::digest(key).into() })
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The audit keys of this process: the one that signs new rows and checkpoints, and every key
/// rows may have been signed with (the signing key, retired keys, the key file).
#[derive(Clone, Debug)]
pub struct Keys {
    pub(super) signing: AuditKey,
    verify: Vec<AuditKey>,
}

/// Where the signing key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `audit.key` in the configuration.
    Config,
    /// The key file, as found.
    File(PathBuf),
    /// The key file, created now.
    Generated(PathBuf),
}

/// Decodes a key written as hex or as base64.
pub fn parse_key(text: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine;
    let t = text.trim();
    if t.len().is_multiple_of(2) && !t.is_empty() && t.chars().all(|c| c.is_ascii_hexdigit()) {
        return hex::decode(t).map_err(|_| anyhow::anyhow!("not hex"));
    }
    base64::engine::general_purpose::STANDARD
        .decode(t)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(t))
        .map_err(|_| Msg::new("cli.audit_key.encoding").into())
}

impl Keys {
    /// A key ring with one key (id and raw bytes, at least 32).
    pub fn new(id: &str, key: &[u8]) -> anyhow::Result<Keys> {
        let k = AuditKey::new(id, key)?;
        Ok(Keys { signing: k.clone(), verify: vec![k] })
    }

    /// Adds a key that only verifies (a retired key). The same id twice must be the same key.
    pub fn retire(mut self, id: &str, key: &[u8]) -> anyhow::Result<Keys> {
        let k = AuditKey::new(id, key)?;
        match self.verify.iter().find(|v| v.id == k.id) {
            Some(v) if v.fingerprint == k.fingerprint => {}
            Some(_) => {
                return Err(Msg::new("cli.audit_key.twice").arg("id", id).into());
            }
            None => self.verify.push(k),
        }
        Ok(self)
    }

    /// The id new rows are signed with.
    pub fn signing_id(&self) -> &str {
        &self.signing.id
    }

    pub(super) fn get(&self, id: &str) -> Option<&AuditKey> {
        self.verify.iter().find(|k| k.id == id)
    }

    /// The keys of a configuration: `audit.key` (with `audit.key_id`) signs, `audit.retired_keys`
    /// verify. Without `audit.key` the key file (`audit.key_file`, default `<data_dir>/audit.key`)
    /// signs; with `create` it is generated (32 random bytes, mode 0600) when missing. A key file
    /// present beside a configured key still verifies the rows it signed.
    pub fn from_config(cfg: &Config, create: bool) -> anyhow::Result<(Keys, KeyOrigin)> {
        let path = cfg.audit_key_file();
        let mut file_key = keyfile::read(keyfile::AUDIT, &path)?;
        let (mut keys, origin) = match &cfg.audit.key {
            Some(k) => {
                let bytes = parse_key(k.expose()).context("audit.key")?;
                (Keys::new(cfg.audit.key_id.trim(), &bytes)?, KeyOrigin::Config)
            }
            None => match file_key.take() {
                Some((id, bytes)) => (Keys::new(&id, &bytes)?, KeyOrigin::File(path.clone())),
                None if create => {
                    let (id, bytes) = keyfile::create(keyfile::AUDIT, &path)?;
                    (Keys::new(&id, &bytes)?, KeyOrigin::Generated(path.clone()))
                }
                None => return Err(Msg::new("cli.audit_key.none").arg("path", path.display().to_string()).into()),
            },
        };
        for r in &cfg.audit.retired_keys {
            let bytes = parse_key(r.key.expose()).with_context(|| format!("audit.retired_keys {}", r.id))?;
            keys = keys.retire(r.id.trim(), &bytes)?;
        }
        if let Some((id, bytes)) = file_key {
            keys = keys.retire(&id, &bytes)?;
        }
        Ok((keys, origin))
    }
}

static INSTALLED: RwLock<Option<Arc<Keys>>> = RwLock::new(None);

/// Makes `keys` the keys of this process: [`record`] signs with them and [`verify`] checks with
/// them. One process serves one database, so there is one key ring (set at start).
pub fn install(keys: Keys) -> Arc<Keys> {
    let keys = Arc::new(keys);
    *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = Some(keys.clone());
    keys
}

/// The installed keys, if any.
pub fn installed() -> Option<Arc<Keys>> {
    INSTALLED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Loads the keys of `cfg` and installs them, and ties `db` to its checkpoint file. Every
/// process that writes or checks the audit log calls it once at start.
pub fn setup(db: Db, cfg: &Config, create_key: bool) -> anyhow::Result<(Db, KeyOrigin)> {
    let (keys, origin) = Keys::from_config(cfg, create_key)?;
    install(keys);
    let anchor = Anchor::new(
        cfg.audit_checkpoint_file(),
        cfg.audit.checkpoint_rows,
        Duration::from_secs(cfg.audit.checkpoint_minutes.max(1) * 60),
    );
    Ok((db.with_anchor(Arc::new(anchor)), origin))
}
