//! Time: everything is stored in UTC and shown in China Standard Time (UTC+8, no DST).

use chrono::{DateTime, FixedOffset, Offset, Utc};

pub fn china() -> FixedOffset {
    // 8 hours is always a valid offset; the fallback only satisfies the type.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::Utc.fix())
}

/// `2022-06-01 14:30` in China Standard Time.
pub fn local_minutes(t: &DateTime<Utc>) -> String {
    t.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()
}

/// `2022-06-01 14:30:05` in China Standard Time.
pub fn local_seconds(t: &DateTime<Utc>) -> String {
    t.with_timezone(&china()).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Today's date in China Standard Time.
pub fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&china()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_beijing_time() {
        let t = DateTime::parse_from_rfc3339("2022-12-31T16:30:00Z").expect("valid").with_timezone(&Utc);
        assert_eq!(local_minutes(&t), "2023-01-01 00:30");
    }
}
