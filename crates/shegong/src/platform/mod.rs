//! Mechanisms every domain reuses: configuration, database, access control, audit, errors,
//! translations, paging, web helpers, money, secrets, time and telemetry. Domains never re-implement these.

pub mod access;
pub mod api;
pub mod audit;
pub mod cache;
pub mod config;
pub mod db;
pub mod download;
pub mod error;
pub mod figures;
pub mod files;
pub mod i18n;
pub mod images;
pub mod import;
pub mod indicator;
pub mod keyfile;
pub mod money;
pub mod once;
pub mod paging;
pub mod passwords;
pub mod period;
pub mod pii;
pub mod rekey;
pub mod secret;
pub mod state;
pub mod telemetry;
pub mod time;
pub mod vault;
pub mod web;
pub mod xlsx;

pub use state::AppState;
