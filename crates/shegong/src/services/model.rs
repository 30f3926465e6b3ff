//! Rules of government-purchased service projects, without I/O: the status workflow, the money
//! rules (no payment before signing, never more than the contract, the final payment only after a
//! passing final evaluation, nothing while on hold), evaluations by criterion and team roles.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::orgs::model::{date_problem, parse_date};
use crate::platform::money::{Amount, Money};

/// 立项 → 采购 → 签约 → 执行 → 中期评估 → 结项评估 → 结项.
pub const STATUSES: [&str; 7] =
    ["initiated", "procurement", "contracted", "executing", "midterm", "final_review", "closed"];

/// Team roles: 督导, 主管, 专职社工, 辅助社工.
pub const ROLES: [&str; 4] = ["supervisor", "manager", "fulltime", "assistant"];

/// 进度款 / 尾款.
pub const PAYMENT_KINDS: [&str; 2] = ["instalment", "final"];

pub const EVALUATION_KINDS: [&str; 2] = ["midterm", "final"];

/// The evaluation criteria and their maximum scores (they add up to 100).
pub const CRITERIA: [(&str, i32); 5] =
    [("management", 20), ("outcomes", 30), ("finance", 20), ("satisfaction", 20), ("team", 10)];

/// An evaluation passes at 60 % of the maximum score.
pub const PASS_PERCENT: i32 = 60;

pub fn status_index(s: &str) -> Option<usize> {
    STATUSES.iter().position(|x| *x == s)
}

/// The status after `s`, if any.
pub fn next_status(s: &str) -> Option<&'static str> {
    status_index(s).and_then(|i| STATUSES.get(i + 1).copied())
}

/// Whether money may flow: the contract is signed.
pub fn is_signed(status: &str) -> bool {
    status_index(status).is_some_and(|i| i >= 2)
}

/// What the workflow needs to know about a project to judge a step or a payment.
#[derive(Debug, Clone, Default)]
pub struct ProjectFacts {
    pub status: String,
    pub on_hold: bool,
    pub amount_fen: Money,
    pub paid_fen: Money,
    pub has_final_payment: bool,
    pub signed_on: Option<NaiveDate>,
    pub midterm_evaluations: usize,
    pub final_passed: bool,
}

impl ProjectFacts {
    /// What the contract still allows (negative if it was overpaid behind the application's back).
    pub fn remaining(&self) -> Money {
        Money(self.amount_fen.fen().saturating_sub(self.paid_fen.fen()))
    }

    /// The facts after a payment of `amount` of `kind` (the importer applies its rows one by one).
    pub fn after_payment(&mut self, kind: &str, amount: Amount) {
        self.paid_fen = Money(self.paid_fen.fen().saturating_add(amount.fen()));
        self.has_final_payment |= kind == "final";
    }
}

/// Why a step is refused: a locale key, with the statuses named in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Refusal {
    pub fn new(key: &'static str) -> Refusal {
        Refusal { key, args: Vec::new() }
    }
    fn with(mut self, k: &'static str, v: impl Into<String>) -> Refusal {
        self.args.push((k, v.into()));
        self
    }
}

/// Judges a move of the workflow to `to`. Signing (采购 → 签约) goes through [`check_sign`].
pub fn check_advance(p: &ProjectFacts, to: &str) -> Result<(), Refusal> {
    if status_index(to).is_none() {
        return Err(Refusal::new("services.error.unknown_status"));
    }
    if next_status(&p.status) != Some(to) {
        return Err(Refusal::new("services.error.transition")
            .with("from", format!("services.status.{}", p.status))
            .with("to", format!("services.status.{to}")));
    }
    if p.on_hold {
        return Err(Refusal::new("services.error.on_hold"));
    }
    match to {
        "contracted" => Err(Refusal::new("services.error.sign_needs_contract")),
        "final_review" if p.midterm_evaluations == 0 => Err(Refusal::new("services.error.no_midterm")),
        "closed" if !p.final_passed => Err(Refusal::new("services.error.no_final")),
        _ => Ok(()),
    }
}

/// Judges signing: only from 采购, not on hold.
pub fn check_sign(p: &ProjectFacts) -> Result<(), Refusal> {
    if p.status != "procurement" {
        return Err(Refusal::new("services.error.transition")
            .with("from", format!("services.status.{}", p.status))
            .with("to", "services.status.contracted"));
    }
    Ok(())
}

