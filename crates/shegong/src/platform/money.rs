//! Money: integer fen (分), never floating point. Parsed from yuan as people type it and shown
//! with thousands separators.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Money(pub i64);

impl Money {
    /// Parses yuan: "1300000", "1,300,000.50", "¥12.5", "12.50元". At most two decimals; no sign.
    pub fn parse_yuan(s: &str) -> Option<Money> {
        let t: String = s
            .trim()
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('元')
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        if t.is_empty() {
            return None;
        }
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let yuan: i64 = int.parse().ok()?;
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse().ok()?,
        };
        yuan.checked_mul(100)?.checked_add(frac_fen).map(Money)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// "1,300,000.00"
    pub fn yuan_text(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{}{grouped}.{:02}", if neg { "-" } else { "" }, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_to_fen_exactly() {
        assert_eq!(Money::parse_yuan("1,300,000.50"), Some(Money(130_000_050)));
        assert_eq!(Money::parse_yuan("￥12.5元"), Some(Money(1250)));
        assert_eq!(Money::parse_yuan("0.07"), Some(Money(7)));
        assert_eq!(Money::parse_yuan("1.234"), None);
        assert_eq!(Money::parse_yuan("-5"), None);
        assert_eq!(Money::parse_yuan("abc"), None);
        assert_eq!(Money(200_000_000).yuan_text(), "2,000,000.00");
        assert_eq!(Money(-1250).yuan_text(), "-12.50");
        assert_eq!(Money(5).yuan_text(), "0.05");
    }
}
