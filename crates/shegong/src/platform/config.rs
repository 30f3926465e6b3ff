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
    /// Directory of the fonts the Word and PDF renderers use (Debian's fonts-noto-cjk), read
    /// from disk only (crates/render).
    pub fonts_dir: String,
    pub server: ServerConfig,
    pub security: SecurityConfig,
    pub limits: LimitsConfig,
    pub telemetry: TelemetryConfig,
    pub audit: AuditConfig,
    pub pii: PiiConfig,
    pub hotline: HotlineConfig,
}

/// The hotline's escalation and retention (issue 14; docs/OPERATIONS.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HotlineConfig {
    /// Minutes an escalation waits for the supervisor it is with before it goes on to the next
    /// supervisor on duty.
    pub escalation_minutes: i64,
    /// Seconds between two runs of the escalation sweep of a server.
    pub sweep_seconds: u64,
    /// Years a call's free text and caller links are kept (at least 3, per 心理援助热线技术指南);
    /// `shegong purge-hotline` removes them from older calls and keeps the counts.
    pub retention_years: i32,
}

impl Default for HotlineConfig {
    fn default() -> Self {
        HotlineConfig { escalation_minutes: 5, sweep_seconds: 30, retention_years: 3 }
    }
}

/// The key of personal data kept hashed and encrypted (volunteers' ID numbers and phones; see
/// `platform/vault.rs` and docs/SECURITY.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PiiConfig {
    /// The master key: hex or base64, at least 32 bytes. Set it from a secret store
    /// (`SHEGONG_PII__KEY`); unset, a key file is used (`key_file`). It cannot be changed once
    /// data was written with it (hashes depend on it).
    pub key: Option<Secret>,
    /// The id stored with every cipher (letters, digits, `_`, `-`; at most 32).
    #[serde(deserialize_with = "string_or_number")]
    pub key_id: String,
    /// Key file used when `key` is unset; empty means `<data_dir>/pii.key`.
    pub key_file: String,
    /// Keys used before: ciphers they sealed still open, and `shegong rotate-key` re-seals
    /// them with the current key.
    pub retired_keys: Vec<RetiredKey>,
    /// The id of the key (current or retired) the keyed hashes are made with; empty means the
    /// current key. Hashes cannot be re-made without the values, so after a rotation this names
    /// the old key for as long as hashes made with it must still be found.
    #[serde(deserialize_with = "string_or_number")]
    pub hash_key_id: String,
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            key: None,
            key_id: "p1".into(),
            key_file: String::new(),
            retired_keys: Vec::new(),
            hash_key_id: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// Reverse proxies (IP addresses or CIDR blocks, e.g. `10.0.0.5`, `10.1.0.0/16`) whose
    /// `X-Forwarded-For` and `X-Forwarded-Proto` are believed. Empty: the client address is the
    /// TCP peer and forwarded headers are ignored.
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TelemetryConfig {
    /// Bearer token `/metrics` requires. Empty: `/metrics` answers loopback clients only.
    pub metrics_token: String,
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
    /// Length of a sign-in rate-limit window in seconds.
    pub login_window_secs: i64,
    /// Unsuccessful sign-in attempts (password or second factor) allowed per client address per window.
    pub login_limit_per_address: i64,
    /// Unsuccessful sign-in attempts allowed per user name per window (from any address).
    pub login_limit_per_username: i64,
    /// The issuer shown by authenticator apps for the TOTP second factor.
    pub totp_issuer: String,
    /// Milliseconds for which a session checked against the database is believed without asking
    /// again, as long as this process has written nothing meanwhile (docs/SECURITY.md,
    /// "Sessions"). Expiry is checked on every request; a revocation made through this process
    /// is seen at once, one made on another app node or by the command line within this time.
    /// 0 checks every request in the database.
    pub session_recheck_ms: u64,
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
    /// PostgreSQL: ping a pooled connection before each statement (false: a connection cut while
    /// idle, e.g. by a server restart, fails the one statement that next uses it; true: every
    /// statement costs a second round trip). See docs/OPERATIONS.md.
    pub db_test_before_acquire: bool,
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
            fonts_dir: "/usr/share/fonts/opentype/noto".into(),
            server: ServerConfig::default(),
            security: SecurityConfig::default(),
            limits: LimitsConfig::default(),
            telemetry: TelemetryConfig::default(),
            audit: AuditConfig::default(),
            pii: PiiConfig::default(),
            hotline: HotlineConfig::default(),
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
            login_window_secs: 300,
            login_limit_per_address: 30,
            login_limit_per_username: 10,
            session_recheck_ms: 1000,
            totp_issuer: "shegong".into(),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            body_bytes: 20 * 1024 * 1024,
            request_timeout_secs: 60,
            db_max_connections: 10,
            db_test_before_acquire: false,
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

    /// Problems that make the configuration unusable (checked before serving).
    pub fn problems(&self) -> Vec<crate::platform::i18n::Msg> {
        use crate::platform::i18n::Msg;
        let mut out = Vec::new();
        for p in &self.server.trusted_proxies {
            if IpNet::parse(p).is_none() {
                out.push(Msg::new("cli.config.trusted_proxy").arg("value", format!("{p:?}")));
            }
        }
        let sec = &self.security;
        if sec.login_window_secs < 1 || sec.login_limit_per_address < 1 || sec.login_limit_per_username < 1 {
            out.push(Msg::new("cli.config.login_limits"));
        }
        if sec.totp_issuer.trim().is_empty() {
            out.push(Msg::new("cli.config.totp_issuer"));
        }
        if self.hotline.retention_years < 3 {
            out.push(Msg::new("cli.config.hotline_retention").arg("years", self.hotline.retention_years.to_string()));
        }
        if self.hotline.escalation_minutes < 1 || self.hotline.sweep_seconds < 1 {
            out.push(Msg::new("cli.config.hotline_escalation"));
        }
        out
    }

    /// The trusted proxies, parsed (entries that do not parse are left out; `problems` reports them).
    pub fn trusted_proxy_nets(&self) -> Vec<IpNet> {
        self.server.trusted_proxies.iter().filter_map(|p| IpNet::parse(p)).collect()
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
        fig = fig.merge(Env::prefixed("SHEGONG_").split("__").ignore(&["config", "demo_password", "test_postgres"]));
        // Taken as written: figment would read a key or an id made only of digits (or `1e5`) as a number.
        for (var, key) in [("SHEGONG_AUDIT__KEY", "audit.key"), ("SHEGONG_AUDIT__KEY_ID", "audit.key_id")] {
            if let Ok(v) = std::env::var(var) {
                fig = fig.merge(Serialized::default(key, v));
            }
        }
        fig.extract().map_err(Box::new)
    }

    /// The fonts of the document renderers (`fonts_dir`).
    pub fn fonts(&self) -> render::Fonts {
        render::Fonts { dir: std::path::PathBuf::from(&self.fonts_dir) }
    }

    /// The audit key file (`audit.key_file`, default `<data_dir>/audit.key`).
    pub fn audit_key_file(&self) -> std::path::PathBuf {
        match self.audit.key_file.trim() {
            "" => std::path::Path::new(&self.data_dir).join("audit.key"),
            f => f.into(),
        }
    }

    /// The personal-data key file (`pii.key_file`, default `<data_dir>/pii.key`).
    pub fn pii_key_file(&self) -> std::path::PathBuf {
        match self.pii.key_file.trim() {
            "" => std::path::Path::new(&self.data_dir).join("pii.key"),
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

/// An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`, or a single address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: std::net::IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(s: &str) -> Option<IpNet> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<std::net::IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.parse::<std::net::IpAddr>().ok()?, None),
        };
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpNet { addr, prefix })
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod net_tests {
    use super::*;

    #[test]
    fn ip_nets_parse_and_match() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let n = IpNet::parse("10.1.0.0/16").expect("cidr");
        assert!(n.contains(ip("10.1.200.3")) && !n.contains(ip("10.2.0.1")));
        assert!(n.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped addresses match their IPv4 block");
        let one = IpNet::parse("192.0.2.7").expect("address");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = IpNet::parse("fd00::/8").expect("v6");
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")) && !v6.contains(ip("10.0.0.1")));
        assert!(IpNet::parse("0.0.0.0/0").expect("all").contains(ip("203.0.113.1")));
        for bad in ["", "10.0.0.0/33", "example.com", "10.0.0/8", "::/129", "1.2.3.4/x"] {
            assert!(IpNet::parse(bad).is_none(), "{bad:?}");
        }
        let cfg = Config { server: ServerConfig { trusted_proxies: vec!["nope".into()] }, ..Config::default() };
        assert_eq!(cfg.problems().len(), 1);
        assert!(Config::default().problems().is_empty());
    }
}
