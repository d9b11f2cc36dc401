//! Inspecting a built site: its pages, their HTML (links, ids, headings), and a link checker that
//! resolves every `href`/`src` as a browser would under the site's base path.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use lol_html::{element, rewrite_str, RewriteStrSettings};

use super::fixtures::{files, rel_slash, BASE_URL};

/// Site-absolute URLs of every produced `index.html` page (`/`, `/recipes/troubleshoot/x/`, …).
pub fn pages(out: &Path) -> BTreeSet<String> {
    files(out)
        .into_iter()
        .filter(|f| f == "index.html" || f.ends_with("/index.html"))
        .map(|f| format!("/{}", &f[..f.len() - "index.html".len()]))
        .collect()
}

/// Reads the page with site-absolute URL `url` (e.g. `/issues/issue-001/`).
pub fn read_page(out: &Path, url: &str) -> String {
    let path = url_to_file(out, url.trim_start_matches('/'));
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read page {url} ({}): {e}", path.display()))
}

/// Site-absolute URL of an HTML file in the output (`a/b/index.html` → `/a/b/`).
fn page_url_of(rel: &str) -> String {
    if rel == "index.html" {
        "/".to_string()
    } else if let Some(dir) = rel.strip_suffix("/index.html") {
        format!("/{dir}/")
    } else {
        format!("/{rel}")
    }
}

/// Maps a URL path relative to the site root (no leading `/`) to a file in `out`.
fn url_to_file(out: &Path, rel: &str) -> PathBuf {
    let rel = percent_decode(rel);
    if rel.is_empty() || rel.ends_with('/') {
        return out.join(&rel).join("index.html");
    }
    let p = out.join(&rel);
    if p.is_dir() {
        p.join("index.html")
    } else {
        p
    }
}

/// What the tests need from one HTML document.
#[derive(Debug, Default, Clone)]
pub struct Doc {
    /// `(tag, attribute, value)` for every `href` and `src`, entities decoded.
    pub links: Vec<(String, String, String)>,
    /// Every `id` and every `<a name>`.
    pub ids: HashSet<String>,
    /// Every `id` in document order (duplicates kept).
    pub id_list: Vec<String>,
    pub h1_count: usize,
    /// `<base href>` if the page has one.
    pub base_href: Option<String>,
}

pub fn parse_html(html: &str) -> Doc {
    let doc = RefCell::new(Doc::default());
    let result = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
            let tag = el.tag_name().to_ascii_lowercase();
            let mut d = doc.borrow_mut();
            for attr in el.attributes() {
                let name = attr.name().to_ascii_lowercase();
                let value = decode_entities(&attr.value());
                match name.as_str() {
                    "href" | "src" => d.links.push((tag.clone(), name, value)),
                    "id" => {
                        d.ids.insert(value.clone());
                        d.id_list.push(value);
                    }
                    "name" if tag == "a" => {
                        d.ids.insert(value);
                    }
                    _ => {}
                }
            }
            if tag == "h1" {
                d.h1_count += 1;
            }
            if tag == "base" {
                d.base_href = el.get_attribute("href").map(|v| decode_entities(&v));
            }
            Ok(())
        })),
    );
    result.expect("lol_html failed to parse the page");
    doc.into_inner()
}

/// Decodes the character references that appear in attribute values.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a link points, seen from the page that contains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Another host, or a scheme such as `mailto:`; not checked.
    External,
    /// Inside the site: `path` relative to the site root (no leading `/`; `""` is the home page),
    /// `fragment` without `#` (empty when absent).
    Internal {
        path: String,
        fragment: String,
    },
    /// An internal link that does not stay under the base path.
    Escapes(String),
    /// A relative link on a page that can be served at any URL (404.html).
    RelativeOnAnyUrlPage,
    Empty,
}

/// A site's base: its path (`/spark-docs/`) and, when known, its origin (`https://host`).
#[derive(Debug, Clone)]
pub struct Base {
    pub origin: Option<String>,
    pub path: String,
}

impl Base {
    /// Accepts either a path (`/spark-docs/`) or a full URL (`https://host/spark-docs/`).
    pub fn parse(base: &str) -> Base {
        let (origin, path) = match base.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = match rest.find('/') {
                    Some(i) => (&rest[..i], &rest[i..]),
                    None => (rest, "/"),
                };
                (
                    Some(format!(
                        "{}://{}",
                        scheme.to_ascii_lowercase(),
                        host.to_ascii_lowercase()
                    )),
                    path.to_string(),
                )
            }
            None => (None, base.to_string()),
        };
        let mut path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        Base { origin, path }
    }
}

