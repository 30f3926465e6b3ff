//! Payments of a project, and the check that none exceeds its contract.

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use serde::Serialize;

use crate::platform::db::{insert_id, sql};
use crate::platform::money::Money;
use crate::services::model::PaymentInput;

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PaymentRow {
    pub id: i64,
    pub project_id: i64,
    pub kind: String,
    pub paid_on: NaiveDate,
    pub amount_fen: Money,
    pub voucher_ref: String,
    pub note: String,
}

impl PaymentRow {
    pub fn amount(&self) -> String {
        self.amount_fen.yuan_text()
    }
    pub fn kind_key(&self) -> String {
        format!("services.payment.{}", self.kind)
    }
}

pub async fn payments<C: ConnectionTrait>(c: &C, project: i64) -> Result<Vec<PaymentRow>, DbErr> {
    PaymentRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, project_id, kind, paid_on, amount_fen, voucher_ref, note FROM project_payments WHERE project_id = ? ORDER BY paid_on, id",
        vec![project.into()],
    ))
    .all(c)
    .await
}

pub async fn insert_payment<C: ConnectionTrait>(
    c: &C,
    project: i64,
    p: &PaymentInput,
    by: Option<i64>,
) -> Result<i64, DbErr> {
    insert_id(c, "INSERT INTO project_payments (project_id, kind, paid_on, amount_fen, voucher_ref, note, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)", vec![
                project.into(),
                p.kind.clone().into(),
                p.paid_on.into(),
                p.amount_fen.into(),
                p.voucher_ref.clone().into(),
                p.note.clone().into(),
                by.into(),
                Utc::now().into(),
            ]).await
}

/// Projects whose payments exceed the contract (for `shegong check`): should never happen.
pub async fn check_payments<C: ConnectionTrait>(c: &C) -> Result<Vec<crate::platform::i18n::Msg>, DbErr> {
    let rows = c
        .query_all(sql(
            c.get_database_backend(),
            "SELECT p.id, p.amount_fen, SUM_INT(pp.amount_fen) FROM projects p JOIN project_payments pp ON pp.project_id = p.id \
             GROUP BY p.id, p.amount_fen HAVING SUM_INT(pp.amount_fen) > p.amount_fen",
            vec![],
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get_by_index(0)?;
        let amount: i64 = r.try_get_by_index(1)?;
        let paid: i64 = r.try_get_by_index(2)?;
        out.push(
            crate::platform::i18n::Msg::new("check.overpaid")
                .arg("id", id.to_string())
                .arg("paid", Money(paid).yuan_text())
                .arg("amount", Money(amount).yuan_text()),
        );
    }
    Ok(out)
}
