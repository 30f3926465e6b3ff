-- Selections and awards (评选表彰): programmes with a quota, nominations of social workers by
-- units, scores by several reviewers, the decision and the publication (winners go to honours).

CREATE TABLE programmes (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    edition INTEGER NOT NULL DEFAULT 1,
    year INTEGER NOT NULL,
    quota INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE nominations (
    id {id},
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    worker_id BIGINT NOT NULL REFERENCES social_workers(id),
    nominating_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX nominations_programme_worker ON nominations(programme_id, worker_id);

CREATE TABLE nomination_scores (
    nomination_id BIGINT NOT NULL REFERENCES nominations(id),
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    score INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (nomination_id, reviewer_id)
);
