//! A shell block (bash script or console transcript, helm commands included) in a recipe, then
//! every check. The first byte picks the block's info string.
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

const INFOS: &[&str] = &["bash", "console", "sh", "shell", "shell-session", "bash title=\"install.sh\""];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    if let Ok(code) = std::str::from_utf8(rest) {
        harness().check_block(INFOS[pick as usize % INFOS.len()], code);
    }
});
