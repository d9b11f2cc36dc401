//! Rego blocks (`rego-syntax`), and the regorus helpers the policy check shares: adding a module
//! in v1 or v0 syntax, compiling without evaluating, reading regorus's located errors.
//!
//! Decisions:
//! - v1 syntax (`deny contains msg if {`) and v0 syntax (`deny[msg] {`) both parse. A block
//!   without a `package` line is an excerpt: it gets `package snippet` and is checked for syntax
//!   only; a full module (with `package`) is also compiled (unsafe variables and the like).

use super::position::line_col;
use super::stack::{on_big_stack, MAX_PARSE_BYTES};
use super::SyntaxError;

static REGO_LOCATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"-->\s*(.+?):(\d+):(\d+)").expect("static regex")
});
static FUTURE_KEYWORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(if|contains|in|every)\b").expect("static regex")
});

/// A Rego error located by regorus: the file it names, 1-based line and column, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegoError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads regorus's error text (`--> file:line:col`, the source line, `error: message`).
pub fn parse_rego_error(text: &str) -> Option<RegoError> {
    let re = &*REGO_LOCATION;
    let c = re.captures(text)?;
    let message = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("error:"))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim().to_string());
    Some(RegoError {
        file: c[1].to_string(),
        line: c[2].parse().unwrap_or(1),
        column: c[3].parse().unwrap_or(1),
        message,
    })
}

/// A module [`add_rego_module`] added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedModule {
    /// The package path, `data.x.y`.
    pub package: String,
    /// When the module reads only as Rego v0: the error of the v1 parser (it is located).
    pub v1_error: Option<String>,
}

/// Adds one Rego module to `engine`, in v1 syntax or, failing that, v0 syntax. Returns the
/// package path (`data.x.y`) and, for a v0 module, the v1 error; or the error text of the
/// dialect that read further.
///
/// v0 parsing is only tried when it cannot make regorus print a warning: regorus writes
/// "`if` will be treated as identifier" to stderr when a v0 module uses a future keyword it did
/// not import, and a rule must never print.
pub fn add_rego_module(
    engine: &mut regorus::Engine,
    path: &str,
    text: &str,
) -> Result<AddedModule, String> {
    if let Some(at) = rego_too_deep(text) {
        let (line, column) = line_col(text, at);
        return Err(format!(
            "\n--> {path}:{line}:{column}\nerror: brackets nested more than {MAX_REGO_NESTING} deep; \
             spark-docs does not parse Rego this deep (the parser slows down exponentially)"
        ));
    }
    engine.set_rego_v0(false);
    let v1 = match engine.add_policy(path.to_string(), text.to_string()) {
        Ok(package) => {
            return Ok(AddedModule {
                package,
                v1_error: None,
            })
        }
        Err(e) => e.to_string(),
    };
    if !v0_is_quiet(text) {
        return Err(v1);
    }
    engine.set_rego_v0(true);
    let v0 = engine.add_policy(path.to_string(), text.to_string());
    engine.set_rego_v0(false);
    match v0 {
        Ok(package) => Ok(AddedModule {
            package,
            v1_error: Some(v1),
        }),
        Err(e) => {
            let v0 = e.to_string();
            let pos = |t: &str| {
                parse_rego_error(t)
                    .map(|e| (e.line, e.column))
                    .unwrap_or((0, 0))
            };
            Err(if pos(&v0) > pos(&v1) { v0 } else { v1 })
        }
    }
}

/// regorus's parser takes time exponential in bracket nesting (about 2x per level: 20 nested
/// `[` take seconds); real policies nest a handful of levels.
const MAX_REGO_NESTING: usize = 12;

/// Offset of the first bracket nested deeper than [`MAX_REGO_NESTING`], outside strings and
/// comments.
fn rego_too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_REGO_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// How to write the v0 line `line` in Rego v1, when it is a rule head regorus stopped at:
/// `deny[msg] {` → `deny contains msg if {`, `name {` / `name := x {` → `… if {`.
pub fn v1_rewrite(line: &str) -> Option<String> {
    static PARTIAL_SET: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]\s*\{")
            .expect("static regex")
    });
    static BODY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\s*[A-Za-z_][A-Za-z0-9_.]*(?:\([^)]*\))?(?:\s*:?=\s*[^{]+?)?)\s*\{")
            .expect("static regex")
    });
    if let Some(c) = PARTIAL_SET.captures(line) {
        let rest = &line[c[0].len()..];
        return Some(format!("{}{} contains {} if {{{rest}", &c[1], &c[2], &c[3]));
    }
    let c = BODY.captures(line)?;
    if c[1].trim_end().ends_with(" if") || c[1].trim() == "package" {
        return None;
    }
    let rest = &line[c[0].len()..];
    Some(format!("{} if {{{rest}", c[1].trim_end()))
}

/// Whether every future keyword (`if`, `contains`, `in`, `every`) the module uses is imported,
/// so a v0 parse prints nothing.
fn v0_is_quiet(text: &str) -> bool {
    let mut imported: Vec<&str> = Vec::new();
    let mut code = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("import ") {
            let rest = rest.split('#').next().unwrap_or("").trim();
            match rest {
                "rego.v1" | "future.keywords" => imported.extend(["if", "contains", "in", "every"]),
                _ => {
                    if let Some(kw) = rest.strip_prefix("future.keywords.") {
                        imported.push(kw);
                    }
                }
            }
            continue;
        }
        code.push_str(&strip_rego_strings_and_comments(line));
        code.push('\n');
    }
    let word = &*FUTURE_KEYWORD;
    let quiet = word
        .find_iter(&code)
        .all(|m| imported.iter().any(|k| *k == m.as_str()));
    quiet
}

