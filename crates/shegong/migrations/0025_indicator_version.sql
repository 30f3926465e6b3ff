-- The indicator engine's data version (issue 15, review/figures.rs): one more counter in the
-- data_version row, `records`, bumped in the writing transaction by every change to a table that
-- an indicator reads (the registers of every domain), and the time of the last such change
-- (`records_at`, seconds since 1970 UTC), which the dashboard shows as "data last changed".
-- Indicator values are cached per (indicator group, period, unit, scope) and used only at the
-- `records` version they were computed at, so a change on any app node is seen by the next
-- request on every node. A table added later that an indicator reads needs its triggers here
-- (a new migration), or the engine's test that compares values with raw queries after a write
-- fails.
ALTER TABLE data_version ADD COLUMN records BIGINT NOT NULL DEFAULT 1;
ALTER TABLE data_version ADD COLUMN records_at BIGINT NOT NULL DEFAULT 0;

-- backend: sqlite
CREATE TRIGGER data_version_records_org_units_insert AFTER INSERT ON org_units
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_org_units_update AFTER UPDATE ON org_units
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_org_units_delete AFTER DELETE ON org_units
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_organisations_insert AFTER INSERT ON organisations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_organisations_update AFTER UPDATE ON organisations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_organisations_delete AFTER DELETE ON organisations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_organisation_changes_insert AFTER INSERT ON organisation_changes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_organisation_changes_update AFTER UPDATE ON organisation_changes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_organisation_changes_delete AFTER DELETE ON organisation_changes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_orgs_insert AFTER INSERT ON party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_orgs_update AFTER UPDATE ON party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_orgs_delete AFTER DELETE ON party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_org_members_insert AFTER INSERT ON party_org_members
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_org_members_update AFTER UPDATE ON party_org_members
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_org_members_delete AFTER DELETE ON party_org_members
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_instructors_insert AFTER INSERT ON party_instructors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_instructors_update AFTER UPDATE ON party_instructors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_party_instructors_delete AFTER DELETE ON party_instructors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_events_insert AFTER INSERT ON events
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_events_update AFTER UPDATE ON events
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_events_delete AFTER DELETE ON events
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_documents_insert AFTER INSERT ON documents
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_documents_update AFTER UPDATE ON documents
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_documents_delete AFTER DELETE ON documents
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_honours_insert AFTER INSERT ON honours
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_honours_update AFTER UPDATE ON honours
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_honours_delete AFTER DELETE ON honours
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_action_plans_insert AFTER INSERT ON action_plans
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_action_plans_update AFTER UPDATE ON action_plans
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_action_plans_delete AFTER DELETE ON action_plans
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_domains_insert AFTER INSERT ON plan_domains
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_domains_update AFTER UPDATE ON plan_domains
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_domains_delete AFTER DELETE ON plan_domains
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_modes_insert AFTER INSERT ON plan_modes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_modes_update AFTER UPDATE ON plan_modes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_modes_delete AFTER DELETE ON plan_modes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_party_orgs_insert AFTER INSERT ON plan_party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_party_orgs_update AFTER UPDATE ON plan_party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_party_orgs_delete AFTER DELETE ON plan_party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_activities_insert AFTER INSERT ON plan_activities
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_activities_update AFTER UPDATE ON plan_activities
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_activities_delete AFTER DELETE ON plan_activities
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_activity_party_orgs_insert AFTER INSERT ON plan_activity_party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_activity_party_orgs_update AFTER UPDATE ON plan_activity_party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_plan_activity_party_orgs_delete AFTER DELETE ON plan_activity_party_orgs
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_annual_reports_insert AFTER INSERT ON annual_reports
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_annual_reports_update AFTER UPDATE ON annual_reports
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_annual_reports_delete AFTER DELETE ON annual_reports
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_fund_entries_insert AFTER INSERT ON fund_entries
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_fund_entries_update AFTER UPDATE ON fund_entries
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_fund_entries_delete AFTER DELETE ON fund_entries
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_social_workers_insert AFTER INSERT ON social_workers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_social_workers_update AFTER UPDATE ON social_workers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_social_workers_delete AFTER DELETE ON social_workers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_qualifications_insert AFTER INSERT ON qualifications
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_qualifications_update AFTER UPDATE ON qualifications
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_qualifications_delete AFTER DELETE ON qualifications
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_programmes_insert AFTER INSERT ON programmes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_programmes_update AFTER UPDATE ON programmes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_programmes_delete AFTER DELETE ON programmes
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_nominations_insert AFTER INSERT ON nominations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_nominations_update AFTER UPDATE ON nominations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_nominations_delete AFTER DELETE ON nominations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_stations_insert AFTER INSERT ON stations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_stations_update AFTER UPDATE ON stations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_stations_delete AFTER DELETE ON stations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_station_staff_insert AFTER INSERT ON station_staff
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_station_staff_update AFTER UPDATE ON station_staff
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_station_staff_delete AFTER DELETE ON station_staff
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_service_categories_insert AFTER INSERT ON service_categories
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_service_categories_update AFTER UPDATE ON service_categories
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_service_categories_delete AFTER DELETE ON service_categories
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_projects_insert AFTER INSERT ON projects
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_projects_update AFTER UPDATE ON projects
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_projects_delete AFTER DELETE ON projects
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_members_insert AFTER INSERT ON project_members
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_members_update AFTER UPDATE ON project_members
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_members_delete AFTER DELETE ON project_members
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_payments_insert AFTER INSERT ON project_payments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_payments_update AFTER UPDATE ON project_payments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_payments_delete AFTER DELETE ON project_payments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_campaigns_insert AFTER INSERT ON volunteer_campaigns
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_campaigns_update AFTER UPDATE ON volunteer_campaigns
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_campaigns_delete AFTER DELETE ON volunteer_campaigns
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_campaign_units_insert AFTER INSERT ON volunteer_campaign_units
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_campaign_units_update AFTER UPDATE ON volunteer_campaign_units
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_campaign_units_delete AFTER DELETE ON volunteer_campaign_units
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteers_insert AFTER INSERT ON volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteers_update AFTER UPDATE ON volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteers_delete AFTER DELETE ON volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_signups_insert AFTER INSERT ON volunteer_signups
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_signups_update AFTER UPDATE ON volunteer_signups
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_signups_delete AFTER DELETE ON volunteer_signups
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_records_insert AFTER INSERT ON volunteer_records
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_records_update AFTER UPDATE ON volunteer_records
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_records_delete AFTER DELETE ON volunteer_records
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_summary_insert AFTER INSERT ON volunteer_summary
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_summary_update AFTER UPDATE ON volunteer_summary
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_summary_delete AFTER DELETE ON volunteer_summary
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_day_volunteers_insert AFTER INSERT ON volunteer_day_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_day_volunteers_update AFTER UPDATE ON volunteer_day_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_day_volunteers_delete AFTER DELETE ON volunteer_day_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_categories_insert AFTER INSERT ON hotline_categories
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_categories_update AFTER UPDATE ON hotline_categories
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_categories_delete AFTER DELETE ON hotline_categories
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_calls_insert AFTER INSERT ON hotline_calls
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_calls_update AFTER UPDATE ON hotline_calls
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_calls_delete AFTER DELETE ON hotline_calls
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;

