//! The state every request shares: the database, the configuration, metrics and the password
//! hasher. It lives in the platform so that domains depend on it without depending on the
//! application that assembles them (`app.rs`).

use std::sync::Arc;
use std::time::Instant;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::platform::cache::Caches;
use crate::platform::config::{Config, IpNet};
use crate::platform::db::Db;
use crate::platform::passwords::Passwords;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Option<PrometheusHandle>,
    pub started: Instant,
    /// argon2id on the blocking pool, with the one dummy hash for unknown user names.
    pub passwords: Arc<Passwords>,
    /// `server.trusted_proxies`, parsed.
    pub trusted_proxies: Arc<Vec<IpNet>>,
    /// Signed-in users and picker lists, valid while the database's data versions say so.
    pub caches: Arc<Caches>,
}

impl AppState {
    pub fn new(db: Db, config: Config, metrics: Option<PrometheusHandle>) -> AppState {
        config.apply_globals();
        let passwords = Passwords::new(&config.security);
        let trusted_proxies = Arc::new(config.trusted_proxy_nets());
        AppState {
            db,
            config: Arc::new(config),
            metrics,
            started: Instant::now(),
            passwords,
            trusted_proxies,
            caches: Arc::new(Caches::default()),
        }
    }
}
