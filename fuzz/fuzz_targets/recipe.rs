//! A recipe (front matter + Markdown) loaded as the one page of a site, then every check.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::{Harness, Target};

fuzz_target!(|data: &[u8]| {
    Target::Recipe.run(Harness::shared(), data);
});
