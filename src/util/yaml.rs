//! YAML values as Helm sees them: map keys as strings, tags, and the one YAML → JSON conversion
//! (what the values schema check validates and what Rego policies get as `input`).
//!
//! Decisions (Helm reads values with go-yaml through `sigs.k8s.io/yaml`, then works on JSON-like
//! maps; we convert the way it does where JSON can say it, and say what we do where it cannot):
//! - Map keys become strings: `1` → `"1"`, `true` → `"true"`, `null` → `"null"`; a collection
//!   used as a key (Helm refuses it) becomes its flow-style YAML text.
//! - Tags: go-yaml resolves the core tags (`!!str 123` is the string `"123"`, which our parser
//!   already gives) and ignores any other tag on a map or list. A scalar with any other tag
//!   (`!custom 123`) is not resolved by go-yaml: it stays the string it was written as, so it
//!   becomes a string here too (its canonical spelling: `123`, `true`, `1.5`; a tagged null is
//!   the empty string).
//! - `.nan`, `.inf` and `-.inf`: JSON has no such numbers and Helm fails on them (`json:
//!   unsupported value`). They become the strings `.nan`, `.inf` and `-.inf`, so a schema that
//!   wants a number reports them and a policy sees what was written; never `null`, which would
//!   read as "unset" and, merged over defaults, delete the key.

use serde_json::Value as J;
use serde_yaml_ng::Value as Y;

/// A YAML value with tags removed.
pub fn untag(v: &Y) -> &Y {
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

/// The child `key` of a map, matching keys as Helm sees them (`1:` is found as `"1"`).
pub fn map_get<'a>(m: &'a serde_yaml_ng::Mapping, key: &str) -> Option<&'a Y> {
    m.get(key)
        .or_else(|| m.iter().find(|(k, _)| key_str(k) == key).map(|(_, v)| v))
}

/// A YAML value as the JSON Helm validates and policies read (see the module notes).
pub fn to_json(v: &Y) -> J {
    match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Number(n) => number(n),
        Y::String(s) => J::String(s.clone()),
        Y::Sequence(items) => J::Array(items.iter().map(to_json).collect()),
        Y::Mapping(m) => J::Object(m.iter().map(|(k, v)| (key_str(k), to_json(v))).collect()),
        Y::Tagged(t) => match untag(&t.value) {
            inner @ (Y::Mapping(_) | Y::Sequence(_)) => to_json(inner),
            Y::Null => J::String(String::new()),
            Y::Bool(b) => J::String(b.to_string()),
            Y::Number(n) => J::String(n.to_string()),
            Y::String(s) => J::String(s.clone()),
            Y::Tagged(_) => J::Null,
        },
    }
}

fn number(n: &serde_yaml_ng::Number) -> J {
    if let Some(i) = n.as_i64() {
        J::from(i)
    } else if let Some(u) = n.as_u64() {
        J::from(u)
    } else {
        n.as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(J::Number)
            // Non-finite: `.nan`, `.inf`, `-.inf` as written in YAML.
            .unwrap_or_else(|| J::String(n.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn y(text: &str) -> Y {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn keys_become_strings() {
        assert_eq!(
            to_json(&y("1: a\ntrue: b\n~: c\n1.5: d\nx: [1, 2.5]\n")),
            json!({"1": "a", "true": "b", "null": "c", "1.5": "d", "x": [1, 2.5]})
        );
        let m = y("1: one\n");
        assert_eq!(map_get(m.as_mapping().unwrap(), "1"), Some(&y("one")));
    }

    #[test]
    fn non_finite_numbers_stay_as_written() {
        assert_eq!(
            to_json(&y("a: .inf\nb: -.inf\nc: .nan\nd: 1e3\n")),
            json!({"a": ".inf", "b": "-.inf", "c": ".nan", "d": 1000.0})
        );
    }

    #[test]
    fn tags_like_go_yaml() {
        // Core tags are resolved by the parser; a custom tag on a scalar keeps it a string; a
        // custom tag on a collection is ignored.
        assert_eq!(
            to_json(&y("a: !!str 123\nb: !custom 123\nc: !custom true\nd: !custom {k: 1}\ne: !custom [1]\nf: !custom text\n")),
            json!({"a": "123", "b": "123", "c": "true", "d": {"k": 1}, "e": [1], "f": "text"})
        );
        assert_eq!(to_json(&y("!custom k: v\n")), json!({"k": "v"}));
    }
}