/// Resolves `href` found on the page whose site-absolute URL is `page_url` (`/`, `/a/b/`,
/// `/404.html`).
pub fn resolve(page_url: &str, href: &str, base: &Base) -> Target {
    let href = href.trim();
    if href.is_empty() {
        return Target::Empty;
    }
    let lower = href.to_ascii_lowercase();
    // Absolute URLs: internal only when they name this site's origin and base path.
    if lower.starts_with("//") {
        let with_scheme = format!("https:{href}");
        return resolve_absolute(&with_scheme, base);
    }
    if let Some(colon) = href.find(':') {
        let scheme = &href[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme.chars().next().unwrap().is_ascii_alphabetic()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        let before_slash_or_hash = !href[..colon].contains(['/', '#', '?']);
        if is_scheme && before_slash_or_hash {
            if lower.starts_with("http://") || lower.starts_with("https://") {
                return resolve_absolute(href, base);
            }
            return Target::External; // mailto:, data:, javascript:, tel:, …
        }
    }
    let (no_frag, fragment) = match href.split_once('#') {
        Some((a, f)) => (a, f.to_string()),
        None => (href, String::new()),
    };
    let no_query = no_frag.split('?').next().unwrap();
    let served_page = format!("{}{}", base.path, page_url.trim_start_matches('/'));
    let served = if no_query.starts_with('/') {
        normalize(no_query)
    } else {
        if no_query.is_empty() {
            Some(served_page.clone())
        } else {
            if page_url == "/404.html" {
                return Target::RelativeOnAnyUrlPage;
            }
            let dir = &served_page[..=served_page.rfind('/').unwrap()];
            normalize(&format!("{dir}{no_query}"))
        }
    };
    match served {
        Some(p) if p.starts_with(&base.path) || format!("{p}/") == base.path => Target::Internal {
            path: p.get(base.path.len()..).unwrap_or("").to_string(),
            fragment: percent_decode(&fragment),
        },
        Some(p) => Target::Escapes(p),
        None => Target::Escapes(href.to_string()),
    }
}

fn resolve_absolute(url: &str, base: &Base) -> Target {
    let Some(origin) = &base.origin else {
        return Target::External;
    };
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix(origin.as_str()) else {
        return Target::External;
    };
    if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return Target::External; // a longer host name
    }
    let rest = &url[origin.len()..];
    let page = if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("/{rest}")
    };
    resolve("/", &page, base)
}

/// Normalises `.` and `..` in an absolute path; `None` if `..` climbs above `/`.
fn normalize(path: &str) -> Option<String> {
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Parsed HTML documents of the output, keyed by site-absolute URL.
fn parse_all(out: &Path) -> BTreeMap<String, (PathBuf, Doc)> {
    files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| {
            let path = out.join(&f);
            let html = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{f}: not UTF-8: {e}"));
            (page_url_of(&f), (path, parse_html(&html)))
        })
        .collect()
}

