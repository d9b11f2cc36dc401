//! Policies: every preset (values file) is evaluated against the Rego policies of the
//! `policies` source, with a real Rego engine (regorus), the conftest way.
//!
//! | code | catches |
//! |---|---|
//! | `policy-deny` (error) | a message of a `deny`, `deny_*`, `violation` or `violation_*` rule |
//! | `policy-warn` (warning) | a message of a `warn` or `warn_*` rule |
//! | `policy-invalid` (error) | a policy that does not parse or compile, or fails while evaluating |
//! | `policy-rego-v0` (error) | a policy only the Rego v0 parser reads (it is still evaluated) |
//!
//! # Writing policies
//!
//! - Each `.rego` file is one module in Rego v1 (`deny contains msg if { ... }`), the only
//!   syntax of OPA 1.0 and current conftest. A v0 module (`deny[msg] { ... }`) is reported
//!   (`policy-rego-v0`) and still evaluated, so its verdicts are not lost while it is being
//!   migrated. Rules of every package are evaluated (`data.<package>.deny`, ...).
//! - `input` is the preset's values, as the values file says them (several YAML documents are
//!   merged in order, as Helm does).
//! - A rule's result is a set (or list) of messages: strings, or objects with a `msg` field
//!   (conftest style); a boolean `deny := true` reports the rule name.
//! - `data.spark_docs.preset` describes the preset being checked:
//!   `{"file": "presets/…/values-scenario-x.yaml", "chart": "spark-4.1", "test_only": false}`.
//!   `chart` is the name of the chart the preset targets (`""` when unknown); `test_only` is true
//!   when the preset's leading comment has a line `test-only: true` (for example
//!   `# test-only: true`), so a policy can exempt scenarios meant only for tests:
//!
//!   ```rego
//!   deny contains msg if {
//!       not data.spark_docs.preset.test_only
//!       input.securityContext.privileged == true
//!       msg := "privileged pods are for test scenarios only"
//!   }
//!   ```
//!
//! Findings read `policy <package>: <message>`. They point at the key a message names in
//! backticks as a dotted path (`` `connect.securityContext.privileged` ``, list items by index:
//! `` `containers.0.image` ``; keys that contain dots, such as Spark properties, are found too),
//! and at line 1, column 1 of the preset otherwise.

use super::lang::{add_rego_module, compile_rego, on_big_stack, parse_rego_error};
use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::load::SourceFile;
use crate::util::yaml::to_json;
use std::collections::{BTreeSet, HashSet};

static RULE_HEAD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?m)^(deny|violation|warn)(_[A-Za-z0-9_]+)?\b").expect("static regex")
});

/// How long one rule may evaluate against one preset.
const EVAL_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

pub fn check(cx: &Context) -> Vec<Finding> {
    if cx.site.policies.is_empty() {
        return Vec::new();
    }
    // The result depends only on the policies and the presets (with their charts): `serve`
    // rebuilds after a recipe edit reuse it instead of evaluating every rule again.
    static EVALUATED: crate::memo::Memo<Vec<String>, Vec<Finding>> = crate::memo::Memo::new(8);
    EVALUATED.get_or_insert_with(memo_key(cx.site), || {
        // regorus recurses on nesting: parse and evaluate on a thread with a deep stack.
        on_big_stack(|| check_policies(cx)).unwrap_or_default()
    })
}

/// The name of the chart preset `i` targets; empty when none.
fn chart_name(site: &crate::model::Site, i: usize) -> &str {
    site.preset_chart
        .get(i)
        .copied()
        .flatten()
        .and_then(|c| site.charts.get(c))
        .map_or("", |c| c.name.as_str())
}

/// Everything `check_policies` reads: policy files, preset files and the chart each targets.
fn memo_key(site: &crate::model::Site) -> Vec<String> {
    let mut key = Vec::new();
    for p in &site.policies {
        key.extend([p.rel.clone(), p.text.clone()]);
    }
    key.push(String::new());
    for (i, preset) in site.presets.iter().enumerate() {
        let chart = chart_name(site, i);
        key.extend([
            preset.source.rel.clone(),
            preset.source.text.clone(),
            chart.to_string(),
        ]);
    }
    key
}

