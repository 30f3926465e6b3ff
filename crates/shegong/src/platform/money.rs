//! Money: integer fen (分), never floating point. Parsed from yuan as people type it and shown
//! with thousands separators.
//!
//! Two types: [`Money`] is any sum of fen (a total, a balance, a remainder) and only formats;
//! [`Amount`] is one recorded amount (a contract, a payment, a fund entry). An `Amount` can only
//! be made by [`Amount::parse_yuan`] or [`Amount::from_fen`], which refuse negative amounts and
//! amounts above the configured ceiling (`limits.max_amount_yuan`, default 10,000,000,000 yuan).
//! Forms, the API, imports and the xlsx kit all go through them, and the input types that the
//! stores write hold an `Amount`, so no path can store an amount above the ceiling.
//!
//! This is the only place where text or a spreadsheet number becomes fen: a form field, an API
//! field and an xlsx cell with the same content get the same verdict (a source scan in the tests
//! below refuses another parser: no `parse::<f64>`, no `* 100.0` outside this file). With every amount under the
//! ceiling the sums stay far inside i64; the sums in SQL are still computed so that they cannot
//! fail on any stored value (`platform::db::sum_int`).

use std::sync::atomic::{AtomicI64, Ordering};

use serde::Serialize;

/// Any sum of money in fen: totals, balances, remainders. Formatting only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Money(pub i64);

/// The default ceiling of one amount: 10,000,000,000 yuan (一百亿元) in fen.
pub const DEFAULT_MAX_AMOUNT_YUAN: u64 = 10_000_000_000;
/// The highest ceiling a configuration may set: 1,000,000,000,000 yuan (10^14 fen). Up to it every
/// amount is written into xlsx as an exact number, and 90,000 amounts at it still sum inside i64.
pub const HARD_MAX_AMOUNT_YUAN: u64 = 1_000_000_000_000;

static MAX_AMOUNT_FEN: AtomicI64 = AtomicI64::new(DEFAULT_MAX_AMOUNT_YUAN as i64 * 100);

/// Sets the ceiling of one amount from the configuration (`limits.max_amount_yuan`), clamped to
/// 1..=[`HARD_MAX_AMOUNT_YUAN`]. Called once at start-up (server and command line).
pub fn set_max_amount_yuan(yuan: u64) {
    let yuan = yuan.clamp(1, HARD_MAX_AMOUNT_YUAN);
    if yuan != DEFAULT_MAX_AMOUNT_YUAN {
        tracing::info!(max_amount_yuan = yuan, "money ceiling configured");
    }
    // At most 10^14 fen: inside i64.
    MAX_AMOUNT_FEN.store(yuan as i64 * 100, Ordering::Relaxed);
}

/// The ceiling of one amount.
pub fn max_amount() -> Money {
    Money(MAX_AMOUNT_FEN.load(Ordering::Relaxed))
}

/// Why a text or a number is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a non-negative number of yuan with at most two decimals.
    #[error("not an amount in yuan")]
    Invalid,
    /// Above the configured ceiling of one amount.
    #[error("amount above the ceiling")]
    TooLarge,
}

/// The locale key of "the amount is above the ceiling"; its text names the ceiling as
/// `{max_amount}` (filled in by `platform::i18n::message`).
pub const KEY_TOO_LARGE: &str = "error.amount_too_large";

