//! Bulk writes of the demo year (demo/hotline.rs): calls and their acknowledged escalations in
//! multi-row statements, so that a year of calls costs a few dozen statements. The calls come
//! with their summaries already sealed (by [`super::seal`]).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};

use crate::hotline::model::CallInput;
use crate::platform::db::{insert_ids, sql};

/// Rows per statement of the escalations (a few values each).
const CHUNK: usize = 200;

/// A call to write: the input (its free text unused), the sealed summary, its unit and counsellor.
pub struct BulkCall {
    pub input: CallInput,
    pub summary_cipher: String,
    pub unit_id: i64,
    pub counsellor_id: i64,
}

/// Writes the calls in multi-row statements ([`insert_ids`]); returns how many.
pub async fn insert_calls<C: ConnectionTrait>(c: &C, calls: &[BulkCall]) -> Result<usize, DbErr> {
    let now = Utc::now();
    let rows = calls
        .iter()
        .map(|k| {
            super::calls::call_values(
                &k.input,
                k.unit_id,
                k.counsellor_id,
                k.summary_cipher.clone(),
                String::new(),
                k.counsellor_id,
                now,
            )
        })
        .collect();
    Ok(insert_ids(c, super::calls::CALL_INSERT, rows).await?.len())
}

/// A call at risk high or imminent without an escalation.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Unescalated {
    pub id: i64,
    pub unit_id: i64,
    pub counsellor_id: i64,
    pub risk_level: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
}

/// The calls of `from..to` at risk high or imminent that have no escalation, oldest first.
pub async fn unescalated<C: ConnectionTrait>(
    c: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Unescalated>, DbErr> {
    Unescalated::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT t.id, t.unit_id, t.counsellor_id, t.risk_level, t.started_at, t.ended_at FROM hotline_calls t \
         WHERE t.risk_level IN ('high', 'imminent') AND t.started_at >= ? AND t.started_at < ? \
         AND NOT EXISTS (SELECT 1 FROM hotline_escalations e WHERE e.call_id = t.id) ORDER BY t.started_at, t.id",
        vec![from.into(), to.into()],
    ))
    .all(c)
    .await
}

/// An escalation that was raised, handed on `hand_ons` times and acknowledged.
pub struct DoneEscalation<'a> {
    pub call: &'a Unescalated,
    pub raised_at: DateTime<Utc>,
    pub supervisor: i64,
    pub hand_ons: i32,
    pub acknowledged_at: DateTime<Utc>,
    /// A call to 110/120 made for it: (service, reference, at).
    pub emergency: Option<(&'static str, String, DateTime<Utc>)>,
}

/// Writes acknowledged escalations and their 110/120 calls; returns how many escalations.
pub async fn insert_escalations<C: ConnectionTrait>(c: &C, rows: &[DoneEscalation<'_>]) -> Result<usize, DbErr> {
    let b = c.get_database_backend();
    for chunk in rows.chunks(CHUNK) {
        let mut text = String::from(
            "INSERT INTO hotline_escalations (call_id, unit_id, counsellor_id, risk_level, raised_at, assigned_to, \
             assigned_at, hand_ons, acknowledged_by, acknowledged_at, version) VALUES ",
        );
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 10);
        for (n, e) in chunk.iter().enumerate() {
            if n > 0 {
                text.push(',');
            }
            text.push_str("(?,?,?,?,?,?,?,?,?,?,2)");
            vals.extend([
                Value::from(e.call.id),
                e.call.unit_id.into(),
                e.call.counsellor_id.into(),
                e.call.risk_level.clone().into(),
                e.raised_at.into(),
                e.supervisor.into(),
                e.raised_at.into(),
                e.hand_ons.into(),
                e.supervisor.into(),
                e.acknowledged_at.into(),
            ]);
        }
        c.execute(sql(b, &text, vals)).await?;
    }
    let with_calls: Vec<&DoneEscalation> = rows.iter().filter(|e| e.emergency.is_some()).collect();
    for chunk in with_calls.chunks(CHUNK) {
        let mut text = String::from(
            "INSERT INTO hotline_emergency_calls (escalation_id, service, reference, called_by, called_at) VALUES ",
        );
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for (n, e) in chunk.iter().enumerate() {
            let Some((service, reference, at)) = &e.emergency else { continue };
            if n > 0 {
                text.push(',');
            }
            text.push_str("((SELECT id FROM hotline_escalations WHERE call_id = ?),?,?,?,?)");
            vals.extend([
                Value::from(e.call.id),
                (*service).into(),
                reference.clone().into(),
                e.supervisor.into(),
                (*at).into(),
            ]);
        }
        c.execute(sql(b, &text, vals)).await?;
    }
    Ok(rows.len())
}
