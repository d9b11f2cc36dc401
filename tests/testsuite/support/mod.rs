//! Shared helpers of the integration tests, used by every module of the test binary: run the
//! binary ([`cli`]), copy and build fixtures ([`fixtures`]), run `check` and read its findings
//! ([`findings`]), inspect a built site's HTML and links ([`html`]). `use crate::support::*;`
//! brings them all in.

// Some helpers serve only the feature-gated modules (search, serve, pdf).
#![allow(dead_code)]

pub mod cli;
pub mod findings;
pub mod fixtures;
pub mod html;

pub use cli::*;
pub use findings::*;
pub use fixtures::*;
pub use html::*;
