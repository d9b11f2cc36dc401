//! util: small text helpers shared by every stage (Zola's `components/utils` is the model). A
//! leaf module: it imports nothing from the rest of the crate, so any stage may use it.
//!
//! - [`lines`]: byte offset → 1-based line/column, built once per text.
//! - [`suggest`]: the one "did you mean" (one metric, one threshold rule).
//! - [`globs`]: glob sets compiled once (the configuration holds them).
//! - [`slug`]: slugs and GitHub-compatible heading ids.
//! - [`sections`]: which heading is which troubleshooting section (synonyms, numbering, emoji).
//! - [`langs`]: the shell and console languages of code blocks.
//! - [`yaml`]: YAML → JSON, the one conversion.
//! - [`date`]: the build date (`SOURCE_DATE_EPOCH` for reproducible builds).

pub mod date;
pub mod globs;
pub mod langs;
pub mod lines;
pub mod sections;
pub mod slug;
pub mod suggest;
pub mod yaml;