fn check_policies(cx: &Context) -> Vec<Finding> {
    let site = cx.site;
    let mut findings = Vec::new();
    let Some((engine, rules)) = build_engine(&site.policies, &mut findings) else {
        return findings;
    };
    if rules.is_empty() {
        return findings;
    }
    let mut reported_errors = HashSet::new();
    for (i, preset) in site.presets.iter().enumerate() {
        let Some(values) = &preset.values else {
            continue;
        };
        let chart = chart_name(site, i);
        let meta = serde_json::json!({
            "spark_docs": {
                "preset": {
                    "file": preset.source.rel,
                    "chart": chart,
                    "test_only": is_test_only(&preset.description),
                }
            }
        });
        let mut engine = engine.clone();
        engine.clear_data();
        if engine.add_data(regorus::Value::from(meta)).is_err() {
            continue;
        }
        engine.set_input(regorus::Value::from(to_json(values)));
        for rule in &rules {
            match engine.eval_rule(format!("{}.{}", rule.package, rule.name)) {
                Ok(v) => {
                    for msg in messages(&v, &rule.name) {
                        let text =
                            format!("policy {}: {msg}", rule.package.trim_start_matches("data."));
                        let (line, col) = locate_message(&preset.source.text, &msg);
                        let f = if rule.deny {
                            Finding::error(Code::PolicyDeny, &preset.source.rel, line, col, text)
                        } else {
                            Finding::warning(Code::PolicyWarn, &preset.source.rel, line, col, text)
                        };
                        findings
                            .push(f.with_help(format!("rule `{}` of {}", rule.name, rule.file)));
                    }
                }
                Err(e) => {
                    let f = eval_error(&e.to_string(), rule, &site.policies);
                    if reported_errors.insert((f.file.clone(), f.line, f.column, f.message.clone()))
                    {
                        findings.push(f);
                    }
                }
            }
        }
    }
    findings
}

/// A rule to evaluate: `data.<package>` and the rule name, from which file, deny or warn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Rule {
    package: String,
    name: String,
    deny: bool,
    file: String,
}

/// Loads every policy that parses and compiles; the others become `policy-invalid` findings.
fn build_engine(
    policies: &[SourceFile],
    findings: &mut Vec<Finding>,
) -> Option<(regorus::Engine, Vec<Rule>)> {
    let mut good: Vec<(&SourceFile, String)> = Vec::new();
    for p in policies {
        let mut engine = regorus::Engine::new();
        match add_rego_module(&mut engine, &p.rel, &p.text) {
            Ok(added) => {
                if let Some(v1_error) = &added.v1_error {
                    findings.push(v0_only(v1_error, p));
                }
                good.push((p, added.package));
            }
            Err(text) => findings.push(invalid(&text, &p.rel)),
        }
    }
    // Compile all together; a module that fails to compile is reported and left out.
    loop {
        let mut engine = regorus::Engine::new();
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: EVAL_LIMIT,
            check_interval: std::num::NonZeroU32::new(64).unwrap_or(std::num::NonZeroU32::MIN),
        });
        let mut rejected = Vec::new();
        for (p, _) in &good {
            // Parsed alone above; a failure here (a package conflict) is reported the same way.
            if let Err(text) = add_rego_module(&mut engine, &p.rel, &p.text) {
                findings.push(invalid(&text, &p.rel));
                rejected.push(p.rel.clone());
            }
        }
        good.retain(|(q, _)| !rejected.contains(&q.rel));
        match compile_rego(&mut engine) {
            Ok(()) => {
                let rules: BTreeSet<Rule> =
                    good.iter().flat_map(|(p, pkg)| rules_of(p, pkg)).collect();
                return Some((engine, rules.into_iter().collect()));
            }
            Err(text) => {
                let Some(e) = parse_rego_error(&text) else {
                    let file = good.first().map(|(p, _)| p.rel.clone()).unwrap_or_default();
                    findings.push(invalid(&text, &file));
                    return None;
                };
                findings.push(invalid(&text, &e.file));
                let before = good.len();
                good.retain(|(q, _)| q.rel != e.file);
                if good.len() == before {
                    return None; // cannot tell which module: stop rather than loop
                }
            }
        }
    }
}

