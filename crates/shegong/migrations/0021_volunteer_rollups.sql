-- Roll-ups of the volunteer summary, so that the figures of a year answer from a few thousand
-- rows even with ten million service records (issue 13, province scale). Kept in the same
-- transaction as every record, by the same store functions as `volunteer_summary`
-- (volunteers/store/records.rs and bulk.rs), and checked against the raw records by a test.
--
-- volunteer_summary_months: unit × month (its first day) × service type.
-- volunteer_unit_days: unit × day, all service types (the weeks of a period, the days at its edges).
-- volunteer_year_volunteers: the distinct volunteers of a unit and year (with their records
-- there), as volunteer_day_volunteers holds them per day.
-- SQLite keeps the rows in primary-key order (WITHOUT ROWID), so that a subtree's rows of a
-- period are read in place, without a lookup per row.

-- backend: sqlite
CREATE TABLE volunteer_summary_months (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    month DATE NOT NULL,
    service_type_id BIGINT NOT NULL REFERENCES volunteer_service_types(id),
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, service_type_id)
) WITHOUT ROWID;
CREATE INDEX volunteer_summary_months_month ON volunteer_summary_months(month);
CREATE TABLE volunteer_unit_days (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    day DATE NOT NULL,
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
) WITHOUT ROWID;
CREATE INDEX volunteer_unit_days_day ON volunteer_unit_days(day);
CREATE TABLE volunteer_year_volunteers (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year INTEGER NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    records BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, year, volunteer_id)
) WITHOUT ROWID;
CREATE INDEX volunteer_year_volunteers_year ON volunteer_year_volunteers(year);
INSERT INTO volunteer_unit_days (unit_id, day, records, person_times, minutes)
    SELECT unit_id, day, SUM(records), SUM(person_times), SUM(minutes) FROM volunteer_summary GROUP BY unit_id, day;
INSERT INTO volunteer_summary_months (unit_id, month, service_type_id, records, person_times, minutes)
    SELECT unit_id, date(day, 'start of month'), service_type_id, SUM(records), SUM(person_times), SUM(minutes)
    FROM volunteer_summary GROUP BY unit_id, date(day, 'start of month'), service_type_id;
INSERT INTO volunteer_year_volunteers (unit_id, year, volunteer_id, records)
    SELECT unit_id, CAST(strftime('%Y', day) AS INTEGER), volunteer_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY unit_id, CAST(strftime('%Y', day) AS INTEGER), volunteer_id;

-- backend: postgres
CREATE TABLE volunteer_summary_months (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    month DATE NOT NULL,
    service_type_id BIGINT NOT NULL REFERENCES volunteer_service_types(id),
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, service_type_id)
);
CREATE INDEX volunteer_summary_months_month ON volunteer_summary_months(month);
CREATE TABLE volunteer_unit_days (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    day DATE NOT NULL,
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);
CREATE INDEX volunteer_unit_days_day ON volunteer_unit_days(day);
CREATE TABLE volunteer_year_volunteers (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year INTEGER NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    records BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, year, volunteer_id)
);
CREATE INDEX volunteer_year_volunteers_year ON volunteer_year_volunteers(year);
INSERT INTO volunteer_unit_days (unit_id, day, records, person_times, minutes)
    SELECT unit_id, day, SUM(records), SUM(person_times), SUM(minutes) FROM volunteer_summary GROUP BY unit_id, day;
INSERT INTO volunteer_summary_months (unit_id, month, service_type_id, records, person_times, minutes)
    SELECT unit_id, CAST(date_trunc('month', day) AS DATE), service_type_id, SUM(records), SUM(person_times), SUM(minutes)
    FROM volunteer_summary GROUP BY unit_id, CAST(date_trunc('month', day) AS DATE), service_type_id;
INSERT INTO volunteer_year_volunteers (unit_id, year, volunteer_id, records)
    SELECT unit_id, CAST(EXTRACT(YEAR FROM day) AS INTEGER), volunteer_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY unit_id, CAST(EXTRACT(YEAR FROM day) AS INTEGER), volunteer_id;
