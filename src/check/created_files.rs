//! created_files: the files and directories a page's own code creates, in document order, so the
//! rules that report missing paths (`helm-values-file-missing`, `path-missing`, `link-broken`)
//! accept a path an earlier step of the same page (or script) makes.
//!
//! What creates a path:
//! - shell commands, read with the shell checker's word splitter ([`super::shell::words`]):
//!   output redirections (`>`, `>>`, `cat > f <<EOF`), `tee [-a]`, `cp`/`mv`/`ln`/`install`,
//!   `mkdir`, `touch`, `curl -o|-O|--output-dir`, `wget [-O|-P]`, `kubeseal -w|--sealed-secret-file`,
//!   `openssl -out|-keyout`, `ssh-keygen -f`, `kustomize build -o`, `docker|podman save -o`,
//!   `gpg -o`, `unzip -d`, `kubectl cp`, `helm template --output-dir`, `helm pull [--untar] [-d]`,
//!   `helm package [-d]`, `helm create`, `git clone url [dir]`;
//! - a block that names its file: a fence title (```` ```yaml title="values-prod.yaml" ````, or
//!   any info-string word that is a file name) or a first-line caption (`# file: x.yaml`,
//!   `# x.yaml`);
//! - a directory-tree diagram (lines drawn with `├──`, `└──`, `│`) declares every path in it.
//!
//! Paths are taken relative to the directory the page has `cd`'d into at that point (the
//! repository root until then); where the page never changes directory, or the directory is
//! unknown (`cd "$DIR"`), a created file also answers for a use of the same base name. Parts the
//! code computes (`$VAR`, `$(date +%F)`, `<placeholder>`, `YYYYMMDD`) match any text, and a used
//! path with a date placeholder (`backup-YYYYMMDD.yaml`, `<date>`) is a placeholder, not a path.
//!
//! Decisions: only blocks before the use count (a later block cannot satisfy an earlier one) —
//! within one block, commands before it on its lines; blocks the page shows as the mistake
//! ([`crate::load::mistakes`]) create nothing, since nobody runs them.

use super::shell::words::{self, Word};
use super::Block;
use crate::util::langs;
use std::path::Path;
use std::sync::OnceLock;

/// A place in a file: 1-based line, then column (0 for "before the line's content").
pub type Pos = (usize, usize);

/// Stands, in a path pattern, for a part the code computes: any text.
const ANY: char = '\u{1}';

/// One created path: a pattern (with [`ANY`]), where it was created, whether it is a directory
/// whose contents the command makes too (`--output-dir`, `git clone`, `helm pull --untar`; not
/// `mkdir`, nor a tree diagram, whose entries are listed), and whether it is relative to the
/// repository root (the page's directory was known).
#[derive(Debug)]
struct Created {
    at: Pos,
    pattern: String,
    dir: bool,
    anchored: bool,
}

/// What a page (or a script) creates, and where it changes directory.
#[derive(Debug, Default)]
pub struct PageFiles {
    created: Vec<Created>,
    /// From each position on, the working directory relative to the root (`None`: unknown).
    cds: Vec<(Pos, Option<String>)>,
}

impl PageFiles {
    /// What the code blocks of one page create, the blocks in document order.
    pub fn from_blocks(blocks: &[Block], placeholder: &regex::Regex) -> PageFiles {
        let mut b = Builder::default();
        for block in blocks.iter().filter(|b| !b.block.shows_mistake) {
            b.block(block, placeholder);
        }
        b.finish()
    }

    /// What a script creates (its lines are the file's lines).
    pub fn from_script(text: &str) -> PageFiles {
        let mut b = Builder::default();
        b.shell(&words::split(text, None, false), 1);
        b.finish()
    }

    /// Whether `path`, as written at `at`, stands for something created before `at`, or is a
    /// date placeholder (`backup-YYYYMMDD.yaml`).
    pub fn created_before(&self, at: Pos, path: &str) -> bool {
        self.created(at, path, false)
    }

    /// Like [`PageFiles::created_before`], and also true where `path` is the word that creates
    /// it (`-w presets/sealed.yaml`): a path being written is not a missing one.
    pub fn created_here_or_before(&self, at: Pos, path: &str) -> bool {
        self.created(at, path, true)
    }

