//! post: a streaming rewrite of every produced page (lol_html) — heading anchors, and the
//! base path of `base_url` prefixed to every site-absolute `href`/`src`.

/// Rewrites one page. `base_path` starts and ends with `/` (e.g. `/spark-docs/`).
pub fn rewrite(html: &str, base_path: &str) -> Result<String, String> {
    use lol_html::{element, html_content::ContentType, rewrite_str, RewriteStrSettings};
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!("[href], [src], form[action]", move |el| {
                    let prefix = |v: &str| -> Option<String> {
                        if v.starts_with('/') && !v.starts_with("//") {
                            Some(format!("{base_path}{}", &v[1..]))
                        } else {
                            None
                        }
                    };
                    for attr in ["href", "src", "action"] {
                        if let Some(v) = el.get_attribute(attr) {
                            if let Some(new) = prefix(&v) {
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
            ],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_absolute_links_and_adds_anchors() {
        let out = rewrite(
            "<a href=\"/issues/\">i</a><a href=\"//cdn\">c</a><a href=\"#x\">x</a><img src=\"/static/a.png\"><main><h2 id=\"a\">A</h2></main>",
            "/spark-docs/",
        )
        .unwrap();
        assert!(out.contains("href=\"/spark-docs/issues/\""));
        assert!(out.contains("href=\"//cdn\""));
        assert!(out.contains("href=\"#x\""));
        assert!(out.contains("src=\"/spark-docs/static/a.png\""));
        assert!(out.contains("<h2 id=\"a\">A<a class=\"anchor\" href=\"#a\""));
    }
}
