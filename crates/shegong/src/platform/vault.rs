//! Personal data kept by the platform but not readable from the database alone: keyed hashes to
//! find a person again (an ID number, a phone, a personal code) and ciphers for the values that
//! the audited reveal right may open.
//!
//! One master key comes from the configuration (`pii.key`, hex or base64, at least 32 bytes; set
//! it from a secret store) or, when unset, from a key file (`pii.key_file`, default
//! `<data_dir>/pii.key`, created with 32 random bytes and mode 0600), exactly as the audit key
//! does. Two keys are derived from it with HMAC-SHA256 over fixed labels: one for the hashes
//! (HMAC-SHA256), one for the cipher (ChaCha20-Poly1305, RFC 8439, a random 96-bit nonce per
//! value, the purpose as associated data so a phone's cipher cannot pass for an ID number's).
//! A cipher is written `v1.<key id>.<base64 nonce ‖ ciphertext ‖ tag>`.
//!
//! Free text (the hotline's call summaries and case notes, issue 14) is sealed with
//! XChaCha20-Poly1305 under a third derived key ([`Vault::seal_text`]): its 192-bit random
//! nonces cannot collide however many notes are written, where a 96-bit random nonce is safe
//! only up to some billions of values under one key. Such a cipher is written
//! `x1.<key id>.<base64 nonce ‖ ciphertext ‖ tag>`; [`Vault::open`] opens both forms.
//!
//! Rotation (`shegong rotate-key`, platform/rekey.rs): a new key goes into `pii.key` with a new
//! `pii.key_id`, the old one into `pii.retired_keys`. Ciphers name their key, so both open; the
//! command re-seals every sealed column with the current key, after which the retired key can go.
//! Hashes cannot be re-made without the values (a personal code is kept only as a hash), so
//! they keep the key `pii.hash_key_id` names (default: the current key) — after a rotation,
//! the old one (docs/SECURITY.md). Like the audit keys, the vault is installed once per process
//! ([`setup`]); one process serves one database.

use std::sync::{Arc, RwLock};

use anyhow::Context;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::platform::config::Config;
use crate::platform::i18n::Msg;
use crate::platform::keyfile;

type HmacSha256 = Hmac<Sha256>;

/// The derived keys of one master key.
pub struct Vault {
    id: String,
    hash: HmacSha256,
    cipher: ChaCha20Poly1305,
    text: XChaCha20Poly1305,
    /// Retired keys: their ciphers still open.
    retired: Vec<Vault>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Where the master key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    Config,
    File(std::path::PathBuf),
    Generated(std::path::PathBuf),
}

fn derive(master: &[u8], label: &str) -> anyhow::Result<[u8; 32]> {
    let mut m = HmacSha256::new_from_slice(master).map_err(|_| anyhow::anyhow!("pii key unusable"))?;
    m.update(label.as_bytes());
    Ok(m.finalize().into_bytes().into())
}

impl Vault {
    /// The vault of a master key (at least 32 bytes) with its id.
    pub fn new(id: &str, master: &[u8]) -> anyhow::Result<Vault> {
        let id_ok =
            !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
        if !id_ok {
            return Err(Msg::new("cli.pii_key.bad_id").arg("id", format!("{id:?}")).into());
        }
        if master.len() < 32 {
            return Err(Msg::new("cli.pii_key.too_short").into());
        }
        let hash = HmacSha256::new_from_slice(&derive(master, "shegong pii hash v1")?)
            .map_err(|_| anyhow::anyhow!("pii hash key unusable"))?;
        let cipher = ChaCha20Poly1305::new_from_slice(&derive(master, "shegong pii cipher v1")?)
            .map_err(|_| anyhow::anyhow!("pii cipher key unusable"))?;
        let text = XChaCha20Poly1305::new_from_slice(&derive(master, "shegong text cipher v1")?)
            .map_err(|_| anyhow::anyhow!("text cipher key unusable"))?;
        Ok(Vault { id: id.to_string(), hash, cipher, text, retired: Vec::new() })
    }

    /// The id of the key that seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// This vault, also opening what the `retired` keys sealed.
    pub fn with_retired(mut self, retired: Vec<Vault>) -> Vault {
        self.retired = retired.into_iter().filter(|r| r.id != self.id).collect();
        self
    }

    /// This vault, hashing with the key `id` (this one or a retired one; empty: this one).
    pub fn hashing_with(mut self, id: &str) -> anyhow::Result<Vault> {
        let id = id.trim();
        if id.is_empty() || id == self.id {
            return Ok(self);
        }
        let r = self.retired.iter().find(|r| r.id == id);
        let r = r.ok_or_else(|| Msg::new("cli.pii_key.no_hash_key").arg("id", id.to_string()))?;
        self.hash = r.hash.clone();
        Ok(self)
    }

