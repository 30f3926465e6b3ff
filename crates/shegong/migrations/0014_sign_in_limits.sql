-- Sign-in hardening: rate-limit counters shared by every app node, and the last TOTP time step
-- accepted per user (a code is never accepted twice).

-- One row per client address (kind 'address') and per user name (kind 'username'), for the
-- current fixed window. `attempts` counts sign-in attempts that did not succeed (failed or refused)
-- in the window; `audited` says whether one failure of the window is already in the audit log (the
-- rest are summarised there when the window is over).
CREATE TABLE login_throttle (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    audited BOOLEAN NOT NULL DEFAULT FALSE,
    limited BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (kind, subject)
);
CREATE INDEX login_throttle_window ON login_throttle(window_start);

ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
