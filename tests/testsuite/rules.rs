//! The rule registry from the outside: `spark-docs rules` and `explain`, and what site.toml's
//! `[check] severity` accepts.

use crate::support::*;

#[test]
fn a_misspelt_code_in_check_severity_is_a_configuration_error() {
    let s = site("basic");
    append(
        &s.root.join("site.toml"),
        "\n[check.severity]\n\"shell-sytnax\" = \"off\"\n",
    );
    let out = spark_docs(["check", "--root"])
        .arg(&s.root)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    let lines = std::fs::read_to_string(s.root.join("site.toml")).unwrap();
    let line = lines
        .lines()
        .position(|l| l.contains("shell-sytnax"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "site.toml:{line}: unknown rule code `shell-sytnax`"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `shell-syntax`?"), "{err}");
    // The same file with the right code is accepted and the rule is off.
    edit(&s.root.join("site.toml"), "shell-sytnax", "shell-syntax");
    let out = spark_docs(["check", "--root"])
        .arg(&s.root)
        .output()
        .unwrap();
    assert!(out.status.code() != Some(2), "{}", describe(&out));
}

#[test]
fn rules_lists_every_code_in_every_format() {
    let human = stdout(&spark_docs(["rules"]).output().unwrap());
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &spark_docs(["rules", "--format", "json"]).output().unwrap(),
    ))
    .expect("rules --format json is JSON");
    let rules = json.as_array().expect("an array of rules");
    assert!(rules.len() >= 39, "{}", rules.len());
    for r in rules {
        let code = r["code"].as_str().expect("code");
        assert!(
            human.contains(code),
            "{code} missing from `spark-docs rules`"
        );
        for key in ["family", "severity", "summary", "explanation"] {
            assert!(
                r[key].as_str().is_some_and(|v| !v.is_empty()),
                "{code}.{key}"
            );
        }
    }
    let markdown = stdout(
        &spark_docs(["rules", "--format", "markdown"])
            .output()
            .unwrap(),
    );
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(markdown.trim()),
        "README's rule table is stale"
    );
}

#[test]
fn explain_prints_the_explanation_and_refuses_unknown_codes() {
    let out = spark_docs(["explain", "helm-set-unknown-key"])
        .output()
        .unwrap();
    assert_success(&out);
    let text = stdout(&out);
    for part in [
        "helm-set-unknown-key (helm",
        "## What it does",
        "## Example",
        "Use instead",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    let out = spark_docs(["explain", "helm-set-unknwon-key"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("did you mean `helm-set-unknown-key`?"),
        "{}",
        describe(&out)
    );
}
