-- The register of social workers (社会工作者) and their qualifications. ID numbers and phones
-- are sensitive: shown masked, revealed one record at a time by permitted roles, each reveal audited.

CREATE TABLE social_workers (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_date DATE NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT,
    employer_org_id BIGINT REFERENCES organisations(id),
    education TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX social_workers_id_number ON social_workers(id_number);
CREATE INDEX social_workers_unit ON social_workers(unit_id);

CREATE TABLE qualifications (
    id {id},
    worker_id BIGINT NOT NULL REFERENCES social_workers(id),
    level TEXT NOT NULL,
    exam_year INTEGER NOT NULL,
    certificate_no TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX qualifications_worker_level ON qualifications(worker_id, level);
CREATE INDEX qualifications_year ON qualifications(exam_year);
