//! links: relative links and `#anchors` in Markdown (recipes, issues, notebook markdown cells)
//! must resolve (`link-broken`, `anchor-broken`) — to a page, or to any file or directory of the
//! repository (pages link those to the repository's file view, see `model::repo_files`), and repository paths written in code blocks,
//! scripts and notebooks must exist (`path-missing`, a warning: such paths are often examples).
//! A path an earlier step of the same page or script creates ([`super::created_files`]) exists.

use super::created_files::PageFiles;
use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::load::notebook::CellKind;
use crate::load::recipe::markdown_options;
use crate::memo::{self, PageCache};
use crate::model::anchors::{heading_ids, resolve_relative};
use crate::util::lines::LineIndex;
use crate::util::suggest::did_you_mean;
use pulldown_cmark::{Event, Parser, Tag};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A Markdown text and where its first line sits in its file.
struct Text<'a> {
    file: &'a str,
    body: &'a str,
    first_line: usize,
}

pub fn check(cx: &Context) -> Vec<Finding> {
    let site = cx.site;
    // Heading ids of every Markdown page, by root-relative path.
    let mut anchors: HashMap<&str, Arc<Vec<String>>> = HashMap::new();
    let mut texts: Vec<Text> = Vec::new();
    for r in &site.recipes {
        anchors.insert(&r.source.rel, ids_of(&r.doc.body));
        texts.push(Text {
            file: &r.source.rel,
            body: &r.doc.body,
            first_line: r.doc.body_line,
        });
    }
    for i in &site.issues {
        anchors.insert(&i.source.rel, ids_of(&i.doc.body));
        texts.push(Text {
            file: &i.source.rel,
            body: &i.doc.body,
            first_line: i.doc.body_line,
        });
    }
    for n in &site.notebooks {
        let mut ids = Vec::new();
        for c in n.cells.iter().filter(|c| c.kind == CellKind::Markdown) {
            ids.extend(ids_of(&c.source).iter().cloned());
            // A cell's source array usually starts on the line after `"source": [`.
            texts.push(Text {
                file: &n.source.rel,
                body: &c.source,
                first_line: c.line + 1,
            });
        }
        anchors.insert(&n.source.rel, Arc::new(ids));
    }
    let mut findings = Vec::new();
    for t in &texts {
        check_links(cx, t, &anchors, &mut findings);
    }
    check_paths(cx, &mut findings);
    findings
}

/// `serve` rebuilds: what this rule reads from a text that did not change since the last save.
static IDS: PageCache<Arc<Vec<String>>> = PageCache::new();
static DESTINATIONS: PageCache<Arc<Vec<Found>>> = PageCache::new();
static MENTIONS: PageCache<Arc<Vec<Found>>> = PageCache::new();

/// The heading ids of a Markdown text.
fn ids_of(body: &str) -> Arc<Vec<String>> {
    IDS.get_or_insert(memo::rebuild_key(&[body.as_bytes()]), || {
        Arc::new(heading_ids(body))
    })
}

/// Something found in a text (a link's URL, a repository path) and where: line and column,
/// 1-based, within that text.
struct Found {
    text: String,
    line: usize,
    column: usize,
}

/// The links and images of a Markdown text.
fn destinations(body: &str) -> Arc<Vec<Found>> {
    DESTINATIONS.get_or_insert(memo::rebuild_key(&[body.as_bytes()]), || {
        let lines = LineIndex::new(body);
        let found = Parser::new_ext(body, markdown_options())
            .into_offset_iter()
            .filter_map(|(event, range)| match &event {
                Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) => {
                    let (line, column) = lines.line_col(range.start);
                    Some(Found {
                        text: dest_url.to_string(),
                        line,
                        column,
                    })
                }
                _ => None,
            })
            .collect();
        Arc::new(found)
    })
}

