//! The `spark-docs` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 content errors, 2 usage or configuration errors).

use clap::{Parser, Subcommand};
use spark_docs::diagnostics;
use spark_docs::{BuildError, BuildOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: the build allocates and frees small strings by the
/// million (parsing, highlighting, indexing), where glibc's malloc took about a fifth of the time.
#[cfg(not(miri))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks for them on its arenas, and the
/// kernel then zeroes 2 MB at each first touch: a fifth of a 1,000-recipe build's CPU time went to
/// `clear_page_erms` under `do_huge_pmd_anonymous_page`, and the pages' unused parts counted in
/// the peak RSS (5,000 recipes: system time 3.5 → 2 s, peak RSS about 70 MB lower without them).
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no memory of ours; a kernel
    // that does not know it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Build and check the operations knowledge of a team running Apache Spark on Kubernetes:
/// recipes, incident write-ups (issues), Helm preset values files, notebooks and scripts.
///
/// spark-docs reads `site.toml` at the site root, validates every source, cross-links issues and
/// the pages that mention them, and writes a static site ready for GitHub Pages.
///
/// Exit codes: 0 success, 1 content errors, 2 usage or configuration errors.
#[derive(Parser)]
#[command(name = "spark-docs", version, about, long_about, max_term_width = 100)]
struct Cli {
    /// When to colour diagnostics: `auto` colours a terminal unless NO_COLOR is set (non-empty);
    /// CLICOLOR_FORCE (non-empty, not 0) colours in `auto` even when not a terminal.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: ColorWhen,
    /// Print nothing but errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage took (load, check, render, search and card, write).
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What the global flags ask of every command's output.
#[derive(Clone, Copy)]
struct Output {
    color: ColorWhen,
    quiet: bool,
    verbose: bool,
}

impl Output {
    /// Whether to colour text written to stdout (`stdout`) or stderr.
    fn color(self, stdout: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self.color {
            ColorWhen::Never => false,
            ColorWhen::Always => true,
            ColorWhen::Auto if set("NO_COLOR") => false,
            ColorWhen::Auto
                if set("CLICOLOR_FORCE")
                    && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") =>
            {
                true
            }
            ColorWhen::Auto if stdout => std::io::stdout().is_terminal(),
            ColorWhen::Auto => std::io::stderr().is_terminal(),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the static site into --out (default: <root>/public).
    ///
    /// The site is written into a temporary directory beside --out and swapped into place, so a
    /// failed build leaves the previous output untouched. Content errors are printed like compiler
    /// diagnostics (file:line:column, rule code, help) and nothing is written.
    Build(BuildArgs),
    /// Check every code block, values file, link and issue reference; report like a compiler.
    ///
    /// Nothing is executed: shell blocks and scripts are parsed, never run. Exit code 0 when there
    /// are no errors (and, with --strict, no warnings), 1 otherwise, 2 for usage or configuration
    /// errors.
    Check(CheckArgs),
    /// Serve the site locally; rebuild on every change and reload open pages.
    ///
    /// The site is built in memory with the same checks as `build` (nothing is written to disk;
    /// there is no --out) and served under the path of base_url, as GitHub Pages would serve it:
    /// `/` redirects to that path, `/x/` serves `/x/index.html`, `/x` redirects to `/x/`, misses get
    /// the site's 404 page with status 404. Only GET and HEAD are answered.
    ///
    /// Watching is on by default (--no-watch turns it off): the configured sources, the theme
    /// directory and the configuration file. A change rebuilds after a short debounce and every
    /// open page reloads, keeping its scroll position. A rebuild that fails (a check error, a
    /// template error, a bad site.toml) keeps serving the last good site and shows the findings in
    /// an overlay on every open page and in the terminal; the next good rebuild removes it.
    ///
    /// Stops cleanly on Ctrl-C (SIGINT) or SIGTERM. Exit code 2 when the configuration is invalid
    /// at start or the address cannot be bound.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Create a new site: site.toml, sample sources of every kind, and the GitHub Pages workflow.
    ///
    /// Writes into DIR (default: the current directory; created when missing) a site that builds
    /// and passes `check --strict`: site.toml; content/recipes (a troubleshooting recipe and a
    /// deployment recipe), content/issues (ISSUE-001), content/notebooks, content/scripts;
    /// presets/charts/spark-connect (a chart contract with a preset) and presets/policies (Rego);
    /// .github/workflows/pages.yml, which checks and deploys the site to GitHub Pages; and a
    /// .gitignore for public/. Refuses to overwrite any existing file (exit 2, nothing written).
    Init(InitArgs),
    /// Add a recipe, issue or preset to a site, from the theme's templates.
    ///
    /// Each file follows the site's conventions (its configured directories, troubleshooting
    /// sections, issue IDs and chart contracts); the templates are `scaffold/*` of the theme and a
    /// site overrides them in `<root>/themes/<theme>/scaffold/`. The new file is checked like
    /// `spark-docs check` checks it: its findings are printed, and errors make the exit code 1.
    /// An existing file is never overwritten (exit 2).
    New(NewArgs),
    /// List every rule: its code, default severity and what it catches.
    ///
    /// The codes are stable: use them in `[check] severity` of site.toml, in
    /// `<!-- spark-docs-ignore: CODE -->` comments, and with `spark-docs explain CODE`.
    Rules(RulesArgs),
    /// Explain a rule: what it checks, why it matters, a bad and a good example, how to silence it.
    Explain(ExplainArgs),
    /// Find the pages that explain a pasted error or log (from FILE, or stdin with `-` or none).
    ///
    /// The log is matched against the `signatures:` of every recipe and issue, read straight from
    /// the sources (no build needed). Pages whose signatures match come first, the most specific
    /// signature first (the most literal characters; more matching signatures break ties); then
    /// pages found by a token search of the log weighted towards exception names, error codes
    /// (`SESSION_NOT_FOUND`), exit codes (`exit code 137`), Kubernetes reasons and Spark class
    /// names (`OOMKilled`, `TaskSchedulerImpl`), ignoring generic words (error, failed, warn…).
    /// One entry per page: rank, title, kind, URL (with the site's base_url) and the log lines
    /// that matched. The search page's paste box ranks the same way.
    ///
    /// Exit code 0 when a page matched, 1 when none did, 2 for usage errors.
    Triage(TriageArgs),
    /// Print a shell completion script to stdout.
    ///
    /// bash: `spark-docs completions bash > ~/.local/share/bash-completion/completions/spark-docs`;
    /// zsh: `spark-docs completions zsh > "${fpath[1]}/_spark-docs"`;
    /// fish: `spark-docs completions fish > ~/.config/fish/completions/spark-docs.fish`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, or write one page per command into --dir.
    Man {
        /// Write spark-docs.1 and spark-docs-<command>.1 into this directory.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the JSON Schema of site.toml (the source of schemas/site.schema.json).
    #[command(hide = true)]
    Schema,
}

#[derive(clap::Args)]
struct TriageArgs {
    /// The log to triage; `-` or none reads stdin.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    site: SiteArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: TriageFormat,
    /// List at most this many pages.
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TriageFormat {
    /// Rank, title, kind, URL, why and the matching log lines
    Human,
    /// An array of {rank, title, kind, url, signatures, terms, token_score, lines}
    Json,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: RulesFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RulesFormat {
    /// One line per rule, grouped by family
    Human,
    /// An array of {code, family, severity, summary, explanation}
    Json,
    /// The Markdown table the README carries
    Markdown,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// A rule code, e.g. shell-syntax (`spark-docs rules` lists them).
    #[arg(value_name = "CODE")]
    code: String,
}

#[derive(clap::Args)]
struct InitArgs {
    /// Directory of the new site [default: the current directory].
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Site title, shown in the header and in every <title>.
    #[arg(long)]
    title: Option<String>,
    /// The composite action the Pages workflow runs, as `owner/repo@ref`.
    #[arg(long, value_name = "OWNER/REPO@REF", default_value_t = spark_docs::scaffold::default_action())]
    action: String,
}

#[derive(clap::Args)]
struct NewArgs {
    #[command(subcommand)]
    what: NewCommand,
}

#[derive(clap::Args)]
struct SiteArgs {
    /// Site root: the directory holding site.toml and the sources it names.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Configuration file [default: <root>/site.toml].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum NewCommand {
    /// A recipe: <recipes>/<category>/<slug>.md.
    ///
    /// Recipes in the site's troubleshooting categories get Symptoms, Diagnosis, Solution,
    /// Verification and References (and `signatures:` in the front matter); others get Goal,
    /// Prerequisites, Steps, Verification and References. With --issue the recipe's front matter
    /// lists the issue, so the issue's page links to the recipe and back.
    Recipe {
        /// Category and slug, e.g. troubleshoot/driver-oom (URL /recipes/troubleshoot/driver-oom/).
        #[arg(value_name = "CATEGORY/SLUG")]
        path: String,
        /// An issue this recipe covers (ISSUE-NNN; it must exist). Repeat for several.
        #[arg(long, value_name = "ISSUE-NNN")]
        issue: Vec<String>,
        /// Title [default: from the slug].
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// An issue (incident write-up): <issues>/ISSUE-NNN-<slug>.md.
    ///
    /// The ID is the next free one unless --id is given. An issue no page references is reported
    /// as `issue-orphan` (a warning) until a recipe lists it: create both at once with --recipe,
    /// or later with `spark-docs new recipe <category>/<slug> --issue ISSUE-NNN`.
    Issue {
        /// Title of the incident.
        title: String,
        /// The ID [default: one more than the highest ID of the site].
        #[arg(long, value_name = "ISSUE-NNN")]
        id: Option<String>,
        /// Also create the recipe that covers this issue, e.g. troubleshoot/driver-oom.
        #[arg(long, value_name = "CATEGORY/SLUG")]
        recipe: Option<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// A preset: values-scenario-<scenario>.yaml for one of the site's charts.
    ///
    /// Written beside the chart's existing presets (else into the chart's directory), with the
    /// header comment presets carry (description, components, Spark version, tested-with, the
    /// `helm install` line) and the chart's components with their `enabled` defaults from its
    /// values.yaml, so it validates against the chart contract (values.yaml, values.schema.json).
    Preset {
        /// The chart: its name in Chart.yaml, its directory, or a [chart_paths] key.
        chart: String,
        /// Scenario name, e.g. jupyter-connect-k8s.
        scenario: String,
        /// Directory to write to, relative to the root (must be covered by [sources] presets).
        #[arg(long, value_name = "DIR")]
        dir: Option<String>,
        /// Title, the first line of the description [default: from the scenario].
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// rustc-like diagnostics with the offending line and a caret
    Human,
    /// `{"findings":[...],"summary":{...}}`
    Json,
    /// GitHub workflow commands (`::error file=...`), shown as pull-request annotations
    Github,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Site root: the directory holding site.toml and the sources it names.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Configuration file [default: <root>/site.toml].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors for the exit code.
    #[arg(long)]
    strict: bool,
    /// Report only the findings in these kinds of source (comma-separated). `presets` covers the
    /// preset values files, the chart contracts they target and the policies. Every rule still
    /// runs: a preset is checked against its chart and the policies as usual.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND")]
    only: Vec<Kind>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// Recipes (`[sources] recipes`)
    #[value(alias = "recipe")]
    Recipes,
    /// Issues (`[sources] issues`)
    #[value(alias = "issue")]
    Issues,
    /// Presets, chart contracts and policies
    #[value(alias = "preset")]
    Presets,
    /// Notebooks (`[sources] notebooks`)
    #[value(alias = "notebook")]
    Notebooks,
    /// Scripts (`[sources] scripts`)
    #[value(alias = "script")]
    Scripts,
}

impl From<Kind> for spark_docs::model::SourceKind {
    fn from(k: Kind) -> Self {
        use spark_docs::model::SourceKind as S;
        match k {
            Kind::Recipes => S::Recipes,
            Kind::Issues => S::Issues,
            Kind::Presets => S::Presets,
            Kind::Notebooks => S::Notebooks,
            Kind::Scripts => S::Scripts,
        }
    }
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Site root: the directory holding site.toml and the sources it names.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Configuration file [default: <root>/site.toml].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output directory [default: <root>/public].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Override `base_url` from site.toml, e.g. https://example.github.io/spark-docs/ (its path
    /// prefixes every link, so the site works from a sub-path).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Write the site even when checks find errors: a /health/ page lists every finding by page,
    /// and each page shows its own in a banner. The exit code is still 1.
    #[arg(long)]
    keep_going: bool,
}

#[cfg(feature = "serve")]
#[derive(clap::Args)]
struct ServeArgs {
    /// Site root: the directory holding site.toml and the sources it names.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Configuration file [default: <root>/site.toml].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Override `base_url` from site.toml; its path is where the site is served (e.g. `/` to
    /// serve from the root).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Address to listen on. Anything but loopback makes the server reachable from other
    /// machines (a warning is printed).
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    bind: std::net::IpAddr,
    /// Port to listen on; 0 picks a free port (the URL printed shows it).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Watch the sources and rebuild on change (the default).
    #[arg(long, overrides_with = "no_watch")]
    watch: bool,
    /// Serve one build; do not watch.
    #[arg(long, overrides_with = "watch")]
    no_watch: bool,
    /// Open the site in the desktop's browser (xdg-open or open).
    #[arg(long)]
    open: bool,
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    spark_docs::check::shell::quiet_parser_panics();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let out = Output {
        color: cli.color,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build(args) => build(args, out),
        Command::Check(args) => check(args, out),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve(args, out),
        Command::Init(args) => init(args, out),
        Command::New(args) => new(args, out),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
        Command::Triage(args) => triage(args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "spark-docs",
                &mut out,
            );
            emit(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Man { dir } => man(dir),
        Command::Schema => {
            emit(&spark_docs::config::site_schema());
            ExitCode::SUCCESS
        }
    }
}

/// The man pages: the top-level page to stdout, or every command's page into `dir`.
fn man(dir: Option<PathBuf>) -> ExitCode {
    let cmd = <Cli as clap::CommandFactory>::command();
    let render = |cmd: clap::Command| -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut buf)?;
        Ok(buf)
    };
    let Some(dir) = dir else {
        return match render(cmd) {
            Ok(buf) => {
                emit(&String::from_utf8_lossy(&buf));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    };
    let mut pages = vec![("spark-docs.1".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        // clap names are `&'static str`; the process ends right after writing the pages.
        let name: &'static str = Box::leak(format!("spark-docs-{}", sub.get_name()).into());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        for (file, page) in pages {
            std::fs::write(dir.join(&file), render(page)?)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}

/// `-v`: the stage timings, one per line, on stderr.
fn print_timings(t: &spark_docs::Timings, write_ms: Option<u128>) {
    let mut rows = vec![("load", t.load), ("check", t.check)];
    if t.render > 0 || t.site_wide > 0 {
        rows.push(("render", t.render));
        // What was left of the search index and the card once the pages were rendered.
        rows.push(("search + card", t.site_wide));
        if t.site_wide_parts.search > 0 || t.site_wide_parts.card > 0 {
            // Each on its own thread, from the start of rendering (the index is fed pages as
            // they are rendered), so they overlap `render`.
            rows.push(("  search", t.site_wide_parts.search));
            rows.push(("  card", t.site_wide_parts.card));
        }
    }
    if let Some(w) = write_ms {
        // Pages are written as they are rendered; this is the rest (other files, the swap).
        rows.push(("write", w));
    }
    rows.push(("total", t.total));
    eprintln!("stage           ms");
    for (name, ms) in rows {
        eprintln!("{name:<14} {ms:>5}");
    }
}

/// Writes report text to stdout. A reader that went away (`spark-docs rules | head`) is not an
/// error worth a panic: the rest of the output is simply dropped.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn rules(args: RulesArgs) -> ExitCode {
    use spark_docs::check::codes;
    match args.format {
        RulesFormat::Human => emit(&codes::human_list()),
        RulesFormat::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&codes::json()).unwrap_or_default()
        )),
        RulesFormat::Markdown => emit(&codes::markdown_table()),
    }
    ExitCode::SUCCESS
}

fn explain(args: ExplainArgs) -> ExitCode {
    use spark_docs::check::codes::{self, Code};
    let name = args.code.trim().to_ascii_lowercase();
    match Code::from_name(&name) {
        Some(code) => {
            emit(&codes::explain(code));
            ExitCode::SUCCESS
        }
        None => {
            match Code::suggest(&name) {
                Some(s) => eprintln!("error: no rule `{}`; did you mean `{s}`?", args.code),
                None => eprintln!("error: no rule `{}`", args.code),
            }
            eprintln!("  = help: `spark-docs rules` lists every code");
            ExitCode::from(2)
        }
    }
}

fn canonical_root(root: &std::path::Path) -> Result<PathBuf, ExitCode> {
    root.canonicalize().map_err(|e| {
        eprintln!("error: site root {}: {e}", root.display());
        ExitCode::from(2)
    })
}

fn triage(args: TriageArgs) -> ExitCode {
    use std::io::Read;
    let log = match args.file.as_deref() {
        Some(p) if p != std::path::Path::new("-") => match std::fs::read(p) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        _ => {
            let mut b = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut b) {
                eprintln!("error: reading stdin: {e}");
                return ExitCode::from(2);
            }
            String::from_utf8_lossy(&b).into_owned()
        }
    };
    if log.trim().is_empty() {
        eprintln!("error: the log is empty: pass a FILE or pipe the log into stdin");
        return ExitCode::from(2);
    }
    let root = match canonical_root(&args.site.root) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        root,
        config: args.site.config,
        ..Default::default()
    };
    let site = match spark_docs::load_site(&opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let mut entries = spark_docs::triage::triage(&site, &log);
    entries.truncate(args.limit);
    match args.format {
        TriageFormat::Human if entries.is_empty() => {
            eprintln!(
                "no page matches this log: no signature matched and no distinctive term was found"
            )
        }
        TriageFormat::Human => emit(&spark_docs::triage::render_human(&entries)),
        TriageFormat::Json => emit(&format!("{}\n", spark_docs::triage::render_json(&entries))),
    }
    if entries.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(args: CheckArgs, out: Output) -> ExitCode {
    let root = match canonical_root(&args.root) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        root,
        config: args.config,
        ..Default::default()
    };
    let only: Vec<spark_docs::model::SourceKind> = args.only.iter().map(|&k| k.into()).collect();
    let (site, findings, timings) = match spark_docs::check_site_timed(&opts, &only) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let summary = diagnostics::summarize(&findings);
    match args.format {
        // -q: only errors, and no summary line when there are none.
        Format::Human if out.quiet => {
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.severity == diagnostics::Severity::Error)
                .cloned()
                .collect();
            if !errors.is_empty() {
                emit(&site.render_findings(&errors, out.color(true)));
            }
        }
        Format::Human => emit(&site.render_findings(&findings, out.color(true))),
        Format::Json => emit(&format!("{}\n", diagnostics::render_json(&findings))),
        Format::Github => emit(&diagnostics::render_github_at(
            &findings,
            &workspace_prefix(&site.config.root),
        )),
    }
    if out.verbose {
        print_timings(&timings, None);
    }
    if summary.errors > 0 || (args.strict && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn build(args: BuildArgs, out: Output) -> ExitCode {
    let root = match canonical_root(&args.root) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        root,
        config: args.config,
        out: args.out,
        base_url: args.base_url,
        keep_going: args.keep_going,
    };
    let color = out.color(false);
    match spark_docs::build(&opts) {
        Ok(report) => {
            if !report.findings.is_empty() && !out.quiet {
                eprint!(
                    "{}",
                    diagnostics::render_human(&report.findings, &report.root, color)
                );
            }
            if out.verbose {
                print_timings(&report.timings, Some(report.write_millis));
            }
            if !out.quiet {
                eprintln!(
                    "built {} pages ({} files) into {} in {} ms",
                    report.pages,
                    report.files,
                    report.out.display(),
                    report.millis
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content {
            root,
            findings,
            written,
        }) => {
            eprint!("{}", diagnostics::render_human(&findings, &root, color));
            match written {
                Some(out) => eprintln!("error: the checks found errors; the site was written anyway to {} (see /health/)", out.display()),
                None => eprintln!("error: build failed; nothing was written (use --keep-going to write the site with a /health/ page)"),
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

#[cfg(feature = "serve")]
fn serve(args: ServeArgs, out: Output) -> ExitCode {
    let root = match canonical_root(&args.root) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let color = out.color(false);
    let opts = spark_docs::serve::ServeOptions {
        build: BuildOptions {
            root,
            config: args.config,
            base_url: args.base_url,
            ..Default::default()
        },
        bind: args.bind,
        port: args.port,
        watch: !args.no_watch,
        open: args.open,
        color,
    };
    match spark_docs::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The site root relative to the current directory (`docs/` when checking `--root docs` from
/// the repository root; empty for `.`): GitHub resolves annotation paths from the workspace.
fn workspace_prefix(root: &std::path::Path) -> String {
    let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize()) else {
        return String::new();
    };
    match root.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let rel = spark_docs::load::rel_path(std::path::Path::new(""), rel);
            format!("{rel}/")
        }
        _ => String::new(),
    }
}

fn init(args: InitArgs, out: Output) -> ExitCode {
    let opts = spark_docs::scaffold::InitOptions {
        dir: args.dir.clone(),
        title: args.title,
        action: Some(args.action.clone()),
    };
    let outcome = match spark_docs::scaffold::init(&opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    println!(
        "created a spark-docs site in {} ({} files):",
        outcome.root.display(),
        outcome.created.len()
    );
    for c in &outcome.created {
        println!("  {}", c.rel);
    }
    let code = report_findings(&outcome, out);
    let dir = args.dir.display().to_string();
    let cd = if dir == "." {
        String::new()
    } else {
        format!("  cd {}\n", shell_word(&dir))
    };
    let serve = if cfg!(feature = "serve") {
        "  spark-docs serve                   # preview at http://127.0.0.1:1111/ with live reload\n"
    } else {
        "  spark-docs build                   # the site into public/\n"
    };
    println!(
        "
next steps:
{cd}  spark-docs check --strict          # every recipe, issue, preset, notebook and script is valid
{serve}  spark-docs new recipe troubleshoot/<slug> --issue ISSUE-001
  spark-docs new issue \"<title>\" --recipe troubleshoot/<slug>
  spark-docs new preset spark-connect <scenario>

publish on GitHub Pages: push to a GitHub repository, then Settings -> Pages -> Source: GitHub Actions.
.github/workflows/pages.yml checks and builds the site with the action {} on every push to main.",
        args.action
    );
    code
}

/// Quotes a path for a shell command line when it needs it.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Prints the findings of the files a scaffold command wrote; exit code 1 on errors.
fn report_findings(outcome: &spark_docs::scaffold::Outcome, out: Output) -> ExitCode {
    if outcome.findings.is_empty() {
        return ExitCode::SUCCESS;
    }
    let color = out.color(false);
    eprint!(
        "{}",
        diagnostics::render_human(&outcome.findings, &outcome.root, color)
    );
    if diagnostics::summarize(&outcome.findings).errors > 0 {
        eprintln!("error: the new file has errors (it was written; fix it or delete it)");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn new(args: NewArgs, out: Output) -> ExitCode {
    use spark_docs::scaffold;
    let result = match args.what {
        NewCommand::Recipe {
            path,
            issue,
            title,
            site,
        } => {
            let opts = site_options(&site);
            let req = scaffold::NewRecipe {
                path,
                issues: issue,
                title,
            };
            opts.map(|o| scaffold::new_recipe(&o, &req))
        }
        NewCommand::Issue {
            title,
            id,
            recipe,
            site,
        } => {
            let opts = site_options(&site);
            let req = scaffold::NewIssue { title, id, recipe };
            opts.map(|o| scaffold::new_issue(&o, &req))
        }
        NewCommand::Preset {
            chart,
            scenario,
            dir,
            title,
            site,
        } => {
            let opts = site_options(&site);
            let req = scaffold::NewPreset {
                chart,
                scenario,
                dir,
                title,
            };
            opts.map(|o| scaffold::new_preset(&o, &req))
        }
    };
    let outcome = match result {
        Err(code) => return code,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
        Ok(Ok(o)) => o,
    };
    for c in &outcome.created {
        match &c.url {
            Some(url) => println!("created {} (page {url})", c.rel),
            None => println!("created {}", c.rel),
        }
    }
    let code = report_findings(&outcome, out);
    for c in outcome.created.iter().filter(|c| c.orphan) {
        if let Some(id) = &c.issue {
            println!(
                "next: write the recipe that fixes it: spark-docs new recipe troubleshoot/<slug> --issue {id}"
            );
        }
    }
    code
}

fn site_options(site: &SiteArgs) -> Result<BuildOptions, ExitCode> {
    Ok(BuildOptions {
        root: canonical_root(&site.root)?,
        config: site.config.clone(),
        ..Default::default()
    })
}
