//! Indicators, the dashboard and the annual review. The indicator engine ([`figures`]) reads
//! every domain's indicator definitions (`figures.rs`) and answers for any period and unit
//! subtree, cached by the database's data versions. Reviews are written from versioned MiniJinja
//! templates ([`templates`]) over those indicators, move 草稿 → 审核 → 发布, and are frozen at
//! publication (`store::publish`); they render as a page, .docx and PDF through `crates/render`.

pub mod api;
pub mod figures;
pub mod model;
mod routes;
pub mod store;
pub mod templates;

pub use routes::routes;

use crate::platform::access::{Reach, Record};

/// A review, reached when its unit lies inside the caller's scope.
pub static REVIEW: Record =
    Record { name: "review", table: "reviews", reach: Reach::Unit { owner: None }, parent: None };
/// A version of a review template: city-level reference data (every holder of the route's
/// permission reads it; saving needs `review.write`).
pub static REVIEW_TEMPLATE: Record =
    Record { name: "review_template", table: "review_templates", reach: Reach::Reference, parent: None };
