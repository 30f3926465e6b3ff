//! SQL of crisis escalations: the supervisors on duty (read from the roster's rota,
//! `hotline_shifts`), escalations, and the calls to 110/120 made for them. No free text.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde::Serialize;

use crate::platform::access::Scope;
use crate::platform::db::{insert_id, sql};

/// The emergency services a call may be made to.
pub const SERVICES: [&str; 2] = ["110", "120"];

/// An escalation reaches whoever reaches its call: the call's counsellor, and the units' scope.
pub fn filter(scope: &Scope) -> (String, Vec<Value>) {
    scope.unit_filter("t.unit_id", Some("t.counsellor_id"))
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EscalationRow {
    pub id: i64,
    pub call_id: i64,
    pub unit_id: i64,
    pub counsellor_id: i64,
    pub counsellor_name: String,
    pub risk_level: String,
    pub raised_at: DateTime<Utc>,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub assigned_at: DateTime<Utc>,
    pub hand_ons: i32,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_name: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub emergency_calls: i64,
    pub version: i32,
}

impl EscalationRow {
    pub fn raised_text(&self) -> String {
        crate::platform::time::local_minutes(&self.raised_at)
    }
    pub fn acknowledged_text(&self) -> String {
        self.acknowledged_at.as_ref().map(crate::platform::time::local_minutes).unwrap_or_default()
    }
    /// Seconds from raising to `now` (unacknowledged) or to the acknowledgement.
    pub fn age_seconds(&self, now: DateTime<Utc>) -> i64 {
        (self.acknowledged_at.unwrap_or(now) - self.raised_at).num_seconds().max(0)
    }
}

const SELECT: &str = "SELECT t.id, t.call_id, t.unit_id, t.counsellor_id, cu.display_name AS counsellor_name, \
     t.risk_level, t.raised_at, t.assigned_to, au.display_name AS assigned_name, t.assigned_at, t.hand_ons, \
     t.acknowledged_by, ku.display_name AS acknowledged_name, t.acknowledged_at, \
     (SELECT COUNT(*) FROM hotline_emergency_calls e WHERE e.escalation_id = t.id) AS emergency_calls, t.version \
     FROM hotline_escalations t JOIN users cu ON cu.id = t.counsellor_id \
     LEFT JOIN users au ON au.id = t.assigned_to LEFT JOIN users ku ON ku.id = t.acknowledged_by";

/// The unacknowledged escalations the caller reaches (oldest first), then the `recent` latest
/// acknowledged ones.
pub async fn board<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    recent: u32,
) -> Result<(Vec<EscalationRow>, Vec<EscalationRow>), DbErr> {
    let b = c.get_database_backend();
    let (sf, vals) = filter(scope);
    let open = EscalationRow::find_by_statement(sql(
        b,
        &format!("{SELECT} WHERE {sf} AND t.acknowledged_at IS NULL ORDER BY t.raised_at, t.id"),
        vals.clone(),
    ))
    .all(c)
    .await?;
    let done = EscalationRow::find_by_statement(sql(
        b,
        &format!(
            "{SELECT} WHERE {sf} AND t.acknowledged_at IS NOT NULL ORDER BY t.acknowledged_at DESC, t.id DESC LIMIT {recent}"
        ),
        vals,
    ))
    .all(c)
    .await?;
    Ok((open, done))
}

pub async fn get<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<EscalationRow>, DbErr> {
    let (sf, mut vals) = filter(scope);
    vals.push(id.into());
    EscalationRow::find_by_statement(sql(c.get_database_backend(), &format!("{SELECT} WHERE {sf} AND t.id = ?"), vals))
        .one(c)
        .await
}

/// The escalation of a call, if it has one (within the caller's scope).
pub async fn of_call<C: ConnectionTrait>(c: &C, scope: &Scope, call_id: i64) -> Result<Option<EscalationRow>, DbErr> {
    let (sf, mut vals) = filter(scope);
    vals.push(call_id.into());
    EscalationRow::find_by_statement(sql(
        c.get_database_backend(),
        &format!("{SELECT} WHERE {sf} AND t.call_id = ?"),
        vals,
    ))
    .one(c)
    .await
}

/// How many shifts of the rota, from the one at the time on, an escalation may go along.
pub const ROTA_AHEAD: usize = 12;