fn strip_rego_strings_and_comments(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => break,
            '"' => {
                out.push(' ');
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' {
                        break;
                    }
                }
            }
            '`' => {
                out.push(' ');
                for d in chars.by_ref() {
                    if d == '`' {
                        break;
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Prepares (compiles) the modules of `engine` without evaluating any rule. Returns regorus's
/// error text for errors that carry a location (unsafe variables, ...).
pub fn compile_rego(engine: &mut regorus::Engine) -> Result<(), String> {
    let entry: regorus::Rc<str> = "data.__spark_docs_compile_check__.x".into();
    match engine.compile_with_entrypoint(&entry) {
        Ok(_) => Ok(()),
        Err(e) => {
            let text = e.to_string();
            if parse_rego_error(&text).is_some() {
                Err(text)
            } else {
                Ok(()) // the made-up entry point is not a rule: compiling got past the modules
            }
        }
    }
}

const REGO_BLOCK: &str = "block.rego";

pub(super) fn rego_block_error(code: &str) -> Option<SyntaxError> {
    if code.len() > MAX_PARSE_BYTES {
        return None;
    }
    on_big_stack(|| rego_block_error_inner(code)).flatten()
}

fn rego_block_error_inner(code: &str) -> Option<SyntaxError> {
    let has_package = code
        .lines()
        .any(|l| l.trim_start().starts_with("package ") || l.trim() == "package");
    let (text, shift) = if has_package {
        (code.to_string(), 0)
    } else {
        (format!("package snippet\n{code}"), 1)
    };
    let mut engine = regorus::Engine::new();
    let result = add_rego_module(&mut engine, REGO_BLOCK, &text).and_then(|_| {
        if has_package {
            compile_rego(&mut engine)
        } else {
            Ok(())
        }
    });
    let text = result.err()?;
    let e = parse_rego_error(&text).unwrap_or(RegoError {
        file: REGO_BLOCK.into(),
        line: 1 + shift,
        column: 1,
        message: text
            .trim()
            .lines()
            .last()
            .unwrap_or("does not parse")
            .to_string(),
    });
    let line = e.line.saturating_sub(shift).max(1);
    let mut err = SyntaxError::new(line, e.column, format!("invalid Rego: {}", e.message));
    if e.message.contains("`if` keyword is required")
        || e.message.contains("`contains` keyword is required")
    {
        err = err.help("Rego v1 writes `deny contains msg if { ... }`; v0 syntax needs no `if`/`contains` in the whole module");
    }
    Some(err)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_v0_rule_heads_in_v1() {
        assert_eq!(
            v1_rewrite("deny[msg] {").as_deref(),
            Some("deny contains msg if {")
        );
        assert_eq!(
            v1_rewrite("  warn_x[m] { input.a }").as_deref(),
            Some("  warn_x contains m if { input.a }")
        );
        assert_eq!(v1_rewrite("is_big {").as_deref(), Some("is_big if {"));
        assert_eq!(
            v1_rewrite("limit := 5 {").as_deref(),
            Some("limit := 5 if {")
        );
        assert_eq!(v1_rewrite("deny contains msg if {"), None);
        assert_eq!(v1_rewrite("  input.x == 1"), None);
    }

    #[test]
    fn rego_v0_and_v1() {
        assert_eq!(
            rego_block_error("package a\n\ndeny[msg] {\n  input.x == 1\n  msg := \"bad\"\n}\n"),
            None
        );
        assert_eq!(
            rego_block_error(
                "package a\n\ndeny contains msg if {\n  input.x == 1\n  msg := \"bad\"\n}\n"
            ),
            None
        );
        assert_eq!(
            rego_block_error("deny contains msg if {\n  input.privileged\n  msg := \"no\"\n}\n"),
            None
        );
        let e = rego_block_error("deny contains msg if {\n  input.x == = 1\n}\n").unwrap();
        assert_eq!((e.line, e.column), (2, 14), "{e:?}");
        let e = rego_block_error(
            "package a\n\ndeny contains msg if {\n  input.x == y\n  msg := \"bad\"\n}\n",
        )
        .unwrap();
        assert_eq!((e.line, e.column), (4, 14), "{e:?}");
        assert!(e.message.contains("unsafe"));
        let e = rego_block_error("package a\n\ndeny contains msg if {\n  msg := \"x\"\n").unwrap();
        assert!(e.line >= 4, "{e:?}");
    }

    #[test]
    fn rego_deep_nesting_is_an_error_not_a_crash() {
        let rego = "package a\nx := ".to_string() + &"[".repeat(50_000);
        let e = rego_block_error(&rego).unwrap();
        assert_eq!((e.line, e.column), (2, 18), "{e:?}");
        assert!(e.message.contains("nested more than 12"), "{e:?}");
        let ok = "package a\n# [[[[[[[[[[[[[[\nx := [[[[[[1]]]]]] # \"(((((((((((((\"\ny := \"[[[[[[[[[[[[[[[\"\n";
        assert_eq!(rego_block_error(ok), None);
    }
}
