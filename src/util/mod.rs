//! util: small leaf helpers every stage uses; nothing here imports the rest of the crate.

pub mod langs;
pub mod yaml;