/// `policy-rego-v0`: a module only the v0 parser reads, at the place the v1 parser stopped, with
/// that line rewritten in v1 when it is a rule head.
fn v0_only(v1_error: &str, p: &SourceFile) -> Finding {
    let (line, column, why) = match parse_rego_error(v1_error) {
        Some(e) => (e.line, e.column, e.message),
        None => (
            1,
            1,
            v1_error
                .trim()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string(),
        ),
    };
    let written = p.text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let rewrite = super::lang::v1_rewrite(written)
        .map(|v1| format!("write `{}` for `{}`; ", v1.trim(), written.trim()))
        .unwrap_or_default();
    let imports = if p.text.lines().any(|l| l.trim() == "import rego.v1") {
        ""
    } else {
        ", and `import rego.v1` (OPA 0.59+) keeps the module valid for older engines"
    };
    Finding::error(
        Code::PolicyRegoV0,
        &p.rel,
        line,
        column,
        format!("policy is Rego v0 only, which OPA 1.0 and conftest no longer read: {why}"),
    )
    .with_help(format!(
        "{rewrite}Rego v1 needs `if` before every rule body and `contains` for partial sets (`deny contains msg if {{ ... }}`){imports}"
    ))
}

fn invalid(text: &str, file: &str) -> Finding {
    match parse_rego_error(text) {
        Some(e) => Finding::error(Code::PolicyInvalid, e.file, e.line, e.column, format!("invalid Rego policy: {}", e.message)),
        None => {
            let msg = text.trim().lines().last().unwrap_or("does not compile").trim().to_string();
            Finding::error(Code::PolicyInvalid, file, 1, 1, format!("invalid Rego policy: {msg}"))
        }
    }
    .with_help("check it with `opa check` or `regorus parse`; Rego v1 writes `deny contains msg if { ... }`")
}

fn eval_error(text: &str, rule: &Rule, policies: &[SourceFile]) -> Finding {
    match parse_rego_error(text) {
        Some(e) if policies.iter().any(|p| p.rel == e.file) => Finding::error(
            Code::PolicyInvalid,
            e.file,
            e.line,
            e.column,
            format!("policy fails while evaluating: {}", e.message),
        ),
        _ => {
            let msg = text
                .trim()
                .lines()
                .last()
                .unwrap_or("evaluation failed")
                .trim()
                .to_string();
            Finding::error(
                Code::PolicyInvalid,
                &rule.file,
                1,
                1,
                format!(
                    "rule `{}` of {} fails while evaluating: {msg}",
                    rule.name,
                    rule.package.trim_start_matches("data.")
                ),
            )
        }
    }
}

/// The deny/warn rules a module declares: rule heads at the start of a line named `deny`,
/// `violation`, `warn`, or those with a `_suffix`.
fn rules_of(p: &SourceFile, package: &str) -> Vec<Rule> {
    let head = &*RULE_HEAD;
    let mut out = Vec::new();
    for c in head.captures_iter(&p.text) {
        let name = c[0].to_string();
        out.push(Rule {
            package: package.to_string(),
            deny: &c[1] != "warn",
            name,
            file: p.rel.clone(),
        });
    }
    out
}

