//! Presets: Helm values files for one tested scenario, with their description from the leading
//! comment block and the chart they target.

use super::SourceFile;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use serde::Deserialize;

/// A preset values file.
#[derive(Debug, Clone)]
pub struct Preset {
    pub source: SourceFile,
    pub file_name: String,
    pub stem: String,
    /// The leading comment block, `# ` stripped, as Markdown-ish text.
    pub description: String,
    /// `# chart: NAME` comment, if present.
    pub chart_hint: Option<String>,
    /// Parsed values (the documents merged in order), `None` when the YAML is invalid.
    pub values: Option<serde_yaml_ng::Value>,
    /// Nearest ancestor directory with a `Chart.yaml`, if any.
    pub chart_dir: Option<std::path::PathBuf>,
}

/// Parses a values file: anchors, aliases and several documents are valid (later documents
/// override earlier ones, as Helm merges). Errors carry 1-based line and column.
pub fn parse_values(text: &str) -> Result<serde_yaml_ng::Value, (usize, usize, String)> {
    let mut merged = serde_yaml_ng::Value::Mapping(Default::default());
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        let value = serde_yaml_ng::Value::deserialize(doc).map_err(|e| {
            let (line, col) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            let msg = e.to_string();
            (
                line,
                col,
                msg.split(" at line ").next().unwrap_or(&msg).to_string(),
            )
        })?;
        let mut value = value;
        value.apply_merge().ok();
        match value {
            serde_yaml_ng::Value::Null => {}
            serde_yaml_ng::Value::Mapping(_) => merge(&mut merged, value),
            _ => {
                return Err((
                    1,
                    1,
                    "a values file must be a map of keys at the top level".into(),
                ))
            }
        }
    }
    Ok(merged)
}

fn merge(into: &mut serde_yaml_ng::Value, from: serde_yaml_ng::Value) {
    match (into, from) {
        (serde_yaml_ng::Value::Mapping(a), serde_yaml_ng::Value::Mapping(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) if existing.is_mapping() && v.is_mapping() => merge(existing, v),
                    _ => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// The comment lines at the top of a YAML file (before the first non-comment line).
pub fn leading_comment(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t == "---" && out.is_empty() {
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            out.push(c.strip_prefix(' ').unwrap_or(c).trim_end().to_string());
        } else if t.is_empty() {
            if out.is_empty() {
                continue;
            }
            out.push(String::new());
        } else {
            break;
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

pub fn load_preset(file: SourceFile, findings: &mut Vec<Finding>) -> Option<Preset> {
    let comment = leading_comment(&file.text);
    let mut chart_hint = None;
    let mut description = Vec::new();
    for line in &comment {
        let l = line.trim();
        if let Some(v) = l
            .strip_prefix("chart:")
            .or_else(|| l.strip_prefix("Chart:"))
        {
            if chart_hint.is_none() && !v.trim().is_empty() && !v.trim().contains(' ') {
                chart_hint = Some(v.trim().to_string());
                continue;
            }
        }
        // Decorative rules (`# =====`) are not description.
        if !l.is_empty() && l.chars().all(|c| "=-#*_~".contains(c)) {
            continue;
        }
        description.push(line.clone());
    }
    let values = match parse_values(&file.text) {
        Ok(v) => Some(v),
        Err((line, col, msg)) => {
            findings.push(Finding::error(
                Code::ValuesSyntax,
                &file.rel,
                line,
                col,
                format!("invalid YAML: {msg}"),
            ));
            None
        }
    };
    let file_name = file.rel.rsplit('/').next().unwrap_or(&file.rel).to_string();
    let stem = file_name
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .to_string();
    Some(Preset {
        file_name,
        stem,
        description: description.join("\n").trim().to_string(),
        chart_hint,
        values,
        chart_dir: None,
        source: file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_aliases_and_multidoc_are_valid() {
        let v = parse_values("base: &b\n  cpu: 1\na:\n  <<: *b\n---\nc: 2\n").unwrap();
        assert_eq!(v["a"]["cpu"], serde_yaml_ng::Value::from(1));
        assert_eq!(v["c"], serde_yaml_ng::Value::from(2));
    }

    #[test]
    fn syntax_error_has_line() {
        let (line, _, _) = parse_values("a: 1\nb: [x\n").unwrap_err();
        assert!(line >= 2);
    }

    #[test]
    fn description_and_chart_hint() {
        let mut f = Vec::new();
        let p = load_preset(
            SourceFile {
                path: "p.yaml".into(),
                rel: "x/values-scenario-a.yaml".into(),
                text: "# =====\n# Scenario A\n# chart: spark-4.1\n\na: 1\n".into(),
            },
            &mut f,
        )
        .unwrap();
        assert_eq!(p.description, "Scenario A");
        assert_eq!(p.chart_hint.as_deref(), Some("spark-4.1"));
        assert_eq!(p.stem, "values-scenario-a");
    }
}
