//! The masks of personal data: the one ID-number mask ([`id_masked`], from `cncodes`) and the one
//! phone mask ([`phone_masked`]), the year of birth shown instead of the date, and serde helpers
//! that serialise records masked, so that audit rows never hold a full or rebuildable value.
//!
//! The rule (docs/SECURITY.md, "Sensitive data"): everything a role without the reveal right can
//! see about a person — mask, year of birth, gender, unit — leaves at least 10,000 candidates for
//! the number, even to someone who knows the division code (or, for a landline, the area code and
//! the exchange prefix). The tests below enumerate the candidates for every demo number.

use chrono::{Datelike, NaiveDate};

/// The masked ID number shown to roles without the reveal right: `320583***********X`.
pub fn id_masked(id_number: &str) -> String {
    cncodes::mask_id_number(id_number)
}

/// How many digits of a landline's local number are always hidden: the exchange prefix (two
/// digits, which an attacker may know) plus four more.
const LANDLINE_HIDDEN: usize = 6;

/// The one phone mask.
///
/// * A mobile (11 digits starting with 1) keeps the network prefix and the last four digits:
///   `138****5678` (10,000 candidates).
/// * A landline (leading 0) keeps the area code (3 digits for 010 and 02x, else 4) and all but
///   the first six digits of the local number: `0512-******34` (10,000 candidates even to
///   someone who knows the exchange prefix, e.g. 57).
/// * Anything else is starred whole.
pub fn phone_masked(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len();
    if n == 11 && digits.starts_with('1') {
        return format!("{}****{}", &digits[..3], &digits[7..]);
    }
    if digits.starts_with('0') && n >= 10 {
        let area = if matches!(digits.as_bytes()[1], b'1' | b'2') { 3 } else { 4 };
        let local = &digits[area..];
        let shown = local.len().saturating_sub(LANDLINE_HIDDEN);
        return format!("{}-{}{}", &digits[..area], "*".repeat(local.len() - shown), &local[local.len() - shown..]);
    }
    "*".repeat(phone.chars().count())
}

/// An optional phone, masked (empty when there is none).
pub fn phone_masked_opt(phone: Option<&str>) -> String {
    phone.map(phone_masked).unwrap_or_default()
}

/// What roles without the reveal right see instead of a birth date.
pub fn birth_year(d: &NaiveDate) -> i32 {
    d.year()
}

/// `serialize_with` for an `Option<String>` phone: serialised masked.
pub fn ser_phone<S: serde::Serializer>(p: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => s.serialize_some(&phone_masked(p)),
        None => s.serialize_none(),
    }
}

/// `serialize_with` for an ID number: serialised masked.
pub fn ser_id<S: serde::Serializer>(id: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&id_masked(id))
}

