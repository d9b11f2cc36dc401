//! Stage timings of repeated in-process rebuilds of one site, the way `serve` rebuilds after a
//! save (page caches on): `cargo run --release --example rebuild-profile -- [ROOT] [ROUNDS]`.
//! The first round fills the caches; the later ones are what a save costs on the server side.

use std::time::Instant;

// The allocator the binary uses (src/main.rs), so the times are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| ".".into());
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let opts = spark_docs::BuildOptions {
        root: root.into(),
        ..Default::default()
    };
    spark_docs::memo::cache_pages_across_rebuilds();
    for round in 0..rounds {
        let t = Instant::now();
        let site = spark_docs::load_site(&opts).expect("the site loads");
        let load = t.elapsed();
        let t = Instant::now();
        let findings = spark_docs::check::run(&site);
        let check = t.elapsed();
        let t = Instant::now();
        let files = spark_docs::render_pages(&site, &findings, false).expect("the site renders");
        let render = t.elapsed();
        println!(
            "round {round}: load {:.1} ms, check {:.1} ms, render {:.1} ms ({} files)",
            load.as_secs_f64() * 1e3,
            check.as_secs_f64() * 1e3,
            render.as_secs_f64() * 1e3,
            files.len()
        );
    }
}
