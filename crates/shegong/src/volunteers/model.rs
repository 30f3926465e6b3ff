//! Types and rules of volunteer mobilisation: campaign and shift forms, the public sign-up form
//! (ID types and their checks, the phone, the consent), and the dispatch rules (no overlap, the
//! welfare limits) as pure functions over a volunteer's slots.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::orgs::model::parse_date;
use crate::platform::web::Problems;

/// Campaign statuses, in their order.
pub const STATUSES: [&str; 4] = ["draft", "recruiting", "running", "closed"];
/// Statuses in which volunteers may sign up and take shifts.
pub const OPEN_STATUSES: [&str; 2] = ["recruiting", "running"];

/// The version of the consent text (`volunteers.consent.*`) a volunteer agreed to; change it
/// whenever that text changes.
pub const CONSENT_VERSION: &str = "2026-1";

/// A campaign as typed in the form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub roles: String,
    #[serde(default)]
    pub skills: String,
    /// Target communities, by unit id (a multiple select: see [`CampaignForm::from_pairs`]).
    #[serde(skip)]
    pub communities: Vec<String>,
    #[serde(default)]
    pub max_hours_per_day: String,
    #[serde(default)]
    pub max_consecutive_days: String,
    #[serde(default)]
    pub min_rest_minutes: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

/// A valid campaign.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignInput {
    pub unit_id: i64,
    pub title: String,
    pub purpose: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub roles: String,
    pub skills: String,
    pub communities: Vec<i64>,
    pub welfare: Welfare,
    pub contact: String,
}

/// One item per line, trimmed, empty lines dropped, at most `max` items of at most 30 characters.
pub fn lines(text: &str, max: usize) -> Option<String> {
    let items: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    if items.len() > max || items.iter().any(|i| i.chars().count() > 30) {
        return None;
    }
    Some(items.join("\n"))
}

fn int_in(s: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|n| range.contains(n))
}

impl CampaignForm {
    /// The form from its fields as sent, `communities` repeated once per selected option (a
    /// form struct cannot take a repeated key). A field sent twice makes every field empty, so
    /// that validation answers.
    pub fn from_pairs(pairs: &[(String, String)]) -> CampaignForm {
        let single: Vec<(&str, &str)> =
            pairs.iter().filter(|(k, _)| k != "communities").map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut f: CampaignForm = serde_urlencoded::to_string(&single)
            .ok()
            .and_then(|s| serde_urlencoded::from_str(&s).ok())
            .unwrap_or_default();
        f.communities = pairs.iter().filter(|(k, _)| k == "communities").map(|(_, v)| v.clone()).collect();
        f
    }

