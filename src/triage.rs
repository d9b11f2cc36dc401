//! triage: routes a pasted log to the pages that explain it (`spark-docs triage`), straight from
//! the sources. The browser's paste box ranks the same way (`themes/default/static/search.js`
//! reads the rules below from `search/signatures.json`).
//!
//! Ranking, one entry per page:
//! 1. Pages with a signature (front matter `signatures:` of recipes and issues) that matches the
//!    log, most specific first: the larger [`specificity`] of its matching signatures (required
//!    literal characters — a longer literal is rarer in logs), then more matching signatures.
//! 2. Then every page by a weighted token search: the log's terms ([`terms`]) are exception
//!    names, error codes (`SESSION_NOT_FOUND`), exit codes (`exit code 137`), Kubernetes reasons
//!    and Spark class names (CamelCase: `OOMKilled`, `ImagePullBackOff`, `TaskSchedulerImpl`),
//!    dotted names, upper-case words, hyphenated words and plain words, weighted in that order;
//!    generic log words (`connection`, `failed`, `error`, `warn`, …) are ignored. A page scores
//!    Σ weight × ln(1 + pages / pages containing the term) over the [`MAX_TERMS`] best terms; a
//!    page below [`MIN_SCORE`] without a signature match is not listed. The token score also
//!    breaks ties between signature matches; the site order breaks the rest.

use crate::model::signatures::{compile, signed_pages, specificity};
use crate::model::{PageRef, Site};
use regex::Regex;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use std::sync::OnceLock;

/// Words every log is full of: never a search term.
pub const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "apache",
    "are",
    "at",
    "be",
    "by",
    "cannot",
    "caused",
    "code",
    "com",
    "connection",
    "container",
    "containers",
    "kubelet",
    "normal",
    "pods",
    "could",
    "debug",
    "driver",
    "error",
    "errors",
    "exception",
    "executor",
    "fail",
    "failed",
    "failure",
    "false",
    "fatal",
    "file",
    "for",
    "from",
    "has",
    "have",
    "http",
    "https",
    "info",
    "int",
    "into",
    "io",
    "is",
    "java",
    "jdk",
    "lang",
    "line",
    "main",
    "message",
    "net",
    "not",
    "null",
    "occurred",
    "of",
    "on",
    "org",
    "pod",
    "reason",
    "run",
    "scala",
    "spark",
    "stage",
    "state",
    "status",
    "sun",
    "task",
    "that",
    "the",
    "this",
    "thread",
    "to",
    "trace",
    "true",
    "unable",
    "util",
    "warn",
    "warning",
    "was",
    "were",
    "while",
    "with",
    "your",
];

/// Term weights, by kind.
pub const WEIGHTS: &[(&str, u32)] = &[
    ("exception", 5),
    ("error_code", 5),
    ("exit_code", 5),
    ("camel", 4),
    ("dotted", 4),
    ("upper", 3),
    ("hyphenated", 2),
    ("word", 1),
];

/// How many of the log's best terms are searched (the browser runs one search per term).
pub const MAX_TERMS: usize = 8;
/// The token score a page needs to be listed without a signature match.
pub const MIN_SCORE: f64 = 6.0;

/// Identifier-like tokens of a log (the browser uses the same pattern).
pub const TOKEN_PATTERN: &str = r"[A-Za-z_][A-Za-z0-9_$]*(?:[.\-][A-Za-z_][A-Za-z0-9_$]*)*";
/// `Exit Code: 137`, `exit code 137`, `exited with code 137`, `exit status 1`.
pub const EXIT_PATTERN: &str =
    r"(?i)exit(?:ed)?(?: with)?[ _]?(?:code|status)[:=\s]*([0-9]{1,3})\b";

fn weight(kind: &str) -> u32 {
    WEIGHTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, w)| *w)
        .unwrap_or(1)
}

/// A search term taken from the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The text searched for; for exit codes, `exit code N`.
    pub text: String,
    pub kind: &'static str,
    pub weight: u32,
    /// Order of first appearance in the log.
    first: usize,
}

