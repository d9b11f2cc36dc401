//! The Spark property reference: the generated `/properties/` pages (one per targeted Spark line,
//! every public property anchored by its name) and the links from property names in code on
//! other pages to their entry, with the hover text.

use crate::support::*;
use std::fs;

/// The `basic` fixture plus a 3.5 recipe that sets properties in a code block and inline code.
fn built() -> Site {
    let s = site("basic");
    fs::write(
        s.root.join("content/recipes/operations/executor-memory.md"),
        r#"---
title: Size executor memory
summary: Set the executor heap and its overhead.
spark: ["3.5"]
---

Raise `spark.executor.memory` first; `spark.executor.memoryOverheadFactor` covers off-heap.
The [linked `spark.driver.memory`](https://spark.apache.org/docs/latest/configuration.html) stays as it is.

```bash
spark-submit --conf spark.executor.memory=4g \
  --conf spark.executor.memoryOverhead=1g \
  --conf spark.hadoop.fs.s3a.bucket.logs.endpoint=http://minio:9000 \
  --conf spark.executor app.py
```
"#,
    )
    .unwrap();
    let output = run_build(&s.root, &s.out, &["--base-url", BASE_URL]);
    assert_success(&output);
    s
}

#[test]
fn reference_pages_per_targeted_line_with_anchored_rows() {
    let s = built();
    let index = read_page(&s.out, "/properties/");
    // basic declares 3.5 and 4.1: one link each, with counts.
    assert!(
        index.contains("href=\"/spark-docs/properties/3.5/\""),
        "{index}"
    );
    assert!(index.contains("href=\"/spark-docs/properties/4.1/\""));
    assert!(!index.contains("/properties/4.3/"));
    assert!(
        regex::Regex::new(r#"\d{3,4} <span class="muted">properties"#)
            .unwrap()
            .is_match(&index)
    );

    let page = read_page(&s.out, "/properties/3.5/");
    for (key, area) in [
        ("spark.executor.memory", "core"),
        ("spark.sql.shuffle.partitions", "sql"),
        ("spark.kubernetes.container.image", "kubernetes"),
        ("spark.history.fs.logDirectory", "history-server"),
        ("spark.sql.execution.arrow.pyspark.enabled", "python-arrow"),
        ("spark.hadoop.fs.s3a.endpoint", "s3a"),
    ] {
        assert!(
            page.contains(&format!("<tr id=\"{key}\"")),
            "{key} has no row"
        );
        assert!(
            page.contains(&format!("id=\"{area}\"")),
            "no {area} section"
        );
    }
    // Type, default and since of a known property; 4.x-only properties are not on 3.5's page.
    let row = row_of(&page, "spark.executor.memory");
    assert!(row.contains("size · since 0.7.0"), "{row}");
    assert!(row.contains("<code>1g</code>"), "{row}");
    assert!(!page.contains("<tr id=\"spark.sql.scripting.enabled\""));
    assert!(
        read_page(&s.out, "/properties/4.1/").contains("<tr id=\"spark.sql.scripting.enabled\"")
    );
    // Deprecated keys say what replaces them; internal entries are left out.
    let row = row_of(&page, "spark.yarn.executor.memoryOverhead");
    assert!(row.contains("deprecated"), "{row}");
    assert!(
        row.contains("href=\"#spark.executor.memoryOverhead\""),
        "{row}"
    );
}

#[test]
fn property_names_in_code_link_to_their_entry_with_a_hover() {
    let s = built();
    let html = read_page(&s.out, "/recipes/operations/executor-memory/");
    let link = "<a class=\"prop-link\" href=\"/spark-docs/properties/3.5/#spark.executor.memory\" title=\"default: 1g · since 0.7.0 · size\">spark.executor.memory</a>";
    // In the code block (after highlighting) and in inline code.
    assert!(html.matches(link).count() >= 2, "{html}");
    assert!(html.contains("href=\"/spark-docs/properties/3.5/#spark.executor.memoryOverhead\""));
    assert!(html.contains("#spark.executor.memoryOverheadFactor\""));
    // Not inside an existing link, not an open-namespace key, not a prefix of a name.
    assert!(!html.contains("#spark.driver.memory\""));
    assert!(!html.contains("#spark.hadoop.fs.s3a.bucket"));
    assert!(!html.contains("#spark.executor\""));
    // A page about 4.1 links to the 4.1 entry.
    let other = read_page(&s.out, "/recipes/troubleshoot/driver-host/");
    assert!(
        !other.contains("/properties/3.5/#"),
        "a 4.1 page links to 3.5"
    );
    // Every link lands on a row.
    let target = read_page(&s.out, "/properties/3.5/");
    for id in ["spark.executor.memory", "spark.executor.memoryOverhead"] {
        assert!(target.contains(&format!("<tr id=\"{id}\"")));
    }
}

/// The `<tr>` of `key` on a reference page.
fn row_of<'a>(page: &'a str, key: &str) -> &'a str {
    let start = page
        .find(&format!("<tr id=\"{key}\""))
        .unwrap_or_else(|| panic!("no row for {key}"));
    let end = page[start..].find("</tr>").unwrap() + start;
    &page[start..end]
}
