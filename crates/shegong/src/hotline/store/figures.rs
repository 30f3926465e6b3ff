//! SQL of the hotline's figures: calls counted by category, risk level, channel, hour of day,
//! weekday and month (China time), escalations and their time to acknowledgement, and each
//! counsellor's workload, for a period and the caller's scope. No free text is read.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, FromQueryResult, Value};

use crate::platform::access::Scope;
use crate::platform::db::sql;

/// A part of a timestamp column in China time (UTC+8, no daylight saving since 1991), as an
/// integer: `hour` 0–23, `dow` 0 (Sunday)–6, `month` 1–12, `year`.
pub fn local_part(b: DatabaseBackend, part: &str, col: &str) -> String {
    let (pg, lite) = match part {
        "hour" => ("HOUR", "%H"),
        "dow" => ("DOW", "%w"),
        "month" => ("MONTH", "%m"),
        _ => ("YEAR", "%Y"),
    };
    if b == DatabaseBackend::Postgres {
        format!("CAST(EXTRACT({pg} FROM {col} + INTERVAL '8 hours') AS INTEGER)")
    } else {
        format!("CAST(strftime('{lite}', {col}, '+8 hours') AS INTEGER)")
    }
}

/// The calls of `from..to` (UTC instants) in the caller's scope: `WHERE …` and its values.
fn calls_where(scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>) -> (String, Vec<Value>) {
    let (sf, mut vals) = crate::hotline::store::call_filter(scope);
    vals.push(from.into());
    vals.push(to.into());
    (format!(" WHERE {sf} AND t.started_at >= ? AND t.started_at < ?"), vals)
}

/// The years (China time) with calls in the caller's scope.
pub async fn years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>, DbErr> {
    let b = c.get_database_backend();
    let (sf, vals) = crate::hotline::store::call_filter(scope);
    let y = local_part(b, "year", "t.started_at");
    let rows = c.query_all(sql(b, &format!("SELECT DISTINCT {y} FROM hotline_calls t WHERE {sf}"), vals)).await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r.try_get_by_index::<i32>(0)?);
    }
    Ok(out)
}

/// A count of calls under a key.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Count {
    pub k: String,
    pub n: i64,
}

/// Calls of the period by `dim`: `category` (code), `risk`, `channel`, `outcome`, or a time part
/// (`hour`, `dow`, `month`; the key is the number as text).
pub async fn calls_by<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    dim: &str,
) -> Result<Vec<Count>, DbErr> {
    let b = c.get_database_backend();
    let key = match dim {
        "category" => "k.code".to_string(),
        "risk" => "t.risk_level".to_string(),
        "channel" => "t.channel".to_string(),
        "outcome" => "t.outcome".to_string(),
        part => format!("CAST({} AS TEXT)", local_part(b, part, "t.started_at")),
    };
    let (wh, vals) = calls_where(scope, from, to);
    Count::find_by_statement(sql(
        b,
        &format!(
            "SELECT {key} AS k, COUNT(*) AS n FROM hotline_calls t JOIN hotline_categories k ON k.id = t.category_id\
             {wh} GROUP BY {key} ORDER BY {key}"
        ),
        vals,
    ))
    .all(c)
    .await
}

/// The calls of the period and their minutes on the line.
pub async fn totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(i64, i64), DbErr> {
    let (wh, vals) = calls_where(scope, from, to);
    let r = c
        .query_one(sql(
            c.get_database_backend(),
            &format!("SELECT COUNT(*), SUM_INT(t.duration_seconds) FROM hotline_calls t{wh}"),
            vals,
        ))
        .await?;
    match r {
        Some(r) => Ok((r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<Option<i64>>(1)?.unwrap_or(0) / 60)),
        None => Ok((0, 0)),
    }
}

/// One escalation of the period, as the figures need it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EscalationFact {
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub hand_ons: i32,
    pub emergency_calls: i64,
}

/// The escalations raised in the period, in the caller's scope.
pub async fn escalations<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<EscalationFact>, DbErr> {
    let (sf, mut vals) = crate::hotline::store::escalations::filter(scope);
    vals.push(from.into());
    vals.push(to.into());
    EscalationFact::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT t.raised_at, t.acknowledged_at, t.hand_ons, \
             (SELECT COUNT(*) FROM hotline_emergency_calls e WHERE e.escalation_id = t.id) AS emergency_calls \
             FROM hotline_escalations t WHERE {sf} AND t.raised_at >= ? AND t.raised_at < ? ORDER BY t.raised_at, t.id"
        ),
        vals,
    ))
    .all(c)
    .await
}

/// One counsellor's calls in the period.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Workload {
    pub counsellor_id: i64,
    pub counsellor_name: String,
    pub calls: i64,
    pub seconds: i64,
    pub high_risk: i64,
}

/// Every counsellor's calls, time on the line and calls at risk high or imminent in the
/// period, most calls first.
pub async fn workload<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Workload>, DbErr> {
    let (wh, vals) = calls_where(scope, from, to);
    Workload::find_by_statement(sql(
        c.get_database_backend(),
        &format!(
            "SELECT t.counsellor_id, u.display_name AS counsellor_name, COUNT(*) AS calls, \
             SUM_INT(t.duration_seconds) AS seconds, \
             SUM_INT(CASE WHEN t.risk_level IN ('high', 'imminent') THEN 1 ELSE 0 END) AS high_risk \
             FROM hotline_calls t JOIN users u ON u.id = t.counsellor_id{wh} \
             GROUP BY t.counsellor_id, u.display_name ORDER BY COUNT(*) DESC, t.counsellor_id"
        ),
        vals,
    ))
    .all(c)
    .await
}
