//! Blocks a page shows as the mistake are not checked, over tests/fixtures/check-bad-examples:
//! under a "Wrong" heading, after a `**Wrong:**` / `❌ Bad:` / "Don't …:" / `Неправильно:` label,
//! inside a `> [!CAUTION]` or `:::danger` admonition. "Right" blocks, unmarked blocks and a
//! troubleshooting cause ("**Wrong repository or tag:** …", whose block is the fix) are checked.

use std::path::Path;

use crate::support::*;

const PAGE: &str = "content/recipes/configuration/spark-properties.md";

/// `(code, line)` of every finding of `spark-docs check` over `root`, all on [`PAGE`].
fn findings(root: &Path) -> Vec<(String, u64)> {
    let found = check_json(root, &[]).findings;
    assert!(found.iter().all(|f| f.file == PAGE), "{found:#?}");
    let mut v: Vec<_> = found.into_iter().map(|f| (f.code, f.line)).collect();
    v.sort();
    v
}

fn sorted(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    let mut v: Vec<_> = list.iter().map(|(c, l)| (c.to_string(), *l)).collect();
    v.sort();
    v
}

#[test]
fn marked_mistakes_are_not_checked_and_the_rest_is() {
    assert_eq!(
        findings(&fixture("check-bad-examples")),
        sorted(&[
            ("shell-syntax", 19),             // ✅ Right, under the "Wrong" heading
            ("shell-syntax", 57),             // Правильно:
            ("shell-syntax", 82),             // a block nobody marked
            ("helm-values-file-missing", 88), // the fix under a troubleshooting cause
        ])
    );
}

/// With the marks taken away, each of those blocks is reported: the fixture's mistakes are real.
#[test]
fn without_the_marks_every_mistake_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-bad-examples"), dir.path());
    let page = dir.path().join(PAGE);
    for (mark, neutral) in [
        ("## Wrong\n", "## Notes\n"),
        ("**Wrong:**", "**Note:**"),
        ("- ❌ Bad:", "- Note:"),
        (
            "Don't pass a Spark property with a typo:",
            "Pass a Spark property:",
        ),
        ("Неправильно:", "Пример:"),
        ("> [!CAUTION]", "> [!NOTE]"),
        (":::danger", ":::note"),
    ] {
        edit(&page, mark, neutral);
    }
    assert_eq!(
        findings(dir.path()),
        sorted(&[
            ("helm-values-file-missing", 9),
            ("shell-syntax", 9),
            ("yaml-syntax", 13),
            ("shell-syntax", 19),
            ("json-syntax", 27),
            ("shell-syntax", 33),
            ("spark-property-unknown", 45),
            ("path-missing", 51),
            ("shell-syntax", 57),
            ("helm-values-file-missing", 66),
            ("shell-syntax", 74),
            ("shell-syntax", 82),
            ("helm-values-file-missing", 88),
        ])
    );
}
