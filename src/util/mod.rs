//! Leaf helpers every stage uses; nothing here depends on another module of the crate.

pub mod langs;
