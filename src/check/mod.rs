//! check: independent rules over the model, each a module with its own rule codes, each returning
//! findings (rules never print). `run` executes them in parallel, then applies `[check]` from
//! site.toml (severity overrides, ignored paths) and per-block ignores.

pub mod codes;
pub mod created_files;
pub mod helm;
pub mod issues;
pub mod lang;
pub mod links;
pub mod notebook;
pub mod policy;
pub mod scripts;
pub mod shell;
pub mod signatures;
pub mod spark_props;
pub mod values;

use crate::config::CheckConfig;
use crate::diagnostics::{Finding, Severity};
use crate::load::recipe::CodeBlock;
use crate::model::{PageRef, Site, SourceKind};
use codes::Code;
use created_files::PageFiles;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What every rule gets.
pub struct Context<'a> {
    pub site: &'a Site,
    pub cfg: &'a CheckConfig,
    /// `[check] placeholder`, compiled (validated when site.toml was loaded).
    pub placeholder: regex::Regex,
    /// What each page's code creates, by file, made once for every rule that asks.
    created_files: OnceLock<HashMap<String, PageFiles>>,
}

impl<'a> Context<'a> {
    pub fn new(site: &'a Site) -> Context<'a> {
        let cfg = &site.config.site.check;
        let placeholder = regex::Regex::new(&cfg.placeholder).unwrap_or_else(|_| {
            regex::Regex::new(&CheckConfig::default().placeholder)
                .expect("default placeholder regex")
        });
        Context {
            site,
            cfg,
            placeholder,
            created_files: OnceLock::new(),
        }
    }

    /// What the code blocks of the page `file` create, in document order (empty for a file
    /// without code blocks).
    pub fn created_files(&self, file: &str) -> &PageFiles {
        static NONE: OnceLock<PageFiles> = OnceLock::new();
        let pages = self.created_files.get_or_init(|| {
            let mut by_file: HashMap<&'a str, Vec<Block<'a>>> = HashMap::new();
            for b in self.code_blocks() {
                by_file.entry(b.file).or_default().push(b);
            }
            by_file
                .into_iter()
                .map(|(file, blocks)| {
                    let files = PageFiles::from_blocks(&blocks, &self.placeholder);
                    (file.to_string(), files)
                })
                .collect()
        });
        pages
            .get(file)
            .unwrap_or_else(|| NONE.get_or_init(PageFiles::default))
    }

    /// Every Markdown code block of recipes and issues, with the file it is in.
    pub fn code_blocks(&self) -> Vec<Block<'a>> {
        let site = self.site;
        let mut v = Vec::new();
        for (i, r) in site.recipes.iter().enumerate() {
            v.extend(r.doc.code_blocks.iter().map(|b| Block {
                file: &r.source.rel,
                block: b,
                page: PageRef::Recipe(i),
            }));
        }
        for (i, is) in site.issues.iter().enumerate() {
            v.extend(is.doc.code_blocks.iter().map(|b| Block {
                file: &is.source.rel,
                block: b,
                page: PageRef::Issue(i),
            }));
        }
        v
    }

    /// Replaces every placeholder (`<namespace>`) with a plain word of the same length, so parsers
    /// see a word where the docs show a placeholder, and columns stay right.
    pub fn neutralize_placeholders(&self, code: &str) -> String {
        shell::placeholders::neutralize(code, &self.placeholder)
    }
}

/// A code block and where it lives.
#[derive(Clone, Copy)]
pub struct Block<'a> {
    pub file: &'a str,
    pub block: &'a CodeBlock,
    pub page: PageRef,
}

impl Block<'_> {
    /// Whether findings of `code` in this block are silenced (```` ```bash ignore ````,
    /// `<!-- spark-docs-ignore: code -->`, or a block the page shows as the mistake, which no
    /// rule checks: see [`crate::load::mistakes`]).
    pub fn ignores(&self, code: Code) -> bool {
        self.block.shows_mistake
            || self
                .block
                .attrs
                .iter()
                .any(|a| a == "ignore" || a == "no-check")
            || self
                .block
                .ignore
                .iter()
                .any(|c| c == "all" || c == code.as_str())
    }

    /// A finding at `line`/`column` (1-based, within the block's code) mapped into the file.
    pub fn finding(
        &self,
        severity: Severity,
        code: Code,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Finding {
        let mut f = Finding::error(
            code,
            self.file,
            self.block.line + line.saturating_sub(1),
            column.max(1) + self.block.column - 1,
            message,
        );
        f.severity = severity;
        f
    }
}

type Rule = fn(&Context) -> Vec<Finding>;

/// Every rule family, run in parallel.
const RULES: &[Rule] = &[
    shell::check,
    helm::check,
    lang::check,
    values::check,
    policy::check,
    links::check,
    issues::check,
    signatures::check,
    notebook::check,
    scripts::check,
    spark_props::check,
];

/// Runs every rule over the site and returns the findings (load/model findings included),
/// with `[check]` settings applied, sorted by file and line.
pub fn run(site: &Site) -> Vec<Finding> {
    let cx = Context::new(site);
    let mut findings: Vec<Finding> = RULES
        .par_iter()
        .enumerate()
        .flat_map(|(i, rule)| {
            let t = std::time::Instant::now();
            let v = rule(&cx);
            if std::env::var_os("RT").is_some() {
                eprintln!("R{} {:?}", i, t.elapsed());
            }
            v
        })
        .collect();
    findings.extend(site.findings.iter().cloned());
    apply_config(&cx, &mut findings);
    crate::diagnostics::sort(&mut findings);
    findings.dedup();
    findings
}

/// Applies `[check]` (ignored files, severity overrides, per-block ignores) to findings made
/// outside the checks, such as the card's `quickref-truncated`, so every rule obeys site.toml.
pub fn apply_settings(site: &Site, findings: &mut Vec<Finding>) {
    apply_config(&Context::new(site), findings);
}

fn apply_config(cx: &Context, findings: &mut Vec<Finding>) {
    let ignore = &cx.site.config.globs.ignore;
    let blocks = cx.code_blocks();
    findings.retain_mut(|f| {
        if ignore.is_match(&f.file) {
            return false;
        }
        let silenced = blocks.iter().any(|b| {
            b.file == f.file
                && f.line >= b.block.line
                && f.line < b.block.line + b.block.code.lines().count().max(1)
                && b.ignores(f.code)
        });
        if silenced {
            return false;
        }
        match cx.cfg.severity.get(f.code.as_str()).map(String::as_str) {
            Some("off") => false,
            Some("error") => {
                f.severity = Severity::Error;
                true
            }
            Some("warning") => {
                f.severity = Severity::Warning;
                true
            }
            Some("info") => {
                f.severity = Severity::Info;
                true
            }
            _ => true,
        }
    });
}

/// Keeps only the findings in files of the given kinds (all of them when `only` is empty).
pub fn retain_kinds(site: &Site, findings: &mut Vec<Finding>, only: &[SourceKind]) {
    if only.is_empty() {
        return;
    }
    findings.retain(|f| only.iter().any(|k| k.owns(site, &f.file)));
}