/// The kind of a single token, or `None` for a token that is no search term.
pub fn classify(t: &str) -> Option<&'static str> {
    static RES: OnceLock<[Regex; 4]> = OnceLock::new();
    let [exc, code, camel, upper] = RES.get_or_init(|| {
        [
            Regex::new(r"^[A-Z]\w*(Exception|Error)$").expect("static regex"),
            Regex::new(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$").expect("static regex"),
            Regex::new(r"[a-z][A-Z]|^[A-Z]{2,}[a-z]").expect("static regex"),
            Regex::new(r"^[A-Z][A-Z0-9_]{3,}$").expect("static regex"),
        ]
    });
    if t.len() < 3 || STOP_WORDS.contains(&t.to_ascii_lowercase().as_str()) {
        return None;
    }
    Some(if exc.is_match(t) {
        "exception"
    } else if code.is_match(t) {
        "error_code"
    } else if t.contains('.') {
        "dotted"
    } else if camel.is_match(t) {
        "camel"
    } else if upper.is_match(t) {
        "upper"
    } else if t.contains('-') {
        "hyphenated"
    } else if t.len() >= 4 {
        "word"
    } else {
        return None;
    })
}

/// The log's search terms, best first (weight, then length, then first appearance), at most
/// [`MAX_TERMS`]. A dotted token counts whole and by segment (`java.lang.OutOfMemoryError` →
/// it and `OutOfMemoryError`).
pub fn terms(log: &str) -> Vec<Term> {
    static RES: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (token, exit) = RES.get_or_init(|| {
        (
            Regex::new(TOKEN_PATTERN).expect("static regex"),
            Regex::new(EXIT_PATTERN).expect("static regex"),
        )
    });
    let mut found: Vec<Term> = Vec::new();
    let add = |text: String, kind: &'static str, found: &mut Vec<Term>| {
        let w = weight(kind);
        match found.iter_mut().find(|t| t.text == text) {
            Some(t) if t.weight < w => {
                t.weight = w;
                t.kind = kind;
            }
            Some(_) => {}
            None => {
                let first = found.len();
                found.push(Term {
                    text,
                    kind,
                    weight: w,
                    first,
                })
            }
        }
    };
    for c in exit.captures_iter(log) {
        add(format!("exit code {}", &c[1]), "exit_code", &mut found);
    }
    for m in token.find_iter(log) {
        let tok = m.as_str().trim_end_matches(['.', '-']);
        let mut candidates = vec![tok];
        if tok.contains('.') {
            candidates.extend(tok.split('.'));
        }
        for c in candidates {
            if let Some(kind) = classify(c) {
                add(c.to_string(), kind, &mut found);
            }
        }
    }
    found.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(b.text.len().cmp(&a.text.len()))
            .then(a.first.cmp(&b.first))
    });
    found.truncate(MAX_TERMS);
    found
}

/// Finds a term in a text: identifiers case-sensitively, plain words as whole words in any case,
/// exit codes as "exit code N" in any of the forms [`EXIT_PATTERN`] knows.
enum Finder<'t> {
    Literal(&'t str),
    Pattern(Regex),
}

