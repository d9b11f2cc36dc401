//! The quick-reference card: `quickref.pdf` (feature `pdf`, checked with poppler's `pdftotext`,
//! `pdfinfo` and `pdffonts`) and its HTML twin `/quickref/` (every build).

// Without the `pdf` feature only the HTML-twin test runs.
#![cfg_attr(not(feature = "pdf"), allow(dead_code))]

use crate::support::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// 2026-01-01T00:00:00Z: every build here is reproducible.
const EPOCH: &str = "1767225600";

fn build(root: &Path, out: &Path) -> Output {
    Command::new(bin())
        .args(["build", "--base-url", BASE_URL, "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("failed to start spark-docs")
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils) is needed for the PDF tests: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(pdf: &Path) -> String {
    tool("pdftotext", &["-enc", "UTF-8", "-raw"], pdf)
}

/// Text without any whitespace, so a title wrapped over lines or cells still matches.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_mentions(text: &str, needle: &str, what: &str) {
    assert!(
        squash(text).contains(&squash(needle)),
        "{what} `{needle}` is not in the card's text:\n{text}"
    );
}

fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
}

/// `(font name, embedded?)` for every font, from `pdffonts`' table. Long names push the columns
/// right, so the row is read from its end: `… emb sub uni <object> <generation>`.
fn fonts(pdf: &Path) -> Vec<(String, bool)> {
    let out = tool("pdffonts", &[], pdf);
    out.lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            assert!(cells.len() >= 6, "unexpected pdffonts row: {l}");
            (cells[0].to_string(), cells[cells.len() - 5] == "yes")
        })
        .collect()
}

#[cfg(feature = "pdf")]
fn troubleshooting_titles(site: &spark_docs::model::Site) -> Vec<String> {
    let cats = &site.config.site.check.troubleshooting_categories;
    site.recipes
        .iter()
        .filter(|r| cats.contains(&r.category))
        .map(|r| r.title.clone())
        .collect()
}

#[cfg(feature = "pdf")]
#[test]
fn default_site_card_has_every_preset_and_troubleshooting_recipe_on_two_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let started = std::time::Instant::now();
    let output = build(&repo_root(), &out);
    assert_success(&output);
    let build_ms = started.elapsed().as_millis();
    assert!(
        !stderr(&output).contains("quickref-truncated"),
        "the default site's card must fit without dropping anything:\n{}",
        describe(&output)
    );

    let pdf = out.join("quickref.pdf");
    let pages = page_count(&pdf);
    assert!(
        (1..=2).contains(&pages),
        "the default card takes {pages} pages"
    );
    let txt = text(&pdf);
    let site = spark_docs::load_site(&spark_docs::BuildOptions {
        root: repo_root(),
        ..Default::default()
    })
    .unwrap();
    assert!(!site.presets.is_empty() && !troubleshooting_titles(&site).is_empty());
    for p in &site.presets {
        assert_mentions(&txt, &p.file_name, "preset");
    }
    for title in troubleshooting_titles(&site) {
        assert_mentions(&txt, &title, "troubleshooting recipe");
    }
    for (id, &i) in &site.issue_index {
        let is = &site.issues[i];
        let resolved = ["resolved", "closed", "fixed", "done"]
            .iter()
            .any(|w| is.status.to_lowercase().contains(w));
        if !resolved || is.severity.eq_ignore_ascii_case("critical") {
            assert_mentions(&txt, id, "open or critical issue");
        }
    }
    assert_mentions(&txt, "sc://<connect-host>:15002", "Spark Connect URL");
    assert_mentions(&txt, "helm install <release-name>", "install command");
    assert_mentions(
        &txt,
        "kubectl get pods -n <namespace>",
        "kubectl diagnostics",
    );
    assert_mentions(
        &txt,
        &format!("spark-docs {}", env!("CARGO_PKG_VERSION")),
        "version in the footer",
    );
    assert_mentions(
        &txt,
        "built 2026-01-01",
        "build date (SOURCE_DATE_EPOCH) in the footer",
    );
    assert_mentions(&txt, BASE_URL, "site URL in the footer");

    let fonts = fonts(&pdf);
    assert!(!fonts.is_empty(), "no fonts listed");
    let missing: Vec<&String> = fonts
        .iter()
        .filter(|(_, emb)| !emb)
        .map(|(n, _)| n)
        .collect();
    assert!(missing.is_empty(), "fonts not embedded: {missing:?}");

    // Links point to the pages, absolute from base_url.
    let urls = tool("pdfinfo", &["-url"], &pdf);
    let recipe_url = format!("{BASE_URL}recipes/");
    assert!(
        urls.contains(&recipe_url),
        "no link to a recipe page:\n{urls}"
    );
    assert!(
        urls.contains(&format!("{BASE_URL}presets/")),
        "no link to a preset page:\n{urls}"
    );

    let size = fs::metadata(&pdf).unwrap().len();
    println!(
        "default site: quickref.pdf {pages} page(s), {:.1} KB; whole build {build_ms} ms",
        size as f64 / 1024.0
    );
}

