//! HTML safety of built pages: raw HTML in Markdown under each `[markdown] raw_html` policy,
//! script URLs that never become links or image sources, and the Content-Security-Policy every
//! page of the default theme carries and satisfies (no inline script, no event-handler attribute).

use crate::support::*;
use regex::Regex;
use std::fs;
use std::path::Path;

const HOSTILE: &str = r#"

## Hostile HTML

Marker-start [a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1))
<a href="java&#x09;script:alert(1)">raw link</a> ![i](data:text/html,x) ![p](data:image/png;base64,AAAA)
Press <kbd>Ctrl</kbd>+<kbd>C</kbd>. <iframe src="https://example.org/"></iframe>

<script>alert("block")</script>

<details open>
<summary>More</summary>
<div onmouseover="alert(1)">hover</div>
</details>
"#;

/// The HTML of the page that holds the hostile section.
fn hostile_page(out: &Path) -> String {
    for page in files(out).into_iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(out.join(&page)).unwrap();
        if html.contains("Marker-start") {
            return html;
        }
    }
    panic!("no page holds the hostile section");
}

/// Builds the basic fixture with the hostile section and `markdown` appended to site.toml, with
/// `--keep-going`: the script links are `link-broken` errors (exit 1), the site is written anyway.
fn build_hostile(markdown: &str) -> (Site, std::process::Output) {
    let s = site("basic");
    append(
        &s.root.join("content/recipes/operations/event-log.md"),
        HOSTILE,
    );
    append(&s.root.join("site.toml"), markdown);
    let output = run_build(&s.root, &s.out, &["--base-url", BASE_URL, "--keep-going"]);
    (s, output)
}

fn assert_no_script_urls(html: &str) {
    let lower = html.to_ascii_lowercase();
    let attr = Regex::new(r#"<[a-z][^<>]*\s(?:href|src|action)\s*=\s*"([^"]*)""#).unwrap();
    for m in attr.captures_iter(&lower) {
        let v = decode_entities(&m[1]).replace(|c: char| c.is_ascii_whitespace(), "");
        assert!(
            !v.starts_with("javascript:") && !v.starts_with("vbscript:"),
            "script URL emitted: {}",
            &m[0]
        );
        assert!(
            !v.starts_with("data:") || v.starts_with("data:image/png"),
            "data URL emitted: {}",
            &m[0]
        );
    }
}

#[test]
fn raw_html_is_filtered_by_default() {
    let (s, output) = build_hostile("");
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("error[link-broken]: `javascript:alert(1)`"),
        "{}",
        describe(&output)
    );
    let html = hostile_page(&s.out);
    assert_no_script_urls(&html);
    assert!(html.contains("<kbd>Ctrl</kbd>+<kbd>C</kbd>"), "{html}");
    assert!(html.contains("<details open>"), "{html}");
    assert!(html.contains("&lt;iframe"), "{html}");
    assert!(html.contains("&lt;script&gt;alert"), "{html}");
    assert!(html.contains("&lt;div onmouseover"), "{html}");
    assert!(
        html.contains("<img src=\"data:image/png;base64,AAAA\""),
        "{html}"
    );
    assert!(!html.contains("<iframe"), "{html}");
}

#[test]
fn raw_html_all_passes_through_but_never_script_urls() {
    let (s, output) = build_hostile("\n[markdown]\nraw_html = \"all\"\n");
    assert_exit(&output, 1);
    let html = hostile_page(&s.out);
    assert!(
        html.contains("<iframe src=\"https://example.org/\">"),
        "{html}"
    );
    assert!(html.contains(">raw link</a>"), "{html}");
    assert_no_script_urls(&html);
}

#[test]
fn raw_html_none_escapes_every_tag() {
    let (s, output) = build_hostile("\n[markdown]\nraw_html = \"none\"\n");
    assert_exit(&output, 1);
    let html = hostile_page(&s.out);
    assert!(html.contains("&lt;kbd&gt;Ctrl&lt;/kbd&gt;"), "{html}");
    assert!(html.contains("&lt;details open&gt;"), "{html}");
    assert_no_script_urls(&html);
}

#[test]
fn an_unknown_raw_html_policy_is_a_config_error() {
    let (_s, output) = build_hostile("\n[markdown]\nraw_html = \"some\"\n");
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("site.toml"),
        "{}",
        describe(&output)
    );
}

#[test]
fn every_page_carries_a_csp_its_scripts_satisfy() {
    let out = shared_build("basic");
    let script = Regex::new(r"(?i)<script\b[^>]*>").unwrap();
    let handler = Regex::new(r#"(?i)<[a-z][^>]*\son[a-z]+\s*="#).unwrap();
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 5);
    for page in pages {
        let html = fs::read_to_string(out.join(&page)).unwrap();
        assert!(
            html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"),
            "{page}: no CSP"
        );
        for tag in script.find_iter(&html) {
            assert!(
                tag.as_str().contains(" src=") || tag.as_str().contains("application/json"),
                "{page}: inline script {}",
                tag.as_str()
            );
        }
        assert!(
            handler.find(&html).is_none(),
            "{page}: inline event handler {:?}",
            handler.find(&html).map(|m| m.as_str())
        );
    }
    assert!(out.join("static/theme-init.js").is_file());
}
