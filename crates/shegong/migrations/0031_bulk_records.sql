-- Bulk writes of service records on SQLite (issue 13 item 5: a 100,000-row import in under 5 s).
-- A record and each of its summary and roll-up rows fire a per-row trigger that bumps
-- data_version.records (0025, 0027, 0030): an import of 100,000 records ran about 500,000 such
-- updates of the one data_version row. PostgreSQL already bumps once per transaction (a deferred
-- trigger and a transaction-local setting); SQLite has neither, so a bulk writer says so instead:
-- `Db::write_bulk` sets data_version.bulk = 1 inside its transaction, these triggers skip while
-- it is 1, and `WriteTx::commit` sets it back to 0 and bumps `records` once before committing.
-- The flag is part of the transaction: no other connection ever sees it set, and a transaction
-- rolled back takes it back with it. Every other writer (a form, a correction, a check-in) fires
-- the triggers as before.

-- backend: sqlite
ALTER TABLE data_version ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0 CHECK (bulk IN (0, 1));
DROP TRIGGER data_version_records_volunteer_records_insert;
CREATE TRIGGER data_version_records_volunteer_records_insert AFTER INSERT ON volunteer_records
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_records_update;
CREATE TRIGGER data_version_records_volunteer_records_update AFTER UPDATE ON volunteer_records
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_records_delete;
CREATE TRIGGER data_version_records_volunteer_records_delete AFTER DELETE ON volunteer_records
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_summary_insert;
CREATE TRIGGER data_version_records_volunteer_summary_insert AFTER INSERT ON volunteer_summary
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_summary_update;
CREATE TRIGGER data_version_records_volunteer_summary_update AFTER UPDATE ON volunteer_summary
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_summary_delete;
CREATE TRIGGER data_version_records_volunteer_summary_delete AFTER DELETE ON volunteer_summary
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_day_volunteers_insert;
CREATE TRIGGER data_version_records_volunteer_day_volunteers_insert AFTER INSERT ON volunteer_day_volunteers
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_day_volunteers_update;
CREATE TRIGGER data_version_records_volunteer_day_volunteers_update AFTER UPDATE ON volunteer_day_volunteers
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_day_volunteers_delete;
CREATE TRIGGER data_version_records_volunteer_day_volunteers_delete AFTER DELETE ON volunteer_day_volunteers
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_summary_months_insert;
CREATE TRIGGER data_version_records_volunteer_summary_months_insert AFTER INSERT ON volunteer_summary_months
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_summary_months_update;
CREATE TRIGGER data_version_records_volunteer_summary_months_update AFTER UPDATE ON volunteer_summary_months
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_summary_months_delete;
CREATE TRIGGER data_version_records_volunteer_summary_months_delete AFTER DELETE ON volunteer_summary_months
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_unit_days_insert;
CREATE TRIGGER data_version_records_volunteer_unit_days_insert AFTER INSERT ON volunteer_unit_days
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_unit_days_update;
CREATE TRIGGER data_version_records_volunteer_unit_days_update AFTER UPDATE ON volunteer_unit_days
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_unit_days_delete;
CREATE TRIGGER data_version_records_volunteer_unit_days_delete AFTER DELETE ON volunteer_unit_days
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_unit_weeks_insert;
CREATE TRIGGER data_version_records_volunteer_unit_weeks_insert AFTER INSERT ON volunteer_unit_weeks
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_unit_weeks_update;
CREATE TRIGGER data_version_records_volunteer_unit_weeks_update AFTER UPDATE ON volunteer_unit_weeks
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_unit_weeks_delete;
CREATE TRIGGER data_version_records_volunteer_unit_weeks_delete AFTER DELETE ON volunteer_unit_weeks
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_period_volunteers_insert;
CREATE TRIGGER data_version_records_volunteer_period_volunteers_insert AFTER INSERT ON volunteer_period_volunteers
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_period_volunteers_update;
CREATE TRIGGER data_version_records_volunteer_period_volunteers_update AFTER UPDATE ON volunteer_period_volunteers
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
DROP TRIGGER data_version_records_volunteer_period_volunteers_delete;
CREATE TRIGGER data_version_records_volunteer_period_volunteers_delete AFTER DELETE ON volunteer_period_volunteers
WHEN (SELECT bulk FROM data_version WHERE id = 1) = 0
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
