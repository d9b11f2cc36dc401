//! Markdown → HTML: heading ids and the table of contents, highlighted code blocks, GitHub
//! admonitions, issue IDs turned into links, and relative links to sources rewritten to page URLs.
//! Raw HTML goes through the site's `[markdown] raw_html` policy and links or images with a
//! script URL lose their target (see `safe_html`) before anything else looks at the events.

use super::highlight;
use super::safe_html::{filter_raw_html, url_is_safe, UrlUse};
use crate::config::RawHtml;
use crate::load::recipe::markdown_options;
use crate::model::anchors::resolve_relative;
use crate::model::repo_files::RepoFiles;
use crate::util::slug::{heading_id, unique_id};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

pub struct Rendered {
    pub html: String,
    /// Every h2/h3; pages show a table of contents only when it has two entries or more.
    pub toc: Vec<TocEntry>,
}

/// What links in a Markdown body resolve against.
pub struct LinkContext<'a> {
    /// Root-relative path of the file being rendered.
    pub source_rel: &'a str,
    /// Root-relative source path → page URL.
    pub file_urls: &'a HashMap<String, String>,
    /// Known issue IDs (upper case).
    pub issue_ids: &'a HashSet<String>,
    /// Repository files that are no pages, linked to the repository's file view.
    pub repo_files: &'a RepoFiles,
    /// What raw HTML may do (`[markdown] raw_html`).
    pub raw_html: RawHtml,
}

/// The parser's events with raw HTML filtered by `policy` (an HTML block as one piece, so a
/// comment or tag spanning lines is seen whole), and links and images whose URL could run a
/// script reduced to their text.
fn safe_events<'a>(parser: impl Iterator<Item = Event<'a>>, policy: RawHtml) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut html_block: Option<String> = None;
    // For each open link or image: whether its start was dropped.
    let mut dropped: Vec<bool> = Vec::new();
    for event in parser {
        match event {
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::End(TagEnd::HtmlBlock) => {
                let raw = html_block.take().unwrap_or_default();
                events.push(Event::Html(CowStr::from(filter_raw_html(&raw, policy))));
            }
            Event::Html(h) => match html_block.as_mut() {
                Some(block) => block.push_str(&h),
                None => events.push(Event::Html(CowStr::from(filter_raw_html(&h, policy)))),
            },
            Event::InlineHtml(h) => {
                events.push(Event::InlineHtml(CowStr::from(filter_raw_html(&h, policy))))
            }
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let unsafe_url = !url_is_safe(dest_url, UrlUse::Link);
                dropped.push(unsafe_url);
                if !unsafe_url {
                    events.push(event);
                }
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                let unsafe_url = !url_is_safe(dest_url, UrlUse::Image);
                dropped.push(unsafe_url);
                if !unsafe_url {
                    events.push(event);
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if !dropped.pop().unwrap_or(false) {
                    events.push(event);
                }
            }
            other => events.push(other),
        }
    }
    events
}

fn alert_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn issue_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\bISSUE-\d{1,6}\b").expect("static regex"))
}

/// Text with known `ISSUE-NNN` IDs turned into links.
fn link_issue_ids(text: &str, ids: &HashSet<String>) -> Option<String> {
    if !text.contains("ISSUE-") {
        return None;
    }
    let mut out = String::new();
    let mut last = 0;
    let mut any = false;
    for m in issue_re().find_iter(text) {
        if !ids.contains(m.as_str()) {
            continue;
        }
        any = true;
        out.push_str(&highlight::escape(&text[last..m.start()]));
        out.push_str(&format!(
            "<a class=\"issue-mention\" href=\"{}\">{}</a>",
            crate::model::issue_url(m.as_str()),
            m.as_str()
        ));
        last = m.end();
    }
    if !any {
        return None;
    }
    out.push_str(&highlight::escape(&text[last..]));
    Some(out)
}

