//! Validators for Chinese national codes.
//!
//! * [`CreditCode`]: the 18-character unified social credit code (统一社会信用代码, GB 32100-2015).
//! * [`IdNumber`]: the 18-character resident identity number (公民身份号码, GB 11643-1999).
//! * [`DivisionCode`]: a six-digit administrative division code (行政区划代码, GB/T 2260).
//!
//! Each type can only hold a valid value: construct it with `parse`, which returns a
//! [`CodeError`] value that says exactly what is wrong (kind, position, expected, found, part),
//! so that a user can fix the input. The crate holds no user-facing text: the application
//! renders the value in its user's language.

use std::fmt;

/// The 31 characters allowed in a unified social credit code (no I, O, S, V, Z).
pub const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// A part of a code that carries a value of its own (and can be wrong on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// Characters 7-14 of an ID number.
    BirthDate,
    /// Characters 1-2 of a division code.
    Province,
}

impl Part {
    /// A stable name, e.g. for a translation key: `birth_date`, `province`.
    pub fn name(self) -> &'static str {
        match self {
            Part::BirthDate => "birth_date",
            Part::Province => "province",
        }
    }
}

/// What is wrong with a code: a value for the application to render in its user's language
/// (the crate holds no user-facing text). `position` is 1-based, as people count characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// The code does not have the required number of characters.
    Length { expected: usize, found: usize },
    /// A character is not allowed at this position.
    InvalidChar { position: usize, found: char },
    /// The check character does not match the other characters.
    CheckChar { expected: char, found: char },
    /// A part of the code (e.g. the birth date) is not a valid value.
    InvalidPart { part: Part },
}

impl CodeError {
    /// A stable name of the kind of problem: `length`, `invalid_char`, `check_char`,
    /// `invalid_part` (e.g. for a translation key).
    pub fn kind(&self) -> &'static str {
        match self {
            CodeError::Length { .. } => "length",
            CodeError::InvalidChar { .. } => "invalid_char",
            CodeError::CheckChar { .. } => "check_char",
            CodeError::InvalidPart { .. } => "invalid_part",
        }
    }

    /// The 1-based position of a character that is not allowed (a wrong check character is
    /// always the last one).
    pub fn position(&self) -> Option<usize> {
        match self {
            CodeError::InvalidChar { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// What was expected: a number of characters or a check character.
    pub fn expected(&self) -> Option<String> {
        match self {
            CodeError::Length { expected, .. } => Some(expected.to_string()),
            CodeError::CheckChar { expected, .. } => Some(expected.to_string()),
            _ => None,
        }
    }

    /// What was found: a number of characters or a character.
    pub fn found(&self) -> Option<String> {
        match self {
            CodeError::Length { found, .. } => Some(found.to_string()),
            CodeError::InvalidChar { found, .. } | CodeError::CheckChar { found, .. } => Some(found.to_string()),
            CodeError::InvalidPart { .. } => None,
        }
    }

    /// The part of the code that is not valid.
    pub fn part(&self) -> Option<Part> {
        match self {
            CodeError::InvalidPart { part } => Some(*part),
            _ => None,
        }
    }
}

/// English, for logs and developers; users read the application's translation of the value.
impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Length { expected, found } => write!(f, "must have {expected} characters, found {found}"),
            CodeError::InvalidChar { position, found } => {
                write!(f, "character {position} ('{found}') is not allowed")
            }
            CodeError::CheckChar { expected, found } => {
                write!(f, "check character (last) should be '{expected}', found '{found}'")
            }
            CodeError::InvalidPart { part: Part::BirthDate } => f.write_str("invalid birth date"),
            CodeError::InvalidPart { part: Part::Province } => f.write_str("invalid province code"),
        }
    }
}

impl std::error::Error for CodeError {}

