//! search: the site's static search index, built from the produced HTML with Pagefind used as a
//! library (feature `search`). Runs after post-processing, so it indexes exactly what is served.
//!
//! - Content pages are indexed (recipes, issues, presets, notebooks, scripts), each page's
//!   `<main>` minus breadcrumbs, heading anchors and check banners. Code blocks are indexed.
//! - Every Spark property of the `/properties/<line>/` reference pages is one record of kind
//!   `property` whose URL is its row on the newest targeted line that has it
//!   (`/properties/4.1/#spark.executor.memory`): name, type, default, since-version, status and
//!   doc; its `spark` filter lists every targeted line that defines it. The paste box leaves
//!   these out (a log is routed to pages that fix it, not to a property's row).
//! - Every record gets the meta `title` and `kind` and the filters `kind` and `spark` (versions).
//! - Language policy: the whole site is indexed as one language, the site's `language`
//!   (`force_language`), so a Russian word on an English page is found by exact word and prefix.
//! - The bundle (`pagefind.js`, worker, WASM, index chunks, UI assets) goes to `<out>/pagefind/`;
//!   result URLs are stored site-absolute and the browser side prefixes the base path.
//! - `search/signatures.json` lists the log signatures of recipes and issues and the token rules
//!   for the "paste a log" box (`triage::signatures_json`), which ranks like `spark-docs triage`.

use crate::model::{PageRef, Site};
use crate::render::{highlight::escape, output_path, Output};
use std::time::Instant;

/// Where the bundle goes in the output.
pub const BUNDLE_DIR: &str = "pagefind";
/// The signatures file read by the paste box.
pub const SIGNATURES_FILE: &str = "search/signatures.json";

/// What indexing did: for the build report and the README's numbers.
#[derive(Debug, Clone, Default)]
pub struct SearchStats {
    pub pages: usize,
    /// Spark property records (one per property and targeted line).
    pub properties: usize,
    pub files: usize,
    pub bytes: usize,
    pub millis: u128,
}

/// Parts of a page outside the text people search for.
const EXCLUDE: &[&str] = &[
    ".breadcrumbs",
    ".anchor",
    ".findings-banner",
    ".toc",
    ".page-actions",
    "[data-search-ignore]",
];

/// One page prepared for Pagefind (see [`prepare`]).
pub struct Doc {
    url: String,
    html: String,
}

/// One Spark property, indexed as a record of its own.
struct PropertyRecord {
    url: String,
    title: String,
    /// The targeted lines that define it (the `spark` filter).
    lines: Vec<String>,
    content: String,
}

/// One record per public property of the lines the site's `/properties/` pages show, linking to
/// its row on the newest of those lines that has it (described as there).
fn property_records(site: &Site) -> Vec<PropertyRecord> {
    use crate::model::properties::{entries, entry_url, Status};
    let cat = crate::model::spark_catalog::catalog();
    let mut records: Vec<PropertyRecord> = Vec::new();
    let mut by_key: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for line in site.spark_lines(cat).into_iter().rev() {
        for e in entries(cat, &line) {
            if let Some(&i) = by_key.get(&e.key) {
                records[i].lines.push(line.clone());
                continue;
            }
            let mut content = e.key.clone();
            if let Some(doc) = &e.doc {
                content.push_str(". ");
                content.push_str(doc);
            }
            if let Some(t) = e.value_type {
                content.push_str(&format!(" Type: {}.", t.as_str()));
            }
            match e.default.as_deref() {
                Some(d) if d != "<undefined>" => content.push_str(&format!(" Default: {d}.")),
                _ => {}
            }
            if let Some(since) = &e.since {
                content.push_str(&format!(" Since Spark {since}."));
            }
            let (state, replacement) = match &e.status {
                Status::Current => (None, &None),
                Status::Deprecated { replacement, .. } => (Some("Deprecated"), replacement),
                Status::Removed { replacement, .. } => (Some("Removed"), replacement),
            };
            if let Some(state) = state {
                content.push_str(&format!(" {state}."));
            }
            if let Some(r) = replacement {
                content.push_str(&format!(" Use {r}."));
            }
            by_key.insert(e.key.clone(), records.len());
            records.push(PropertyRecord {
                url: entry_url(&line, &e.key),
                title: e.key,
                lines: vec![line.clone()],
                content,
            });
        }
    }
    records
}

