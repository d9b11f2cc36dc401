//! A values preset checked against a chart (unknown keys, interface, schema), optionally with the
//! chart's values.yaml and one more template replaced by the input: `preset\0values\0template`.
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
        let parts = spark_docs::fuzzing::split_input(text, 3);
        harness().check_values(parts[0], parts.get(1).copied(), parts.get(2).copied());
    }
});
