//! What the indicator engine answers: an indicator's value for a period and unit, the value a
//! year earlier and the change, with the page listing the records behind it.

use serde::Serialize;

use crate::platform::figures::{grouped, permille_text, wan_text, Measure};

/// One indicator for one question.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorValue {
    /// Stable key, e.g. `services.projects`.
    pub key: &'static str,
    /// Locale keys of the label, the definition and the unit of measure.
    pub label_key: &'static str,
    pub definition_key: &'static str,
    pub unit_key: &'static str,
    /// How the value reads: a count, a share in per mille, or money in fen.
    pub measure: Measure,
    /// Whether the records are dated by a year only (then only whole years have a value).
    pub annual: bool,
    /// The value; none where the indicator has no value for the period.
    pub value: Option<i64>,
    /// The value as a page shows it ("1,500", "68.0", "1,300"), "—" without a value.
    pub text: String,
    /// The value for the same period a year earlier.
    pub before: Option<i64>,
    /// `value - before` (in per mille points for shares, fen for money), when both exist.
    pub change: Option<i64>,
    /// The change as a page shows it, with its sign ("+3", "-1.5", "0").
    pub change_text: Option<String>,
    /// The page listing the records behind the value.
    pub href: String,
}

/// A value as it reads on a page, "—" for none.
pub fn value_text(measure: Measure, value: Option<i64>) -> String {
    match value {
        None => "—".to_string(),
        Some(v) => match measure {
            Measure::Count => grouped(v),
            Measure::Permille => permille_text(v),
            Measure::Fen => wan_text(v),
        },
    }
}

/// A change with its sign: "+3", "-1.5", "0".
pub fn change_text(measure: Measure, change: i64) -> String {
    let body = value_text(measure, Some(change));
    if change > 0 {
        format!("+{body}")
    } else {
        body
    }
}

impl IndicatorValue {
    /// Whether the value went up (`Some(true)`), down (`Some(false)`) or neither/unknown.
    pub fn rose(&self) -> Option<bool> {
        self.change.filter(|c| *c != 0).map(|c| c > 0)
    }
    /// The value a year earlier as it reads on a page.
    pub fn before_text(&self) -> String {
        value_text(self.measure, self.before)
    }
    pub fn direction(&self) -> &'static str {
        match self.rose() {
            Some(true) => "up",
            Some(false) => "down",
            None => "flat",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_with_their_sign() {
        assert_eq!(change_text(Measure::Count, 1200), "+1,200");
        assert_eq!(change_text(Measure::Count, -3), "-3");
        assert_eq!(change_text(Measure::Count, 0), "0");
        assert_eq!(change_text(Measure::Permille, 15), "+1.5");
        assert_eq!(change_text(Measure::Fen, -1_300_000_000), "-1,300");
        assert_eq!(value_text(Measure::Count, None), "—");
    }
}
