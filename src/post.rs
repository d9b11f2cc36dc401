//! post: a streaming rewrite of every produced page (lol_html) — heading anchors, the base path
//! of `base_url` prefixed to every site-absolute `href`/`src`, and Spark property names in code
//! linked to their entry on the `/properties/` reference pages; and a last guard that removes
//! every `href`/`src`/`action`/`formaction` holding a `javascript:`, `vbscript:` or (outside
//! raster images) `data:` URL, whatever `[markdown] raw_html` let through.
//!
//! Decisions: property names are linked here, after highlighting, rather than in the highlighter,
//! so inline code and every code block get the same treatment in one place; only whole names
//! inside one text node are linked (a name that a grammar splits into several spans stays plain),
//! never inside an existing link, and the inserted link carries the base path itself (inserted
//! HTML is not seen by the `href` handler).

use crate::model::properties::PropertyLinks;
use crate::render::safe_html::{url_is_safe, UrlUse};
use std::cell::Cell;
use std::rc::Rc;

/// What to link Spark property names to on one page: the site's links and the page's lines.
#[derive(Clone, Copy)]
pub struct Properties<'a> {
    pub links: &'a PropertyLinks,
    /// The lines the page is about (links prefer their entries).
    pub lines: &'a [String],
}

/// Rewrites one page. `base_path` starts and ends with `/` (e.g. `/spark-docs/`).
pub fn rewrite(
    html: &str,
    base_path: &str,
    properties: Option<Properties>,
) -> Result<String, String> {
    use lol_html::{doc_text, element, html_content::ContentType, rewrite_str, RewriteStrSettings};
    // Depth of open `<code>` and `<a>` elements around the current text.
    let in_code = Rc::new(Cell::new(0i32));
    let in_link = Rc::new(Cell::new(0i32));
    let mut pending = String::new();
    let depth = |counter: &Rc<Cell<i32>>| {
        let counter = counter.clone();
        move |el: &mut lol_html::html_content::Element| {
            counter.set(counter.get() + 1);
            let c = counter.clone();
            el.on_end_tag(Box::new(move |_| {
                c.set(c.get() - 1);
                Ok(())
            }))?;
            Ok(())
        }
    };
    let mut handlers = Vec::new();
    let mut doc_handlers = Vec::new();
    if let Some(props) = properties.filter(|p| !p.links.is_empty()) {
        handlers.push(element!("code", depth(&in_code)));
        handlers.push(element!("a", depth(&in_link)));
        let (in_code, in_link) = (in_code.clone(), in_link.clone());
        doc_handlers.push(doc_text!(move |t| {
            if in_code.get() == 0 || in_link.get() > 0 {
                return Ok(());
            }
            pending.push_str(t.as_str());
            if !t.last_in_text_node() {
                t.remove();
                return Ok(());
            }
            let text = std::mem::take(&mut pending);
            if let Some(linked) = link_properties(&text, base_path, props) {
                t.replace(&linked, ContentType::Html);
            } else if text.len() != t.as_str().len() {
                t.replace(&text, ContentType::Html);
            }
            Ok(())
        }));
    }
    handlers.extend(vec![
        element!("[href], [src], [action], [formaction], [poster]", move |el| {
            let prefix = |v: &str| -> Option<String> {
                if v.starts_with('/') && !v.starts_with("//") {
                    Some(format!("{base_path}{}", &v[1..]))
                } else {
                    None
                }
            };
            let image = el.tag_name() == "img";
            for attr in ["href", "src", "action", "formaction", "poster"] {
                if let Some(v) = el.get_attribute(attr) {
                    let usage = if image && attr == "src" {
                        UrlUse::Image
                    } else {
                        UrlUse::Link
                    };
                    if !url_is_safe(&v, usage) {
                        el.remove_attribute(attr);
                    } else if let Some(new) = prefix(&v) {
                        el.set_attribute(attr, &new)?;
                    }
                }
            }
            Ok(())
        }),
        element!("main h2[id], main h3[id], main h4[id]", |el| {
            if el.get_attribute("data-no-anchor").is_none() {
                if let Some(id) = el.get_attribute("id") {
                    let id = crate::render::highlight::escape(&id);
                    el.append(
                        &format!("<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>"),
                        ContentType::Html,
                    );
                }
            }
            Ok(())
        }),
    ]);
    rewrite_str(
        html,
        handlers.into_iter().fold(
            doc_handlers
                .into_iter()
                .fold(RewriteStrSettings::new(), |settings, handler| {
                    settings.append_document_content_handler(handler)
                }),
            |settings, handler| settings.append_element_content_handler(handler),
        ),
    )
    .map_err(|e| e.to_string())
}