impl<'t> Finder<'t> {
    fn new(term: &'t Term) -> Finder<'t> {
        let pattern = match term.kind {
            "exit_code" => {
                let n = term.text.rsplit(' ').next().unwrap_or("");
                EXIT_PATTERN.replace("([0-9]{1,3})", n)
            }
            "word" => format!(r"(?i)\b{}\b", regex::escape(&term.text)),
            _ => return Finder::Literal(&term.text),
        };
        Regex::new(&pattern)
            .map(Finder::Pattern)
            .unwrap_or(Finder::Literal(&term.text))
    }

    fn is_in(&self, text: &str) -> bool {
        match self {
            Finder::Literal(t) => text.contains(t),
            Finder::Pattern(re) => re.is_match(text),
        }
    }
}

/// A signature of the page that matched the log.
#[derive(Debug, Clone)]
pub struct SignatureMatch {
    pub signature: String,
    pub specificity: usize,
    /// The matched text.
    pub matched: String,
}

/// One ranked page.
#[derive(Debug, Clone)]
pub struct Entry {
    pub page: PageRef,
    pub title: String,
    pub kind: &'static str,
    /// Absolute URL, with the site's base_url.
    pub url: String,
    /// Matching signatures, most specific first.
    pub signatures: Vec<SignatureMatch>,
    /// Terms of the log the page contains.
    pub terms: Vec<String>,
    pub token_score: f64,
    /// The log lines (1-based number, text) a signature or a term matched.
    pub lines: Vec<(usize, String)>,
}

impl Entry {
    fn best_specificity(&self) -> usize {
        self.signatures
            .iter()
            .map(|s| s.specificity)
            .max()
            .unwrap_or(0)
    }
}

/// Ranks the site's pages for a pasted log (see the module docs).
pub fn triage(site: &Site, log: &str) -> Vec<Entry> {
    let pages = site.all_pages();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(log.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |at: usize| line_starts.partition_point(|&s| s <= at);
    let log_lines: Vec<&str> = log.lines().collect();

    let mut sig_hits: BTreeMap<PageRef, (Vec<SignatureMatch>, Vec<usize>)> = BTreeMap::new();
    for (page, sigs) in signed_pages(site) {
        for sig in sigs {
            let Some(re) = compile(sig) else { continue };
            let Some(m) = re.find(log) else { continue };
            let hit = sig_hits.entry(page).or_default();
            hit.0.push(SignatureMatch {
                signature: sig.clone(),
                specificity: specificity(sig),
                matched: m.as_str().to_string(),
            });
            let end = m.end().saturating_sub(1).max(m.start());
            hit.1.extend(line_of(m.start())..=line_of(end));
        }
    }

    let terms = terms(log);
    let texts: Vec<&str> = pages
        .iter()
        .map(|&p| site.source(p).text.as_str())
        .collect();
    let has: Vec<Vec<bool>> = terms
        .iter()
        .map(|t| {
            let finder = Finder::new(t);
            texts.iter().map(|x| finder.is_in(x)).collect()
        })
        .collect();
    // The log lines each term is on.
    let term_lines: Vec<Vec<usize>> = terms
        .iter()
        .map(|t| {
            let finder = Finder::new(t);
            (1..=log_lines.len())
                .filter(|&n| finder.is_in(log_lines[n - 1]))
                .collect()
        })
        .collect();
    let n = pages.len() as f64;

    let mut entries = Vec::new();
    for (pi, &page) in pages.iter().enumerate() {
        let mut score = 0.0;
        let mut matched_terms = Vec::new();
        for (ti, t) in terms.iter().enumerate() {
            if has[ti][pi] {
                let df = has[ti].iter().filter(|&&b| b).count() as f64;
                score += t.weight as f64 * (1.0 + n / df).ln();
                matched_terms.push((ti, t));
            }
        }
        let (mut sigs, mut lines) = sig_hits.remove(&page).unwrap_or_default();
        if sigs.is_empty() && score < MIN_SCORE {
            continue;
        }
        sigs.sort_by_key(|s| std::cmp::Reverse(s.specificity));
        for (ti, _) in &matched_terms {
            lines.extend(&term_lines[*ti]);
        }
        lines.sort_unstable();
        lines.dedup();
        let url = format!(
            "{}{}",
            site.config.absolute_base(),
            site.url(page).trim_start_matches('/')
        );
        entries.push(Entry {
            page,
            title: site.title(page),
            kind: page.kind().as_str(),
            url,
            signatures: sigs,
            terms: matched_terms.iter().map(|(_, t)| t.text.clone()).collect(),
            token_score: score,
            lines: lines
                .into_iter()
                .filter_map(|l| log_lines.get(l - 1).map(|t| (l, t.trim_end().to_string())))
                .collect(),
        });
    }
    entries.sort_by(|a, b| {
        (!a.signatures.is_empty())
            .cmp(&!b.signatures.is_empty())
            .reverse()
            .then(b.best_specificity().cmp(&a.best_specificity()))
            .then(b.signatures.len().cmp(&a.signatures.len()))
            .then(b.token_score.total_cmp(&a.token_score))
            .then(a.page.cmp(&b.page))
    });
    entries
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

/// The human report: rank, title, kind, URL, why it matched and the matching log lines.
pub fn render_human(entries: &[Entry]) -> String {
    let mut out = String::new();
    for (i, e) in entries.iter().enumerate() {
        out.push_str(&format!(
            "{}. {} ({})\n   {}\n",
            i + 1,
            e.title,
            e.kind,
            e.url
        ));
        for s in &e.signatures {
            out.push_str(&format!(
                "   signature `{}` (specificity {})\n",
                s.signature, s.specificity
            ));
        }
        if !e.terms.is_empty() {
            out.push_str(&format!(
                "   terms: {} (score {:.1})\n",
                e.terms.join(", "),
                e.token_score
            ));
        }
        for (n, l) in e.lines.iter().take(5) {
            out.push_str(&format!("   {n:>4} | {}\n", shorten(l.trim(), 110)));
        }
        if e.lines.len() > 5 {
            out.push_str(&format!("        … {} more lines\n", e.lines.len() - 5));
        }
    }
    out
}

/// The JSON report: an array of entries in rank order.
pub fn render_json(entries: &[Entry]) -> String {
    let list: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({
                "rank": i + 1,
                "title": e.title,
                "kind": e.kind,
                "url": e.url,
                "signatures": e.signatures.iter().map(|s| json!({
                    "signature": s.signature,
                    "specificity": s.specificity,
                    "matched": s.matched,
                })).collect::<Vec<_>>(),
                "terms": e.terms,
                "token_score": (e.token_score * 100.0).round() / 100.0,
                "lines": e.lines.iter().map(|(n, t)| json!({"line": n, "text": t})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into())
}

/// The token rules for the browser's paste box (in `search/signatures.json`), so it ranks like
/// [`triage`]: the token and exit-code patterns, stop words, weights and limits.
pub fn browser_rules(site: &Site) -> Value {
    json!({
        "pages": site.all_pages().len(),
        "token_pattern": TOKEN_PATTERN,
        "exit_pattern": EXIT_PATTERN.trim_start_matches("(?i)"),
        "stop_words": STOP_WORDS,
        "weights": WEIGHTS.iter().map(|(k, w)| (k.to_string(), json!(w))).collect::<serde_json::Map<_, _>>(),
        "max_terms": MAX_TERMS,
        "min_score": MIN_SCORE,
    })
}

/// Every recipe's and issue's signatures as JavaScript regexes, each with its specificity (the
/// ranking key the paste box shares with `triage`), plus the token weights of the ranking's
/// second half ([`browser_rules`]), so the browser ranks like the CLI.
pub fn signatures_json(site: &Site) -> String {
    use crate::model::signatures::js_regex;
    let mut pages: Vec<Value> = Vec::new();
    for (r, list) in signed_pages(site) {
        let sigs: Vec<Value> = list
            .iter()
            .filter(|s| compile(s).is_some())
            .filter_map(|s| js_regex(s).map(|js| (s, js)))
            .map(|(s, (source, flags))| json!({"source": source, "flags": flags, "specificity": specificity(s)}))
            .collect();
        if sigs.is_empty() {
            continue;
        }
        let (summary, category, spark) = match r {
            PageRef::Recipe(i) => {
                let x = &site.recipes[i];
                (&x.summary, x.category.as_str(), &x.spark)
            }
            PageRef::Issue(i) => {
                let x = &site.issues[i];
                (&x.summary, "issues", &x.spark)
            }
            _ => continue,
        };
        pages.push(json!({
            "title": site.title(r),
            "kind": r.kind().as_str(),
            "url": site.url(r),
            "summary": summary,
            "category": category,
            "spark": spark,
            "signatures": sigs,
        }));
    }
    let mut m = BTreeMap::new();
    m.insert("pages", Value::Array(pages));
    m.insert("tokens", browser_rules(site));
    serde_json::to_string(&m).unwrap_or_else(|_| "{\"pages\":[]}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_prefer_exceptions_codes_and_exit_codes() {
        let t = terms("24/01/01 ERROR Executor: java.lang.OutOfMemoryError: Java heap space\n  Exit Code: 137\n  Reason: OOMKilled\n");
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            &texts[..3],
            [
                "OutOfMemoryError",
                "exit code 137",
                "java.lang.OutOfMemoryError"
            ],
            "{texts:?}"
        );
        assert!(texts.contains(&"OOMKilled"));
        assert!(
            !texts
                .iter()
                .any(|t| ["ERROR", "Executor", "java", "Reason"].contains(t)),
            "{texts:?}"
        );
    }

    #[test]
    fn classify_kinds() {
        assert_eq!(classify("SESSION_NOT_FOUND"), Some("error_code"));
        assert_eq!(classify("ImagePullBackOff"), Some("camel"));
        assert_eq!(classify("UNAVAILABLE"), Some("upper"));
        assert_eq!(classify("failed"), None);
        assert_eq!(classify("heap"), Some("word"));
    }
}
