//! spark-docs patch: tells the build script of a crate that depends on this one that it has the
//! patched Pagefind (`DEP_PAGEFIND_SPARK_DOCS_PARALLEL`), so it can use the parallel API and fall
//! back to the published one otherwise (a `cargo package` of spark-docs builds against crates.io).
fn main() {
    println!("cargo:parallel=1");
}
