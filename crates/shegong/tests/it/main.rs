//! Integration tests: the whole application over HTTP (in-process), on SQLite and on
//! PostgreSQL, plus the browser test. One binary, so it compiles once.

mod helpers;

mod access;
mod api;
mod audit_log;
mod auth;
mod browser;
mod browser_hotline;
mod browser_kit;
mod browser_phone;
mod browser_review;
mod caches;
mod dashboard;
mod events;
mod exchange;
mod figure_caches;
mod floor_plan;
mod forms;
mod hotline;
mod hotline_cases;
mod hotline_confidential;
mod hotline_escalation;
mod hotline_figures;
mod hotline_rota;
mod imports;
mod indicators;
mod input;
mod lists;
mod ops;
mod orgs;
mod party;
mod periods;
mod photos;
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
mod year_2023;