    pub fn validate(&self) -> Result<CampaignInput, Problems> {
        let mut errs = Problems::default();
        let unit_id = self.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(("unit_id", "orgs.error.unit", String::new()));
        }
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 100 {
            errs.push(("title", "volunteers.error.title", String::new()));
        }
        let purpose: String = self.purpose.trim().chars().take(2000).collect();
        let starts_on = parse_date(&self.starts_on);
        if starts_on.is_none() {
            errs.push(("starts_on", "volunteers.error.date", self.starts_on.trim()));
        }
        let ends_on = parse_date(&self.ends_on);
        match (starts_on, ends_on) {
            (_, None) => errs.push(("ends_on", "volunteers.error.date", self.ends_on.trim())),
            (Some(s), Some(e)) if e < s => errs.push(("ends_on", "volunteers.error.period", String::new())),
            _ => {}
        }
        let status = self.status.trim();
        let status = if status.is_empty() { "draft" } else { status };
        if !STATUSES.contains(&status) {
            errs.push(("status", "volunteers.error.status", String::new()));
        }
        let roles = lines(&self.roles, 20);
        if roles.is_none() {
            errs.push(("roles", "volunteers.error.lines", String::new()));
        }
        let skills = lines(&self.skills, 20);
        if skills.is_none() {
            errs.push(("skills", "volunteers.error.lines", String::new()));
        }
        let mut communities = Vec::new();
        for c in &self.communities {
            match c.trim().parse::<i64>() {
                Ok(id) if !communities.contains(&id) => communities.push(id),
                Ok(_) => {}
                Err(_) => errs.push(("communities", "volunteers.error.communities", String::new())),
            }
        }
        if communities.len() > 500 {
            errs.push(("communities", "volunteers.error.communities", String::new()));
        }
        let hours = int_in(&self.max_hours_per_day, 1..=24);
        if hours.is_none() {
            errs.push(("max_hours_per_day", "volunteers.error.max_hours", self.max_hours_per_day.trim()));
        }
        let days = int_in(&self.max_consecutive_days, 1..=366);
        if days.is_none() {
            errs.push(("max_consecutive_days", "volunteers.error.max_days", self.max_consecutive_days.trim()));
        }
        let rest = int_in(&self.min_rest_minutes, 0..=1440);
        if rest.is_none() {
            errs.push(("min_rest_minutes", "volunteers.error.min_rest", self.min_rest_minutes.trim()));
        }
        let contact: String = self.contact.trim().chars().take(100).collect();
        match (unit_id, starts_on, ends_on, roles, skills, hours, days, rest) {
            (Some(unit_id), Some(starts_on), Some(ends_on), Some(roles), Some(skills), Some(h), Some(d), Some(r))
                if errs.is_empty() =>
            {
                Ok(CampaignInput {
                    unit_id,
                    title,
                    purpose,
                    starts_on,
                    ends_on,
                    status: status.to_string(),
                    roles,
                    skills,
                    communities,
                    welfare: Welfare { max_minutes_per_day: h * 60, max_consecutive_days: d, min_rest_minutes: r },
                    contact,
                })
            }
            _ => Err(errs),
        }
    }
}

/// A campaign's welfare limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welfare {
    pub max_minutes_per_day: i32,
    pub max_consecutive_days: i32,
    pub min_rest_minutes: i32,
}

/// A time on a day as `HH:MM` → minutes from midnight (`24:00` is 1440).
pub fn parse_hhmm(s: &str) -> Option<i32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m) = (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?);
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) || m.to_string().len() > 2 {
        return None;
    }
    Some(h * 60 + m)
}

/// Minutes from midnight as `HH:MM`.
pub fn hhmm(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A shift as typed in the form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShiftForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub shift_date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub service_type_id: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShiftInput {
    pub unit_id: i64,
    pub slot: Slot,
    pub role: String,
    pub capacity: i32,
    pub place: String,
    pub service_type_id: Option<i64>,
}

impl ShiftForm {
    /// A shift inside the campaign's period, starting before it ends on the same day.
    pub fn validate(&self, period: (NaiveDate, NaiveDate)) -> Result<ShiftInput, Problems> {
        let mut errs = Problems::default();
        let unit_id = self.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(("unit_id", "volunteers.error.community", String::new()));
        }
        let date = parse_date(&self.shift_date);
        match date {
            None => errs.push(("shift_date", "volunteers.error.date", self.shift_date.trim())),
            Some(d) if d < period.0 || d > period.1 => {
                errs.push(("shift_date", "volunteers.error.outside_period", String::new()))
            }
            _ => {}
        }
        let start = parse_hhmm(&self.start);
        let end = parse_hhmm(&self.end);
        if start.is_none() {
            errs.push(("start", "volunteers.error.time", self.start.trim()));
        }
        if end.is_none() {
            errs.push(("end", "volunteers.error.time", self.end.trim()));
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                errs.push(("end", "volunteers.error.end_before_start", String::new()));
            }
        }
        let role: String = self.role.trim().chars().take(30).collect();
        let capacity = int_in(&self.capacity, 1..=1000);
        if capacity.is_none() {
            errs.push(("capacity", "volunteers.error.capacity", self.capacity.trim()));
        }
        let place: String = self.place.trim().chars().take(100).collect();
        let service_type_id = match self.service_type_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errs.push(("service_type_id", "volunteers.error.service_type", String::new()));
                    None
                }
            },
        };
        match (unit_id, date, start, end, capacity) {
            (Some(unit_id), Some(date), Some(start), Some(end), Some(capacity)) if errs.is_empty() => {
                Ok(ShiftInput { unit_id, slot: Slot { date, start, end }, role, capacity, place, service_type_id })
            }
            _ => Err(errs),
        }
    }
}