/// Checks every `href`/`src` in every HTML file of `out` (and every `url(…)` in its CSS).
///
/// `base` is the base path (`/spark-docs/`) or the full base URL
/// (`https://example.github.io/spark-docs/`); with a full URL, absolute links to the same origin
/// are checked too. Internal links must start with the base path (or be relative and stay under
/// it), name a file that exists (a directory means its `index.html`), and a `#fragment` must match
/// an `id` (or `<a name>`) in the target page. Other hosts, `mailto:`, `data:`, `javascript:` are
/// ignored. Returns one line per problem.
pub fn check_links(out: &Path, base: &str) -> Vec<String> {
    let base = Base::parse(base);
    let docs = parse_all(out);
    let mut problems = Vec::new();
    let mut ids_cache: HashMap<PathBuf, Option<HashSet<String>>> = HashMap::new();
    for (path, doc) in docs.values() {
        ids_cache.insert(path.clone(), Some(doc.ids.clone()));
    }
    for (page_url, (_, doc)) in &docs {
        if let Some(b) = &doc.base_href {
            problems.push(format!(
                "{page_url}: has <base href=\"{b}\">, relative links are ambiguous"
            ));
        }
        for (tag, attr, value) in &doc.links {
            let what = format!("{page_url}: <{tag} {attr}=\"{value}\">");
            match resolve(page_url, value, &base) {
                Target::External => {}
                Target::Empty => problems.push(format!("{what}: empty link")),
                Target::Escapes(p) => problems.push(format!(
                    "{what}: resolves to {p}, outside the base path {}",
                    base.path
                )),
                Target::RelativeOnAnyUrlPage => problems.push(format!(
                    "{what}: relative link on a page served at any URL; use a base-path absolute link"
                )),
                Target::Internal { path, fragment } => {
                    let file = url_to_file(out, &path);
                    if !file.is_file() {
                        problems.push(format!("{what}: target {} does not exist", file.display()));
                        continue;
                    }
                    if fragment.is_empty() || fragment == "top" {
                        continue;
                    }
                    let ids = ids_cache.entry(file.clone()).or_insert_with(|| None);
                    match ids {
                        Some(ids) if ids.contains(&fragment) => {}
                        Some(_) => problems.push(format!(
                            "{what}: no element with id=\"{fragment}\" in {}",
                            file.display()
                        )),
                        None => problems.push(format!(
                            "{what}: #{fragment} points into a non-HTML file {}",
                            file.display()
                        )),
                    }
                }
            }
        }
    }
    problems.extend(check_css_urls(out));
    problems
}

/// `url(…)` references in CSS files under `out` that are relative must exist.
fn check_css_urls(out: &Path) -> Vec<String> {
    let re = regex::Regex::new(r#"url\(\s*['"]?([^'")]+?)['"]?\s*\)"#).unwrap();
    let mut problems = Vec::new();
    for f in files(out).into_iter().filter(|f| f.ends_with(".css")) {
        let css = fs::read_to_string(out.join(&f)).unwrap_or_default();
        for cap in re.captures_iter(&css) {
            let u = cap[1].trim();
            let lower = u.to_ascii_lowercase();
            if lower.starts_with("data:") || lower.contains("://") || u.starts_with('#') {
                continue;
            }
            if u.starts_with('/') {
                problems.push(format!(
                    "/{f}: url({u}) is absolute; it ignores the base path"
                ));
                continue;
            }
            let dir = Path::new(&f).parent().map(rel_slash).unwrap_or_default();
            let joined = normalize(&format!("/{dir}/{}", u.split(['?', '#']).next().unwrap()));
            match joined {
                Some(p) if out.join(p.trim_start_matches('/')).is_file() => {}
                _ => problems.push(format!("/{f}: url({u}) does not resolve to a file")),
            }
        }
    }
    problems
}

/// Site-absolute URLs (without base path, fragment or query; `/issues/issue-001/`) of the
/// internal links on page `page_url` that match `pattern`.
pub fn links_from(out: &Path, page_url: &str, pattern: &regex::Regex) -> BTreeSet<String> {
    let base = Base::parse(BASE_URL);
    let doc = parse_html(&read_page(out, page_url));
    doc.links
        .iter()
        .filter_map(|(_, _, v)| match resolve(page_url, v, &base) {
            Target::Internal { path, .. } => Some(format!("/{path}")),
            _ => None,
        })
        .filter(|u| pattern.is_match(u))
        .collect()
}

/// Every raw `href`/`src` value on a page.
pub fn raw_links(out: &Path, page_url: &str) -> Vec<String> {
    parse_html(&read_page(out, page_url))
        .links
        .into_iter()
        .map(|(_, _, v)| v)
        .collect()
}

/// Pages (HTML files, by URL) that do not have exactly one `<h1>`.
pub fn h1_problems(out: &Path) -> Vec<String> {
    parse_all(out)
        .into_iter()
        .filter(|(_, (_, d))| d.h1_count != 1)
        .map(|(u, (_, d))| format!("{u}: {} <h1> elements", d.h1_count))
        .collect()
}

/// The `<loc>` values of `sitemap.xml`.
pub fn sitemap_locs(out: &Path) -> Vec<String> {
    let xml = fs::read_to_string(out.join("sitemap.xml")).expect("sitemap.xml exists");
    let re = regex::Regex::new(r"<loc>\s*([^<]*?)\s*</loc>").unwrap();
    re.captures_iter(&xml)
        .map(|c| decode_entities(&c[1]))
        .collect()
}
