//! snapshots: which build of the site answers a request, so a page and the stylesheets, scripts
//! and images it references always come from the same build, even while a rebuild swaps in.
//!
//! Every build the server publishes is an immutable snapshot (`Current`, numbered by its
//! generation). An HTML page served from generation N has the URLs of its subresources pinned to
//! N (`?__g=N`); a request carrying that pin is answered from generation N as long as it is one
//! of the last [`RETAINED`] generations pages were served from, and from the current one after
//! (a page that old has long been told to reload). Links to other pages are not pinned: following
//! one shows the newest build. Every response names its generation in [`GENERATION_HEADER`].

use super::http::{Current, CLIENT_PATH, EVENTS_PATH};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// The query parameter that pins a subresource to the generation of the page that links it.
pub const GENERATION_PARAM: &str = "__g";

/// The response header naming the generation a response was served from.
pub const GENERATION_HEADER: &str = "x-spark-docs-generation";

/// How many recent generations stay answerable for pinned requests.
pub const RETAINED: usize = 4;

/// The recent snapshots pages were served from, oldest first.
#[derive(Default)]
pub struct Retained(Mutex<VecDeque<Arc<Current>>>);

impl Retained {
    /// The snapshot that answers a request with `query`: the generation it pins when that one is
    /// retained, else `current`, which is retained from now on (pages served from it pin to it).
    pub fn resolve(&self, current: Arc<Current>, query: Option<&str>) -> Arc<Current> {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match kept.iter().position(|c| c.generation == current.generation) {
            // A swap that keeps the generation (the search index arriving, a failed rebuild)
            // keeps the pages and theme files: the newest state of that generation answers.
            Some(i) => kept[i] = current.clone(),
            None => {
                kept.push_back(current.clone());
                while kept.len() > RETAINED {
                    kept.pop_front();
                }
            }
        }
        pinned_generation(query)
            .and_then(|g| kept.iter().find(|c| c.generation == g).cloned())
            .unwrap_or(current)
    }
}

/// The generation a query pins (`__g=N` among its parameters).
pub fn pinned_generation(query: Option<&str>) -> Option<u64> {
    query?.split('&').find_map(|pair| {
        pair.strip_prefix(GENERATION_PARAM)?
            .strip_prefix('=')?
            .parse()
            .ok()
    })
}

/// Whether a subresource URL names a file of this site (not another host, a data URL or the
/// server's own live-reload paths).
fn is_site_url(url: &str) -> bool {
    let scheme = url
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|first| first.contains(':'));
    !url.is_empty()
        && !scheme
        && !url.starts_with("//")
        && !url.starts_with('#')
        && !url.starts_with(CLIENT_PATH)
        && !url.starts_with(EVENTS_PATH)
}

/// `url` with `__g=generation` added to its query (before any fragment).
fn pin(url: &str, generation: u64) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let sep = if rest.contains('?') { '&' } else { '?' };
    let mut out = format!("{rest}{sep}{GENERATION_PARAM}={generation}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The page with the URLs of its stylesheets, icons, preloads, scripts and media pinned to
/// `generation`. A page that is not UTF-8 or does not parse is returned unchanged.
pub fn pin_subresources(html: &[u8], generation: u64) -> Vec<u8> {
    use lol_html::{element, rewrite_str, RewriteStrSettings};
    let Ok(text) = std::str::from_utf8(html) else {
        return html.to_vec();
    };
    let pin_attr = |attr: &'static str| {
        move |el: &mut lol_html::html_content::Element| {
            if let Some(url) = el.get_attribute(attr) {
                if is_site_url(&url) {
                    el.set_attribute(attr, &pin(&url, generation))?;
                }
            }
            Ok(())
        }
    };
    let handlers = [
        element!("link[rel~=stylesheet][href]", pin_attr("href")),
        element!("link[rel~=icon][href]", pin_attr("href")),
        element!("link[rel~=preload][href]", pin_attr("href")),
        element!("link[rel~=modulepreload][href]", pin_attr("href")),
        element!("link[rel~=manifest][href]", pin_attr("href")),
        element!("script[src]", pin_attr("src")),
        element!("img[src]", pin_attr("src")),
        element!("source[src]", pin_attr("src")),
        element!("video[src]", pin_attr("src")),
        element!("audio[src]", pin_attr("src")),
    ];
    let settings = handlers
        .into_iter()
        .fold(RewriteStrSettings::new(), |settings, handler| {
            settings.append_element_content_handler(handler)
        });
    rewrite_str(text, settings)
        .map(String::into_bytes)
        .unwrap_or_else(|_| html.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(generation: u64) -> Arc<Current> {
        Arc::new(Current {
            files: Arc::default(),
            base_path: "/".into(),
            generation,
            error: None,
        })
    }

    #[test]
    fn a_pinned_request_is_answered_from_its_generation_while_it_is_retained() {
        let retained = Retained::default();
        retained.resolve(snapshot(1), None);
        let now = retained.resolve(snapshot(2), Some("__g=1"));
        assert_eq!(now.generation, 1);
        for g in 3..3 + RETAINED as u64 {
            retained.resolve(snapshot(g), None);
        }
        // Generation 1 fell out of the window: the current build answers.
        let late = retained.resolve(snapshot(9), Some("x=1&__g=1"));
        assert_eq!(late.generation, 9);
        assert_eq!(pinned_generation(Some("a=b&__g=7")), Some(7));
        assert_eq!(pinned_generation(Some("__gx=7")), None);
    }

    #[test]
    fn pins_subresources_of_the_site_and_nothing_else() {
        let html = br#"<head><link rel="stylesheet" href="/s/static/style.css"><link rel="canonical" href="/s/a/">
<script src="/s/static/app.js?x=1#f" defer></script><script src="/__spark-docs/client.js"></script>
<script src="https://cdn.example/x.js"></script></head><body><a href="/s/b/">b</a><img src="img/a.png"><img src="data:image/png;base64,AA"></body>"#;
        let out = String::from_utf8(pin_subresources(html, 5)).unwrap();
        assert!(out.contains(r#"href="/s/static/style.css?__g=5""#), "{out}");
        assert!(
            out.contains(r#"src="/s/static/app.js?x=1&__g=5#f""#),
            "{out}"
        );
        assert!(out.contains(r#"src="img/a.png?__g=5""#), "{out}");
        assert!(out.contains(r#"href="/s/a/""#), "{out}");
        assert!(out.contains(r#"<a href="/s/b/">"#), "{out}");
        assert!(out.contains(r#"src="/__spark-docs/client.js""#), "{out}");
        assert!(out.contains(r#"src="https://cdn.example/x.js""#), "{out}");
        assert!(out.contains(r#"src="data:image/png;base64,AA""#), "{out}");
    }
}
