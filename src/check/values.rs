//! Values files (presets) against the values interface of the chart they target:
//! `values-unknown-key` (a key the chart does not declare, with "did you mean"), `values-type`
//! (a value whose type differs from the chart default's) and `values-schema` (any other
//! `values.schema.json` violation, found by a real JSON Schema validator over the preset merged
//! onto the chart defaults, as Helm validates). `values-syntax` is reported at load time.
//!
//! The values-interface walker ([`Interface`], [`Node`], [`Lookup`]) is shared with the `--set`
//! checks in `helm.rs`. The key rule (PRODUCT.md, "What valid means"): a key is known when it
//! appears in the chart's `values.yaml` or is declared under `properties` (or a matching
//! `patternProperties`) in its `values.schema.json`. A map accepts unknown children only when its
//! default is an empty map `{}` or its schema sets `additionalProperties` explicitly (true or a
//! schema). JSON Schema's implicit openness does not make a typo valid.
//!
//! Beyond that rule:
//! - `global` is always allowed, and accepts any child (known children are still checked);
//! - keys under a dependency's name (or alias) from Chart.yaml are checked against the vendored
//!   subchart (`<chart>/charts/<name>/`) together with what the parent declares under that key;
//!   when the subchart is not vendored, keys the parent does not declare are accepted unless the
//!   parent's schema closes that map with `additionalProperties: false`; `enabled` (the usual
//!   dependency condition) is always allowed under a dependency, and `tags` at the top level of
//!   a chart with dependencies;
//! - a place the interface says nothing about (no map default with keys, no schema with
//!   `properties` or `additionalProperties: false`: e.g. a `null` default, an untyped list item)
//!   accepts any child: there is nothing to check against.

use super::Context;
use crate::diagnostics::Finding;
use crate::load::Chart;
use crate::model::Site;
use serde_json::Value as J;
use serde_yaml_ng::Value as Y;
use std::collections::{HashMap, HashSet};

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/// One step of a values path: a map key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `a.b[0].c`; the empty path is `(root)`.
pub fn display_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    if s.is_empty() {
        s.push_str("(root)");
    }
    s
}

/// The closest candidate to `key` by edit distance (case-insensitive), if close enough to be a
/// plausible typo.
pub fn suggest<'c>(key: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    let lower = key.to_lowercase();
    let limit = (key.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == key {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

// ---------------------------------------------------------------------------------------------
// The values interface
// ---------------------------------------------------------------------------------------------

/// Map names that, with a `{}` default, hold scalar settings (Spark properties, environment
/// variables, Kubernetes labels/annotations/selectors) whose own names contain dots or slashes.
/// Used only when the schema says nothing about the map's children; a schema whose
/// `additionalProperties` is a scalar type (string/number/integer/boolean) marks a map as
/// scalar-valued by itself.
const SCALAR_MAP_NAMES: &[&str] = &[
    "sparkConf",
    "sparkProperties",
    "sparkConfig",
    "hadoopConf",
    "hadoopConfig",
    "env",
    "envVars",
    "environment",
    "annotations",
    "labels",
    "nodeSelector",
    "podLabels",
    "podAnnotations",
    "commonLabels",
    "commonAnnotations",
    "serviceAnnotations",
    "serviceLabels",
    "ingressAnnotations",
    "extraLabels",
    "extraAnnotations",
    "configProperties",
];

/// A dependency of a chart, by the key its values live under.
struct Dep {
    key: String,
    /// The vendored subchart (`<chart>/charts/<name>/`), when present.
    chart: Option<Chart>,
}

/// The values interface of one chart (and its vendored subcharts).
pub struct Interface {
    chart: Chart,
    deps: Vec<Dep>,
}

impl Interface {
    pub fn new(site: &Site, chart: &Chart) -> Interface {
        let mut deps = Vec::new();
        for d in &chart.dependencies {
            if d.name.is_empty() {
                continue;
            }
            let key = d
                .alias
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| d.name.clone());
            let dir = chart.dir.join("charts").join(&d.name);
            let sub = if dir.join("Chart.yaml").is_file() {
                site.charts
                    .iter()
                    .find(|c| c.dir == dir)
                    .cloned()
                    .or_else(|| {
                        crate::load::chart::load_chart(&site.config.root, &dir, &mut Vec::new())
                    })
            } else {
                None
            };
            deps.push(Dep { key, chart: sub });
        }
        Interface {
            chart: chart.clone(),
            deps,
        }
    }

    pub fn chart(&self) -> &Chart {
        &self.chart
    }

    /// The top of the values tree.
    pub fn root(&self) -> Node<'_> {
        Node {
            layers: vec![Layer::of_chart(&self.chart)],
            lenient: false,
            accept_any: false,
            dependency: false,
            name: String::new(),
            deps: Some(&self.deps),
        }
    }

    /// Vendored subcharts with their keys.
    fn subcharts(&self) -> impl Iterator<Item = (&str, &Chart)> {
        self.deps
            .iter()
            .filter_map(|d| d.chart.as_ref().map(|c| (d.key.as_str(), c)))
    }
}

