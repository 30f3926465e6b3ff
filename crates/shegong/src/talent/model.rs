//! Rules of the fund ledger.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::orgs::model::parse_date;
use crate::platform::money::Money;

/// A ledger entry as typed in the form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub entry_on: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub counterparty: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub approval_ref: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryInput {
    pub kind: String,
    pub entry_on: NaiveDate,
    pub amount_fen: i64,
    pub counterparty: String,
    pub purpose: String,
    pub approval_ref: String,
}

impl EntryForm {
    /// A contribution needs who gave; a grant needs to whom, its purpose and its approval.
    pub fn validate(&self, today: NaiveDate) -> Result<EntryInput, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let kind = self.kind.trim();
        if kind != "contribution" && kind != "grant" {
            errs.push(("kind", "fund.error.kind"));
        }
        let entry_on = parse_date(&self.entry_on).filter(|d| *d <= today);
        if entry_on.is_none() {
            errs.push(("entry_on", "fund.error.date"));
        }
        let amount = Money::parse_yuan(&self.amount).filter(|m| m.fen() > 0);
        if amount.is_none() {
            errs.push(("amount", "fund.error.amount"));
        }
        let counterparty = self.counterparty.trim().to_string();
        if counterparty.chars().count() < 2 || counterparty.chars().count() > 100 {
            errs.push(("counterparty", "fund.error.counterparty"));
        }
        let purpose: String = self.purpose.trim().chars().take(500).collect();
        let approval_ref: String = self.approval_ref.trim().chars().take(100).collect();
        if kind == "grant" {
            if purpose.is_empty() {
                errs.push(("purpose", "fund.error.purpose"));
            }
            if approval_ref.is_empty() {
                errs.push(("approval_ref", "fund.error.approval"));
            }
        }
        match (entry_on, amount) {
            (Some(entry_on), Some(amount)) if errs.is_empty() => Ok(EntryInput {
                kind: kind.to_string(),
                entry_on,
                amount_fen: amount.fen(),
                counterparty,
                purpose,
                approval_ref,
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_need_purpose_and_approval() {
        let today = NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
        let c = EntryForm {
            kind: "contribution".into(),
            entry_on: "2022-03-18".into(),
            amount: "1,000,000".into(),
            counterparty: "昆山市慈善总会".into(),
            ..EntryForm::default()
        };
        assert_eq!(c.validate(today).expect("valid").amount_fen, 100_000_000);
        let g = EntryForm { kind: "grant".into(), ..c.clone() };
        let errs: Vec<_> = g.validate(today).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(errs, vec!["purpose", "approval_ref"]);
        let bad = EntryForm { amount: "12.345".into(), entry_on: "2023-01-01".into(), ..c };
        let errs: Vec<_> = bad.validate(today).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(errs, vec!["entry_on", "amount"]);
    }
}