fn normalise(input: &str) -> String {
    // Full-width letters and digits (as typed with a Chinese IME) become half-width; spaces go.
    input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Type of organisation encoded in character 2 of a credit code registered by civil affairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditOrgType {
    /// 1: 社会团体
    SocialGroup,
    /// 2: 民办非企业单位 / 社会服务机构
    ServiceInstitution,
    /// 3: 基金会
    Foundation,
    /// 9 or anything else
    Other,
}

/// A valid unified social credit code (GB 32100-2015).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and validates a code. Lower case and full-width characters are accepted and
    /// normalised; anything else must be exact.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = normalise(input);
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(CodeError::Length { expected: 18, found: chars.len() });
        }
        let mut sum = 0u32;
        for (i, c) in chars.iter().enumerate() {
            let v = credit_value(*c).ok_or(CodeError::InvalidChar { position: i + 1, found: *c })?;
            if (2..8).contains(&i) && !c.is_ascii_digit() {
                return Err(CodeError::InvalidChar { position: i + 1, found: *c });
            }
            if i < 17 {
                sum += v * CREDIT_WEIGHTS[i];
            }
        }
        let expected = credit_check_char(sum);
        if chars[17] != expected {
            return Err(CodeError::CheckChar { expected, found: chars[17] });
        }
        Ok(CreditCode(s))
    }

    /// Completes the first 17 characters with the right check character.
    pub fn complete(first17: &str) -> Result<Self, CodeError> {
        let s = normalise(first17);
        let n = s.chars().count();
        if n != 17 {
            return Err(CodeError::Length { expected: 17, found: n });
        }
        let mut sum = 0u32;
        for (i, c) in s.chars().enumerate() {
            let v = credit_value(c).ok_or(CodeError::InvalidChar { position: i + 1, found: c })?;
            sum += v * CREDIT_WEIGHTS[i];
        }
        Self::parse(&format!("{s}{}", credit_check_char(sum)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Character 1: the registration authority (5 = civil affairs).
    pub fn authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// Character 2 read as the organisation type of a civil-affairs registration.
    pub fn org_type(&self) -> CreditOrgType {
        match self.0.as_bytes()[1] {
            b'1' => CreditOrgType::SocialGroup,
            b'2' => CreditOrgType::ServiceInstitution,
            b'3' => CreditOrgType::Foundation,
            _ => CreditOrgType::Other,
        }
    }

    /// Characters 3-8: the administrative division code of the registering authority.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }

    /// Characters 9-17: the organisation code.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn credit_value(c: char) -> Option<u32> {
    CREDIT_ALPHABET.find(c).map(|i| i as u32)
}

fn credit_check_char(sum: u32) -> char {
    let v = (31 - sum % 31) % 31;
    CREDIT_ALPHABET.as_bytes()[v as usize] as char
}

/// Gender encoded in an ID number (digit 17: odd male, even female).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// A valid 18-character resident identity number (GB 11643-1999).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = normalise(input);
        let b = s.as_bytes();
        let n = s.chars().count();
        if n != 18 {
            return Err(CodeError::Length { expected: 18, found: n });
        }
        let mut sum = 0u32;
        for (i, &c) in b.iter().take(17).enumerate() {
            if !c.is_ascii_digit() {
                return Err(CodeError::InvalidChar { position: i + 1, found: c as char });
            }
            sum += u32::from(c - b'0') * ID_WEIGHTS[i];
        }
        let last = b[17];
        if !(last.is_ascii_digit() || last == b'X') {
            return Err(CodeError::InvalidChar { position: 18, found: last as char });
        }
        let expected = ID_CHECK[(sum % 11) as usize];
        if last != expected {
            return Err(CodeError::CheckChar { expected: expected as char, found: last as char });
        }
        let id = IdNumber(s);
        if id.birth_date_parts().is_none() {
            return Err(CodeError::InvalidPart { part: Part::BirthDate });
        }
        Ok(id)
    }

    /// Completes the first 17 digits with the right check character.
    pub fn complete(first17: &str) -> Result<Self, CodeError> {
        if first17.len() != 17 || !first17.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CodeError::Length { expected: 17, found: first17.chars().count() });
        }
        let sum: u32 = first17.bytes().enumerate().map(|(i, c)| u32::from(c - b'0') * ID_WEIGHTS[i]).sum();
        Self::parse(&format!("{first17}{}", ID_CHECK[(sum % 11) as usize] as char))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Birth date as (year, month, day).
    pub fn birth_date_parts(&self) -> Option<(i32, u32, u32)> {
        let y: i32 = self.0[6..10].parse().ok()?;
        let m: u32 = self.0[10..12].parse().ok()?;
        let d: u32 = self.0[12..14].parse().ok()?;
        if !(1900..=2100).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some((y, m, d))
    }

    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Characters 1-6: the division code of the place of first registration.
    pub fn division(&self) -> &str {
        &self.0[0..6]
    }

    /// Characters 7-10: the year of birth.
    pub fn birth_year(&self) -> i32 {
        self.0[6..10].parse().unwrap_or_default()
    }

    /// The masked form shown to users without the right to see the number: `320583***********X`
    /// (see [`mask_id_number`]).
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

/// How many leading characters an ID number mask keeps: the division code (1-6).
pub const ID_MASK_HEAD: usize = 6;
/// How many trailing characters an ID number mask keeps: the check character (18).
pub const ID_MASK_TAIL: usize = 1;

