-- Shared registers used by every domain: events (meetings, launches, ceremonies, training
-- courses, seminars), policy documents, and honours (表彰荣誉).

CREATE TABLE events (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    organisers TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    attendees INTEGER NOT NULL DEFAULT 0,
    hours_tenths INTEGER NOT NULL DEFAULT 0,
    committee BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_unit ON events(unit_id);
CREATE INDEX events_held ON events(held_on);

CREATE TABLE documents (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    doc_number TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL DEFAULT '',
    issued_on DATE NOT NULL,
    event_id BIGINT REFERENCES events(id),
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_unit ON documents(unit_id);

CREATE TABLE honours (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    year INTEGER NOT NULL,
    awardee_kind TEXT NOT NULL,
    awardee_name TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations(id),
    awarding_body TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX honours_unit ON honours(unit_id);
CREATE INDEX honours_year ON honours(year);
