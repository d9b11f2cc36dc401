//! A shell block (bash script or console transcript, helm commands included) in a recipe, then
//! every check. The first byte picks the block's info string.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::{Harness, Target};

fuzz_target!(|data: &[u8]| {
    Target::Shell.run(Harness::shared(), data);
});
