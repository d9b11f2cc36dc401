//! Hostile and broken inputs (`tests/fixtures/bad/`): each case starts from the valid site
//! `bad/base`, whose output already sits in `--out`, adds one bad input (the files of
//! `bad/cases/<case>/`, or ones the test generates: large files, symlinks, permissions), builds, and
//! asserts the exit code, a finding that names the file (and line where there is one), no panic,
//! and a previous output left byte for byte as it was.

use crate::support::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::process::Output;

/// A copy of `bad/base` whose previous output is in `out`, and that output's bytes.
struct Case {
    s: Site,
    before: BTreeMap<String, Vec<u8>>,
}

impl Case {
    /// The base site with its output already built, plus the files of `bad/cases/<case>/` (if any).
    fn new(case: &str) -> Case {
        let s = site("bad/base");
        copy_dir(&shared_build("bad/base"), &s.out);
        let overlay = fixture("bad/cases").join(case);
        if overlay.is_dir() {
            copy_dir(&overlay, &s.root);
        }
        let before = snapshot(&s.out);
        assert!(before.contains_key("index.html"));
        Case { s, before }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.s.root.join(rel)
    }

    fn build(&self, extra: &[&str]) -> Output {
        run_build(&self.s.root, &self.s.out, extra)
    }

    /// Asserts exit `code`, no panic, every `needles` in stderr, and the previous output intact.
    fn assert_refused(&self, output: &Output, code: i32, needles: &[&str]) {
        assert_exit(output, code);
        let err = stderr(output);
        for needle in needles {
            assert!(
                err.contains(needle),
                "{needle:?} not in:\n{}",
                describe(output)
            );
        }
        assert!(
            snapshot(&self.s.out) == self.before,
            "the previous output changed:\n{}",
            describe(output)
        );
        let strays: Vec<_> = dir_entries(self.s.out.parent().unwrap())
            .into_iter()
            .filter(|e| e != "public")
            .collect();
        assert!(strays.is_empty(), "temporary directories left: {strays:?}");
    }
}

#[test]
fn malformed_front_matter() {
    let c = Case::new("malformed-front-matter");
    let out = c.build(&[]);
    c.assert_refused(&out, 1, &["content/recipes/ops/broken.md:"]);
}

#[test]
fn invalid_utf8() {
    let c = Case::new("invalid-utf8");
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &["error[file-not-utf8]", "content/recipes/ops/latin1.md:6:"],
    );
}

#[test]
fn binary_markdown_file() {
    let c = Case::new("binary-md");
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &["error[file-not-utf8]", "content/recipes/ops/image.md:1:"],
    );
}

#[test]
fn empty_file() {
    let c = Case::new("empty-file");
    let out = c.build(&[]);
    c.assert_refused(&out, 1, &["content/recipes/ops/empty.md"]);
}

#[test]
fn unterminated_fence() {
    let c = Case::new("unterminated-fence");
    let out = c.build(&[]);
    c.assert_refused(&out, 1, &["content/recipes/ops/open-fence.md:8:"]);
}

#[test]
fn yaml_alias_bomb() {
    let c = Case::new("yaml-alias-bomb");
    let started = std::time::Instant::now();
    let out = c.build(&[]);
    c.assert_refused(&out, 1, &["content/recipes/ops/bomb.md:"]);
    assert!(
        started.elapsed().as_secs() < 60,
        "the alias bomb took {:?}",
        started.elapsed()
    );
}

