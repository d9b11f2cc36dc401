//! Properties in YAML text (presets, `yaml` blocks, SparkApplication manifests): the entries of
//! every `sparkConf:` (or `sparkProperties:`/`sparkConfig:`) map at any depth — `spec.sparkConf`
//! of a SparkApplication included — and the lines of a `spark-defaults.conf: |` block scalar (a
//! ConfigMap). Read line by line so each key keeps its position; flow maps are not read.

use super::shell::CONF_MAPS;
use super::Prop;

/// Every property of a `sparkConf` map or `spark-defaults.conf` block scalar in `text`.
pub fn props(text: &str) -> Vec<Prop> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut n = 0;
    while n < lines.len() {
        let Some((indent, key, value)) = mapping_line(lines[n]) else {
            n += 1;
            continue;
        };
        let value = strip_comment(value);
        if CONF_MAPS.contains(&key.as_str()) && value.is_empty() {
            n = conf_map(&lines, n, indent, &mut out);
        } else if key.ends_with("spark-defaults.conf")
            && (value.starts_with('|') || value.starts_with('>'))
        {
            n = defaults_block(&lines, n, indent, &mut out);
        } else {
            n += 1;
        }
    }
    out
}

/// The entries one level below the map key on line `at`; returns the next line to scan.
fn conf_map(lines: &[&str], at: usize, indent: usize, out: &mut Vec<Prop>) -> usize {
    let mut child: Option<usize> = None;
    let mut n = at + 1;
    while n < lines.len() {
        let raw = lines[n];
        let t = raw.trim_start();
        if t.is_empty() || t.starts_with('#') {
            n += 1;
            continue;
        }
        let ind = raw.len() - t.len();
        if ind <= indent {
            break;
        }
        let level = *child.get_or_insert(ind);
        if ind == level {
            if let Some((_, key, value)) = mapping_line(raw) {
                let v = strip_comment(value);
                let value = (!v.is_empty() && !v.starts_with(['|', '>', '&', '*', '{', '[']))
                    .then(|| unquote(v));
                let col = raw[..ind].chars().count() + 1 + usize::from(t.starts_with(['"', '\'']));
                out.push(Prop::new(&key, value, n + 1, col));
            }
        }
        n += 1;
    }
    n
}

/// The properties text of a block scalar whose key is on line `at`.
fn defaults_block(lines: &[&str], at: usize, indent: usize, out: &mut Vec<Prop>) -> usize {
    let mut n = at + 1;
    let mut body = Vec::new();
    let mut body_indent: Option<usize> = None;
    while n < lines.len() {
        let raw = lines[n];
        let t = raw.trim_start();
        let ind = raw.len() - t.len();
        if !t.is_empty() && ind <= indent {
            break;
        }
        if !t.is_empty() {
            body_indent.get_or_insert(ind);
        }
        body.push(raw);
        n += 1;
    }
    let bi = body_indent.unwrap_or(0);
    let text: String = body
        .iter()
        .map(|l| l.get(bi..).unwrap_or("").to_string() + "\n")
        .collect();
    out.extend(super::properties::props_at(&text, at + 1, bi));
    n
}

/// `  - "key": value` → (column of the key, key unquoted, rest after `:`).
fn mapping_line(raw: &str) -> Option<(usize, String, &str)> {
    let t = raw.trim_start();
    let mut indent = raw.len() - t.len();
    let mut t = t;
    while let Some(r) = t.strip_prefix("- ") {
        indent += 2 + (r.len() - r.trim_start().len());
        t = r.trim_start();
    }
    if let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = t[1..].find(q)? + 1;
        let rest = t[end + 1..].trim_start().strip_prefix(':')?;
        return Some((indent, t[1..end].to_string(), rest));
    }
    let colon = t
        .find(": ")
        .or_else(|| t.strip_suffix(':').map(|s| s.len()))?;
    let key = &t[..colon];
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    Some((indent, key.trim_end().to_string(), &t[colon + 1..]))
}

fn strip_comment(v: &str) -> &str {
    let v = v.trim();
    if v.starts_with('#') {
        return "";
    }
    if v.starts_with(['"', '\'']) {
        return v;
    }
    match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None => v,
    }
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q) {
            if let Some(end) = inner.rfind(q) {
                return inner[..end].to_string();
            }
        }
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_conf_maps_at_any_depth() {
        let text = "connect:\n  sparkConf:\n    spark.a: \"1\"\n    # c\n    'spark.b': x # note\n    nested:\n      spark.no: 1\n  other: 1\nspec:\n  sparkConf:\n    spark.c: \"<v>\"\n";
        let got: Vec<_> = props(text)
            .into_iter()
            .map(|p| (p.key, p.value, p.line, p.column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("spark.a".into(), Some("1".into()), 3, 5),
                ("spark.b".into(), Some("x".into()), 5, 6),
                ("nested".into(), None, 6, 5),
                ("spark.c".into(), Some("<v>".into()), 11, 5),
            ]
        );
    }

    #[test]
    fn configmap_spark_defaults() {
        let text =
            "data:\n  spark-defaults.conf: |\n    spark.a  1\n    spark.b=2\nkind: ConfigMap\n";
        let got: Vec<_> = props(text)
            .into_iter()
            .map(|p| (p.key, p.line, p.column))
            .collect();
        assert_eq!(
            got,
            vec![("spark.a".into(), 3, 5), ("spark.b".into(), 4, 5)]
        );
    }
}
