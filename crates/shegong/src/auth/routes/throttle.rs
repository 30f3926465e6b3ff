//! Rate limits of sign-in (`POST /login`, `POST /login/totp`), per client address and per user
//! name, kept in the database (`login_throttle`) so that every app node counts into the same rows.
//!
//! Windows are fixed (`security.login_window_secs`, aligned to the epoch). Every attempt is counted
//! before the password is checked (so parallel requests cannot slip past the limit), and a
//! successful one is taken back; what remains are the attempts that failed or were refused. Over
//! the limit of either key the answer is 429 without checking anything.
//!
//! The audit log stays bounded whatever unauthenticated clients send: a failure is written as its
//! own `login_failed` row only when it is the first of its window for its address or for its user
//! name; the first refusal of a window is one `login_rate_limited` row per key; and when a window
//! is over, a key with more than one attempt gets one `login_failures` summary row with the count
//! (written by the next attempt of that key, or by the sweep every ten minutes). Per window that is
//! at most one individual row per distinct address and user name, plus one refusal and one summary
//! row per key. Account locks are always audited (at most one per lockout period per account).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::auth::store::{self, ThrottleFlag, ThrottleWindow};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::config::SecurityConfig;
use crate::platform::db::Db;
use crate::platform::error::AppResult;

pub const ADDRESS: &str = "address";
pub const USERNAME: &str = "username";

/// The two keys one sign-in attempt counts against.
pub struct SignInLimit {
    keys: [(&'static str, String, i64); 2],
    window_start: DateTime<Utc>,
    window_secs: i64,
}

/// The start of the fixed window an instant falls in.
fn window_start(now: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    let t = now.timestamp();
    DateTime::from_timestamp(t - t.rem_euclid(secs.max(1)), 0).unwrap_or(now)
}

impl SignInLimit {
    pub fn new(cfg: &SecurityConfig, ip: &str, username: &str) -> SignInLimit {
        let secs = cfg.login_window_secs.max(1);
        SignInLimit {
            keys: [
                (ADDRESS, ip.to_string(), cfg.login_limit_per_address),
                (USERNAME, username.chars().take(64).collect(), cfg.login_limit_per_username),
            ],
            window_start: window_start(Utc::now(), secs),
            window_secs: secs,
        }
    }

    /// Counts this attempt. `Err(seconds)` when a limit is exceeded: answer 429 with `Retry-After`.
    pub async fn reserve(&self, db: &Db, actor: &Actor) -> AppResult<Result<(), i64>> {
        let tx = db.write().await?;
        let mut over = false;
        for (kind, subject, limit) in &self.keys {
            let (finished, attempts) = store::throttle_count(&*tx, kind, subject, self.window_start).await?;
            if let Some(w) = finished {
                summarise(&*tx, &w, self.window_secs).await?;
            }
            if attempts > *limit {
                over = true;
                if store::throttle_claim(&*tx, kind, subject, ThrottleFlag::Limited).await? {
                    audit::record(
                        &*tx,
                        actor,
                        Event::new("login_rate_limited", "session", "").after(&serde_json::json!({
                            "kind": kind, "subject": subject, "limit": limit,
                            "window_start": self.window_start, "window_secs": self.window_secs,
                        })),
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        if over {
            let end = self.window_start.timestamp() + self.window_secs;
            return Ok(Err((end - Utc::now().timestamp()).max(1)));
        }
        Ok(Ok(()))
    }

    /// Whether this failure is the first of its window for its address or its user name (then it
    /// gets its own audit row). Call inside the failure's transaction.
    pub async fn first_failure<C: ConnectionTrait>(&self, c: &C) -> Result<bool, DbErr> {
        let mut first = false;
        for (kind, subject, _) in &self.keys {
            first |= store::throttle_claim(c, kind, subject, ThrottleFlag::Audited).await?;
        }
        Ok(first)
    }

    /// Takes back the attempt of a successful sign-in. Call inside its transaction.
    pub async fn refund<C: ConnectionTrait>(&self, c: &C) -> Result<(), DbErr> {
        for (kind, subject, _) in &self.keys {
            store::throttle_refund(c, kind, subject).await?;
        }
        Ok(())
    }
}

/// One summary row for a finished window with more than one attempt (a single attempt was
/// audited on its own, or was a success taken back).
async fn summarise<C: ConnectionTrait>(c: &C, w: &ThrottleWindow, window_secs: i64) -> Result<(), DbErr> {
    if w.attempts <= 1 {
        return Ok(());
    }
    let actor = if w.kind == ADDRESS {
        Actor { id: None, name: String::new(), ip: w.subject.clone() }
    } else {
        Actor { id: None, name: w.subject.clone(), ip: String::new() }
    };
    audit::record(
        c,
        &actor,
        Event::new("login_failures", "session", "").after(&serde_json::json!({
            "kind": w.kind, "subject": w.subject, "attempts": w.attempts,
            "window_start": w.window_start, "window_secs": window_secs,
        })),
    )
    .await
}

/// Summarises and removes every finished window (run by the server every ten minutes).
pub async fn sweep(db: &Db, cfg: &SecurityConfig) -> AppResult<usize> {
    let secs = cfg.login_window_secs.max(1);
    let tx = db.write().await?;
    let finished = store::throttle_take_finished(&*tx, window_start(Utc::now(), secs)).await?;
    for w in &finished {
        summarise(&*tx, w, secs).await?;
    }
    tx.commit().await?;
    Ok(finished.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_aligned() {
        let t = DateTime::from_timestamp(1_700_000_123, 0).expect("time");
        assert_eq!(window_start(t, 300).timestamp(), 1_700_000_100);
        assert_eq!(window_start(t, 1).timestamp(), 1_700_000_123);
    }
}