    fn created(&self, at: Pos, path: &str, here: bool) -> bool {
        if has_date_placeholder(path) {
            return true;
        }
        let written = normalize("", path);
        let cwd = self.cwd_at(at);
        let anchored = cwd.and_then(|c| normalize(c, path));
        let loose = self.cds.is_empty() || cwd.is_none();
        let made = |c: &&Created| c.at < at || (here && c.at == at);
        self.created.iter().filter(made).any(|c| {
            let target = if c.anchored { &anchored } else { &written };
            let exact = target.as_deref().is_some_and(|t| {
                glob(&c.pattern, t) || (c.dir && glob(&format!("{}/{ANY}", c.pattern), t))
            });
            exact || ((loose || !c.anchored) && same_base(c, written.as_deref().unwrap_or(path)))
        })
    }

    /// Whether `path`, as written at `at`, exists: created before, a date placeholder, or a
    /// file of the repository relative to the root or to the directory the page is in.
    pub fn exists(&self, root: &Path, at: Pos, path: &str) -> bool {
        if self.created_before(at, path) {
            return true;
        }
        let in_cwd = self.cwd_at(at).and_then(|c| normalize(c, path));
        [normalize("", path), in_cwd]
            .into_iter()
            .flatten()
            .any(|p| root.join(p).exists())
    }

    fn cwd_at(&self, at: Pos) -> Option<&str> {
        match self.cds.iter().rev().find(|(p, _)| *p < at) {
            Some((_, cwd)) => cwd.as_deref(),
            None => Some(""),
        }
    }
}

/// Whether the base name of a created path answers for `used` (a file by its name; a
/// directory for anything under a directory of its name).
fn same_base(c: &Created, used: &str) -> bool {
    let base = c.pattern.rsplit('/').next().unwrap_or(&c.pattern);
    if base.chars().all(|ch| ch == ANY) {
        return false;
    }
    let used_base = used.rsplit('/').next().unwrap_or(used);
    glob(base, used_base) || (c.dir && glob(&format!("{ANY}/{base}/{ANY}"), &format!("/{used}")))
}

/// `pattern` (with [`ANY`] for any text) matches all of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // can[j]: the pattern so far matches t[..j].
    let mut can = vec![false; t.len() + 1];
    can[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        if pc == ANY {
            let mut reached = false;
            for j in 0..=t.len() {
                reached |= can[j];
                next[j] = reached;
            }
        } else {
            for j in 0..t.len() {
                next[j + 1] = can[j] && t[j] == pc;
            }
        }
        can = next;
    }
    can[t.len()]
}

/// `path` joined to `cwd` with `.` and `..` resolved, relative to the root; `None` for an
/// absolute or home path, or one that leaves the root.
fn normalize(cwd: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.starts_with('~') || path.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = cwd.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Whether a path carries a date placeholder (`YYYYMMDD`, `YYYY-MM-DD`, `{date}`, `DATE`).
pub fn has_date_placeholder(path: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i:yyyy|yy-?mm-?dd|hh-?mm-?ss|\{(?:date|timestamp|ts)\})|(?:^|[^A-Za-z])(?:DATE|TIMESTAMP)(?:[^A-Za-z]|$)",
        )
        .expect("static regex")
    })
    .is_match(path)
}

/// A word as a path pattern: computed and placeholder characters become [`ANY`], and so do
/// date placeholders in the literal text.
fn pattern_of(chars: &[words::WChar]) -> String {
    let mut s = String::new();
    for c in chars {
        let ch = if c.dynamic || c.ph { ANY } else { c.c };
        if !(ch == ANY && s.ends_with(ANY)) {
            s.push(ch);
        }
    }
    date_patterns(&s)
}

fn date_patterns(s: &str) -> String {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i:yyyy(?:-?mm(?:-?dd)?)?|hh-?mm(?:-?ss)?|\{(?:date|timestamp|ts)\})|\bDATE\b|\bTIMESTAMP\b")
            .expect("static regex")
    });
    re.replace_all(s, ANY.to_string().as_str()).into_owned()
}