/// The supervisors (their accounts) an escalation raised at `at` goes to, in order: the
/// supervisor of the rota's shift at that time first (of the earliest started when shifts
/// overlap), then the supervisors of the shifts that follow it on the rota, each once. Empty
/// when no shift covers `at`: nobody is on duty, so every supervisor is asked.
pub async fn supervisors_on_duty<C: ConnectionTrait>(c: &C, at: DateTime<Utc>) -> Result<Vec<i64>, DbErr> {
    let shifts = crate::hotline::store::on_duty(c, at, ROTA_AHEAD).await?;
    let (day, minute) = crate::hotline::store::local_day_minute(at);
    match shifts.first() {
        Some(s) if s.day == day && s.start_minute <= minute => {}
        _ => return Ok(Vec::new()),
    }
    let mut out: Vec<i64> = Vec::new();
    for id in shifts.iter().filter_map(|s| s.supervisor_user_id) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The supervisor who takes an escalation that `current` did not acknowledge in time: the next
/// on the rota after `current`; after the last one (or with nobody on duty) nobody in particular
/// (`None`: every supervisor is asked). With nobody assigned, the first on duty.
pub fn next_on_duty(rota: &[i64], current: Option<i64>) -> Option<i64> {
    match current {
        None => rota.first().copied(),
        Some(s) => match rota.iter().position(|x| *x == s) {
            Some(i) => rota.get(i + 1).copied(),
            None => rota.first().copied().filter(|f| *f != s),
        },
    }
}

/// Raises the escalation of a call (none when it has one already); returns its id and the
/// supervisor it is with.
pub async fn raise<C: ConnectionTrait>(
    c: &C,
    call_id: i64,
    unit_id: i64,
    counsellor_id: i64,
    risk_level: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, Option<i64>)>, DbErr> {
    let b = c.get_database_backend();
    let had = c.query_one(sql(b, "SELECT id FROM hotline_escalations WHERE call_id = ?", vec![call_id.into()])).await?;
    if had.is_some() {
        return Ok(None);
    }
    let assigned = supervisors_on_duty(c, now).await?.first().copied();
    let id = insert_id(
        c,
        "INSERT INTO hotline_escalations (call_id, unit_id, counsellor_id, risk_level, raised_at, assigned_to, \
         assigned_at, hand_ons, version) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)",
        vec![
            call_id.into(),
            unit_id.into(),
            counsellor_id.into(),
            risk_level.into(),
            now.into(),
            assigned.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(Some((id, assigned)))
}

/// Records an acknowledgement; false when it was acknowledged already.
pub async fn acknowledge<C: ConnectionTrait>(c: &C, id: i64, by: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_escalations SET acknowledged_by = ?, acknowledged_at = ?, version = version + 1 \
             WHERE id = ? AND acknowledged_at IS NULL",
            vec![by.into(), now.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// An unacknowledged escalation whose supervisor's time ran out.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Overdue {
    pub id: i64,
    pub unit_id: i64,
    pub assigned_to: Option<i64>,
    pub hand_ons: i32,
}

/// Unacknowledged escalations with the same supervisor since before `cutoff`.
pub async fn overdue<C: ConnectionTrait>(c: &C, cutoff: DateTime<Utc>) -> Result<Vec<Overdue>, DbErr> {
    Overdue::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, unit_id, assigned_to, hand_ons FROM hotline_escalations \
         WHERE acknowledged_at IS NULL AND assigned_at <= ? ORDER BY id",
        vec![cutoff.into()],
    ))
    .all(c)
    .await
}

/// Hands an escalation on to `to` (if still unacknowledged and not handed on meanwhile).
pub async fn hand_on<C: ConnectionTrait>(
    c: &C,
    o: &Overdue,
    to: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = c
        .execute(sql(
            c.get_database_backend(),
            "UPDATE hotline_escalations SET assigned_to = ?, assigned_at = ?, hand_ons = hand_ons + 1, \
             version = version + 1 WHERE id = ? AND acknowledged_at IS NULL AND hand_ons = ?",
            vec![to.into(), now.into(), o.id.into(), o.hand_ons.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Starts the clock again for an escalation asked of every supervisor (nobody on duty to hand
/// it to), so that the sweep does not look at it again before its time.
pub async fn rewait<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    c.execute(sql(
        c.get_database_backend(),
        "UPDATE hotline_escalations SET assigned_at = ? WHERE id = ? AND acknowledged_at IS NULL AND assigned_to IS NULL",
        vec![now.into(), id.into()],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct EmergencyRow {
    pub id: i64,
    pub service: String,
    pub reference: String,
    pub called_by: i64,
    pub called_by_name: String,
    pub called_at: DateTime<Utc>,
}

impl EmergencyRow {
    pub fn called_text(&self) -> String {
        crate::platform::time::local_minutes(&self.called_at)
    }
}

pub async fn emergency_calls<C: ConnectionTrait>(c: &C, escalation: i64) -> Result<Vec<EmergencyRow>, DbErr> {
    EmergencyRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT e.id, e.service, e.reference, e.called_by, u.display_name AS called_by_name, e.called_at \
         FROM hotline_emergency_calls e JOIN users u ON u.id = e.called_by WHERE e.escalation_id = ? ORDER BY e.called_at, e.id",
        vec![escalation.into()],
    ))
    .all(c)
    .await
}

pub async fn add_emergency_call<C: ConnectionTrait>(
    c: &C,
    escalation: i64,
    service: &str,
    reference: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    insert_id(
        c,
        "INSERT INTO hotline_emergency_calls (escalation_id, service, reference, called_by, called_at) VALUES (?, ?, ?, ?, ?)",
        vec![escalation.into(), service.into(), reference.into(), by.into(), at.into()],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::next_on_duty;

    #[test]
    fn the_next_supervisor_on_the_rota() {
        assert_eq!(next_on_duty(&[1, 2, 3], Some(1)), Some(2));
        assert_eq!(next_on_duty(&[1, 2, 3], Some(3)), None, "after the last: every supervisor");
        assert_eq!(next_on_duty(&[1, 2, 3], None), Some(1));
        assert_eq!(next_on_duty(&[], None), None);
        assert_eq!(next_on_duty(&[2, 3], Some(1)), Some(2), "off duty: the first on duty");
        assert_eq!(next_on_duty(&[1], Some(1)), None);
    }
}
