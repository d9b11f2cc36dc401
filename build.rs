//! Embeds the default theme (`themes/default/templates`, `static` and `scaffold`) into the
//! binary, so the tool builds (and `init`/`new` scaffolds) any site without a theme directory of
//! its own.

use std::fmt::Write as _;
use std::path::Path;

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if path.is_dir() {
            collect(&path, &format!("{name}/"), out);
        } else {
            out.push((name, path.canonicalize().unwrap().display().to_string()));
        }
    }
}

fn main() {
    // The vendored Pagefind (vendor/pagefind) parses pages on any thread; the published one, which
    // a `cargo package` build uses, does not (src/search.rs has a path for each).
    println!("cargo::rustc-check-cfg=cfg(pagefind_parallel)");
    if std::env::var_os("DEP_PAGEFIND_SPARK_DOCS_PARALLEL").is_some() {
        println!("cargo:rustc-cfg=pagefind_parallel");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut code = String::new();
    for (kind, sub) in [
        ("TEMPLATES", "templates"),
        ("STATIC", "static"),
        ("SCAFFOLD", "scaffold"),
    ] {
        let mut files = Vec::new();
        collect(&root.join(sub), "", &mut files);
        for (name, _) in &files {
            println!("cargo:rerun-if-changed=themes/default/{sub}/{name}");
        }
        writeln!(code, "pub const {kind}: &[(&str, &[u8])] = &[").unwrap();
        for (name, path) in files {
            writeln!(code, "    ({name:?}, include_bytes!({path:?})),").unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("theme_files.rs");
    std::fs::write(out, code).unwrap();
}
