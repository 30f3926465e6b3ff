-- Party-building action plans (e.g. 先锋引领2.0 with 五争五引领): domains and modes are data;
-- participating Party organisations; activities with their domain, mode and Party organisations.

CREATE TABLE action_plans (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE plan_domains (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES action_plans(id),
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_domains_plan ON plan_domains(plan_id);

CREATE TABLE plan_modes (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES action_plans(id),
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_modes_plan ON plan_modes(plan_id);

CREATE TABLE plan_party_orgs (
    plan_id BIGINT NOT NULL REFERENCES action_plans(id),
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    PRIMARY KEY (plan_id, party_org_id)
);

CREATE TABLE plan_activities (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES action_plans(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    domain_id BIGINT NOT NULL REFERENCES plan_domains(id),
    mode_id BIGINT NOT NULL REFERENCES plan_modes(id),
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    organisers TEXT NOT NULL DEFAULT '',
    participants INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_activities_plan ON plan_activities(plan_id);
CREATE INDEX plan_activities_unit ON plan_activities(unit_id);

CREATE TABLE plan_activity_party_orgs (
    activity_id BIGINT NOT NULL REFERENCES plan_activities(id),
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    PRIMARY KEY (activity_id, party_org_id)
);