/// Builds the search index of the rendered `files` and adds the bundle and the signatures file
/// to them. Pages must already be post-processed.
pub fn index(site: &Site, files: &mut Output) -> Result<SearchStats, String> {
    let mut added = Output::new();
    let stats = index_into(site, files, &mut added)?;
    files.extend(added);
    Ok(stats)
}

/// [`index`] that leaves `files` alone and puts the bundle and the signatures file into `into`:
/// the index of a site rendered earlier (`serve` makes it after the reload).
pub fn index_into(site: &Site, files: &Output, into: &mut Output) -> Result<SearchStats, String> {
    use rayon::prelude::*;
    let pages: Vec<(PageRef, String)> = site
        .all_pages()
        .into_iter()
        .map(|r| (r, site.url(r)))
        .filter(|(_, url)| files.contains_key(&output_path(url)))
        .collect();
    let indexer = Indexer::start(site, pages.len());
    pages
        .par_iter()
        .enumerate()
        .for_each(|(position, (r, url))| {
            let html = String::from_utf8_lossy(&files[&output_path(url)]);
            indexer.add(position, prepare(site, *r, &html));
        });
    indexer.finish(site, into)
}

/// The search index, built on a thread of its own from pages handed to it as they are rendered
/// (in any order, from any thread): it indexes them in site order, so the index does not depend
/// on which page finished first. With the vendored Pagefind, each page is parsed into words on the
/// thread that hands it over, so parsing runs on every core and the indexer only collects.
pub struct Indexer {
    /// Parses pages on the thread that hands them over (none when the index could not be made,
    /// which [`Indexer::finish`] reports).
    parser: Option<feed::Parser>,
    sender: std::sync::mpsc::Sender<(usize, Result<feed::Page, String>)>,
    thread: std::thread::JoinHandle<Result<Bundle, String>>,
    started: Instant,
    pages: usize,
    properties: usize,
}

impl Indexer {
    /// Starts indexing a site of `pages` content pages, to be handed over as positions
    /// `0..pages` with [`Indexer::add`], followed by the Spark property records.
    pub fn start(site: &Site, pages: usize) -> Indexer {
        let started = Instant::now();
        let language = language_code(&site.config.site.language);
        let properties = property_records(site);
        let property_count = properties.len();
        let (sender, receiver) = std::sync::mpsc::channel();
        let index = new_index(&language);
        let parser = index.as_ref().map(feed::parser).ok();
        // Pagefind's own parallel work (building the index) runs in a pool of its own, so it does
        // not queue behind the pages still rendering in the shared one.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let thread = std::thread::spawn(move || {
            crate::own_pool(threads, || {
                build_bundle(index?, receiver, pages, properties, &language)
            })
        });
        Indexer {
            parser,
            sender,
            thread,
            started,
            pages,
            properties: property_count,
        }
    }

    /// Hands over the page at `position` in site order (or why it could not be prepared).
    pub fn add(&self, position: usize, doc: Result<Doc, String>) {
        let Some(parser) = &self.parser else {
            return;
        };
        let page = doc.and_then(|doc| feed::page(parser, doc));
        // A send fails only when the indexer has stopped on an error, which `finish` reports.
        let _ = self.sender.send((position, page));
    }

    /// Waits for the index and puts the bundle and the signatures file into `into`.
    pub fn finish(self, site: &Site, into: &mut Output) -> Result<SearchStats, String> {
        drop(self.sender);
        let bundle = self
            .thread
            .join()
            .map_err(|_| "the search indexer panicked".to_string())??;
        let mut stats = SearchStats {
            pages: self.pages,
            properties: self.properties,
            ..SearchStats::default()
        };
        for (name, contents) in bundle {
            stats.files += 1;
            stats.bytes += contents.len();
            into.insert(format!("{BUNDLE_DIR}/{name}"), contents);
        }
        into.insert(
            SIGNATURES_FILE.into(),
            crate::triage::signatures_json(site).into_bytes(),
        );
        stats.millis = self.started.elapsed().as_millis();
        Ok(stats)
    }
}