/// A volunteer's time on a day: minutes from midnight, `start < end ≤ 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub date: NaiveDate,
    pub start: i32,
    pub end: i32,
}

impl Slot {
    fn abs(&self, m: i32) -> i64 {
        i64::from(self.date.num_days_from_ce()) * 1440 + i64::from(m)
    }
    pub fn minutes(&self) -> i32 {
        self.end - self.start
    }
}

/// Why a volunteer cannot take a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// Another shift of theirs overlaps it.
    Overlap,
    /// Less rest than the campaign requires before or after another shift.
    Rest { min: i32 },
    /// More minutes that day than the campaign allows.
    DayMinutes { max: i32 },
    /// More days in a row than the campaign allows.
    ConsecutiveDays { max: i32 },
}

impl Clash {
    /// The locale key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            Clash::Overlap => "volunteers.clash.overlap",
            Clash::Rest { .. } => "volunteers.clash.rest",
            Clash::DayMinutes { .. } => "volunteers.clash.day_hours",
            Clash::ConsecutiveDays { .. } => "volunteers.clash.consecutive",
        }
    }
    /// The limit the message names (minutes, hours or days), as text.
    pub fn limit(&self) -> String {
        match self {
            Clash::Overlap => String::new(),
            Clash::Rest { min } => min.to_string(),
            Clash::DayMinutes { max } => (max / 60).to_string(),
            Clash::ConsecutiveDays { max } => max.to_string(),
        }
    }
}

/// Whether a volunteer already holding `held` may take `new` under `w`: no overlap with any
/// slot, at least `min_rest_minutes` between the new slot and every other (across midnight
/// too), at most `max_minutes_per_day` on its day, at most `max_consecutive_days` days in a row.
pub fn check_slot(new: &Slot, held: &[Slot], w: &Welfare) -> Result<(), Clash> {
    let (ns, ne) = (new.abs(new.start), new.abs(new.end));
    for h in held {
        let (hs, he) = (h.abs(h.start), h.abs(h.end));
        if ns < he && hs < ne {
            return Err(Clash::Overlap);
        }
    }
    for h in held {
        let (hs, he) = (h.abs(h.start), h.abs(h.end));
        let gap = if hs >= ne { hs - ne } else { ns - he };
        if gap < i64::from(w.min_rest_minutes) {
            return Err(Clash::Rest { min: w.min_rest_minutes });
        }
    }
    let day: i32 = held.iter().filter(|h| h.date == new.date).map(Slot::minutes).sum::<i32>() + new.minutes();
    if day > w.max_minutes_per_day {
        return Err(Clash::DayMinutes { max: w.max_minutes_per_day });
    }
    let has = |d: NaiveDate| held.iter().any(|h| h.date == d);
    let mut run = 1;
    let mut d = new.date;
    while let Some(p) = d.pred_opt().filter(|p| has(*p)) {
        run += 1;
        d = p;
    }
    let mut d = new.date;
    while let Some(n) = d.succ_opt().filter(|n| has(*n)) {
        run += 1;
        d = n;
    }
    if run > w.max_consecutive_days {
        return Err(Clash::ConsecutiveDays { max: w.max_consecutive_days });
    }
    Ok(())
}

/// ID types of the sign-up form.
pub const ID_TYPES: [&str; 3] = ["resident", "permit", "passport"];

/// A checked identity document number, normalised (upper case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocument {
    pub id_type: &'static str,
    pub number: String,
}

