//! A recipe (front matter + Markdown) loaded as the one page of a site, then every check.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::Harness;
use std::sync::OnceLock;

/// The fixture site whose charts (values, schema, templates, a subchart) every input is checked beside.
fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/check-values-templates");
        Harness::new(std::path::Path::new(root)).expect("fixture site loads")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        harness().check_recipe(text);
    }
});
