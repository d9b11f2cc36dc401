//! The quick-reference card PDF (feature `pdf`): the card's data (`render::quickref`) typeset by
//! Typst, used as a library, through the theme's `quickref.typ`, with embedded fonts only (no
//! system fonts, so every machine produces the same bytes). When the card runs past
//! [`MAX_PAGES`], the lowest-priority entries are dropped (`render::quickref::drop_order`) until
//! it fits, and a `quickref-truncated` warning says what went.

use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::model::Site;
use crate::render::quickref::{self, apply_drops, drop_order};
use crate::render::{Output, ThemeError};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// The default theme's card template, compiled into the binary.
pub const DEFAULT_TEMPLATE: &str = include_str!("../themes/default/quickref.typ");
/// Where a site overrides it, relative to `<root>/themes/<theme>/`.
pub const TEMPLATE_NAME: &str = "quickref.typ";
/// The card must fit on this many pages; beyond, entries are dropped.
pub const MAX_PAGES: usize = 2;

/// The template a site uses: its override if present, else the built-in one.
pub struct Template {
    pub text: String,
    /// Shown in messages: the override's path relative to the root, or the built-in name.
    pub label: String,
    /// The override's directory: other files the template reads or imports come from there.
    pub dir: Option<PathBuf>,
}

impl Template {
    pub fn builtin() -> Template {
        Template {
            text: DEFAULT_TEMPLATE.to_string(),
            label: "themes/default/quickref.typ (built-in)".into(),
            dir: None,
        }
    }

