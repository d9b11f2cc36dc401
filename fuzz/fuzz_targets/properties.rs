//! A spark-defaults.conf / properties block, or a block of another language Spark properties are
//! extracted from, in a recipe, then every check. The first byte picks the info string.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::{Harness, Target};

fuzz_target!(|data: &[u8]| {
    Target::Properties.run(Harness::shared(), data);
});
