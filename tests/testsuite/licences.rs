//! The licences of what the default build links: every crate reachable from spark-docs over
//! normal dependencies (default features, as `Cargo.lock` resolves them) must be usable without
//! accepting a GPL-family licence, and must be usable under the allow-list in `deny.toml`
//! (what `cargo deny check licenses` enforces in CI, checked here without the tool).
//!
//! Read from `cargo metadata --offline --locked`, so it needs no network and sees exactly the
//! lockfile. An SPDX expression passes when some choice among its `OR`s needs only allowed
//! licences: `MIT OR GPL-2.0` is fine, `LGPL-3.0-only` (malachite, rustpython's default big
//! integers) or `MIT AND GPL-3.0` is not.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The licence expressions of every crate the default build links, by `name version`.
fn default_build_licences() -> Vec<(String, Option<String>)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        // Only the host's platform: other platforms' crates need not be downloaded to test.
        .args(["--filter-platform", host_triple()])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata JSON");
    reachable_licences(&metadata)
}

fn host_triple() -> &'static str {
    if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        "x86_64-unknown-linux-gnu"
    } else if cfg!(all(target_arch = "aarch64", target_os = "linux")) {
        "aarch64-unknown-linux-gnu"
    } else if cfg!(all(target_arch = "aarch64", target_os = "macos")) {
        "aarch64-apple-darwin"
    } else if cfg!(all(target_arch = "x86_64", target_os = "macos")) {
        "x86_64-apple-darwin"
    } else {
        "x86_64-pc-windows-msvc"
    }
}

/// Walks the resolve graph from the root over normal dependency edges only (no dev or build
/// edges), and returns each reached package with its `license` field.
fn reachable_licences(metadata: &Value) -> Vec<(String, Option<String>)> {
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| (package["id"].as_str().expect("package id"), package))
        .collect();
    let resolve = &metadata["resolve"];
    let nodes: HashMap<&str, &Value> = resolve["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|node| (node["id"].as_str().expect("node id"), node))
        .collect();
    let root = resolve["root"].as_str().expect("resolve root");
    let mut reached = BTreeSet::new();
    let mut pending = vec![root];
    while let Some(id) = pending.pop() {
        if !reached.insert(id) {
            continue;
        }
        for dependency in nodes[id]["deps"].as_array().expect("deps") {
            let is_normal = dependency["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|kind| kind["kind"].is_null());
            if is_normal {
                pending.push(dependency["pkg"].as_str().expect("dependency id"));
            }
        }
    }
    reached
        .into_iter()
        .filter(|id| *id != root)
        .map(|id| {
            let package = packages[id];
            let name = format!(
                "{} {}",
                package["name"].as_str().expect("name"),
                package["version"].as_str().expect("version")
            );
            (name, package["license"].as_str().map(str::to_string))
        })
        .collect()
}

/// GPL, LGPL and AGPL in any version, `-only`/`-or-later` or not.
fn is_gpl_family(licence: &str) -> bool {
    let id = licence.trim_end_matches('+');
    ["GPL-", "LGPL-", "AGPL-"]
        .iter()
        .any(|prefix| id.starts_with(prefix))
}

/// Whether the SPDX expression can be satisfied using only licences `allowed` accepts. `OR` is
/// a choice, `AND` needs both sides, `WITH <exception>` only adds permissions; the old `/`
/// separator (`MIT/Apache-2.0`) means `OR`.
fn satisfiable(expression: &str, allowed: &dyn Fn(&str) -> bool) -> bool {
    let spaced = expression
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut position = 0;
    let result = parse_or(&tokens, &mut position, allowed);
    assert_eq!(
        position,
        tokens.len(),
        "unparsed SPDX expression: {expression}"
    );
    result
}

fn parse_or(tokens: &[&str], position: &mut usize, allowed: &dyn Fn(&str) -> bool) -> bool {
    let mut any = parse_and(tokens, position, allowed);
    while tokens.get(*position) == Some(&"OR") {
        *position += 1;
        any |= parse_and(tokens, position, allowed);
    }
    any
}

fn parse_and(tokens: &[&str], position: &mut usize, allowed: &dyn Fn(&str) -> bool) -> bool {
    let mut all = parse_term(tokens, position, allowed);
    while tokens.get(*position) == Some(&"AND") {
        *position += 1;
        all &= parse_term(tokens, position, allowed);
    }
    all
}

fn parse_term(tokens: &[&str], position: &mut usize, allowed: &dyn Fn(&str) -> bool) -> bool {
    let token = tokens[*position];
    *position += 1;
    let ok = if token == "(" {
        let inner = parse_or(tokens, position, allowed);
        assert_eq!(
            tokens.get(*position),
            Some(&")"),
            "unbalanced SPDX expression"
        );
        *position += 1;
        inner
    } else {
        allowed(token)
    };
    if tokens.get(*position) == Some(&"WITH") {
        *position += 2;
    }
    ok
}

/// The `[licenses] allow` list of `deny.toml`.
fn deny_toml_allow_list() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deny.toml");
    let text = std::fs::read_to_string(&path).expect("read deny.toml");
    let deny: toml::Value = toml::from_str(&text).expect("deny.toml is TOML");
    deny["licenses"]["allow"]
        .as_array()
        .expect("[licenses] allow")
        .iter()
        .map(|licence| licence.as_str().expect("licence id").to_string())
        .collect()
}

