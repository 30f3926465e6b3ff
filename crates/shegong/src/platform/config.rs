//! Configuration: defaults, then `shegong.toml` (or the file named by `SHEGONG_CONFIG`), then
//! environment variables `SHEGONG_*` (nested keys with `__`, e.g. `SHEGONG_SECURITY__REQUIRE_TOTP_FOR_ADMINS=true`),
//! then command-line flags. See docs/OPERATIONS.md.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on.
    pub addr: String,
    /// `sqlite://path`, a plain file path, or `postgres://…`.
    pub database: String,
    /// Log format: `pretty` or `json`.
    pub log_format: String,
    /// Directory for uploaded files.
    pub data_dir: String,
    pub security: SecurityConfig,
    pub limits: LimitsConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityConfig {
    /// Set the `Secure` flag on cookies (turn off only for plain-HTTP local use).
    pub secure_cookies: bool,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after login after which a session ends regardless of activity.
    pub session_absolute_hours: i64,
    /// Failed logins before an account is locked.
    pub lockout_threshold: i32,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    pub password_min_length: usize,
    /// Number of character classes (lower, upper, digit, symbol) a password must contain.
    pub password_min_classes: usize,
    /// Require a TOTP second factor for users holding an administrator role.
    pub require_totp_for_admins: bool,
    /// Origins accepted for state-changing requests besides the request's own host.
    pub allowed_origins: Vec<String>,
    /// argon2id memory cost in KiB (OWASP: 19456 with 2 iterations).
    pub password_hash_memory_kib: u32,
    pub password_hash_iterations: u32,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    /// Maximum request body in bytes (uploads included).
    pub body_bytes: usize,
    /// Seconds a request may take before it is answered with 503.
    pub request_timeout_secs: u64,
    /// Maximum connections in the database pool.
    pub db_max_connections: u32,
    /// PostgreSQL `statement_timeout` in seconds (a statement running longer is cancelled).
    pub statement_timeout_secs: u64,
    /// The largest amount of one contract, payment or fund entry, in yuan (default
    /// 10,000,000,000; at most 1,000,000,000,000). Forms, imports and the API refuse larger ones.
    pub max_amount_yuan: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            database: "shegong.db".into(),
            log_format: "pretty".into(),
            data_dir: "data".into(),
            security: SecurityConfig::default(),
            limits: LimitsConfig::default(),
        }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            secure_cookies: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            lockout_threshold: 5,
            lockout_minutes: 15,
            password_min_length: 10,
            password_min_classes: 3,
            require_totp_for_admins: false,
            allowed_origins: Vec::new(),
            password_hash_memory_kib: 19456,
            password_hash_iterations: 2,
            trust_proxy: false,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            body_bytes: 20 * 1024 * 1024,
            request_timeout_secs: 60,
            db_max_connections: 10,
            statement_timeout_secs: 30,
            max_amount_yuan: crate::platform::money::DEFAULT_MAX_AMOUNT_YUAN,
        }
    }
}

impl Config {
    /// Applies the settings that are process-wide (the money ceiling). The server and every
    /// command-line command call it once after loading.
    pub fn apply_globals(&self) {
        crate::platform::money::set_max_amount_yuan(self.limits.max_amount_yuan);
    }

    /// Loads configuration from defaults, the config file and the environment.
    pub fn load(file: Option<&str>) -> Result<Config, Box<figment::Error>> {
        let file = file
            .map(str::to_string)
            .or_else(|| std::env::var("SHEGONG_CONFIG").ok())
            .unwrap_or_else(|| "shegong.toml".to_string());
        let mut fig = Figment::from(Serialized::defaults(Config::default())).merge(Toml::file(file));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            fig = fig.merge(("database", url));
        }
        fig.merge(Env::prefixed("SHEGONG_").split("__").ignore(&["config", "demo_password", "test_postgres"]))
            .extract()
            .map_err(Box::new)
    }
}
