-- Data versions: one row of counters that the database itself bumps, in the writing
-- transaction, whenever a table that a cache depends on changes. Every request reads the row
-- with its session (one statement), so a cache entry tagged with an older version is never
-- used again, on whichever app node the change was made (platform/cache.rs).
--   access       users (the columns a signed-in user is loaded from), roles, their permissions
--                and units, user_roles
--   units        org_units (unit paths and names, unit pickers)
--   departments  departments (the competent-department picker)
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    access BIGINT NOT NULL DEFAULT 1,
    units BIGINT NOT NULL DEFAULT 1,
    departments BIGINT NOT NULL DEFAULT 1
);
INSERT INTO data_version (id) VALUES (1);

-- backend: sqlite
-- One writer at a time: a counter bumped by each row is simply the next number.
CREATE TRIGGER data_version_users_insert AFTER INSERT ON users
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_users_update AFTER UPDATE OF username, display_name, unit_id, organisation_id, disabled, must_change_password ON users
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_users_delete AFTER DELETE ON users
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_roles_insert AFTER INSERT ON roles
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_roles_update AFTER UPDATE ON roles
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_roles_delete AFTER DELETE ON roles
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_role_permissions_insert AFTER INSERT ON role_permissions
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_role_permissions_update AFTER UPDATE ON role_permissions
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_role_permissions_delete AFTER DELETE ON role_permissions
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_role_units_insert AFTER INSERT ON role_units
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_role_units_update AFTER UPDATE ON role_units
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_role_units_delete AFTER DELETE ON role_units
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_user_roles_insert AFTER INSERT ON user_roles
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_user_roles_update AFTER UPDATE ON user_roles
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_user_roles_delete AFTER DELETE ON user_roles
BEGIN
    UPDATE data_version SET access = access + 1;
END;
CREATE TRIGGER data_version_org_units_insert AFTER INSERT ON org_units
BEGIN
    UPDATE data_version SET units = units + 1;
END;
CREATE TRIGGER data_version_org_units_update AFTER UPDATE ON org_units
BEGIN
    UPDATE data_version SET units = units + 1;
END;
CREATE TRIGGER data_version_org_units_delete AFTER DELETE ON org_units
BEGIN
    UPDATE data_version SET units = units + 1;
END;
CREATE TRIGGER data_version_departments_insert AFTER INSERT ON departments
BEGIN
    UPDATE data_version SET departments = departments + 1;
END;
CREATE TRIGGER data_version_departments_update AFTER UPDATE ON departments
BEGIN
    UPDATE data_version SET departments = departments + 1;
END;
CREATE TRIGGER data_version_departments_delete AFTER DELETE ON departments
BEGIN
    UPDATE data_version SET departments = departments + 1;
END;

-- backend: postgres
-- Deferred to the commit, once per transaction and counter: the one row is locked only at the
-- very end of a writing transaction (which then needs no other lock), so writers of different
-- tables cannot deadlock on it, and a bulk write bumps once.
CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flag TEXT := 'shegong.data_version_' || TG_ARGV[0];
BEGIN
    IF current_setting(flag, true) = 'bumped' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config(flag, 'bumped', true);
    EXECUTE format('UPDATE data_version SET %1$I = %1$I + 1', TG_ARGV[0]);
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER data_version_users AFTER INSERT OR DELETE OR UPDATE OF username, display_name, unit_id, organisation_id, disabled, must_change_password ON users DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('access');
CREATE CONSTRAINT TRIGGER data_version_roles AFTER INSERT OR UPDATE OR DELETE ON roles DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('access');
CREATE CONSTRAINT TRIGGER data_version_role_permissions AFTER INSERT OR UPDATE OR DELETE ON role_permissions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('access');
CREATE CONSTRAINT TRIGGER data_version_role_units AFTER INSERT OR UPDATE OR DELETE ON role_units DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('access');
CREATE CONSTRAINT TRIGGER data_version_user_roles AFTER INSERT OR UPDATE OR DELETE ON user_roles DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('access');
CREATE CONSTRAINT TRIGGER data_version_org_units AFTER INSERT OR UPDATE OR DELETE ON org_units DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('units');
CREATE CONSTRAINT TRIGGER data_version_departments AFTER INSERT OR UPDATE OR DELETE ON departments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump('departments');
-- TRUNCATE fires no row trigger: bump at once.
CREATE FUNCTION data_version_bump_now() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE data_version SET %1$I = %1$I + 1', TG_ARGV[0]);
    RETURN NULL;
END;
$$;
CREATE TRIGGER data_version_users_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('access');
CREATE TRIGGER data_version_roles_truncate AFTER TRUNCATE ON roles FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('access');
CREATE TRIGGER data_version_role_permissions_truncate AFTER TRUNCATE ON role_permissions FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('access');
CREATE TRIGGER data_version_role_units_truncate AFTER TRUNCATE ON role_units FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('access');
CREATE TRIGGER data_version_user_roles_truncate AFTER TRUNCATE ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('access');
CREATE TRIGGER data_version_org_units_truncate AFTER TRUNCATE ON org_units FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('units');
CREATE TRIGGER data_version_departments_truncate AFTER TRUNCATE ON departments FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_now('departments');
