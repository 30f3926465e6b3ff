-- Photos and files attached to records (events, documents, plan activities). The bytes live in
-- the configured data directory, named by their SHA-256; the row keeps what is needed to check
-- access and to serve them.

CREATE TABLE attachments (
    id {id},
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_entity ON attachments(entity, entity_id);
