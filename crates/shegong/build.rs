//! Test gating: the PostgreSQL half of each `both_backends!` test and the browser test are
//! compiled as `#[ignore]`d (reported as skipped) unless their service is wanted:
//! `cfg(shegong_pg)` when `SHEGONG_TEST_POSTGRES` is set or `CI=true`, `cfg(shegong_browser)`
//! when `SHEGONG_BROWSER_TEST=1` or `CI=true`. Under CI they therefore always run, and fail
//! when the service is missing. Only these variables (and this file) rerun the script.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for var in ["SHEGONG_TEST_POSTGRES", "SHEGONG_BROWSER_TEST", "CI"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    println!("cargo::rustc-check-cfg=cfg(shegong_pg)");
    println!("cargo::rustc-check-cfg=cfg(shegong_browser)");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if ci || std::env::var("SHEGONG_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=shegong_pg");
    }
    if ci || std::env::var("SHEGONG_BROWSER_TEST").is_ok_and(|v| v == "1") {
        println!("cargo::rustc-cfg=shegong_browser");
    }
}
