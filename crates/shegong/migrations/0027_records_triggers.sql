-- The `records` data version (migration 0025) for the registers added by 0021–0024 and those 0025
-- missed: the volunteers' roll-ups, shifts, types, certificates and corrections, the hotline's
-- counsellors, rota, callers, cases, follow-ups, referrals and escalations, the services'
-- evaluations, milestones and transitions, the selections' scores, attachments and departments
-- (the departments counter of 0017 is not one the figures are tagged with). Every table of the
-- schema is now either a register with these triggers or one of the platform's own tables
-- (sessions, tokens, throttles, the audit chain, the access tables counted by `access`);
-- `tests/it/indicators.rs` (records_triggers_*) checks both on the schema itself, and that every
-- table a figure reads bumps a counter its cache is tagged with.

-- backend: sqlite
CREATE TRIGGER data_version_records_departments_insert AFTER INSERT ON departments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_departments_update AFTER UPDATE ON departments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_departments_delete AFTER DELETE ON departments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_attachments_insert AFTER INSERT ON attachments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_attachments_update AFTER UPDATE ON attachments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_attachments_delete AFTER DELETE ON attachments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_corrective_plans_insert AFTER INSERT ON corrective_plans
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_corrective_plans_update AFTER UPDATE ON corrective_plans
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_corrective_plans_delete AFTER DELETE ON corrective_plans
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_evaluation_scores_insert AFTER INSERT ON evaluation_scores
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_evaluation_scores_update AFTER UPDATE ON evaluation_scores
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_evaluation_scores_delete AFTER DELETE ON evaluation_scores
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_nomination_scores_insert AFTER INSERT ON nomination_scores
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_nomination_scores_update AFTER UPDATE ON nomination_scores
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_nomination_scores_delete AFTER DELETE ON nomination_scores
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_evaluations_insert AFTER INSERT ON project_evaluations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_evaluations_update AFTER UPDATE ON project_evaluations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_evaluations_delete AFTER DELETE ON project_evaluations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_milestones_insert AFTER INSERT ON project_milestones
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_milestones_update AFTER UPDATE ON project_milestones
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_milestones_delete AFTER DELETE ON project_milestones
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_transitions_insert AFTER INSERT ON project_transitions
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_transitions_update AFTER UPDATE ON project_transitions
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_project_transitions_delete AFTER DELETE ON project_transitions
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_service_types_insert AFTER INSERT ON volunteer_service_types
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_service_types_update AFTER UPDATE ON volunteer_service_types
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_service_types_delete AFTER DELETE ON volunteer_service_types
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_shifts_insert AFTER INSERT ON volunteer_shifts
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_shifts_update AFTER UPDATE ON volunteer_shifts
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_shifts_delete AFTER DELETE ON volunteer_shifts
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_assignments_insert AFTER INSERT ON volunteer_assignments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_assignments_update AFTER UPDATE ON volunteer_assignments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_assignments_delete AFTER DELETE ON volunteer_assignments
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_certificates_insert AFTER INSERT ON volunteer_certificates
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_certificates_update AFTER UPDATE ON volunteer_certificates
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_certificates_delete AFTER DELETE ON volunteer_certificates
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_corrections_insert AFTER INSERT ON volunteer_corrections
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_corrections_update AFTER UPDATE ON volunteer_corrections
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_corrections_delete AFTER DELETE ON volunteer_corrections
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_limits_insert AFTER INSERT ON volunteer_limits
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_limits_update AFTER UPDATE ON volunteer_limits
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_limits_delete AFTER DELETE ON volunteer_limits
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_summary_months_insert AFTER INSERT ON volunteer_summary_months
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_summary_months_update AFTER UPDATE ON volunteer_summary_months
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_summary_months_delete AFTER DELETE ON volunteer_summary_months
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_unit_days_insert AFTER INSERT ON volunteer_unit_days
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_unit_days_update AFTER UPDATE ON volunteer_unit_days
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_unit_days_delete AFTER DELETE ON volunteer_unit_days
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_year_volunteers_insert AFTER INSERT ON volunteer_year_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_year_volunteers_update AFTER UPDATE ON volunteer_year_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_volunteer_year_volunteers_delete AFTER DELETE ON volunteer_year_volunteers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_counsellors_insert AFTER INSERT ON hotline_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_counsellors_update AFTER UPDATE ON hotline_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_counsellors_delete AFTER DELETE ON hotline_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_shifts_insert AFTER INSERT ON hotline_shifts
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_shifts_update AFTER UPDATE ON hotline_shifts
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_shifts_delete AFTER DELETE ON hotline_shifts
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_shift_counsellors_insert AFTER INSERT ON hotline_shift_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_shift_counsellors_update AFTER UPDATE ON hotline_shift_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_shift_counsellors_delete AFTER DELETE ON hotline_shift_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_callers_insert AFTER INSERT ON hotline_callers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_callers_update AFTER UPDATE ON hotline_callers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_callers_delete AFTER DELETE ON hotline_callers
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_caller_flags_insert AFTER INSERT ON hotline_caller_flags
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_caller_flags_update AFTER UPDATE ON hotline_caller_flags
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_caller_flags_delete AFTER DELETE ON hotline_caller_flags
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_cases_insert AFTER INSERT ON hotline_cases
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_cases_update AFTER UPDATE ON hotline_cases
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_cases_delete AFTER DELETE ON hotline_cases
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_case_counsellors_insert AFTER INSERT ON hotline_case_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_case_counsellors_update AFTER UPDATE ON hotline_case_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_case_counsellors_delete AFTER DELETE ON hotline_case_counsellors
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_followups_insert AFTER INSERT ON hotline_followups
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_followups_update AFTER UPDATE ON hotline_followups
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_followups_delete AFTER DELETE ON hotline_followups
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_referrals_insert AFTER INSERT ON hotline_referrals
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_referrals_update AFTER UPDATE ON hotline_referrals
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_referrals_delete AFTER DELETE ON hotline_referrals
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_duty_insert AFTER INSERT ON hotline_duty
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_duty_update AFTER UPDATE ON hotline_duty
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_duty_delete AFTER DELETE ON hotline_duty
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_escalations_insert AFTER INSERT ON hotline_escalations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_escalations_update AFTER UPDATE ON hotline_escalations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_escalations_delete AFTER DELETE ON hotline_escalations
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_emergency_calls_insert AFTER INSERT ON hotline_emergency_calls
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_emergency_calls_update AFTER UPDATE ON hotline_emergency_calls
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;
CREATE TRIGGER data_version_records_hotline_emergency_calls_delete AFTER DELETE ON hotline_emergency_calls
BEGIN
    UPDATE data_version SET records = records + 1, records_at = CAST(strftime('%s', 'now') AS INTEGER);