    /// `sealed` sealed again with this vault's key, in the same form; `None` when it already is
    /// (or is empty). An error when no key held here opens it.
    pub fn reseal(&self, purpose: &str, sealed: &str) -> anyhow::Result<Option<String>> {
        match Vault::key_id_of(sealed) {
            None if sealed.is_empty() => return Ok(None),
            Some(id) if id == self.id => return Ok(None),
            _ => {}
        }
        let plain = self.open(purpose, sealed)?;
        let again =
            if sealed.starts_with("x1.") { self.seal_text(purpose, &plain)? } else { self.seal(purpose, &plain)? };
        Ok(Some(again))
    }

    /// The keyed hash (hex) of `value` for `purpose` (e.g. `id:resident`, `phone`, `code`): the
    /// same value for another purpose hashes differently.
    pub fn hash(&self, purpose: &str, value: &str) -> String {
        let mut m = self.hash.clone();
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(value.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// Encrypts `plain` for `purpose`.
    pub fn seal(&self, purpose: &str, plain: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
        let ct = self
            .cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plain.as_bytes(), aad: purpose.as_bytes() })
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("v1.{}.{}", self.id, base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)))
    }

    /// Encrypts free text (a note, a summary) for `purpose` with XChaCha20-Poly1305.
    pub fn seal_text(&self, purpose: &str, plain: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; 24];
        getrandom::getrandom(&mut nonce).map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
        let ct = self
            .text
            .encrypt(&XNonce::from(nonce), Payload { msg: plain.as_bytes(), aad: purpose.as_bytes() })
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("x1.{}.{}", self.id, base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)))
    }

    /// The id of the key a sealed value names (`None` when it is not a sealed value).
    pub fn key_id_of(sealed: &str) -> Option<&str> {
        let mut parts = sealed.splitn(3, '.');
        match (parts.next(), parts.next()) {
            (Some("v1" | "x1"), Some(id)) => Some(id),
            _ => None,
        }
    }

    /// Decrypts what [`Vault::seal`] or [`Vault::seal_text`] wrote for `purpose`; an error for
    /// another key, another purpose or a changed cipher.
    pub fn open(&self, purpose: &str, sealed: &str) -> anyhow::Result<String> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(form @ ("v1" | "x1")), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            anyhow::bail!("not a sealed value");
        };
        if id != self.id {
            return match self.retired.iter().find(|r| r.id == id) {
                Some(r) => r.open(purpose, sealed),
                None => anyhow::bail!("sealed with key {id}, which this process does not hold"),
            };
        }
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(body).context("sealed value")?;
        if form == "x1" {
            if bytes.len() < 24 + 16 {
                anyhow::bail!("sealed value too short");
            }
            let (nonce, ct) = bytes.split_at(24);
            let nonce = XNonce::try_from(nonce).map_err(|_| anyhow::anyhow!("nonce"))?;
            let plain = self
                .text
                .decrypt(&nonce, Payload { msg: ct, aad: purpose.as_bytes() })
                .map_err(|_| anyhow::anyhow!("sealed value does not open with this key and purpose"))?;
            return String::from_utf8(plain).context("sealed value is not text");
        }
        if bytes.len() < 12 + 16 {
            anyhow::bail!("sealed value too short");
        }
        let (nonce, ct) = bytes.split_at(12);
        let nonce = Nonce::try_from(nonce).map_err(|_| anyhow::anyhow!("nonce"))?;
        let plain = self
            .cipher
            .decrypt(&nonce, Payload { msg: ct, aad: purpose.as_bytes() })
            .map_err(|_| anyhow::anyhow!("sealed value does not open with this key and purpose"))?;
        String::from_utf8(plain).context("sealed value is not text")
    }

    /// The vault of a configuration: `pii.key` (with `pii.key_id`), else the key file (created
    /// when `create`).
    pub fn from_config(cfg: &Config, create: bool) -> anyhow::Result<(Vault, KeyOrigin)> {
        let (v, origin) = Vault::current_of(cfg, create)?;
        let mut retired = Vec::new();
        for r in &cfg.pii.retired_keys {
            let bytes = crate::platform::audit::parse_key(r.key.expose()).context("pii.retired_keys")?;
            retired.push(Vault::new(r.id.trim(), &bytes)?);
        }
        Ok((v.with_retired(retired).hashing_with(&cfg.pii.hash_key_id)?, origin))
    }

    fn current_of(cfg: &Config, create: bool) -> anyhow::Result<(Vault, KeyOrigin)> {
        if let Some(k) = &cfg.pii.key {
            let bytes = crate::platform::audit::parse_key(k.expose()).context("pii.key")?;
            return Ok((Vault::new(cfg.pii.key_id.trim(), &bytes)?, KeyOrigin::Config));
        }
        let path = cfg.pii_key_file();
        match keyfile::read(keyfile::PII, &path)? {
            Some((id, bytes)) => Ok((Vault::new(&id, &bytes)?, KeyOrigin::File(path))),
            None if create => {
                let (id, bytes) = keyfile::create(keyfile::PII, &path)?;
                Ok((Vault::new(&id, &bytes)?, KeyOrigin::Generated(path)))
            }
            None => Err(Msg::new("cli.pii_key.none").arg("path", path.display().to_string()).into()),
        }
    }
}

static INSTALLED: RwLock<Option<Arc<Vault>>> = RwLock::new(None);