#[test]
fn no_crate_of_the_default_build_is_gpl_only() {
    let licences = default_build_licences();
    assert!(
        licences
            .iter()
            .any(|(name, _)| name.starts_with("rustpython-parser ")),
        "the walk must reach the crates the default build links"
    );
    let copyleft_only: Vec<String> = licences
        .iter()
        .filter_map(|(name, licence)| {
            let licence = licence.as_deref()?;
            (!satisfiable(licence, &|id| !is_gpl_family(id))).then(|| format!("{name}: {licence}"))
        })
        .collect();
    assert!(
        copyleft_only.is_empty(),
        "crates of the default build usable only under a GPL-family licence:\n{}",
        copyleft_only.join("\n")
    );
}

#[test]
fn every_crate_of_the_default_build_fits_the_deny_toml_allow_list() {
    let allow = deny_toml_allow_list();
    let gpl_allowed: Vec<&String> = allow.iter().filter(|id| is_gpl_family(id)).collect();
    assert!(gpl_allowed.is_empty(), "deny.toml allows {gpl_allowed:?}");
    let outside: Vec<String> = default_build_licences()
        .into_iter()
        .filter(|(_, licence)| match licence {
            Some(licence) => !satisfiable(licence, &|id| allow.iter().any(|a| a == id)),
            None => true,
        })
        .map(|(name, licence)| format!("{name}: {}", licence.as_deref().unwrap_or("(none)")))
        .collect();
    assert!(
        outside.is_empty(),
        "crates of the default build outside deny.toml's allow-list:\n{}",
        outside.join("\n")
    );
}

#[test]
fn spdx_expressions_are_read_as_choices_and_conjunctions() {
    let permissive = |id: &str| !is_gpl_family(id);
    assert!(!satisfiable("LGPL-3.0-only", &permissive));
    assert!(!satisfiable("GPL-2.0+", &permissive));
    assert!(!satisfiable("MIT AND AGPL-3.0-or-later", &permissive));
    assert!(!satisfiable("(MIT OR Apache-2.0) AND GPL-3.0", &permissive));
    assert!(satisfiable("MIT OR LGPL-3.0-only", &permissive));
    assert!(satisfiable("GPL-2.0/MIT", &permissive));
    assert!(satisfiable(
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
        &permissive
    ));
    assert!(satisfiable(
        "(MIT OR Apache-2.0) AND Unicode-3.0",
        &permissive
    ));
}