impl MoneyError {
    /// The locale key to show: `invalid_key` (the caller's own wording) or the ceiling message.
    pub fn key(self, invalid_key: &'static str) -> &'static str {
        match self {
            MoneyError::Invalid => invalid_key,
            MoneyError::TooLarge => KEY_TOO_LARGE,
        }
    }
}

/// One recorded amount in fen: never negative, never above the ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Amount(i64);

impl Amount {
    /// Parses yuan: "1300000", "1,300,000.50", "¥12.5", "12.50元", "1.500" (zeros beyond the
    /// second decimal are allowed, other digits are not). Commas (also "，") must group by three.
    /// Full-width digits and signs (typed with a Chinese input method) count as their half-width
    /// forms, as in every import cell. No sign, no exponent. Refuses amounts above [`max_amount`].
    pub fn parse_yuan(s: &str) -> Result<Amount, MoneyError> {
        let cleaned = crate::platform::import::clean_cell(s);
        let t = cleaned.as_str();
        let t = t.strip_prefix(['¥', '￥']).unwrap_or(t).trim_start();
        let t = t.strip_suffix('元').unwrap_or(t).trim_end();
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        let int: String = if int.contains([',', '，']) {
            let groups: Vec<&str> = int.split([',', '，']).collect();
            let first_ok = groups.first().is_some_and(|g| all_digits(g) && g.len() <= 3);
            let rest_ok = groups.iter().skip(1).all(|g| all_digits(g) && g.len() == 3);
            if !(first_ok && rest_ok) {
                return Err(MoneyError::Invalid);
            }
            groups.concat()
        } else if all_digits(int) {
            int.to_string()
        } else {
            return Err(MoneyError::Invalid);
        };
        let cents: i64 = match frac {
            None => 0,
            Some(f) => {
                if !all_digits(f) {
                    return Err(MoneyError::Invalid);
                }
                let f = f.trim_end_matches('0');
                match f.len() {
                    0 => 0,
                    1 => f.parse::<i64>().map_err(|_| MoneyError::Invalid)? * 10,
                    2 => f.parse::<i64>().map_err(|_| MoneyError::Invalid)?,
                    _ => return Err(MoneyError::Invalid),
                }
            }
        };
        // Leading zeros are fine; a number too long for i64 is above any ceiling.
        let digits = int.trim_start_matches('0');
        if digits.len() > 18 {
            return Err(MoneyError::TooLarge);
        }
        let yuan: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| MoneyError::Invalid)? };
        let fen = yuan.checked_mul(100).and_then(|f| f.checked_add(cents)).ok_or(MoneyError::TooLarge)?;
        Amount::from_fen(fen)
    }

    /// An amount from fen, checked like a typed one.
    pub fn from_fen(fen: i64) -> Result<Amount, MoneyError> {
        if fen < 0 {
            Err(MoneyError::Invalid)
        } else if fen > max_amount().0 {
            Err(MoneyError::TooLarge)
        } else {
            Ok(Amount(fen))
        }
    }

    /// A spreadsheet number cell in yuan: its shortest text that reads back to the same f64 (what
    /// the cell shows, e.g. `1300000.5`, `0.07`), parsed by [`Amount::parse_yuan`], so that float
    /// residue such as `0.30000000000000004` is refused rather than rounded. Not finite: invalid.
    pub fn from_yuan_number(yuan: f64) -> Result<Amount, MoneyError> {
        if !yuan.is_finite() {
            return Err(MoneyError::Invalid);
        }
        // `Display` of an f64 never uses an exponent: 1e300 is 301 digits, above any ceiling.
        Amount::parse_yuan(&yuan.to_string())
    }

    /// Whole yuan (an xlsx integer cell), checked like a typed amount.
    pub fn from_yuan(yuan: i64) -> Result<Amount, MoneyError> {
        if yuan < 0 {
            return Err(MoneyError::Invalid);
        }
        Amount::from_fen(yuan.checked_mul(100).ok_or(MoneyError::TooLarge)?)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn money(self) -> Money {
        Money(self.0)
    }

    pub fn yuan_text(self) -> String {
        self.money().yuan_text()
    }
}

/// Every column that stores one [`Amount`] (table, column). New money columns are listed here so
/// that `shegong check` covers them.
pub const AMOUNT_COLUMNS: &[(&str, &str)] =
    &[("projects", "amount_fen"), ("project_payments", "amount_fen"), ("fund_entries", "amount_fen")];