/// `serialize_with` for a birth date: serialised as the year only (name the field `birth_year`).
pub fn ser_birth_year<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i32(birth_year(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";

    /// What an attacker knows about a person besides the masked number.
    struct Known<'a> {
        division: &'a str,
        year: i32,
        /// The full birth date, when it is shown (the old pages did).
        date: Option<NaiveDate>,
        male: bool,
    }

    /// Every valid GB 11643 number consistent with `masked` (characters other than `*` must
    /// match) and with what is known: division, a real date in the year (or the date), digit
    /// 17's parity, and the check character.
    fn id_candidates(masked: &str, k: &Known) -> usize {
        let m = masked.as_bytes();
        assert_eq!(m.len(), 18);
        let fits = |i: usize, c: u8| m[i] == b'*' || m[i] == c;
        // The sequences 000-999 that fit the mask and the gender, as their share of the weighted sum.
        let seqs: Vec<u32> = (0..1000u32)
            .filter(|seq| (seq % 2 == 1) == k.male)
            .map(|seq| [(seq / 100) as u8, (seq / 10 % 10) as u8, (seq % 10) as u8])
            .filter(|d| d.iter().enumerate().all(|(j, d)| fits(14 + j, b'0' + d)))
            .map(|d| d.iter().enumerate().map(|(j, d)| u32::from(*d) * WEIGHTS[14 + j]).sum())
            .collect();
        let check_fits: Vec<bool> = CHECK.iter().map(|c| fits(17, *c)).collect();
        let mut n = 0;
        let mut day = NaiveDate::from_ymd_opt(k.year, 1, 1).expect("year");
        while day.year() == k.year {
            let head = format!("{}{}", k.division, day.format("%Y%m%d"));
            let hb = head.as_bytes();
            if k.date.is_none_or(|d| d == day) && hb.iter().enumerate().all(|(i, c)| fits(i, *c)) {
                let sum: u32 = hb.iter().enumerate().map(|(i, c)| u32::from(c - b'0') * WEIGHTS[i]).sum();
                n += seqs.iter().filter(|s| check_fits[((sum + **s) % 11) as usize]).count();
            }
            day = day.succ_opt().expect("next day");
        }
        n
    }

    #[test]
    fn the_id_mask_with_birth_year_and_gender_leaves_ten_thousand_candidates() {
        let mut fewest = usize::MAX;
        for p in (0..260).map(|i| crate::demo::workers::person(i).expect("demo person")) {
            let id = cncodes::IdNumber::parse(&p.id_number).expect("demo numbers are valid");
            let male = id.gender() == cncodes::Gender::Male;
            assert_eq!(male, p.male);
            let known = Known { division: id.division(), year: birth_year(&p.birth), date: None, male };
            let masked = id_masked(&p.id_number);
            assert_eq!(masked, id.masked(), "one mask");
            let n = id_candidates(&masked, &known);
            assert!(n >= 10_000, "{masked} ({}) leaves {n} candidates", known.year);
            fewest = fewest.min(n);
            // The old mask beside the full birth date left a handful: the enumeration finds them.
            let old = format!("{}**********{}", &p.id_number[..4], &p.id_number[14..]);
            let with_date = Known { date: Some(p.birth), ..known };
            let n_old = id_candidates(&old, &with_date);
            assert!((1..100).contains(&n_old), "old mask {old}: {n_old}");
        }
        assert!(fewest >= 10_000, "{fewest}");
    }

    #[test]
    fn the_id_mask_keeps_only_the_division_and_the_check_character() {
        let id = cncodes::IdNumber::complete("32058319880808131").expect("id");
        let m = id_masked(id.as_str());
        assert_eq!(&m[..6], "320583");
        assert_eq!(&m[6..17], "***********");
        assert_eq!(m.as_bytes()[17], id.as_str().as_bytes()[17]);
        assert_eq!(id_masked("123"), "***");
    }

    /// Every phone number of the same shape consistent with the mask. For a landline the area
    /// code and the first two digits of the local number (the exchange prefix) count as known
    /// (and a local number never starts with 0 or 1); for a mobile, the three shown digits.
    fn phone_candidates(phone: &str) -> usize {
        let digits: Vec<u8> = phone.bytes().filter(u8::is_ascii_digit).collect();
        let masked = phone_masked(phone);
        let shown: Vec<u8> = masked.bytes().filter(|b| *b != b'-').collect();
        assert_eq!(shown.len(), digits.len(), "{masked} has the shape of {phone}");
        let landline = digits[0] == b'0';
        let area = if matches!(digits[1], b'1' | b'2') { 3 } else { 4 };
        let known = if landline { area + 2 } else { 3 };
        // Known characters are the attacker's; the other hidden ones are free.
        let mut base = shown.clone();
        base[..known].copy_from_slice(&digits[..known]);
        let free: Vec<usize> = (known..shown.len()).filter(|i| shown[*i] == b'*').collect();
        let mut n = 0usize;
        let mut cand = base.clone();
        for v in 0..10usize.pow(free.len() as u32) {
            let mut rest = v;
            for &i in free.iter().rev() {
                cand[i] = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            // (Shown characters fit by construction: only hidden ones were filled in.)
            let valid = if landline { !matches!(cand[area], b'0' | b'1') } else { cand[0] == b'1' };
            if valid {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn phone_masks_leave_ten_thousand_candidates() {
        let mut phones: Vec<String> =
            (0..260).map(|i| crate::demo::workers::person(i).expect("demo person").phone).collect();
        phones.extend(crate::demo::stations::plan().into_iter().map(|s| s.phone));
        // 200 of the organisations' landlines and 200 of their mobiles.
        let orgs: Vec<String> = crate::demo::orgs::generate(1)
            .orgs
            .into_iter()
            .map(|o| o.contact_phone)
            .filter(|p| !p.is_empty())
            .collect();
        phones.extend(orgs.iter().filter(|p| p.starts_with('0')).take(200).cloned());
        phones.extend(orgs.iter().filter(|p| p.starts_with('1')).take(200).cloned());
        phones.extend(
            ["13812345678", "010-62751234", "021-6234567", "0512-57301234", "051257301234", "0512-5730123"]
                .map(String::from),
        );
        let mut landlines = 0;
        let mut seen = std::collections::HashSet::new();
        for p in &phones {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            // The count depends only on the mask and the known prefix.
            if !seen.insert((phone_masked(p), digits[..6].to_string())) {
                continue;
            }
            let n = phone_candidates(p);
            assert!(n >= 10_000, "{p} masked {} leaves {n}", phone_masked(p));
            landlines += usize::from(p.starts_with('0'));
        }
        assert!(landlines > 50, "landlines are covered");
        assert_eq!(phone_masked("13812345678"), "138****5678");
        assert_eq!(phone_masked("138-1234-5678"), "138****5678");
        assert_eq!(phone_masked("0512-57301234"), "0512-******34");
        assert_eq!(phone_masked("051257301234"), "0512-******34");
        assert_eq!(phone_masked("010-62751234"), "010-******34");
        assert_eq!(phone_masked("0512-5730123"), "0512-******3");
        assert_eq!(phone_masked("12345"), "*****");
        assert_eq!(phone_masked_opt(None), "");
        // The old mask (first 3, last 4) of a landline left ten numbers once the area code was known.
        assert!(!phone_masked("0512-57301234").contains("1234"));
    }
}
