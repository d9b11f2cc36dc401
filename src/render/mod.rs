//! render: turns the model into HTML pages (Tera templates over JSON contexts), raw downloads,
//! static theme files and the sitemap. URLs stay site-absolute here; `post` adds the base path.

use crate::check::codes::Code;
pub mod highlight;
pub mod markdown;
mod properties;
pub mod quickref;
pub mod safe_html;
pub mod templates;

use crate::diagnostics::Finding;
use crate::load::notebook::CellKind;
use crate::model::presets::{
    flatten, lookup, preset_components, preset_key_settings, scenario_external_components,
    COMPONENTS,
};
use crate::model::{self, category_title, PageRef, Site, SourceKind};
use markdown::{LinkContext, TocEntry};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
pub use templates::{Theme, ThemeError};

/// Every file of the built site: output-relative path → bytes.
pub type Output = BTreeMap<String, Vec<u8>>;

/// One rendered page before post-processing.
#[derive(Clone)]
pub struct Page {
    pub url: String,
    pub html: String,
    /// The Spark lines the page is about: property names in its code link to their entries.
    pub spark_lines: Vec<String>,
}

struct Ctx<'a> {
    site: &'a Site,
    theme: &'a Theme,
    issue_ids: HashSet<String>,
    nav_kinds: Vec<SourceKind>,
    categories: Vec<(String, Vec<usize>)>,
    /// Findings by file, shown in a banner on that file's page (`build --keep-going`).
    findings_by_file: BTreeMap<&'a str, Vec<&'a Finding>>,
    /// Whether pages show their findings (`--keep-going` builds).
    show_findings: bool,
}

/// A page of the site that is no content page, in the order the site lists them.
enum Other<'a> {
    Home,
    Quickref,
    Kind(SourceKind),
    Category(&'a str, &'a [usize]),
    #[cfg(feature = "search")]
    Search,
    NotFound,
    /// `/health/` (`--keep-going` builds).
    Health,
}

/// Pages rendered by the theme, by template and context (`serve` rebuilds only).
pub static RENDERED: crate::memo::PageCache = crate::memo::PageCache::new();

/// What happens to each content page (recipe, issue, preset, notebook, script) as soon as it is
/// rendered, on the thread that rendered it: given its position in [`Site::all_pages`], it
/// returns the file to keep (path and bytes), or `None` when it has written the page itself.
pub type ContentSink<'a, E> =
    dyn Fn(usize, PageRef, Page) -> Result<Option<(String, Vec<u8>)>, E> + Sync + 'a;

/// Renders every page of the site. Content pages go through `finish` as they are rendered (on
/// every core) and into the returned files; the other pages are returned, with the non-HTML
/// files (raw sources, static, sitemap). With `findings` (a `--keep-going` build), each page
/// shows its own findings in a banner and a `/health/` page lists them all.
pub fn render_site<E: From<ThemeError> + Send>(
    site: &Site,
    theme: &Theme,
    findings: &[Finding],
    show_findings: bool,
    finish: &ContentSink<E>,
) -> Result<(Vec<Page>, Output), E> {
    let mut findings_by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        findings_by_file.entry(f.file.as_str()).or_default().push(f);
    }
    let ctx = Ctx {
        findings_by_file,
        show_findings,
        site,
        theme,
        issue_ids: site.issue_index.keys().cloned().collect(),
        nav_kinds: site.configured_kinds(),
        categories: site.categories(),
    };
    let mut files = Output::new();
    // Pages are independent of each other: the content pages, the site's other pages and the
    // property reference render at the same time, on every core.
    let all = site.all_pages();
    let cat = crate::model::spark_catalog::catalog();
    let mut others = vec![Other::Home, Other::Quickref];
    others.extend(ctx.nav_kinds.iter().map(|k| Other::Kind(*k)));
    others.extend(
        ctx.categories
            .iter()
            .map(|(c, items)| Other::Category(c, items)),
    );
    #[cfg(feature = "search")]
    others.push(Other::Search);
    others.push(Other::NotFound);
    if show_findings {
        others.push(Other::Health);
    }
    let (finished, (others, properties)) = rayon::join(
        || {
            all.par_iter()
                .enumerate()
                .map(|(position, r)| {
                    let mut page = ctx.page(*r)?;
                    page.spark_lines = site.page_spark_lines(*r, cat);
                    finish(position, *r, page)
                })
                .collect::<Result<Vec<Option<(String, Vec<u8>)>>, E>>()
        },
        || {
            rayon::join(
                || {
                    others
                        .par_iter()
                        .map(|o| ctx.other(o, findings))
                        .collect::<Result<Vec<Page>, ThemeError>>()
                },
                || ctx.property_pages_cached(cat, &site.spark_lines(cat)),
            )
        },
    );
    let (finished, mut others, properties) = (finished?, others?, properties?);
    // Site order: home and card page, content pages, then the property reference and the rest.
    let rest = others.split_off(2);
    let mut pages = others;
    let mut urls: Vec<String> = pages.iter().map(|p| p.url.clone()).collect();
    urls.extend(all.iter().map(|r| site.url(*r)));
    files.extend(finished.into_iter().flatten());
    let first_other = pages.len();
    pages.extend(properties);
    for r in all {
        if let Some(raw) = site.raw_url(r) {
            files.insert(
                raw.trim_start_matches('/').to_string(),
                site.source(r).text.clone().into_bytes(),
            );
        }
    }
    pages.extend(rest);
    for (name, bytes) in &theme.static_files {
        files.insert(format!("static/{name}"), bytes.clone());
    }
    urls.extend(pages[first_other..].iter().map(|p| p.url.clone()));
    files.insert("sitemap.xml".into(), sitemap(site, &urls).into_bytes());
    Ok((pages, files))
}