END;

-- backend: postgres
-- As 0025: deferred to the commit, once per transaction; TRUNCATE at once.
CREATE CONSTRAINT TRIGGER data_version_records_departments AFTER INSERT OR UPDATE OR DELETE ON departments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_attachments AFTER INSERT OR UPDATE OR DELETE ON attachments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_corrective_plans AFTER INSERT OR UPDATE OR DELETE ON corrective_plans DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_evaluation_scores AFTER INSERT OR UPDATE OR DELETE ON evaluation_scores DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_nomination_scores AFTER INSERT OR UPDATE OR DELETE ON nomination_scores DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_project_evaluations AFTER INSERT OR UPDATE OR DELETE ON project_evaluations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_project_milestones AFTER INSERT OR UPDATE OR DELETE ON project_milestones DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_project_transitions AFTER INSERT OR UPDATE OR DELETE ON project_transitions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_service_types AFTER INSERT OR UPDATE OR DELETE ON volunteer_service_types DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_shifts AFTER INSERT OR UPDATE OR DELETE ON volunteer_shifts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_assignments AFTER INSERT OR UPDATE OR DELETE ON volunteer_assignments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_certificates AFTER INSERT OR UPDATE OR DELETE ON volunteer_certificates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_corrections AFTER INSERT OR UPDATE OR DELETE ON volunteer_corrections DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_limits AFTER INSERT OR UPDATE OR DELETE ON volunteer_limits DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_summary_months AFTER INSERT OR UPDATE OR DELETE ON volunteer_summary_months DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_unit_days AFTER INSERT OR UPDATE OR DELETE ON volunteer_unit_days DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_volunteer_year_volunteers AFTER INSERT OR UPDATE OR DELETE ON volunteer_year_volunteers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_counsellors AFTER INSERT OR UPDATE OR DELETE ON hotline_counsellors DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_shifts AFTER INSERT OR UPDATE OR DELETE ON hotline_shifts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_shift_counsellors AFTER INSERT OR UPDATE OR DELETE ON hotline_shift_counsellors DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_callers AFTER INSERT OR UPDATE OR DELETE ON hotline_callers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_caller_flags AFTER INSERT OR UPDATE OR DELETE ON hotline_caller_flags DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_cases AFTER INSERT OR UPDATE OR DELETE ON hotline_cases DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_case_counsellors AFTER INSERT OR UPDATE OR DELETE ON hotline_case_counsellors DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_followups AFTER INSERT OR UPDATE OR DELETE ON hotline_followups DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_referrals AFTER INSERT OR UPDATE OR DELETE ON hotline_referrals DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_duty AFTER INSERT OR UPDATE OR DELETE ON hotline_duty DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_escalations AFTER INSERT OR UPDATE OR DELETE ON hotline_escalations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE CONSTRAINT TRIGGER data_version_records_hotline_emergency_calls AFTER INSERT OR UPDATE OR DELETE ON hotline_emergency_calls DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump_records();
CREATE TRIGGER data_version_records_departments_truncate AFTER TRUNCATE ON departments FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_attachments_truncate AFTER TRUNCATE ON attachments FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_corrective_plans_truncate AFTER TRUNCATE ON corrective_plans FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_evaluation_scores_truncate AFTER TRUNCATE ON evaluation_scores FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_nomination_scores_truncate AFTER TRUNCATE ON nomination_scores FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_project_evaluations_truncate AFTER TRUNCATE ON project_evaluations FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_project_milestones_truncate AFTER TRUNCATE ON project_milestones FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_project_transitions_truncate AFTER TRUNCATE ON project_transitions FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_service_types_truncate AFTER TRUNCATE ON volunteer_service_types FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_shifts_truncate AFTER TRUNCATE ON volunteer_shifts FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_assignments_truncate AFTER TRUNCATE ON volunteer_assignments FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_certificates_truncate AFTER TRUNCATE ON volunteer_certificates FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_corrections_truncate AFTER TRUNCATE ON volunteer_corrections FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_limits_truncate AFTER TRUNCATE ON volunteer_limits FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_summary_months_truncate AFTER TRUNCATE ON volunteer_summary_months FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_unit_days_truncate AFTER TRUNCATE ON volunteer_unit_days FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_volunteer_year_volunteers_truncate AFTER TRUNCATE ON volunteer_year_volunteers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_counsellors_truncate AFTER TRUNCATE ON hotline_counsellors FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_shifts_truncate AFTER TRUNCATE ON hotline_shifts FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_shift_counsellors_truncate AFTER TRUNCATE ON hotline_shift_counsellors FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_callers_truncate AFTER TRUNCATE ON hotline_callers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_caller_flags_truncate AFTER TRUNCATE ON hotline_caller_flags FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_cases_truncate AFTER TRUNCATE ON hotline_cases FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_case_counsellors_truncate AFTER TRUNCATE ON hotline_case_counsellors FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_followups_truncate AFTER TRUNCATE ON hotline_followups FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_referrals_truncate AFTER TRUNCATE ON hotline_referrals FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_duty_truncate AFTER TRUNCATE ON hotline_duty FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_escalations_truncate AFTER TRUNCATE ON hotline_escalations FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
CREATE TRIGGER data_version_records_hotline_emergency_calls_truncate AFTER TRUNCATE ON hotline_emergency_calls FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_records_now();
