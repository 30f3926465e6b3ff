-- The counselling and charity-aid hotline (issue 14), step 1: the categories of calls (managed
-- data) and the call log with its structured risk assessment.
--
-- Confidentiality: the free text of a call (its summary, the reason a risk level was lowered) is
-- never stored in the clear. `*_cipher` columns hold XChaCha20-Poly1305 ciphers written by
-- platform/vault.rs (`x1.<key id>.<base64 nonce ‖ ciphertext ‖ tag>`, the key from the
-- configuration, never from the database); an empty string means no text. Everything else in
-- a row (times, channel, category, the caller's age band, gender and district, the structured
-- assessment, the risk level, the outcome) is not free text and may be searched and counted.
-- Later steps add the roster and rota, escalations, caller profiles (keyed phone hashes),
-- cases with follow-ups and referrals, and the retention purge (`purged_at`).

CREATE TABLE hotline_categories (
    id {id},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX hotline_categories_code ON hotline_categories(code);
INSERT INTO hotline_categories (code, name, name_en, sort_order) VALUES ('counselling', '心理疏导', 'Psychological counselling', 1);
INSERT INTO hotline_categories (code, name, name_en, sort_order) VALUES ('charity', '慈善帮扶', 'Charity aid', 2);
INSERT INTO hotline_categories (code, name, name_en, sort_order) VALUES ('crisis', '危机干预', 'Crisis intervention', 3);
INSERT INTO hotline_categories (code, name, name_en, sort_order) VALUES ('enquiry', '咨询', 'Enquiry', 4);
INSERT INTO hotline_categories (code, name, name_en, sort_order) VALUES ('other', '其他', 'Other', 9);

-- One call. `unit_id` is the unit of the counsellor who answered (the hotline centre), which
-- places the row in the unit tree; `counsellor_id` makes it the counsellor's own record.
-- channel: transfer (12345 transfer) | direct | callback.
-- age_band: '' (not told) | under18 | 18_29 | 30_44 | 45_59 | 60plus; gender: '' | female | male | other.
-- Risk assessment (platform: hotline/model.rs `assess`): ideation none|passive|active,
-- plan none|vague|specific, means (has access), timeframe none|later|week|72h,
-- attempt none|past|recent|ongoing; `risk_computed` is what the rules give, `risk_level`
-- (none|low|medium|high|imminent) is what the counsellor recorded: never below the rules.
-- outcome: resolved | info | referred | callback | escalated | dropped.
CREATE TABLE hotline_calls (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    counsellor_id BIGINT NOT NULL REFERENCES users(id),
    started_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ NOT NULL,
    duration_seconds INTEGER NOT NULL,
    channel TEXT NOT NULL,
    category_id BIGINT NOT NULL REFERENCES hotline_categories(id),
    anonymous BOOLEAN NOT NULL DEFAULT TRUE,
    age_band TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    district_id BIGINT REFERENCES org_units(id),
    summary_cipher TEXT NOT NULL DEFAULT '',
    ideation TEXT NOT NULL DEFAULT 'none',
    plan TEXT NOT NULL DEFAULT 'none',
    means BOOLEAN NOT NULL DEFAULT FALSE,
    timeframe TEXT NOT NULL DEFAULT 'none',
    attempt TEXT NOT NULL DEFAULT 'none',
    risk_computed TEXT NOT NULL DEFAULT 'none',
    risk_level TEXT NOT NULL DEFAULT 'none',
    risk_note_cipher TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    follow_up BOOLEAN NOT NULL DEFAULT FALSE,
    purged_at TIMESTAMPTZ,
    created_by BIGINT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX hotline_calls_started ON hotline_calls(started_at);
CREATE INDEX hotline_calls_unit ON hotline_calls(unit_id);
CREATE INDEX hotline_calls_counsellor ON hotline_calls(counsellor_id, started_at);
CREATE INDEX hotline_calls_risk ON hotline_calls(risk_level);