/// The bundle's files: path inside [`BUNDLE_DIR`] and contents.
type Bundle = Vec<(String, Vec<u8>)>;

/// `en-GB` → `en`: Pagefind expects an ISO 639-1 code.
fn language_code(lang: &str) -> String {
    let code = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if code.is_empty() {
        "en".into()
    } else {
        code
    }
}

/// The index of a site in `language`, with our exclusions.
fn new_index(language: &str) -> Result<pagefind::api::PagefindIndex, String> {
    use pagefind::options::PagefindServiceConfig;
    let config = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        .exclude_selectors(EXCLUDE.iter().map(|s| s.to_string()).collect())
        .build();
    pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| format!("search: {e}"))
}

/// The gzip level of the index, fragment and filter files. Pagefind uses 9; 6 takes about a
/// third of the time (the gzip was 7 % of a 1,000-recipe build's CPU, in the tail after rendering)
/// for a bundle 0.1 % larger (4,192,720 → 4,196,193 bytes at 1,000 recipes). Unzipped, the files
/// are the same.
#[cfg(pagefind_parallel)]
const INDEX_GZIP_LEVEL: u32 = 6;

/// A record that is not an HTML page (a Spark property), as Pagefind takes it.
struct Record {
    url: String,
    content: String,
    language: String,
    meta: std::collections::BTreeMap<String, String>,
    filters: std::collections::BTreeMap<String, Vec<String>>,
}

impl Record {
    fn of_property(p: PropertyRecord, language: &str) -> Record {
        let meta = [("title", p.title), ("kind", "property".to_string())];
        let filters = [("kind", vec!["property".to_string()]), ("spark", p.lines)];
        Record {
            url: p.url,
            content: p.content,
            language: language.to_string(),
            meta: meta.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            filters: filters
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

/// How pages reach the vendored Pagefind (vendor/pagefind): parsed into words on the thread that
/// hands them over, added in site order, and the index built without copying them.
#[cfg(pagefind_parallel)]
mod feed {
    use super::{Doc, Record};
    use pagefind::api::{FossickedPage, PageFossicker, PagefindIndex, SyntheticFile};

    pub type Parser = PageFossicker;
    pub type Page = FossickedPage;

    pub fn parser(index: &PagefindIndex) -> Parser {
        index.page_fossicker()
    }

    pub fn page(parser: &Parser, doc: Doc) -> Result<Page, String> {
        parser
            .html_file(None, Some(doc.url.clone()), doc.html)
            .map_err(|e| format!("search: indexing {}: {e}", doc.url))
    }

    pub fn record(parser: &Parser, r: Record) -> Result<Page, String> {
        let url = r.url.clone();
        parser
            .custom_record(
                r.url,
                r.content,
                r.language,
                Some(r.meta),
                Some(r.filters),
                None,
            )
            .map_err(|e| format!("search: indexing {url}: {e}"))
    }

    pub async fn add(index: &mut PagefindIndex, page: Page) -> Result<(), String> {
        index.add_fossicked_page(page).await;
        Ok(())
    }

    pub async fn files(index: PagefindIndex) -> Result<Vec<SyntheticFile>, String> {
        index
            .into_files(super::INDEX_GZIP_LEVEL)
            .await
            .map_err(|e| e.to_string())
    }
}

/// How pages reach the published Pagefind (a build from the crate package, which cannot carry
/// the vendored one): as HTML, parsed one at a time on the indexer thread.
#[cfg(not(pagefind_parallel))]
mod feed {
    use super::{Doc, Record};
    use pagefind::api::{PagefindIndex, SyntheticFile};

    pub struct Parser;
    pub enum Page {
        Html(Doc),
        Record(Record),
    }

    pub fn parser(_: &PagefindIndex) -> Parser {
        Parser
    }

    pub fn page(_: &Parser, doc: Doc) -> Result<Page, String> {
        Ok(Page::Html(doc))
    }

    pub fn record(_: &Parser, r: Record) -> Result<Page, String> {
        Ok(Page::Record(r))
    }

    pub async fn add(index: &mut PagefindIndex, page: Page) -> Result<(), String> {
        let (url, added) = match page {
            Page::Html(doc) => {
                let added = index.add_html_file(None, Some(doc.url.clone()), doc.html);
                (doc.url, added.await)
            }
            Page::Record(r) => {
                let (url, meta, filters) = (r.url.clone(), Some(r.meta), Some(r.filters));
                let added =
                    index.add_custom_record(r.url, r.content, r.language, meta, filters, None);
                (url, added.await)
            }
        };
        added
            .map(drop)
            .map_err(|e| format!("search: indexing {url}: {e}"))
    }

    pub async fn files(mut index: PagefindIndex) -> Result<Vec<SyntheticFile>, String> {
        index.get_files().await.map_err(|e| e.to_string())
    }
}

/// The indexer thread: prepares the property records while the pages render, adds the pages in
/// position order as they arrive, then the property records, and returns the bundle's files.
/// Pagefind is async; it runs on a current-thread runtime here, so it also works when the caller
/// is inside a tokio runtime (`serve`).
fn build_bundle(
    mut index: pagefind::api::PagefindIndex,
    receiver: std::sync::mpsc::Receiver<(usize, Result<feed::Page, String>)>,
    pages: usize,
    properties: Vec<PropertyRecord>,
    language: &str,
) -> Result<Bundle, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("search: cannot start the indexing runtime: {e}"))?;
    let parser = feed::parser(&index);
    let properties: Vec<feed::Page> = properties
        .into_iter()
        .map(|p| feed::record(&parser, Record::of_property(p, language)))
        .collect::<Result<_, _>>()?;
    runtime.block_on(async move {
        // Pages that arrived before the ones ahead of them in site order.
        let mut waiting: std::collections::BTreeMap<usize, feed::Page> = Default::default();
        let mut next = 0;
        while next < pages {
            let Ok((position, page)) = receiver.recv() else {
                return Err(format!(
                    "search: only {next} of {pages} pages reached the indexer"
                ));
            };
            waiting.insert(position, page?);
            while let Some(page) = waiting.remove(&next) {
                feed::add(&mut index, page).await?;
                next += 1;
            }
        }
        for record in properties {
            feed::add(&mut index, record).await?;
        }
        let files = feed::files(index)
            .await
            .map_err(|e| format!("search: building the index: {e}"))?;
        Ok(files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| !name.starts_with("playground/"))
            .collect())
    })
}

