//! Configuration: defaults, then `shegong.toml` (or the file named by `SHEGONG_CONFIG`), then
//! environment variables `SHEGONG_*` (nested keys with `__`, e.g. `SHEGONG_SECURITY__REQUIRE_TOTP_FOR_ADMINS=true`),
//! then command-line flags. See docs/OPERATIONS.md. Secrets (`audit.key`) are [`Secret`]s, which
//! `Debug` never prints.

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
    pub audit: AuditConfig,
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

/// The audit chain's key and checkpoints (docs/SECURITY.md, "Audit").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditConfig {
    /// The key that signs new audit rows and checkpoints: hex or base64, at least 32 bytes. Set
    /// it from a secret store (`SHEGONG_AUDIT__KEY`); unset, a key file is used (`key_file`).
    pub key: Option<Secret>,
    /// The id stored with every row `key` signs (letters, digits, `.`, `_`, `-`; at most 32).
    #[serde(deserialize_with = "string_or_number")]
    pub key_id: String,
    /// Keys used before, kept to verify the rows they signed (key rotation).
    pub retired_keys: Vec<RetiredKey>,
    /// Key file used when `key` is unset; empty means `<data_dir>/audit.key`.
    pub key_file: String,
    /// Append-only checkpoint file; empty means `<data_dir>/audit-checkpoints.log`.
    pub checkpoint_file: String,
    /// A checkpoint after this many new audit rows …
    pub checkpoint_rows: u64,
    /// … or after this many minutes with new rows.
    pub checkpoint_minutes: u64,
}

/// A retired audit key: its id and its value (hex or base64).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RetiredKey {
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    pub key: Secret,
}

/// A secret from the configuration. `Debug` and `Serialize` never show it; read it with
/// [`Secret::expose`].
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// Accepts `key_id = 2024` as well as `key_id = "2024"` (environment values that look like
/// numbers arrive as numbers).
fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum S {
        Text(String),
        Int(i64),
        Uint(u64),
    }
    Ok(match S::deserialize(d)? {
        S::Text(s) => s,
        S::Int(n) => n.to_string(),
        S::Uint(n) => n.to_string(),
    })
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
            audit: AuditConfig::default(),
        }
    }
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            key: None,
            key_id: "k1".into(),
            retired_keys: Vec::new(),
            key_file: String::new(),
            checkpoint_file: String::new(),
            checkpoint_rows: 100,
            checkpoint_minutes: 5,
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
        }
    }
}

impl Config {
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
        fig = fig.merge(Env::prefixed("SHEGONG_").split("__").ignore(&["config", "demo_password", "test_postgres"]));
        // Taken as written: figment would read a key or an id made only of digits (or `1e5`) as a number.
        for (var, key) in [("SHEGONG_AUDIT__KEY", "audit.key"), ("SHEGONG_AUDIT__KEY_ID", "audit.key_id")] {
            if let Ok(v) = std::env::var(var) {
                fig = fig.merge(Serialized::default(key, v));
            }
        }
        fig.extract().map_err(Box::new)
    }

    /// The audit key file (`audit.key_file`, default `<data_dir>/audit.key`).
    pub fn audit_key_file(&self) -> std::path::PathBuf {
        match self.audit.key_file.trim() {
            "" => std::path::Path::new(&self.data_dir).join("audit.key"),
            f => f.into(),
        }
    }

    /// The audit checkpoint file (`audit.checkpoint_file`, default `<data_dir>/audit-checkpoints.log`).
    pub fn audit_checkpoint_file(&self) -> std::path::PathBuf {
        match self.audit.checkpoint_file.trim() {
            "" => std::path::Path::new(&self.data_dir).join("audit-checkpoints.log"),
            f => f.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Serialized;

    #[test]
    fn the_audit_key_never_shows_in_debug_or_serialized_output() {
        let mut c = Config::default();
        c.audit.key = Some(Secret::new("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
        c.audit.retired_keys.push(RetiredKey { id: "old".into(), key: Secret::new("retired-secret-value") });
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("00112233") && !dbg.contains("retired-secret"), "{dbg}");
        let json = serde_json::to_string(&c).expect("json");
        assert!(!json.contains("00112233") && !json.contains("retired-secret"), "{json}");
    }

    #[test]
    fn audit_keys_from_the_environment_are_taken_as_written() {
        // No other test reads these variables.
        let digits = "1".repeat(64);
        std::env::set_var("SHEGONG_AUDIT__KEY", &digits);
        std::env::set_var("SHEGONG_AUDIT__KEY_ID", "1e5");
        let c = Config::load(Some("/nonexistent/shegong.toml"));
        std::env::remove_var("SHEGONG_AUDIT__KEY");
        std::env::remove_var("SHEGONG_AUDIT__KEY_ID");
        let c = c.expect("config");
        assert_eq!(c.audit.key.as_ref().map(Secret::expose), Some(digits.as_str()));
        assert_eq!(c.audit.key_id, "1e5");
    }

    #[test]
    fn audit_keys_come_from_toml_and_numeric_ids_are_text() {
        let toml = r#"
            [audit]
            key = "abc"
            key_id = 2025
            retired_keys = [{ id = 2024, key = "def" }]
        "#;
        let c: Config =
            Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(toml)).extract().expect("config");
        assert_eq!(c.audit.key.as_ref().map(Secret::expose), Some("abc"));
        assert_eq!(c.audit.key_id, "2025");
        assert_eq!((c.audit.retired_keys[0].id.as_str(), c.audit.retired_keys[0].key.expose()), ("2024", "def"));
        assert_eq!(c.audit.checkpoint_rows, 100);
    }
}
