//! Command-line conventions shared by every command: `--color auto|always|never` with NO_COLOR
//! and CLICOLOR_FORCE, `-q` (only errors), `-v` (stage timings), shell completions and man pages.

use crate::support::*;

const ESC: &str = "\u{1b}[";

/// (extra arguments, environment, coloured?, what the case shows).
type ColorCase<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool, &'a str);

/// `check` of a fixture with errors, stdout piped (not a terminal), with `env` set.
fn check_piped(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = spark_docs(["check", "--root"]);
    cmd.arg(fixture("check-links")).args(args);
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn color_follows_the_flag_then_no_color_then_clicolor_force() {
    let cases: &[ColorCase] = &[
        (&[], &[], false, "auto, piped: plain"),
        (&["--color", "always"], &[], true, "always"),
        (
            &["--color", "always"],
            &[("NO_COLOR", "1")],
            true,
            "always beats NO_COLOR",
        ),
        (
            &["--color", "never"],
            &[("CLICOLOR_FORCE", "1")],
            false,
            "never beats CLICOLOR_FORCE",
        ),
        (
            &[],
            &[("CLICOLOR_FORCE", "1")],
            true,
            "CLICOLOR_FORCE colours a pipe",
        ),
        (
            &[],
            &[("CLICOLOR_FORCE", "0")],
            false,
            "CLICOLOR_FORCE=0 does not",
        ),
        (
            &[],
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
            false,
            "NO_COLOR wins in auto",
        ),
        (
            &[],
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")],
            true,
            "an empty NO_COLOR is unset",
        ),
    ];
    for (args, env, coloured, what) in cases {
        let out = check_piped(args, env);
        assert_exit(&out, 1);
        assert_eq!(
            stdout(&out).contains(ESC),
            *coloured,
            "{what}\n{}",
            describe(&out)
        );
    }
    let bad = check_piped(&["--color", "sometimes"], &[]);
    assert_exit(&bad, 2);
}

#[test]
fn quiet_prints_only_errors_and_verbose_prints_stage_timings() {
    let root = fixture("check-links");
    let all = check_piped(&[], &[]);
    let quiet = check_piped(&["-q"], &[]);
    assert_exit(&quiet, 1);
    let (all, quiet) = (stdout(&all), stdout(&quiet));
    assert!(all.contains("warning["), "the fixture has warnings:\n{all}");
    assert!(
        quiet.contains("error[") && !quiet.contains("warning["),
        "{quiet}"
    );

    let verbose = check_piped(&["-v"], &[]);
    let err = stderr(&verbose);
    for stage in ["load", "check", "total"] {
        assert!(
            err.lines().any(|l| l.starts_with(stage)),
            "no {stage} line:\n{err}"
        );
    }
    let both = spark_docs(["check", "-q", "-v", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_exit(&both, 2);

    // -v on build adds render, search + card and write.
    let tmp = tempfile::tempdir().unwrap();
    let out = spark_docs(["-v", "build", "--root"])
        .arg(fixture("basic"))
        .arg("--out")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert_success(&out);
    let err = stderr(&out);
    for stage in ["load", "check", "render", "search + card", "write", "total"] {
        assert!(
            err.lines().any(|l| l.starts_with(stage)),
            "no {stage} line:\n{err}"
        );
    }
    // The two site-wide outputs are also timed one by one (default features).
    #[cfg(all(feature = "search", feature = "pdf"))]
    for part in ["  search", "  card"] {
        assert!(
            err.lines().any(|l| l.starts_with(part)),
            "no {part} line:\n{err}"
        );
    }
    let quiet = spark_docs(["build", "-q", "--root"])
        .arg(fixture("basic"))
        .arg("--out")
        .arg(tmp.path().join("out2"))
        .output()
        .unwrap();
    assert_success(&quiet);
    assert!(stderr(&quiet).is_empty(), "{}", describe(&quiet));
}

#[test]
fn completions_for_every_shell_and_man_pages() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = spark_docs(["completions", shell]).output().unwrap();
        assert_success(&out);
        let text = stdout(&out);
        assert!(
            text.contains("spark-docs") && text.contains("triage"),
            "{shell}:\n{text}"
        );
    }
    assert_exit(&spark_docs(["completions", "tcsh"]).output().unwrap(), 2);
    if program_runs("bash") {
        let script = stdout(&spark_docs(["completions", "bash"]).output().unwrap());
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("c.bash");
        std::fs::write(&file, script).unwrap();
        let syntax = std::process::Command::new("bash")
            .arg("-n")
            .arg(&file)
            .output()
            .unwrap();
        assert_success(&syntax);
    }

    let man = spark_docs(["man"]).output().unwrap();
    assert_success(&man);
    let page = stdout(&man);
    assert!(
        page.contains(".TH spark-docs 1") && page.contains("triage"),
        "{page}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = spark_docs(["man", "--dir"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_success(&out);
    for name in [
        "spark-docs.1",
        "spark-docs-build.1",
        "spark-docs-check.1",
        "spark-docs-triage.1",
    ] {
        let text = std::fs::read_to_string(tmp.path().join(name)).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{name}");
    }
    let check = std::fs::read_to_string(tmp.path().join("spark-docs-check.1")).unwrap();
    assert!(check.contains("strict"), "check's page documents --strict");
}
