//! argon2id off the async runtime: every hash and verification of a request runs on tokio's
//! blocking pool, and an unknown user name is verified against one dummy hash made once (with the
//! configured parameters), so it costs what a real account costs.

use std::sync::{Arc, OnceLock};

use crate::auth::model;
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
        tokio::task::spawn_blocking(move || model::hash_password(&me.cfg, &password))
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
            Some(h) => model::verify_password(&h, &password),
            None => {
                let dummy = me.dummy.get_or_init(|| model::dummy_hash(&me.cfg));
                let _ = model::verify_password(dummy, &password);
                false
            }
        })
        .await
        .unwrap_or(false)
    }
}