/// What one source (a chart, or a vendored subchart) says about a place in the values tree.
#[derive(Clone)]
struct Layer<'a> {
    /// The default from `values.yaml`.
    value: Option<&'a Y>,
    /// Schema nodes describing this place (`$ref`s followed, `allOf`/`anyOf`/`oneOf` flattened).
    schemas: Vec<&'a J>,
    /// The schema document, for `$ref` resolution.
    root: Option<&'a J>,
}

impl<'a> Layer<'a> {
    fn of_chart(c: &'a Chart) -> Layer<'a> {
        let mut schemas = Vec::new();
        if let Some(s) = &c.schema {
            resolve(Some(s), s, &mut schemas, 0);
        }
        Layer {
            value: c.values.as_ref(),
            schemas,
            root: c.schema.as_ref(),
        }
    }
}

/// Follows local `$ref`s and flattens `allOf`/`anyOf`/`oneOf` into `out`.
fn resolve<'a>(root: Option<&'a J>, s: &'a J, out: &mut Vec<&'a J>, depth: usize) {
    if depth > 24 || out.len() > 256 {
        return;
    }
    let J::Object(m) = s else { return };
    if out.iter().any(|o| std::ptr::eq(*o, s)) {
        return;
    }
    out.push(s);
    if let (Some(J::String(r)), Some(root)) = (m.get("$ref"), root) {
        if let Some(ptr) = r.strip_prefix('#') {
            if let Some(target) = root.pointer(ptr) {
                resolve(Some(root), target, out, depth + 1);
            }
        }
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        if let Some(J::Array(items)) = m.get(k) {
            for item in items {
                resolve(root, item, out, depth + 1);
            }
        }
    }
}

/// A YAML value with tags removed.
fn untag(v: &Y) -> &Y {
    match v {
        Y::Tagged(t) => untag(&t.value),
        other => other,
    }
}

/// A YAML map key as the string Helm sees.
pub fn key_str(k: &Y) -> String {
    match untag(k) {
        Y::String(s) => s.clone(),
        Y::Number(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Null => "null".into(),
        other => serde_yaml_ng::to_string(other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

/// The kind of a value as the checks name it.
pub fn kind_of(v: &Y) -> &'static str {
    match untag(v) {
        Y::Null => "null",
        Y::Bool(_) => "bool",
        Y::Number(_) => "number",
        Y::String(_) => "string",
        Y::Sequence(_) => "list",
        Y::Mapping(_) => "map",
        Y::Tagged(_) => "value",
    }
}

fn map_get<'a>(m: &'a serde_yaml_ng::Mapping, key: &str) -> Option<&'a Y> {
    m.get(key)
        .or_else(|| m.iter().find(|(k, _)| key_str(k) == key).map(|(_, v)| v))
}

/// A place in a chart's values interface.
#[derive(Clone)]
pub struct Node<'a> {
    layers: Vec<Layer<'a>>,
    /// Under a dependency that is not vendored.
    lenient: bool,
    /// Accepts any child (`global`).
    accept_any: bool,
    /// The values of a dependency (`enabled` is always allowed).
    dependency: bool,
    /// The key this node is under.
    name: String,
    /// Set at the root only.
    deps: Option<&'a [Dep]>,
}

/// The result of looking a child key up.
pub enum Lookup<'a> {
    /// The key is declared; its place in the interface.
    Known(Node<'a>),
    /// The map accepts any child. `scalar_map` when it is a free-form map of scalar settings
    /// (see [`SCALAR_MAP_NAMES`]), so a child must be a scalar, never a nested map.
    Open { scalar_map: bool },
    /// Not declared. `suggestion`: the closest declared sibling; `not_a_map`: the kind of the
    /// parent when it is a scalar or list, which has no keys at all.
    Unknown {
        suggestion: Option<String>,
        not_a_map: Option<&'static str>,
        known: Vec<String>,
    },
}