impl IdDocument {
    /// 居民身份证: GB 11643 (check character, birth date). 港澳台居民居住证: the same 18-character
    /// form with the division 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan). 护照: 5 to 20
    /// letters and digits.
    pub fn parse(id_type: &str, number: &str) -> Result<IdDocument, (&'static str, crate::platform::i18n::Detail)> {
        let n: String = number.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        match id_type {
            "resident" => match cncodes::IdNumber::parse(&n) {
                Ok(id) => Ok(IdDocument { id_type: "resident", number: id.as_str().to_string() }),
                Err(e) => Err(("volunteers.error.id_number", e.into())),
            },
            "permit" => match cncodes::IdNumber::parse(&n) {
                Ok(id) if ["810000", "820000", "830000"].contains(&id.division()) => {
                    Ok(IdDocument { id_type: "permit", number: id.as_str().to_string() })
                }
                Ok(_) => Err(("volunteers.error.permit", crate::platform::i18n::Detail::None)),
                Err(e) => Err(("volunteers.error.id_number", e.into())),
            },
            "passport" => {
                if (5..=20).contains(&n.chars().count()) && n.chars().all(|c| c.is_ascii_alphanumeric()) {
                    Ok(IdDocument { id_type: "passport", number: n })
                } else {
                    Err(("volunteers.error.passport", crate::platform::i18n::Detail::None))
                }
            }
            _ => Err(("volunteers.error.id_type", crate::platform::i18n::Detail::None)),
        }
    }

    /// The masked number shown in lists: the resident-ID mask for the 18-character forms, the
    /// first two and last two characters of a passport number.
    pub fn masked(&self) -> String {
        match self.id_type {
            "passport" => {
                let c: Vec<char> = self.number.chars().collect();
                let n = c.len();
                format!(
                    "{}{}{}",
                    c[..2].iter().collect::<String>(),
                    "*".repeat(n - 4),
                    c[n - 2..].iter().collect::<String>()
                )
            }
            _ => crate::platform::pii::id_masked(&self.number),
        }
    }
}

/// A mainland mobile number: 11 digits starting with 1 (spaces and dashes ignored).
pub fn parse_mobile(s: &str) -> Option<String> {
    let d: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (d.len() == 11 && d.starts_with('1') && d.chars().all(|c| c.is_ascii_digit())).then_some(d)
}

/// The public sign-up form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_type: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub availability: String,
    #[serde(default)]
    pub consent: String,
}

/// A valid sign-up.
#[derive(Debug, Clone)]
pub struct SignupInput {
    pub name: String,
    pub id: IdDocument,
    pub phone: String,
    pub unit_id: Option<i64>,
    pub skills: String,
    pub availability: String,
}

impl SignupForm {
    pub fn validate(&self) -> Result<SignupInput, Problems> {
        let mut errs = Problems::default();
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 30 {
            errs.push(("name", "volunteers.error.name", String::new()));
        }
        let id = match IdDocument::parse(self.id_type.trim(), &self.id_number) {
            Ok(id) => Some(id),
            Err((key, detail)) => {
                let field = if key == "volunteers.error.id_type" { "id_type" } else { "id_number" };
                errs.push((field, key, detail));
                None
            }
        };
        let phone = parse_mobile(&self.phone);
        if phone.is_none() {
            errs.push(("phone", "volunteers.error.phone", String::new()));
        }
        let unit_id = match self.unit_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(u) => Some(u),
                Err(_) => {
                    errs.push(("unit_id", "volunteers.error.community", String::new()));
                    None
                }
            },
        };
        let skills: String = self.skills.trim().chars().take(200).collect();
        let availability: String = self.availability.trim().chars().take(200).collect();
        if self.consent.trim() != "yes" {
            errs.push(("consent", "volunteers.error.consent", String::new()));
        }
        match (id, phone) {
            (Some(id), Some(phone)) if errs.is_empty() => {
                Ok(SignupInput { name, id, phone, unit_id, skills, availability })
            }
            _ => Err(errs),
        }
    }
}

/// What is stored of a new volunteer: the ID number and phone as keyed hashes, masks and ciphers,
/// the personal code as a keyed hash only (the one place these are derived: sign-up and demo).
pub fn protect(
    vault: &crate::platform::vault::Vault,
    unit_id: i64,
    i: &SignupInput,
    code: &str,
) -> anyhow::Result<crate::volunteers::store::NewVolunteer> {
    Ok(crate::volunteers::store::NewVolunteer {
        unit_id,
        name: i.name.clone(),
        id_type: i.id.id_type.to_string(),
        id_hash: vault.hash(&format!("id:{}", i.id.id_type), &i.id.number),
        id_masked: i.id.masked(),
        id_cipher: vault.seal("id", &i.id.number)?,
        phone_hash: vault.hash("phone", &i.phone),
        phone_masked: crate::platform::pii::phone_masked(&i.phone),
        phone_cipher: vault.seal("phone", &i.phone)?,
        code_hash: vault.hash("code", code),
        skills: i.skills.clone(),
        availability: i.availability.clone(),
        consent_version: CONSENT_VERSION.to_string(),
    })
}