/// Collects creations and directory changes, then anchors the creations to the directory in
/// effect where each was made.
#[derive(Default)]
struct Builder {
    raw: Vec<(Pos, String, bool)>,
    /// `cd` targets as written (`None`: not literal, `cd -`, `popd`, no argument).
    cds: Vec<(Pos, Option<String>)>,
}

impl Builder {
    fn finish(self) -> PageFiles {
        let mut files = PageFiles::default();
        let mut cwd = Some(String::new());
        let mut cds = self.cds;
        cds.sort_by_key(|(p, _)| *p);
        for (at, target) in cds {
            cwd = match (cwd, target) {
                (Some(c), Some(t)) => normalize(&c, &t),
                _ => None,
            };
            files.cds.push((at, cwd.clone()));
        }
        for (at, written, dir) in self.raw {
            let written = written.trim_end_matches('/');
            if written.is_empty() || written == "-" || written.chars().all(|c| c == ANY) {
                continue;
            }
            let (pattern, anchored) = match files.cwd_at(at).and_then(|c| normalize(c, written)) {
                Some(p) => (p, true),
                None => (written.to_string(), false),
            };
            if pattern.is_empty() {
                continue;
            }
            files.created.push(Created {
                at,
                pattern,
                dir,
                anchored,
            });
        }
        files
    }

    fn add(&mut self, at: Pos, pattern: String, dir: bool) {
        self.raw.push((at, pattern, dir));
    }

    fn block(&mut self, b: &Block, placeholder: &regex::Regex) {
        let block = b.block;
        let fence = (block.line.saturating_sub(1), 0);
        for name in declared_files(block) {
            self.add(fence, date_patterns(name), false);
        }
        if block.code.contains("├") || block.code.contains("└") {
            self.tree(&block.code, block.line);
        }
        if langs::is_shell_or_console(&block.lang) {
            let console = langs::is_console(&block.lang);
            self.shell(
                &words::split(&block.code, Some(placeholder), console),
                block.line,
            );
        }
    }

    /// A directory-tree diagram: every entry, by its indentation under its parents; the root
    /// line (`my-repo/`), when there is one, both kept and left out.
    fn tree(&mut self, code: &str, first_line: usize) {
        let mut stack: Vec<(usize, String)> = Vec::new();
        let mut root: Option<String> = None;
        let mut entries: Vec<(usize, Vec<String>)> = Vec::new();
        for (n, line) in code.lines().enumerate() {
            let marker = line.find("├").or_else(|| line.find("└"));
            let Some(m) = marker else {
                let t = line.trim();
                if entries.is_empty() && root.is_none() && !t.is_empty() && !t.contains('│') {
                    let name = t.split_whitespace().next().unwrap_or("");
                    root = Some(name.trim_end_matches('/').to_string());
                }
                continue;
            };
            let depth = line[..m].chars().count();
            let name = line[m..]
                .trim_start_matches(['├', '└', '─', '╴', '-', ' '])
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            if name.is_empty() || name.starts_with('#') {
                continue;
            }
            while stack.last().is_some_and(|(d, _)| *d >= depth) {
                stack.pop();
            }
            stack.push((depth, name.trim_end_matches('/').to_string()));
            entries.push((n, stack.iter().map(|(_, s)| s.clone()).collect()));
        }
        let at = (first_line.saturating_sub(1), 0);
        for (_, path) in &entries {
            let rel = path.join("/");
            if let Some(r) = root.as_deref().filter(|r| !r.is_empty() && *r != ".") {
                self.add(at, format!("{r}/{rel}"), false);
            }
            self.add(at, rel, false);
        }
    }

