//! Structured logs (tracing) and Prometheus metrics.

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::{fmt, EnvFilter};

/// The log filter: `RUST_LOG` (or `default`), but the database layers never log below WARN,
/// whatever is asked: their debug spans carry statements with bound values (phones, ID numbers,
/// password hashes).
pub fn log_filter(default: &str) -> EnvFilter {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    for directive in ["sea_orm=warn", "sqlx=warn", "sea_query=warn"] {
        if let Ok(d) = directive.parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// Installs the log subscriber: `pretty` for people, `json` for log collectors. The level comes
/// from `RUST_LOG` (default `info`).
pub fn init_logs(format: &str) {
    let filter = log_filter("info");
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = if format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// Installs the Prometheus recorder (once per process) and returns its handle for /metrics.
pub fn init_metrics() -> Option<PrometheusHandle> {
    static HANDLE: std::sync::OnceLock<Option<PrometheusHandle>> = std::sync::OnceLock::new();
    HANDLE.get_or_init(|| PrometheusBuilder::new().install_recorder().ok()).clone()
}
