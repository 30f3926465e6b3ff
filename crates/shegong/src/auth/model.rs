//! Rules of authentication: the password policy and TOTP (RFC 6238). Hashing is
//! `platform::passwords`.

use hmac::{Hmac, Mac};

use crate::platform::config::SecurityConfig;
use crate::platform::web::{random_bytes, RandomUnavailable};

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
pub fn new_totp_secret() -> Result<String, RandomUnavailable> {
    let mut buf = [0u8; 20];
    random_bytes(&mut buf)?;
    Ok(base32_encode(&buf))
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

/// The 30-second time step of an instant.
pub fn totp_step(unix_time: i64) -> i64 {
    unix_time.max(0) / 30
}

/// Checks a code against the secret, allowing one step of clock drift either way, and returns the
/// time step it matched (the caller refuses a step at or before the last one accepted).
pub fn totp_match(secret_b32: &str, code: &str, unix_time: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = base32_decode(secret_b32).filter(|s| !s.is_empty())?;
    // The latest matching step wins, so a code is never accepted for an earlier step than its own.
    [30, 0, -30].iter().map(|d| unix_time + d).find_map(|t| {
        let expected = totp_code(&secret, t);
        crate::platform::secret::eq(&expected, code).then(|| totp_step(t))
    })
}

/// Whether a code is right for now (ignoring replay; see `totp_match`).
pub fn totp_verify(secret_b32: &str, code: &str, unix_time: i64) -> bool {
    totp_match(secret_b32, code, unix_time).is_some()
}

/// Percent-encodes everything but RFC 3986 unreserved characters (space becomes `%20`).
pub fn uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The otpauth:// URL authenticator apps import; issuer and account name are percent-encoded
/// (Key URI format: `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER`).
pub fn totp_url(secret_b32: &str, username: &str, issuer: &str) -> String {
    let issuer = uri_component(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={secret_b32}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        uri_component(username)
    )
}

/// The otpauth URL as a QR code, an inline SVG element (no XML declaration; only path data and
/// two colours, so it is safe to embed).
pub fn totp_qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
            match svg.find("<svg") {
                Some(i) => svg[i..].to_string(),
                None => String::new(),
            }
        }
        Err(_) => String::new(),
    }
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
        // The step a code matched: its own, whether it arrives early, on time or late.
        assert_eq!(totp_match(&b32, "287082", 59), Some(1));
        assert_eq!(totp_match(&b32, "287082", 89), Some(1));
        assert_eq!(totp_match(&b32, "287082", 29), Some(1));
        assert_eq!(totp_match("", "287082", 59), None);
    }

    #[test]
    fn otpauth_url_is_percent_encoded_and_qr_is_svg() {
        let url = totp_url("ABC", "zhang.san", "昆山 社工:局");
        assert_eq!(
            url,
            "otpauth://totp/%E6%98%86%E5%B1%B1%20%E7%A4%BE%E5%B7%A5%3A%E5%B1%80:zhang.san?secret=ABC&issuer=%E6%98%86%E5%B1%B1%20%E7%A4%BE%E5%B7%A5%3A%E5%B1%80&algorithm=SHA1&digits=6&period=30"
        );
        let svg = totp_qr_svg(&url);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("<script") && !svg.contains("style="));
    }
}
