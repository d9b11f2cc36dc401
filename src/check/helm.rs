//! `helm install|upgrade|template|lint` commands in shell code blocks (the languages of
//! [`crate::util::langs`]: bash/sh/shell/zsh/ksh, and the `$ `-prompted lines of console blocks)
//! and in scripts:
//!
//! - `helm-chart-missing`: a local chart path that does not exist (or has no Chart.yaml), and that
//!   no earlier step of the page or script creates (`helm pull --untar`, `git clone`);
//! - `helm-set-unknown-key`: a `--set`/`--set-string`/`--set-file`/`--set-json`/`--set-literal`
//!   key the chart's values interface does not declare (with "did you mean"), or a key that
//!   continues past a free-form map of scalar settings (`connect.sparkConf.spark.executor.memory`
//!   nests maps inside `sparkConf` instead of setting the Spark property);
//! - `helm-values-file-missing`: a `-f/--values` file that does not exist, and that no earlier step
//!   of the page or script creates ([`super::created_files`]);
//! - `values-unread-key` (family values, reported here for `--set`): a key the chart declares
//!   but none of its templates reads.
//!
//! Commands are split into words by the shell checker's word splitter
//! ([`super::shell::words`]), which keeps every character's line and column (quotes, escapes,
//! `\`-newline continuations, comments, `;`/`&&`/`||`/`|`, redirections, here-documents), and
//! console transcripts are read with its prompt extraction. Documentation placeholders
//! (`<release-name>`) are words; a placeholder chart or values path is never checked, and neither
//! is any word that depends on a `$` expansion or a command substitution. Keys are checked with
//! the chart's values interface in the model (`model::values`).

use super::created_files::PageFiles;
use super::shell::words::{self, literal, text_of, WChar, Word};
use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::model::values::{display_path, Interface, Lookup, Seg};
use crate::util::langs;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// helm command lines
// ---------------------------------------------------------------------------------------------

/// Long helm flags (install/upgrade/template/lint and globals) that take a value.
const VALUE_FLAGS: &[&str] = &[
    "set",
    "set-string",
    "set-file",
    "set-json",
    "set-literal",
    "values",
    "namespace",
    "version",
    "timeout",
    "repo",
    "kube-context",
    "kubeconfig",
    "output",
    "post-renderer",
    "post-renderer-args",
    "description",
    "name-template",
    "history-max",
    "ca-file",
    "cert-file",
    "key-file",
    "keyring",
    "username",
    "password",
    "labels",
    "kube-apiserver",
    "kube-as-group",
    "kube-as-user",
    "kube-ca-file",
    "kube-tls-server-name",
    "kube-token",
    "burst-limit",
    "qps",
    "registry-config",
    "repository-cache",
    "repository-config",
    "content-cache",
    "api-versions",
    "kube-version",
    "output-dir",
    "show-only",
];

/// Short helm flags that take a value (`-f`, `-n`, `-o`, `-l`, `-a`, `-s`).
const VALUE_SHORT: &[char] = &['f', 'n', 'o', 'l', 'a', 's'];

const SET_FLAGS: &[&str] = &["set", "set-string", "set-file", "set-json", "set-literal"];

/// A flag and its value.
struct FlagValue {
    name: String,
    value: Vec<WChar>,
}

struct HelmCommand<'w> {
    sub: String,
    positionals: Vec<&'w Word>,
    flags: Vec<FlagValue>,
    generate_name: bool,
    repo: bool,
}

/// Words a command may start with before the program it runs.
const PREFIXES: &[&str] = &[
    "sudo", "exec", "command", "time", "nohup", "env", "then", "do", "else", "elif", "if", "while",
    "until", "!", "{", "}",
];

