//! Quick-reference card cost for the default site (not a test): `cargo bench --bench pdf`.
//!
//! Loads the default site once, then times building the card's data and compiling it to PDF
//! (cold: first compile in the process, with font loading; warm: later compiles), and prints the
//! page count and size.

use spark_docs::pdf::{self, Template};
use spark_docs::render::quickref;
use std::time::Instant;

fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = spark_docs::load_site(&spark_docs::BuildOptions {
        root,
        ..Default::default()
    })
    .expect("the default site loads");
    let date = "2026-01-01";

    let t = Instant::now();
    let data = quickref::data(&site, date);
    let data_ms = t.elapsed().as_secs_f64() * 1e3;

    let template = Template::builtin();
    let t = Instant::now();
    let (card, dropped) =
        pdf::fit(&template, &data, date, pdf::MAX_PAGES).expect("the card compiles");
    let cold_ms = t.elapsed().as_secs_f64() * 1e3;

    let runs = 10;
    let t = Instant::now();
    for _ in 0..runs {
        pdf::fit(&template, &data, date, pdf::MAX_PAGES).expect("the card compiles");
    }
    let warm_ms = t.elapsed().as_secs_f64() * 1e3 / runs as f64;

    println!(
        "default site: {} troubleshooting rows, {} presets, {} issues",
        data["troubleshooting"].as_array().map_or(0, Vec::len),
        data["presets"].as_array().map_or(0, Vec::len),
        data["issues"].as_array().map_or(0, Vec::len)
    );
    println!("card data:      {data_ms:8.2} ms");
    println!("PDF, cold:      {cold_ms:8.1} ms (first compile in the process, fonts loaded)");
    println!("PDF, warm:      {warm_ms:8.1} ms (mean of {runs})");
    println!(
        "quickref.pdf:   {} page(s), {:.1} KB{}",
        card.pages,
        card.pdf.len() as f64 / 1024.0,
        match dropped {
            Some(d) => format!(", truncated: {d}"),
            None => String::new(),
        }
    );
}
