//! A notebook (.ipynb JSON) loaded into a site, then every check (cells included).
#![no_main]
use libfuzzer_sys::fuzz_target;
use spark_docs::fuzzing::{Harness, Target};

fuzz_target!(|data: &[u8]| {
    Target::Notebook.run(Harness::shared(), data);
});
