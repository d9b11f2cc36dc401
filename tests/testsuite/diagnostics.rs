//! Snapshots of `spark-docs check`'s human output (colours off) over every check fixture: the
//! header with code and message, the `-->` location, the source line with its caret, the
//! `= help:` line and the summary. A change in any message, position or help shows as a diff of
//! a committed file, `tests/testsuite/snapshots/diagnostics__<test>.snap`.
//!
//! After an intended change, regenerate with
//! `INSTA_UPDATE=always cargo test --no-default-features --test testsuite diagnostics::`
//! (or `cargo insta review`), read the diff and commit the `.snap` files.
//!
//! Decisions:
//! - ShellCheck's messages depend on its version and on whether it is installed, so every
//!   snapshot is taken with an empty `PATH`: `check` then finds no `shellcheck` and skips it
//!   (the tool executes nothing else). `check_shell` asserts the ShellCheck finding itself.
//! - Paths in the output are relative to the site root already; the root itself, where a
//!   message names it, is written `[ROOT]`, so snapshots do not depend on the checkout.

use std::path::Path;

use crate::support::*;

/// `spark-docs check --root <fixture> <extra…>` with colours off and no `shellcheck` on `PATH`,
/// as one stable text: the command, the exit code, stdout and (when not empty) stderr.
fn human_check(name: &str, extra: &[&str]) -> String {
    let root = fixture(name);
    let empty_path = tempfile::tempdir().unwrap();
    let out = spark_docs(["check", "--root"])
        .arg(&root)
        .args(extra)
        .env("NO_COLOR", "1")
        .env("PATH", empty_path.path())
        .output()
        .expect("run spark-docs");
    let mut text = format!(
        "$ spark-docs check --root tests/fixtures/{name}{}{}\nexit: {}\n",
        if extra.is_empty() { "" } else { " " },
        extra.join(" "),
        out.status
            .code()
            .map_or_else(|| "signal".to_string(), |c| c.to_string())
    );
    text.push_str("--- stdout ---\n");
    text.push_str(&stdout(&out));
    let err = stderr(&out);
    if !err.is_empty() {
        text.push_str("--- stderr ---\n");
        text.push_str(&err);
    }
    redact_root(&text, &root)
}

/// `text` with the site root (as given and canonical) written `[ROOT]`.
fn redact_root(text: &str, root: &Path) -> String {
    let mut text = text.to_string();
    let mut roots = vec![root.to_path_buf()];
    if let Ok(canonical) = root.canonicalize() {
        roots.insert(0, canonical);
    }
    for r in roots {
        text = text.replace(&r.display().to_string(), "[ROOT]");
    }
    text
}

/// Asserts the human output of `check` over `tests/fixtures/<fixture>` against its snapshot.
macro_rules! snapshot_check {
    ($test:ident, $fixture:literal $(, $extra:literal)*) => {
        #[test]
        fn $test() {
            let text = human_check($fixture, &[$($extra),*]);
            insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(concat!("diagnostics__", stringify!($test)), text);
            });
        }
    };
}

snapshot_check!(check_lang_bad, "check-lang/bad");
snapshot_check!(check_lang_clean, "check-lang/clean");
snapshot_check!(check_links, "check-links");
snapshot_check!(check_shell_bad, "check-shell/bad");
snapshot_check!(check_shell_clean, "check-shell/clean");
snapshot_check!(check_values, "check-values");
snapshot_check!(check_values_templates, "check-values-templates");
snapshot_check!(check_helm_unlisted, "check-helm-unlisted");
snapshot_check!(check_created_files, "check-created-files");
snapshot_check!(check_bad_examples, "check-bad-examples");
snapshot_check!(adopted, "adopted");
// Configuration and front-matter errors are diagnostics too (stderr, exit 1 or 2).
snapshot_check!(bad_config, "bad-config");
snapshot_check!(bad_front_matter, "bad-front-matter");
snapshot_check!(missing_source, "missing-source");