/// The Spark versions a page is about (`3.5`, `4.1`), for the `spark` filter.
fn spark_versions(site: &Site, r: PageRef) -> Vec<String> {
    let mut v: Vec<String> = match r {
        PageRef::Recipe(i) => site.recipes[i].spark.clone(),
        PageRef::Issue(i) => site.issues[i].spark.clone(),
        PageRef::Preset(i) => vec![site.preset_spark_version(i)],
        PageRef::Notebook(_) | PageRef::Script(_) => Vec::new(),
    };
    v.retain(|s| !s.trim().is_empty());
    v.iter_mut().for_each(|s| *s = s.trim().to_string());
    v.sort();
    v.dedup();
    v
}

/// Prepares a rendered, post-processed content page for [`Indexer::add`]: its `<main>` marked as
/// the body, with the page's meta and filters appended (inside `data-pagefind-ignore`, so they
/// are captured but not indexed as text), and nothing else Pagefind would only parse to skip:
/// what lies outside `<main>` and the highlighting spans in code blocks (their text stays). The
/// index is byte-identical to the one built from the whole page, and Pagefind, which indexes one
/// page at a time, parses about a third of the markup.
pub fn prepare(site: &Site, r: PageRef, html: &str) -> Result<Doc, String> {
    let kind = r.kind().as_str();
    let mut extra = String::from("<div data-pagefind-ignore hidden>");
    extra.push_str(&format!(
        "<span data-pagefind-meta=\"title\">{}</span>",
        escape(&site.title(r))
    ));
    extra.push_str(&format!("<span data-pagefind-meta=\"kind\">{kind}</span><span data-pagefind-filter=\"kind\">{kind}</span>"));
    for v in spark_versions(site, r) {
        extra.push_str(&format!(
            "<span data-pagefind-filter=\"spark\">{}</span>",
            escape(&v)
        ));
    }
    extra.push_str("</div>");
    let url = site.url(r);
    // With one `<main` in the text, only that element is rewritten (a quarter less to parse than
    // the whole page); if the rewrite does not then find exactly one `<main>` element, the whole
    // page is, as before.
    let only_main = match (html.find("<main"), html.rfind("</main>")) {
        (Some(start), Some(end)) if start < end && html.matches("<main").count() == 1 => {
            Some(&html[start..end + "</main>".len()])
        }
        _ => None,
    };
    if let Some(main) = only_main {
        if let Some(html) = main_for_search(main, &extra) {
            return Ok(Doc { url, html });
        }
        if let Some(doc) = rewrite_for_search(main, &extra, &url, false)? {
            return Ok(doc);
        }
    }
    rewrite_for_search(html, &extra, &url, true)?
        .ok_or_else(|| format!("search: preparing {url}: nothing to index"))
}

