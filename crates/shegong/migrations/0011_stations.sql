-- The three-tier social-work service platform (三级服务平台): one station per org unit — the city
-- general station (市社工总站, tier city), district/town stations (区镇社工站, tier town) and
-- community/village rooms (社区(村)社工室, tier community). The tier follows the unit's depth and is
-- stored. Party coverage of a station (支部建在站上): organisation coverage through a Party
-- organisation (own or joint), work coverage through that or a Party-building instructor.

CREATE TABLE stations (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    tier TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    opened_on DATE,
    manager TEXT NOT NULL DEFAULT '',
    phone TEXT,
    description TEXT NOT NULL DEFAULT '',
    party_org_id BIGINT REFERENCES party_orgs(id),
    party_instructor TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX stations_unit ON stations(unit_id);
CREATE INDEX stations_tier ON stations(tier);

-- The people of a station: social workers of the talent register (worker_id) or, for anyone
-- else (volunteers, part-time helpers), a name. Posts: head, full_time, part_time, volunteer.
CREATE TABLE station_staff (
    id {id},
    station_id BIGINT NOT NULL REFERENCES stations(id),
    worker_id BIGINT REFERENCES social_workers(id),
    name TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL,
    from_on DATE NOT NULL,
    to_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (worker_id IS NOT NULL OR name <> '')
);
CREATE INDEX station_staff_station ON station_staff(station_id);
CREATE INDEX station_staff_worker ON station_staff(worker_id);
