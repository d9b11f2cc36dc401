//! What a chart's templates read from `.Values`: a small lexer for the `{{ … }}` actions of Go
//! text/template (with Sprig) and a scan that follows the dot through `with`/`range`, variables,
//! `index`, and `define` bodies invoked with `include`/`template`, into a [`Reads`] tree.
//!
//! Decisions:
//! - A path is *read* when a template names it (`.Values.a.b`, `$.Values.a.b`, `index .Values
//!   "a" "b"`, `$v.b` after `$v := .Values.a`, `.b` inside `with .Values.a`); its ancestors are
//!   read too. A path is read *whole* (any key below it is used) when it is handed on as a value:
//!   to `toYaml`/`toJson`/`tpl`/`include`/`merge`…, ranged over, or indexed by a non-literal key.
//! - Any field chain with a `Values` segment (`.Values.x`, `$.Values.x`, `.context.Values.x`,
//!   `$root.Values.x`) is an absolute values path: helpers receive the root context under many
//!   names. `define` bodies are scanned once on their own (so their `.Values` reads count) and
//!   again with the dot of each `include "name" .` made inside `with .Values.x`.
//! - The scan is tolerant: an action it cannot follow contributes nothing; it never fails.

use std::collections::{BTreeMap, HashMap, HashSet};

/// The values paths a chart's templates read, as a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    children: BTreeMap<String, Reads>,
    whole: bool,
    /// Handed to a named template the scan cannot see (a dependency that is not vendored): what
    /// it reads below here is unknown.
    opaque: bool,
}

/// What one chart's templates are scanned with.
#[derive(Default)]
pub struct Sources<'t> {
    /// The chart's templates, and the template strings of its values.yaml (rendered by `tpl`).
    pub own: Vec<&'t str>,
    /// The templates of its vendored subcharts, for their `define`s only: named templates share
    /// one namespace across a chart and its dependencies.
    pub helpers: Vec<&'t str>,
    /// Chart.yaml dependency conditions (values paths, comma-separated), which Helm reads.
    pub conditions: Vec<&'t str>,
    /// The names (and aliases) of dependencies, of the chart or of a vendored subchart, that are
    /// neither vendored nor packaged: a named template no source defines may come from one.
    pub missing: Vec<&'t str>,
}

/// The tree below a key no template reads.
pub static NOTHING_READ: Reads = Reads {
    children: BTreeMap::new(),
    whole: false,
    opaque: false,
};

impl Reads {
    /// Scans a chart's templates.
    pub fn scan(sources: &Sources) -> Reads {
        let mut scan = Scan {
            missing: sources.missing.iter().map(|m| normalise(m)).collect(),
            ..Scan::default()
        };
        for text in &sources.helpers {
            scan.split_defines(actions(text));
        }
        let mut top: Vec<Vec<Vec<Tok>>> = Vec::new();
        let mut own = HashSet::new();
        for text in &sources.own {
            let before: HashSet<String> = scan.defines.keys().cloned().collect();
            top.push(scan.split_defines(actions(text)));
            own.extend(
                scan.defines
                    .keys()
                    .filter(|k| !before.contains(*k))
                    .cloned(),
            );
        }
        for actions in &top {
            scan.run(actions, Dot::Root);
        }
        // The chart's own helpers read its values wherever they are called from.
        let mut names: Vec<String> = own.into_iter().collect();
        names.sort();
        for name in names {
            scan.invoke(&name, Dot::Unknown);
        }
        for cond in &sources.conditions {
            for path in cond.split(',') {
                let segs: Vec<String> = path
                    .trim()
                    .split('.')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                scan.reads.insert(&segs, false);
            }
        }
        scan.reads
    }

    /// What is read below `key`, if anything.
    pub fn child(&self, key: &str) -> Option<&Reads> {
        self.children.get(key)
    }

    /// Whether this place is handed on whole (any key below it is used).
    pub fn is_whole(&self) -> bool {
        self.whole
    }