#[cfg(feature = "pdf")]
#[test]
fn cyrillic_titles_render_and_extract() {
    let s = site("quickref-ru");
    let output = build(&s.root, &s.out);
    assert_success(&output);
    let pdf = s.out.join("quickref.pdf");
    let txt = text(&pdf);
    assert_mentions(
        &txt,
        "Исполнители падают с OOMKilled: не хватает памяти контейнера",
        "Russian recipe title",
    );
    assert_mentions(
        &txt,
        "Память исполнителей: лимит пода меньше heap + overhead",
        "Russian issue title",
    );
    assert_mentions(&txt, "Spark в Kubernetes — шпаргалка", "Russian site title");
    // No quickref: line, so the command comes from the first block of "Диагностика".
    assert_mentions(
        &txt,
        "kubectl describe pod -n <namespace> <executor-pod> | grep -A3 'Last State'",
        "derived command",
    );
    assert!(fonts(&pdf).iter().all(|(_, emb)| *emb));
}

#[cfg(feature = "pdf")]
#[test]
fn same_input_same_pdf_bytes() {
    let s = site("basic");
    assert_success(&build(&s.root, &s.out));
    let first = fs::read(s.out.join("quickref.pdf")).unwrap();
    assert_success(&build(&s.root, &s.out));
    let second = fs::read(s.out.join("quickref.pdf")).unwrap();
    assert!(
        first == second,
        "two builds with the same SOURCE_DATE_EPOCH wrote different PDFs"
    );
}

#[cfg(feature = "pdf")]
#[test]
fn override_with_a_typst_error_is_a_configuration_error_with_file_and_line() {
    let s = site("basic");
    let dir = s.root.join("themes/default");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("quickref.typ"),
        "#let data = json(\"data.json\")\n= #data.site.title\n#text(fill: no-such-colour)[x]\n",
    )
    .unwrap();
    let output = build(&s.root, &s.out);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("themes/default/quickref.typ:3:"),
        "no file:line in:\n{err}"
    );
    assert!(
        err.contains("unknown variable: no-such-colour"),
        "no Typst message in:\n{err}"
    );
    assert!(!s.out.exists(), "a failed build wrote output");
}

#[cfg(feature = "pdf")]
#[test]
fn override_is_used_and_overflow_drops_the_lowest_priority_entries_with_a_warning() {
    let s = site("basic");
    let dir = s.root.join("themes/default");
    fs::create_dir_all(&dir).unwrap();
    // One page per entry: far more than two pages, so entries must be dropped.
    let template = r#"#let data = json("data.json")
#set page(paper: "a7")
#if data.truncated.count > 0 [DROPPED #data.truncated.notes.join(", ")]
#for r in data.troubleshooting [ROW #r.title #pagebreak(weak: true)]
#for p in data.presets [PRESET #p.file_name #pagebreak(weak: true) #for k in p.key_settings [SETTING #k.key #pagebreak(weak: true)]]
#for i in data.issues [ISSUE #i.id #pagebreak(weak: true)]
"#;
    fs::write(dir.join("quickref.typ"), template).unwrap();
    let output = build(&s.root, &s.out);
    assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains("warning[quickref-truncated]"),
        "no truncation warning:\n{err}"
    );
    let pdf = s.out.join("quickref.pdf");
    assert!(page_count(&pdf) <= 2, "still more than two pages");
    let txt = text(&pdf);
    // Troubleshooting rows go last: both still there; issues and presets went first.
    assert_eq!(txt.matches("ROW").count(), 2, "{txt}");
    assert!(!txt.contains("ISSUE") && !txt.contains("SETTING"), "{txt}");
    assert!(txt.contains("DROPPED"), "{txt}");
}

/// The HTML twin exists in every build; the home page links the PDF only when it is built.
#[test]
fn html_twin_and_home_links() {
    let s = site("basic");
    assert_success(&build(&s.root, &s.out));
    let twin = fs::read_to_string(s.out.join("quickref/index.html")).unwrap();
    for needle in [
        "values-scenario-basic.yaml",
        "First diagnostic command",
        "sc://&lt;connect-host&gt;:",
    ] {
        assert!(twin.contains(needle), "`{needle}` missing from /quickref/");
    }
    let home = fs::read_to_string(s.out.join("index.html")).unwrap();
    assert!(
        home.contains(&format!("href=\"{BASE_PATH}quickref/\"")),
        "home does not link /quickref/"
    );
    let pdf_link = home.contains(&format!("href=\"{BASE_PATH}quickref.pdf\""));
    assert_eq!(
        pdf_link,
        cfg!(feature = "pdf"),
        "PDF link on home with pdf feature = {}",
        cfg!(feature = "pdf")
    );
    assert_eq!(s.out.join("quickref.pdf").exists(), cfg!(feature = "pdf"));
}