/// Judges a payment of `amount` on `paid_on`.
pub fn check_payment(p: &ProjectFacts, kind: &str, paid_on: NaiveDate, amount: Amount) -> Result<(), Refusal> {
    if !is_signed(&p.status) {
        return Err(Refusal::new("services.error.pay_before_contract"));
    }
    if p.signed_on.is_some_and(|s| paid_on < s) {
        return Err(Refusal::new("services.error.pay_before_signed_on")
            .with("date", p.signed_on.map(|d| d.to_string()).unwrap_or_default()));
    }
    if p.on_hold {
        return Err(Refusal::new("services.error.pay_on_hold"));
    }
    if p.has_final_payment {
        return Err(Refusal::new("services.error.after_final"));
    }
    if kind == "final" && !p.final_passed {
        return Err(Refusal::new("services.error.final_before_evaluation"));
    }
    let remaining = p.remaining();
    if amount.fen() > remaining.fen() {
        return Err(Refusal::new("services.error.overpay").with("remaining", Money(remaining.fen().max(0)).yuan_text()));
    }
    Ok(())
}

/// Judges recording an evaluation of `kind` in the current status.
pub fn check_evaluation(p: &ProjectFacts, kind: &str) -> Result<(), Refusal> {
    match (kind, p.status.as_str()) {
        ("midterm", "midterm") | ("final", "final_review") => Ok(()),
        ("midterm", _) => Err(Refusal::new("services.error.midterm_status")),
        _ => Err(Refusal::new("services.error.final_status")),
    }
}

/// The project form (立项).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub category_id: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectInput {
    pub unit_id: i64,
    pub year: i32,
    pub title: String,
    pub category_id: i64,
    pub amount_fen: Amount,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub description: String,
}

pub type FieldErrors = Vec<(&'static str, &'static str)>;

/// The `amount` field: a positive [`Amount`] (within the ceiling of one amount).
fn parse_amount(s: &str, errs: &mut FieldErrors) -> Option<Amount> {
    match Amount::parse_yuan(s) {
        Ok(a) if a.is_positive() => Some(a),
        Ok(_) => {
            errs.push(("amount", "services.error.amount"));
            None
        }
        Err(e) => {
            errs.push(("amount", e.key("services.error.amount")));
            None
        }
    }
}

fn year_of(s: &str, this_year: i32) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=this_year + 1).contains(y))
}

impl ProjectForm {
    pub fn validate(&self, this_year: i32) -> Result<ProjectInput, FieldErrors> {
        let mut errs = Vec::new();
        let unit_id = self.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(("unit_id", "services.error.unit"));
        }
        let year = year_of(&self.year, this_year);
        if year.is_none() {
            errs.push(("year", "services.error.year"));
        }
        let title = self.title.trim().to_string();
        if title.chars().count() < 4 || title.chars().count() > 100 {
            errs.push(("title", "services.error.title"));
        }
        let category_id = self.category_id.trim().parse::<i64>().ok();
        if category_id.is_none() {
            errs.push(("category_id", "services.error.category"));
        }
        let amount = parse_amount(&self.amount, &mut errs);
        let starts_on = parse_date(&self.starts_on);
        if starts_on.is_none() {
            errs.push(("starts_on", date_problem(&self.starts_on, "services.error.date")));
        }
        let ends_on = parse_date(&self.ends_on);
        if ends_on.is_none() {
            errs.push(("ends_on", date_problem(&self.ends_on, "services.error.date")));
        }
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errs.push(("ends_on", "services.error.period"));
            }
        }
        match (unit_id, year, category_id, amount, starts_on, ends_on) {
            (Some(unit_id), Some(year), Some(category_id), Some(amount), Some(starts_on), Some(ends_on))
                if errs.is_empty() =>
            {
                Ok(ProjectInput {
                    unit_id,
                    year,
                    title,
                    category_id,
                    amount_fen: amount,
                    starts_on,
                    ends_on,
                    description: self.description.trim().chars().take(2000).collect(),
                })
            }
            _ => Err(errs),
        }
    }
}

/// Signing (签约): the agency chosen, the contract number, the contract amount and date.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignForm {
    #[serde(default)]
    pub agency_id: String,
    #[serde(default)]
    pub contract_no: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignInput {
    pub agency_id: i64,
    pub contract_no: String,
    pub amount_fen: Amount,
    pub signed_on: NaiveDate,
}

/// A contract number: 3 to 50 letters, digits and the usual separators.
pub fn parse_contract_no(s: &str) -> Option<String> {
    let t = crate::platform::import::clean_cell(s);
    let ok = (3..=50).contains(&t.chars().count())
        && t.chars().all(|c| c.is_alphanumeric() || "-_/()（）〔〕[]#".contains(c));
    ok.then_some(t)
}