    /// Whether a named template the scan cannot see receives this place.
    pub fn is_opaque(&self) -> bool {
        self.opaque
    }

    /// The keys read directly below this place, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.children.keys().map(String::as_str)
    }

    fn insert(&mut self, path: &[String], whole: bool) {
        let mut node = self;
        for seg in path {
            if node.whole {
                return;
            }
            node = node.children.entry(seg.clone()).or_default();
        }
        if whole {
            node.whole = true;
            node.children.clear();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// `.a.b` relative to the dot (`.` alone: no fields).
    Field(Vec<String>),
    /// `$name.a.b` (`$` alone: empty name).
    Var(String, Vec<String>),
    Ident(String),
    Str(String),
    Declare,
    Assign,
    Pipe,
    Open,
    Close,
    Comma,
    Other,
}

/// The token lists of every `{{ … }}` action of a template, comments skipped.
fn actions(text: &str) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let body = &rest[start + 2..];
        let body = body.strip_prefix('-').unwrap_or(body);
        if body.trim_start().starts_with("/*") {
            match body.find("*/") {
                Some(end) => {
                    rest = &body[end + 2..];
                    continue;
                }
                None => break,
            }
        }
        let (toks, used) = lex(body);
        out.push(toks);
        rest = &body[used.min(body.len())..];
    }
    out
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Lexes one action up to its closing `}}`; returns the tokens and the bytes consumed.
fn lex(s: &str) -> (Vec<Tok>, usize) {
    let b: Vec<(usize, char)> = s.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let at = |i: usize| b.get(i).map(|(_, c)| *c);
    let fields = |i: &mut usize| {
        let mut f = Vec::new();
        while at(*i) == Some('.') && at(*i + 1).is_some_and(ident_char) {
            *i += 1;
            let mut seg = String::new();
            while let Some(c) = at(*i).filter(|c| ident_char(*c)) {
                seg.push(c);
                *i += 1;
            }
            f.push(seg);
        }
        f
    };
    while let Some(c) = at(i) {
        match c {
            '}' if at(i + 1) == Some('}') => {
                return (toks, b[i].0 + 2);
            }
            '-' if at(i + 1) == Some('}') && at(i + 2) == Some('}') => {
                return (toks, b[i].0 + 3);
            }
            c if c.is_whitespace() => i += 1,
            '"' | '`' | '\'' => {
                let quote = c;
                i += 1;
                let mut v = String::new();
                while let Some(c) = at(i) {
                    i += 1;
                    if c == quote {
                        break;
                    }
                    if c == '\\' && quote != '`' {
                        if let Some(n) = at(i) {
                            v.push(n);
                            i += 1;
                        }
                        continue;
                    }
                    v.push(c);
                }
                toks.push(if quote == '\'' {
                    Tok::Other
                } else {
                    Tok::Str(v)
                });
            }
            '.' => {
                // `(…).x` (no space) chains on a result; `(…) .Values.x` is a new argument.
                let chained = i > 0 && at(i - 1) == Some(')');
                let f = fields(&mut i);
                if f.is_empty() {
                    i += 1;
                    if at(i).is_some_and(|c| c.is_ascii_digit()) {
                        toks.push(Tok::Other);
                        while at(i).is_some_and(|c| c.is_ascii_digit()) {
                            i += 1;
                        }
                        continue;
                    }
                }
                // `(…).x` chains are not followed.
                if chained {
                    toks.push(Tok::Other);
                } else {
                    toks.push(Tok::Field(f));
                }
            }
            '$' => {
                i += 1;
                let mut name = String::new();
                while let Some(c) = at(i).filter(|c| ident_char(*c)) {
                    name.push(c);
                    i += 1;
                }
                let f = fields(&mut i);
                toks.push(Tok::Var(name, f));
            }
            ':' if at(i + 1) == Some('=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                toks.push(Tok::Assign);
                i += 1;
            }
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            '(' => {
                toks.push(Tok::Open);
                i += 1;
            }
            ')' => {
                toks.push(Tok::Close);
                i += 1;
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            c if ident_char(c) => {
                let mut name = String::new();
                while let Some(c) = at(i).filter(|c| ident_char(*c)) {
                    name.push(c);
                    i += 1;
                }
                // Field access on an identifier result (`now.Year`) is not followed.
                fields(&mut i);
                toks.push(Tok::Ident(name));
            }
            _ => {
                toks.push(Tok::Other);
                i += 1;
            }
        }
    }
    (toks, s.len())
}

// ---------------------------------------------------------------------------------------------
// Scan
// ---------------------------------------------------------------------------------------------

/// What the dot (or a variable) holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Dot {
    /// The top-level context (`.Values`, `.Release`, …).
    Root,
    /// `.Values` at this path.
    Values(Vec<String>),
    /// Something else (a list item, a dict, a function result).
    Unknown,
}