/// The one mask for ID numbers: keeps the division code (characters 1-6) and the check
/// character (18), and stars the birth date (7-14) and the whole sequence (15-17):
/// `320583***********X`.
///
/// Shown together with the year of birth and the gender (digit 17's parity), and to someone who
/// knows the division code, it still leaves every date of that year times 500 sequences, of which
/// about one in eleven has the check character shown: about 16,600 numbers (never fewer than
/// 10,000). Showing one more digit of the sequence (or, for almost every date, of the date) would
/// drop that below 10,000, and showing the full birth date beside it would leave about 45.
///
/// Anything that is not 18 characters is starred whole.
pub fn mask_id_number(s: &str) -> String {
    let n = s.chars().count();
    if n != 18 {
        return "*".repeat(n);
    }
    keep_ends(s, ID_MASK_HEAD, ID_MASK_TAIL)
}

impl fmt::Debug for IdNumber {
    // Never print a full ID number into logs by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Keeps `head` leading and `tail` trailing characters and stars the rest.
fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars.iter().enumerate().map(|(i, c)| if i < head || i >= chars.len() - tail { *c } else { '*' }).collect()
}

/// A six-digit administrative division code (GB/T 2260), e.g. 320583 for 昆山市.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = normalise(input);
        let n = s.chars().count();
        if n != 6 {
            return Err(CodeError::Length { expected: 6, found: n });
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(CodeError::InvalidChar { position: i + 1, found: c });
        }
        let province: u32 = s[0..2].parse().map_err(|_| CodeError::InvalidPart { part: Part::Province })?;
        if !(11..=82).contains(&province) {
            return Err(CodeError::InvalidPart { part: Part::Province });
        }
        Ok(DivisionCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn province(&self) -> &str {
        &self.0[0..2]
    }

    /// Whether `other` lies within this division (same prefix once trailing "00" pairs are dropped).
    pub fn contains(&self, other: &DivisionCode) -> bool {
        let mut prefix = self.0.as_str();
        while prefix.len() > 2 && prefix.ends_with("00") {
            prefix = &prefix[..prefix.len() - 2];
        }
        other.0.starts_with(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn credit_code_known_values() {
        // Built from the standard's algorithm; the check characters were worked by hand.
        let c = CreditCode::complete("51320583MJ5123456").expect("valid");
        assert_eq!(c.as_str().len(), 18);
        assert_eq!(c.division(), "320583");
        assert_eq!(c.org_type(), CreditOrgType::SocialGroup);
        assert_eq!(c.authority(), '5');
        // A published code (National Bureau of Statistics example form).
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91350100M000100Y44").is_err());
    }

    #[test]
    fn credit_code_errors_say_where() {
        let err = CreditCode::parse("51320583MJ512345").unwrap_err();
        assert_eq!(err, CodeError::Length { expected: 18, found: 16 });
        let err = CreditCode::parse("5132O583MJ51234567").unwrap_err();
        assert_eq!(err, CodeError::InvalidChar { position: 5, found: 'O' });
        let good = CreditCode::complete("52320583MJ5123456").expect("valid");
        let mut bad = good.as_str().to_string();
        let last = bad.pop().expect("18 chars");
        let wrong = if last == '0' { '1' } else { '0' };
        bad.push(wrong);
        match CreditCode::parse(&bad).unwrap_err() {
            CodeError::CheckChar { expected, found } => {
                assert_eq!(expected, last);
                assert_eq!(found, wrong);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn full_width_and_lower_case_are_normalised() {
        let c = CreditCode::complete("53320583MJ5123456").expect("valid");
        let full: String = c.as_str().chars().map(|ch| char::from_u32(ch as u32 + 0xFEE0).unwrap_or(ch)).collect();
        assert_eq!(CreditCode::parse(&format!(" {full} ")).expect("normalised"), c);
        assert_eq!(CreditCode::parse(&c.as_str().to_lowercase()).expect("lower"), c);
    }

    #[test]
    fn id_number_known_values() {
        // The standard's worked example.
        let id = IdNumber::parse("11010519491231002X").expect("valid");
        assert_eq!(id.birth_date_parts(), Some((1949, 12, 31)));
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.masked(), "110105***********X");
        assert_eq!(id.birth_year(), 1949);
        assert_eq!(mask_id_number("12345"), "*****");
        assert!(!format!("{id:?}").contains("19491231"));
        assert!(IdNumber::parse("110105194912310021").is_err());
        assert!(matches!(
            IdNumber::parse("110105194913310021"),
            Err(CodeError::CheckChar { .. }) | Err(CodeError::InvalidPart { .. })
        ));
        let feb30 = IdNumber::complete("32058319900230001");
        assert!(matches!(feb30, Err(CodeError::InvalidPart { .. })));
    }

    #[test]
    fn errors_are_values_with_a_kind_and_their_fields() {
        let len = CreditCode::parse("5132").unwrap_err();
        assert_eq!((len.kind(), len.expected().as_deref(), len.found().as_deref()), ("length", Some("18"), Some("4")));
        assert_eq!((len.position(), len.part()), (None, None));
        let ch = CreditCode::parse("51320583MJ5123456Z").unwrap_err();
        assert_eq!(ch, CodeError::InvalidChar { position: 18, found: 'Z' });
        assert_eq!(
            (ch.kind(), ch.position(), ch.found().as_deref(), ch.expected()),
            ("invalid_char", Some(18), Some("Z"), None)
        );
        let good = IdNumber::complete("11010519491231002").expect("valid");
        let wrong = if good.as_str().ends_with('0') { "110105194912310021" } else { "110105194912310020" };
        let check = IdNumber::parse(wrong).unwrap_err();
        assert_eq!(check.kind(), "check_char");
        assert_eq!(check.expected(), Some(good.as_str()[17..].to_string()));
        assert_eq!(check.found(), Some(wrong[17..].to_string()));
        let date = IdNumber::complete("32058319900230001").unwrap_err();
        assert_eq!(date, CodeError::InvalidPart { part: Part::BirthDate });
        assert_eq!(
            (date.kind(), date.part().map(Part::name), date.found()),
            ("invalid_part", Some("birth_date"), None)
        );
        let province = DivisionCode::parse("990000").unwrap_err();
        assert_eq!(province.part(), Some(Part::Province));
        assert_eq!(Part::Province.name(), "province");
    }

    #[test]
    fn the_crate_holds_no_user_facing_text() {
        // Display is English for logs; the application translates the value.
        for e in [
            CodeError::Length { expected: 18, found: 3 },
            CodeError::InvalidChar { position: 18, found: 'Z' },
            CodeError::CheckChar { expected: 'X', found: '1' },
            CodeError::InvalidPart { part: Part::BirthDate },
            CodeError::InvalidPart { part: Part::Province },
        ] {
            let text = e.to_string();
            assert!(text.is_ascii() && !text.contains(" / "), "{text}");
        }
    }

    #[test]
    fn division_codes() {
        let ks = DivisionCode::parse("320583").expect("Kunshan");
        let sz = DivisionCode::parse("320500").expect("Suzhou");
        assert!(sz.contains(&ks));
        assert!(!ks.contains(&sz));
        assert!(DivisionCode::parse("990000").is_err());
        assert!(DivisionCode::parse("32058A").is_err());
    }

    fn credit17() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!['5']),
            prop::sample::select(vec!['1', '2', '3', '9']),
            prop::collection::vec(0u32..31, 9),
        )
            .prop_map(|(a, t, rest)| {
                let tail: String = rest.iter().map(|v| CREDIT_ALPHABET.as_bytes()[*v as usize] as char).collect();
                format!("{a}{t}320583{tail}")
            })
    }

    proptest! {
        #[test]
        fn any_single_change_to_a_credit_code_is_rejected(first in credit17(), pos in 0usize..18, repl in 0usize..31) {
            let code = CreditCode::complete(&first).expect("complete");
            let mut chars: Vec<char> = code.as_str().chars().collect();
            let new = CREDIT_ALPHABET.as_bytes()[repl] as char;
            prop_assume!(chars[pos] != new);
            chars[pos] = new;
            let changed: String = chars.into_iter().collect();
            prop_assert!(CreditCode::parse(&changed).is_err());
        }

        #[test]
        fn any_single_digit_change_to_an_id_number_is_rejected(seq in 0u32..1000, day in 1u32..=28, pos in 0usize..17, d in 0u8..10) {
            let first = format!("320583{:04}{:02}{:02}{:03}", 1960 + seq % 50, 1 + seq % 12, day, seq);
            let id = IdNumber::complete(&first).expect("complete");
            let mut b = id.as_str().as_bytes().to_vec();
            prop_assume!(b[pos] != b'0' + d);
            b[pos] = b'0' + d;
            let changed = String::from_utf8(b).expect("ascii");
            prop_assert!(IdNumber::parse(&changed).is_err());
        }
    }
}
