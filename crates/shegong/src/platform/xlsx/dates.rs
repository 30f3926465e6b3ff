//! Dates: Excel serial numbers (both date systems, with the fictitious 1900-02-29) and the date
//! texts people type.

use chrono::{Days, NaiveDate};

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The Excel serial number of a date (1900 system), if Excel can show it.
pub(super) fn date_to_serial(d: NaiveDate) -> Option<i64> {
    let first = ymd(1900, 1, 1)?;
    let march = ymd(1900, 3, 1)?;
    let last = ymd(9999, 12, 31)?;
    if d < first || d > last {
        None
    } else if d < march {
        Some((d - ymd(1899, 12, 31)?).num_days())
    } else {
        Some((d - ymd(1899, 12, 30)?).num_days())
    }
}

/// The date of an Excel serial number (the time of day is dropped). In the 1900 system serial 1
/// is 1900-01-01 and 60 is the fictitious 1900-02-29 (Lotus's leap-year bug, which Excel keeps),
/// so from 61 on the serial counts one day too many.
pub(super) fn serial_to_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    let days = serial.floor();
    let (epoch, days) = if is_1904 {
        if !(0.0..=2_957_003.0).contains(&days) {
            return None;
        }
        (ymd(1904, 1, 1)?, days)
    } else if !(1.0..=2_958_465.0).contains(&days) || days == 60.0 {
        return None;
    } else if days < 60.0 {
        (ymd(1899, 12, 31)?, days)
    } else {
        (ymd(1899, 12, 30)?, days)
    };
    // In range, so the cast is exact.
    epoch.checked_add_days(Days::new(days as u64))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2022-06-01`, `2022/6/1`, `2022.6.1`, `2022年6月1日`, `20220601`.
pub(super) fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let num = |p: &str, max_len: usize| -> Option<u32> {
        if all_digits(p) && p.len() <= max_len {
            p.parse().ok()
        } else {
            None
        }
    };
    if s.len() == 8 && all_digits(s) {
        return ymd(i32::try_from(num(&s[..4], 4)?).ok()?, num(&s[4..6], 2)?, num(&s[6..], 2)?);
    }
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|c| s.contains(*c))?;
        s.split(sep).collect()
    };
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => ymd(i32::try_from(num(y, 4)?).ok()?, num(m, 2)?, num(d, 2)?),
        _ => None,
    }
}