/// Functions that take a value as a whole: every key below it may be used.
const WHOLE: &[&str] = &[
    "toYaml",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toToml",
    "tpl",
    "include",
    "template",
    "merge",
    "mergeOverwrite",
    "deepCopy",
    "mustDeepCopy",
    "mustMerge",
    "mustMergeOverwrite",
    "mustToYaml",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "pick",
    "omit",
    "keys",
    "values",
    "dig",
    "get",
    "pluck",
    "toString",
    "list",
    "dict",
    "set",
    "unset",
];

/// Keywords that open a block closed by `end`.
const BLOCKS: &[&str] = &["if", "with", "range", "define", "block"];

#[derive(Default)]
struct Scan {
    reads: Reads,
    defines: HashMap<String, Vec<Vec<Tok>>>,
    /// Define scans done (name, dot), so recursion ends.
    done: HashSet<(String, Dot)>,
    /// [`Sources::missing`], normalised.
    missing: Vec<String>,
}

/// A chart or template-name prefix compared loosely: lowercase letters and digits only
/// (`spark-base` and `sparkBase` are one).
fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Scan {
    /// Whether the named template `name`, defined by no source here, may come from a dependency
    /// that is not vendored: Helm charts prefix their named templates with their own name
    /// (`grafana.fullname`, `common.names.fullname` from the `common` library), so an undefined
    /// template whose prefix names no missing dependency is defined nowhere (Helm fails on it
    /// if it runs) and reads nothing. A name without a prefix may come from any of them.
    fn defined_by_missing_dependency(&self, name: &str) -> bool {
        let Some((prefix, _)) = name.split_once('.') else {
            return !self.missing.is_empty();
        };
        let prefix = normalise(prefix);
        !prefix.is_empty()
            && self
                .missing
                .iter()
                .any(|m| m.starts_with(&prefix) || prefix.starts_with(m.as_str()))
    }
}

struct Scope {
    dot: Dot,
    outer: Dot,
    vars: HashMap<String, Dot>,
}

/// The value of an operand or command: what it points at (a consumer that takes it whole marks
/// that place whole).
type Value = Dot;

impl Scan {
    /// Moves `define` bodies out of a file's actions into [`Scan::defines`]; returns the rest.
    fn split_defines(&mut self, actions: Vec<Vec<Tok>>) -> Vec<Vec<Tok>> {
        let mut top = Vec::new();
        let mut current: Option<(String, Vec<Vec<Tok>>, usize)> = None;
        for a in actions {
            let kw = match a.first() {
                Some(Tok::Ident(k)) => k.as_str(),
                _ => "",
            };
            if let Some((name, body, depth)) = current.as_mut() {
                if BLOCKS.contains(&kw) {
                    *depth += 1;
                } else if kw == "end" {
                    if *depth == 0 {
                        let (name, body) = (std::mem::take(name), std::mem::take(body));
                        self.defines.entry(name).or_default().extend(body);
                        current = None;
                        continue;
                    }
                    *depth -= 1;
                }
                body.push(a);
                continue;
            }
            if kw == "define" {
                if let Some(Tok::Str(name)) = a.get(1) {
                    current = Some((name.clone(), Vec::new(), 0));
                    continue;
                }
            }
            top.push(a);
        }
        if let Some((name, body, _)) = current {
            self.defines.entry(name).or_default().extend(body);
        }
        top
    }

