-- Volunteers' service records (issue 13, items 5, 7 and 11): the coordinators' list reads
-- records by status within a unit, corrections by their record; `/verify` gets its own rate
-- limit per client address; the service types are managed by a right of their own.

CREATE INDEX volunteer_records_status ON volunteer_records(status, unit_id, service_date);
-- The list's order by day for a city-wide reader (no unit narrows it).
CREATE INDEX volunteer_records_day ON volunteer_records(service_date, id);

-- The public certificate check at /verify: per client address, its own window.
INSERT INTO volunteer_limits (kind, window_secs, max_hits) VALUES ('verify_address', 600, 30);

-- Managing the service types (city reference data) is the predefined Bureau role's; edited
-- roles are granted nothing here.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'volunteers.types' FROM roles r
WHERE r.code = 'bureau' AND r.builtin
  AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.permission = 'volunteers.types');
