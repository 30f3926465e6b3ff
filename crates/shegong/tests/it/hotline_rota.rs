//! The rota is the one source of "on duty" (migration 0029 folded 0024's `hotline_duty` into
//! `hotline_shifts`): an escalation goes to the supervisor of the shift at the time and is handed
//! on along the rota; a database that held duty rows keeps their meaning as shifts.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use sea_orm::ConnectionTrait;
use shegong::hotline::model::{CounsellorInput, ShiftInput};
use shegong::hotline::store::escalations::supervisors_on_duty;
use shegong::platform::db::{sql, Db, MIGRATIONS};

use crate::both_backends;
use crate::helpers::{new_postgres_database, TestApp};
use crate::hotline_escalation::{high_risk_call, second_supervisor};

/// The roster entry of a user, made (as a supervisor) when they have none.
async fn roster_row(app: &TestApp, user: i64) -> i64 {
    let c = &app.db.conn;
    if let Some(r) = shegong::hotline::store::counsellor_of_user(c, user).await.expect("roster") {
        return r.id;
    }
    let unit = app.scalar(&format!("SELECT unit_id FROM users WHERE id = {user}")).await;
    let input = CounsellorInput {
        name: format!("督导{user}"),
        user_id: Some(user),
        worker_id: None,
        is_supervisor: true,
        supervisor_id: None,
        joined_on: shegong::platform::time::today(),
        active: true,
    };
    shegong::hotline::store::insert_counsellor(c, unit, &input).await.expect("roster entry")
}

/// Replaces the rota from yesterday on (China time) by two whole-day shifts: today's supervised
/// by the user `now_user`, tomorrow's by `next_user`.
pub(crate) async fn rota_now_then(app: &TestApp, now_user: i64, next_user: i64) {
    let today = shegong::platform::time::today();
    let from = today - Duration::days(1);
    app.exec(&format!(
        "DELETE FROM hotline_shift_counsellors WHERE shift_id IN (SELECT id FROM hotline_shifts WHERE day >= '{from}')"
    ))
    .await;
    app.exec(&format!("DELETE FROM hotline_shifts WHERE day >= '{from}'")).await;
    for (user, day) in [(now_user, today), (next_user, today + Duration::days(1))] {
        let row = roster_row(app, user).await;
        let unit = app.scalar(&format!("SELECT unit_id FROM hotline_counsellors WHERE id = {row}")).await;
        let input = ShiftInput { day, start_minute: 0, end_minute: 1440, supervisor_id: row, counsellors: vec![] };
        shegong::hotline::store::insert_shift(&app.db.conn, unit, &input).await.expect("shift");
    }
}

both_backends!(the_supervisor_on_the_rota_gets_the_escalation_and_the_next_one_after, |mut app: TestApp| async move {
    let demo = app.scalar("SELECT id FROM users WHERE username = 'supervisor'").await;
    let second = second_supervisor(&app).await;
    let now = Utc::now();
    // The demo's rota has the demo supervisor on duty now.
    assert_eq!(supervisors_on_duty(&app.db.conn, now).await.expect("duty").first(), Some(&demo));

    // Nobody on the rota now: the escalation is asked of every supervisor (nobody in particular).
    let today = shegong::platform::time::today();
    app.exec(&format!("DELETE FROM hotline_shift_counsellors WHERE shift_id IN (SELECT id FROM hotline_shifts WHERE day >= '{today}')")).await;
    app.exec(&format!("DELETE FROM hotline_shifts WHERE day >= '{today}'")).await;
    assert!(supervisors_on_duty(&app.db.conn, now).await.expect("duty").is_empty());
    app.login_ok("counsellor").await;
    let call = high_risk_call(&mut app, "测试无人值班").await;
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM hotline_escalations WHERE call_id = {call} AND assigned_to IS NULL"))
            .await,
        1
    );

    // The second supervisor's shift now, the demo supervisor's next: the rota, not the roster's
    // order, decides.
    rota_now_then(&app, second, demo).await;
    assert_eq!(supervisors_on_duty(&app.db.conn, now).await.expect("duty"), vec![second, demo]);
    let call = high_risk_call(&mut app, "测试值班督导").await;
    let esc = app.scalar(&format!("SELECT id FROM hotline_escalations WHERE call_id = {call}")).await;
    assert_eq!(app.scalar(&format!("SELECT assigned_to FROM hotline_escalations WHERE id = {esc}")).await, second);
    app.logout().await;

    // After the configured minutes, the sweep hands it to the next supervisor on the rota.
    let minutes = app.config.hotline.escalation_minutes;
    let later = Utc::now() + Duration::minutes(minutes + 1);
    assert!(shegong::hotline::sweep_escalations(&app.db, minutes, later).await.expect("sweep") >= 1);
    assert_eq!(app.scalar(&format!("SELECT assigned_to FROM hotline_escalations WHERE id = {esc}")).await, demo);
    let hand_on = app
        .text(&format!(
            "SELECT after_json FROM audit_log WHERE action = 'hand_on' AND entity_id = '{esc}' ORDER BY id DESC LIMIT 1"
        ))
        .await;
    assert!(hand_on.contains(&format!("\"assigned_to\":{demo}")), "{hand_on}");

    // The supervisor it is with sees it, marked for acknowledgement, and acknowledges it.
    app.login_ok("supervisor").await;
    let live = app.get("/hotline/escalations/live").await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(live.body.contains(&format!("/hotline/escalations/{esc}/ack")), "{}", live.body);
    let r = app.post(&format!("/hotline/escalations/{esc}/ack"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT acknowledged_by FROM hotline_escalations WHERE id = {esc}")).await, demo);
});

/// A duty row of the old table, in China time.
struct Duty {
    user: usize,
    from: &'static str,
    to: &'static str,
    position: i32,
}

/// The shifts a duty row means: one per China day it covers, from its start minute on its first
/// day to its end minute on its last (computed here with chrono, apart from the migration's SQL).
fn shifts_of(d: &Duty) -> Vec<(NaiveDate, i32, i32)> {
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).expect("time");
    let (a, b) = (parse(d.from), parse(d.to));
    let minute = |t: &DateTime<FixedOffset>| (t.hour() * 60 + t.minute()) as i32;
    let mut out = Vec::new();
    let mut day = a.date_naive();
    while day <= b.date_naive() {
        let s = if day == a.date_naive() { minute(&a) } else { 0 };
        let e = if day == b.date_naive() { minute(&b) } else { 1440 };
        if e > s {
            out.push((day, s, e));
        }
        day += Duration::days(1);
    }
    out
}