/// A name partly masked for public pages: the family name (first character) and stars.
pub fn name_masked(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(first) => format!("{first}{}", "*".repeat(c.count().max(1))),
        None => String::new(),
    }
}

/// The alphabet of personal codes: digits and capitals without look-alikes (0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A new personal code: 8 characters from 31 (about 40 bits), typed case-insensitively.
pub fn new_code() -> Result<String, crate::platform::web::RandomUnavailable> {
    let mut b = [0u8; 8];
    crate::platform::web::random_bytes(&mut b)?;
    // 256 = 8 · 31 + 8: the bias of the modulo is below 4 % per character, and the code is
    // guessed only through the rate-limited /me form.
    Ok(b.iter().map(|x| CODE_ALPHABET[usize::from(*x) % CODE_ALPHABET.len()] as char).collect())
}

/// A personal code as typed: upper case, no spaces or dashes.
pub fn normalise_code(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase()
}

/// The instant a minute of a day in China Standard Time falls on.
pub fn local_instant(date: NaiveDate, minute: i32) -> chrono::DateTime<chrono::Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    let local = midnight + chrono::Duration::minutes(i64::from(minute));
    // China Standard Time has no daylight saving: local minus eight hours is UTC.
    chrono::DateTime::from_naive_utc_and_offset(local - chrono::Duration::hours(8), chrono::Utc)
}

/// The minutes served on a shift between check-in and check-out: only the time inside the
/// shift counts (arriving early, travelling and staying late do not), rounded down to the
/// quarter hour.
pub fn served_minutes(
    slot: &Slot,
    checkin: chrono::DateTime<chrono::Utc>,
    checkout: chrono::DateTime<chrono::Utc>,
) -> i32 {
    let from = checkin.max(local_instant(slot.date, slot.start));
    let to = checkout.min(local_instant(slot.date, slot.end));
    let minutes = (to - from).num_minutes().max(0);
    i32::try_from(minutes - minutes % 15).unwrap_or(0)
}

/// Whether a volunteer may check in at `now`: from an hour before the shift starts until it ends.
pub fn may_check_in(slot: &Slot, now: chrono::DateTime<chrono::Utc>) -> bool {
    now >= local_instant(slot.date, slot.start) - chrono::Duration::hours(1) && now < local_instant(slot.date, slot.end)
}