impl SignForm {
    pub fn validate(&self, today: NaiveDate) -> Result<SignInput, FieldErrors> {
        let mut errs = Vec::new();
        let agency_id = self.agency_id.trim().parse::<i64>().ok();
        if agency_id.is_none() {
            errs.push(("agency_id", "services.error.agency"));
        }
        let contract_no = parse_contract_no(&self.contract_no);
        if contract_no.is_none() {
            errs.push(("contract_no", "services.error.contract_no"));
        }
        let amount = parse_amount(&self.amount, &mut errs);
        let signed_on = parse_date(&self.signed_on).filter(|d| *d <= today);
        if signed_on.is_none() {
            errs.push(("signed_on", date_problem(&self.signed_on, "services.error.past_date")));
        }
        match (agency_id, contract_no, amount, signed_on) {
            (Some(agency_id), Some(contract_no), Some(amount), Some(signed_on)) => {
                Ok(SignInput { agency_id, contract_no, amount_fen: amount, signed_on })
            }
            _ => Err(errs),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub paid_on: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub voucher_ref: String,
    #[serde(default)]
    pub note: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaymentInput {
    pub kind: String,
    pub paid_on: NaiveDate,
    pub amount_fen: Amount,
    pub voucher_ref: String,
    pub note: String,
}

impl PaymentForm {
    pub fn validate(&self, today: NaiveDate) -> Result<PaymentInput, FieldErrors> {
        let mut errs = Vec::new();
        let kind = self.kind.trim();
        if !PAYMENT_KINDS.contains(&kind) {
            errs.push(("kind", "services.error.payment_kind"));
        }
        let paid_on = parse_date(&self.paid_on).filter(|d| *d <= today);
        if paid_on.is_none() {
            errs.push(("paid_on", date_problem(&self.paid_on, "services.error.past_date")));
        }
        let amount = parse_amount(&self.amount, &mut errs);
        let voucher_ref = crate::platform::import::clean_cell(&self.voucher_ref);
        if voucher_ref.is_empty() || voucher_ref.chars().count() > 50 {
            errs.push(("voucher_ref", "services.error.voucher"));
        }
        match (paid_on, amount) {
            (Some(paid_on), Some(amount)) if errs.is_empty() => Ok(PaymentInput {
                kind: kind.to_string(),
                paid_on,
                amount_fen: amount,
                voucher_ref,
                note: self.note.trim().chars().take(500).collect(),
            }),
            _ => Err(errs),
        }
    }
}

/// An evaluation with one score per criterion.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EvaluationForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub evaluated_on: String,
    #[serde(default)]
    pub evaluator: String,
    #[serde(default)]
    pub management: String,
    #[serde(default)]
    pub outcomes: String,
    #[serde(default)]
    pub finance: String,
    #[serde(default)]
    pub satisfaction: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub comments: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvaluationInput {
    pub kind: String,
    pub evaluated_on: NaiveDate,
    pub evaluator: String,
    pub scores: Vec<(String, i32, i32)>,
    pub score: i32,
    pub max_score: i32,
    pub passed: bool,
    pub comments: String,
}

/// The total and whether it passes, from (criterion, score, max) triples.
pub fn judge(scores: &[(String, i32, i32)]) -> (i32, i32, bool) {
    let total: i32 = scores.iter().map(|s| s.1).sum();
    let max: i32 = scores.iter().map(|s| s.2).sum();
    (total, max, max > 0 && total * 100 >= PASS_PERCENT * max)
}

impl EvaluationForm {
    pub fn score_of(&self, criterion: &str) -> &str {
        match criterion {
            "management" => &self.management,
            "outcomes" => &self.outcomes,
            "finance" => &self.finance,
            "satisfaction" => &self.satisfaction,
            _ => &self.team,
        }
    }

    pub fn validate(&self, today: NaiveDate) -> Result<EvaluationInput, FieldErrors> {
        let mut errs = Vec::new();
        let kind = self.kind.trim();
        if !EVALUATION_KINDS.contains(&kind) {
            errs.push(("kind", "services.error.evaluation_kind"));
        }
        let evaluated_on = parse_date(&self.evaluated_on).filter(|d| *d <= today);
        if evaluated_on.is_none() {
            errs.push(("evaluated_on", date_problem(&self.evaluated_on, "services.error.past_date")));
        }
        let evaluator = self.evaluator.trim().to_string();
        if evaluator.chars().count() < 2 || evaluator.chars().count() > 100 {
            errs.push(("evaluator", "services.error.evaluator"));
        }
        let mut scores = Vec::new();
        for (criterion, max) in CRITERIA {
            match self.score_of(criterion).trim().parse::<i32>() {
                Ok(s) if (0..=max).contains(&s) => scores.push((criterion.to_string(), s, max)),
                _ => errs.push((criterion, "services.error.score")),
            }
        }
        let (score, max_score, passed) = judge(&scores);
        match evaluated_on {
            Some(evaluated_on) if errs.is_empty() => Ok(EvaluationInput {
                kind: kind.to_string(),
                evaluated_on,
                evaluator,
                scores,
                score,
                max_score,
                passed,
                comments: self.comments.trim().chars().take(2000).collect(),
            }),
            _ => Err(errs),
        }
    }
}

/// A team member: a social worker from the register, or a named person who is not one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub worker_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub from_on: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberInput {
    pub worker_id: Option<i64>,
    pub name: String,
    pub role: String,
    pub from_on: NaiveDate,
}

impl MemberForm {
    pub fn validate(&self) -> Result<MemberInput, FieldErrors> {
        let mut errs = Vec::new();
        let worker_id = match self.worker_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errs.push(("worker_id", "services.error.worker"));
                    None
                }
            },
        };
        let name = self.name.trim().to_string();
        if worker_id.is_none() && (name.chars().count() < 2 || name.chars().count() > 30) {
            errs.push(("name", "services.error.member_name"));
        }
        let role = self.role.trim();
        if !ROLES.contains(&role) {
            errs.push(("role", "services.error.role"));
        }
        let from_on = parse_date(&self.from_on);
        if from_on.is_none() {
            errs.push(("from_on", date_problem(&self.from_on, "services.error.date")));
        }
        match from_on {
            Some(from_on) if errs.is_empty() => Ok(MemberInput { worker_id, name, role: role.to_string(), from_on }),
            _ => Err(errs),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MilestoneForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default, rename = "_nonce")]
    pub nonce: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneInput {
    pub title: String,
    pub due_on: NaiveDate,
}

