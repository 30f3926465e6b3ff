-- The hotline (issue 14), steps 4–6: the counsellors' roster and rota, repeat callers, and cases
-- with their follow-ups and referrals.
--
-- Confidentiality: only a case's counsellors, their supervisor and roles granted
-- `hotline.content` read a call's or a case's content; the rule is a store predicate
-- (hotline/store/access.rs) applied inside every query. Free text (assessments, plans, notes,
-- referral reasons) is sealed like the calls' (`*_cipher`, XChaCha20-Poly1305, platform/vault.rs);
-- phones are never stored: a caller profile holds a keyed hash (HMAC-SHA256, vault.rs `hash`),
-- written only with the caller's consent.

-- The "星光社工" roster. `user_id` is the counsellor's account (the calls' `counsellor_id`),
-- `worker_id` the social worker of the talent register when the counsellor is one;
-- `supervisor_id` names the counsellor's own supervisor (a roster row with `is_supervisor`).
CREATE TABLE hotline_counsellors (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    user_id BIGINT REFERENCES users(id),
    worker_id BIGINT REFERENCES social_workers(id),
    name TEXT NOT NULL,
    is_supervisor BOOLEAN NOT NULL DEFAULT FALSE,
    supervisor_id BIGINT REFERENCES hotline_counsellors(id),
    joined_on DATE NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX hotline_counsellors_user ON hotline_counsellors(user_id);
CREATE INDEX hotline_counsellors_supervisor ON hotline_counsellors(supervisor_id);

-- The rota: a shift is a day with start and end minutes from local midnight (0–1440, never
-- across midnight), its counsellors and the supervisor on duty.
CREATE TABLE hotline_shifts (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    day DATE NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    supervisor_id BIGINT NOT NULL REFERENCES hotline_counsellors(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX hotline_shifts_day ON hotline_shifts(day, start_minute);
CREATE TABLE hotline_shift_counsellors (
    shift_id BIGINT NOT NULL REFERENCES hotline_shifts(id) ON DELETE CASCADE,
    counsellor_id BIGINT NOT NULL REFERENCES hotline_counsellors(id),
    PRIMARY KEY (shift_id, counsellor_id)
);
CREATE INDEX hotline_shift_counsellors_counsellor ON hotline_shift_counsellors(counsellor_id);

-- Repeat callers: a profile per consenting caller, found again by the keyed hash of the phone.
-- Flags are codes (no free text), carry who set them and expire.
CREATE TABLE hotline_callers (
    id {id},
    phone_hash TEXT NOT NULL,
    consent_at TIMESTAMPTZ NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX hotline_callers_phone ON hotline_callers(phone_hash);
CREATE TABLE hotline_caller_flags (
    id {id},
    caller_id BIGINT NOT NULL REFERENCES hotline_callers(id),
    flag TEXT NOT NULL,
    set_by BIGINT NOT NULL REFERENCES users(id),
    set_at TIMESTAMPTZ NOT NULL,
    expires_on DATE NOT NULL
);
CREATE INDEX hotline_caller_flags_caller ON hotline_caller_flags(caller_id);

-- A case (个案): opened from a call by its counsellor; `supervisor_id` is that counsellor's
-- supervisor (a user), who reads it and sees its access log. status: open | closed;
-- closure_reason: resolved | referred | lost | declined | other.
CREATE TABLE hotline_cases (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    counsellor_id BIGINT NOT NULL REFERENCES users(id),
    supervisor_id BIGINT REFERENCES users(id),
    caller_id BIGINT REFERENCES hotline_callers(id),
    opened_from_call_id BIGINT REFERENCES hotline_calls(id),
    opened_on DATE NOT NULL,
    risk_level TEXT NOT NULL DEFAULT 'none',
    assessment_cipher TEXT NOT NULL DEFAULT '',
    plan_cipher TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    closed_on DATE,
    closure_reason TEXT NOT NULL DEFAULT '',
    closure_note_cipher TEXT NOT NULL DEFAULT '',
    purged_at TIMESTAMPTZ,
    created_by BIGINT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX hotline_cases_counsellor ON hotline_cases(counsellor_id);
CREATE INDEX hotline_cases_supervisor ON hotline_cases(supervisor_id);
CREATE INDEX hotline_cases_opened ON hotline_cases(opened_on);
ALTER TABLE hotline_calls ADD COLUMN case_id BIGINT REFERENCES hotline_cases(id);
ALTER TABLE hotline_calls ADD COLUMN caller_id BIGINT REFERENCES hotline_callers(id);
CREATE INDEX hotline_calls_case ON hotline_calls(case_id);
CREATE INDEX hotline_calls_caller ON hotline_calls(caller_id);

-- The case's counsellors: the lead (hotline_cases.counsellor_id) and anyone added; a transfer
-- ends the previous lead's membership (removed_at), which ends their reading of the case.
CREATE TABLE hotline_case_counsellors (
    id {id},
    case_id BIGINT NOT NULL REFERENCES hotline_cases(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    added_at TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ
);
CREATE INDEX hotline_case_counsellors_user ON hotline_case_counsellors(user_id, case_id);
CREATE INDEX hotline_case_counsellors_case ON hotline_case_counsellors(case_id);

-- Follow-ups: kind 1d | 1w | 1m | 3m | 12m (the schedule of a high-risk case) or extra.
CREATE TABLE hotline_followups (
    id {id},
    case_id BIGINT NOT NULL REFERENCES hotline_cases(id),
    kind TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_on DATE,
    done_by BIGINT REFERENCES users(id),
    note_cipher TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX hotline_followups_case ON hotline_followups(case_id);
CREATE INDEX hotline_followups_due ON hotline_followups(due_on);

-- Referrals: target_kind station | organisation | charity | medical; the station's unit or the
-- organisation when one is named, else `target_name`. state: pending (待接收) → accepted
-- (已接收) | refused (已拒绝); accepted → completed (已完成).
CREATE TABLE hotline_referrals (
    id {id},
    case_id BIGINT NOT NULL REFERENCES hotline_cases(id),
    target_kind TEXT NOT NULL,
    target_unit_id BIGINT REFERENCES org_units(id),
    target_org_id BIGINT REFERENCES organisations(id),
    target_name TEXT NOT NULL DEFAULT '',
    reason_cipher TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending',
    referred_on DATE NOT NULL,
    decided_on DATE,
    completed_on DATE,
    created_by BIGINT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX hotline_referrals_case ON hotline_referrals(case_id);