    /// Scans a define body with the dot it is invoked with (once per name and dot).
    fn invoke(&mut self, name: &str, dot: Dot) {
        if self.done.len() > 4096 || !self.done.insert((name.to_string(), dot.clone())) {
            return;
        }
        if let Some(body) = self.defines.get(name).cloned() {
            self.run(&body, dot);
        }
    }

    /// Scans a list of actions starting with `dot`.
    fn run(&mut self, actions: &[Vec<Tok>], dot: Dot) {
        let mut stack = vec![Scope {
            dot: dot.clone(),
            outer: dot,
            vars: HashMap::new(),
        }];
        for a in actions {
            let kw = match a.first() {
                Some(Tok::Ident(k)) => k.as_str(),
                _ => "",
            };
            let rest = if kw.is_empty() { &a[..] } else { &a[1..] };
            match kw {
                "end" => {
                    if stack.len() > 1 {
                        stack.pop();
                    }
                }
                "if" | "with" | "range" | "block" => {
                    let outer = stack.last().map(|s| s.dot.clone()).unwrap_or(Dot::Unknown);
                    let rest = if kw == "block" {
                        a.get(2..).unwrap_or(&[])
                    } else {
                        rest
                    };
                    let value = self.statement(rest, &mut stack, kw == "range");
                    let dot = match kw {
                        "with" | "block" => value,
                        "range" => Dot::Unknown,
                        _ => outer.clone(),
                    };
                    stack.push(Scope {
                        dot,
                        outer,
                        vars: HashMap::new(),
                    });
                }
                "else" => {
                    let next = match rest.first() {
                        Some(Tok::Ident(k)) => k.as_str(),
                        _ => "",
                    };
                    let outer = stack
                        .last()
                        .map(|s| s.outer.clone())
                        .unwrap_or(Dot::Unknown);
                    if let Some(top) = stack.last_mut() {
                        top.dot = outer.clone();
                    }
                    let value = self.statement(rest.get(1..).unwrap_or(&[]), &mut stack, false);
                    if next == "with" {
                        if let Some(top) = stack.last_mut() {
                            top.dot = value;
                        }
                    }
                }
                _ => {
                    self.statement(a, &mut stack, false);
                }
            }
        }
    }

