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

/// One page to index: its URL and the HTML prepared for Pagefind.
struct Doc {
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

/// [`index`] that leaves `files` alone (so they can be written to disk meanwhile) and puts the
/// bundle and the signatures file into `into`.
pub fn index_into(site: &Site, files: &Output, into: &mut Output) -> Result<SearchStats, String> {
    let started = Instant::now();
    let pages: Vec<(PageRef, String)> = site
        .all_pages()
        .into_iter()
        .map(|r| (r, site.url(r)))
        .filter(|(_, url)| files.contains_key(&output_path(url)))
        .collect();
    let language = language_code(&site.config.site.language);
    let properties = property_records(site);
    let property_count = properties.len();
    // Pagefind is async. Run it on a current-thread runtime on a thread of its own, so `index`
    // also works when the caller is already inside a tokio runtime (e.g. `serve`).
    let prepare = |batch: &[(PageRef, String)]| -> Result<Vec<Doc>, String> {
        use rayon::prelude::*;
        batch
            .par_iter()
            .map(|(r, url)| {
                let html = String::from_utf8_lossy(&files[&output_path(url)]);
                annotate(&html, site, *r).map(|html| Doc {
                    html,
                    url: url.clone(),
                })
            })
            .collect()
    };
    let bundle = std::thread::scope(|s| {
        s.spawn(|| build_bundle(&pages, prepare, properties, &language))
            .join()
    })
    .map_err(|_| "the search indexer panicked".to_string())??;
    let mut stats = SearchStats {
        pages: pages.len(),
        properties: property_count,
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
    stats.millis = started.elapsed().as_millis();
    Ok(stats)
}

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

/// Pages are prepared for Pagefind a batch at a time on every core and fed to it as they come,
/// so only one batch of prepared copies is held at once.
const BATCH: usize = 64;

fn build_bundle(
    pages: &[(PageRef, String)],
    prepare: impl Fn(&[(PageRef, String)]) -> Result<Vec<Doc>, String>,
    properties: Vec<PropertyRecord>,
    language: &str,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("search: cannot start the indexing runtime: {e}"))?;
    runtime.block_on(async move {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .exclude_selectors(EXCLUDE.iter().map(|s| s.to_string()).collect())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| format!("search: {e}"))?;
        for batch in pages.chunks(BATCH) {
            for doc in prepare(batch)? {
                index
                    .add_html_file(None, Some(doc.url.clone()), doc.html)
                    .await
                    .map_err(|e| format!("search: indexing {}: {e}", doc.url))?;
            }
        }
        for p in properties {
            let meta = [("title", p.title), ("kind", "property".to_string())]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            let filters = [("kind", vec!["property".to_string()]), ("spark", p.lines)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            index
                .add_custom_record(
                    p.url.clone(),
                    p.content,
                    language.to_string(),
                    Some(meta),
                    Some(filters),
                    None,
                )
                .await
                .map_err(|e| format!("search: indexing {}: {e}", p.url))?;
        }
        let files = index
            .get_files()
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

/// The page as Pagefind should see it: `<main>` marked as the body, plus hidden meta and filters
/// (inside `data-pagefind-ignore`, so they are captured but not indexed as text).
fn annotate(html: &str, site: &Site, r: PageRef) -> Result<String, String> {
    use lol_html::{element, html_content::ContentType, rewrite_str, RewriteStrSettings};
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
    let mut done = false;
    let out = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("main", |el| {
            if !done {
                done = true;
                el.set_attribute("data-pagefind-body", "")?;
                el.append(&extra, ContentType::Html);
            }
            Ok(())
        })),
    )
    .map_err(|e| format!("search: preparing {}: {e}", site.url(r)))?;
    Ok(out)
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

    #[test]
    fn language_codes() {
        assert_eq!(language_code("en-GB"), "en");
        assert_eq!(language_code("RU"), "ru");
        assert_eq!(language_code(""), "en");
    }
}