    /// `<root>/themes/<theme>/quickref.typ` when the site has one, else the built-in template.
    pub fn for_site(site: &Site) -> Result<Template, ThemeError> {
        let dir = site
            .config
            .root
            .join("themes")
            .join(&site.config.site.theme);
        let path = dir.join(TEMPLATE_NAME);
        if !path.is_file() {
            return Ok(Template::builtin());
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| ThemeError(format!("cannot read {}: {e}", path.display())))?;
        let label = path
            .strip_prefix(&site.config.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        Ok(Template {
            text,
            label,
            dir: Some(dir),
        })
    }
}

/// A compiled card.
pub struct Card {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// Builds `quickref.pdf` into `files`; returns the `quickref-truncated` warning when entries had
/// to be dropped. A template that does not compile is a theme (configuration) error.
pub fn quickref(site: &Site, files: &mut Output) -> Result<Vec<Finding>, ThemeError> {
    let template = Template::for_site(site)?;
    let date = crate::util::date::build_date();
    let data = quickref::data(site, &date);
    let fitted = fit(&template, &data, &date, MAX_PAGES);
    // Typst memoizes every layout the fit search made, process-wide, until evicted. A single
    // build needs none of them again (at 5,000 recipes they held ~20 MB through the search
    // index's build, the peak); `serve` keeps what the last few cards used, as Typst's own
    // watch mode does.
    typst::comemo::evict(if crate::memo::caching_pages() { 10 } else { 0 });
    let (card, dropped) = fitted?;
    files.insert(quickref::PDF_FILE.into(), card.pdf);
    let mut findings = Vec::new();
    if let Some(notes) = dropped {
        let file = if template.dir.is_some() {
            template.label.clone()
        } else {
            site.config
                .file
                .strip_prefix(&site.config.root)
                .unwrap_or(&site.config.file)
                .display()
                .to_string()
        };
        findings.push(
            Finding::warning(
                Code::QuickrefTruncated,
                file,
                0,
                0,
                format!("the quick-reference card does not fit on {MAX_PAGES} pages; left out of quickref.pdf: {notes}"),
            )
            .with_help(format!(
                "the HTML card at {} keeps everything; shorten `quickref:` lines or summaries, or override {TEMPLATE_NAME} with a denser layout",
                quickref::URL
            )),
        );
    }
    Ok(findings)
}

/// Below this many droppable entries the whole card is laid out first: it usually fits, and one
/// compile is the cheapest answer.
const LAY_OUT_ALL_FIRST: usize = 128;

/// Compiles the card, dropping the fewest lowest-priority entries that make it fit on
/// `max_pages`. Returns the card and, when something was dropped, a description of what.
///
/// A compile costs in proportion to what it lays out, so on a large site (thousands of
/// `quickref:` entries, far more than fit) the search never lays out everything: it keeps the
/// 64 highest-priority entries, then 128, 256, … until a card no longer fits, then bisects
/// between the last two counts. The result is the same as bisecting over the drop count (the
/// most entries that fit, in priority order), for a few compiles of about what fits.
pub fn fit(
    template: &Template,
    data: &Value,
    date: &str,
    max_pages: usize,
) -> Result<(Card, Option<String>), ThemeError> {
    let order = drop_order(data);
    let n = order.len();
    // Probes only lay the card out (page count); the PDF is exported once, for the card kept.
    let probe = |keep: usize| -> Result<Option<(Laid, Value)>, ThemeError> {
        let trimmed = apply_drops(data, &order, n - keep);
        let laid = layout(template, &trimmed, date)?;
        Ok((laid.pages <= max_pages).then_some((laid, trimmed)))
    };
    // The card with nothing dropped, when it fits.
    let lay_out_all = || -> Result<Option<Card>, ThemeError> {
        let full = layout(template, data, date)?;
        Ok(if full.pages <= max_pages {
            Some(full.export(template)?)
        } else {
            None
        })
    };
    // `best` keeps `fits` entries; keeping `too_many` does not fit. A small card is laid out
    // whole first (it usually fits: one compile); a large one starts from 64 entries.
    let mut best: Option<(Laid, Value)> = None;
    let mut fits = 0;
    let mut keep = if n <= LAY_OUT_ALL_FIRST { n } else { 64 };
    let mut too_many = loop {
        if keep == n {
            if let Some(card) = lay_out_all()? {
                return Ok((card, None));
            }
            break n;
        }
        match probe(keep)? {
            Some(found) => {
                best = Some(found);
                fits = keep;
                keep = (keep * 2).min(n);
            }
            None => break keep,
        }
    };
    while too_many - fits > 1 {
        let mid = fits + (too_many - fits) / 2;
        match probe(mid)? {
            Some(found) => {
                best = Some(found);
                fits = mid;
            }
            None => too_many = mid,
        }
    }
    let (laid, trimmed) = match best {
        Some(b) => b,
        // Even with every droppable entry gone it does not fit: write the shortest card.
        None => {
            let trimmed = apply_drops(data, &order, order.len());
            (layout(template, &trimmed, date)?, trimmed)
        }
    };
    let card = laid.export(template)?;
    let notes: Vec<String> = trimmed["truncated"]["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut msg = notes.join(", ");
    if card.pages > max_pages {
        msg.push_str(&format!(" (and it still takes {} pages)", card.pages));
    }
    Ok((card, Some(msg)))
}

/// A card laid out but not yet exported: enough to count its pages.
struct Laid {
    world: CardWorld,
    doc: PagedDocument,
    pages: usize,
}

impl Laid {
    /// The PDF of the laid-out card.
    fn export(self, template: &Template) -> Result<Card, ThemeError> {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom("spark-docs-quickref".into()),
            timestamp: self.world.date.map(typst_pdf::Timestamp::new_utc),
            ..Default::default()
        };
        let pdf = typst_pdf::pdf(&self.doc, &options)
            .map_err(|errors| ThemeError(self.world.describe(template, errors.as_slice())))?;
        Ok(Card {
            pdf,
            pages: self.pages,
        })
    }
}

/// Lays `template` out over `data` (no PDF yet).
fn layout(template: &Template, data: &Value, date: &str) -> Result<Laid, ThemeError> {
    let world = CardWorld::new(template, data, date);
    let warned = typst::compile::<PagedDocument>(&world);
    let doc = warned
        .output
        .map_err(|errors| ThemeError(world.describe(template, errors.as_slice())))?;
    let pages = doc.pages().len();
    Ok(Laid { world, doc, pages })
}

/// One compile of `template` over `data`: the PDF bytes and the page count.
pub fn compile(template: &Template, data: &Value, date: &str) -> Result<Card, ThemeError> {
    layout(template, data, date)?.export(template)
}

fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

/// The whole world a card sees: its template as `/quickref.typ`, the data as `/data.json`,
/// files beside a site's override, the embedded fonts and a fixed date.
struct CardWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    dir: Option<PathBuf>,
    date: Option<Datetime>,
}

impl CardWorld {
    fn new(template: &Template, data: &Value, date: &str) -> CardWorld {
        let main = Source::new(file_id("/quickref.typ"), template.text.clone());
        let ymd: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
        let date = match ymd[..] {
            [y, m, d] => Datetime::from_ymd(y as i32, m as u8, d as u8),
            _ => None,
        };
        CardWorld {
            main,
            data_id: file_id("/data.json"),
            data: Bytes::from_string(serde_json::to_string(data).unwrap_or_default()),
            dir: template.dir.clone(),
            date,
        }
    }

    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        let Some(dir) = &self.dir else {
            return Err(FileError::NotFound(PathBuf::from(
                id.vpath().get_with_slash(),
            )));
        };
        let path = id.vpath().realize(dir).map_err(FileError::Realize)?;
        std::fs::read(&path).map_err(|e| FileError::from_io(e, &path))
    }

