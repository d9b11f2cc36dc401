//! signatures: the log-signature rules — `signature-invalid` (a `signatures:` regex of a recipe
//! or an issue that does not compile, or would not mean the same in the browser),
//! `signature-unmatched` (a signature that matches none of the error texts its own page quotes)
//! and `issue-unrouted` (an incident's quoted error that no signature of any page matches, so
//! `triage` and the paste box cannot route it).
//!
//! What counts as quoted: for `signature-unmatched`, the page's fenced and indented code blocks
//! and its inline code spans, each on its own. For `issue-unrouted`, the code blocks under an
//! issue's Symptoms section (a heading `[sections] symptoms` names — "Symptom", "Problem",
//! "Симптомы", … — down to the next heading of the same or a higher level) that hold output: blocks tagged `text`, `log`, `output` or untagged
//! take their whole text; `console` blocks take their output lines (not the `$ ` prompts);
//! other languages (`bash`, `yaml`, …) are commands or configuration, not errors. A block whose
//! every line is a `TODO` (an unfilled `spark-docs new issue` template) is no quote yet. A block
//! is routed when any signature of any page matches somewhere in it. A level-1 heading (the
//! page title, "# ISSUE-029: …") is never a section, and a site with no signature at all gets no
//! `issue-unrouted`: the rule measures the routing of a site that has opted into it.

use super::issues::locate;
use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::load::recipe::{markdown_options, CodeBlock};
use crate::model::anchors::headings;
use crate::model::signatures::{compile, js_incompatibility, signed_pages};
use crate::model::PageRef;

use crate::memo::{self, Memo, PageCache};
use crate::util::sections::SectionNames;
use pulldown_cmark::{Event, Parser};
use std::sync::Arc;

pub fn check(cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    invalid(cx, &mut findings);
    unmatched(cx, &mut findings);
    unrouted(cx, &mut findings);
    findings
}

fn invalid(cx: &Context, findings: &mut Vec<Finding>) {
    for (page, sigs) in signed_pages(cx.site) {
        let r = cx.site.source(page);
        for sig in sigs {
            if let Err(e) = crate::model::signatures::compile_checked(sig) {
                let (line, col) = locate(&r.text, sig);
                let first = e
                    .lines()
                    .last()
                    .unwrap_or("invalid regex")
                    .trim()
                    .to_string();
                findings.push(
                    Finding::error(Code::SignatureInvalid, &r.rel, line, col, format!("signature `{sig}` is not a valid regex: {first}"))
                        .with_help("signatures are regular expressions matched against pasted logs; escape literal ( ) [ ] . with a backslash"),
                );
            }
            // The paste box runs signatures as JavaScript RegExps in the browser: keep to the
            // syntax both engines share (a leading `(?i)` becomes the `i` flag).
            else if let Some(why) = js_incompatibility(sig.strip_prefix("(?i)").unwrap_or(sig)) {
                let (line, col) = locate(&r.text, sig);
                findings.push(
                    Finding::error(Code::SignatureInvalid, &r.rel, line, col, format!("signature `{sig}` does not work in the browser: {why}"))
                        .with_help("the paste box matches signatures with JavaScript RegExp; keep to the syntax Rust and JavaScript share (a leading `(?i)` is fine)"),
                );
            }
        }
    }
}

/// The inline code spans of a Markdown body.
/// The inline code of a Markdown text (remembered across `serve` rebuilds).
fn inline_code(body: &str) -> Arc<Vec<String>> {
    static FOUND: PageCache<Arc<Vec<String>>> = PageCache::new();
    FOUND.get_or_insert(memo::rebuild_key(&[body.as_bytes()]), || {
        let code = Parser::new_ext(body, markdown_options())
            .filter_map(|e| match e {
                Event::Code(c) => Some(c.into_string()),
                _ => None,
            })
            .collect();
        Arc::new(code)
    })
}

fn page_doc<'a>(cx: &Context<'a>, page: PageRef) -> Option<&'a crate::load::recipe::MarkdownDoc> {
    match page {
        PageRef::Recipe(i) => Some(&cx.site.recipes[i].doc),
        PageRef::Issue(i) => Some(&cx.site.issues[i].doc),
        _ => None,
    }
}

