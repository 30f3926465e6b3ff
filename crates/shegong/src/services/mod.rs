//! Government purchase of services (政府购买服务): the service-list guideline versioned by year,
//! projects bought by stations from social-work agencies, with the status workflow
//! 立项 → 采购 → 签约 → 执行 → 中期评估 → 结项评估 → 结项, teams from the talent register,
//! milestones, payments in integer fen, evaluations that decide the money, agencies' track
//! records, figures for any unit subtree and year, and Excel import/export.

pub mod api;
pub mod figures;
pub mod guideline;
pub mod import;
pub mod model;
pub(crate) mod routes;
pub mod store;

pub use routes::evaluation_visible;

/// Every page and API route of the domain.
pub fn routes() -> crate::platform::access::Routes {
    routes::routes().merge(guideline::routes()).merge(figures::routes()).merge(import::routes()).merge(api::routes())
}
