//! Integration tests: the whole application over HTTP (in-process), on SQLite and on
//! PostgreSQL, plus the browser test. One binary, so it compiles once.

mod helpers;

mod access;
mod api;
mod audit_log;
mod auth;
mod browser;
mod caches;
mod dashboard;
mod events;
mod exchange;
mod floor_plan;
mod forms;
mod hotline;
mod hotline_cases;
mod hotline_escalation;
mod imports;
mod indicators;
mod input;
mod lists;
mod ops;
mod orgs;
mod party;
mod periods;
mod review;
mod scope_matrix;
mod services;
mod sign_in;
mod stations;
mod talent;
mod units;
mod users;
mod volunteer_figures;
mod volunteer_records;
mod volunteers;
