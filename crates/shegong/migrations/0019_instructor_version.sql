-- Party-building instructors become editable through a form (issue 12): optimistic locking needs
-- a version, as on every table edited through a form.

ALTER TABLE party_instructors ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
