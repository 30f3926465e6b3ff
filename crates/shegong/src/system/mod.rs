//! System domain: health and readiness probes, Prometheus metrics, and the audit-log search
//! page of the audit administrator.

mod routes;

pub use routes::{routes, track_metrics};