/// Makes `vault` the vault of this process.
pub fn install(vault: Vault) -> Arc<Vault> {
    let v = Arc::new(vault);
    *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = Some(v.clone());
    v
}

/// The installed vault; an error (never a panic) when [`setup`] was not called.
pub fn vault() -> anyhow::Result<Arc<Vault>> {
    INSTALLED
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| anyhow::anyhow!("pii key not loaded (platform::vault::setup was not called)"))
}

/// Loads the vault of `cfg` and installs it. Every process that opens the database calls it
/// once at start, beside `audit::setup`.
pub fn setup(cfg: &Config, create: bool) -> anyhow::Result<KeyOrigin> {
    let (v, origin) = Vault::from_config(cfg, create)?;
    install(v);
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_open_only_with_their_key_and_purpose() {
        let v = Vault::new("k1", &[7u8; 32]).expect("vault");
        let s = v.seal("id", "32058319880808131X").expect("seal");
        assert!(s.starts_with("v1.k1."));
        assert!(!s.contains("3205831988"));
        assert_eq!(v.open("id", &s).expect("open"), "32058319880808131X");
        assert!(v.open("phone", &s).is_err(), "another purpose");
        let other = Vault::new("k1", &[8u8; 32]).expect("vault");
        assert!(other.open("id", &s).is_err(), "another key");
        assert_ne!(v.seal("id", "x").expect("seal"), v.seal("id", "x").expect("seal"), "random nonces");
        let mut bad = s.clone();
        bad.pop();
        assert!(v.open("id", &bad).is_err());
        assert!(v.open("id", "garbage").is_err());
    }

    #[test]
    fn text_seals_use_extended_nonces_and_open_only_with_their_key_and_purpose() {
        let v = Vault::new("k1", &[7u8; 32]).expect("vault");
        let note = "（演示数据）来电者自述近期失眠";
        let s = v.seal_text("hotline.call.summary", note).expect("seal");
        assert!(s.starts_with("x1.k1.") && !s.contains("演示"));
        assert_eq!(Vault::key_id_of(&s), Some("k1"));
        assert_eq!(v.open("hotline.call.summary", &s).expect("open"), note);
        assert!(v.open("hotline.case.note", &s).is_err(), "another purpose");
        assert!(Vault::new("k1", &[8u8; 32]).expect("vault").open("hotline.call.summary", &s).is_err());
        assert_ne!(v.seal_text("p", "x").expect("seal"), v.seal_text("p", "x").expect("seal"));
        // A v1 cipher does not open as text and the other way round (separate derived keys).
        let v1 = v.seal("p", "x").expect("seal");
        let forged = v1.replacen("v1.", "x1.", 1);
        assert!(v.open("p", &forged).is_err());
        assert_eq!(Vault::key_id_of("garbage"), None);
    }

    #[test]
    fn retired_keys_open_and_reseal_and_may_keep_the_hashes() {
        let old = Vault::new("k1", &[7u8; 32]).expect("vault");
        let a = old.seal_text("p", "note").expect("seal");
        let b = old.seal("id", "32058319880808131X").expect("seal");
        let h = old.hash("phone", "13812345678");
        let new = Vault::new("k2", &[8u8; 32]).expect("vault");
        assert!(new.open("p", &a).is_err(), "without the retired key");
        let new = new.with_retired(vec![Vault::new("k1", &[7u8; 32]).expect("vault")]);
        assert_eq!(new.open("p", &a).expect("open"), "note");
        let a2 = new.reseal("p", &a).expect("reseal").expect("changed");
        assert!(a2.starts_with("x1.k2."));
        let b2 = new.reseal("id", &b).expect("reseal").expect("changed");
        assert!(b2.starts_with("v1.k2."));
        assert_eq!(new.reseal("p", &a2).expect("reseal"), None, "already on the current key");
        assert_eq!(new.reseal("p", "").expect("reseal"), None);
        assert_eq!(Vault::new("k2", &[8u8; 32]).expect("vault").open("id", &b2).expect("open"), "32058319880808131X");
        assert_ne!(new.hash("phone", "13812345678"), h);
        let kept = new.hashing_with("k1").expect("hash key");
        assert_eq!(kept.hash("phone", "13812345678"), h);
        assert!(Vault::new("k2", &[8u8; 32]).expect("vault").hashing_with("k9").is_err());
    }

    #[test]
    fn hashes_are_keyed_and_per_purpose() {
        let v = Vault::new("k1", &[7u8; 32]).expect("vault");
        let w = Vault::new("k1", &[9u8; 32]).expect("vault");
        assert_eq!(v.hash("phone", "13812345678"), v.hash("phone", "13812345678"));
        assert_ne!(v.hash("phone", "13812345678"), v.hash("code", "13812345678"));
        assert_ne!(v.hash("phone", "13812345678"), w.hash("phone", "13812345678"));
        assert_eq!(v.hash("phone", "1").len(), 64);
        assert!(Vault::new("k1", &[1u8; 31]).is_err(), "short keys are refused");
        assert!(Vault::new("bad id", &[1u8; 32]).is_err());
    }
}
