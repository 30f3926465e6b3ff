-- City-level reference data gets permissions of its own (issue 10): the service-list guideline
-- (services.guideline), the award programmes (talent.programmes) and the talent fund
-- (talent.fund_read, talent.fund_write). Station managers and agency staff held services.write,
-- talent.write and talent.read, which reached all three. The predefined Bureau role gets the new
-- permissions, the read-only leader role may read the fund; roles edited by the security
-- administrator keep what they have and are granted nothing here.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, p.permission FROM roles r,
    (SELECT 'services.guideline' AS permission UNION ALL SELECT 'talent.programmes'
     UNION ALL SELECT 'talent.fund_read' UNION ALL SELECT 'talent.fund_write') p
WHERE r.code = 'bureau' AND r.builtin
  AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.permission = p.permission);
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'talent.fund_read' FROM roles r
WHERE r.code = 'leader' AND r.builtin
  AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.permission = 'talent.fund_read');
