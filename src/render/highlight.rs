//! Syntax highlighting with syntect (CSS classes, so light and dark themes are pure CSS) and
//! visible marking of `<placeholder>` tokens in code.

use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn placeholder_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"<[A-Za-z][A-Za-z0-9_.:/-]*>").expect("static regex"))
}

/// Languages written in angle brackets themselves, where `<x>` is markup, not a placeholder.
fn is_markup(lang: &str) -> bool {
    matches!(lang, "xml" | "html" | "svg" | "jsp")
}

/// Name syntect knows a language by, for the info strings people write.
fn canonical(lang: &str) -> &str {
    match lang {
        _ if crate::util::langs::is_shell_or_console(lang) => "bash",
        "yml" => "yaml",
        "py" | "python3" | "ipython" | "pyspark" => "python",
        "conf" | "spark-defaults" | "spark-defaults.conf" | "properties" | "ini" => "properties",
        "dockerfile" | "docker" | "containerfile" => "Dockerfile",
        "rego" => "rego",
        "jsonc" | "json5" | "ipynb" => "json",
        "hcl" | "terraform" | "tf" => "terraform",
        "kotlin" | "kt" => "kotlin",
        "scala" | "sbt" => "scala",
        other => other,
    }
}

fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let ss = syntaxes();
    let name = canonical(lang);
    match name {
        "Dockerfile" => ss
            .find_syntax_by_name("Dockerfile")
            .or_else(|| ss.find_syntax_by_extension("dockerfile")),
        "rego" => ss.find_syntax_by_token("rego"),
        "properties" => ss
            .find_syntax_by_extension("properties")
            .or_else(|| ss.find_syntax_by_name("Java Properties")),
        other => ss.find_syntax_by_token(other),
    }
}

/// Highlighted blocks already seen by this process, by language and code. syntect is most of the
/// cost of rendering, and `serve` renders the same unchanged blocks on every rebuild.
static HIGHLIGHTED: crate::memo::Memo<(String, String), String> = crate::memo::Memo::new(20_000);

/// Highlights `code` as `lang` into HTML spans (no wrapper). Unknown languages are escaped plain
/// text. `<placeholder>` tokens become `<span class="ph">…</span>` in every non-markup language.
pub fn highlight(code: &str, lang: &str) -> String {
    HIGHLIGHTED.get_or_insert_with((lang.to_string(), code.to_string()), || {
        highlight_uncached(code, lang)
    })
}

fn highlight_uncached(code: &str, lang: &str) -> String {
    let mark = !is_markup(lang);
    let mut placeholders: Vec<String> = Vec::new();
    let prepared = if mark {
        placeholder_re()
            .replace_all(code, |c: &regex::Captures| {
                placeholders.push(c[0].to_string());
                format!("SPARKDOCSPH{}X", placeholders.len() - 1)
            })
            .into_owned()
    } else {
        code.to_string()
    };
    let html = match find_syntax(lang) {
        Some(syntax) => {
            let mut gen =
                ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), ClassStyle::Spaced);
            let mut ok = true;
            for line in LinesWithEndings::from(&prepared) {
                if gen
                    .parse_html_for_line_which_includes_newline(line)
                    .is_err()
                {
                    ok = false;
                    break;
                }
            }
            if ok {
                gen.finalize()
            } else {
                escape(&prepared)
            }
        }
        None => escape(&prepared),
    };
    if placeholders.is_empty() {
        return html;
    }
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"SPARKDOCSPH(\d+)X").expect("static regex"));
    re.replace_all(&html, |c: &regex::Captures| {
        let i: usize = c[1].parse().unwrap_or(0);
        format!(
            "<span class=\"ph\">{}</span>",
            escape(placeholders.get(i).map(String::as_str).unwrap_or(""))
        )
    })
    .into_owned()
}

/// A complete code block: wrapper for the copy button, `pre`, `code` with the language class.
pub fn code_block(code: &str, lang: &str) -> String {
    let lang_attr = escape(lang);
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{lang_attr}\"")
    };
    format!(
        "<div class=\"codeblock\" data-lang=\"{lang_attr}\"><pre class=\"code\"><code{class}>{}</code></pre></div>\n",
        highlight(code, lang)
    )
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_marked_once() {
        let html = highlight("kubectl get pods -n <namespace>\n", "bash");
        assert!(
            html.contains("<span class=\"ph\">&lt;namespace&gt;</span>"),
            "{html}"
        );
        assert!(!html.contains("SPARKDOCSPH"));
    }

    #[test]
    fn known_languages_get_classes() {
        for lang in [
            "bash",
            "yaml",
            "json",
            "python",
            "sql",
            "toml",
            "properties",
            "dockerfile",
            "rego",
            "terraform",
            "kotlin",
            "scala",
        ] {
            let html = highlight("a = 1\n", lang);
            assert!(html.contains("<span class=\""), "{lang}: {html}");
        }
        assert!(!highlight("x <y>", "xml").contains("ph"));
    }
}
