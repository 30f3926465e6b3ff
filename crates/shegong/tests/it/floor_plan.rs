//! The floor plan of the source tree, checked on the files themselves: layers point one way
//! (`platform` ← domains ← `app` ← `cli`/`main`), and a domain reaches another domain only
//! through its public face (`mod.rs`), never its store.

use std::path::{Path, PathBuf};

/// The domain folders (each a room set of `mod.rs`, `model.rs`, `store.rs`, `routes.rs`, …).
pub const DOMAINS: &[&str] = &[
    "auth",
    "events",
    "hotline",
    "orgs",
    "party",
    "review",
    "services",
    "stations",
    "system",
    "talent",
    "units",
    "users",
    "volunteers",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its text up to its first `#[cfg(test)]` (test modules may
/// build fixtures from any layer).
pub fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read src").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("read");
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.push((p, code));
            }
        }
    }
    out.sort();
    out
}

fn hits(files: &[(PathBuf, String)], bad: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (p, code) in files {
        for (n, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if !l.starts_with("//") && bad(line) {
                found.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn nothing_below_the_application_imports_it() {
    let mut below = sources(&src().join("platform"));
    for d in DOMAINS.iter().chain(["demo"].iter()) {
        below.extend(sources(&src().join(d)));
    }
    let found = hits(&below, |l| l.contains("crate::app::") || l.contains("crate::app;") || l.contains("crate::cli"));
    assert!(found.is_empty(), "only app.rs, cli.rs and main.rs may use the application: {found:#?}");
}

#[test]
fn the_platform_imports_no_domain() {
    let platform = sources(&src().join("platform"));
    let found = hits(&platform, |l| {
        DOMAINS
            .iter()
            .chain(["demo"].iter())
            .any(|d| l.contains(&format!("crate::{d}::")) || l.contains(&format!("crate::{d};")))
    });
    assert!(found.is_empty(), "the platform knows no domain: {found:#?}");
}

#[test]
fn domains_meet_only_through_their_public_face() {
    let mut found = Vec::new();
    for d in DOMAINS {
        let files = sources(&src().join(d));
        found.extend(hits(&files, |l| {
            DOMAINS.iter().filter(|o| *o != d).any(|o| l.contains(&format!("crate::{o}::store")))
        }));
    }
    assert!(found.is_empty(), "use the other domain's mod.rs, never its store: {found:#?}");
}

/// Domains already laid out in the same rooms (issue 11); the others join this list as they move.
const ROOMED: &[&str] = &[
    "auth",
    "events",
    "hotline",
    "orgs",
    "party",
    "review",
    "services",
    "stations",
    "system",
    "talent",
    "units",
    "users",
    "volunteers",
];

/// What a domain folder may hold: its public face, types and rules, SQL, pages, API, xlsx import
/// and figures (`store` and `routes` may be folders of one file per sub-resource).
/// `templates` is the review's template engine (MiniJinja, its functions and the line markup).
const ROOMS: &[&str] = &[
    "mod.rs",
    "model.rs",
    "store.rs",
    "store",
    "routes.rs",
    "routes",
    "api.rs",
    "import.rs",
    "figures.rs",
    "templates",
];

#[test]
fn roomed_domains_keep_their_rooms_and_their_sql_in_the_store() {
    let mut problems = Vec::new();
    for d in ROOMED {
        let dir = src().join(d);
        for e in std::fs::read_dir(&dir).expect("read domain").flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !ROOMS.contains(&name.as_str()) {
                problems.push(format!("{d}/{name}: not one of the rooms {ROOMS:?}"));
            }
        }
        let files = sources(&dir);
        for (p, _) in &files {
            let lines = std::fs::read_to_string(p).expect("read").lines().count();
            if lines > 800 {
                problems.push(format!("{}: {lines} lines (at most 800)", p.display()));
            }
        }
        // Everywhere: lists page through `platform::paging::fetch`, inserts return ids through
        // `platform::db::insert_id`.
        problems.extend(hits(&files, |l| l.contains("LIMIT ? OFFSET ?") || l.contains("RETURNING id")));
        // Outside the store: no statement, and nothing that runs one.
        let outside: Vec<(PathBuf, String)> = files
            .into_iter()
            .filter(|(p, _)| !p.components().any(|c| c.as_os_str() == "store" || c.as_os_str() == "store.rs"))
            .collect();
        problems.extend(hits(&outside, |l| {
            let statement =
                l.contains('"') && ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"].iter().any(|k| l.contains(k));
            statement
                || [
                    "sql(",
                    "find_by_statement",
                    "db::count",
                    "query_one(",
                    "query_all(",
                    ".execute(",
                    "execute_unprepared",
                ]
                .iter()
                .any(|k| l.contains(k))
        }));
    }
    assert!(problems.is_empty(), "rooms and SQL: {problems:#?}");
}

#[test]
fn no_source_file_outside_the_demo_is_longer_than_800_lines() {
    let mut long = Vec::new();
    for (p, _) in sources(&src()) {
        if p.components().any(|c| c.as_os_str() == "demo") {
            continue;
        }
        let lines = std::fs::read_to_string(&p).expect("read").lines().count();
        if lines > 800 {
            long.push(format!("{}: {lines} lines", p.display()));
        }
    }
    assert!(long.is_empty(), "split along the sub-resources: {long:#?}");
}

#[test]
fn one_paging_helper_and_one_insert_helper_in_the_whole_crate() {
    let files: Vec<(PathBuf, String)> = sources(&src())
        .into_iter()
        .filter(|(p, _)| !p.ends_with("platform/paging.rs") && !p.ends_with("platform/db.rs"))
        .collect();
    let found = hits(&files, |l| l.contains("LIMIT ? OFFSET ?") || l.contains("RETURNING id"));
    assert!(found.is_empty(), "use paging::fetch and db::insert_id: {found:#?}");
}
