//! shegong (社工): the platform of a city's Civil Affairs Bureau for social organisations and
//! social work. See docs/ARCHITECTURE.md for the layout; each domain folder has the same shape
//! (`mod.rs`, `model.rs`, `store.rs`, `routes.rs`, and where it has them `figures.rs`, `import.rs`).

pub mod app;
pub mod auth;
pub mod cli;
pub mod demo;
pub mod events;
pub mod hotline;
pub mod orgs;
pub mod party;
pub mod platform;
pub mod review;
pub mod services;
pub mod stations;
pub mod system;
pub mod talent;
pub mod units;
pub mod users;
pub mod volunteers;
