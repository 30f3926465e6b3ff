-- Province scale, second step (issue 13 item 9): with ten million service records the figures of
-- a year, a quarter, a month or a week answer from a few tens of thousands of rows. Kept in the
-- same transaction as every record by `volunteers::store::rollup` (like 0021's roll-ups), and
-- checked against the raw records by `tests/it/volunteer_figures.rs`.
--
-- volunteer_unit_weeks: unit × ISO week (its Monday), all service types: the weeks of a period
-- (a city's year is 334 units × 52 weeks instead of 334 × 365 unit-days), its whole weeks for
-- the totals and the communities; the days of a week cut by the period's edges come from
-- volunteer_unit_days.
-- volunteer_period_volunteers: the distinct volunteers of a unit in a year ('Y'), a quarter ('Q')
-- or a month ('M'), named by the period's first day, with their records there (a row whose
-- records fall to zero is removed). Ordered by period, then volunteer: the distinct volunteers
-- of any subtree in one period are one range read in volunteer order (a streaming GROUP BY, no
-- temporary index). It replaces volunteer_year_volunteers (0021), now its 'Y' rows.
-- Distinct volunteers cannot be added up across periods or units, so a period is composed of
-- whole years, quarters and months from this table and days from volunteer_day_volunteers, and
-- the union is counted once.

-- backend: sqlite
CREATE TABLE volunteer_unit_weeks (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    week DATE NOT NULL,
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, week)
) WITHOUT ROWID;
CREATE TABLE volunteer_period_volunteers (
    span TEXT NOT NULL,
    starts_on DATE NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    records BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (span, starts_on, volunteer_id, unit_id)
) WITHOUT ROWID;
INSERT INTO volunteer_unit_weeks (unit_id, week, records, person_times, minutes)
    SELECT unit_id, date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days'), SUM(records), SUM(person_times), SUM(minutes)
    FROM volunteer_unit_days GROUP BY unit_id, date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days');
INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records)
    SELECT 'Y', date(day, 'start of year'), volunteer_id, unit_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY date(day, 'start of year'), volunteer_id, unit_id;
INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records)
    SELECT 'Q', date(day, 'start of month', '-' || ((CAST(strftime('%m', day) AS INTEGER) - 1) % 3) || ' months'), volunteer_id, unit_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY date(day, 'start of month', '-' || ((CAST(strftime('%m', day) AS INTEGER) - 1) % 3) || ' months'), volunteer_id, unit_id;
INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records)
    SELECT 'M', date(day, 'start of month'), volunteer_id, unit_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY date(day, 'start of month'), volunteer_id, unit_id;
DROP TABLE volunteer_year_volunteers;
CREATE TRIGGER data_version_records_volunteer_unit_weeks_insert AFTER INSERT ON volunteer_unit_weeks
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_unit_weeks_update AFTER UPDATE ON volunteer_unit_weeks
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_unit_weeks_delete AFTER DELETE ON volunteer_unit_weeks
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_period_volunteers_insert AFTER INSERT ON volunteer_period_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_period_volunteers_update AFTER UPDATE ON volunteer_period_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_period_volunteers_delete AFTER DELETE ON volunteer_period_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;

-- backend: postgres
CREATE TABLE volunteer_unit_weeks (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    week DATE NOT NULL,
    records BIGINT NOT NULL DEFAULT 0,
    person_times BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, week)
);
CREATE TABLE volunteer_period_volunteers (
    span TEXT NOT NULL,
    starts_on DATE NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    records BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (span, starts_on, volunteer_id, unit_id)
);
INSERT INTO volunteer_unit_weeks (unit_id, week, records, person_times, minutes)
    SELECT unit_id, CAST(date_trunc('week', day) AS DATE), SUM(records), SUM(person_times), SUM(minutes)
    FROM volunteer_unit_days GROUP BY unit_id, CAST(date_trunc('week', day) AS DATE);
INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records)
    SELECT 'Y', CAST(date_trunc('year', day) AS DATE), volunteer_id, unit_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY CAST(date_trunc('year', day) AS DATE), volunteer_id, unit_id;
INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records)
    SELECT 'Q', CAST(date_trunc('quarter', day) AS DATE), volunteer_id, unit_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY CAST(date_trunc('quarter', day) AS DATE), volunteer_id, unit_id;
INSERT INTO volunteer_period_volunteers (span, starts_on, volunteer_id, unit_id, records)
    SELECT 'M', CAST(date_trunc('month', day) AS DATE), volunteer_id, unit_id, SUM(records)
    FROM volunteer_day_volunteers GROUP BY CAST(date_trunc('month', day) AS DATE), volunteer_id, unit_id;
DROP TABLE volunteer_year_volunteers;
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_unit_weeks AFTER INSERT OR UPDATE OR DELETE ON volunteer_unit_weeks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_period_volunteers AFTER INSERT OR UPDATE OR DELETE ON volunteer_period_volunteers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE TRIGGER data_version_records_volunteer_unit_weeks_truncate AFTER TRUNCATE ON volunteer_unit_weeks FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_period_volunteers_truncate AFTER TRUNCATE ON volunteer_period_volunteers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
