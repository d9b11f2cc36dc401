//! `shell-syntax`, `script-syntax` and `shellcheck` over tests/fixtures/check-shell, and the
//! parser's verdict against `bash -n` over tests/fixtures/shell-snippets.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;
use spark_docs::check::shell::{has_errors, syntax_errors};

const OURS: &[&str] = &["shell-syntax", "script-syntax", "shellcheck"];

fn shellcheck_installed() -> bool {
    program_runs("shellcheck")
}

/// Exit code and every finding of `spark-docs check` over `root`.
fn findings(root: &Path) -> (i32, Vec<Finding>) {
    let checked = check_json(root, &[]);
    (checked.code, checked.findings)
}

#[test]
fn each_shell_rule_fires_at_its_position() {
    let (code, found) = findings(&fixture("check-shell/bad"));
    assert_eq!(code, 1, "errors mean exit 1: {found:#?}");
    let deploy = "content/recipes/operations/deploy.md";
    let expect: &[(&str, &str, &str, u64, u64, &str)] = &[
        // An unclosed quote: at the quote, in a fenced block.
        (
            "shell-syntax",
            "error",
            deploy,
            14,
            6,
            "bash cannot parse this: unexpected end of file (unclosed `\"`)",
        ),
        // An error inside `$( )`, in a block indented in a list item.
        (
            "shell-syntax",
            "error",
            deploy,
            20,
            43,
            "unexpected `)` after `|`",
        ),
        // A console block: output lines are skipped, the `\` continuation of a `$ ` line is not.
        ("shell-syntax", "error", deploy, 30, 28, "unclosed `'`"),
        // ```sh: a missing `fi` points at its `if`.
        ("shell-syntax", "error", deploy, 34, 1, "`if` without `fi`"),
        // ```shell: a stray `fi`.
        ("shell-syntax", "error", deploy, 40, 1, "unexpected `fi`"),
        // In an issue, inside nested substitutions within double quotes.
        (
            "shell-syntax",
            "error",
            "content/issues/ISSUE-001-pod-count.md",
            9,
            17,
            "unexpected `fi`",
        ),
        (
            "script-syntax",
            "error",
            "scripts/restart-pods.sh",
            4,
            1,
            "`for` without `done`",
        ),
    ];
    for (c, sev, f, l, col, msg) in expect {
        assert!(
            found.iter().any(|x| x.code == *c
                && x.severity == *sev
                && x.file == *f
                && x.line == *l
                && x.column == *col
                && x.message.contains(msg)),
            "missing {sev} {c} at {f}:{l}:{col} ({msg}); found {found:#?}"
        );
    }
    // The placeholder line, the `ignore` block, the commented-out block: nothing more.
    let shell: Vec<_> = found
        .iter()
        .filter(|x| x.code == "shell-syntax" || x.code == "script-syntax")
        .collect();
    assert_eq!(
        shell.len(),
        expect.len(),
        "unexpected extra findings: {shell:#?}"
    );

    let sc: Vec<_> = found.iter().filter(|x| x.code == "shellcheck").collect();
    if shellcheck_installed() {
        assert!(
            sc.iter().any(|x| x.severity == "warning"
                && x.file == "scripts/list-pods.sh"
                && x.line == 7
                && x.column == 1
                && x.message.starts_with("SC2034: unused appears unused")),
            "missing the SC2034 warning at scripts/list-pods.sh:7:1; found {sc:#?}"
        );
        // A script that does not parse gets its script-syntax finding only.
        assert!(
            !sc.iter().any(|x| x.file == "scripts/restart-pods.sh"),
            "{sc:#?}"
        );
    } else {
        eprintln!("note: shellcheck is not installed: the `shellcheck` assertions are skipped");
        assert!(
            sc.is_empty(),
            "without shellcheck there are no shellcheck findings: {sc:#?}"
        );
    }
}

#[test]
fn shellcheck_findings_carry_the_wiki_link_and_can_be_turned_off() {
    if !shellcheck_installed() {
        eprintln!("note: shellcheck is not installed: skipped");
        return;
    }
    let (_, found) = findings(&fixture("check-shell/bad"));
    let sc = found
        .iter()
        .find(|f| f.code == "shellcheck")
        .expect("a shellcheck finding");
    assert_eq!(sc.help, "see https://www.shellcheck.net/wiki/SC2034");

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-shell/bad"), dir.path());
    append(
        &dir.path().join("site.toml"),
        "\n[check]\nshellcheck = false\n",
    );
    let (_, found) = findings(dir.path());
    assert!(!found.iter().any(|x| x.code == "shellcheck"), "{found:#?}");
    assert!(
        found.iter().any(|x| x.code == "script-syntax"),
        "{found:#?}"
    );
}

#[test]
fn clean_fixture_has_no_shell_findings() {
    let (code, found) = findings(&fixture("check-shell/clean"));
    let ours: Vec<_> = found
        .iter()
        .filter(|x| OURS.contains(&x.code.as_str()))
        .collect();
    assert!(ours.is_empty(), "{ours:#?}");
    assert_eq!(code, 0, "{found:#?}");
}