    /// Typst errors as `label:line:column: message` lines, with hints.
    fn describe(&self, template: &Template, errors: &[SourceDiagnostic]) -> String {
        let mut out = format!(
            "the quick-reference card template {} does not compile:",
            template.label
        );
        for e in errors.iter().filter(|e| e.severity == Severity::Error) {
            let location = e
                .span
                .id()
                .and_then(|id| {
                    let source = self.source(id).ok()?;
                    let range = self.range(e.span)?;
                    let (line, col) = source.lines().byte_to_line_column(range.start)?;
                    let file = if id == self.main.id() {
                        template.label.trim_end_matches(" (built-in)").to_string()
                    } else {
                        match &self.dir {
                            Some(dir) => {
                                display_rel(dir, id.vpath().get_without_slash(), &template.label)
                            }
                            None => id.vpath().get_without_slash().to_string(),
                        }
                    };
                    Some(format!("{file}:{}:{}", line + 1, col + 1))
                })
                .unwrap_or_else(|| template.label.clone());
            out.push_str(&format!("\n  {location}: {}", e.message));
            for hint in &e.hints {
                out.push_str(&format!("\n    hint: {}", hint.v));
            }
        }
        out
    }
}

/// A file beside the override, shown relative to the site root like the override's label.
fn display_rel(dir: &Path, rel: &str, label: &str) -> String {
    match Path::new(label).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join(rel).display().to_string(),
        _ => dir.join(rel).display().to_string(),
    }
}

impl World for CardWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        fonts().book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.read(id)?;
        let text = String::from_utf8(bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.read(id).map(Bytes::new)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.date
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Many more entries than fit (the galloping search): the card keeps the most rows that fit,
    /// in priority order — one more would not fit — and says how many it left out.
    #[test]
    fn fit_keeps_the_most_entries_that_fit_on_a_large_card() {
        let template = Template {
            text: "#let data = json(\"data.json\")\n#set page(paper: \"a7\", margin: 4pt)\n#set text(size: 5pt)\n#for r in data.troubleshooting [#r.title \\\n]\n".into(),
            label: "test.typ".into(),
            dir: None,
        };
        for rows in [300, 90] {
            let data = json!({
                "troubleshooting": (0..rows).map(|i| json!({"title": format!("row {i}")})).collect::<Vec<_>>(),
                "presets": [],
                "issues": [],
                "truncated": {"count": 0, "notes": []},
            });
            let (card, notes) = fit(&template, &data, "2026-12-07", 2).unwrap();
            assert!(card.pages <= 2);
            let order = drop_order(&data);
            let dropped = (0..=rows)
                .find(|&d| {
                    let trimmed = apply_drops(&data, &order, d);
                    layout(&template, &trimmed, "2026-12-07").unwrap().pages <= 2
                })
                .unwrap();
            let kept = layout(
                &template,
                &apply_drops(&data, &order, dropped),
                "2026-12-07",
            )
            .unwrap()
            .export(&template)
            .unwrap();
            assert_eq!(
                card.pdf, kept.pdf,
                "{rows} rows: not the card with the fewest drops ({dropped})"
            );
            assert!(
                dropped > 0 && notes.is_some(),
                "{rows} rows: {dropped} dropped, {notes:?}"
            );
        }
    }
}