both_backends!(duty_rows_of_an_older_database_become_shifts_of_the_rota, |app: TestApp| async move {
    let url = if app.db.is_postgres() {
        new_postgres_database().await.expect("postgres").2
    } else {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("duty.db");
        std::mem::forget(dir);
        path.to_string_lossy().to_string()
    };
    let db = Db::connect(&url, 2).await.expect("connect");
    let rota = MIGRATIONS.iter().find(|m| m.1 == "hotline_rota").expect("the rota migration").0;
    db.migrate_up_to(rota - 1).await.expect("the schema before it");
    let b = db.backend();
    let now = Utc::now();
    let exec = |text: &str, vals: Vec<sea_orm::Value>| db.conn.execute(sql(b, text, vals));
    exec(
        "INSERT INTO org_units (code, name, kind, depth, path, created_at, updated_at) VALUES ('ks', '昆山市', 'city', 0, '/ks/', ?, ?)",
        vec![now.into(), now.into()],
    )
    .await
    .expect("unit");
    for name in ["dutya", "dutyb"] {
        exec(
            "INSERT INTO users (username, display_name, password_hash, unit_id, created_at, updated_at) \
             SELECT ?, ?, 'x', id, ?, ? FROM org_units",
            vec![name.into(), format!("{name}-督导").into(), now.into(), now.into()],
        )
        .await
        .expect("user");
    }
    let user = |i: usize| ["dutya", "dutyb"][i];
    let duties = [
        Duty { user: 0, from: "2026-03-01T10:00:00+08:00", to: "2026-03-03T09:30:00+08:00", position: 1 },
        Duty { user: 1, from: "2026-03-01T10:00:00+08:00", to: "2026-03-01T18:00:00+08:00", position: 2 },
    ];
    for d in &duties {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc);
        exec(
            "INSERT INTO hotline_duty (supervisor_id, starts_at, ends_at, position, created_at) \
             SELECT id, ?, ?, ?, ? FROM users WHERE username = ?",
            vec![t(d.from).into(), t(d.to).into(), d.position.into(), now.into(), user(d.user).into()],
        )
        .await
        .expect("duty");
    }
    db.migrate().await.expect("migrate");

    // Every duty row is its shifts now, supervised by the user's roster entry (made for them).
    let mut want: Vec<(NaiveDate, i32, i32, usize)> = Vec::new();
    for d in &duties {
        want.extend(shifts_of(d).into_iter().map(|(day, s, e)| (day, s, e, d.user)));
    }
    want.sort_by_key(|w| (w.0, duties[w.3].position));
    let rows = db
        .conn
        .query_all(sql(
            b,
            "SELECT t.day, t.start_minute, t.end_minute, u.username FROM hotline_shifts t \
             JOIN hotline_counsellors k ON k.id = t.supervisor_id JOIN users u ON u.id = k.user_id \
             WHERE k.is_supervisor = TRUE ORDER BY t.id",
            vec![],
        ))
        .await
        .expect("shifts");
    let got: Vec<(NaiveDate, i32, i32, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get_by_index(0).expect("day"),
                r.try_get_by_index(1).expect("start"),
                r.try_get_by_index(2).expect("end"),
                r.try_get_by_index(3).expect("user"),
            )
        })
        .collect();
    let want: Vec<(NaiveDate, i32, i32, String)> =
        want.into_iter().map(|(d, s, e, u)| (d, s, e, user(u).to_string())).collect();
    assert_eq!(got, want);
    assert!(db.conn.query_all(sql(b, "SELECT COUNT(*) FROM hotline_duty", vec![])).await.is_err(), "dropped");

    // And "on duty" reads them: both at noon on the first day (in the old order), the first
    // alone the next day, nobody before the first shift began.
    let china = FixedOffset::east_opt(8 * 3600).expect("offset");
    let at = |d, h| china.with_ymd_and_hms(2026, 3, d, h, 0, 0).single().expect("time").with_timezone(&Utc);
    let id = |name: &str| {
        let name = name.to_string();
        let conn = db.conn.clone();
        async move {
            let r = conn
                .query_one(sql(b, "SELECT id FROM users WHERE username = ?", vec![name.into()]))
                .await
                .expect("user")
                .expect("row");
            r.try_get_by_index::<i64>(0).expect("id")
        }
    };
    let (a, bb) = (id("dutya").await, id("dutyb").await);
    assert_eq!(supervisors_on_duty(&db.conn, at(1, 12)).await.expect("duty"), vec![a, bb]);
    assert_eq!(supervisors_on_duty(&db.conn, at(2, 12)).await.expect("duty"), vec![a]);
    assert!(supervisors_on_duty(&db.conn, at(1, 9)).await.expect("duty").is_empty());
    crate::helpers::finish(db).await;
});