/// Renders a Markdown body. The first level-1 heading is dropped when it comes before any other
/// heading (the page template shows the title); later level-1 headings become level 2.
pub fn render(body: &str, ctx: &LinkContext) -> Rendered {
    let mut events: Vec<Event> = Vec::new();
    let mut toc = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut seen_heading = false;
    let mut link_depth = 0usize;
    let mut iter = safe_events(Parser::new_ext(body, markdown_options()), ctx.raw_html).into_iter();
    let mut code: Option<(String, String)> = None;
    while let Some(event) = iter.next() {
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let mut inner = Vec::new();
                let mut text = String::new();
                for e in iter.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    inner.push(e);
                }
                if level == HeadingLevel::H1 && !seen_heading {
                    seen_heading = true;
                    continue;
                }
                seen_heading = true;
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                let n = level as u8;
                let unique = unique_id(
                    id.map(|i| i.to_string())
                        .unwrap_or_else(|| heading_id(&text)),
                    &mut used_ids,
                );
                if n == 2 || n == 3 {
                    toc.push(TocEntry {
                        level: n,
                        id: unique.clone(),
                        title: text.trim().to_string(),
                    });
                }
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    format!(
                        " class=\"{}\"",
                        highlight::escape(
                            &classes
                                .iter()
                                .map(|c| c.as_ref())
                                .collect::<Vec<_>>()
                                .join(" ")
                        )
                    )
                };
                events.push(Event::Html(CowStr::from(format!(
                    "<h{n} id=\"{}\"{class_attr}>",
                    highlight::escape(&unique)
                ))));
                events.extend(inner);
                events.push(Event::Html(CowStr::from(format!("</h{n}>\n"))));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .next()
                        .unwrap_or("")
                        .trim_matches(['{', '}', '.'])
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, c)) = code.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, c)) = code.take() {
                    events.push(Event::Html(CowStr::from(highlight::code_block(&c, &lang))));
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert_title(kind);
                events.push(Event::Html(CowStr::from(format!(
                    "<blockquote class=\"markdown-alert markdown-alert-{class}\">\n<p class=\"markdown-alert-title\">{title}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(CowStr::from("</blockquote>\n")))
            }
            Event::Start(Tag::Table(a)) => {
                events.push(Event::Html(CowStr::from("<div class=\"table-wrap\">")));
                events.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                link_depth += 1;
                let page =
                    resolve_relative(ctx.source_rel, &dest_url).and_then(|(path, fragment)| {
                        let url = ctx.file_urls.get(&path)?;
                        Some(match fragment {
                            Some(f) => format!("{url}#{f}"),
                            None => url.clone(),
                        })
                    });
                let dest = match page {
                    Some(url) => CowStr::from(url),
                    None => match ctx.repo_files.resolve(ctx.source_rel, &dest_url) {
                        Some(file) => CowStr::from(ctx.repo_files.href(&file)),
                        None => dest_url,
                    },
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                events.push(Event::End(TagEnd::Link));
            }
            Event::Text(t) if link_depth == 0 => match link_issue_ids(&t, ctx.issue_ids) {
                Some(html) => events.push(Event::InlineHtml(CowStr::from(html))),
                None => events.push(Event::Text(t)),
            },
            other => events.push(other),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, toc }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(urls: &'a HashMap<String, String>, ids: &'a HashSet<String>) -> LinkContext<'a> {
        LinkContext {
            source_rel: "content/recipes/ops/a.md",
            file_urls: urls,
            issue_ids: ids,
            repo_files: Box::leak(Box::default()),
            raw_html: RawHtml::Safe,
        }
    }

    #[test]
    fn rewrites_links_ids_and_admonitions() {
        let mut urls = HashMap::new();
        urls.insert(
            "content/issues/ISSUE-001-x.md".to_string(),
            "/issues/issue-001/".to_string(),
        );
        let ids: HashSet<String> = ["ISSUE-001".to_string()].into();
        let r = render(
            "# Title\n\n## Root cause\n\nSee [it](../../issues/ISSUE-001-x.md#fix) and ISSUE-001, not ISSUE-999.\n\n> [!WARNING]\n> Careful.\n\n## Root cause\n",
            &ctx(&urls, &ids),
        );
        assert!(!r.html.contains("<h1"));
        assert!(r.html.contains("<h2 id=\"root-cause\">"));
        assert!(r.html.contains("<h2 id=\"root-cause-1\">"));
        assert!(r.html.contains("href=\"/issues/issue-001/#fix\""));
        assert!(r
            .html
            .contains("<a class=\"issue-mention\" href=\"/issues/issue-001/\">ISSUE-001</a>"));
        assert!(r.html.contains("ISSUE-999"));
        assert!(r.html.contains("markdown-alert-warning"));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(render("## Only\n", &ctx(&urls, &ids)).toc.len(), 1);
    }

    #[test]
    fn script_urls_and_unsafe_html_never_reach_the_page() {
        let (urls, ids) = (HashMap::new(), HashSet::new());
        let r = render(
            "## [head](JaVaScRiPt:alert(1)) <script>h()</script>\n\n[a](javascript:alert(1)) <java\tscript:x> [b](&#106;avascript:x) [ok](https://example.org/)\n\n![img](data:text/html,x) ![png](data:image/png;base64,AAAA)\n\n<div onclick=\"x()\">\n<details open>\n<summary>More</summary>\n<!-- spark-docs-ignore: all -->\n</details>\n</div>\n\nPress <kbd>Ctrl</kbd> <iframe src=x></iframe>\n",
            &ctx(&urls, &ids),
        );
        let html = r.html.to_ascii_lowercase();
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(!html.contains("<div onclick"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(!html.contains("<!--"), "{html}");
        assert!(html.contains("&lt;script&gt;h()&lt;/script&gt;"), "{html}");
        assert!(html.contains(">head"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/\">ok</a>"),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"data:image/png;base64,aaaa\""),
            "{html}"
        );
        assert!(
            html.contains("<details open>\n<summary>more</summary>"),
            "{html}"
        );
        assert!(html.contains("press <kbd>ctrl</kbd> &lt;iframe"), "{html}");
    }
}
