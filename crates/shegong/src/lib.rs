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

/// The allocator of every binary built on this crate (the server, the CLI, the benchmarks and
/// the tests): mimalloc, not the system's malloc. On glibc a 100,000-row xlsx import spent a
/// quarter of its time in `malloc`'s free-list walks after the reader's many small strings were
/// freed (docs/PERFORMANCE.md, "Volunteers' service records: the bulk import");
/// docs/ARCHITECTURE.md says why a crate.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
