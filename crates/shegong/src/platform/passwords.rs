//! argon2id off the async runtime: every hash and verification of a request runs on tokio's
//! blocking pool, and an unknown user name is verified against one dummy hash made once (with the
//! configured parameters), so it costs what a real account costs.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::platform::config::SecurityConfig;
use crate::platform::error::{AppError, AppResult};

pub struct Passwords {
    cfg: SecurityConfig,
    dummy: OnceLock<String>,
}

impl Passwords {
    pub fn new(cfg: &SecurityConfig) -> Arc<Passwords> {
        Arc::new(Passwords { cfg: cfg.clone(), dummy: OnceLock::new() })
    }

    /// Hashes a new password (argon2id with the configured parameters).
    pub async fn hash(self: &Arc<Self>, password: &str) -> AppResult<String> {
        let me = self.clone();
        let password = password.to_string();
        tokio::task::spawn_blocking(move || hash_password(&me.cfg, &password))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(AppError::Internal)
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is no
    /// account (the answer is then always false, after the same work).
    pub async fn verify(self: &Arc<Self>, hash: Option<&str>, password: &str) -> bool {
        let me = self.clone();
        let hash = hash.map(str::to_string);
        let password = password.to_string();
        tokio::task::spawn_blocking(move || match hash {
            Some(h) => verify_password(&h, &password),
            None => {
                let dummy = me.dummy.get_or_init(|| dummy_hash(&me.cfg));
                let _ = verify_password(dummy, &password);
                false
            }
        })
        .await
        .unwrap_or(false)
    }
}

fn hasher(cfg: &SecurityConfig) -> Argon2<'static> {
    let params = Params::new(cfg.password_hash_memory_kib, cfg.password_hash_iterations, 1, None)
        .unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id (parameters from config; they are stored in the hash).
pub fn hash_password(cfg: &SecurityConfig, password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(hasher(cfg).hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("hash: {e}"))?.to_string())
}

/// Verifies a password against a stored hash; a malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// The hash verified against when the user does not exist, so that timing does not tell. Made
/// once per process (`Passwords`); its salt is fixed, as nothing is protected by it.
pub fn dummy_hash(cfg: &SecurityConfig) -> String {
    SaltString::encode_b64(b"shegong-dummy-16")
        .ok()
        .and_then(|salt| hasher(cfg).hash_password(b"not-a-real-password-7c1f", &salt).ok().map(|h| h.to_string()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> SecurityConfig {
        SecurityConfig { password_hash_memory_kib: 1024, password_hash_iterations: 1, ..SecurityConfig::default() }
    }

    #[test]
    fn hashes_verify_and_differ() {
        let c = cfg();
        let h1 = hash_password(&c, "Correct-Horse-9").expect("hash");
        let h2 = hash_password(&c, "Correct-Horse-9").expect("hash");
        assert_ne!(h1, h2, "salted");
        assert!(h1.starts_with("$argon2id$"));
        assert!(verify_password(&h1, "Correct-Horse-9"));
        assert!(!verify_password(&h1, "correct-horse-9"));
        assert!(!verify_password("garbage", "x"));
    }
}