impl MilestoneForm {
    pub fn validate(&self) -> Result<MilestoneInput, FieldErrors> {
        let mut errs = Vec::new();
        let title = self.title.trim().to_string();
        if title.chars().count() < 2 || title.chars().count() > 100 {
            errs.push(("title", "services.error.milestone_title"));
        }
        let due_on = parse_date(&self.due_on);
        if due_on.is_none() {
            errs.push(("due_on", date_problem(&self.due_on, "services.error.date")));
        }
        match due_on {
            Some(due_on) if errs.is_empty() => Ok(MilestoneInput { title, due_on }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn a(fen: i64) -> Amount {
        Amount::from_fen(fen).expect("amount")
    }

    fn facts(status: &str) -> ProjectFacts {
        ProjectFacts { status: status.into(), amount_fen: Money(100_000), ..ProjectFacts::default() }
    }

    #[test]
    fn the_workflow_moves_one_step_at_a_time() {
        assert_eq!(next_status("initiated"), Some("procurement"));
        assert_eq!(next_status("closed"), None);
        assert!(check_advance(&facts("initiated"), "procurement").is_ok());
        let skip = check_advance(&facts("initiated"), "executing").unwrap_err();
        assert_eq!(skip.key, "services.error.transition");
        assert_eq!(skip.args[1].1, "services.status.executing");
        assert_eq!(check_advance(&facts("executing"), "procurement").unwrap_err().key, "services.error.transition");
        assert_eq!(
            check_advance(&facts("procurement"), "contracted").unwrap_err().key,
            "services.error.sign_needs_contract"
        );
        assert!(check_sign(&facts("procurement")).is_ok());
        assert!(check_sign(&facts("initiated")).is_err());
        assert_eq!(check_advance(&facts("midterm"), "final_review").unwrap_err().key, "services.error.no_midterm");
        let evaluated = ProjectFacts { midterm_evaluations: 1, ..facts("midterm") };
        assert!(check_advance(&evaluated, "final_review").is_ok());
        let held = ProjectFacts { on_hold: true, ..evaluated };
        assert_eq!(check_advance(&held, "final_review").unwrap_err().key, "services.error.on_hold");
        assert_eq!(check_advance(&facts("final_review"), "closed").unwrap_err().key, "services.error.no_final");
        let passed = ProjectFacts { final_passed: true, ..facts("final_review") };
        assert!(check_advance(&passed, "closed").is_ok());
        assert_eq!(check_advance(&facts("closed"), "nowhere").unwrap_err().key, "services.error.unknown_status");
    }

    #[test]
    fn money_follows_the_contract_and_the_evaluation() {
        let on = d("2022-05-01");
        assert_eq!(
            check_payment(&facts("procurement"), "instalment", on, a(1)).unwrap_err().key,
            "services.error.pay_before_contract"
        );
        let signed = ProjectFacts { signed_on: Some(d("2022-04-01")), ..facts("executing") };
        assert!(check_payment(&signed, "instalment", on, a(100_000)).is_ok());
        assert_eq!(
            check_payment(&signed, "instalment", d("2022-03-31"), a(1)).unwrap_err().key,
            "services.error.pay_before_signed_on"
        );
        let part = ProjectFacts { paid_fen: Money(60_000), ..signed.clone() };
        let over = check_payment(&part, "instalment", on, a(40_001)).unwrap_err();
        assert_eq!(over.key, "services.error.overpay");
        assert_eq!(over.args[0].1, "400.00");
        assert!(check_payment(&part, "instalment", on, a(40_000)).is_ok());
        assert_eq!(
            check_payment(&part, "final", on, a(40_000)).unwrap_err().key,
            "services.error.final_before_evaluation"
        );
        let passed = ProjectFacts { final_passed: true, status: "final_review".into(), ..part.clone() };
        assert!(check_payment(&passed, "final", on, a(40_000)).is_ok());
        let done = ProjectFacts { has_final_payment: true, ..passed };
        assert_eq!(check_payment(&done, "instalment", on, a(1)).unwrap_err().key, "services.error.after_final");
        let held = ProjectFacts { on_hold: true, ..part };
        assert_eq!(check_payment(&held, "instalment", on, a(1)).unwrap_err().key, "services.error.pay_on_hold");
    }

    #[test]
    fn evaluations_score_by_criterion() {
        assert_eq!(CRITERIA.iter().map(|c| c.1).sum::<i32>(), 100);
        let f = EvaluationForm {
            kind: "midterm".into(),
            evaluated_on: "2022-07-01".into(),
            evaluator: "第三方评估机构".into(),
            management: "12".into(),
            outcomes: "18".into(),
            finance: "12".into(),
            satisfaction: "12".into(),
            team: "5".into(),
            ..EvaluationForm::default()
        };
        let e = f.validate(d("2022-12-31")).expect("valid");
        assert_eq!((e.score, e.max_score, e.passed), (59, 100, false));
        let e = EvaluationForm { team: "6".into(), ..f.clone() }.validate(d("2022-12-31")).expect("valid");
        assert!(e.passed, "60 of 100 passes");
        let errs = EvaluationForm { outcomes: "31".into(), ..f.clone() }.validate(d("2022-12-31")).unwrap_err();
        assert_eq!(errs, vec![("outcomes", "services.error.score")]);
        assert!(check_evaluation(&facts("midterm"), "midterm").is_ok());
        assert_eq!(check_evaluation(&facts("executing"), "final").unwrap_err().key, "services.error.final_status");
    }

    #[test]
    fn forms_refuse_bad_input() {
        let f = ProjectForm {
            unit_id: "3".into(),
            year: "2022".into(),
            title: "社区养老服务项目".into(),
            category_id: "7".into(),
            amount: "1,200,000.50".into(),
            starts_on: "2022-03-01".into(),
            ends_on: "2022-12-31".into(),
            ..ProjectForm::default()
        };
        assert_eq!(f.validate(2022).expect("valid").amount_fen.fen(), 120_000_050);
        let huge = ProjectForm { amount: "92,233,720,368,547,758.07".into(), ..f.clone() };
        assert_eq!(huge.validate(2022).unwrap_err(), vec![("amount", crate::platform::money::KEY_TOO_LARGE)]);
        let bad = ProjectForm { amount: "-5".into(), ends_on: "2022-01-01".into(), year: "1999".into(), ..f };
        let fields: Vec<_> = bad.validate(2022).unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["year", "amount", "ends_on"]);
        assert_eq!(parse_contract_no(" KS-2022-001 ").as_deref(), Some("KS-2022-001"));
        assert!(parse_contract_no("a;drop").is_none());
        let m = MemberForm { role: "boss".into(), from_on: "2022-01-01".into(), ..MemberForm::default() };
        let fields: Vec<_> = m.validate().unwrap_err().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["name", "role"]);
    }
}
