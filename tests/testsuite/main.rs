//! The integration tests: one test binary (mdBook's `tests/testsuite` layout), so the crate and
//! its dependencies are linked once rather than once per file. Each module tests one command or
//! one rule family through the real `spark-docs` binary; `support` holds the helpers they share.
//!
//! Run one module with `cargo test --test testsuite check_shell::`, one test with its full name.
//! The human diagnostics are snapshot-tested in `diagnostics`: after an intended change of a
//! message, location or help, regenerate with `INSTA_UPDATE=always cargo test --test testsuite
//! diagnostics::` (or `cargo insta review`) and commit the changed `snapshots/*.snap`.

mod support;

mod bad_input;
mod build;
mod check_adopted;
mod check_adopted_patterns;
mod check_bad_examples;
mod check_created_files;
mod check_lang;
mod check_links;
mod check_output;
mod check_shell;
mod check_spark_props;
mod check_values;
mod check_values_templates;
mod cli;
mod content;
mod diagnostics;
mod dist;
mod fuzz_regressions;
mod html_safety;
mod licences;
mod pdf;
mod properties;
mod rules;
mod scaffold;
mod schema;
mod search;
mod serve;
mod support_selftest;
mod triage;
mod workflows;