/// A text (a check-in address) as a QR code: an inline SVG element (no XML declaration; only
/// path data and two colours, so it is safe to embed). Empty when the text is too long.
pub fn qr_svg(text: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code.render::<svg::Color>().min_dimensions(240, 240).quiet_zone(true).build();
            svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or_default()
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }
    fn slot(day: &str, s: &str, e: &str) -> Slot {
        Slot { date: d(day), start: parse_hhmm(s).expect("start"), end: parse_hhmm(e).expect("end") }
    }
    const W: Welfare = Welfare { max_minutes_per_day: 480, max_consecutive_days: 3, min_rest_minutes: 60 };

    #[test]
    fn overlapping_shifts_clash() {
        let held = [slot("2022-04-01", "08:00", "12:00")];
        assert_eq!(check_slot(&slot("2022-04-01", "11:00", "13:00"), &held, &W), Err(Clash::Overlap));
        assert_eq!(check_slot(&slot("2022-04-01", "07:00", "08:30"), &held, &W), Err(Clash::Overlap));
        assert_eq!(check_slot(&slot("2022-04-01", "08:00", "12:00"), &held, &W), Err(Clash::Overlap));
        assert_eq!(check_slot(&slot("2022-04-01", "13:00", "15:00"), &held, &W), Ok(()));
    }

    #[test]
    fn rest_is_required_between_shifts_across_midnight_too() {
        let held = [slot("2022-04-01", "08:00", "12:00")];
        assert_eq!(check_slot(&slot("2022-04-01", "12:30", "14:00"), &held, &W), Err(Clash::Rest { min: 60 }));
        assert_eq!(check_slot(&slot("2022-04-01", "12:00", "14:00"), &held, &W), Err(Clash::Rest { min: 60 }));
        assert_eq!(check_slot(&slot("2022-04-01", "06:00", "07:00"), &held, &W), Ok(()));
        let late = [slot("2022-04-01", "20:00", "24:00")];
        assert_eq!(check_slot(&slot("2022-04-02", "00:30", "04:00"), &late, &W), Err(Clash::Rest { min: 60 }));
        assert_eq!(check_slot(&slot("2022-04-02", "01:00", "04:00"), &late, &W), Ok(()));
    }

    #[test]
    fn hours_per_day_and_days_in_a_row_are_limited() {
        let held = [slot("2022-04-01", "06:00", "12:00")];
        assert_eq!(check_slot(&slot("2022-04-01", "13:00", "15:30"), &held, &W), Err(Clash::DayMinutes { max: 480 }));
        assert_eq!(check_slot(&slot("2022-04-01", "13:00", "15:00"), &held, &W), Ok(()));
        let days = [slot("2022-04-01", "08:00", "10:00"), slot("2022-04-02", "08:00", "10:00")];
        assert_eq!(check_slot(&slot("2022-04-03", "08:00", "10:00"), &days, &W), Ok(()));
        let three = [days[0], days[1], slot("2022-04-04", "08:00", "10:00")];
        assert_eq!(
            check_slot(&slot("2022-04-03", "08:00", "10:00"), &three, &W),
            Err(Clash::ConsecutiveDays { max: 3 })
        );
        assert_eq!(check_slot(&slot("2022-04-06", "08:00", "10:00"), &three, &W), Ok(()));
    }

    #[test]
    fn identity_documents_are_checked_and_masked() {
        let id = cncodes::IdNumber::complete("32058319900101123").expect("id");
        let ok = IdDocument::parse("resident", &id.as_str().to_lowercase()).expect("resident");
        assert_eq!(ok.number, id.as_str());
        assert!(ok.masked().contains("***"));
        let mut bad = id.as_str().to_string();
        bad.replace_range(17..18, if bad.ends_with('0') { "1" } else { "0" });
        assert!(IdDocument::parse("resident", &bad).is_err());
        assert!(IdDocument::parse("permit", id.as_str()).is_err(), "a mainland number is no permit");
        let permit = cncodes::IdNumber::complete("81000019900101123").expect("permit");
        assert!(IdDocument::parse("permit", permit.as_str()).is_ok());
        let p = IdDocument::parse("passport", "e 1234 5678").expect("passport");
        assert_eq!(p.number, "E12345678");
        assert_eq!(p.masked(), "E1*****78");
        assert!(IdDocument::parse("passport", "E1").is_err());
        assert!(IdDocument::parse("driving", "E12345678").is_err());
    }

    #[test]
    fn phones_codes_and_names() {
        assert_eq!(parse_mobile("138-1234 5678").as_deref(), Some("13812345678"));
        assert_eq!(parse_mobile("0512-57301234"), None);
        let c = new_code().expect("code");
        assert_eq!(c.len(), 8);
        assert_eq!(normalise_code(&format!(" {}-", c.to_lowercase())), c);
        assert_eq!(name_masked("张三丰"), "张**");
        assert_eq!(name_masked("李"), "李*");
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:30"), None);
        assert_eq!(parse_hhmm("8:05"), Some(485));
        assert_eq!(hhmm(485), "08:05");
    }

    #[test]
    fn served_minutes_count_the_shift_only_rounded_down_to_the_quarter_hour() {
        let s = slot("2022-04-01", "08:00", "12:00");
        let at = |h: i32, m: i32| local_instant(d("2022-04-01"), h * 60 + m);
        assert_eq!(local_instant(d("2022-04-01"), 8 * 60).to_rfc3339(), "2022-04-01T00:00:00+00:00");
        assert_eq!(served_minutes(&s, at(8, 3), at(11, 50)), 225, "3 h 47 min → 3 h 45 min");
        assert_eq!(served_minutes(&s, at(7, 20), at(12, 40)), 240, "early arrival and staying late do not count");
        assert_eq!(served_minutes(&s, at(9, 0), at(9, 14)), 0);
        assert_eq!(served_minutes(&s, at(11, 0), at(10, 0)), 0, "never negative");
        assert!(may_check_in(&s, at(7, 0)) && may_check_in(&s, at(11, 59)));
        assert!(!may_check_in(&s, at(6, 59)) && !may_check_in(&s, at(12, 0)));
        let svg = qr_svg("https://example.org/checkin/abc");
        assert!(svg.starts_with("<svg") && svg.contains("<path"));
    }
}

