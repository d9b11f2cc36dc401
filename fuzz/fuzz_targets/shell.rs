//! A shell block (bash script or console transcript, helm commands included) in a recipe, then
//! every check. The first byte picks the block's info string.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::{Harness, Target};
use std::sync::OnceLock;

/// The fixture site whose charts (values, schema, templates, a subchart) every input is checked
/// beside; read once.
fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/check-values-templates");
        Harness::new(std::path::Path::new(root)).expect("fixture site loads")
    })
}

fuzz_target!(|data: &[u8]| {
    Target::Shell.run(harness(), data);
});