/// For `shegong check`: stored amounts above the ceiling (written before it existed, or behind
/// the application's back). The figures stay correct with them; the records should be fixed.
pub async fn check_amounts<C: sea_orm::ConnectionTrait>(
    c: &C,
) -> Result<Vec<crate::platform::i18n::Msg>, sea_orm::DbErr> {
    let max = max_amount();
    let mut out = Vec::new();
    for (table, column) in AMOUNT_COLUMNS {
        // Table and column names come from the list above, never from input.
        let n = crate::platform::db::count(
            c,
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} > ? OR {column} < 0"),
            vec![max.0.into()],
        )
        .await?;
        if n > 0 {
            out.push(
                crate::platform::i18n::Msg::new("check.amounts_above_ceiling")
                    .arg("column", format!("{table}.{column}"))
                    .arg("n", n.to_string())
                    .arg("max", max.yuan_text()),
            );
        }
    }
    Ok(out)
}

impl From<Amount> for sea_orm::Value {
    fn from(a: Amount) -> sea_orm::Value {
        a.0.into()
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Money {
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
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{}{grouped}.{:02}", if neg { "-" } else { "" }, abs % 100)
    }

    /// `part` as a share of `whole` in percent (0 when `whole` is not positive), without overflow
    /// for any two i64 values.
    pub fn percent_of(part: i64, whole: i64) -> i64 {
        if whole <= 0 {
            return 0;
        }
        let p = i128::from(part) * 100 / i128::from(whole);
        i64::try_from(p).unwrap_or(if p < 0 { i64::MIN } else { i64::MAX })
    }
}

/// Sums and amounts read from the database are [`Money`]: row structs hold `Money` and derive
/// `FromQueryResult`.
impl sea_orm::TryGetable for Money {
    fn try_get_by<I: sea_orm::ColIdx>(res: &sea_orm::QueryResult, index: I) -> Result<Self, sea_orm::TryGetError> {
        i64::try_get_by(res, index).map(Money)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> Result<i64, MoneyError> {
        Amount::parse_yuan(s).map(Amount::fen)
    }

    #[test]
    fn yuan_to_fen_exactly() {
        assert_eq!(fen("1,300,000.50"), Ok(130_000_050));
        assert_eq!(fen("1，300，000"), Ok(130_000_000));
        assert_eq!(fen("￥12.5元"), Ok(1250));
        assert_eq!(fen("¥ 12.50"), Ok(1250));
        assert_eq!(fen("0.07"), Ok(7));
        assert_eq!(fen("12.500"), Ok(1250));
        assert_eq!(fen("007"), Ok(700));
        assert_eq!(fen("1.234"), Err(MoneyError::Invalid));
        assert_eq!(fen("-5"), Err(MoneyError::Invalid));
        assert_eq!(fen("abc"), Err(MoneyError::Invalid));
        assert_eq!(fen(""), Err(MoneyError::Invalid));
        assert_eq!(fen("."), Err(MoneyError::Invalid));
        assert_eq!(fen("1,30,000"), Err(MoneyError::Invalid), "commas group by three");
        assert_eq!(fen("1e5"), Err(MoneyError::Invalid));
        assert_eq!(Money(200_000_000).yuan_text(), "2,000,000.00");
        assert_eq!(Money(-1250).yuan_text(), "-12.50");
        assert_eq!(Money(5).yuan_text(), "0.05");
    }

    #[test]
    fn amounts_above_the_ceiling_are_refused() {
        // The default ceiling (tests never change it: it is process-wide).
        assert_eq!(max_amount(), Money(DEFAULT_MAX_AMOUNT_YUAN as i64 * 100));
        assert_eq!(fen("10,000,000,000"), Ok(1_000_000_000_000));
        assert_eq!(fen("10,000,000,000.01"), Err(MoneyError::TooLarge));
        // i64::MAX fen as yuan, the amount that broke the sums; and longer numbers.
        assert_eq!(fen("92,233,720,368,547,758.07"), Err(MoneyError::TooLarge));
        assert_eq!(fen("92233720368547758.08"), Err(MoneyError::TooLarge));
        assert_eq!(fen("99999999999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(Amount::from_fen(i64::MAX), Err(MoneyError::TooLarge));
        assert_eq!(Amount::from_fen(-1), Err(MoneyError::Invalid));
        assert_eq!(Amount::from_yuan(i64::MAX), Err(MoneyError::TooLarge));
        assert_eq!(Amount::from_yuan(10_000_000_000).map(Amount::fen), Ok(1_000_000_000_000));
        assert_eq!(MoneyError::TooLarge.key("x.invalid"), KEY_TOO_LARGE);
        assert_eq!(MoneyError::Invalid.key("x.invalid"), "x.invalid");
    }

    #[test]
    fn full_width_input_reads_as_half_width() {
        // What a Chinese input method types; an import cell is cleaned the same way.
        assert_eq!(fen("１２３"), Ok(12_300));
        assert_eq!(fen("１，３００，０００．５０"), Ok(130_000_050));
        assert_eq!(fen("\u{3000}￥１２．５元\u{3000}"), Ok(1250));
        assert_eq!(fen("－５"), Err(MoneyError::Invalid));
        assert_eq!(fen("１ｅ３"), Err(MoneyError::Invalid));
    }

    #[test]
    fn spreadsheet_numbers_are_read_as_they_show() {
        let n = |f: f64| Amount::from_yuan_number(f).map(Amount::fen);
        assert_eq!(n(1_300_000.5), Ok(130_000_050));
        assert_eq!(n(0.07), Ok(7));
        assert_eq!(n(19.99), Ok(1999));
        assert_eq!(n(1e3), Ok(100_000));
        assert_eq!(n(9_999_999_999.99), Ok(999_999_999_999));
        assert_eq!(n(0.1 + 0.2), Err(MoneyError::Invalid), "float residue is not rounded away");
        assert_eq!(n(0.001), Err(MoneyError::Invalid));
        assert_eq!(n(-5.0), Err(MoneyError::Invalid));
        assert_eq!(n(-0.0), Err(MoneyError::Invalid));
        assert_eq!(n(f64::NAN), Err(MoneyError::Invalid));
        assert_eq!(n(f64::INFINITY), Err(MoneyError::Invalid));
        assert_eq!(n(10_000_000_000.01), Err(MoneyError::TooLarge));
        assert_eq!(n(1e300), Err(MoneyError::TooLarge));
    }

    #[test]
    fn no_other_yuan_parser() {
        // Text or a spreadsheet number becomes fen here only. Outside this file: no float parsing
        // (a yuan amount through f64 loses fen), no float scaled by 100, and no parse next to
        // fen or yuan other than a call of parse_yuan.
        let found: Vec<String> = crate::platform::db::tests::source_lines(|line| {
            let code = line.split("//").next().unwrap_or("");
            let float_parse =
                ["parse::<f64>", "parse::<f32>", "f64::from_str", "f32::from_str"].iter().any(|p| code.contains(p))
                    || (code.contains(".parse") && (code.contains("f64") || code.contains("f32")));
            let scaled =
                ["* 100.0", "*100.0", "100.0 *", "100.0*", "100_f64", "100f64"].iter().any(|p| code.contains(p));
            let lower = code.to_lowercase();
            let own_parse = lower.contains("parse")
                && (lower.contains("fen") || lower.contains("yuan"))
                && !code.contains("parse_yuan");
            float_parse || scaled || own_parse
        })
        .into_iter()
        .filter(|l| !l.replace('\\', "/").contains("platform/money.rs:"))
        .collect();
        assert!(found.is_empty(), "parse money with Amount::parse_yuan / Amount::from_yuan_number: {found:#?}");
    }

    #[test]
    fn percentages_cannot_overflow() {
        assert_eq!(Money::percent_of(50, 200), 25);
        assert_eq!(Money::percent_of(i64::MAX, 1), i64::MAX);
        assert_eq!(Money::percent_of(1, 0), 0);
    }
}