#[test]
fn checking_never_executes_a_block_or_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let marker = root.join("executed.marker");
    let m = marker.display().to_string();
    std::fs::create_dir_all(root.join("content/recipes/operations")).unwrap();
    std::fs::create_dir_all(root.join("scripts")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"marker\"\n[sources]\nrecipes = \"content/recipes\"\nscripts = \"scripts\"\n",
    )
    .unwrap();
    let recipe = format!(
        "---\ntitle: Marker\n---\n# Marker\n\n```bash\ntouch {m}\necho \"$(touch {m})\" `touch {m}` <(touch {m})\n```\n\n\
         ```console\n$ touch {m}\n```\n\n```sh\ncat <<EOF > {m}\n$(touch {m})\nEOF\n```\n\n\
         ```bash\necho \"broken $(touch {m}\n```\n"
    );
    std::fs::write(root.join("content/recipes/operations/marker.md"), recipe).unwrap();
    std::fs::write(
        root.join("scripts/touch.sh"),
        format!("#!/usr/bin/env bash\n# Touches.\ntouch {m}\n"),
    )
    .unwrap();
    let (_, found) = findings(root);
    assert!(
        !marker.exists(),
        "a block or script was executed: {m} exists"
    );
    // It did check them: the last block is broken.
    assert!(found.iter().any(|x| x.code == "shell-syntax"), "{found:#?}");
}

/// `bash -n` on a file: whether bash reports an error (a warning alone is not one), and its
/// first message line. Never executes the file.
fn bash_n(path: &Path) -> (bool, String) {
    let out = Command::new("bash")
        .arg("-n")
        .arg(path)
        .output()
        .expect("bash is installed");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let complaint = stderr
        .lines()
        .any(|l| !l.trim().is_empty() && !l.contains("warning:"));
    (
        !out.status.success() || complaint,
        stderr.lines().next().unwrap_or("").to_string(),
    )
}

fn bash_n_text(text: &str) -> (bool, String) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    bash_n(file.path())
}

fn verdict(err: bool) -> &'static str {
    if err {
        "error"
    } else {
        "ok"
    }
}

#[test]
fn verdict_agrees_with_bash_n_on_the_snippets() {
    let dir = fixture("shell-snippets");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let placeholder =
        regex::Regex::new(&spark_docs::config::CheckConfig::default().placeholder).unwrap();
    let (mut ok, mut bad, mut agreed) = (0, 0, 0);
    let mut problems = Vec::new();
    let mut table = String::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let code = std::fs::read_to_string(path).unwrap();
        let (bash_err, bash_msg) = bash_n(path);
        let ours_err = has_errors(&code);
        let ours_msg = syntax_errors(&code)
            .first()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .unwrap_or_default();
        table.push_str(&format!(
            "{:<45} bash {:<5} ours {:<5} | {:.60} | {:.60}\n",
            name,
            verdict(bash_err),
            verdict(ours_err),
            bash_msg.rsplit(": ").next().unwrap_or(""),
            ours_msg
        ));
        if let Some(rest) = name.strip_prefix("diverge-") {
            // Deliberate: see the module documentation of check/shell.rs.
            eprintln!(
                "note: {name}: bash -n says {}, we say {} ({rest})",
                verdict(bash_err),
                verdict(ours_err)
            );
            if bash_err == ours_err {
                problems.push(format!(
                    "{name}: expected to differ from bash -n but agrees"
                ));
            }
            continue;
        }
        let expected = name.starts_with("bad-");
        if expected {
            bad += 1;
        } else {
            ok += 1;
        }
        if bash_err != expected {
            problems.push(format!(
                "{name}: the fixture's name says {}, bash -n says {}",
                verdict(expected),
                verdict(bash_err)
            ));
        }
        if ours_err == bash_err {
            agreed += 1;
        } else {
            problems.push(format!(
                "{name}: bash -n says {}, we say {}",
                verdict(bash_err),
                verdict(ours_err)
            ));
        }
        // Placeholders are words once neutralised, for bash as for us.
        if name.contains("placeholder") {
            let neutral = placeholder
                .replace_all(&code, |c: &regex::Captures| {
                    format!("P{}", "x".repeat(c[0].len() - 1))
                })
                .into_owned();
            let (bash_neutral, msg) = bash_n_text(&neutral);
            if bash_neutral || has_errors(&neutral) {
                problems.push(format!(
                    "{name}: with placeholders as words, bash -n says {} ({msg}), we say {}",
                    verdict(bash_neutral),
                    verdict(has_errors(&neutral))
                ));
            }
        }
    }
    assert!(
        ok >= 15 && bad >= 15 && ok + bad >= 40,
        "the fixture needs at least 40 snippets, both valid and invalid ({ok} ok, {bad} bad)"
    );
    assert!(problems.is_empty(), "{}\n\n{table}", problems.join("\n"));
    eprintln!("agreement with bash -n: {agreed}/{} snippets", ok + bad);
}

#[test]
fn positions_are_one_based_within_the_code() {
    let e = &syntax_errors("echo ok\nx=$(\n  echo \"$(fi)\"\n)\n")[0];
    assert_eq!((e.line, e.column), (3, 11), "{e:?}");
    assert!(e.message.contains("`fi`"), "{e:?}");
    assert!(syntax_errors("kubectl get pods -n spark | grep -i error\n").is_empty());
    // bash stops at the `(`, not at the end of the block.
    let e = &syntax_errors("kubectl get pods | grep -E (Crash\nkubectl get pods\n")[0];
    assert_eq!((e.line, e.column), (1, 28), "{e:?}");
    assert!(e.message.contains("unexpected `(`"), "{e:?}");
    assert!(syntax_errors("declare -a parts=(a b)\nlocal x=(1 2)\n").is_empty());
}