fn check_links(
    cx: &Context,
    t: &Text,
    anchors: &HashMap<&str, Arc<Vec<String>>>,
    findings: &mut Vec<Finding>,
) {
    for d in destinations(t.body).iter() {
        let (line, col, dest) = (d.line, d.column, &d.text);
        let at = |code: Code, msg: String| {
            Finding::error(code, t.file, line + t.first_line - 1, col, msg)
        };
        if let Some(fragment) = dest.strip_prefix('#') {
            let ids = anchors.get(t.file).map(|v| v.as_slice()).unwrap_or(&[]);
            if !fragment.is_empty() && !ids.iter().any(|i| i == fragment) {
                findings.push(
                    at(
                        Code::AnchorBroken,
                        format!("no heading in this page has the id `{fragment}`"),
                    )
                    .with_help(suggest(fragment, ids)),
                );
            }
            continue;
        }
        let Some((path, fragment)) = resolve_relative(t.file, dest) else {
            // Above the site root but inside the repository: a repository file, when it exists.
            let relative = dest.starts_with("../") || dest.starts_with("./");
            if relative && cx.site.repo_files.resolve(t.file, dest).is_none() {
                findings.push(
                    at(
                        Code::LinkBroken,
                        format!(
                            "`{dest}` points outside the site root to nothing in the repository"
                        ),
                    )
                    .with_help("links are relative to the file they are written in"),
                );
            }
            continue;
        };
        let target = cx.site.config.root.join(&path);
        let here = (line + t.first_line - 1, col);
        let created = cx.created_files(t.file);
        let link = dest.split('#').next().unwrap_or(dest);
        if !target.exists()
            && !created.created_before(here, &path)
            && !created.created_before(here, link)
        {
            findings.push(
                at(
                    Code::LinkBroken,
                    format!("`{dest}` points to `{path}`, which does not exist"),
                )
                .with_help("links are relative to the file they are written in"),
            );
            continue;
        }
        if let (Some(fragment), Some(ids)) = (fragment, anchors.get(path.as_str())) {
            if !fragment.is_empty() && !ids.contains(&fragment) {
                findings.push(
                    at(
                        Code::AnchorBroken,
                        format!("`{path}` has no heading with the id `{fragment}`"),
                    )
                    .with_help(suggest(&fragment, ids)),
                );
            }
        }
    }
}

fn suggest(fragment: &str, ids: &[String]) -> String {
    match did_you_mean(fragment, ids.iter().map(String::as_str)) {
        Some(id) => format!("did you mean `#{id}`?"),
        None if ids.is_empty() => "the target has no headings below its title".into(),
        None => format!(
            "headings there: {}",
            ids.iter()
                .take(8)
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn path_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r#"(?:^|[\s"'=(:,])((?:\./)?(?:scripts|docs|charts|presets|content|notebooks|policies)/[A-Za-z0-9_./@+-]*[A-Za-z0-9_/-])"#)
            .expect("static regex")
    })
}

/// The repository paths `code` writes (not those followed by a placeholder, a variable, a glob
/// or a template, and none with `..`).
fn mentions(code: &str) -> Arc<Vec<Found>> {
    MENTIONS.get_or_insert(memo::rebuild_key(&[code.as_bytes()]), || {
        let mut found = Vec::new();
        for (n, line) in code.lines().enumerate() {
            for cap in path_re().captures_iter(line) {
                let Some(m) = cap.get(1) else { continue };
                let raw = m.as_str();
                let rest = &line[m.end()..];
                if rest.starts_with(['<', '$', '*', '{']) || raw.contains("..") {
                    continue;
                }
                found.push(Found {
                    text: raw
                        .trim_start_matches("./")
                        .trim_end_matches('/')
                        .to_string(),
                    line: n + 1,
                    column: line[..m.start()].chars().count() + 1,
                });
            }
        }
        Arc::new(found)
    })
}

/// Repository paths in code, scripts and notebooks. Paths under a mapped chart path
/// (`[chart_paths]`) are accepted: the chart contract is not the whole chart.
fn check_paths(cx: &Context, findings: &mut Vec<Finding>) {
    let site = cx.site;
    let mut scan = |file: &str,
                    code: &str,
                    first_line: usize,
                    first_col: usize,
                    files: &PageFiles| {
        for m in mentions(code).iter() {
            // `n`: the line within the code, 0-based.
            let (path, n, col) = (m.text.as_str(), m.line - 1, m.column);
            if path_exists(cx, path) || files.created_here_or_before((first_line + n, col), path) {
                continue;
            }
            findings.push(
                Finding::warning(
                    Code::PathMissing,
                    file,
                    first_line + n,
                    if n == 0 { col + first_col - 1 } else { col },
                    format!("`{path}` does not exist in this repository"),
                )
                .with_help("fix the path, or silence the block with <!-- spark-docs-ignore: path-missing --> if it is an example"),
            );
        }
    };
    for b in cx.code_blocks() {
        if matches!(
            b.block.lang.as_str(),
            "text" | "txt" | "log" | "output" | ""
        ) {
            continue;
        }
        let files = cx.created_files(b.file);
        scan(b.file, &b.block.code, b.block.line, b.block.column, files);
    }
    for s in &site.scripts {
        let files = PageFiles::from_script(&s.source.text);
        scan(&s.source.rel, &s.source.text, 1, 1, &files);
    }
    let nothing = PageFiles::default();
    for n in &site.notebooks {
        for c in n.cells.iter().filter(|c| c.kind == CellKind::Code) {
            scan(&n.source.rel, &c.source, c.line + 1, 1, &nothing);
        }
    }
}

fn path_exists(cx: &Context, path: &str) -> bool {
    let site = cx.site;
    if site.config.root.join(path).exists() {
        return true;
    }
    site.config.site.chart_paths.keys().any(|from| {
        let from = from.trim_end_matches('/');
        path == from || path.starts_with(&format!("{from}/"))
    })
}