    /// Shell code whose line 1 is `first_line` of the file.
    fn shell(&mut self, split: &words::Words, first_line: usize) {
        let pos = |w: &Word| {
            w.chars
                .first()
                .map(|c| (first_line + c.line - 1, c.col))
                .unwrap_or((first_line, 0))
        };
        for w in &split.written {
            self.add(pos(w), pattern_of(&w.chars), false);
        }
        for cmd in &split.commands {
            let Some(k) = program_index(cmd) else {
                continue;
            };
            let prog = cmd[k].text();
            let prog = prog.rsplit('/').next().unwrap_or(&prog).to_string();
            let args = &cmd[k + 1..];
            let mut made: Vec<(&Word, String, bool)> = Vec::new();
            commands(&prog, args, &mut made);
            for (w, p, dir) in made {
                self.add(pos(w), p, dir);
            }
            if matches!(prog.as_str(), "cd" | "pushd" | "popd") {
                let target = args
                    .iter()
                    .find(|w| !w.text().starts_with('-'))
                    .filter(|w| words::literal(&w.chars) && prog != "popd")
                    .map(Word::text);
                self.cds.push((pos(&cmd[k]), target));
            }
        }
    }
}

/// Words a command may start with before the program it runs.
const PREFIXES: &[&str] = &[
    "sudo", "exec", "command", "time", "nohup", "env", "then", "do", "else", "if", "while",
    "until", "!", "{",
];

/// The index of the program word of a simple command.
fn program_index(cmd: &[Word]) -> Option<usize> {
    let mut k = 0;
    while let Some(w) = cmd.get(k) {
        let t = w.text();
        let assignment = t.split_once('=').is_some_and(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')
        });
        if PREFIXES.contains(&t.as_str()) || assignment || (k > 0 && t.starts_with('-')) {
            k += 1;
            continue;
        }
        return Some(k);
    }
    None
}

/// Output flags by program (and subcommand): flags whose value is a file, and a directory.
struct OutputFlags {
    program: &'static str,
    sub: Option<&'static str>,
    files: &'static [&'static str],
    dirs: &'static [&'static str],
}

const OUTPUT_FLAGS: &[OutputFlags] = &[
    OutputFlags {
        program: "curl",
        sub: None,
        files: &["-o", "--output"],
        dirs: &["--output-dir"],
    },
    OutputFlags {
        program: "wget",
        sub: None,
        files: &[
            "-O",
            "--output-document",
            "-o",
            "--output-file",
            "-a",
            "--append-output",
        ],
        dirs: &["-P", "--directory-prefix"],
    },
    OutputFlags {
        program: "kubeseal",
        sub: None,
        files: &["-w", "--sealed-secret-file"],
        dirs: &[],
    },
    OutputFlags {
        program: "openssl",
        sub: None,
        files: &["-out", "-keyout"],
        dirs: &[],
    },
    OutputFlags {
        program: "ssh-keygen",
        sub: None,
        files: &["-f"],
        dirs: &[],
    },
    OutputFlags {
        program: "kustomize",
        sub: Some("build"),
        files: &["-o", "--output"],
        dirs: &[],
    },
    OutputFlags {
        program: "docker",
        sub: Some("save"),
        files: &["-o", "--output"],
        dirs: &[],
    },
    OutputFlags {
        program: "podman",
        sub: Some("save"),
        files: &["-o", "--output"],
        dirs: &[],
    },
    OutputFlags {
        program: "gpg",
        sub: None,
        files: &["-o", "--output"],
        dirs: &[],
    },
    OutputFlags {
        program: "unzip",
        sub: None,
        files: &[],
        dirs: &["-d"],
    },
    OutputFlags {
        program: "helm",
        sub: Some("template"),
        files: &[],
        dirs: &["--output-dir"],
    },
    OutputFlags {
        program: "helm",
        sub: Some("pull"),
        files: &[],
        dirs: &["-d", "--destination"],
    },
    OutputFlags {
        program: "helm",
        sub: Some("fetch"),
        files: &[],
        dirs: &["-d", "--destination"],
    },
    OutputFlags {
        program: "helm",
        sub: Some("package"),
        files: &[],
        dirs: &["-d", "--destination"],
    },
];

