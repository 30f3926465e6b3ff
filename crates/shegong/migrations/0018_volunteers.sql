-- Volunteer mobilisation (issue 13): campaigns, volunteers who sign up without an account,
-- shifts and their assignments, service records with the summary tables the figures read,
-- certificates, and the rate-limit counters of the public pages.
--
-- Personal data: a volunteer's ID number and phone are kept only as a keyed hash (HMAC-SHA256,
-- to find a person again: the identity key is (id_type, id_hash)), a masked form, and a cipher
-- (ChaCha20-Poly1305 under a key from the configuration, see platform/vault.rs), which only the
-- audited reveal right opens. The personal code is kept as a keyed hash only.

-- Service types (信息排查, 居家隔离上门服务, 物资配送, …): managed reference data.
CREATE TABLE volunteer_service_types (
    id {id},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX volunteer_service_types_code ON volunteer_service_types(code);
INSERT INTO volunteer_service_types (code, name, name_en, sort_order) VALUES ('screening', '信息排查', 'Information screening', 1);
INSERT INTO volunteer_service_types (code, name, name_en, sort_order) VALUES ('home_visit', '居家隔离上门服务', 'Home-quarantine visits', 2);
INSERT INTO volunteer_service_types (code, name, name_en, sort_order) VALUES ('delivery', '物资配送', 'Supply delivery', 3);
INSERT INTO volunteer_service_types (code, name, name_en, sort_order) VALUES ('testing', '核酸检测秩序维护', 'Testing-site order', 4);
INSERT INTO volunteer_service_types (code, name, name_en, sort_order) VALUES ('counselling', '心理疏导', 'Psychological support', 5);
INSERT INTO volunteer_service_types (code, name, name_en, sort_order) VALUES ('other', '其他', 'Other', 9);

-- A campaign, organised by a unit. Status: draft → recruiting → running → closed. The welfare
-- limits hold for every shift taken or assigned in it.
CREATE TABLE volunteer_campaigns (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    roles TEXT NOT NULL DEFAULT '',
    skills TEXT NOT NULL DEFAULT '',
    max_minutes_per_day INTEGER NOT NULL DEFAULT 480,
    max_consecutive_days INTEGER NOT NULL DEFAULT 6,
    min_rest_minutes INTEGER NOT NULL DEFAULT 60,
    contact TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX volunteer_campaigns_unit ON volunteer_campaigns(unit_id);
CREATE INDEX volunteer_campaigns_status ON volunteer_campaigns(status);

-- The communities a campaign serves.
CREATE TABLE volunteer_campaign_units (
    campaign_id BIGINT NOT NULL REFERENCES volunteer_campaigns(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (campaign_id, unit_id)
);
CREATE INDEX volunteer_campaign_units_unit ON volunteer_campaign_units(unit_id);

-- A volunteer: one per (id_type, id_hash). `volunteer_no` is the unified number (统一编号) shown
-- instead of the ID number everywhere; `unit_id` the community the volunteer chose (or the
-- organiser of the first campaign), which places the record in the unit tree.
CREATE TABLE volunteers (
    id {id},
    volunteer_no TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_hash TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    id_cipher TEXT NOT NULL,
    phone_hash TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    phone_cipher TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    skills TEXT NOT NULL DEFAULT '',
    availability TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL,
    consent_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX volunteers_identity ON volunteers(id_type, id_hash);
CREATE UNIQUE INDEX volunteers_no ON volunteers(volunteer_no);
CREATE INDEX volunteers_phone ON volunteers(phone_hash);
CREATE INDEX volunteers_unit ON volunteers(unit_id);

-- A volunteer's sign-up to a campaign (one per campaign), with the community preferred.
CREATE TABLE volunteer_signups (
    id {id},
    campaign_id BIGINT NOT NULL REFERENCES volunteer_campaigns(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    skills TEXT NOT NULL DEFAULT '',
    availability TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX volunteer_signups_once ON volunteer_signups(campaign_id, volunteer_id);
CREATE INDEX volunteer_signups_volunteer ON volunteer_signups(volunteer_id);

-- A shift in a community: a day, minutes from local midnight (start < end ≤ 1440), a role, how
-- many volunteers it needs, where. `checkin_token` names the shift on its QR code.
CREATE TABLE volunteer_shifts (
    id {id},
    campaign_id BIGINT NOT NULL REFERENCES volunteer_campaigns(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    shift_date DATE NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    service_type_id BIGINT REFERENCES volunteer_service_types(id),
    checkin_token TEXT NOT NULL,
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX volunteer_shifts_campaign ON volunteer_shifts(campaign_id, shift_date);
CREATE INDEX volunteer_shifts_unit ON volunteer_shifts(unit_id, shift_date);
CREATE UNIQUE INDEX volunteer_shifts_token ON volunteer_shifts(checkin_token);

-- A volunteer on a shift. Status: assigned, withdrawn, no_show, checked_in, done. Minutes are
-- the checked hours rounded down to the quarter hour; `confirmed_by` the coordinator.
CREATE TABLE volunteer_assignments (
    id {id},
    shift_id BIGINT NOT NULL REFERENCES volunteer_shifts(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    shift_date DATE NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'assigned',
    source TEXT NOT NULL,
    checkin_at TIMESTAMPTZ,
    checkout_at TIMESTAMPTZ,
    minutes INTEGER,
    confirmed_by BIGINT,
    confirmed_at TIMESTAMPTZ,
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX volunteer_assignments_once ON volunteer_assignments(shift_id, volunteer_id);
CREATE INDEX volunteer_assignments_volunteer ON volunteer_assignments(volunteer_id, shift_date);
CREATE INDEX volunteer_assignments_unit ON volunteer_assignments(unit_id, shift_date);

-- A service record (志愿服务记录). Source: checkin, coordinator, import. Status: pending, confirmed.
CREATE TABLE volunteer_records (
    id {id},
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    campaign_id BIGINT REFERENCES volunteer_campaigns(id),
    assignment_id BIGINT REFERENCES volunteer_assignments(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    service_date DATE NOT NULL,
    service_type_id BIGINT NOT NULL REFERENCES volunteer_service_types(id),
    minutes INTEGER NOT NULL,
    person_times INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    content TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX volunteer_records_volunteer ON volunteer_records(volunteer_id, service_date);
CREATE INDEX volunteer_records_unit ON volunteer_records(unit_id, service_date);
CREATE UNIQUE INDEX volunteer_records_assignment ON volunteer_records(assignment_id);

-- A volunteer's request to correct a record and the coordinator's decision: both kept.
-- Status: requested, accepted, rejected.
CREATE TABLE volunteer_corrections (
    id {id},
    record_id BIGINT NOT NULL REFERENCES volunteer_records(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    reason TEXT NOT NULL,
    proposed_minutes INTEGER,
    proposed_person_times INTEGER,
    requested_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested',
    decided_by BIGINT,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX volunteer_corrections_record ON volunteer_corrections(record_id);
CREATE INDEX volunteer_corrections_unit ON volunteer_corrections(unit_id, status);

-- The summary the figures read, kept in the transaction of every record written or changed:
-- unit × day × service type, and the distinct volunteers of a unit and day (one row each, with
-- how many records they have there that day).
CREATE TABLE volunteer_summary (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    day DATE NOT NULL,
    service_type_id BIGINT NOT NULL REFERENCES volunteer_service_types(id),
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, service_type_id)
);
CREATE INDEX volunteer_summary_day ON volunteer_summary(day);
CREATE TABLE volunteer_day_volunteers (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    day DATE NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    records BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, volunteer_id)
);
CREATE INDEX volunteer_day_volunteers_day ON volunteer_day_volunteers(day);

-- A certificate (志愿服务记录证明): an immutable numbered snapshot (JSON) of what it certifies.
CREATE TABLE volunteer_certificates (
    id {id},
    number TEXT NOT NULL,
    check_code TEXT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    minutes BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    issued_on DATE NOT NULL,
    issued_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX volunteer_certificates_number ON volunteer_certificates(number);
CREATE INDEX volunteer_certificates_volunteer ON volunteer_certificates(volunteer_id);

-- Rate limits of the public pages: the limits (editable data, one row per kind) and the
-- counters of the current fixed window per kind and subject (a client address, or a phone's
-- keyed hash; never the phone itself).
CREATE TABLE volunteer_limits (
    kind TEXT PRIMARY KEY,
    window_secs INTEGER NOT NULL,
    max_hits INTEGER NOT NULL
);
INSERT INTO volunteer_limits (kind, window_secs, max_hits) VALUES ('signup_address', 3600, 20);
INSERT INTO volunteer_limits (kind, window_secs, max_hits) VALUES ('signup_phone', 86400, 5);
INSERT INTO volunteer_limits (kind, window_secs, max_hits) VALUES ('me_address', 600, 30);
INSERT INTO volunteer_limits (kind, window_secs, max_hits) VALUES ('me_phone', 600, 10);
CREATE TABLE volunteer_throttle (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, subject)
);

-- Certificates are never changed or removed once issued.
-- backend: sqlite
CREATE TRIGGER volunteer_certificates_no_update BEFORE UPDATE ON volunteer_certificates
BEGIN
    SELECT RAISE(ABORT, 'volunteer_certificates are immutable: UPDATE refused');
END;
CREATE TRIGGER volunteer_certificates_no_delete BEFORE DELETE ON volunteer_certificates
BEGIN
    SELECT RAISE(ABORT, 'volunteer_certificates are immutable: DELETE refused');
END;

-- backend: postgres
CREATE FUNCTION volunteer_certificates_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'volunteer_certificates are immutable: % refused', TG_OP;
END;
$$;
CREATE TRIGGER volunteer_certificates_no_change BEFORE UPDATE OR DELETE ON volunteer_certificates FOR EACH ROW EXECUTE FUNCTION volunteer_certificates_refuse();

-- backend: all
-- The reveal right for volunteers' ID numbers and phones (and the full export): the predefined
-- Bureau role gets it; edited roles are granted nothing here.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'volunteers.pii_reveal' FROM roles r
WHERE r.code = 'bureau' AND r.builtin
  AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.permission = 'volunteers.pii_reveal');
