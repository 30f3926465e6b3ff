-- Social organisations (社会组织), their registration history, competent departments,
-- Party organisations (党组织) and Party-building instructors (党建指导员): the "two coverages".

CREATE TABLE departments (
    id {id},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    lead BOOLEAN NOT NULL DEFAULT FALSE,
    on_committee BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX departments_code ON departments(code);

CREATE TABLE organisations (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    registered_on DATE NOT NULL,
    status TEXT NOT NULL,
    status_on DATE,
    grade TEXT,
    grade_year INTEGER,
    address TEXT NOT NULL DEFAULT '',
    legal_rep TEXT NOT NULL DEFAULT '',
    business_scope TEXT NOT NULL DEFAULT '',
    contact_phone TEXT,
    is_agency BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organisations_code ON organisations(credit_code);
CREATE INDEX organisations_unit ON organisations(unit_id);
CREATE INDEX organisations_name ON organisations(name);
CREATE INDEX organisations_status ON organisations(status);

CREATE TABLE organisation_changes (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    changed_on DATE NOT NULL,
    before_value TEXT,
    after_value TEXT,
    note TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX organisation_changes_org ON organisation_changes(organisation_id);

CREATE TABLE party_orgs (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    members INTEGER NOT NULL DEFAULT 0,
    secretary TEXT NOT NULL DEFAULT '',
    established_on DATE NOT NULL,
    dissolved_on DATE,
    in_action_plan BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX party_orgs_unit ON party_orgs(unit_id);

CREATE TABLE party_org_members (
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (party_org_id, organisation_id)
);
CREATE INDEX party_org_members_org ON party_org_members(organisation_id);

CREATE TABLE party_instructors (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    assigned_on DATE NOT NULL,
    ended_on DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX party_instructors_org ON party_instructors(organisation_id);