    /// A pipeline, possibly declaring variables (`$a := …`, `$k, $v := …`); returns its value.
    /// `ranged`: the value is iterated (read whole, variables hold items).
    fn statement(&mut self, toks: &[Tok], stack: &mut [Scope], ranged: bool) -> Value {
        let decl = toks
            .iter()
            .position(|t| matches!(t, Tok::Declare | Tok::Assign));
        let (vars, pipeline) = match decl {
            Some(p)
                if toks[..p]
                    .iter()
                    .all(|t| matches!(t, Tok::Var(_, f) if f.is_empty()) || *t == Tok::Comma) =>
            {
                (&toks[..p], &toks[p + 1..])
            }
            _ => (&toks[..0], toks),
        };
        let mut pos = 0;
        let value = self.pipeline(pipeline, &mut pos, stack, ranged);
        let names: Vec<&str> = vars
            .iter()
            .filter_map(|t| match t {
                Tok::Var(n, _) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        if let Some(top) = stack.last_mut() {
            for (i, n) in names.iter().enumerate() {
                let held = if ranged || i + 1 < names.len() {
                    Dot::Unknown
                } else {
                    value.clone()
                };
                top.vars.insert(n.to_string(), held);
            }
        }
        value
    }

    /// A pipeline up to a closing parenthesis or the end: commands separated by `|`, each
    /// command's value handed to the next as its last argument.
    fn pipeline(&mut self, toks: &[Tok], pos: &mut usize, stack: &[Scope], whole: bool) -> Value {
        let mut piped: Option<Value> = None;
        let mut commands: Vec<(Vec<Operand>, bool)> = Vec::new();
        loop {
            let cmd = self.command(toks, pos, stack);
            let is_whole_fn =
                matches!(cmd.first(), Some(Operand::Ident(f)) if WHOLE.contains(&f.as_str()));
            commands.push((cmd, is_whole_fn));
            match toks.get(*pos) {
                Some(Tok::Pipe) => *pos += 1,
                Some(Tok::Close) => {
                    *pos += 1;
                    break;
                }
                None => break,
                Some(_) => *pos += 1,
            }
        }
        for (cmd, _) in commands {
            piped = Some(self.apply(cmd, piped.take()));
        }
        let value = piped.unwrap_or(Dot::Unknown);
        if whole {
            self.mark(&value, true);
        }
        value
    }

    /// The operands of one command, sub-pipelines evaluated.
    fn command(&mut self, toks: &[Tok], pos: &mut usize, stack: &[Scope]) -> Vec<Operand> {
        let mut ops = Vec::new();
        while let Some(t) = toks.get(*pos) {
            match t {
                Tok::Pipe | Tok::Close => break,
                Tok::Open => {
                    *pos += 1;
                    let v = self.pipeline(toks, pos, stack, false);
                    ops.push(Operand::Value(v, false));
                    continue;
                }
                Tok::Field(f) => {
                    let base = stack.last().map(|s| s.dot.clone()).unwrap_or(Dot::Unknown);
                    ops.push(Operand::Value(resolve(&base, f), f.is_empty()));
                }
                Tok::Var(n, f) => {
                    let base = if n.is_empty() {
                        Dot::Root
                    } else {
                        stack
                            .iter()
                            .rev()
                            .find_map(|s| s.vars.get(n).cloned())
                            .unwrap_or(Dot::Unknown)
                    };
                    ops.push(Operand::Value(resolve(&base, f), f.is_empty()));
                }
                Tok::Ident(i) => ops.push(Operand::Ident(i.clone())),
                Tok::Str(s) => ops.push(Operand::Str(s.clone())),
                _ => ops.push(Operand::Other),
            }
            *pos += 1;
        }
        ops
    }

    /// Evaluates one command (with the piped value as its last argument) and marks its reads.
    fn apply(&mut self, mut cmd: Vec<Operand>, piped: Option<Value>) -> Value {
        if let Some(p) = piped {
            cmd.push(Operand::Value(p, false));
        }
        let func = match cmd.first() {
            Some(Operand::Ident(f)) => f.clone(),
            Some(Operand::Value(v, _)) if cmd.len() == 1 => {
                self.mark(v, false);
                return v.clone();
            }
            _ => String::new(),
        };
        let args = cmd.get(1..).unwrap_or(&[]);
        match func.as_str() {
            "index" => {
                let Some(Operand::Value(base, _)) = args.first() else {
                    return self.read_all(args, false);
                };
                let Dot::Values(mut path) = base.clone() else {
                    self.read_all(args, false);
                    return Dot::Unknown;
                };
                for a in &args[1..] {
                    match a {
                        Operand::Str(k) => path.push(k.clone()),
                        _ => {
                            self.reads.insert(&path, true);
                            return Dot::Unknown;
                        }
                    }
                }
                self.mark(&Dot::Values(path.clone()), false);
                Dot::Values(path)
            }
            "hasKey" => {
                if let (Some(Operand::Value(Dot::Values(p), _)), Some(Operand::Str(k))) =
                    (args.first(), args.get(1))
                {
                    let mut p = p.clone();
                    p.push(k.clone());
                    self.mark(&Dot::Values(p), false);
                } else {
                    self.read_all(args, false);
                }
                Dot::Unknown
            }
            "include" | "template" => {
                let name = match args.first() {
                    Some(Operand::Str(n)) => Some(n.clone()),
                    _ => None,
                };
                if name.as_ref().is_some_and(|n| {
                    !self.defines.contains_key(n) && self.defined_by_missing_dependency(n)
                }) {
                    // A named template from a dependency that is not vendored: it may read any
                    // value it is given, the root context included.
                    self.reads.opaque = true;
                }
                for a in args.iter().skip(1) {
                    if let Operand::Value(v, bare) = a {
                        if let Some(name) = &name {
                            if matches!(v, Dot::Root | Dot::Values(_)) {
                                self.invoke(name, v.clone());
                            }
                        }
                        // A bare `.`/`$x` is scanned through the define; a named path is handed on.
                        if !bare {
                            self.mark(v, true);
                        }
                    }
                }
                Dot::Unknown
            }
            "default" | "coalesce" | "required" | "ternary" | "empty" | "not" | "and" | "or" => {
                let last = args.iter().rev().find_map(|a| match a {
                    Operand::Value(v, _) => Some(v.clone()),
                    _ => None,
                });
                self.read_all(args, false);
                match func.as_str() {
                    "default" | "required" | "coalesce" | "and" | "or" => {
                        last.unwrap_or(Dot::Unknown)
                    }
                    _ => Dot::Unknown,
                }
            }
            f if WHOLE.contains(&f) => self.read_all(args, true),
            _ => self.read_all(args, false),
        }
    }

    /// Marks every value argument read (or whole); the value is unknown.
    fn read_all(&mut self, args: &[Operand], whole: bool) -> Value {
        for a in args {
            if let Operand::Value(v, _) = a {
                self.mark(v, whole);
            }
        }
        Dot::Unknown
    }

    fn mark(&mut self, v: &Value, whole: bool) {
        if let Dot::Values(p) = v {
            if p.is_empty() && !whole {
                return;
            }
            self.reads.insert(p, whole);
        }
    }
}

#[derive(Debug, Clone)]
enum Operand {
    /// A reference or sub-pipeline result; `true` when it is a bare `.`/`$`/`$x`.
    Value(Value, bool),
    Ident(String),
    Str(String),
    Other,
}

/// Where a field chain from `base` points.
fn resolve(base: &Dot, fields: &[String]) -> Dot {
    if let Some(i) = fields.iter().position(|f| f == "Values") {
        return Dot::Values(fields[i + 1..].to_vec());
    }
    match base {
        Dot::Values(p) => {
            let mut p = p.clone();
            p.extend(fields.iter().cloned());
            Dot::Values(p)
        }
        Dot::Root if fields.is_empty() => Dot::Root,
        _ => Dot::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(files: &[&str]) -> Reads {
        Reads::scan(&Sources {
            own: files.to_vec(),
            helpers: vec![
                r#"{{ define "sub.name" }}{{ .Values.nameOverride }}{{ end }}{{ .Values.subOnly }}"#,
            ],
            conditions: vec!["sub.enabled"],
            missing: vec!["common"],
        })
    }

    fn state(r: &Reads, path: &str) -> &'static str {
        let mut node = r;
        for seg in path.split('.') {
            if node.whole {
                return "whole";
            }
            match node.child(seg) {
                Some(n) => node = n,
                None => return "unread",
            }
        }
        if node.whole {
            "whole"
        } else {
            "read"
        }
    }

    #[test]
    fn follows_the_dot_variables_and_helpers() {
        let r = scan(&[
            r#"{{- with .Values.core }}
replicas: {{ .replicas }}
name: {{ $.Values.name | quote }}
{{- toYaml .resources | nindent 2 }}
{{- end }}
{{ range $k, $v := .Values.env }}{{ $k }}={{ $v.x }}{{ end }}
{{ $svc := .Values.service }}port: {{ $svc.port }}
{{ index .Values "image" "tag" }} {{ index .Values.labels $key }}
{{- include "app.tolerations" . }}
{{/* {{ .Values.commented }} */}}
{{ tpl .Values.extraConfig $ }} {{ .Values.conf | toJson }}
{{ if .Values.a.enabled }}{{ else }}{{ .b }}{{ end }}
{{ default "x" .Values.fallback.value }}"#,
            r#"{{- define "app.tolerations" -}}
{{ toYaml .Values.tolerations }}{{ .Values.helperKey }}
{{- end }}
{{ define "app.inner" }}{{ .port }}{{ end }}
{{ with .Values.metrics }}{{ include "app.inner" . }}{{ end }}
{{ include "other" (dict "value" .Values.podSpec "context" $) }}
{{ $.context.Values.fromCtx }} {{ .Values }} {{ garbage ( | }} {{ "#,
        ]);
        assert_eq!(state(&r, "core.replicas"), "read");
        assert_eq!(state(&r, "core.other"), "unread");
        assert_eq!(state(&r, "core.resources.limits"), "whole");
        assert_eq!(state(&r, "name"), "read");
        assert_eq!(state(&r, "env.ANY"), "whole");
        assert_eq!(state(&r, "service.port"), "read");
        assert_eq!(state(&r, "service.nope"), "unread");
        assert_eq!(state(&r, "image.tag"), "read");
        assert_eq!(state(&r, "labels.x"), "whole");
        assert_eq!(state(&r, "tolerations.x"), "whole");
        assert_eq!(state(&r, "helperKey"), "read");
        assert_eq!(state(&r, "commented"), "unread");
        assert_eq!(state(&r, "extraConfig.y"), "whole");
        assert_eq!(state(&r, "conf.y"), "whole");
        assert_eq!(state(&r, "a.enabled"), "read");
        assert_eq!(state(&r, "b"), "unread");
        assert_eq!(state(&r, "fallback.value"), "read");
        assert_eq!(state(&r, "metrics.port"), "read");
        assert_eq!(state(&r, "podSpec.any"), "whole");
        assert_eq!(state(&r, "fromCtx"), "read");
        assert_eq!(state(&r, "sub.enabled"), "read");
        assert!(!r.is_whole());
        // `include "other"` names a template no chart here defines.
        assert!(r.is_opaque());
    }

    #[test]
    fn subchart_helpers_are_scanned_when_called_and_unknown_ones_are_opaque() {
        let r = scan(&[r#"{{ include "sub.name" . }}"#]);
        assert_eq!(state(&r, "nameOverride"), "read");
        assert_eq!(state(&r, "subOnly"), "unread");
        assert!(!r.is_opaque());
        let r = scan(&[r#"{{ .Values.a }}"#]);
        assert_eq!(state(&r, "nameOverride"), "unread");
        let r = scan(&[r#"{{ include "common.names.fullname" . }}{{ .Values.a }}"#]);
        assert!(r.is_opaque());
        assert_eq!(state(&r, "a"), "read");
        // Defined nowhere, and no missing dependency is called `spark-operator`: reads nothing.
        let r = scan(&[r#"{{ include "spark-operator.labels" . }}{{ .Values.a }}"#]);
        assert!(!r.is_opaque());
        // No prefix: it may come from the missing `common`.
        assert!(scan(&[r#"{{ include "labels" . }}"#]).is_opaque());
    }

    #[test]
    fn a_value_after_a_parenthesised_argument_is_read() {
        let r = scan(&[
            r#"host: {{ default (printf "%s-driver" .Release.Name) .Values.connect.driver.host }}"#,
            r#"port: {{ (include "x.port" .).value }} {{ (.Values.a).b }}"#,
        ]);
        assert_eq!(state(&r, "connect.driver.host"), "read");
        assert_eq!(state(&r, "a"), "read");
    }

    #[test]
    fn never_panics_on_garbage() {
        for t in [
            "{{",
            "}}",
            "{{ $ }}",
            "{{ . }}",
            "{{ ( }}",
            "{{ ) }}",
            "{{ \"unterminated }}",
            "{{- end }}{{ end }}",
            "{{ else with }}",
            "{{ index }}",
            "{{ :=  }}",
            "{{ $a, := x }}",
            "{{ define }}",
            "{{ include }}",
            "{{/* open",
            "{{ 'x' .5 1.5 }}",
            "{{ .a.",
        ] {
            scan(&[t]);
        }
    }
}
