-- Indexes found by the purchased-services benchmark (docs/PERFORMANCE.md, "Purchased services").

-- An agency's projects in id order. The agency picker of the project page averages each
-- organisation's final scores through a join on project id; with an index on agency_id alone
-- PostgreSQL walked the whole projects table in id order once per organisation (1.3 s per page
-- at 5,000 projects once the table had statistics).
DROP INDEX projects_agency;
CREATE INDEX projects_agency ON projects(agency_id, id);

-- Paid amounts are sums of payments per project (lists, detail, figures, payment rules):
-- covering, the sums read only the index.
DROP INDEX project_payments_project;
CREATE INDEX project_payments_project ON project_payments(project_id, amount_fen);

-- How many projects use a category (the guideline page, deleting a category): without it every
-- category of the guideline scanned the whole projects table.
CREATE INDEX projects_category ON projects(category_id);