/// `text` (raw HTML text, entities kept) with every whole Spark property name the links know
/// wrapped in a link to its entry; `None` when there is none.
fn link_properties(text: &str, base_path: &str, props: Properties) -> Option<String> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let mut out = String::new();
    let mut last = 0;
    let mut from = 0;
    while let Some(i) = text[from..].find("spark.").map(|i| i + from) {
        let start_ok = text[..i].chars().next_back().is_none_or(|c| !is_name(c));
        let len = text[i..]
            .find(|c: char| !is_name(c))
            .unwrap_or(text.len() - i);
        let name = text[i..i + len].trim_end_matches(['.', '-']);
        from = i + len.max(1);
        if !start_ok {
            continue;
        }
        let Some((url, hover)) = props.links.link(name, props.lines) else {
            continue;
        };
        let esc = crate::render::highlight::escape;
        out.push_str(&text[last..i]);
        out.push_str(&format!(
            "<a class=\"prop-link\" href=\"{}{}\" title=\"{}\">{name}</a>",
            base_path.trim_end_matches('/'),
            esc(&url),
            esc(hover)
        ));
        last = i + name.len();
    }
    if last == 0 {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_absolute_links_and_adds_anchors() {
        let out = rewrite(
            "<a href=\"/issues/\">i</a><a href=\"//cdn\">c</a><a href=\"#x\">x</a><img src=\"/static/a.png\"><main><h2 id=\"a\">A</h2></main>",
            "/spark-docs/",
            None,
        )
        .unwrap();
        assert!(out.contains("href=\"/spark-docs/issues/\""));
        assert!(out.contains("href=\"//cdn\""));
        assert!(out.contains("href=\"#x\""));
        assert!(out.contains("src=\"/spark-docs/static/a.png\""));
        assert!(out.contains("<h2 id=\"a\">A<a class=\"anchor\" href=\"#a\""));
    }

    #[test]
    fn removes_script_urls_from_any_element() {
        let out = rewrite(
            "<a href=\"java&#x09;script:x\">a</a><iframe src=\"JAVASCRIPT:x\"></iframe><form action=\"vbscript:x\"><button formaction=\"javascript:y\">b</button></form><img src=\"data:image/gif;base64,R0\"><a href=\"data:image/gif;base64,R0\">d</a><a href=\"/ok/\">ok</a>",
            "/",
            None,
        )
        .unwrap();
        assert_eq!(
            out,
            "<a>a</a><iframe></iframe><form><button>b</button></form><img src=\"data:image/gif;base64,R0\"><a>d</a><a href=\"/ok/\">ok</a>"
        );
    }

    #[test]
    fn links_whole_property_names_in_code_outside_links() {
        let cat = crate::model::spark_catalog::catalog();
        let links = PropertyLinks::new(cat, &["4.1".to_string()]);
        let props = Properties {
            links: &links,
            lines: &[],
        };
        let html = "<p>spark.executor.memory</p><pre><code><span class=\"k\">--conf</span> spark.executor.memory=4g spark.executor.memoryOverhead=1g pyspark.executor.memory spark.executor</code></pre><a href=\"/x\"><code>spark.driver.memory</code></a>";
        let out = rewrite(html, "/docs/", Some(props)).unwrap();
        let link = "<a class=\"prop-link\" href=\"/docs/properties/4.1/#spark.executor.memory\" title=\"default: 1g · since 0.7.0 · size\">spark.executor.memory</a>=4g";
        assert!(out.contains(link), "{out}");
        assert!(out.contains("#spark.executor.memoryOverhead\""), "{out}");
        // Not outside code, not inside a link, not a prefix of a longer word or a namespace.
        assert!(out.starts_with("<p>spark.executor.memory</p>"), "{out}");
        assert!(!out.contains("#spark.driver.memory"), "{out}");
        assert!(out.contains(" pyspark.executor.memory "), "{out}");
        assert!(out.contains(" spark.executor</code>"), "{out}");
        assert!(out.contains("<span class=\"k\">--conf</span>"), "{out}");
    }
}
