//! The walker over a chart's values interface: [`Interface`] (a chart with its dependencies),
//! [`Node`] (a place in the values tree: what `values.yaml` and `values.schema.json` of the chart
//! and its vendored subcharts say there) and [`Lookup`] (whether a child key is declared, open,
//! or unknown with a "did you mean"). The key rule is in the parent module's notes.

use super::templates::{Reads, NOTHING_READ};
use super::{kind_of, suggest};
use crate::load::Chart;
use crate::util::yaml::{key_str, map_get, untag};
use serde_json::Value as J;
use serde_yaml_ng::Value as Y;

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
pub struct Dep<'a> {
    pub key: &'a str,
    /// The vendored subchart (`<chart>/charts/<name>/`), when present.
    pub chart: Option<&'a Chart>,
    /// What the vendored subchart's templates read, when it has templates.
    pub reads: Option<&'a Reads>,
}

/// The values interface of one chart (and its vendored subcharts): a view over the model.
pub struct Interface<'a> {
    chart: &'a Chart,
    reads: Option<&'a Reads>,
    deps: Vec<Dep<'a>>,
}

impl<'a> Interface<'a> {
    /// `reads`: what the chart's templates read (`None` when it has no templates).
    pub fn new(chart: &'a Chart, reads: Option<&'a Reads>, deps: Vec<Dep<'a>>) -> Interface<'a> {
        Interface { chart, reads, deps }
    }

    pub fn chart(&self) -> &'a Chart {
        self.chart
    }

    /// The top of the values tree.
    pub fn root(&self) -> Node<'_> {
        Node {
            layers: vec![Layer::of_chart(self.chart, self.reads)],
            whole: self.reads.is_some_and(Reads::is_whole),
            opaque: self.reads.is_some_and(Reads::is_opaque),
            lenient: false,
            accept_any: false,
            dependency: false,
            name: String::new(),
            deps: Some(&self.deps),
        }
    }

    /// Vendored subcharts with their keys.
    pub fn subcharts(&self) -> impl Iterator<Item = (&str, &'a Chart)> {
        self.deps.iter().filter_map(|d| d.chart.map(|c| (d.key, c)))
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
    /// What the chart's templates read here (`None`: the chart has no templates, so nothing is
    /// known about reads).
    reads: Option<&'a Reads>,
}

impl<'a> Layer<'a> {
    fn of_chart(c: &'a Chart, reads: Option<&'a Reads>) -> Layer<'a> {
        let mut schemas = Vec::new();
        if let Some(s) = &c.schema {
            resolve(Some(s), s, &mut schemas, 0);
        }
        Layer {
            value: c.values.as_ref(),
            schemas,
            root: c.schema.as_ref(),
            reads,
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

/// A place in a chart's values interface.
#[derive(Clone)]
pub struct Node<'a> {
    layers: Vec<Layer<'a>>,
    /// Read whole by a template (here or above): any key below is used.
    whole: bool,
    /// Handed to templates the scan cannot see: whether a key below is read is unknown.
    opaque: bool,
    /// Under a dependency that is not vendored.
    lenient: bool,
    /// Accepts any child (`global`).
    accept_any: bool,
    /// The values of a dependency (`enabled` is always allowed).
    dependency: bool,
    /// The key this node is under.
    name: String,
    /// Set at the root only.
    deps: Option<&'a [Dep<'a>]>,
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
            whole: self.whole,
            opaque: self.opaque,
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
    pub fn schema_allows(&self, v: &Y) -> bool {
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

    /// Whether setting the declared child `key` does nothing because no template reads it: the
    /// keys templates do read beside it (sorted) when so; `None` when a template reads it or
    /// hands a map above it on whole, when Helm itself uses it (`global`, `tags`, a dependency's
    /// values and its `enabled`), or when a chart whose values are here has no templates (nothing
    /// is known).
    pub fn unread(&self, key: &str) -> Option<Vec<String>> {
        if self.whole || self.opaque || self.layers.is_empty() {
            return None;
        }
        if let Some(deps) = self.deps {
            if key == "global" || key == "tags" || deps.iter().any(|d| d.key == key) {
                return None;
            }
        }
        if self.dependency && key == "enabled" {
            return None;
        }
        let mut siblings = Vec::new();
        for l in &self.layers {
            let reads = l.reads?;
            if reads.is_whole() || reads.child(key).is_some() {
                return None;
            }
            // A subchart's own `global` reads are the parent's `global`, not a sibling here.
            siblings.extend(
                reads
                    .keys()
                    .filter(|k| !(self.dependency && *k == "global"))
                    .map(str::to_string),
            );
        }
        siblings.sort();
        siblings.dedup();
        Some(siblings)
    }

    /// Looks up the child `key` of this map.
    pub fn lookup(&self, key: &str) -> Lookup<'a> {
        let mut child = self.child(key);
        let mut found = false;
        let mut read = false;
        for l in &self.layers {
            let mut cl = Layer {
                value: None,
                schemas: Vec::new(),
                root: l.root,
                reads: l.reads.map(|r| r.child(key).unwrap_or(&NOTHING_READ)),
            };
            let layer_read = cl.reads.is_some_and(|r| !std::ptr::eq(r, &NOTHING_READ));
            if layer_read {
                read = true;
                child.whole |= cl.reads.is_some_and(Reads::is_whole);
            }
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
            if cl.value.is_some() || !cl.schemas.is_empty() || layer_read {
                child.layers.push(cl);
            }
        }
        if let Some(deps) = self.deps {
            if key == "global" {
                child.accept_any = true;
                // Subcharts read the parent's `global` too.
                for d in deps.iter().filter(|d| d.chart.is_some()) {
                    child.layers.push(Layer {
                        value: None,
                        schemas: Vec::new(),
                        root: None,
                        reads: d.reads.map(|r| r.child(key).unwrap_or(&NOTHING_READ)),
                    });
                }
                return Lookup::Known(child);
            }
            if let Some(dep) = deps.iter().find(|d| d.key == key) {
                child.dependency = true;
                match dep.chart {
                    Some(sub) => {
                        child.layers.push(Layer::of_chart(sub, dep.reads));
                        child.whole |= dep.reads.is_some_and(Reads::is_whole);
                        child.opaque |= dep.reads.is_some_and(Reads::is_opaque);
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
        // A template reads this key, or hands this map on whole: Helm uses it. A schema that
        // closes the map still wins (it rejects the key at install).
        if !closed_explicitly && (read || self.whole) {
            return if read && !self.whole {
                Lookup::Known(child)
            } else {
                Lookup::Open { scalar_map: false }
            };
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
                reads: None,
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

#[cfg(test)]
mod tests {
    use super::*;

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
            templates: None,
        }
    }

    fn lookup_path(c: &Chart, path: &[&str]) -> &'static str {
        let iface = Interface::new(c, None, Vec::new());
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
}