/// The values of `flags` (`-o f`, `-of`, `-sLo f`, `--output f`, `--output=f`, `-out f`): each
/// the word (for its position) and its pattern.
fn flag_values<'w>(args: &'w [Word], flags: &[&str]) -> Vec<(&'w Word, String)> {
    let mut out = Vec::new();
    for (i, w) in args.iter().enumerate() {
        let t = w.text();
        let next = || args.get(i + 1).map(|n| (n, pattern_of(&n.chars)));
        if flags.contains(&t.as_str()) {
            out.extend(next());
        } else if let Some((name, _)) = t.split_once('=').filter(|_| t.starts_with("--")) {
            if flags.contains(&name) {
                let skip = name.chars().count() + 1;
                out.push((w, pattern_of(&w.chars[skip..])));
            }
        } else if t.starts_with('-') && !t.starts_with("--") && t.len() > 2 {
            // A cluster of short flags: the value follows the flag letter (`-ofile`, `-qO-`),
            // or is the next word when the letter ends the cluster (`-sLo file`).
            let letters: Vec<char> = t[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            for f in flags.iter().filter(|f| f.len() == 2) {
                let letter = f.chars().nth(1).unwrap_or('-');
                let Some(i) = letters.iter().position(|c| *c == letter) else {
                    continue;
                };
                if 1 + i + 1 == w.chars.len() {
                    out.extend(next());
                } else {
                    out.push((w, pattern_of(&w.chars[i + 2..])));
                }
            }
        }
    }
    out
}

/// The words of `args` that are not flags nor the values of `value_flags`.
fn positionals<'w>(args: &'w [Word], value_flags: &[&str]) -> Vec<&'w Word> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in args {
        let t = w.text();
        if std::mem::take(&mut skip) {
            continue;
        }
        if t.starts_with('-') && t.len() > 1 {
            skip = value_flags.contains(&t.as_str());
            continue;
        }
        out.push(w);
    }
    out
}

