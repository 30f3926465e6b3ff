-- The yearly inspection / annual report (年检/年度报告) of each organisation, with its
-- Party-building section and the Bureau's review.

CREATE TABLE annual_reports (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    year INTEGER NOT NULL,
    submitted_on DATE NOT NULL,
    party_status TEXT NOT NULL,
    party_members INTEGER NOT NULL DEFAULT 0,
    party_activities INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '',
    result TEXT,
    reasons TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT,
    reviewed_on DATE,
    created_by BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX annual_reports_org_year ON annual_reports(organisation_id, year);
CREATE INDEX annual_reports_year ON annual_reports(year);
