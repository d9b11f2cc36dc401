//! A values preset checked against a chart (unknown keys, interface, schema), optionally with the
//! chart's values.yaml and one more template replaced by the input: `preset\0values\0template`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::{Harness, Target};

fuzz_target!(|data: &[u8]| {
    Target::Values.run(Harness::shared(), data);
});
