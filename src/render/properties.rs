//! The Spark property reference pages: `/properties/` (one link per targeted Spark line, with
//! counts) and `/properties/<line>/` (every public property of that line grouped by area, one
//! table row each, anchored by the property name), rendered through the theme's
//! `properties.html` from `model::properties`.

use super::markdown::TocEntry;
use super::{link, Ctx, Page, ThemeError};
use crate::model::properties::{self, entries, Area, Entry, Status};
use crate::model::spark_catalog::Catalog;
use serde_json::{json, Value};
use std::collections::HashSet;

impl Ctx<'_> {
    /// [`Ctx::property_pages`], remembered across `serve` rebuilds: thousands of rows whose
    /// context took longer to build than every recipe. They depend only on the theme, the lines,
    /// the site-wide values every page gets and the findings shown.
    pub(super) fn property_pages_cached(
        &self,
        cat: &Catalog,
        lines: &[String],
    ) -> Result<Vec<Page>, ThemeError> {
        static BUILT: crate::memo::Memo<u128, Vec<Page>> = crate::memo::Memo::new(4);
        if !crate::memo::caching_pages() {
            return self.property_pages(cat, lines);
        }
        let urls = std::iter::once(properties::INDEX_URL.to_string())
            .chain(lines.iter().map(|l| properties::line_url(l)));
        let site: Vec<Value> = urls.map(|u| self.site_value(&u)).collect();
        let site = serde_json::to_vec(&site).unwrap_or_default();
        let crumb = serde_json::to_vec(&self.home_crumb()).unwrap_or_default();
        let key = crate::memo::fingerprint(&[
            &self.theme.id.to_le_bytes(),
            lines.join("\n").as_bytes(),
            &site,
            &crumb,
            &[u8::from(self.show_findings)],
        ]);
        if let Some(pages) = BUILT.get(&key) {
            return Ok(pages);
        }
        let pages = self.property_pages(cat, lines)?;
        BUILT.insert(key, pages.clone());
        Ok(pages)
    }

    /// The index and one page per line in `lines`; none when the site targets no line.
    pub(super) fn property_pages(
        &self,
        cat: &Catalog,
        lines: &[String],
    ) -> Result<Vec<Page>, ThemeError> {
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        let per_line: Vec<(String, Vec<Entry>)> =
            lines.iter().map(|l| (l.clone(), entries(cat, l))).collect();
        let summaries: Vec<Value> = per_line
            .iter()
            .map(|(line, es)| {
                let deprecated = es.iter().filter(|e| e.status != Status::Current).count();
                json!({
                    "line": line,
                    "release": cat.release(line).unwrap_or(line),
                    "url": properties::line_url(line),
                    "count": es.len(),
                    "deprecated": deprecated,
                    "areas": areas(es, false),
                })
            })
            .collect();
        let mut pages = Vec::new();
        let intro = "Every public Spark property of the Spark versions this site targets, read from Spark's own jars: type, default, the release that added it, and what replaces a deprecated one. Property names in code on other pages link here.";
        pages.push(self.render(
            "properties.html",
            "properties",
            properties::INDEX_URL,
            "Spark properties",
            intro,
            vec![self.home_crumb()],
            &[],
            None,
            "",
            json!({"properties": {"line": null, "lines": summaries}}),
        )?);
        for (line, es) in &per_line {
            let release = cat.release(line).unwrap_or(line);
            let title = format!("Spark {line} properties");
            let summary = format!(
                "{} properties of Spark {release}, grouped by area. Each row's link is stable: /properties/{line}/#<property name>.",
                es.len()
            );
            let toc: Vec<TocEntry> = Area::ALL
                .iter()
                .filter(|a| es.iter().any(|e| e.area == **a))
                .map(|a| TocEntry {
                    level: 2,
                    id: a.slug().to_string(),
                    title: a.title().to_string(),
                })
                .collect();
            let mut page = self.render(
                "properties.html",
                "properties",
                &properties::line_url(line),
                &title,
                &summary,
                vec![
                    self.home_crumb(),
                    link("Spark properties", properties::INDEX_URL),
                ],
                &toc,
                None,
                "",
                json!({"properties": {
                    "line": line,
                    "release": release,
                    "count": es.len(),
                    "lines": summaries,
                    "areas": areas(es, true),
                }}),
            )?;
            page.spark_lines = vec![line.clone()];
            pages.push(page);
        }
        Ok(pages)
    }
}

/// The areas that have entries, in page order, with their counts (and rows when `rows`).
fn areas(es: &[Entry], rows: bool) -> Vec<Value> {
    Area::ALL
        .iter()
        .filter_map(|a| {
            let mine: Vec<&Entry> = es.iter().filter(|e| e.area == *a).collect();
            if mine.is_empty() {
                return None;
            }
            let mut v = json!({"title": a.title(), "slug": a.slug(), "count": mine.len()});
            if rows {
                let on_page: HashSet<&str> = es.iter().map(|e| e.key.as_str()).collect();
                v["entries"] = mine.iter().map(|e| row(e, &on_page)).collect();
            }
            Some(v)
        })
        .collect()
}

/// One row; `on_page`: the keys with a row on the same page (a replacement links to its row only
/// when it has one).
fn row(e: &Entry, on_page: &HashSet<&str>) -> Value {
    let (status, status_since, replacement) = match &e.status {
        Status::Current => ("", None, None),
        Status::Deprecated { since, replacement } => {
            ("deprecated", since.as_ref(), replacement.as_ref())
        }
        Status::Removed { since, replacement } => ("removed", since.as_ref(), replacement.as_ref()),
    };
    json!({
        "key": e.key,
        "anchor": properties::anchor(&e.key),
        "type": e.value_type.map(|t| t.as_str()).unwrap_or(""),
        "default": e.default.as_deref().unwrap_or(""),
        "fallback": e.default.as_deref().and_then(|d| d.strip_prefix("<value of ")).and_then(|d| d.strip_suffix('>')).unwrap_or(""),
        "since": e.since.as_deref().unwrap_or(""),
        "doc": e.doc.as_deref().unwrap_or(""),
        "values": e.values,
        "static": e.is_static,
        "literal": e.literal,
        "status": status,
        "status_since": status_since.map_or("", String::as_str),
        "replacement": replacement.map_or("", String::as_str),
        "replacement_anchor": replacement
            .filter(|r| on_page.contains(r.as_str()))
            .map_or("", |r| properties::anchor(r)),
    })
}
