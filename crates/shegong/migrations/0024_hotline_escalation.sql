-- The hotline's crisis escalation (issue 14, step 3) and its figures' indexes.
--
-- `hotline_duty` is a minimal rota of supervisors on duty, until the roster and rota of issue 14
-- step 1 exist (then the lead reconciles it with that rota: what escalation needs is "who is on
-- duty at a time, in which order"). One row is one supervisor on duty from `starts_at` to
-- `ends_at`; `position` orders the supervisors on duty at the same time (1 first; the next
-- takes an escalation the one before did not acknowledge in time).
CREATE TABLE hotline_duty (
    id {id},
    supervisor_id BIGINT NOT NULL REFERENCES users(id),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    position INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX hotline_duty_time ON hotline_duty(starts_at, ends_at);

-- An escalation: raised in the write transaction of a call recorded (or raised) at risk high or
-- imminent, one per call. `assigned_to` is the supervisor it is with (NULL: nobody on duty, so
-- every supervisor is asked), since `assigned_at`; `hand_ons` counts the times it went on to the
-- next supervisor unacknowledged. `acknowledged_*` close it. No free text here.
CREATE TABLE hotline_escalations (
    id {id},
    call_id BIGINT NOT NULL REFERENCES hotline_calls(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    counsellor_id BIGINT NOT NULL REFERENCES users(id),
    risk_level TEXT NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL,
    assigned_to BIGINT REFERENCES users(id),
    assigned_at TIMESTAMPTZ NOT NULL,
    hand_ons INTEGER NOT NULL DEFAULT 0,
    acknowledged_by BIGINT REFERENCES users(id),
    acknowledged_at TIMESTAMPTZ,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX hotline_escalations_call ON hotline_escalations(call_id);
CREATE INDEX hotline_escalations_open ON hotline_escalations(acknowledged_at, assigned_at);
CREATE INDEX hotline_escalations_raised ON hotline_escalations(raised_at);

-- A call to the emergency services (110 police, 120 ambulance) made for an escalation: who,
-- when, and the reference the service gave.
CREATE TABLE hotline_emergency_calls (
    id {id},
    escalation_id BIGINT NOT NULL REFERENCES hotline_escalations(id),
    service TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    called_by BIGINT NOT NULL REFERENCES users(id),
    called_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX hotline_emergency_calls_escalation ON hotline_emergency_calls(escalation_id);

-- Supervising (seeing escalations handed to one, acknowledging them, recording 110/120 calls) is
-- a permission of its own; the predefined supervisor role gets it.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'hotline.supervise' FROM roles r
WHERE r.code = 'supervisor' AND r.builtin
  AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.permission = 'hotline.supervise');