/// The messages of a rule's value: a set or list of strings or `{msg: ...}` objects, a string,
/// or `true` (the rule name).
fn messages(v: &regorus::Value, rule: &str) -> Vec<String> {
    if *v == regorus::Value::Undefined {
        return Vec::new();
    }
    let Ok(json) = v.to_json_str() else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&json) else {
        return Vec::new();
    };
    let one = |x: &serde_json::Value| -> Option<String> {
        match x {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(o) => Some(match o.get("msg") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => x.to_string(),
            }),
            serde_json::Value::Bool(true) => Some(rule.to_string()),
            serde_json::Value::Bool(false) | serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    match &json {
        serde_json::Value::Array(a) => a.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// Where in a values file a policy message points: the first backticked dotted key path it
/// names that the file holds (`` `a.b.0.c` `` or `` `a.b: true` ``), else line 1, column 1.
fn locate_message(text: &str, msg: &str) -> (usize, usize) {
    let tokens = yaml_key_tokens(text);
    for (k, span) in msg.split('`').enumerate() {
        if k % 2 == 0 {
            continue; // outside backticks
        }
        let path = span.split([':', ' ', '=']).next().unwrap_or("").trim();
        if path.is_empty() {
            continue;
        }
        let segs: Vec<&str> = path.split('.').collect();
        if let Some(at) = find_path(&tokens, &segs) {
            return at;
        }
    }
    (1, 1)
}

/// A key (`name:`) or a list item dash of a block-style YAML file: line, indentation.
#[derive(Debug)]
struct KeyToken {
    line: usize,
    indent: usize,
    key: Option<String>,
}

fn yaml_key_tokens(text: &str) -> Vec<KeyToken> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let body = raw.trim_start_matches(' ');
        let mut indent = raw.len() - body.len();
        let mut rest = body;
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with("---") {
            continue;
        }
        while rest == "-" || rest.starts_with("- ") {
            out.push(KeyToken {
                line: i + 1,
                indent,
                key: None,
            });
            let after = rest[1..].trim_start_matches(' ');
            indent += rest.len() - after.len();
            rest = after;
        }
        if let Some(key) = yaml_key(rest) {
            out.push(KeyToken {
                line: i + 1,
                indent,
                key: Some(key),
            });
        }
    }
    out
}

/// The key of a `key: value` line (quotes removed), if the line has one.
fn yaml_key(rest: &str) -> Option<String> {
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = rest[1..].find(q)? + 1;
        let after = &rest[end + 1..];
        return (after.starts_with(':')).then(|| rest[1..end].to_string());
    }
    let colon = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len))?;
    let key = &rest[..colon];
    (!key.is_empty() && !key.contains(['{', '[', '#'])).then(|| key.trim_end().to_string())
}

/// Line and column of the key at `segs` (dotted path segments; a key may span several
/// segments when it contains dots), searching the whole file.
fn find_path(tokens: &[KeyToken], segs: &[&str]) -> Option<(usize, usize)> {
    let indent = tokens.first()?.indent;
    find_in(tokens, indent, segs)
}

fn find_in(scope: &[KeyToken], indent: usize, segs: &[&str]) -> Option<(usize, usize)> {
    if segs.is_empty() {
        return None;
    }
    let children = |i: usize| {
        let own = scope[i].indent;
        let end = scope[i + 1..]
            .iter()
            .position(|t| t.indent <= own)
            .map_or(scope.len(), |p| i + 1 + p);
        &scope[i + 1..end]
    };
    if let Ok(n) = segs[0].parse::<usize>() {
        let i = scope
            .iter()
            .enumerate()
            .filter(|(_, t)| t.indent == indent && t.key.is_none())
            .nth(n)?
            .0;
        let sub = children(i);
        return if segs.len() == 1 {
            Some((scope[i].line, scope[i].indent + 1))
        } else {
            find_in(sub, sub.first()?.indent, &segs[1..])
        };
    }
    for k in (1..=segs.len()).rev() {
        let key = segs[..k].join(".");
        let Some(i) = scope
            .iter()
            .position(|t| t.indent == indent && t.key.as_deref() == Some(key.as_str()))
        else {
            continue;
        };
        if k == segs.len() {
            return Some((scope[i].line, scope[i].indent + 1));
        }
        let sub = children(i);
        if let Some(at) = sub.first().and_then(|f| find_in(sub, f.indent, &segs[k..])) {
            return Some(at);
        }
    }
    None
}

