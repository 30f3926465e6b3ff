//! Rules of authentication: the password policy, argon2id hashing, and TOTP (RFC 6238).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};

use crate::platform::config::SecurityConfig;

/// Passwords that appear at the top of every breach list (and the demo-style ones people pick).
/// The policy refuses them whatever their length or character classes.
const COMMON_PASSWORDS: &[&str] = &[
    "123456",
    "123456789",
    "12345678",
    "password",
    "qwerty123",
    "qwerty",
    "1q2w3e4r",
    "1qaz2wsx",
    "111111",
    "123123",
    "abc123",
    "password1",
    "iloveyou",
    "admin123",
    "admin@123",
    "a123456",
    "aa123456",
    "abc123456",
    "woaini1314",
    "qq123456",
    "p@ssw0rd",
    "passw0rd",
    "p@ssword",
    "password123",
    "password@123",
    "1234567890",
    "zxcvbnm",
    "asdfghjkl",
    "qwertyuiop",
    "000000",
    "888888",
    "666666",
    "5201314",
    "admin",
    "root123",
    "welcome1",
    "welcome123",
    "letmein",
    "changeme",
    "test123",
    "abcd1234",
    "abcd@1234",
    "aa112233",
    "1qaz@wsx",
    "1qaz!qaz",
    "qwe123",
    "qwe@123",
    "zaq12wsx",
    "shegong123",
    "shegong@123",
    "kunshan123",
    "p@ssw0rd123",
    "admin@2022",
    "admin@2023",
    "admin@2024",
    "admin@2025",
    "admin@2026",
    "password@2026",
];

/// Why a password is refused; each is a locale key.
pub fn check_password_policy(cfg: &SecurityConfig, username: &str, password: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    let len = password.chars().count();
    if len < cfg.password_min_length {
        problems.push("auth.policy.too_short");
    }
    if len > 128 {
        problems.push("auth.policy.too_long");
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < cfg.password_min_classes {
        problems.push("auth.policy.classes");
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        problems.push("auth.policy.contains_username");
    }
    if COMMON_PASSWORDS
        .iter()
        .any(|c| lower == *c || lower.trim_end_matches(|ch: char| ch.is_ascii_digit() || ch == '!') == *c)
    {
        problems.push("auth.policy.common");
    }
    problems
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

/// A hash to verify against when the user does not exist, so that timing does not tell.
pub fn dummy_hash(cfg: &SecurityConfig) -> String {
    hash_password(cfg, "not-a-real-password-7c1f").unwrap_or_default()
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (as authenticator apps expect).
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in data {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(B32[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(B32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = B32.iter().position(|&x| x as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// A new random TOTP secret (160 bits), base32.
pub fn new_totp_secret() -> String {
    let mut buf = [0u8; 20];
    let _ = getrandom::getrandom(&mut buf);
    base32_encode(&buf)
}

/// The 6-digit code for a time step (RFC 6238 with HMAC-SHA1, 30-second steps).
pub fn totp_code(secret: &[u8], unix_time: i64) -> String {
    let counter = (unix_time.max(0) / 30) as u64;
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[offset]) & 0x7f) << 24
        | u32::from(h[offset + 1]) << 16
        | u32::from(h[offset + 2]) << 8
        | u32::from(h[offset + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// Checks a code against the secret, allowing one step of clock drift either way.
pub fn totp_verify(secret_b32: &str, code: &str, unix_time: i64) -> bool {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some(secret) = base32_decode(secret_b32) else {
        return false;
    };
    [-30, 0, 30].iter().any(|d| {
        let expected = totp_code(&secret, unix_time + d);
        // Constant-time comparison.
        expected.len() == code.len() && expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

/// The otpauth:// URL authenticator apps import.
pub fn totp_url(secret_b32: &str, username: &str) -> String {
    format!("otpauth://totp/shegong:{username}?secret={secret_b32}&issuer=shegong&algorithm=SHA1&digits=6&period=30")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> SecurityConfig {
        SecurityConfig { password_hash_memory_kib: 1024, password_hash_iterations: 1, ..SecurityConfig::default() }
    }

    #[test]
    fn policy_refuses_weak_passwords() {
        let c = cfg();
        assert!(check_password_policy(&c, "zhang", "Short1!").contains(&"auth.policy.too_short"));
        assert!(check_password_policy(&c, "zhang", "alllowercaseletters").contains(&"auth.policy.classes"));
        assert!(check_password_policy(&c, "zhangsan", "Zhangsan-2026").contains(&"auth.policy.contains_username"));
        assert!(check_password_policy(&c, "li", "P@ssw0rd123").contains(&"auth.policy.common"));
        assert!(check_password_policy(&c, "li", "Kunshan-Station-7").is_empty());
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

    #[test]
    fn totp_matches_rfc6238_vectors() {
        // RFC 6238 appendix B, SHA1 secret "12345678901234567890", last 6 digits.
        let secret = b"12345678901234567890";
        assert_eq!(totp_code(secret, 59), "287082");
        assert_eq!(totp_code(secret, 1111111109), "081804");
        assert_eq!(totp_code(secret, 1234567890), "005924");
        assert_eq!(totp_code(secret, 2000000000), "279037");
        let b32 = base32_encode(secret);
        assert_eq!(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&b32).as_deref(), Some(&secret[..]));
        assert!(totp_verify(&b32, "287082", 59 + 30));
        assert!(!totp_verify(&b32, "287082", 59 + 90));
        assert!(!totp_verify(&b32, "28708x", 59));
    }
}