fn base_name(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

/// What one command creates: `(word for the position, path pattern, is a directory)`.
fn commands<'w>(prog: &str, args: &'w [Word], made: &mut Vec<(&'w Word, String, bool)>) {
    let sub = args
        .iter()
        .find(|w| !w.text().starts_with('-'))
        .map(Word::text);
    for of in OUTPUT_FLAGS
        .iter()
        .filter(|o| o.program == prog && o.sub.is_none_or(|s| sub.as_deref() == Some(s)))
    {
        for (w, p) in flag_values(args, of.files) {
            made.push((w, p, false));
        }
        for (w, p) in flag_values(args, of.dirs) {
            made.push((w, p, true));
        }
    }
    let pat = |w: &Word| pattern_of(&w.chars);
    match prog {
        "tee" | "touch" => {
            for w in positionals(args, &["-d", "-r", "-t", "--date", "--reference"]) {
                made.push((w, pat(w), false));
            }
        }
        "mkdir" => {
            for w in positionals(args, &["-m", "--mode"]) {
                made.push((w, pat(w), false));
            }
        }
        "cp" | "mv" | "ln" | "install" => {
            let value_flags = [
                "-t",
                "--target-directory",
                "-S",
                "--suffix",
                "-m",
                "--mode",
                "-o",
                "-g",
            ];
            let target = flag_values(args, &["-t", "--target-directory"]);
            let pos = positionals(args, &value_flags);
            let (sources, dest) = match target.first() {
                Some((w, d)) => (pos.as_slice(), Some((*w, d.clone(), true))),
                None => match pos.split_last() {
                    Some((d, s)) if !s.is_empty() => {
                        let t = pat(d);
                        let dir = s.len() > 1 || t.ends_with('/');
                        (s, Some((*d, t, dir)))
                    }
                    _ => (&[][..], None),
                },
            };
            if let Some((w, dest, dir)) = dest {
                let dest = dest.trim_end_matches('/').to_string();
                made.push((w, dest.clone(), false));
                for s in sources.iter().filter(|_| dir) {
                    made.push((w, format!("{dest}/{}", base_name(&pat(s))), false));
                }
            }
        }
        "curl" | "wget" => {
            let remote_name = prog == "wget"
                && flag_values(args, &["-O", "--output-document"]).is_empty()
                || args.iter().any(|w| {
                    let t = w.text();
                    t == "--remote-name"
                        || t == "--remote-name-all"
                        || (prog == "curl"
                            && t.starts_with('-')
                            && !t.starts_with("--")
                            && t[1..].chars().all(|c| c.is_ascii_alphabetic())
                            && t.contains('O'))
                });
            if remote_name {
                for w in args.iter().filter(|w| w.text().contains("://")) {
                    let url = pat(w);
                    let path = url.split(['?', '#']).next().unwrap_or(&url);
                    let name = base_name(path.split_once("://").map_or(path, |(_, p)| p));
                    if path.split_once("://").is_some_and(|(_, p)| p.contains('/')) {
                        made.push((w, name.to_string(), false));
                    }
                }
            }
        }
        "kubectl" if sub.as_deref() == Some("cp") => {
            let pos = positionals(
                args,
                &[
                    "-n",
                    "--namespace",
                    "-c",
                    "--container",
                    "--context",
                    "--kubeconfig",
                ],
            );
            if let Some(last) = pos
                .last()
                .filter(|w| pos.len() >= 3 && !w.text().contains(':'))
            {
                made.push((last, pat(last), false));
            }
        }
        "helm" => helm(args, sub.as_deref(), made),
        "git" if sub.as_deref() == Some("clone") => {
            let value_flags = [
                "-b",
                "--branch",
                "-o",
                "--origin",
                "--depth",
                "-c",
                "--config",
                "--reference",
                "--separate-git-dir",
                "-j",
                "--jobs",
                "--filter",
                "--template",
                "-u",
                "--upload-pack",
                "--shallow-since",
                "--shallow-exclude",
                "--bundle-uri",
            ];
            let pos = positionals(args, &value_flags);
            match pos.as_slice() {
                [_, _url, dir, ..] => made.push((dir, pat(dir), true)),
                [_, url] => {
                    let u = pat(url);
                    let name = base_name(&u).trim_end_matches(".git").to_string();
                    made.push((url, name, true));
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// `helm pull|fetch [--untar]`, `helm package`, `helm create`.
fn helm<'w>(args: &'w [Word], sub: Option<&str>, made: &mut Vec<(&'w Word, String, bool)>) {
    let value_flags = [
        "-d",
        "--destination",
        "--untardir",
        "--version",
        "--repo",
        "--username",
        "--password",
        "--ca-file",
        "--cert-file",
        "--key-file",
        "--keyring",
        "-n",
        "--namespace",
        "--kube-context",
        "--app-version",
    ];
    let pos = positionals(args, &value_flags);
    let dest = flag_values(args, &["-d", "--destination"])
        .first()
        .map(|(_, d)| d.trim_end_matches('/').to_string())
        .unwrap_or_else(|| ".".to_string());
    let Some(target) = pos.get(1) else { return };
    let name = base_name(&pattern_of(&target.chars)).to_string();
    match sub {
        Some("pull" | "fetch") => {
            if args
                .iter()
                .any(|w| w.text() == "--untar" || w.text() == "--untar=true")
            {
                let untardir = flag_values(args, &["--untardir"])
                    .first()
                    .map(|(_, d)| d.clone())
                    .unwrap_or_else(|| ".".to_string());
                made.push((target, format!("{dest}/{untardir}/{name}"), true));
            } else {
                made.push((target, format!("{dest}/{name}-{ANY}.tgz"), false));
            }
        }
        Some("package") => made.push((target, format!("{dest}/{name}-{ANY}.tgz"), false)),
        Some("create") => made.push((target, pattern_of(&target.chars), true)),
        _ => {}
    }
}

/// A word that names a file: no spaces, a base name with an extension.
fn looks_like_file(s: &str) -> bool {
    let base = base_name(s);
    !s.is_empty()
        && !s.contains(char::is_whitespace)
        && base.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && (1..=10).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// The files a code block says it is: fence attributes (`title="values.yaml"`, `file=…`, a bare
/// `values.yaml`), then a first-line caption (`# file: values.yaml`, `# values.yaml`).
pub(in crate::check) fn declared_files(block: &crate::load::recipe::CodeBlock) -> Vec<&str> {
    let mut names: Vec<&str> = block
        .attrs
        .iter()
        .filter_map(|attr| {
            let value = match attr.split_once('=') {
                Some((key, v)) if ["title", "file", "filename", "name", "path"].contains(&key) => v,
                Some(_) => return None,
                None => attr.as_str(),
            };
            let value = value.trim_matches(['"', '\'']);
            looks_like_file(value).then_some(value)
        })
        .collect();
    names.extend(caption(&block.code));
    names
}

/// The file a block's first line names: `# file: x.yaml`, `# filename: x.yaml`, `# x.yaml`.
fn caption(code: &str) -> Option<&str> {
    let first = code.lines().find(|l| !l.trim().is_empty())?.trim();
    let rest = first.strip_prefix('#')?.trim();
    let rest = [
        "file:",
        "filename:",
        "path:",
        "save as:",
        "save as",
        "saved as",
    ]
    .iter()
    .find_map(|p| rest.strip_prefix(p))
    .unwrap_or(rest)
    .trim();
    looks_like_file(rest).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(code: &str) -> PageFiles {
        PageFiles::from_script(code)
    }

    #[test]
    fn commands_create_files() {
        let f = script(
            "cp values.yaml my-values.yaml\n\
             kubectl get cm x -o yaml > cm.yaml\n\
             kubeseal --format yaml -w sealed.yaml < s.yaml\n\
             kubeseal --sealed-secret-file=other.yaml\n\
             echo a | tee -a log.txt\n\
             curl -sSLo dl.yaml https://x/y\n\
             wget -qO- https://x/install.sh\n\
             wget https://example.org/files/chart.tgz\n\
             helm template r ./c --output-dir out\n\
             helm pull repo/spark --untar -d vendor\n\
             git clone https://example.org/org/repo.git\n\
             mkdir -p work/dir\n\
             mv a b.yaml\n\
             kubectl get all -o yaml > backup-$(date +%F).yaml\n\
             END\n",
        );
        let end = (15, 1);
        for used in [
            "my-values.yaml",
            "./cm.yaml",
            "sealed.yaml",
            "other.yaml",
            "log.txt",
            "dl.yaml",
            "chart.tgz",
            "out/c/templates/x.yaml",
            "vendor/spark/values.yaml",
            "repo/README.md",
            "work/dir",
            "b.yaml",
            "backup-2026-01-02.yaml",
            "backup-YYYYMMDD.yaml",
        ] {
            assert!(f.created_before(end, used), "{used}");
        }
        for missing in [
            "values-missing.yaml",
            "out.yaml",
            "a",
            "work/dir/x",
            "install.sh",
        ] {
            assert!(!f.created_before(end, missing), "{missing}");
        }
        // Before the command that makes it, it does not exist yet.
        assert!(!f.created_before((1, 1), "my-values.yaml"));
        assert!(f.created_before((2, 1), "my-values.yaml"));
    }

    #[test]
    fn directories_follow_cd() {
        let f = script("cd deploy\ncp ../a.yaml prod.yaml\ncd ..\nEND");
        assert!(f.created_before((4, 1), "deploy/prod.yaml"));
        assert!(!f.created_before((4, 1), "prod.yaml"));
        assert!(f.created_before((3, 1), "prod.yaml"));
    }

    #[test]
    fn trees_and_captions() {
        let mut b = Builder::default();
        b.tree(
            "my-repo/\n├── values.yaml   # defaults\n└── envs/\n    ├── prod.yaml\n    └── dev/\n        └── x.yaml\n",
            5,
        );
        let f = b.finish();
        for used in [
            "my-repo/values.yaml",
            "envs/prod.yaml",
            "envs/dev/x.yaml",
            "my-repo/envs/dev",
        ] {
            assert!(f.created_before((10, 1), used), "{used}");
        }
        assert!(!f.created_before((10, 1), "envs/stage.yaml"));
        assert_eq!(
            caption("# file: values-prod.yaml\na: 1"),
            Some("values-prod.yaml")
        );
        assert_eq!(caption("# values-prod.yaml\n"), Some("values-prod.yaml"));
        assert_eq!(caption("# the defaults\n"), None);
    }

    #[test]
    fn glob_and_dates() {
        assert!(glob(&format!("a-{ANY}.yaml"), "a-2024.yaml"));
        assert!(!glob(&format!("a-{ANY}.yaml"), "b-2024.yaml"));
        assert!(has_date_placeholder("backup-YYYYMMDD.yaml"));
        assert!(has_date_placeholder("dump-{date}.json"));
        assert!(!has_date_placeholder("values-prod.yaml"));
    }
}