#[test]
fn deeply_nested_yaml() {
    let c = Case::new("none");
    let depth = 20_000;
    let text = format!(
        "---\ntitle: Deep\nx: {}{}\n---\n\nBody.\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    fs::write(c.path("content/recipes/ops/deep.md"), text).unwrap();
    let out = c.build(&[]);
    c.assert_refused(&out, 1, &["content/recipes/ops/deep.md:"]);
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let c = Case::new("none");
    std::os::unix::fs::symlink(".", c.path("content/recipes/ops/loop")).unwrap();
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &[
            "error[file-unreadable]",
            "content/recipes/ops/loop",
            "symbolic link loop",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_escaping_the_site_root() {
    let c = Case::new("none");
    let outside = c.s.tmp.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        outside.join("secret.md"),
        "---\ntitle: Secret\n---\n\nA file outside the site.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.join("secret.md"),
        c.path("content/recipes/ops/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, c.path("content/recipes/outside")).unwrap();
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &[
            "content/recipes/ops/secret.md",
            "content/recipes/outside",
            "outside the site root",
        ],
    );
    // With --keep-going the site is written, without the outside file.
    let out = c.build(&["--keep-going"]);
    assert_exit(&out, 1);
    assert!(!files(&c.s.out).iter().any(|f| f.contains("secret")));
}

#[test]
fn notebook_that_is_not_json() {
    let c = Case::new("notebook-not-json");
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &["error[notebook-invalid]", "content/notebooks/broken.ipynb:"],
    );
}

#[test]
fn notebook_with_wrong_cell_types() {
    let c = Case::new("notebook-wrong-cell-types");
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &["error[notebook-invalid]", "content/notebooks/cells.ipynb:"],
    );
}

#[test]
fn broken_theme_template() {
    let c = Case::new("broken-theme-template");
    let out = c.build(&[]);
    c.assert_refused(&out, 2, &["recipe.html"]);
}

#[test]
fn ten_megabyte_recipe() {
    let c = Case::new("none");
    let line = "Spark executors restart when the driver is lost. ".repeat(20) + "\n";
    let text = format!(
        "---\ntitle: Huge\n---\n\n{}",
        line.repeat(10 * 1024 * 1024 / line.len() + 1)
    );
    fs::write(c.path("content/recipes/ops/huge.md"), text).unwrap();
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &["error[file-too-large]", "content/recipes/ops/huge.md"],
    );
}

#[test]
fn fifty_megabyte_markdown_file() {
    let c = Case::new("none");
    let file = fs::File::create(c.path("content/recipes/ops/giant.md")).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let started = std::time::Instant::now();
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &[
            "error[file-too-large]",
            "content/recipes/ops/giant.md",
            "the limit is",
        ],
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn out_dot_is_refused() {
    let c = Case::new("none");
    // `--out .` from inside the site: the sources would be replaced.
    let out = spark_docs(["build", "--root", ".", "--out", "."])
        .current_dir(&c.s.root)
        .output()
        .unwrap();
    c.assert_refused(&out, 2, &["contains the site sources"]);
    assert!(c.path("site.toml").is_file());
    // `--out .` from a directory spark-docs did not write: refused, nothing touched.
    let elsewhere = c.s.tmp.path().join("home");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("notes.txt"), "keep").unwrap();
    let out = spark_docs(["build", "--out", "."])
        .arg("--root")
        .arg(&c.s.root)
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    c.assert_refused(
        &out,
        2,
        &["refusing to replace", "not written by spark-docs"],
    );
    assert_eq!(dir_entries(&elsewhere).len(), 1);
}

#[test]
fn toml_front_matter_with_a_type_error() {
    let c = Case::new("toml-front-matter");
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &[
            "error[front-matter-invalid]",
            "content/recipes/ops/toml.md:1:",
        ],
    );
}

#[test]
fn site_toml_with_a_type_error() {
    let c = Case::new("none");
    append(&c.path("site.toml"), "\n[check]\nshellcheck = \"yes\"\n");
    let out = c.build(&[]);
    c.assert_refused(&out, 2, &["site.toml"]);
}

#[cfg(unix)]
#[test]
fn directory_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let c = Case::new("none");
    let dir = c.path("content/recipes/locked");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("hidden.md"), "---\ntitle: Hidden\n---\n\nBody.\n").unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(&dir).is_ok() {
        // Running as root: permissions do not stop reading, so there is nothing to report.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!(
            "SKIPPED directory_without_read_permission: this user reads 0o000 directories (root)"
        );
        return;
    }
    let out = c.build(&[]);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    c.assert_refused(
        &out,
        1,
        &["error[file-unreadable]", "content/recipes/locked"],
    );
}

#[test]
fn two_recipes_with_the_same_slug() {
    let c = Case::new("same-slug");
    let out = c.build(&[]);
    c.assert_refused(
        &out,
        1,
        &[
            "error[url-conflict]",
            "content/recipes/ops/Restart_Driver.md",
        ],
    );
}

#[test]
fn output_directory_inside_a_source_directory() {
    let c = Case::new("none");
    let inside = c.path("content/recipes/public");
    let out = run_build(&c.s.root, &inside, &[]);
    c.assert_refused(&out, 2, &["content/recipes"]);
    assert!(!inside.exists(), "output written into the sources");
}
