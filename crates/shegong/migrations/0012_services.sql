-- Government purchase of services (政府购买服务): the service-list guideline versioned by year,
-- projects bought by stations from agencies, their status workflow with who/when of every step,
-- teams, milestones, payments (integer fen), evaluations with scores by criterion, and
-- corrective plans that lift a hold after a failing mid-term evaluation.

-- Agency staff belong to an organisation; their data scope is that agency's projects.
ALTER TABLE users ADD COLUMN organisation_id BIGINT REFERENCES organisations(id);

CREATE TABLE service_categories (
    id {id},
    year INTEGER NOT NULL,
    parent_id BIGINT REFERENCES service_categories(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX service_categories_year_code ON service_categories(year, code);

CREATE TABLE projects (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    category_id BIGINT NOT NULL REFERENCES service_categories(id),
    agency_id BIGINT REFERENCES organisations(id),
    contract_no TEXT,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    status TEXT NOT NULL,
    on_hold BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX projects_unit ON projects(unit_id);
CREATE INDEX projects_year ON projects(year);
CREATE INDEX projects_agency ON projects(agency_id);
CREATE UNIQUE INDEX projects_contract_no ON projects(contract_no);

CREATE TABLE project_transitions (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    actor_name TEXT NOT NULL DEFAULT '',
    happened_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_transitions_project ON project_transitions(project_id);

CREATE TABLE project_members (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    worker_id BIGINT REFERENCES social_workers(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    from_on DATE NOT NULL,
    to_on DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_members_project ON project_members(project_id);
CREATE INDEX project_members_worker ON project_members(worker_id);

CREATE TABLE project_milestones (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    title TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_on DATE,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_milestones_project ON project_milestones(project_id);

CREATE TABLE project_payments (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL,
    paid_on DATE NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    voucher_ref TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_payments_project ON project_payments(project_id);

CREATE TABLE project_evaluations (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL,
    evaluated_on DATE NOT NULL,
    evaluator TEXT NOT NULL,
    score INTEGER NOT NULL,
    max_score INTEGER NOT NULL,
    passed BOOLEAN NOT NULL,
    comments TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_evaluations_project ON project_evaluations(project_id);

CREATE TABLE evaluation_scores (
    evaluation_id BIGINT NOT NULL REFERENCES project_evaluations(id),
    criterion TEXT NOT NULL,
    score INTEGER NOT NULL,
    max_score INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, criterion)
);

CREATE TABLE corrective_plans (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    evaluation_id BIGINT NOT NULL REFERENCES project_evaluations(id),
    plan TEXT NOT NULL,
    submitted_by BIGINT,
    submitted_at TIMESTAMPTZ NOT NULL,
    approved_by BIGINT,
    approved_at TIMESTAMPTZ
);
CREATE INDEX corrective_plans_project ON corrective_plans(project_id);
