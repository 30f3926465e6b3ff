//! The one way to define a figure: a key, a label, a unit of measure and a value computed from
//! records for the caller's scope. Each domain's `figures.rs` returns [`FigureValue`]s; the
//! dashboard, the API and (later) the annual review read the same definitions.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureValue {
    /// Stable key, e.g. `units.community`.
    pub key: &'static str,
    /// Locale key of the label.
    pub label_key: &'static str,
    pub value: i64,
    /// Locale key of the unit of measure (个, 人, 元…).
    pub unit_key: &'static str,
    /// Drill-down: the page listing the records behind the figure.
    pub href: Option<String>,
}

impl FigureValue {
    pub fn new(key: &'static str, label_key: &'static str, value: i64, unit_key: &'static str) -> Self {
        FigureValue { key, label_key, value, unit_key, href: None }
    }
    pub fn link(mut self, href: &str) -> Self {
        self.href = Some(href.to_string());
        self
    }
}
