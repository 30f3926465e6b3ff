//! Pages of authentication, one file per sub-resource: sign-in (login, second factor, logout),
//! the signed-in account (password, TOTP, language, access tokens), the session middleware that
//! runs before every route, and the sign-in rate limits.

use crate::platform::access::Routes;

mod account;
pub mod session;
mod signin;
pub mod throttle;

pub fn routes() -> Routes {
    signin::routes().merge(account::routes())
}
