-- The annual review (issue 15, items 3, 6, 9): review templates in MiniJinja, versioned (every
-- save is a new row; old versions stay readable), and reviews of a year and a unit subtree,
-- written from one template version in one language, moving 草稿 → 审核 → 发布 (draft → review →
-- published). Publishing freezes the figures: one row per indicator value the document used
-- (key, value, text, the `records` data version and the time), written in the publishing
-- transaction; the lists the document used (honours, awards, events) are frozen with it as JSON.
-- Station managers may now write reviews of their own subtree.
CREATE TABLE review_templates (
    id {id},
    name TEXT NOT NULL,
    lang TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX review_templates_name_version ON review_templates(name, lang, version);

CREATE TABLE reviews (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year INTEGER NOT NULL,
    period TEXT NOT NULL,
    template_id BIGINT NOT NULL REFERENCES review_templates(id),
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    frozen_lists TEXT NOT NULL DEFAULT '',
    data_version BIGINT NOT NULL DEFAULT 0,
    published_at TIMESTAMPTZ,
    published_by BIGINT REFERENCES users(id),
    created_by BIGINT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX reviews_unit_year ON reviews(unit_id, year);

CREATE TABLE review_figures (
    review_id BIGINT NOT NULL REFERENCES reviews(id),
    figure_key TEXT NOT NULL,
    value BIGINT,
    value_before BIGINT,
    text TEXT NOT NULL,
    change_text TEXT NOT NULL DEFAULT '',
    href TEXT NOT NULL DEFAULT '',
    data_version BIGINT NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (review_id, figure_key)
);

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'review.write' FROM roles r
WHERE r.code = 'station' AND r.builtin
  AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.permission = 'review.write');