/// [`prepare`]'s work on a page's `<main>` element without an HTML rewriter, for the markup
/// spark-docs itself writes: one scan that copies the element, marks it as the body, drops the
/// `<span>` tags inside `<pre>` and appends `extra`, giving exactly what [`rewrite_for_search`]
/// gives (`search::tests::main_scanned_for_search_as_the_rewriter_does`) in a sixth of the
/// time. `None` for markup it does not follow through (comments, CDATA, raw-text elements,
/// uppercase or stray quotes in tags, a `<pre>` in a `<pre>`, unbalanced tags): the rewriter then
/// does the work.
fn main_for_search(main: &str, extra: &str) -> Option<String> {
    // Elements whose text the tokenizer reads as raw text (no tags inside).
    const RAW_TEXT: &[&str] = &[
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
    ];
    let inner = main.strip_suffix("</main>")?;
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(main.len() + extra.len() + 64);
    out.push_str("<html><body>");
    let (mut i, mut copied) = (0, 0);
    let (mut in_pre, mut spans_in_pre) = (false, 0usize);
    let mut main_open = false;
    while let Some(lt) = inner[i..].find('<').map(|at| at + i) {
        let rest = &bytes[lt + 1..];
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if matches!(rest.first(), Some(b'!' | b'?')) {
            return None;
        }
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            if closing {
                return None; // `</` without a tag name: a bogus comment
            }
            // `<` not opening a tag is text.
            i = lt + 1;
            continue;
        }
        let name = &inner[name_start..name_start + name_len];
        if name.bytes().any(|b| b.is_ascii_uppercase()) || RAW_TEXT.contains(&name) {
            return None;
        }
        // The tag ends at the first `>` outside a quoted attribute value.
        let mut j = name_start + name_len;
        let mut after_equals = false;
        let end = loop {
            match bytes.get(j)? {
                b'>' => break j + 1,
                b'=' => after_equals = true,
                q @ (b'"' | b'\'') => {
                    if !after_equals {
                        return None;
                    }
                    j += 1 + inner[j + 1..].find(*q as char)?;
                    after_equals = false;
                }
                b if b.is_ascii_whitespace() => {}
                _ => after_equals = false,
            }
            j += 1;
        };
        match (name, closing) {
            ("main", false) if !main_open && lt == 0 => {
                // The rewriter writes a start tag it changed anew, one space between
                // attributes, and replaces a `data-pagefind-body` already there: such tags
                // are left to it.
                let tag = &inner[..end];
                if bytes[end - 2] == b'/'
                    || tag.contains("data-pagefind-body")
                    || tag.contains(|c: char| c.is_ascii_whitespace() && c != ' ')
                    || tag.contains("  ")
                    || tag.ends_with(" >")
                {
                    return None;
                }
                out.push_str(&inner[..end - 1]);
                out.push_str(" data-pagefind-body=\"\">");
                copied = end;
                main_open = true;
            }
            ("main", _) => return None,
            ("pre", false) if !in_pre => in_pre = true,
            ("pre", true) if in_pre && spans_in_pre == 0 => in_pre = false,
            ("pre", _) => return None,
            ("span", _) if in_pre => {
                if closing {
                    spans_in_pre = spans_in_pre.checked_sub(1)?;
                } else if bytes[end - 2] == b'/' {
                    return None;
                } else {
                    spans_in_pre += 1;
                }
                out.push_str(&inner[copied..lt]);
                copied = end;
            }
            _ => {}
        }
        if !main_open {
            return None;
        }
        i = end;
    }
    if in_pre || !main_open {
        return None;
    }
    out.push_str(&inner[copied..]);
    out.push_str(extra);
    out.push_str("</main></body></html>");
    Some(out)
}