fn helm_command(words: &[Word]) -> Option<HelmCommand<'_>> {
    let assignment = regex_assignment();
    let mut k = 0;
    while let Some(w) = words.get(k) {
        let t = w.text();
        if PREFIXES.contains(&t.as_str())
            || assignment.is_match(&t)
            || (k > 0 && t.starts_with('-') && !words[k - 1].text().ends_with("helm"))
        {
            k += 1;
            continue;
        }
        break;
    }
    let prog = words.get(k)?;
    if !literal(&prog.chars) || prog.text().rsplit('/').next() != Some("helm") {
        return None;
    }
    let args = &words[k + 1..];
    let mut cmd = HelmCommand {
        sub: String::new(),
        positionals: Vec::new(),
        flags: Vec::new(),
        generate_name: false,
        repo: false,
    };
    let mut i = 0;
    let mut dashdash = false;
    while i < args.len() {
        let w = &args[i];
        let t = w.text();
        i += 1;
        if dashdash || !t.starts_with('-') || t == "-" {
            if cmd.sub.is_empty() {
                cmd.sub = t;
                if !matches!(
                    cmd.sub.as_str(),
                    "install" | "upgrade" | "template" | "lint"
                ) {
                    return None;
                }
            } else {
                cmd.positionals.push(w);
            }
            continue;
        }
        if t == "--" {
            dashdash = true;
            continue;
        }
        let (name, inline): (String, Option<Vec<WChar>>) = if let Some(long) = t.strip_prefix("--")
        {
            match long.find('=') {
                Some(eq) => {
                    let skip = 2 + long[..eq].chars().count() + 1;
                    (
                        long[..eq].to_string(),
                        Some(w.chars.get(skip..).unwrap_or_default().to_vec()),
                    )
                }
                None => (long.to_string(), None),
            }
        } else {
            let short = t.chars().nth(1).unwrap_or('-');
            let name = match short {
                'f' => "values",
                'n' => "namespace",
                'o' => "output",
                'l' => "labels",
                'a' => "api-versions",
                's' => "show-only",
                'g' => "generate-name",
                _ => "",
            }
            .to_string();
            if VALUE_SHORT.contains(&short) && w.chars.len() > 2 {
                let mut rest = w.chars.get(2..).unwrap_or_default().to_vec();
                if rest.first().is_some_and(|c| c.c == '=') {
                    rest.remove(0);
                }
                (name, Some(rest))
            } else {
                (name, None)
            }
        };
        if name == "generate-name" {
            cmd.generate_name = true;
        }
        if !VALUE_FLAGS.contains(&name.as_str()) {
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => match args.get(i) {
                Some(next) => {
                    i += 1;
                    next.chars.clone()
                }
                None => Vec::new(),
            },
        };
        if name == "repo" {
            cmd.repo = true;
        }
        cmd.flags.push(FlagValue { name, value });
    }
    if cmd.sub.is_empty() {
        return None;
    }
    Some(cmd)
}

fn regex_assignment() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*\+?=").expect("static regex"))
}