-- backend: postgres
-- As data_version_bump (0017): deferred to the commit, once per transaction.
CREATE FUNCTION data_version_bump_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shegong.data_version_records', true) = 'bumped' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('shegong.data_version_records', 'bumped', true);
    UPDATE data_version SET records = records + 1, records_at = CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT);
    RETURN NULL;
END;
$$;
CREATE FUNCTION data_version_bump_records_now() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT);
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER data_version_records_org_units AFTER INSERT OR UPDATE OR DELETE ON org_units DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_organisations AFTER INSERT OR UPDATE OR DELETE ON organisations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_organisation_changes AFTER INSERT OR UPDATE OR DELETE ON organisation_changes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_party_orgs AFTER INSERT OR UPDATE OR DELETE ON party_orgs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_party_org_members AFTER INSERT OR UPDATE OR DELETE ON party_org_members DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_party_instructors AFTER INSERT OR UPDATE OR DELETE ON party_instructors DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_events AFTER INSERT OR UPDATE OR DELETE ON events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_documents AFTER INSERT OR UPDATE OR DELETE ON documents DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_honours AFTER INSERT OR UPDATE OR DELETE ON honours DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_action_plans AFTER INSERT OR UPDATE OR DELETE ON action_plans DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_plan_domains AFTER INSERT OR UPDATE OR DELETE ON plan_domains DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_plan_modes AFTER INSERT OR UPDATE OR DELETE ON plan_modes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_plan_party_orgs AFTER INSERT OR UPDATE OR DELETE ON plan_party_orgs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_plan_activities AFTER INSERT OR UPDATE OR DELETE ON plan_activities DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_plan_activity_party_orgs AFTER INSERT OR UPDATE OR DELETE ON plan_activity_party_orgs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_annual_reports AFTER INSERT OR UPDATE OR DELETE ON annual_reports DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_fund_entries AFTER INSERT OR UPDATE OR DELETE ON fund_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_social_workers AFTER INSERT OR UPDATE OR DELETE ON social_workers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_qualifications AFTER INSERT OR UPDATE OR DELETE ON qualifications DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_programmes AFTER INSERT OR UPDATE OR DELETE ON programmes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_nominations AFTER INSERT OR UPDATE OR DELETE ON nominations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_stations AFTER INSERT OR UPDATE OR DELETE ON stations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_station_staff AFTER INSERT OR UPDATE OR DELETE ON station_staff DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_service_categories AFTER INSERT OR UPDATE OR DELETE ON service_categories DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_projects AFTER INSERT OR UPDATE OR DELETE ON projects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_project_members AFTER INSERT OR UPDATE OR DELETE ON project_members DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_project_payments AFTER INSERT OR UPDATE OR DELETE ON project_payments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_campaigns AFTER INSERT OR UPDATE OR DELETE ON volunteer_campaigns DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_campaign_units AFTER INSERT OR UPDATE OR DELETE ON volunteer_campaign_units DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteers AFTER INSERT OR UPDATE OR DELETE ON volunteers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_signups AFTER INSERT OR UPDATE OR DELETE ON volunteer_signups DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_records AFTER INSERT OR UPDATE OR DELETE ON volunteer_records DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_summary AFTER INSERT OR UPDATE OR DELETE ON volunteer_summary DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_day_volunteers AFTER INSERT OR UPDATE OR DELETE ON volunteer_day_volunteers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_categories AFTER INSERT OR UPDATE OR DELETE ON hotline_categories DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_calls AFTER INSERT OR UPDATE OR DELETE ON hotline_calls DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE TRIGGER data_version_records_org_units_truncate AFTER TRUNCATE ON org_units FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_organisations_truncate AFTER TRUNCATE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_organisation_changes_truncate AFTER TRUNCATE ON organisation_changes FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_party_orgs_truncate AFTER TRUNCATE ON party_orgs FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_party_org_members_truncate AFTER TRUNCATE ON party_org_members FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_party_instructors_truncate AFTER TRUNCATE ON party_instructors FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_events_truncate AFTER TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_documents_truncate AFTER TRUNCATE ON documents FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_honours_truncate AFTER TRUNCATE ON honours FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_action_plans_truncate AFTER TRUNCATE ON action_plans FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_plan_domains_truncate AFTER TRUNCATE ON plan_domains FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_plan_modes_truncate AFTER TRUNCATE ON plan_modes FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_plan_party_orgs_truncate AFTER TRUNCATE ON plan_party_orgs FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_plan_activities_truncate AFTER TRUNCATE ON plan_activities FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_plan_activity_party_orgs_truncate AFTER TRUNCATE ON plan_activity_party_orgs FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_annual_reports_truncate AFTER TRUNCATE ON annual_reports FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_fund_entries_truncate AFTER TRUNCATE ON fund_entries FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_social_workers_truncate AFTER TRUNCATE ON social_workers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_qualifications_truncate AFTER TRUNCATE ON qualifications FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_programmes_truncate AFTER TRUNCATE ON programmes FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_nominations_truncate AFTER TRUNCATE ON nominations FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_stations_truncate AFTER TRUNCATE ON stations FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_station_staff_truncate AFTER TRUNCATE ON station_staff FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_service_categories_truncate AFTER TRUNCATE ON service_categories FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_projects_truncate AFTER TRUNCATE ON projects FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_project_members_truncate AFTER TRUNCATE ON project_members FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_project_payments_truncate AFTER TRUNCATE ON project_payments FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_campaigns_truncate AFTER TRUNCATE ON volunteer_campaigns FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_campaign_units_truncate AFTER TRUNCATE ON volunteer_campaign_units FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteers_truncate AFTER TRUNCATE ON volunteers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_signups_truncate AFTER TRUNCATE ON volunteer_signups FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_records_truncate AFTER TRUNCATE ON volunteer_records FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_summary_truncate AFTER TRUNCATE ON volunteer_summary FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_day_volunteers_truncate AFTER TRUNCATE ON volunteer_day_volunteers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_categories_truncate AFTER TRUNCATE ON hotline_categories FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_calls_truncate AFTER TRUNCATE ON hotline_calls FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
