//! `schemas/site.schema.json`, the JSON Schema of site.toml for editors: it is what `spark-docs
//! schema` generates from the configuration types, every site.toml of the repository (the default
//! site's and each fixture's) validates against it, and it rejects what spark-docs rejects.

use crate::support::*;
use std::path::PathBuf;

fn schema_file() -> PathBuf {
    repo_root().join("schemas/site.schema.json")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_file()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn toml_as_json(text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(text).unwrap();
    serde_json::to_value(value).unwrap()
}

fn problems(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    validator
        .iter_errors(&toml_as_json(text))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_file_is_what_the_configuration_types_generate() {
    let out = spark_docs(["schema"]).output().unwrap();
    assert_exit(&out, 0);
    let committed = std::fs::read_to_string(schema_file()).unwrap();
    assert!(
        stdout(&out) == committed,
        "schemas/site.schema.json is stale: regenerate it with \
         `cargo run --no-default-features -- schema > schemas/site.schema.json`"
    );
}

#[test]
fn every_site_toml_of_the_repository_validates() {
    let validator = validator();
    let mut files = vec![repo_root().join("site.toml")];
    for entry in std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap() {
        let file = entry.unwrap().path().join("site.toml");
        if file.is_file() {
            files.push(file);
        }
    }
    assert!(files.len() > 10, "{files:?}");
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        if toml::from_str::<toml::Value>(&text).is_err() {
            // tests/fixtures/bad-config is not TOML at all, on purpose.
            assert!(file.ends_with("bad-config/site.toml"), "{}", file.display());
            continue;
        }
        let found = problems(&validator, &text);
        assert!(
            found.is_empty(),
            "{}:\n{}",
            file.display(),
            found.join("\n")
        );
        checked += 1;
    }
    assert_eq!(checked, files.len() - 1);
}

#[test]
fn schema_rejects_unknown_keys_and_wrong_types_like_spark_docs() {
    let validator = validator();
    for (text, wanted) in [
        ("title = \"t\"\n[check]\nshelcheck = false\n", "shelcheck"),
        ("title = \"t\"\nbase_ur = \"/\"\n", "base_ur"),
        ("description = \"no title\"\n", "title"),
        ("title = \"t\"\n[markdown]\nraw_html = \"some\"\n", "some"),
        ("title = \"t\"\n[sources]\npresets = \"one\"\n", "one"),
    ] {
        let found = problems(&validator, text);
        assert!(
            found.iter().any(|p| p.contains(wanted)),
            "{text}: {found:?}"
        );
        // spark-docs itself rejects the same file: exit 2.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("site.toml"), text).unwrap();
        let out = spark_docs(["check", "--root"])
            .arg(tmp.path())
            .output()
            .unwrap();
        assert_exit(&out, 2);
    }
}

#[test]
fn unknown_key_in_site_toml_exits_2_with_a_did_you_mean() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("site.toml"),
        "title = \"t\"\n\n[check]\nshelcheck = false\n",
    )
    .unwrap();
    let out = spark_docs(["check", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("site.toml: line 4"), "{err}");
    assert!(err.contains("unknown field `shelcheck`"), "{err}");
    assert!(err.contains("did you mean `shellcheck`?"), "{err}");
}