impl HelmCommand<'_> {
    /// The chart words the command names.
    fn charts(&self) -> Vec<&Word> {
        let p = &self.positionals;
        match self.sub.as_str() {
            "lint" => p.clone(),
            "install" if self.generate_name => p.first().copied().into_iter().collect(),
            "install" | "upgrade" => p.get(1).copied().into_iter().collect(),
            "template" if self.generate_name || p.len() == 1 => {
                p.first().copied().into_iter().collect()
            }
            "template" => p.get(1).copied().into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// --set keys (Helm's strvals syntax)
// ---------------------------------------------------------------------------------------------

/// One `key=value` of a `--set` flag.
struct SetPair {
    segs: Vec<Seg>,
    /// The key's characters as written (escapes included).
    key: Vec<WChar>,
    /// The value as written.
    value: String,
    /// Whether an `=` follows the key (Helm fails on a part without one).
    assigned: bool,
}

/// Splits a `--set` value into pairs as Helm does: pairs are separated by unescaped commas
/// (`--set-literal` has exactly one pair, `--set-json` values are JSON), keys split on unescaped
/// dots, `\` escapes, `name[0]` indexes lists.
fn parse_set(v: &[WChar], flag: &str) -> Vec<SetPair> {
    let mut pairs = Vec::new();
    let n = v.len();
    let mut i = 0;
    while i < n && pairs.len() < 1000 {
        let key_start = i;
        let mut segs = Vec::new();
        let mut cur = String::new();
        let mut after_index = false;
        while i < n {
            let c = v[i].c;
            match c {
                '\\' if i + 1 < n => {
                    cur.push(v[i + 1].c);
                    i += 2;
                    continue;
                }
                '.' => {
                    if !after_index {
                        segs.push(Seg::Key(std::mem::take(&mut cur)));
                    }
                    after_index = false;
                }
                '[' => {
                    let mut j = i + 1;
                    let mut digits = String::new();
                    while j < n && v[j].c.is_ascii_digit() {
                        digits.push(v[j].c);
                        j += 1;
                    }
                    if j < n && v[j].c == ']' && !digits.is_empty() {
                        if !cur.is_empty() || !after_index && segs.is_empty() {
                            segs.push(Seg::Key(std::mem::take(&mut cur)));
                        }
                        segs.push(Seg::Index(digits.parse().unwrap_or(0)));
                        after_index = true;
                        i = j + 1;
                        continue;
                    }
                    cur.push(c);
                }
                '=' => break,
                ',' if flag != "set-literal" => break,
                _ => {
                    cur.push(c);
                    after_index = false;
                }
            }
            i += 1;
        }
        if !cur.is_empty() || segs.last().is_none_or(|s| matches!(s, Seg::Key(_))) && !after_index {
            segs.push(Seg::Key(cur));
        }
        let key = v[key_start..i].to_vec();
        let mut value = String::new();
        let assigned = i < n && v[i].c == '=';
        if assigned {
            i += 1;
            let vstart = i;
            if flag == "set-literal" {
                i = n;
            } else if flag == "set-json" {
                let rest = text_of(&v[i..]);
                let mut stream =
                    serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
                match stream.next() {
                    Some(Ok(_)) => {
                        i += rest
                            .get(..stream.byte_offset())
                            .map(|s| s.chars().count())
                            .unwrap_or(rest.len())
                    }
                    _ => i = n,
                }
            } else if i < n && v[i].c == '{' {
                while i < n && v[i].c != '}' {
                    if v[i].c == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            } else {
                while i < n && v[i].c != ',' {
                    if v[i].c == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            value = text_of(&v[vstart.min(n)..i.min(n)]);
        }
        if !key.is_empty() {
            pairs.push(SetPair {
                segs,
                key,
                value,
                assigned,
            });
        }
        // Skip to after the next separating comma.
        while i < n && v[i].c != ',' {
            i += 1;
        }
        i += 1;
    }
    pairs
}

/// Whether a flag's value holds several comma-separated `key=value` parts.
fn pairs_split_on_commas(flag: &str) -> bool {
    matches!(flag, "set" | "set-string" | "set-file")
}

/// `a.b\.c[0]`: a path written back as a `--set` key.
fn escape_key(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                for c in k.chars() {
                    if matches!(c, '.' | ',' | '[' | '=' | '\\') {
                        s.push('\\');
                    }
                    s.push(c);
                }
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

fn shell_quote(s: &str) -> String {
    if s.contains('\'') {
        format!(
            "\"{}\"",
            s.replace('"', "\\\"")
                .replace('$', "\\$")
                .replace('`', "\\`")
        )
    } else {
        format!("'{s}'")
    }
}

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

/// A finding before it is placed in a file.
struct Issue {
    code: Code,
    line: usize,
    col: usize,
    message: String,
    help: String,
}

enum ChartRes {
    /// A chart directory (relative to the root).
    Local(String),
    Missing(String),
    Skip,
}

/// Where a chart path written in a command points.
fn resolve_chart(cx: &Context, path: &str) -> ChartRes {
    let mut p = path.trim_end_matches('/');
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    if p.is_empty() || p == "." || p.contains("://") || p.starts_with('~') {
        return ChartRes::Skip;
    }
    let mapped = cx
        .site
        .config
        .site
        .chart_paths
        .iter()
        .find(|(from, _)| from.trim_end_matches('/').trim_start_matches("./") == p);
    if let Some((_, to)) = mapped {
        return ChartRes::Local(crate::model::kind::normalize_dir(to).to_string());
    }
    let root = &cx.site.config.root;
    let dir = root.join(p);
    if dir.join("Chart.yaml").is_file() {
        return ChartRes::Local(p.to_string());
    }
    if dir.is_file() {
        // A packaged chart (.tgz): it exists, its values are not read.
        return ChartRes::Skip;
    }
    if dir.is_dir() {
        return ChartRes::Missing(format!(
            "chart path `{path}` is a directory without Chart.yaml"
        ));
    }
    let looks_local = path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path == "."
        || p.matches('/').count() >= 2
        || p.starts_with("charts/")
        || p.starts_with("presets/");
    if looks_local {
        ChartRes::Missing(format!("chart path `{path}` does not exist"))
    } else {
        ChartRes::Skip
    }
}

/// The chart directory (relative to the root) a chart path names, as a helm command would
/// resolve it (`[chart_paths]` mappings included); `None` for anything but a local chart.
pub(super) fn local_chart(cx: &Context, path: &str) -> Option<String> {
    match resolve_chart(cx, path) {
        ChartRes::Local(rel) => Some(rel),
        _ => None,
    }
}

/// The `-f/--values` files of the helm commands in shell `code` (paths as written, `./`
/// trimmed), each with the local chart directory (relative to the root) its command installs:
/// how a page says which chart a values block it shows is for.
pub(super) fn values_files_by_chart(
    cx: &Context,
    code: &str,
    console: bool,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !code.contains("helm") {
        return out;
    }
    let tokens = words::split(code, Some(&cx.placeholder), console);
    for cmd in &tokens.commands {
        let Some(cmd) = helm_command(cmd) else {
            continue;
        };
        let charts: Vec<String> = cmd
            .charts()
            .into_iter()
            .filter(|w| literal(&w.chars))
            .filter_map(|w| match resolve_chart(cx, &w.text()) {
                ChartRes::Local(rel) => Some(rel),
                _ => None,
            })
            .collect();
        for f in cmd.flags.iter().filter(|f| f.name == "values") {
            for part in f.value.split(|c| c.c == ',') {
                let path = text_of(part);
                let path = path.trim().trim_start_matches("./");
                if path.is_empty() || !literal(part) {
                    continue;
                }
                for chart in &charts {
                    out.push((path.to_string(), chart.clone()));
                }
            }
        }
    }
    out
}

/// What the code around a command creates, and where the code's first line sits in its file.
struct Files<'p> {
    page: &'p PageFiles,
    first_line: usize,
}

struct Checker<'c, 's> {
    cx: &'c Context<'s>,
    /// Values interfaces by chart directory (`None`: not a chart of the site).
    interfaces: HashMap<String, Option<Interface<'s>>>,
}

impl<'s> Checker<'_, 's> {
    fn interface(&mut self, rel: &str) -> Option<&Interface<'s>> {
        let site = self.cx.site;
        self.interfaces
            .entry(rel.to_string())
            .or_insert_with(|| site.chart_by_rel(rel).map(|id| site.values_interface(id)))
            .as_ref()
    }

    fn command(&mut self, words: &[Word], files: &Files) -> Vec<Issue> {
        let Some(cmd) = helm_command(words) else {
            return Vec::new();
        };
        let mut issues = Vec::new();
        // Values files.
        for f in cmd.flags.iter().filter(|f| f.name == "values") {
            for part in f.value.split(|c| c.c == ',') {
                self.values_file(part, files, &mut issues);
            }
        }
        if cmd.repo {
            return issues;
        }
        // Charts and their --set keys.
        let sets: Vec<&FlagValue> = cmd
            .flags
            .iter()
            .filter(|f| SET_FLAGS.contains(&f.name.as_str()))
            .collect();
        for word in cmd.charts() {
            if !literal(&word.chars) {
                continue;
            }
            let path = word.text();
            let (line, col) = word
                .chars
                .first()
                .map(|c| (c.line, c.col))
                .unwrap_or((1, 1));
            match resolve_chart(self.cx, &path) {
                ChartRes::Skip => {}
                // A chart directory an earlier step creates (`helm pull --untar`, `git clone`).
                ChartRes::Missing(_)
                    if files.page.created_before((files.first_line + line - 1, col), &path) => {}
                ChartRes::Missing(message) => issues.push(Issue {
                    code: Code::HelmChartMissing,
                    line,
                    col,
                    message,
                    help: "name a chart directory of this repository (with Chart.yaml), a path mapped in site.toml `[chart_paths]`, or a repository chart such as `repo/name`".into(),
                }),
                ChartRes::Local(rel) => {
                    if sets.is_empty() {
                        continue;
                    }
                    let Some(iface) = self.interface(&rel) else { continue };
                    for flag in &sets {
                        for pair in parse_set(&flag.value, &flag.name) {
                            if let Some(issue) = set_key(iface, &flag.name, &pair) {
                                issues.push(issue);
                            }
                        }
                    }
                }
            }
        }
        issues
    }

    fn values_file(&self, part: &[WChar], files: &Files, issues: &mut Vec<Issue>) {
        let text = text_of(part);
        let path = text.trim();
        if path.is_empty()
            || path == "-"
            || !literal(part)
            || path.contains("://")
            || path.starts_with('/')
            || path.starts_with('~')
        {
            return;
        }
        let (line, col) = part.first().map(|c| (c.line, c.col)).unwrap_or((1, 1));
        let at = (files.first_line + line - 1, col);
        if files.page.exists(&self.cx.site.config.root, at, path) {
            return;
        }
        issues.push(Issue {
            code: Code::HelmValuesFileMissing,
            line,
            col,
            message: format!("values file `{path}` does not exist"),
            help: "paths are relative to the repository root (or the directory the page `cd`s into); fix the path, add the file, or create it in an earlier step".into(),
        });
    }
}

/// Checks one `--set` key against a chart's values interface.
fn set_key(iface: &Interface, flag: &str, pair: &SetPair) -> Option<Issue> {
    if !literal(&pair.key) || pair.segs.is_empty() {
        return None;
    }
    let (line, col) = pair.key.first().map(|c| (c.line, c.col))?;
    let written = text_of(&pair.key);
    if !pair.assigned && pairs_split_on_commas(flag) {
        return Some(Issue {
            code: Code::HelmSetUnknownKey,
            line,
            col,
            message: format!(
                "`--{flag}` part `{written}` has no `=`: Helm splits `--{flag}` at unescaped commas, so a comma inside the previous value starts this part, and helm fails with `key \"{written}\" has no value`"
            ),
            help: "escape each comma inside a value as `\\,` (`--set a=x\\,y`), use a list (`--set a={x,y}`), or pass the value in a values file".into(),
        });
    }
    let chart = &iface.chart().name;
    let mut node = iface.root();
    for (i, seg) in pair.segs.iter().enumerate() {
        let key = match seg {
            Seg::Index(n) => {
                node = node.item(*n);
                continue;
            }
            Seg::Key(k) => k,
        };
        match node.lookup(key) {
            Lookup::Known(child) => {
                if let Some(read) = node.unread(key) {
                    let parent = &pair.segs[..i];
                    let upto = &pair.segs[..=i];
                    return Some(Issue {
                        code: Code::ValuesUnreadKey,
                        line,
                        col,
                        message: format!(
                            "`--{flag}` key `{written}`: chart `{chart}` declares `{}` but no template reads it, so Helm accepts it and nothing happens",
                            display_path(upto)
                        ),
                        help: super::values::unread_help(chart, parent, key, &read),
                    });
                }
                node = child;
            }
            Lookup::Open { scalar_map } => {
                let rest = &pair.segs[i..];
                if !scalar_map || rest.len() < 2 {
                    return None;
                }
                let map = &pair.segs[..i];
                let property: Vec<String> = rest
                    .iter()
                    .map(|s| match s {
                        Seg::Key(k) => k.clone(),
                        Seg::Index(n) => format!("[{n}]"),
                    })
                    .collect();
                let property = property.join(".");
                let mut fixed = map.to_vec();
                fixed.push(Seg::Key(property.clone()));
                let assignment = format!("{}={}", escape_key(&fixed), pair.value);
                return Some(Issue {
                    code: Code::HelmSetUnknownKey,
                    line,
                    col,
                    message: format!(
                        "`--{flag}` key `{written}` nests maps inside the free-form map `{}` instead of setting its property `{property}`: Helm splits keys on every unescaped dot",
                        display_path(map)
                    ),
                    help: format!("escape the dots of the property name: `--{flag} {}`", shell_quote(&assignment)),
                });
            }
            Lookup::Unknown {
                suggestion,
                not_a_map,
                known,
            } => {
                let upto = &pair.segs[..=i];
                let parent = &pair.segs[..i];
                if let Some(kind) = not_a_map {
                    return Some(Issue {
                        code: Code::HelmSetUnknownKey,
                        line,
                        col,
                        message: format!("unknown `--{flag}` key `{written}`: `{}` is a {kind} in chart `{chart}`, not a map", display_path(parent)),
                        help: format!("set `{}` itself, or check the chart's values.yaml", display_path(parent)),
                    });
                }
                let help = match suggestion {
                    Some(s) => {
                        let mut fixed = parent.to_vec();
                        fixed.push(Seg::Key(s));
                        fixed.extend_from_slice(&pair.segs[i + 1..]);
                        format!("did you mean `{}`?", escape_key(&fixed))
                    }
                    None => {
                        let list: Vec<String> =
                            known.iter().take(12).map(|k| format!("`{k}`")).collect();
                        if list.is_empty() {
                            "check the key against the chart's values.yaml".to_string()
                        } else {
                            format!(
                                "keys known under `{}`: {}{}",
                                display_path(parent),
                                list.join(", "),
                                if known.len() > 12 { ", …" } else { "" }
                            )
                        }
                    }
                };
                return Some(Issue {
                    code: Code::HelmSetUnknownKey,
                    line,
                    col,
                    message: format!(
                        "unknown `--{flag}` key `{written}`: chart `{chart}` has no value `{}`, and Helm silently ignores it",
                        display_path(upto)
                    ),
                    help,
                });
            }
        }
    }
    None
}

pub fn check(cx: &Context) -> Vec<Finding> {
    let mut checker = Checker {
        cx,
        interfaces: HashMap::new(),
    };
    let mut out = Vec::new();

    // Markdown code blocks. A values file counts as existing when an earlier step of the page
    // creates it (`check::created_files`).
    for b in cx.code_blocks() {
        let lang = b.block.lang.as_str();
        if !langs::is_shell_or_console(lang) || !b.block.code.contains("helm") {
            continue;
        }
        let tokens = words::split(
            &b.block.code,
            Some(&cx.placeholder),
            langs::is_console(lang),
        );
        let files = Files {
            page: cx.created_files(b.file),
            first_line: b.block.line,
        };
        for cmd in &tokens.commands {
            for issue in checker.command(cmd, &files) {
                out.push(
                    b.finding(
                        issue.code.default_severity(),
                        issue.code,
                        issue.line,
                        issue.col,
                        issue.message,
                    )
                    .with_help(issue.help),
                );
            }
        }
    }

    // Scripts: real shell, lines map 1:1.
    for s in &cx.site.scripts {
        if !s.source.text.contains("helm") {
            continue;
        }
        let tokens = words::split(&s.source.text, None, false);
        let page = PageFiles::from_script(&s.source.text);
        let files = Files {
            page: &page,
            first_line: 1,
        };
        for cmd in &tokens.commands {
            for issue in checker.command(cmd, &files) {
                let mut f = Finding::error(
                    issue.code,
                    &s.source.rel,
                    issue.line,
                    issue.col,
                    issue.message,
                )
                .with_help(issue.help);
                f.severity = issue.code.default_severity();
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wchars(s: &str) -> Vec<WChar> {
        s.chars()
            .enumerate()
            .map(|(i, c)| WChar {
                c,
                line: 1,
                col: i + 1,
                dynamic: false,
                ph: false,
            })
            .collect()
    }

    #[test]
    fn set_parsing_follows_helm() {
        let p = parse_set(
            &wchars("a.b=1,c\\.d.e=x\\,y,list[0].name=z,l={1,2},m=3"),
            "set",
        );
        let segs: Vec<Vec<Seg>> = p.iter().map(|p| p.segs.clone()).collect();
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(segs[0], vec![k("a"), k("b")]);
        assert_eq!(segs[1], vec![k("c.d"), k("e")]);
        assert_eq!(p[1].value, "x\\,y");
        assert_eq!(segs[2], vec![k("list"), Seg::Index(0), k("name")]);
        assert_eq!(segs[3], vec![k("l")]);
        assert_eq!(segs[4], vec![k("m")]);
        assert_eq!(p[3].key[0].col, 34);
        assert_eq!(p[4].key[0].col, 42);
        assert!(p.iter().all(|p| p.assigned));
        let bare = parse_set(&wchars("a=x:1,y:2"), "set");
        assert_eq!(bare.len(), 2);
        assert!(bare[0].assigned && !bare[1].assigned);
        let j = parse_set(&wchars("a={\"x\":1,\"y\":[1,2]},b=2"), "set-json");
        assert_eq!(j.len(), 2);
        assert_eq!(j[1].segs, vec![k("b")]);
        let l = parse_set(&wchars("a.b=1,2"), "set-literal");
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].value, "1,2");
    }

    #[test]
    fn helm_command_positionals_and_flags() {
        let t = words::split("KUBECONFIG=x helm --kube-context k upgrade --install -n ns r ./c --set=a=1 -fv.yaml --version 1.0", None, false);
        let cmd = helm_command(&t.commands[0]).unwrap();
        assert_eq!(cmd.sub, "upgrade");
        assert_eq!(cmd.charts()[0].text(), "./c");
        let names: Vec<&str> = cmd.flags.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["kube-context", "namespace", "set", "values", "version"]
        );
        assert_eq!(text_of(&cmd.flags[2].value), "a=1");
        assert_eq!(text_of(&cmd.flags[3].value), "v.yaml");
        let t = words::split(
            "helm template charts/x\nhelm install -g charts/y\nhelm repo add a b\nhelm lint a b",
            None,
            false,
        );
        let charts: Vec<Vec<String>> = t
            .commands
            .iter()
            .filter_map(|c| helm_command(c))
            .map(|c| c.charts().iter().map(|w| w.text()).collect())
            .collect();
        assert_eq!(
            charts,
            vec![
                vec!["charts/x".to_string()],
                vec!["charts/y".to_string()],
                vec!["a".to_string(), "b".to_string()]
            ]
        );
    }

    #[test]
    fn escaped_form() {
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(
            escape_key(&[k("connect"), k("sparkConf"), k("spark.executor.memory")]),
            "connect.sparkConf.spark\\.executor\\.memory"
        );
        assert_eq!(shell_quote("a\\.b=4g"), "'a\\.b=4g'");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for code in [
            "\\",
            "'",
            "\"",
            "$(",
            "${",
            "`",
            "<<",
            "helm install x \\",
            "helm upgrade a b --set",
            "helm upgrade a b --set ,,=,[",
            "a[",
            "2>",
            "&",
            "helm install a b --set-json 'x={'",
        ] {
            let t = words::split(code, None, false);
            for c in &t.commands {
                if let Some(cmd) = helm_command(c) {
                    for f in &cmd.flags {
                        let _ = parse_set(&f.value, &f.name);
                    }
                }
            }
        }
    }
}
