//! Authentication: login with argon2id passwords, lockout, optional TOTP second factor,
//! sessions kept in the database (shared by every app node), logout, forced password change.

pub mod api;
pub mod model;
mod routes;
pub mod store;

pub use routes::routes;
pub use routes::session::{client_addr, session_layer};
pub use routes::throttle::sweep as sweep_sign_in_limits;
pub use store::{delete_user_sessions, set_password};

use crate::platform::access::{Reach, Record};

/// A personal access token: only its holder reaches it.
pub static TOKEN: Record =
    Record { name: "access token", table: "api_tokens", reach: Reach::User("user_id"), parent: None };