/// Whether a preset description (its leading comment) has a line `test-only: true`.
fn is_test_only(description: &str) -> bool {
    description.lines().any(|l| {
        let l = l.trim().trim_start_matches('#').trim().to_ascii_lowercase();
        l.strip_prefix("test-only:")
            .is_some_and(|v| v.trim() == "true")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            path: rel.into(),
            rel: rel.into(),
            text: text.into(),
        }
    }

    #[test]
    fn engine_reports_bad_modules_and_keeps_good_ones() {
        let good = src("p/good.rego", "package k8s.security\n\ndeny contains msg if {\n  input.privileged == true\n  msg := \"no privileged\"\n}\n\nwarn_tag contains \"latest\" if endswith(input.image, \":latest\")\n");
        let v0 = src(
            "p/old.rego",
            "package old\n\nviolation[{\"msg\": m}] {\n  input.x == 1\n  m := \"x is 1\"\n}\n",
        );
        let bad = src(
            "p/bad.rego",
            "package bad\n\ndeny contains msg if {\n  msg := \n}\n",
        );
        let unsafe_ = src(
            "p/unsafe.rego",
            "package unsafe\n\ndeny contains msg if {\n  input.x == y\n  msg := \"m\"\n}\n",
        );
        let mut f = Vec::new();
        let (mut engine, rules) = build_engine(&[good, v0, bad, unsafe_], &mut f).unwrap();
        let codes: Vec<(Code, &str, usize, usize)> = f
            .iter()
            .map(|f| (f.code, f.file.as_str(), f.line, f.column))
            .collect();
        assert_eq!(
            codes,
            vec![
                // Reported as v0 and still evaluated (its rule is in `rules` below).
                (Code::PolicyRegoV0, "p/old.rego", 3, 23),
                (Code::PolicyInvalid, "p/bad.rego", 4, 7),
                (Code::PolicyInvalid, "p/unsafe.rego", 4, 14)
            ],
            "{f:#?}"
        );
        let names: Vec<(&str, &str, bool)> = rules
            .iter()
            .map(|r| (r.package.as_str(), r.name.as_str(), r.deny))
            .collect();
        assert_eq!(
            names,
            vec![
                ("data.k8s.security", "deny", true),
                ("data.k8s.security", "warn_tag", false),
                ("data.old", "violation", true)
            ]
        );
        engine.set_input(regorus::Value::from(
            serde_json::json!({"privileged": true, "image": "spark:latest", "x": 1}),
        ));
        let got: Vec<Vec<String>> = rules
            .iter()
            .map(|r| {
                messages(
                    &engine
                        .eval_rule(format!("{}.{}", r.package, r.name))
                        .unwrap(),
                    &r.name,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                vec!["no privileged".to_string()],
                vec!["latest".to_string()],
                vec!["x is 1".to_string()]
            ]
        );
    }

    #[test]
    fn messages_point_at_the_key_they_name() {
        let text = "# c\nconnect:\n  securityContext:\n    privileged: true\n  sparkConf:\n    spark.eventLog.dir: x\n  sidecars:\n    - name: a\n      image: b:latest\n    -\n      \"name\": c\n";
        assert_eq!(
            locate_message(
                text,
                "privileged container at `connect.securityContext.privileged`: no"
            ),
            (4, 5)
        );
        assert_eq!(
            locate_message(text, "`connect.sparkConf.spark.eventLog.dir` is wrong"),
            (6, 5)
        );
        assert_eq!(
            locate_message(text, "image `b:latest` at `connect.sidecars.0.image: b`"),
            (9, 7)
        );
        assert_eq!(locate_message(text, "`connect.sidecars.1.name`"), (11, 7));
        assert_eq!(locate_message(text, "`connect.sidecars.1`"), (10, 5));
        assert_eq!(locate_message(text, "`nothing.here` or no path"), (1, 1));
        assert_eq!(locate_message("", "`a`"), (1, 1));
    }

    #[test]
    fn test_only_and_yaml_conversion() {
        assert!(is_test_only("Scenario A\ntest-only: true"));
        assert!(!is_test_only("test-only: false"));
        let y: serde_yaml_ng::Value =
            serde_yaml_ng::from_str("1: a\ntrue: b\nx: [1, 2.5, .inf]\n").unwrap();
        assert_eq!(
            to_json(&y),
            serde_json::json!({"1": "a", "true": "b", "x": [1, 2.5, ".inf"]})
        );
    }
}
