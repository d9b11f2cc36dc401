//! Search index cost for the default site (not a test): `cargo bench --bench search`.
//!
//! Loads and renders the default site once, then builds the Pagefind bundle three times and
//! prints the pages indexed, the bundle's files and bytes (index chunks apart from the fixed
//! JS/WASM/UI assets) and the median indexing time.

use std::time::Instant;

fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = spark_docs::load_site(&spark_docs::BuildOptions {
        root,
        ..Default::default()
    })
    .expect("the default site loads");
    let findings = spark_docs::check::run(&site);
    let pages =
        spark_docs::render_pages(&site, &findings, false).expect("the default site renders");

    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let mut files = pages.clone();
        let t = Instant::now();
        let stats = spark_docs::search::index(&site, &mut files).expect("the index builds");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        last = Some((stats, files));
    }
    let (stats, files) = last.expect("three runs");
    times.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let chunk_bytes: usize = files
        .iter()
        .filter(|(name, _)| {
            name.starts_with("pagefind/")
                && ["/index/", "/fragment/", "/filter/"]
                    .iter()
                    .any(|d| name.contains(d))
        })
        .map(|(_, b)| b.len())
        .sum();
    println!("default site: {} pages indexed", stats.pages);
    println!(
        "pagefind/:     {} files, {} bytes ({:.0} KB of index, fragment and filter chunks, {:.0} KB of fixed assets)",
        stats.files,
        stats.bytes,
        chunk_bytes as f64 / 1024.0,
        (stats.bytes - chunk_bytes) as f64 / 1024.0
    );
    println!(
        "indexing:      median {:.0} ms (min {:.0}, max {:.0}; 3 runs)",
        times[1], times[0], times[2]
    );
}