impl<'a> Node<'a> {
    fn child(&self, name: &str) -> Node<'a> {
        Node {
            layers: Vec::new(),
            lenient: self.lenient,
            accept_any: false,
            dependency: false,
            name: name.to_string(),
            deps: None,
        }
    }

    /// The default value in `values.yaml` (the first layer that has one, null defaults skipped).
    pub fn default_value(&self) -> Option<&'a Y> {
        self.layers
            .iter()
            .filter_map(|l| l.value)
            .find(|v| !matches!(untag(v), Y::Null))
    }

    /// Declared keys of this map, sorted.
    pub fn known_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for l in &self.layers {
            if let Some(Y::Mapping(m)) = l.value.map(untag) {
                keys.extend(m.keys().map(key_str));
            }
            for s in &l.schemas {
                if let Some(J::Object(props)) = s.get("properties") {
                    keys.extend(props.keys().cloned());
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// JSON Schema types declared for this place, if any.
    fn schema_types(&self) -> Option<Vec<&'a str>> {
        let mut types = Vec::new();
        let mut any = false;
        for l in &self.layers {
            for s in &l.schemas {
                match s.get("type") {
                    Some(J::String(t)) => {
                        any = true;
                        types.push(t.as_str());
                    }
                    Some(J::Array(ts)) => {
                        any = true;
                        types.extend(ts.iter().filter_map(J::as_str));
                    }
                    _ => {}
                }
            }
        }
        any.then_some(types)
    }

    /// Whether the schema explicitly allows a YAML value of this kind here.
    fn schema_allows(&self, v: &Y) -> bool {
        let Some(types) = self.schema_types() else {
            return false;
        };
        let v = untag(v);
        types.iter().any(|t| match *t {
            "object" => v.is_mapping(),
            "array" => v.is_sequence(),
            "string" => v.is_string(),
            "boolean" => v.is_bool(),
            "null" => v.is_null(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            _ => false,
        })
    }

    /// Looks up the child `key` of this map.
    pub fn lookup(&self, key: &str) -> Lookup<'a> {
        let mut child = self.child(key);
        let mut found = false;
        for l in &self.layers {
            let mut cl = Layer {
                value: None,
                schemas: Vec::new(),
                root: l.root,
            };
            if let Some(Y::Mapping(m)) = l.value.map(untag) {
                if let Some(v) = map_get(m, key) {
                    cl.value = Some(v);
                    found = true;
                }
            }
            for s in &l.schemas {
                if let Some(ps) = s.get("properties").and_then(|p| p.get(key)) {
                    resolve(l.root, ps, &mut cl.schemas, 0);
                    found = true;
                }
                if let Some(J::Object(pats)) = s.get("patternProperties") {
                    for (pat, ps) in pats {
                        if regex::Regex::new(pat).is_ok_and(|r| r.is_match(key)) {
                            resolve(l.root, ps, &mut cl.schemas, 0);
                            found = true;
                        }
                    }
                }
            }
            if cl.value.is_some() || !cl.schemas.is_empty() {
                child.layers.push(cl);
            }
        }
        if let Some(deps) = self.deps {
            if key == "global" {
                child.accept_any = true;
                return Lookup::Known(child);
            }
            if let Some(dep) = deps.iter().find(|d| d.key == key) {
                child.dependency = true;
                match &dep.chart {
                    Some(sub) => {
                        child.layers.push(Layer::of_chart(sub));
                        child.lenient = false;
                    }
                    None => child.lenient = true,
                }
                return Lookup::Known(child);
            }
            if key == "tags" && !deps.is_empty() && !found {
                return Lookup::Open { scalar_map: false };
            }
        }
        if found {
            return Lookup::Known(child);
        }
        if self.dependency && key == "enabled" {
            return Lookup::Known(child);
        }
        if self.accept_any {
            return Lookup::Open { scalar_map: false };
        }

        // Not declared: is this map open?
        let mut open = false;
        let mut scalar = false;
        let mut closed_explicitly = false;
        let mut has_interface = false;
        let mut map_default = false;
        let mut other_default: Option<&'static str> = None;
        for l in &self.layers {
            match l.value.map(untag) {
                Some(Y::Mapping(m)) => {
                    map_default = true;
                    if m.is_empty() {
                        open = true;
                        scalar |= SCALAR_MAP_NAMES.contains(&self.name.as_str());
                    } else {
                        has_interface = true;
                    }
                }
                Some(Y::Null) | None => {}
                Some(v) => other_default = Some(kind_of(v)),
            }
            for s in &l.schemas {
                if s.get("properties").is_some() || s.get("patternProperties").is_some() {
                    has_interface = true;
                }
                match s.get("additionalProperties") {
                    Some(J::Bool(false)) => {
                        closed_explicitly = true;
                        has_interface = true;
                    }
                    Some(ap @ (J::Bool(true) | J::Object(_))) => {
                        open = true;
                        if is_scalar_schema(l.root, ap) {
                            scalar = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        if open {
            return Lookup::Open { scalar_map: scalar };
        }
        if !map_default {
            let not_a_map = other_default.or_else(|| {
                let types = self.schema_types()?;
                if types.is_empty() || types.contains(&"object") {
                    return None;
                }
                Some(match types[0] {
                    "array" => "list",
                    "boolean" => "bool",
                    "integer" | "number" => "number",
                    "string" => "string",
                    _ => "value",
                })
            });
            if let Some(kind) = not_a_map {
                return Lookup::Unknown {
                    suggestion: None,
                    not_a_map: Some(kind),
                    known: Vec::new(),
                };
            }
        }
        if !has_interface || (self.lenient && !closed_explicitly) {
            return Lookup::Open { scalar_map: false };
        }
        let known = self.known_keys();
        let suggestion = suggest(key, known.iter().map(String::as_str));
        Lookup::Unknown {
            suggestion,
            not_a_map: None,
            known,
        }
    }

    /// The place of item `index` of this list (described by the schema's `items` only: Helm
    /// replaces lists wholesale, so default items say nothing about new ones).
    pub fn item(&self, index: usize) -> Node<'a> {
        let mut child = self.child(&self.name);
        for l in &self.layers {
            let mut cl = Layer {
                value: None,
                schemas: Vec::new(),
                root: l.root,
            };
            for s in &l.schemas {
                let by_index = s.get("prefixItems").and_then(|p| p.get(index));
                match (by_index, s.get("items")) {
                    (Some(p), _) => resolve(l.root, p, &mut cl.schemas, 0),
                    (None, Some(J::Array(items))) => {
                        if let Some(p) = items.get(index) {
                            resolve(l.root, p, &mut cl.schemas, 0);
                        }
                    }
                    (None, Some(items @ J::Object(_))) => {
                        resolve(l.root, items, &mut cl.schemas, 0)
                    }
                    _ => {}
                }
            }
            if !cl.schemas.is_empty() {
                child.layers.push(cl);
            }
        }
        child
    }
}

/// Whether a schema (an `additionalProperties` value) only admits scalars.
fn is_scalar_schema(root: Option<&J>, s: &J) -> bool {
    let mut nodes = Vec::new();
    resolve(root, s, &mut nodes, 0);
    let mut types = Vec::new();
    for n in nodes {
        match n.get("type") {
            Some(J::String(t)) => types.push(t.as_str()),
            Some(J::Array(ts)) => types.extend(ts.iter().filter_map(J::as_str)),
            _ => {}
        }
    }
    !types.is_empty()
        && types
            .iter()
            .all(|t| matches!(*t, "string" | "number" | "integer" | "boolean" | "null"))
}

// ---------------------------------------------------------------------------------------------
// Key positions in YAML text
// ---------------------------------------------------------------------------------------------

/// Where the keys of a block-style YAML file are: key path → 1-based line and column of the key.
/// Indentation-aware; handles comments, quoted keys, `- ` list items (also compact lists at the
/// parent's indentation), anchors/tags, block scalars, multi-line scalars and several documents
/// (`---`). Keys inside flow collections (`{a: 1}`) are not indexed: lookups fall back to the
/// nearest indexed ancestor, then to line 1.
pub struct YamlIndex {
    entries: Vec<(Vec<Seg>, usize, usize)>,
}

struct Frame {
    indent: isize,
    seg: Option<Seg>,
    is_item: bool,
    items: usize,
}

impl YamlIndex {
    pub fn new(text: &str) -> YamlIndex {
        let mut entries = Vec::new();
        let root = || Frame {
            indent: -1,
            seg: None,
            is_item: false,
            items: 0,
        };
        let mut stack: Vec<Frame> = vec![root()];
        let mut skip_deeper_than: Option<usize> = None;
        for (n, raw) in text.lines().enumerate() {
            let line_no = n + 1;
            let chars: Vec<char> = raw.trim_end_matches('\r').chars().collect();
            let indent = chars.iter().take_while(|c| **c == ' ').count();
            let rest_blank = chars[indent.min(chars.len())..]
                .iter()
                .all(|c| c.is_whitespace());
            if let Some(limit) = skip_deeper_than {
                if rest_blank || indent > limit {
                    continue;
                }
                skip_deeper_than = None;
            }
            if rest_blank || chars.get(indent) == Some(&'#') {
                continue;
            }
            if indent == 0 {
                let starts = |p: &str| {
                    raw.starts_with(p)
                        && raw[p.len()..]
                            .chars()
                            .next()
                            .is_none_or(char::is_whitespace)
                };
                if starts("---") || starts("...") {
                    stack.clear();
                    stack.push(root());
                    continue;
                }
                if raw.starts_with('%') {
                    continue;
                }
            }
            let mut pos = indent;
            let mut item_col: Option<usize> = None;
            // Sequence entries, possibly nested on one line (`- - a`).
            while chars.get(pos) == Some(&'-')
                && chars.get(pos + 1).is_none_or(|c| *c == ' ' || *c == '\t')
            {
                let col = pos as isize;
                while stack.len() > 1
                    && stack
                        .last()
                        .is_some_and(|f| f.indent > col || (f.indent == col && f.is_item))
                {
                    stack.pop();
                }
                let idx = match stack.last_mut() {
                    Some(top) => {
                        top.items += 1;
                        top.items - 1
                    }
                    None => 0,
                };
                stack.push(Frame {
                    indent: col,
                    seg: Some(Seg::Index(idx)),
                    is_item: true,
                    items: 0,
                });
                item_col = Some(pos);
                pos += 1;
                while chars.get(pos).is_some_and(|c| *c == ' ' || *c == '\t') {
                    pos += 1;
                }
            }
            if pos >= chars.len() || chars.get(pos) == Some(&'#') {
                continue;
            }
            match parse_key(&chars, pos) {
                Some((key, key_col, after)) => {
                    let col = key_col as isize;
                    while stack.len() > 1 && stack.last().is_some_and(|f| f.indent >= col) {
                        stack.pop();
                    }
                    stack.push(Frame {
                        indent: col,
                        seg: Some(Seg::Key(key)),
                        is_item: false,
                        items: 0,
                    });
                    let path: Vec<Seg> = stack.iter().filter_map(|f| f.seg.clone()).collect();
                    entries.push((path, line_no, key_col + 1));
                    let value = value_text(&chars[after.min(chars.len())..]);
                    if !value.is_empty() {
                        // A scalar, block scalar, alias or flow collection: deeper lines belong to it.
                        skip_deeper_than = Some(key_col);
                    }
                }
                None => {
                    if let Some(c) = item_col {
                        skip_deeper_than = Some(c);
                    }
                }
            }
        }
        YamlIndex { entries }
    }

    /// Line and column of the key at `path`, else of its nearest indexed ancestor, else (1, 1).
    /// The last occurrence wins (later documents override earlier ones).
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        for len in (1..=path.len()).rev() {
            let want = &path[..len];
            if let Some((_, l, c)) = self
                .entries
                .iter()
                .rev()
                .find(|(p, _, _)| p.as_slice() == want)
            {
                return (*l, *c);
            }
        }
        (1, 1)
    }

    /// Whether `path` is indexed exactly.
    pub fn contains(&self, path: &[Seg]) -> bool {
        self.entries.iter().any(|(p, _, _)| p.as_slice() == path)
    }
}

/// The value part after `key:`, without a trailing comment and leading anchors/tags.
fn value_text(rest: &[char]) -> String {
    let s: String = rest.iter().collect();
    let mut v = s.trim();
    // Strip a comment (` #` outside quotes; good enough for deciding emptiness).
    if v.starts_with('#') {
        v = "";
    }
    let mut words: Vec<&str> = v.split_whitespace().collect();
    while words
        .first()
        .is_some_and(|w| w.starts_with('&') || w.starts_with('!'))
    {
        words.remove(0);
    }
    if words.first().is_some_and(|w| w.starts_with('#')) {
        return String::new();
    }
    words.join(" ")
}

/// A mapping key at `pos`: its text, the column (0-based) where it starts, and the index just
/// after its `:`.
fn parse_key(chars: &[char], mut pos: usize) -> Option<(String, usize, usize)> {
    // Anchors and tags before a key (`&a key: v`).
    for _ in 0..4 {
        match chars.get(pos) {
            Some('&') | Some('!') => {
                while chars.get(pos).is_some_and(|c| !c.is_whitespace()) {
                    pos += 1;
                }
                while chars.get(pos).is_some_and(|c| c.is_whitespace()) {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    let start = pos;
    let first = *chars.get(pos)?;
    let colon_ok =
        |i: usize| chars.get(i) == Some(&':') && chars.get(i + 1).is_none_or(|c| c.is_whitespace());
    if first == '"' || first == '\'' {
        let mut key = String::new();
        let mut i = pos + 1;
        loop {
            let c = *chars.get(i)?;
            if first == '\'' && c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    key.push('\'');
                    i += 2;
                    continue;
                }
                break;
            }
            if first == '"' && c == '\\' {
                let e = *chars.get(i + 1)?;
                key.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
                i += 2;
                continue;
            }
            if first == '"' && c == '"' {
                break;
            }
            key.push(c);
            i += 1;
        }
        let mut j = i + 1;
        while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\t') {
            j += 1;
        }
        return colon_ok(j).then_some((key, start, j + 1));
    }
    if "[]{},|>*?%@`#".contains(first) {
        return None;
    }
    if first == '-' && chars.get(pos + 1).is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut i = pos;
    while i < chars.len() {
        if colon_ok(i) {
            let key: String = chars[start..i].iter().collect();
            return Some((key.trim_end().to_string(), start, i + 1));
        }
        if chars[i] == '#' && i > 0 && chars[i - 1].is_whitespace() {
            return None;
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// JSON conversion and Helm's merge
// ---------------------------------------------------------------------------------------------

/// A YAML value as the JSON Helm validates (keys stringified, tags dropped).
pub fn to_json(v: &Y) -> J {
    match untag(v) {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(J::Number)
                    .unwrap_or(J::Null)
            }
        }
        Y::String(s) => J::String(s.clone()),
        Y::Sequence(items) => J::Array(items.iter().map(to_json).collect()),
        Y::Mapping(m) => J::Object(m.iter().map(|(k, v)| (key_str(k), to_json(v))).collect()),
        Y::Tagged(_) => J::Null,
    }
}

/// Helm's coalescing of user values over chart defaults: maps merge, anything else replaces,
/// and a user `null` deletes the default.
pub fn coalesce(defaults: &mut J, user: &J) {
    match (defaults, user) {
        (J::Object(d), J::Object(u)) => {
            for (k, v) in u {
                if v.is_null() {
                    d.remove(k);
                    continue;
                }
                match d.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        coalesce(existing, v)
                    }
                    _ => {
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, u) => *slot = u.clone(),
    }
}

fn compile_schema(schema: &J) -> Result<jsonschema::Validator, String> {
    let mut draft = jsonschema::Draft::Draft7.detect(schema);
    if draft == jsonschema::Draft::Unknown {
        draft = jsonschema::Draft::Draft7;
    }
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        jsonschema::options().with_draft(draft).build(schema)
    }));
    match built {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the schema could not be compiled".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The rule
// ---------------------------------------------------------------------------------------------

pub fn check(cx: &Context) -> Vec<Finding> {
    let site = cx.site;
    let mut out = Vec::new();
    let mut interfaces: HashMap<usize, Interface> = HashMap::new();
    let mut validators: Validators = HashMap::new();
    for (i, preset) in site.presets.iter().enumerate() {
        let Some(values) = &preset.values else {
            continue;
        };
        let Some(ci) = site.preset_chart.get(i).copied().flatten() else {
            continue;
        };
        let Some(chart) = site.charts.get(ci) else {
            continue;
        };
        let iface = interfaces
            .entry(ci)
            .or_insert_with(|| Interface::new(site, chart));
        let mut pc = PresetCheck {
            file: &preset.source.rel,
            values,
            index: YamlIndex::new(&preset.source.text),
            chart,
            findings: Vec::new(),
            unknown: HashSet::new(),
            typed: HashSet::new(),
        };
        pc.walk(&iface.root(), values, &mut Vec::new());
        pc.schema(iface, values, &mut validators);
        out.extend(pc.findings);
    }
    out
}

/// Compiled schemas by schema file.
type Validators = HashMap<String, Result<jsonschema::Validator, String>>;

struct PresetCheck<'p> {
    file: &'p str,
    values: &'p Y,
    index: YamlIndex,
    chart: &'p Chart,
    findings: Vec<Finding>,
    /// Paths reported as unknown keys.
    unknown: HashSet<Vec<Seg>>,
    /// Paths reported as type mismatches.
    typed: HashSet<Vec<Seg>>,
}

impl PresetCheck<'_> {
    fn values_file(&self) -> String {
        self.chart
            .values_file
            .as_ref()
            .map(|f| f.rel.clone())
            .unwrap_or_else(|| format!("{}/values.yaml", self.chart.rel))
    }

    fn walk(&mut self, node: &Node, v: &Y, path: &mut Vec<Seg>) {
        match untag(v) {
            Y::Mapping(m) => {
                for (k, cv) in m {
                    let key = key_str(k);
                    path.push(Seg::Key(key.clone()));
                    match node.lookup(&key) {
                        Lookup::Known(child) => {
                            if !self.type_check(&child, cv, path) {
                                self.walk(&child, cv, path);
                            }
                        }
                        Lookup::Open { .. } => {}
                        Lookup::Unknown {
                            suggestion,
                            not_a_map,
                            known,
                        } => self.unknown_key(path, &key, suggestion, not_a_map, &known),
                    }
                    path.pop();
                }
            }
            Y::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    let child = node.item(i);
                    self.walk(&child, item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn unknown_key(
        &mut self,
        path: &[Seg],
        key: &str,
        suggestion: Option<String>,
        not_a_map: Option<&str>,
        known: &[String],
    ) {
        let (line, col) = self.index.locate(path);
        let parent = &path[..path.len().saturating_sub(1)];
        let chart = &self.chart.name;
        let f = match not_a_map {
            Some(kind) => Finding::error(
                "values-unknown-key",
                self.file,
                line,
                col,
                format!(
                    "unknown key `{}`: `{}` is a {kind} in chart `{chart}`, not a map",
                    display_path(path),
                    display_path(parent)
                ),
            )
            .with_help(format!(
                "see the default of `{}` in {}",
                display_path(parent),
                self.values_file()
            )),
            None => {
                let f = Finding::error(
                    "values-unknown-key",
                    self.file,
                    line,
                    col,
                    format!("unknown key `{}`: chart `{chart}` does not declare `{key}` here, and Helm silently ignores it", display_path(path)),
                );
                match suggestion {
                    Some(s) => {
                        let mut fixed = parent.to_vec();
                        fixed.push(Seg::Key(s.clone()));
                        if parent.is_empty() {
                            f.with_help(format!("did you mean `{s}`?"))
                        } else {
                            f.with_help(format!("did you mean `{s}` (`{}`)?", display_path(&fixed)))
                        }
                    }
                    None => {
                        let list: Vec<String> =
                            known.iter().take(12).map(|k| format!("`{k}`")).collect();
                        let more = if known.len() > 12 { ", …" } else { "" };
                        if list.is_empty() {
                            f.with_help(format!(
                                "see {} for the keys this chart reads",
                                self.values_file()
                            ))
                        } else {
                            f.with_help(format!(
                                "keys known under `{}`: {}{more} (see {})",
                                display_path(parent),
                                list.join(", "),
                                self.values_file()
                            ))
                        }
                    }
                }
            }
        };
        self.findings.push(f);
        self.unknown.insert(path.to_vec());
    }

    /// Reports a type mismatch against the chart default; true when reported.
    fn type_check(&mut self, node: &Node, v: &Y, path: &[Seg]) -> bool {
        let Some(default) = node.default_value() else {
            return false;
        };
        let (want, got) = (kind_of(default), kind_of(v));
        if got == "null" || want == got || want == "value" || got == "value" {
            return false;
        }
        if node.schema_allows(v) {
            return false;
        }
        let (line, col) = self.index.locate(path);
        let shown = serde_yaml_ng::to_string(default)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let shown = if shown.contains('\n') || shown.chars().count() > 40 {
            String::new()
        } else {
            format!(" (`{shown}`)")
        };
        let hint = match (want, got) {
            ("string", _) => format!(
                "quote the value so it stays a string, like the default{shown} in {}",
                self.values_file()
            ),
            _ => format!(
                "give a {want}, like the default{shown} in {}",
                self.values_file()
            ),
        };
        self.findings.push(
            Finding::error(
                "values-type",
                self.file,
                line,
                col,
                format!(
                    "`{}` is a {got}, but chart `{}` expects a {want}",
                    display_path(path),
                    self.chart.name
                ),
            )
            .with_help(hint),
        );
        self.typed.insert(path.to_vec());
        true
    }

    /// Validates the preset merged over the chart defaults against the chart's schema (and each
    /// vendored subchart's values against its own schema).
    fn schema(&mut self, iface: &Interface, values: &Y, validators: &mut Validators) {
        let preset = to_json(values);
        let mut merged = self
            .chart
            .values
            .as_ref()
            .map(to_json)
            .unwrap_or_else(|| J::Object(Default::default()));
        if !merged.is_object() {
            merged = J::Object(Default::default());
        }
        coalesce(&mut merged, &preset);
        if let (Some(schema), Some(file)) = (&self.chart.schema, &self.chart.schema_file) {
            self.validate(validators, schema, &file.rel, &merged, &[]);
        }
        for (key, sub) in iface.subcharts() {
            let (Some(schema), Some(file)) = (&sub.schema, &sub.schema_file) else {
                continue;
            };
            let mut inst = sub
                .values
                .as_ref()
                .map(to_json)
                .unwrap_or_else(|| J::Object(Default::default()));
            if !inst.is_object() {
                inst = J::Object(Default::default());
            }
            if let Some(part) = merged.get(key) {
                coalesce(&mut inst, part);
            }
            if let Some(global) = merged.get("global") {
                let mut g = serde_json::Map::new();
                g.insert("global".into(), global.clone());
                coalesce(&mut inst, &J::Object(g));
            }
            self.validate(
                validators,
                schema,
                &file.rel,
                &inst,
                &[Seg::Key(key.to_string())],
            );
        }
    }

    fn validate(
        &mut self,
        validators: &mut Validators,
        schema: &J,
        schema_rel: &str,
        instance: &J,
        prefix: &[Seg],
    ) {
        let validator = match validators
            .entry(schema_rel.to_string())
            .or_insert_with(|| compile_schema(schema))
        {
            Ok(v) => v,
            Err(e) => {
                self.findings.push(Finding::error(
                    "values-schema",
                    self.file,
                    1,
                    1,
                    format!("cannot validate against {schema_rel}: {}", truncate(e, 200)),
                ));
                return;
            }
        };
        let mut reported: HashSet<(Vec<Seg>, String)> = HashSet::new();
        for err in validator.iter_errors(instance) {
            let mut path: Vec<Seg> = prefix.to_vec();
            for seg in err.instance_path().iter() {
                path.push(match seg {
                    jsonschema::paths::LocationSegment::Property(p) => Seg::Key(p.to_string()),
                    jsonschema::paths::LocationSegment::Index(i) => Seg::Index(i),
                });
            }
            if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } =
                err.kind()
            {
                for name in unexpected {
                    let mut p = path.clone();
                    p.push(Seg::Key(name.clone()));
                    if !self.in_preset(&p) || self.already_reported(&p) {
                        continue;
                    }
                    let msg = format!("`{}` is not allowed by the chart's schema (additional properties are not allowed here)", display_path(&p));
                    if reported.insert((p.clone(), msg.clone())) {
                        let (line, col) = self.index.locate(&p);
                        self.findings.push(
                            Finding::error("values-schema", self.file, line, col, msg)
                                .with_help(format!("see {schema_rel}")),
                        );
                    }
                }
                continue;
            }
            if !self.in_preset(&path) || self.already_reported(&path) {
                continue;
            }
            let msg = format!(
                "`{}`: {}",
                display_path(&path),
                truncate(&err.to_string(), 300)
            );
            if reported.insert((path.clone(), msg.clone())) {
                let (line, col) = self.index.locate(&path);
                self.findings.push(
                    Finding::error("values-schema", self.file, line, col, msg)
                        .with_help(format!("see {schema_rel}")),
                );
            }
        }
    }

    /// Whether the preset itself sets `path` (root included), so the error is the preset's and
    /// not one of the chart defaults.
    fn in_preset(&self, path: &[Seg]) -> bool {
        let mut v = self.values;
        for seg in path {
            let next = match (untag(v), seg) {
                (Y::Mapping(m), Seg::Key(k)) => map_get(m, k),
                (Y::Sequence(items), Seg::Index(i)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => v = n,
                None => return false,
            }
        }
        true
    }

    fn already_reported(&self, path: &[Seg]) -> bool {
        (0..=path.len())
            .any(|n| self.unknown.contains(&path[..n]) || self.typed.contains(&path[..n]))
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn index_locates_keys() {
        let text = "# comment\ntop:\n  a: 1   # c\n  \"quoted key\": x\n  list:\n  - name: n\n    value: v\n  -   other: o\n  block: |\n    not: a key\n  next: &anchor\n    inner: 2\n---\ntop:\n  late: 3\n";
        let ix = YamlIndex::new(text);
        assert_eq!(ix.locate(&[k("top"), k("a")]), (3, 3));
        assert_eq!(ix.locate(&[k("top"), k("quoted key")]), (4, 3));
        assert_eq!(
            ix.locate(&[k("top"), k("list"), Seg::Index(0), k("value")]),
            (7, 5)
        );
        assert_eq!(
            ix.locate(&[k("top"), k("list"), Seg::Index(1), k("other")]),
            (8, 7)
        );
        assert!(!ix.contains(&[k("top"), k("block"), k("not")]));
        assert_eq!(ix.locate(&[k("top"), k("next"), k("inner")]), (12, 5));
        assert_eq!(ix.locate(&[k("top"), k("late")]), (15, 3));
        // Unknown paths fall back to the nearest ancestor, then to line 1.
        assert_eq!(ix.locate(&[k("top"), k("a"), k("deeper")]), (3, 3));
        assert_eq!(ix.locate(&[k("nothing")]), (1, 1));
    }

    #[test]
    fn index_survives_odd_yaml() {
        for t in [
            "",
            "-",
            "- - a",
            ":",
            "\"unterminated: x",
            "a: [1,\n  2]\nb: 1",
            "? complex\n: v",
            "\t\ta: 1",
            "a:\n - b\n -\n - c: d",
        ] {
            let ix = YamlIndex::new(t);
            let _ = ix.locate(&[k("a"), Seg::Index(3)]);
        }
        let ix = YamlIndex::new("a: [1,\n  2]\nb: 1\n");
        assert_eq!(ix.locate(&[k("b")]), (3, 1));
    }

    #[test]
    fn suggestions_are_close_only() {
        assert_eq!(
            suggest("sparkConect", ["sparkConnect", "historyServer"]).as_deref(),
            Some("sparkConnect")
        );
        assert_eq!(suggest("hostname", ["host", "port"]), None);
        assert_eq!(
            suggest("Replicas", ["replicas"]).as_deref(),
            Some("replicas")
        );
    }

    fn chart(values: &str, schema: Option<J>) -> Chart {
        Chart {
            dir: "/nonexistent".into(),
            rel: "c".into(),
            name: "c".into(),
            version: String::new(),
            app_version: String::new(),
            description: String::new(),
            dependencies: Vec::new(),
            values: Some(serde_yaml_ng::from_str(values).unwrap()),
            values_file: None,
            schema,
            schema_file: None,
        }
    }

    fn lookup_path(c: &Chart, path: &[&str]) -> &'static str {
        let iface = Interface {
            chart: c.clone(),
            deps: Vec::new(),
        };
        let mut node = iface.root();
        for p in path {
            match node.lookup(p) {
                Lookup::Known(n) => node = n,
                Lookup::Open { scalar_map: true } => return "scalar-map",
                Lookup::Open { .. } => return "open",
                Lookup::Unknown {
                    not_a_map: Some(_), ..
                } => return "not-a-map",
                Lookup::Unknown { .. } => return "unknown",
            }
        }
        "known"
    }

    #[test]
    fn key_rule() {
        let schema = serde_json::json!({
            "definitions": {"scalars": {"type": "object", "additionalProperties": {"type": ["string", "number"]}}},
            "properties": {
                "fromSchema": {"type": "string"},
                "quantities": {"$ref": "#/definitions/scalars"},
                "closed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false},
                "implicit": {"type": "object", "properties": {"a": {"type": "string"}}}
            }
        });
        let c = chart("a:\n  b: 1\nconf: {}\nsparkConf: {}\nn: ~\nclosed: {}\nimplicit:\n  a: x\nglobal: {}\n", Some(schema));
        assert_eq!(lookup_path(&c, &["a", "b"]), "known");
        assert_eq!(lookup_path(&c, &["a", "c"]), "unknown");
        assert_eq!(lookup_path(&c, &["a", "b", "c"]), "not-a-map");
        assert_eq!(lookup_path(&c, &["fromSchema"]), "known");
        assert_eq!(lookup_path(&c, &["conf", "x"]), "open");
        assert_eq!(lookup_path(&c, &["sparkConf", "x"]), "scalar-map");
        assert_eq!(lookup_path(&c, &["quantities", "cpu"]), "scalar-map");
        assert_eq!(lookup_path(&c, &["n", "anything"]), "open");
        // `{}` default opens a map even when the schema closes it (the schema check reports it).
        assert_eq!(lookup_path(&c, &["closed", "x"]), "open");
        // Implicit JSON Schema openness does not make a typo valid.
        assert_eq!(lookup_path(&c, &["implicit", "b"]), "unknown");
        assert_eq!(lookup_path(&c, &["global", "anything", "deep"]), "open");
        assert_eq!(lookup_path(&c, &["nope"]), "unknown");
    }

    #[test]
    fn coalesce_like_helm() {
        let mut d = serde_json::json!({"a": {"b": 1, "c": 2}, "l": [1, 2], "x": 1});
        coalesce(
            &mut d,
            &serde_json::json!({"a": {"b": 3, "c": null}, "l": [3], "y": {}}),
        );
        assert_eq!(
            d,
            serde_json::json!({"a": {"b": 3}, "l": [3], "x": 1, "y": {}})
        );
    }
}
