//! SQL of the hotline's figures: calls counted by category, risk level, channel, hour of day,
//! weekday and month (China time), escalations and their time to acknowledgement, and each
//! counsellor's workload, for a period and the caller's scope. No free text is read.

use chrono::{DateTime, NaiveDate, Utc};
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

/// Calls of the period by `dim`: `category` (code), `risk`, `channel`, `outcome`, a time part
/// (`hour`, `dow`, `month`; the key is the number as text), or `dow_hour` (`dow-hour`).
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
        // Weekday and hour together (`dow-hour`, e.g. `1-9`): the hour × weekday heat table.
        "dow_hour" => format!(
            "CAST({} AS TEXT) || '-' || CAST({} AS TEXT)",
            local_part(b, "dow", "t.started_at"),
            local_part(b, "hour", "t.started_at")
        ),
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

/// The cases in the caller's scope (`t`), and a period's bounds (China dates, both included):
/// `WHERE …` and its values, with `extra` added.
fn cases_where(scope: &Scope, extra: &str, dates: Vec<Value>) -> (String, Vec<Value>) {
    let (sf, mut vals) = crate::hotline::store::case_filter(scope);
    vals.extend(dates);
    (format!(" WHERE {sf} AND {extra}"), vals)
}

/// The counts of a period's cases and follow-ups (no text is read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseCounts {
    pub opened: i64,
    pub closed: i64,
    pub open_at_end: i64,
    pub followups_due: i64,
    pub followups_done: i64,
    pub followups_overdue: i64,
}

/// Cases opened and closed in `from..=to`, open at the end of `to`, and the follow-ups falling
/// due in the period: how many, how many are done, and how many of the open cases' are past
/// their date (before `today`) and not done.
pub async fn case_counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<CaseCounts, DbErr> {
    use crate::platform::db::count;
    let cases = |extra: &str, dates: Vec<Value>| {
        let (wh, vals) = cases_where(scope, extra, dates);
        (format!("SELECT COUNT(*) FROM hotline_cases t{wh}"), vals)
    };
    let (q, v) = cases("t.opened_on >= ? AND t.opened_on <= ?", vec![from.into(), to.into()]);
    let opened = count(c, &q, v).await?;
    let (q, v) = cases("t.closed_on >= ? AND t.closed_on <= ?", vec![from.into(), to.into()]);
    let closed = count(c, &q, v).await?;
    let (q, v) = cases("t.opened_on <= ? AND (t.closed_on IS NULL OR t.closed_on > ?)", vec![to.into(), to.into()]);
    let open_at_end = count(c, &q, v).await?;
    let followups = |extra: &str, dates: Vec<Value>| {
        let (wh, vals) = cases_where(scope, &format!("f.due_on >= ? AND f.due_on <= ?{extra}"), dates);
        (format!("SELECT COUNT(*) FROM hotline_followups f JOIN hotline_cases t ON t.id = f.case_id{wh}"), vals)
    };
    let period = || vec![Value::from(from), Value::from(to)];
    let (q, v) = followups("", period());
    let followups_due = count(c, &q, v).await?;
    let (q, v) = followups(" AND f.done_on IS NOT NULL", period());
    let followups_done = count(c, &q, v).await?;
    let mut dates = period();
    dates.push(today.into());
    let (q, v) = followups(" AND f.due_on < ? AND f.done_on IS NULL AND t.status = 'open'", dates);
    let followups_overdue = count(c, &q, v).await?;
    Ok(CaseCounts { opened, closed, open_at_end, followups_due, followups_done, followups_overdue })
}

/// Cases opened in `from..=to` by `risk` level, or referrals made in it by `referral_state` or
/// `referral_target` (the kind of destination).
pub async fn cases_by<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    dim: &str,
) -> Result<Vec<Count>, DbErr> {
    let (key, from_sql, date) = match dim {
        "referral_state" => {
            ("r.state", "hotline_referrals r JOIN hotline_cases t ON t.id = r.case_id", "r.referred_on")
        }
        "referral_target" => {
            ("r.target_kind", "hotline_referrals r JOIN hotline_cases t ON t.id = r.case_id", "r.referred_on")
        }
        _ => ("t.risk_level", "hotline_cases t", "t.opened_on"),
    };
    let (wh, vals) = cases_where(scope, &format!("{date} >= ? AND {date} <= ?"), vec![from.into(), to.into()]);
    Count::find_by_statement(sql(
        c.get_database_backend(),
        &format!("SELECT {key} AS k, COUNT(*) AS n FROM {from_sql}{wh} GROUP BY {key} ORDER BY {key}"),
        vals,
    ))
    .all(c)
    .await
}

/// China-time midnight starting a day, in UTC (China has kept UTC+8 all year since 1991).
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    (d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8)).and_utc()
}

/// What the hotline's indicators count in a unit subtree between two days (China time, both
/// included), inside the caller's scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndicatorCounts {
    /// Calls answered.
    pub calls: i64,
    /// Counsellors who answered at least one call.
    pub counsellors: i64,
    /// Cases opened.
    pub cases: i64,
}

/// The indicators' counts: calls and counsellors from the calls (started in the period), cases
/// from the cases (opened in it); a call and a case lie in the unit of their centre and are their
/// counsellor's own records.
pub async fn indicator_counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<IndicatorCounts, DbErr> {
    let b = c.get_database_backend();
    let subtree = "t.unit_id IN (SELECT sub_u.id FROM org_units sub_u WHERE sub_u.path LIKE ?)";
    let (sf, mut vals) = crate::hotline::store::call_filter(scope);
    vals.push(format!("{under}%").into());
    vals.push(day_start(from).into());
    vals.push(day_start(to + chrono::Duration::days(1)).into());
    let r = c
        .query_one(sql(
            b,
            &format!(
                "SELECT COUNT(*), COUNT(DISTINCT t.counsellor_id) FROM hotline_calls t WHERE {sf} AND {subtree} \
                 AND t.started_at >= ? AND t.started_at < ?"
            ),
            vals,
        ))
        .await?;
    let (calls, counsellors) = match r {
        Some(r) => (r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<i64>(1)?),
        None => (0, 0),
    };
    let (sf, mut vals) = crate::hotline::store::case_filter(scope);
    vals.push(format!("{under}%").into());
    vals.push(from.into());
    vals.push(to.into());
    let cases = crate::platform::db::count(
        c,
        &format!(
            "SELECT COUNT(*) FROM hotline_cases t WHERE {sf} AND {subtree} AND t.opened_on >= ? AND t.opened_on <= ?"
        ),
        vals,
    )
    .await?;
    Ok(IndicatorCounts { calls, counsellors, cases })
}