/// Minutes of one service record: 1 to 1440 (a day).
pub fn parse_record_minutes(s: &str) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|m| (1..=1440).contains(m))
}

/// Persons served by one record: 0 to 100,000.
pub fn parse_person_times(s: &str) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|p| (0..=100_000).contains(p))
}

/// A volunteer's correction request from `/me`: the minutes and persons served they say are
/// right (either may stay empty) and why.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    pub minutes: String,
    pub person_times: String,
    pub reason: String,
}

impl CorrectionForm {
    /// (minutes, persons, reason) against a record's current `(minutes, persons)`: at least one
    /// value changed, each in range, and a reason of 2 to 200 characters.
    pub fn validate(&self, current: (i32, i32)) -> Result<(Option<i32>, Option<i32>, String), Problems> {
        let mut errs = Problems::default();
        let mut field = |name: &'static str, key: &'static str, text: &str, parse: fn(&str) -> Option<i32>| {
            let v = Some(text.trim()).filter(|t| !t.is_empty()).map(parse);
            if v == Some(None) {
                errs.push((name, key, text.trim().to_string()));
            }
            v.flatten()
        };
        let minutes = field("minutes", "volunteers.error.record_minutes", &self.minutes, parse_record_minutes);
        let persons = field("person_times", "volunteers.error.person_times", &self.person_times, parse_person_times);
        let reason = self.reason.trim().to_string();
        if !(2..=200).contains(&reason.chars().count()) {
            errs.push(("reason", "volunteers.error.reason", String::new()));
        }
        let (minutes, persons) = (minutes.filter(|m| *m != current.0), persons.filter(|p| *p != current.1));
        if errs.is_empty() && minutes.is_none() && persons.is_none() {
            errs.push(("minutes", "volunteers.error.no_change", String::new()));
        }
        if errs.is_empty() {
            Ok((minutes, persons, reason))
        } else {
            Err(errs)
        }
    }
}

/// A service type as the bureau adds or renames it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceTypeForm {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub sort_order: String,
    pub version: String,
}

impl ServiceTypeForm {
    /// (code, name, English name, order): the code `a-z 0-9 _` of 2 to 30 characters (checked
    /// when `new`), the names 2 to 30 and 2 to 60 characters, the order 0 to 999 (empty: 0).
    pub fn validate(&self, new: bool) -> Result<(String, String, String, i32), Problems> {
        let mut errs = Problems::default();
        let code = self.code.trim().to_ascii_lowercase();
        let code_ok = (2..=30).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if new && !code_ok {
            errs.push(("code", "volunteers.error.type_code", self.code.trim()));
        }
        let (name, name_en) = (self.name.trim().to_string(), self.name_en.trim().to_string());
        if !(2..=30).contains(&name.chars().count()) {
            errs.push(("name", "volunteers.error.type_name", String::new()));
        }
        if !(2..=60).contains(&name_en.chars().count()) {
            errs.push(("name_en", "volunteers.error.type_name_en", String::new()));
        }
        let order = Some(self.sort_order.trim()).filter(|s| !s.is_empty()).map_or(Some(0), |s| s.parse::<i32>().ok());
        match order.filter(|o| (0..=999).contains(o)) {
            Some(o) if errs.is_empty() => Ok((code, name, name_en, o)),
            o => {
                if o.is_none() {
                    errs.push(("sort_order", "volunteers.error.type_order", self.sort_order.trim()));
                }
                Err(errs)
            }
        }
    }
}