/// The sitemap of the pages at `urls` (those ending in `/`), in site order.
fn sitemap(site: &Site, urls: &[String]) -> String {
    let base = site.config.absolute_base();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for url in urls.iter().filter(|u| u.ends_with('/')) {
        s.push_str(&format!(
            "  <url><loc>{}{}</loc></url>\n",
            highlight::escape(&base),
            highlight::escape(url.trim_start_matches('/'))
        ));
    }
    s.push_str("</urlset>\n");
    s
}

/// Output path of a page URL: `/a/b/` → `a/b/index.html`, `/404.html` → `404.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// The first paragraph of a comment-block description, joined into one line.
fn first_paragraph(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn finding_value(f: &Finding) -> Value {
    json!({"severity": f.severity.as_str(), "code": f.code, "file": f.file, "line": f.line, "column": f.column, "message": f.message, "help": f.help.clone().unwrap_or_default()})
}

fn css_class(s: &str) -> String {
    crate::util::slug::slugify(s)
}

fn link(title: impl Into<String>, url: impl Into<String>) -> Value {
    json!({"title": title.into(), "url": url.into()})
}

fn is_resolved(status: &str) -> bool {
    let s = status.to_ascii_lowercase();
    s.contains("resolved") || s.contains("closed") || s.contains("fixed") || s.contains("done")
}

impl Ctx<'_> {
    fn link_ctx<'a>(&'a self, rel: &'a str) -> LinkContext<'a> {
        LinkContext {
            source_rel: rel,
            file_urls: &self.site.file_urls,
            issue_ids: &self.issue_ids,
            raw_html: self.site.config.site.markdown.raw_html,
            repo_files: &self.site.repo_files,
        }
    }

    fn edit_url(&self, rel: &str) -> String {
        let repo = self.site.config.site.repo_url.trim_end_matches('/');
        if repo.is_empty() {
            return String::new();
        }
        let branch = &self.site.config.site.repo_branch;
        if repo.contains("gitlab") {
            format!("{repo}/-/edit/{branch}/{rel}")
        } else {
            format!("{repo}/edit/{branch}/{rel}")
        }
    }

    fn nav(&self, url: &str) -> Value {
        let items: Vec<Value> = self
            .nav_kinds
            .iter()
            .map(|&kind| {
                let kurl = kind.url();
                let children: Vec<Value> = if kind == SourceKind::Recipes {
                    self.categories
                        .iter()
                        .map(|(c, items)| {
                            let curl = format!("/recipes/{c}/");
                            json!({"title": category_title(c), "url": curl, "count": items.len(), "active": url.starts_with(&curl)})
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                json!({
                    "title": kind.title(),
                    "url": kurl,
                    "count": self.site.kind_count(kind),
                    "active": url.starts_with(&kurl),
                    "children": children,
                })
            })
            .collect();
        Value::Array(items)
    }

    fn site_value(&self, url: &str) -> Value {
        let c = &self.site.config.site;
        json!({
            "title": c.title,
            "description": c.description,
            "language": c.language,
            "base_url": self.site.config.absolute_base(),
            "repo_url": c.repo_url,
            "generator": format!("spark-docs {}", env!("CARGO_PKG_VERSION")),
            "search": cfg!(feature = "search"),
            "nav": self.nav(url),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        template: &str,
        kind: &str,
        url: &str,
        title: &str,
        summary: &str,
        breadcrumbs: Vec<Value>,
        toc: &[TocEntry],
        edit_rel: Option<&str>,
        content: &str,
        extra: Value,
    ) -> Result<Page, ThemeError> {
        let mut root = json!({
            "site": self.site_value(url),
            "page": {
                "kind": kind,
                "title": title,
                "url": url,
                "summary": summary,
                "breadcrumbs": breadcrumbs,
                "toc": if toc.len() >= 2 { toc } else { &[] },
                "edit_url": edit_rel.map(|r| self.edit_url(r)).unwrap_or_default(),
                "content": content,
                "findings": edit_rel.map(|r| self.page_findings(r)).unwrap_or_default(),
            },
        });
        if let (Some(obj), Value::Object(more)) = (root.as_object_mut(), extra) {
            obj.extend(more);
        }
        // `serve` rebuilds: a page whose template and context are unchanged is not rendered again.
        let key = crate::memo::caching_pages().then(|| {
            let context = serde_json::to_vec(&root).unwrap_or_default();
            crate::memo::fingerprint(&[&self.theme.id.to_le_bytes(), template.as_bytes(), &context])
        });
        let html = RENDERED.get_or_try_insert(key, || {
            let context = tera::Context::from_value(root).map_err(|e| ThemeError(e.to_string()))?;
            self.theme.render(template, &context)
        })?;
        Ok(Page {
            url: url.to_string(),
            html: html.to_string(),
            spark_lines: Vec::new(),
        })
    }

    fn page_findings(&self, rel: &str) -> Vec<Value> {
        if !self.show_findings {
            return Vec::new();
        }
        self.findings_by_file
            .get(rel)
            .map(|fs| fs.iter().map(|f| finding_value(f)).collect())
            .unwrap_or_default()
    }

    fn other(&self, page: &Other, findings: &[Finding]) -> Result<Page, ThemeError> {
        match page {
            Other::Home => self.home(),
            Other::Quickref => self.quickref_page(),
            Other::Kind(kind) => self.kind_index(*kind),
            Other::Category(cat, items) => self.category(cat, items),
            #[cfg(feature = "search")]
            Other::Search => self.search_page(),
            Other::NotFound => self.not_found(),
            Other::Health => self.health(findings),
        }
    }

    /// `/health/`: every finding grouped by page, with counts per rule.
    fn health(&self, findings: &[Finding]) -> Result<Page, ThemeError> {
        let site = self.site;
        let url_of: std::collections::HashMap<&str, (String, String)> = site
            .all_pages()
            .into_iter()
            .map(|r| (site.source(r).rel.as_str(), (site.title(r), site.url(r))))
            .collect();
        let mut groups: Vec<Value> = Vec::new();
        for (file, fs) in &self.findings_by_file {
            let (title, url) = url_of
                .get(file)
                .cloned()
                .unwrap_or_else(|| (file.to_string(), String::new()));
            groups.push(json!({"file": file, "title": title, "url": url, "findings": fs.iter().map(|f| finding_value(f)).collect::<Vec<_>>()}));
        }
        let mut rules: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for f in findings {
            let e = rules
                .entry(f.code.as_str())
                .or_insert((0, f.severity.as_str()));
            e.0 += 1;
        }
        let rules: Vec<Value> = rules.into_iter().map(|(code, (count, severity))| json!({"code": code, "count": count, "severity": severity})).collect();
        let summary = crate::diagnostics::summarize(findings);
        self.render(
            "health.html",
            "health",
            "/health/",
            "Site health",
            "Every finding of the checks, grouped by page.",
            vec![self.home_crumb()],
            &[],
            None,
            "",
            json!({"health": {"errors": summary.errors, "warnings": summary.warnings, "total": findings.len(), "rules": rules, "groups": groups}}),
        )
    }

    fn home_crumb(&self) -> Value {
        link("Home", "/")
    }

    fn issue_ref(&self, id: &str) -> Value {
        match self.site.issue_index.get(id) {
            Some(&i) => {
                let is = &self.site.issues[i];
                json!({
                    "id": is.id, "title": is.title, "url": model::issue_url(&is.id),
                    "status": is.status, "status_class": css_class(&is.status),
                    "severity": is.severity, "severity_class": css_class(&is.severity),
                    "created": is.created, "exists": true,
                })
            }
            None => {
                json!({"id": id, "title": "", "url": "", "status": "", "status_class": "", "severity": "", "severity_class": "", "created": "", "exists": false})
            }
        }
    }

    fn issue_refs(&self, r: PageRef) -> Vec<Value> {
        self.site
            .mentions
            .get(&r)
            .map(|ids| ids.iter().map(|id| self.issue_ref(id)).collect())
            .unwrap_or_default()
    }

    fn backlinks(&self, refs: &[PageRef]) -> Vec<Value> {
        let mut groups: Vec<(SourceKind, Vec<Value>)> = Vec::new();
        for r in refs {
            let entry = link(self.site.title(*r), self.site.url(*r));
            match groups.iter_mut().find(|(k, _)| *k == r.kind()) {
                Some((_, v)) => v.push(entry),
                None => groups.push((r.kind(), vec![entry])),
            }
        }
        groups
            .into_iter()
            .map(|(kind, pages)| json!({"kind": kind.as_str(), "kind_title": kind.title(), "pages": pages}))
            .collect()
    }

    fn preset_summary(&self, i: usize) -> Value {
        let site = self.site;
        let p = &site.presets[i];
        let chart = site.preset_chart[i].map(|c| &site.charts[c]);
        let effective = site.preset_effective_values(i);
        let key_settings: Vec<Value> = p
            .values
            .as_ref()
            .map(preset_key_settings)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        let scenario = p
            .stem
            .trim_start_matches("values-scenario-")
            .trim_start_matches("values-");
        let components = preset_components(&effective);
        json!({
            "title": scenario,
            "url": site.url(PageRef::Preset(i)),
            "file_name": p.file_name,
            "chart": site.preset_chart_name(i),
            "chart_title": chart.map(|c| c.name.clone()).unwrap_or_else(|| "(unknown chart)".into()),
            "scenario": scenario,
            "spark_version": site.preset_spark_version(i),
            "components": components,
            "external_components": scenario_external_components(scenario, &components),
            "key_settings": key_settings,
        })
    }

    /// What a preset changes relative to its chart's defaults: one row per leaf that differs.
    fn preset_diff(&self, i: usize) -> Vec<Value> {
        let site = self.site;
        let Some(values) = site.presets[i].values.as_ref() else {
            return Vec::new();
        };
        let defaults = site.preset_chart[i].and_then(|c| site.charts[c].values.as_ref());
        let mut leaves = Vec::new();
        flatten(values, String::new(), &mut leaves);
        leaves
            .into_iter()
            .filter_map(|(key, value)| {
                let default = defaults.and_then(|d| lookup(d, &key)).map(|v| {
                    let mut one = Vec::new();
                    flatten(v, String::new(), &mut one);
                    match (v, one.len()) {
                        (serde_yaml_ng::Value::Mapping(m), _) if m.is_empty() => "{}".to_string(),
                        (_, 1) => one.remove(0).1,
                        _ => "(map)".to_string(),
                    }
                });
                match default {
                    Some(d) if d == value => None,
                    Some(d) => {
                        Some(json!({"key": key, "default": d, "value": value, "change": "changed"}))
                    }
                    None => {
                        Some(json!({"key": key, "default": "", "value": value, "change": "added"}))
                    }
                }
            })
            .collect()
    }

    /// Policy results for a preset: the policy findings on its file, or a pass.
    fn policy_results(&self, rel: &str) -> Value {
        let policies = self.site.policies.len();
        let results: Vec<Value> = self
            .findings_by_file
            .get(rel)
            .map(|fs| {
                fs.iter()
                    .filter(|f| f.code.rule().family == crate::check::codes::Family::Policy)
                    .map(|f| finding_value(f))
                    .collect()
            })
            .unwrap_or_default();
        let denied = results
            .iter()
            .filter(|r| r["code"] == Code::PolicyDeny.as_str())
            .count();
        json!({"policies": policies, "results": results, "denied": denied, "passed": policies > 0 && denied == 0})
    }

    fn presets_sorted(&self) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.site.presets.len()).collect();
        v.sort_by_key(|&i| {
            (
                std::cmp::Reverse(self.site.preset_spark_version(i)),
                self.site.preset_chart_name(i),
                self.site.presets[i].stem.clone(),
            )
        });
        v
    }

    /// `/quickref/`: the printable HTML twin of `quickref.pdf`, from the same data (never truncated).
    fn quickref_page(&self) -> Result<Page, ThemeError> {
        let data = quickref::data(self.site, &crate::util::date::build_date());
        let pdf_url = if cfg!(feature = "pdf") {
            format!("/{}", quickref::PDF_FILE)
        } else {
            String::new()
        };
        let intro = "Symptoms and first checks, the preset catalog, open and critical issues, and the commands you need most, on one printable page.";
        let title = "Quick reference";
        let crumbs = vec![self.home_crumb()];
        self.render(
            "quickref.html",
            "quickref",
            quickref::URL,
            title,
            intro,
            crumbs,
            &[],
            None,
            "",
            json!({"quickref": data, "pdf_url": pdf_url}),
        )
    }

    fn home(&self) -> Result<Page, ThemeError> {
        let site = self.site;
        let blurb = |k: SourceKind| match k {
            SourceKind::Recipes => {
                "How to deploy, operate, integrate and troubleshoot, step by step."
            }
            SourceKind::Issues => "Incidents we hit and fixed: symptom, root cause, resolution.",
            SourceKind::Presets => "Tested Helm values files, one per scenario.",
            SourceKind::Notebooks => "Interactive diagnostics to run from Jupyter.",
            SourceKind::Scripts => "Shell scripts for on-call checks.",
        };
        let kinds: Vec<Value> = self
            .nav_kinds
            .iter()
            .map(|&k| json!({"title": k.title(), "url": k.url(), "count": site.kind_count(k), "blurb": blurb(k)}))
            .collect();
        let troubleshooting: Vec<Value> = self
            .categories
            .iter()
            .filter(|(c, _)| c.starts_with("troubleshoot"))
            .flat_map(|(_, items)| items.iter())
            .map(|&i| {
                let r = &site.recipes[i];
                json!({"title": r.title, "url": site.url(PageRef::Recipe(i)), "summary": r.summary})
            })
            .collect();
        let mut resolved: Vec<&crate::load::Issue> = site
            .issue_index
            .values()
            .map(|&i| &site.issues[i])
            .filter(|i| is_resolved(&i.status))
            .collect();
        resolved.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        let resolved: Vec<Value> = resolved
            .iter()
            .take(6)
            .map(|i| self.issue_ref(&i.id))
            .collect();
        let presets: Vec<Value> = self
            .presets_sorted()
            .into_iter()
            .map(|i| self.preset_summary(i))
            .collect();
        let c = &site.config.site;
        self.render(
            "home.html",
            "home",
            "/",
            &c.title,
            &c.description,
            vec![],
            &[],
            None,
            "",
            json!({"home": {"kinds": kinds, "troubleshooting": troubleshooting, "resolved": resolved, "presets": presets,
                "quickref": {"url": quickref::URL, "pdf_url": if cfg!(feature = "pdf") { format!("/{}", quickref::PDF_FILE) } else { String::new() }}}}),
        )
    }

    fn page(&self, r: PageRef) -> Result<Page, ThemeError> {
        let site = self.site;
        let url = site.url(r);
        let rel = site.source(r).rel.clone();
        let crumbs_kind =
            |kind: SourceKind| vec![self.home_crumb(), link(kind.title(), kind.url())];
        match r {
            PageRef::Recipe(i) => {
                let rec = &site.recipes[i];
                let out = markdown::render(&rec.doc.body, &self.link_ctx(&rel));
                let related: Vec<Value> = site
                    .related_files(r)
                    .into_iter()
                    .map(|x| link(site.title(x), site.url(x)))
                    .collect();
                let mut crumbs = crumbs_kind(SourceKind::Recipes);
                crumbs.push(link(
                    category_title(&rec.category),
                    format!("/recipes/{}/", rec.category),
                ));
                let metadata: Vec<Value> = rec
                    .metadata
                    .iter()
                    .map(|(k, v)| json!({"key": k, "value": v}))
                    .collect();
                self.render(
                    "recipe.html",
                    r.kind().as_str(),
                    &url,
                    &rec.title,
                    &rec.summary,
                    crumbs,
                    &out.toc,
                    Some(&rel),
                    &out.html,
                    json!({"recipe": {
                        "title": rec.title, "category": rec.category, "category_title": category_title(&rec.category),
                        "summary": rec.summary, "spark": rec.spark, "tags": rec.tags, "metadata": metadata,
                        "issues": self.issue_refs(r), "related": related,
                    }}),
                )
            }
            PageRef::Issue(i) => {
                let is = &site.issues[i];
                let out = markdown::render(&is.doc.body, &self.link_ctx(&rel));
                let metadata: Vec<Value> = is
                    .metadata
                    .iter()
                    .map(|(k, v)| json!({"key": k, "value": v}))
                    .collect();
                self.render(
                    "issue.html",
                    r.kind().as_str(),
                    &url,
                    &format!("{}: {}", is.id, is.title),
                    &is.summary,
                    crumbs_kind(SourceKind::Issues),
                    &out.toc,
                    Some(&rel),
                    &out.html,
                    json!({
                        "issue": {
                            "id": is.id, "title": is.title, "status": is.status, "status_class": css_class(&is.status),
                            "severity": is.severity, "severity_class": css_class(&is.severity), "created": is.created,
                            "spark": is.spark.join(", "), "component": is.component, "metadata": metadata,
                        },
                        "backlinks": self.backlinks(&site.issue_backlinks(&is.id)),
                    }),
                )
            }
            PageRef::Preset(i) => {
                let p = &site.presets[i];
                let mut summary = self.preset_summary(i);
                let chart_path = site.preset_chart[i]
                    .map(|c| site.chart_command_path(c))
                    .unwrap_or_else(|| "<chart>".into());
                let install = format!("helm install <release-name> {chart_path} -n <namespace> --create-namespace -f {rel}");
                let desc_first = first_paragraph(&p.description);
                if let Some(obj) = summary.as_object_mut() {
                    obj.insert("stem".into(), json!(p.stem));
                    obj.insert("description".into(), json!(p.description));
                    obj.insert("install_command".into(), json!(install));
                    obj.insert(
                        "install_html".into(),
                        json!(highlight::code_block(&install, "bash")),
                    );
                    obj.insert("raw_url".into(), json!(site.raw_url(r)));
                    obj.insert(
                        "values_html".into(),
                        json!(highlight::code_block(&p.source.text, "yaml")),
                    );
                    obj.insert("issues".into(), json!(self.issue_refs(r)));
                    obj.insert("title".into(), json!(p.file_name));
                    obj.insert("diff".into(), json!(self.preset_diff(i)));
                    obj.insert("policy".into(), self.policy_results(&rel));
                }
                self.render(
                    "preset.html",
                    r.kind().as_str(),
                    &url,
                    &p.file_name,
                    &desc_first,
                    crumbs_kind(SourceKind::Presets),
                    &[],
                    Some(&rel),
                    "",
                    json!({"preset": summary, "backlinks": self.backlinks(&site.pages_naming(&p.file_name, r))}),
                )
            }
            PageRef::Notebook(i) => {
                let nb = &site.notebooks[i];
                let mut html = String::new();
                let mut toc = Vec::new();
                let lang = if nb.language.is_empty() {
                    "python"
                } else {
                    nb.language.as_str()
                };
                for (n, cell) in nb.cells.iter().enumerate() {
                    match cell.kind {
                        CellKind::Markdown => {
                            let out = markdown::render(&cell.source, &self.link_ctx(&rel));
                            toc.extend(out.toc);
                            html.push_str(&format!(
                                "<div class=\"nb-cell nb-markdown\">{}</div>\n",
                                out.html
                            ));
                        }
                        CellKind::Code | CellKind::Raw => {
                            let lang = if cell.kind == CellKind::Raw {
                                "text"
                            } else {
                                lang
                            };
                            html.push_str(&format!("<div class=\"nb-cell nb-code\"><div class=\"nb-prompt\">In [{}]:</div>", n + 1));
                            html.push_str(&highlight::code_block(&cell.source, lang));
                            for o in &cell.outputs {
                                html.push_str(&format!(
                                    "<pre class=\"nb-output\">{}</pre>",
                                    highlight::escape(o)
                                ));
                            }
                            html.push_str("</div>\n");
                        }
                    }
                }
                let summary = nb
                    .cells
                    .iter()
                    .find(|c| c.kind == CellKind::Markdown)
                    .map(|c| {
                        c.source
                            .lines()
                            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                            .take(1)
                            .collect::<String>()
                    })
                    .unwrap_or_default();
                self.render(
                    "notebook.html",
                    r.kind().as_str(),
                    &url,
                    &nb.title,
                    &summary,
                    crumbs_kind(SourceKind::Notebooks),
                    &toc,
                    Some(&rel),
                    &html,
                    json!({"notebook": {"title": nb.title, "file_name": nb.file_name, "raw_url": site.raw_url(r), "summary": summary, "issues": self.issue_refs(r)}}),
                )
            }
            PageRef::Script(i) => {
                let s = &site.scripts[i];
                let first = first_paragraph(&s.description);
                self.render(
                    "script.html",
                    r.kind().as_str(),
                    &url,
                    &s.file_name,
                    &first,
                    crumbs_kind(SourceKind::Scripts),
                    &[],
                    Some(&rel),
                    "",
                    json!({
                        "script": {
                            "title": s.title, "file_name": s.file_name, "raw_url": site.raw_url(r),
                            "description": s.description, "usage": s.usage,
                            "source_html": highlight::code_block(&s.source.text, "bash"),
                            "issues": self.issue_refs(r),
                        },
                        "backlinks": self.backlinks(&site.pages_naming(&s.file_name, r)),
                    }),
                )
            }
        }
    }

    fn recipe_item(&self, i: usize) -> Value {
        let r = &self.site.recipes[i];
        let mut badges = vec![category_title(&r.category)];
        badges.extend(r.spark.iter().map(|v| format!("Spark {v}")));
        json!({"title": r.title, "url": self.site.url(PageRef::Recipe(i)), "summary": r.summary, "badges": badges})
    }

    fn kind_index(&self, kind: SourceKind) -> Result<Page, ThemeError> {
        let site = self.site;
        let url = kind.url();
        let crumbs = vec![self.home_crumb()];
        match kind {
            SourceKind::Issues => {
                let mut ids: Vec<&String> = site.issue_index.keys().collect();
                ids.sort();
                let issues: Vec<Value> = ids
                    .iter()
                    .map(|id| {
                        let is = &site.issues[site.issue_index[*id]];
                        json!({
                            "id": is.id, "title": is.title, "url": model::issue_url(&is.id),
                            "status": is.status, "status_class": css_class(&is.status),
                            "severity": is.severity, "severity_class": css_class(&is.severity),
                            "created": is.created, "component": is.component, "spark": is.spark.join(", "),
                            "backlink_count": site.issue_backlinks(&is.id).len(),
                        })
                    })
                    .collect();
                let distinct = |f: &dyn Fn(&crate::load::Issue) -> &str| -> Vec<Value> {
                    let mut v: Vec<String> = site
                        .issue_index
                        .values()
                        .map(|&i| f(&site.issues[i]).to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    v.sort();
                    v.dedup();
                    v.into_iter().map(Value::String).collect()
                };
                self.render(
                    "issues.html",
                    "issues",
                    &url,
                    "Issues",
                    "Every incident with its status and severity.",
                    crumbs,
                    &[],
                    None,
                    "",
                    json!({"issues": issues, "statuses": distinct(&|i| &i.status), "severities": distinct(&|i| &i.severity)}),
                )
            }
            SourceKind::Presets => {
                let presets: Vec<Value> = self
                    .presets_sorted()
                    .into_iter()
                    .map(|i| self.preset_summary(i))
                    .collect();
                let mut chart_order: Vec<usize> = (0..site.charts.len()).collect();
                chart_order.sort_by_key(|&ci| {
                    (
                        std::cmp::Reverse(model::spark_minor(&site.charts[ci].app_version)),
                        site.charts[ci].name.clone(),
                    )
                });
                let charts: Vec<Value> = chart_order
                    .into_iter()
                    .map(|ci| (ci, &site.charts[ci]))
                    .map(|(ci, c)| {
                        json!({
                            "name": model::url_segment(&c.name), "title": c.name, "version": c.version,
                            "app_version": c.app_version, "description": c.description,
                            "path": site.chart_command_path(ci),
                            "preset_count": site.preset_chart.iter().filter(|x| **x == Some(ci)).count(),
                        })
                    })
                    .collect();
                let mut matrix: Vec<Value> = Vec::new();
                for p in &presets {
                    let version = p["spark_version"].as_str().unwrap_or("").to_string();
                    let row = json!({
                        "title": p["title"], "url": p["url"], "chart_title": p["chart_title"],
                        "cells": COMPONENTS.iter().map(|c| {
                            let has = |key: &str| p[key].as_array().is_some_and(|cs| cs.iter().any(|x| x == c));
                            if has("components") { "on" } else if has("external_components") { "external" } else { "off" }
                        }).collect::<Vec<_>>(),
                    });
                    match matrix
                        .iter_mut()
                        .find(|m| m["spark_version"] == version.as_str())
                    {
                        Some(m) => m["rows"].as_array_mut().expect("rows array").push(row),
                        None => matrix.push(json!({"spark_version": version, "rows": [row]})),
                    }
                }
                self.render(
                    "presets.html",
                    "presets",
                    &url,
                    "Preset catalog",
                    "Tested Helm values files, one per scenario.",
                    crumbs,
                    &[],
                    None,
                    "",
                    json!({"presets": presets, "charts": charts, "components": COMPONENTS, "matrix": matrix}),
                )
            }
            _ => {
                let (items, groups, intro): (Vec<Value>, Vec<Value>, &str) = match kind {
                    SourceKind::Recipes => (
                        self.categories.iter().flat_map(|(_, items)| items.iter()).map(|&i| self.recipe_item(i)).collect(),
                        self.categories
                            .iter()
                            .map(|(c, items)| json!({"title": category_title(c), "url": format!("/recipes/{c}/"), "count": items.len()}))
                            .collect(),
                        "Step-by-step recipes for running Spark on Kubernetes, by category.",
                    ),
                    SourceKind::Notebooks => (
                        site.notebooks
                            .iter()
                            .enumerate()
                            .map(|(i, n)| json!({"title": n.title, "url": site.url(PageRef::Notebook(i)), "summary": n.file_name, "badges": [n.language]}))
                            .collect(),
                        vec![],
                        "Jupyter notebooks for interactive diagnosis. Download one and run it next to your cluster.",
                    ),
                    _ => (
                        site.scripts
                            .iter()
                            .enumerate()
                            .map(|(i, s)| json!({"title": s.file_name, "url": site.url(PageRef::Script(i)), "summary": s.description.lines().next().unwrap_or(""), "badges": ["bash"]}))
                            .collect(),
                        vec![],
                        "Shell scripts for on-call checks. Each prints what it checks and exits non-zero on failure.",
                    ),
                };
                self.render(
                    "list.html",
                    "list",
                    &url,
                    kind.title(),
                    intro,
                    crumbs,
                    &[],
                    None,
                    "",
                    json!({"list": {"title": kind.title(), "intro": intro, "items": items, "groups": groups}}),
                )
            }
        }
    }

    fn category(&self, cat: &str, items: &[usize]) -> Result<Page, ThemeError> {
        let title = category_title(cat);
        let url = format!("/recipes/{cat}/");
        let list_items: Vec<Value> = items.iter().map(|&i| self.recipe_item(i)).collect();
        let intro = format!(
            "{} {} recipe{}.",
            items.len(),
            title.to_lowercase(),
            if items.len() == 1 { "" } else { "s" }
        );
        self.render(
            "list.html",
            "list",
            &url,
            &title,
            &intro,
            vec![self.home_crumb(), link("Recipes", "/recipes/")],
            &[],
            None,
            "",
            json!({"list": {"title": title, "intro": intro, "items": list_items, "groups": [],
                "paste_box": cfg!(feature = "search") && self.site.config.site.check.troubleshooting_categories.iter().any(|c| c == cat)}}),
        )
    }

    /// `/search/`: full results with filters, and the "paste a log" box (feature `search`).
    #[cfg(feature = "search")]
    fn search_page(&self) -> Result<Page, ThemeError> {
        let intro = "Search every recipe, issue, preset, notebook, script and Spark property, or paste an error or log to find the recipe that fixes it.";
        self.render(
            "search.html",
            "search",
            "/search/",
            "Search",
            intro,
            vec![self.home_crumb()],
            &[],
            None,
            "",
            json!({}),
        )
    }

    fn not_found(&self) -> Result<Page, ThemeError> {
        self.render(
            "404.html",
            "404",
            "/404.html",
            "Page not found",
            "",
            vec![self.home_crumb()],
            &[],
            None,
            "",
            json!({}),
        )
    }
}