fn unmatched(cx: &Context, findings: &mut Vec<Finding>) {
    for (page, sigs) in signed_pages(cx.site) {
        let Some(doc) = page_doc(cx, page) else {
            continue;
        };
        let src = cx.site.source(page);
        let mut quoted: Vec<String> = doc.code_blocks.iter().map(|b| b.code.clone()).collect();
        quoted.extend(inline_code(&doc.body).iter().cloned());
        for sig in sigs {
            let Some(re) = compile(sig) else { continue };
            if quoted.iter().any(|q| re.is_match(q)) {
                continue;
            }
            let (line, col) = locate(&src.text, sig);
            findings.push(
                Finding::warning(
                    Code::SignatureUnmatched,
                    &src.rel,
                    line,
                    col,
                    format!("signature `{sig}` matches none of the error texts this page quotes"),
                )
                .with_help("quote the error it stands for in a ```text block or inline code on this page, or fix the regex so it matches the quoted text"),
            );
        }
    }
}

/// The text of a Symptom-section block that is an error quote, if it is one.
fn quoted_output(b: &CodeBlock) -> Option<String> {
    match b.lang.as_str() {
        "" | "text" | "log" | "output" | "txt" | "plain" | "plaintext" => Some(b.code.clone()),
        "console" => {
            let out: Vec<&str> = b
                .code
                .lines()
                .filter(|l| {
                    let t = l.trim_start();
                    !(t.starts_with("$ ") || t == "$" || t.starts_with("> "))
                })
                .collect();
            (!out.join("").trim().is_empty()).then(|| out.join("\n"))
        }
        _ => None,
    }
}

/// File line ranges `[start, end)` of an issue body's Symptoms sections (`[sections]` names).
fn symptom_sections(body: &str, body_line: usize, names: &SectionNames) -> Vec<(usize, usize)> {
    let headings = headings(body);
    let mut out = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        // A level-1 heading is the page's title ("# ISSUE-029: …"), never one of its sections.
        if h.level == 1 || !names.is("symptoms", &h.text) {
            continue;
        }
        let end = headings[i + 1..]
            .iter()
            .find(|next| next.level <= h.level)
            .map(|next| next.line + body_line - 1)
            .unwrap_or(usize::MAX);
        out.push((h.line + body_line - 1, end));
    }
    out
}

/// Every valid signature of the site, matched at once: one pass over a quoted error instead of
/// one per signature. The set is remembered for the process by its signatures.
enum Routes {
    Set(Arc<regex::RegexSet>),
    /// The signatures one by one, when the set is too large to compile.
    Each(Vec<Arc<regex::Regex>>),
}

impl Routes {
    fn new(signatures: Vec<String>) -> Routes {
        static SETS: Memo<Vec<String>, Option<Arc<regex::RegexSet>>> = Memo::new(4);
        let set = SETS.get_or_insert_with(signatures.clone(), || {
            regex::RegexSetBuilder::new(&signatures)
                .size_limit((1 << 20) * signatures.len().clamp(1, 64))
                .build()
                .ok()
                .map(Arc::new)
        });
        match set {
            Some(set) => Routes::Set(set),
            None => Routes::Each(signatures.iter().filter_map(|s| compile(s)).collect()),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            Routes::Set(set) => set.is_match(text),
            Routes::Each(each) => each.iter().any(|re| re.is_match(text)),
        }
    }
}

fn unrouted(cx: &Context, findings: &mut Vec<Finding>) {
    let all: Vec<String> = signed_pages(cx.site)
        .into_iter()
        .flat_map(|(_, sigs)| sigs.iter().filter(|s| compile(s).is_some()).cloned())
        .collect();
    // A site that routes nothing by signature yet (an adopted repository) would get one warning
    // per quoted error of every issue; the rule starts with the site's first signature.
    if all.is_empty() {
        return;
    }
    let routes = Routes::new(all);
    for issue in &cx.site.issues {
        let sections = symptom_sections(
            &issue.doc.body,
            issue.doc.body_line,
            &cx.site.config.sections,
        );
        for b in &issue.doc.code_blocks {
            if !sections.iter().any(|(s, e)| b.line > *s && b.line < *e) {
                continue;
            }
            let Some(text) = quoted_output(b) else {
                continue;
            };
            let unfilled = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .all(|l| l.trim_start().starts_with("TODO"));
            if unfilled || routes.is_match(&text) {
                continue;
            }
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            findings.push(
                Finding::warning(
                    Code::IssueUnrouted,
                    &issue.source.rel,
                    b.line,
                    b.column,
                    format!("{}'s quoted error `{}` matches no signature of any page", issue.id, shorten(first, 80)),
                )
                .with_help(format!(
                    "add a `signatures:` regex that matches it to this issue (and to the recipe that fixes it), so `spark-docs triage` and the paste box route this error to {}",
                    issue.id
                )),
            );
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    } else {
        s.to_string()
    }
}