/// [`prepare`]'s rewrite of `html` (a whole page, or its `<main>` element alone): `None` when
/// `html` is only the `<main>` element and the rewrite did not find it as one.
fn rewrite_for_search(
    html: &str,
    extra: &str,
    url: &str,
    whole_page: bool,
) -> Result<Option<Doc>, String> {
    use lol_html::{element, html_content::ContentType, rewrite_str, RewriteStrSettings};
    let mut mains = 0;
    let out = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("main", |el| {
                mains += 1;
                if mains == 1 {
                    el.set_attribute("data-pagefind-body", "")?;
                    el.append(extra, ContentType::Html);
                }
                Ok(())
            }))
            .append_element_content_handler(element!("pre span", |el| {
                el.remove_and_keep_content();
                Ok(())
            })),
    )
    .map_err(|e| format!("search: preparing {url}: {e}"))?;
    // With exactly one `<main>`, only it is kept; otherwise the whole page is indexed.
    let html = match (mains, out.find("<main"), out.rfind("</main>")) {
        (1, Some(start), Some(end)) if start < end => {
            format!("<html><body>{}</main></body></html>", &out[start..end])
        }
        _ if whole_page => out,
        _ => return Ok(None),
    };
    let url = url.to_string();
    Ok(Some(Doc { url, html }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::signatures::js_regex;

    #[test]
    fn leading_case_flag_becomes_a_js_flag() {
        assert_eq!(
            js_regex("(?i)connection refused"),
            Some(("connection refused".into(), "i".into()))
        );
        assert_eq!(
            js_regex(r"java\.net\.UnknownHostException"),
            Some((r"java\.net\.UnknownHostException".into(), "".into()))
        );
    }

    #[cfg(pagefind_parallel)]
    /// The patched Pagefind's parallel path (pages parsed by a `PageFossicker` on other threads,
    /// added in order, built by `into_files`) writes the same bundle as its serial API.
    #[test]
    fn pages_parsed_in_parallel_index_as_the_serial_api_does() {
        use rayon::prelude::*;
        let pages: Vec<(String, String)> = (0..40)
            .map(|i| {
                let url = format!("/recipes/r{}/", i % 37); // three URLs added twice
                let body = if i == 5 {
                    String::new() // no words: left out of the index
                } else {
                    format!(
                        "<h1>Recipe {i}</h1><p>executor OOMKilled café naïve spark.executor.memory \
                         {i} shuffle</p><h2 id=\"h{i}\">Fix {i}</h2><p>raise memoryOverhead</p>"
                    )
                };
                let html = format!(
                    "<html><body><main data-pagefind-body>{body}<span \
                     data-pagefind-meta=\"kind\">recipe</span><span \
                     data-pagefind-filter=\"spark\">3.{}</span></main></body></html>",
                    i % 3
                );
                (url, html)
            })
            .collect();
        let record = |i: usize| {
            (
                format!("/properties/4.1/#spark.p{i}"),
                format!("spark.p{i}. A property number {i}."),
            )
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let serial = runtime.block_on(async {
            let mut index = new_index("en").unwrap();
            for (url, html) in &pages {
                index
                    .add_html_file(None, Some(url.clone()), html.clone())
                    .await
                    .unwrap();
            }
            for i in 0..5 {
                let (url, content) = record(i);
                index
                    .add_custom_record(url, content, "en".into(), None, None, None)
                    .await
                    .unwrap();
            }
            index.get_files().await.unwrap()
        });
        let parallel = |level: u32| {
            runtime.block_on(async {
                let mut index = new_index("en").unwrap();
                let fossicker = index.page_fossicker();
                let parsed: Vec<feed::Page> = pages
                    .par_iter()
                    .map(|(url, html)| {
                        fossicker
                            .html_file(None, Some(url.clone()), html.clone())
                            .unwrap()
                    })
                    .collect();
                for page in parsed {
                    index.add_fossicked_page(page).await;
                }
                for i in 0..5 {
                    let (url, content) = record(i);
                    let page = fossicker
                        .custom_record(url, content, "en".into(), None, None, None)
                        .unwrap();
                    index.add_fossicked_page(page).await;
                }
                index.into_files(level).await.unwrap()
            })
        };
        let (best, ours) = (parallel(9), parallel(INDEX_GZIP_LEVEL));
        let files = |files: Vec<pagefind::api::SyntheticFile>| -> Vec<(String, Vec<u8>)> {
            files
                .into_iter()
                .map(|f| (f.filename.to_string_lossy().into_owned(), f.contents))
                .collect()
        };
        let (serial, best, ours) = (files(serial), files(best), files(ours));
        assert!(serial.iter().any(|(name, _)| name.contains("pf_index")));
        let names =
            |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&serial), names(&best));
        assert!(serial == best, "the bundles differ in content");
        // At our gzip level: the same files, the same bytes once unzipped.
        assert_eq!(names(&serial), names(&ours));
        let gunzip = |bytes: &[u8]| {
            use std::io::Read;
            let mut out = Vec::new();
            match flate2::read::GzDecoder::new(bytes).read_to_end(&mut out) {
                Ok(_) => out,
                Err(_) => bytes.to_vec(), // not gzipped (JS, WASM, the entry file)
            }
        };
        for ((name, a), (_, b)) in serial.iter().zip(&ours) {
            assert!(gunzip(a) == gunzip(b), "{name} differs unzipped");
        }
    }

    #[cfg(pagefind_parallel)]
    /// The patched Pagefind keeps each word's indexable words per thread: a thread that has
    /// parsed the same words before (and in another language first) indexes pages exactly as
    /// threads that never saw them.
    #[test]
    fn words_kept_per_thread_index_as_words_made_afresh() {
        let words = "Executor executors OOMKilled café naïve spark.executor.memoryOverhead \
                     shuffle-partitions spark_conf.set fetchFailed running runs 2.5g";
        let pages: Vec<(String, String)> = (0..12)
            .map(|i| {
                let html = format!(
                    "<html><body><main data-pagefind-body><h1>Page {i}</h1><p>{words} {i}</p>\
                     <h2 id=\"h{i}\">Fixing {i}</h2><p>{words}</p></main></body></html>"
                );
                (format!("/recipes/r{i}/"), html)
            })
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bundle = |warm: bool| {
            runtime.block_on(async {
                let mut index = new_index("en").unwrap();
                let fossicker = index.page_fossicker();
                let parsed: Vec<feed::Page> = if warm {
                    // One thread: French pages with the same words first (another stemmer), then
                    // every page twice, the second time from the kept words alone.
                    std::thread::scope(|s| {
                        s.spawn(|| {
                            let french = new_index("fr").unwrap().page_fossicker();
                            for (url, html) in &pages {
                                french
                                    .html_file(None, Some(url.clone()), html.clone())
                                    .unwrap();
                            }
                            for (url, html) in &pages {
                                fossicker
                                    .html_file(None, Some(url.clone()), html.clone())
                                    .unwrap();
                            }
                            pages
                                .iter()
                                .map(|(url, html)| {
                                    fossicker
                                        .html_file(None, Some(url.clone()), html.clone())
                                        .unwrap()
                                })
                                .collect()
                        })
                        .join()
                        .unwrap()
                    })
                } else {
                    // A new thread per page: nothing kept from before.
                    pages
                        .iter()
                        .map(|(url, html)| {
                            std::thread::scope(|s| {
                                s.spawn(|| {
                                    fossicker
                                        .html_file(None, Some(url.clone()), html.clone())
                                        .unwrap()
                                })
                                .join()
                                .unwrap()
                            })
                        })
                        .collect()
                };
                for page in parsed {
                    index.add_fossicked_page(page).await;
                }
                let files = index.into_files(INDEX_GZIP_LEVEL).await.unwrap();
                files
                    .into_iter()
                    .map(|f| (f.filename.to_string_lossy().into_owned(), f.contents))
                    .collect::<Vec<_>>()
            })
        };
        let (afresh, kept) = (bundle(false), bundle(true));
        assert!(afresh.iter().any(|(name, _)| name.contains("pf_index")));
        assert!(afresh == kept, "the bundles differ");
    }

    /// The scan of `<main>` gives what the rewriter gives wherever it answers, and leaves to
    /// the rewriter the markup it does not follow.
    #[test]
    fn main_scanned_for_search_as_the_rewriter_does() {
        let extra =
            "<div data-pagefind-ignore hidden><span data-pagefind-meta=\"title\">T</span></div>";
        let same = [
            "<main id=\"main\" class=\"content\" tabindex=\"-1\"><h1>Title</h1><p>a &lt; b, a < b, <3 and <b>bold</b></p></main>",
            "<main><pre class=\"code\"><code class=\"language-bash\"><span class=\"c\">#!</span><span class=\"k\">helm <span class=\"s\">--set</span></span> x=1\n</code></pre><p><span>kept</span></p></main>",
            "<main><pre><span title=\"a > b\" data-x=\'<span>\'>x</span><a class=\"prop-link\" href=\"/p/#spark.a\" title=\"s\">spark.a</a></pre></main>",
            "<main><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M1 1\"/><circle r=\"2\"/></svg><pre><span>x</span></pre><pre>plain</pre></main>",
            "<main data-x=unquoted class=a><table><tr><td><code><span>in code</span></code></td></tr></table><br/><img alt=\"x\" src=\"/a.png\"></main>",
            "<main><div data-pagefind-body>a body inside</div><p>x</p></main>",
            "<main><h2 id=\"h\">Heading<a class=\"anchor\" href=\"#h\">#</a></h2><pre>\n<span>x</span>\n\n<span><span>y</span></span></pre></main>",
        ];
        for main in same {
            let fast = main_for_search(main, extra).unwrap_or_else(|| panic!("no scan: {main}"));
            let slow = rewrite_for_search(main, extra, "/u/", false)
                .unwrap()
                .unwrap();
            assert_eq!(fast, slow.html, "{main}");
            assert!(!fast[fast.find("<pre").unwrap_or(0)..].contains("<span>x</span>"));
        }
        let left_to_the_rewriter = [
            "<main><!-- a comment --><p>x</p></main>",
            "<main\tid=\"m\"><p>x</p></main>",
            "<main id=\"m\"  class=\"c\"><p>x</p></main>",
            "<main id=\"m\" ><p>x</p></main>",
            "<main><pre><span>x</span><PRE>y</PRE></pre></main>",
            "<main><SPAN>x</SPAN></main>",
            "<main><script>let a = \"<pre>\";</script></main>",
            "<main><pre><pre>x</pre></pre></main>",
            "<main><pre><span>unclosed</pre></main>",
            "<main><pre></span>stray</pre></main>",
            "<main><pre><span/>x</pre></main>",
            "<main><pre><span>x</span></main>",
            "<main data-pagefind-body><p>x</p></main>",
            "<main><p a\"b>x</p></main>",
            "<main><p title=\"unterminated>x</p></main>",
            "<main><p>x</main></main>",
            "<main/><p>x</p></main>",
            "<main><p>x</p></div></",
            "<mainx><p>x</p></main>",
            "<main><svg><![CDATA[ <pre> ]]></svg></main>",
        ];
        for main in left_to_the_rewriter {
            assert_eq!(main_for_search(main, extra), None, "{main}");
        }
    }

    #[test]
    fn language_codes() {
        assert_eq!(language_code("en-GB"), "en");
        assert_eq!(language_code("RU"), "ru");
        assert_eq!(language_code(""), "en");
    }
}
