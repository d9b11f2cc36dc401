//! `spark-docs check` over tests/fixtures/check-spark-props: the `spark-property-*` rules on every
//! place a property can appear — `--conf`/`--conf=`/`-c` on spark-submit, pyspark, spark-sql,
//! spark-shell (console) and start-connect-server.sh; helm `--set …sparkConf.spark\.x=…`;
//! properties blocks; a SparkApplication `sparkConf` and a `-D` system property in YAML; Python
//! builder/`conf.set`/`SparkConf().set`; SQL `SET`; a preset's `sparkConf` (3.5 chart); a notebook
//! cell; a script — and no finding for open namespaces, placeholders, application arguments, a
//! silenced block, a site-declared namespace, or 4.x keys on a 4.1 page.

use crate::support::*;

/// The `spark-property-*` findings over the fixture, as (code, file, line).
fn findings() -> Vec<(String, String, u64)> {
    check_json(&fixture("check-spark-props"), &[])
        .findings
        .into_iter()
        .filter(|f| f.code.starts_with("spark-property-"))
        .map(|f| (f.code, f.file, f.line))
        .collect()
}

#[test]
fn every_defect_is_found_and_nothing_else() {
    const UNKNOWN: &str = "spark-property-unknown";
    const VERSION: &str = "spark-property-version";
    const DEPRECATED: &str = "spark-property-deprecated";
    const VALUE: &str = "spark-property-value";
    const R35: &str = "recipes/ops/props-35.md";
    const PRESET: &str = "presets/charts/spark-3.5/values-scenario-props.yaml";
    let expected: Vec<(&str, &str, u64)> = vec![
        (UNKNOWN, "notebooks/session.ipynb", 11),
        (VERSION, PRESET, 5),
        (UNKNOWN, PRESET, 6),
        (UNKNOWN, R35, 10),    // --conf spark.sql.warehouseDir
        (VERSION, R35, 11),    // 4.x key on a 3.5 page
        (VALUE, R35, 12),      // 1.5g
        (DEPRECATED, R35, 13), // spark.yarn.executor.memoryOverhead
        (UNKNOWN, R35, 14),    // --conf executor.cores (not spark.)
        (UNKNOWN, R35, 41),    // pyspark --conf=
        (VALUE, R35, 42),      // spark-sql -c
        (UNKNOWN, R35, 44),    // helm --set sparkConf.spark\.sql\.warehouseDir
        (UNKNOWN, R35, 48),    // console spark-shell
        (VALUE, R35, 54),      // properties 1.5g
        (UNKNOWN, R35, 55),    // properties spark.eventlog.enabled
        (UNKNOWN, R35, 64),    // SparkApplication sparkConf
        (VALUE, R35, 65),      // "2 minutes"
        (VALUE, R35, 68),      // -Dspark.history.fs.cleaner.maxAge=30days
        (UNKNOWN, R35, 74),    // .config("spark.sql.shuffle.partition")
        (VALUE, R35, 76),      // spark.conf.set(..., "yes")
        (DEPRECATED, R35, 77), // SparkConf().set("spark.blacklist.enabled")
        (VERSION, R35, 81),    // SET spark.sql.scripting.enabled on 3.5
        (UNKNOWN, "scripts/submit.sh", 5),
        (VALUE, "scripts/submit.sh", 6),
    ];
    let mut got = findings();
    got.sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
    let mut want: Vec<(String, String, u64)> = expected
        .into_iter()
        .map(|(c, f, l)| (c.to_string(), f.to_string(), l))
        .collect();
    want.sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
    assert_eq!(got, want);
}

#[test]
fn the_rules_explain_where_the_catalog_comes_from() {
    for code in [
        "spark-property-unknown",
        "spark-property-version",
        "spark-property-deprecated",
        "spark-property-value",
    ] {
        let out = spark_docs(["explain", code])
            .output()
            .expect("run spark-docs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{code}: {text}");
        assert!(text.contains("scripts/gen-spark-catalog.sh"), "{code}");
        assert!(text.contains("data/spark-catalog.json.gz"), "{code}");
    }
}
