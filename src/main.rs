//! The `spark-docs` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 content errors, 2 usage or configuration errors).

use clap::{Parser, Subcommand};
use spark_docs::diagnostics;
use spark_docs::{BuildError, BuildOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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
    #[command(subcommand)]
    command: Command,
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
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
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
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve(args),
    }
}

fn canonical_root(root: &std::path::Path) -> Result<PathBuf, ExitCode> {
    root.canonicalize().map_err(|e| {
        eprintln!("error: site root {}: {e}", root.display());
        ExitCode::from(2)
    })
}

fn check(args: CheckArgs) -> ExitCode {
    let root = match canonical_root(&args.root) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        root,
        config: args.config,
        ..Default::default()
    };
    let (root, findings) = match spark_docs::check_site(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match args.format {
        Format::Human => print!("{}", diagnostics::render_human(&findings, &root, color)),
        Format::Json => println!("{}", diagnostics::render_json(&findings)),
        Format::Github => print!("{}", diagnostics::render_github(&findings)),
    }
    let summary = diagnostics::summarize(&findings);
    if summary.errors > 0 || (args.strict && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn build(args: BuildArgs) -> ExitCode {
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
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match spark_docs::build(&opts) {
        Ok(report) => {
            if !report.findings.is_empty() && !args.quiet {
                eprint!(
                    "{}",
                    diagnostics::render_human(&report.findings, &report.root, color)
                );
            }
            if !args.quiet {
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
fn serve(args: ServeArgs) -> ExitCode {
    let root = match canonical_root(&args.root) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
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
