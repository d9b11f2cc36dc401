//! Recipes and issues: Markdown pages with optional YAML front matter, or `**Key:** value` lines
//! in repositories adopted as they are.

use super::front_matter::{self, StringList};
use super::mistakes::MistakeMarks;
use super::SourceFile;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::util::lines::LineIndex;
use crate::util::slug::slugify;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Markdown options used everywhere we parse Markdown.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A fenced or indented code block, located in its file.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// First word of the info string, lower-cased (`bash`, `yaml`, ...); empty when none.
    pub lang: String,
    /// The rest of the info string (`ignore`, `title="x"`, ...).
    pub attrs: Vec<String>,
    pub code: String,
    /// 1-based line in the file of the block's first content line.
    pub line: usize,
    /// Column (1-based) of the content's indentation inside the file.
    pub column: usize,
    /// Rule codes silenced by a `<!-- spark-docs-ignore: code, code -->` comment just before.
    pub ignore: Vec<String>,
    /// The page shows this block as the mistake ("Wrong:", "❌", a `> [!CAUTION]` admonition; see
    /// [`super::mistakes`]): it is not meant to run, so no rule reads its content.
    pub shows_mistake: bool,
}

/// The parts of a Markdown body every page kind needs.
#[derive(Debug, Clone, Default)]
pub struct MarkdownDoc {
    pub body: String,
    /// 1-based file line where `body` starts.
    pub body_line: usize,
    /// Text of the first level-1 heading, if any.
    pub h1: Option<String>,
    /// `**Key:** value` lines.
    pub meta: Vec<(String, String, usize)>,
    pub code_blocks: Vec<CodeBlock>,
}

impl MarkdownDoc {
    /// Scans a body; `with_meta` collects `**Key:** value` lines (files without front matter).
    pub fn new(body: &str, body_line: usize, with_meta: bool) -> MarkdownDoc {
        let meta = if with_meta {
            front_matter::meta_lines(body)
        } else {
            Vec::new()
        };
        let mut doc = MarkdownDoc {
            body: body.to_string(),
            body_line,
            meta: meta
                .into_iter()
                .map(|(k, v, l)| (k, v, l + body_line - 1))
                .collect(),
            ..Default::default()
        };
        let lines = LineIndex::new(body);
        let mut in_h1 = false;
        let mut h1 = String::new();
        let mut pending_ignore: Vec<String> = Vec::new();
        let mut current: Option<CodeBlock> = None;
        let mut mistakes = MistakeMarks::default();
        for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
            mistakes.observe(&event);
            match event {
                Event::Start(Tag::Heading {
                    level: pulldown_cmark::HeadingLevel::H1,
                    ..
                }) if doc.h1.is_none() => {
                    in_h1 = true;
                }
                Event::End(TagEnd::Heading(pulldown_cmark::HeadingLevel::H1)) if in_h1 => {
                    in_h1 = false;
                    doc.h1 = Some(h1.trim().to_string());
                }
                Event::Text(t) | Event::Code(t) if in_h1 => h1.push_str(&t),
                Event::Html(h) | Event::InlineHtml(h) => {
                    if let Some(codes) = parse_ignore_comment(&h) {
                        pending_ignore = codes;
                    }
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let shows_mistake = mistakes.shows_mistake();
                    let fence_line = lines.line(range.start);
                    let (info, line) = match &kind {
                        CodeBlockKind::Fenced(info) => (info.to_string(), fence_line + 1),
                        CodeBlockKind::Indented => (String::new(), fence_line),
                    };
                    let indent = body[lines.line_start(fence_line)..]
                        .chars()
                        .take_while(|c| *c == ' ')
                        .count();
                    let mut words = info.split(|c: char| c.is_whitespace() || c == ',');
                    let lang = words
                        .next()
                        .unwrap_or("")
                        .trim_matches(['{', '}', '.'])
                        .to_ascii_lowercase();
                    let attrs = words
                        .filter(|w| !w.is_empty())
                        .map(str::to_string)
                        .collect();
                    current = Some(CodeBlock {
                        lang,
                        attrs,
                        code: String::new(),
                        line: line + body_line - 1,
                        column: indent + 1,
                        ignore: std::mem::take(&mut pending_ignore),
                        shows_mistake,
                    });
                }
                Event::Text(t) if current.is_some() => {
                    if let Some(c) = current.as_mut() {
                        c.code.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(c) = current.take() {
                        doc.code_blocks.push(c);
                    }
                }
                Event::Start(Tag::Paragraph)
                | Event::Start(Tag::Heading { .. })
                | Event::Start(Tag::List(_)) => {
                    pending_ignore.clear();
                }
                _ => {}
            }
        }
        doc
    }
}

/// `<!-- spark-docs-ignore: shell-syntax, yaml-syntax -->` → the listed codes (`all` allowed).
fn parse_ignore_comment(html: &str) -> Option<Vec<String>> {
    let inner = html
        .trim()
        .strip_prefix("<!--")?
        .trim_end()
        .strip_suffix("-->")?
        .trim();
    let codes = inner
        .strip_prefix("spark-docs-ignore")?
        .trim_start()
        .strip_prefix(':')
        .unwrap_or("all");
    let codes: Vec<String> = codes
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    Some(if codes.is_empty() {
        vec!["all".into()]
    } else {
        codes
    })
}

/// Every `ISSUE-NNN` in a text, upper-cased, deduplicated, in order of first mention.
pub fn issue_mentions(text: &str) -> Vec<String> {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"(?i)\bISSUE-\d{1,6}\b").expect("static regex"));
    let mut out: Vec<String> = Vec::new();
    for m in re.find_iter(text) {
        let id = m.as_str().to_ascii_uppercase();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
struct RecipeFront {
    title: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    category: Option<String>,
    #[serde(default)]
    spark: StringList,
    #[serde(default)]
    issues: StringList,
    #[serde(default)]
    tags: StringList,
    #[serde(default)]
    signatures: StringList,
    quickref: Option<String>,
    weight: Option<i64>,
    draft: Option<bool>,
    /// Any other key is kept as metadata.
    #[serde(flatten)]
    extra: BTreeMap<String, serde_yaml_ng::Value>,
}

/// A recipe page.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub source: SourceFile,
    pub category: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub spark: Vec<String>,
    /// Issues the recipe declares it covers (front matter `issues` or `**Related Issue(s):**`).
    pub issues: Vec<String>,
    pub tags: Vec<String>,
    pub signatures: Vec<String>,
    pub quickref: Option<String>,
    pub weight: i64,
    /// `**Key:** value` metadata other than the ones mapped to fields.
    pub metadata: Vec<(String, String)>,
    pub doc: MarkdownDoc,
    /// Line of the front matter key `signatures` / `issues`, for diagnostics.
    pub front_lines: BTreeMap<String, usize>,
}

fn file_stem(rel: &str) -> String {
    Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// 1-based line of each top-level key in a front matter block (the YAML starts on file line 2).
fn key_lines(yaml: Option<&str>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (i, line) in yaml.unwrap_or("").lines().enumerate() {
        if let Some((k, _)) = line.split_once(':') {
            if !k.starts_with([' ', '\t', '-', '#']) && !k.is_empty() {
                m.entry(k.trim().to_string()).or_insert(i + 2);
            }
        }
    }
    m
}

fn first_paragraph(body: &str) -> String {
    let mut para = Vec::new();
    let mut in_fence = false;
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            if !para.is_empty() {
                break;
            }
            continue;
        }
        if in_fence
            || t.starts_with('#')
            || t.starts_with("**")
            || t.starts_with('>')
            || t.starts_with('|')
            || t.starts_with('<')
            || t.starts_with("---")
        {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        if t.is_empty() {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        para.push(t);
    }
    let text = para.join(" ");
    let plain: String = text.replace(['*', '`', '_'], "");
    // Drop Markdown link targets: [text](url) → text
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("static regex"));
    let plain = re.replace_all(&plain, "$1").into_owned();
    if plain.chars().count() > 240 {
        let cut: String = plain.chars().take(237).collect();
        format!("{}…", cut.trim_end())
    } else {
        plain
    }
}

fn split_ids(value: &str) -> Vec<String> {
    issue_mentions(value)
}

/// Loads a recipe; `dir` is the configured recipes directory (category = first level below it).
pub fn load_recipe(file: SourceFile, dir: &Path, findings: &mut Vec<Finding>) -> Option<Recipe> {
    if super::markdown_sanity::is_empty(&file.text, &file.rel, findings) {
        return None;
    }
    let split = front_matter::split(&file.text, &file.rel, findings);
    super::markdown_sanity::check_fences(split.body, split.body_line, &file.rel, findings);
    let front: RecipeFront = match split.yaml {
        Some(y) => front_matter::parse(y, &file.rel, findings)?,
        None => RecipeFront::default(),
    };
    if front.draft == Some(true) {
        return None;
    }
    let doc = MarkdownDoc::new(split.body, split.body_line, split.yaml.is_none());
    let dir_rel = super::rel_path(Path::new(""), dir);
    let inside = file
        .rel
        .strip_prefix(&format!("{}/", dir_rel.trim_end_matches('/')))
        .unwrap_or(&file.rel);
    let parts: Vec<&str> = inside.split('/').collect();
    let category = front
        .category
        .clone()
        .or_else(|| (parts.len() > 1).then(|| parts[0].to_string()))
        .map(|c| slugify(&c))
        .unwrap_or_else(|| "general".to_string());
    let slug = slugify(&file_stem(&file.rel));
    let mut issues: Vec<String> = front.issues.0.iter().flat_map(|s| split_ids(s)).collect();
    let mut metadata: Vec<(String, String)> = extra_metadata(&front.extra);
    let mut spark = front.spark.0.clone();
    let mut tags = front.tags.0.clone();
    for (k, v, _) in &doc.meta {
        let key = k.to_ascii_lowercase();
        if key == "related issue" || key == "related issues" || key == "issue" || key == "issues" {
            for id in split_ids(v) {
                if !issues.contains(&id) {
                    issues.push(id);
                }
            }
        } else if (key == "spark" || key == "spark version" || key == "spark versions")
            && spark.is_empty()
        {
            spark = v
                .split([',', '/'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        } else if key == "tags" && tags.is_empty() {
            tags = v
                .split(',')
                .map(|s| s.trim().trim_matches('`').to_string())
                .filter(|s| !s.is_empty())
                .collect();
        } else {
            metadata.push((k.clone(), v.clone()));
        }
    }
    let title = front
        .title
        .clone()
        .or_else(|| doc.h1.clone())
        .unwrap_or_else(|| file_stem(&file.rel).replace(['-', '_'], " "));
    let summary = front
        .summary
        .clone()
        .or(front.description.clone())
        .unwrap_or_else(|| first_paragraph(&doc.body));
    let front_lines = key_lines(split.yaml);
    Some(Recipe {
        category,
        slug,
        title,
        summary,
        spark,
        issues,
        tags,
        signatures: front.signatures.0,
        quickref: front.quickref,
        weight: front.weight.unwrap_or(0),
        metadata,
        doc,
        front_lines,
        source: file,
    })
}

#[derive(Debug, Default, Deserialize)]
struct IssueFront {
    id: Option<String>,
    title: Option<String>,
    status: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    spark: StringList,
    component: Option<String>,
    created: Option<serde_yaml_ng::Value>,
    resolved: Option<serde_yaml_ng::Value>,
    summary: Option<String>,
    #[serde(default)]
    tags: StringList,
    /// Log signatures: regexes matched against pasted logs, like a recipe's.
    #[serde(default)]
    signatures: StringList,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_yaml_ng::Value>,
}

/// An incident page.
#[derive(Debug, Clone)]
pub struct Issue {
    pub source: SourceFile,
    /// Upper-case ID, e.g. `ISSUE-025`.
    pub id: String,
    pub title: String,
    pub status: String,
    pub severity: String,
    pub spark: Vec<String>,
    pub component: String,
    pub created: String,
    pub summary: String,
    pub metadata: Vec<(String, String)>,
    pub doc: MarkdownDoc,
    /// Line where the ID is declared (front matter, heading or 1 for the file name).
    pub id_line: usize,
    /// Log signatures (front matter `signatures`), as on recipes.
    pub signatures: Vec<String>,
}

/// Front matter keys the tool does not know, shown as metadata (scalars and lists of scalars).
fn extra_metadata(extra: &BTreeMap<String, serde_yaml_ng::Value>) -> Vec<(String, String)> {
    extra
        .iter()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_yaml_ng::Value::Sequence(items) => items
                    .iter()
                    .map(yaml_scalar_text)
                    .collect::<Vec<_>>()
                    .join(", "),
                other => yaml_scalar_text(other),
            };
            (!text.is_empty()).then(|| (k.clone(), text))
        })
        .collect()
}

fn yaml_scalar_text(v: &serde_yaml_ng::Value) -> String {
    match v {
        serde_yaml_ng::Value::String(s) => s.clone(),
        serde_yaml_ng::Value::Number(n) => n.to_string(),
        serde_yaml_ng::Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Loads an issue. Its ID comes from front matter `id`, else a heading `# ISSUE-025: Title`,
/// else the file name `ISSUE-025-slug.md`; a file with none of these is reported.
pub fn load_issue(file: SourceFile, findings: &mut Vec<Finding>) -> Option<Issue> {
    if super::markdown_sanity::is_empty(&file.text, &file.rel, findings) {
        return None;
    }
    let split = front_matter::split(&file.text, &file.rel, findings);
    super::markdown_sanity::check_fences(split.body, split.body_line, &file.rel, findings);
    let front: IssueFront = match split.yaml {
        Some(y) => front_matter::parse(y, &file.rel, findings)?,
        None => IssueFront::default(),
    };
    let doc = MarkdownDoc::new(split.body, split.body_line, split.yaml.is_none());
    let front_lines = key_lines(split.yaml);
    let heading_id = doc.h1.as_deref().and_then(|h| {
        issue_mentions(h)
            .into_iter()
            .next()
            .filter(|id| h.to_ascii_uppercase().trim_start().starts_with(id.as_str()))
    });
    let name_id = {
        let stem = file_stem(&file.rel).to_ascii_uppercase();
        issue_mentions(&stem)
            .into_iter()
            .next()
            .filter(|id| stem.starts_with(id.as_str()))
    };
    let h1_line = doc
        .body
        .lines()
        .position(|l| l.trim_start().starts_with("# "))
        .map(|p| p + doc.body_line)
        .unwrap_or(1);
    let (id, id_line) = if let Some(id) = front.id.as_deref() {
        match issue_mentions(id).into_iter().next() {
            Some(norm) if id.trim().eq_ignore_ascii_case(&norm) => {
                (norm, front_lines.get("id").copied().unwrap_or(2))
            }
            _ => {
                let line = front_lines.get("id").copied().unwrap_or(2);
                findings.push(
                    Finding::error(
                        Code::IssueIdInvalid,
                        &file.rel,
                        line,
                        1,
                        format!("issue id `{id}` is not of the form ISSUE-NNN"),
                    )
                    .with_help("write the id as ISSUE- followed by digits, e.g. `id: ISSUE-025`"),
                );
                return None;
            }
        }
    } else if let Some(id) = heading_id.clone() {
        (id, h1_line)
    } else if let Some(id) = name_id {
        (id, 1)
    } else {
        findings.push(
            Finding::error(Code::IssueIdMissing, &file.rel, 1, 1, "cannot tell this issue's ID")
                .with_help("add front matter `id: ISSUE-NNN`, a heading `# ISSUE-NNN: Title`, or name the file `ISSUE-NNN-slug.md`"),
        );
        return None;
    };
    let mut title = front.title.clone().or_else(|| {
        doc.h1.as_ref().map(|h| {
            let h = h.trim();
            if h.to_ascii_uppercase().starts_with(&id) {
                h[id.len()..]
                    .trim_start_matches([':', ' ', '-', '—', '–'])
                    .trim()
                    .to_string()
            } else {
                h.to_string()
            }
        })
    });
    if title.as_deref().is_none_or(str::is_empty) {
        title = Some(
            file_stem(&file.rel)
                .split_once('-')
                .map(|(_, r)| r)
                .unwrap_or("")
                .replace('-', " "),
        );
    }
    let mut metadata = extra_metadata(&front.extra);
    let mut status = front.status.clone();
    let mut severity = front.severity.clone();
    let mut created = front.created.as_ref().map(yaml_scalar_text);
    let mut component = front.component.clone();
    let mut spark = front.spark.0.clone();
    for (k, v, _) in &doc.meta {
        match k.to_ascii_lowercase().as_str() {
            "status" if status.is_none() => status = Some(v.clone()),
            "severity" | "priority" if severity.is_none() => severity = Some(v.clone()),
            "created" | "date" | "filed" if created.is_none() => created = Some(v.clone()),
            "component" | "components" if component.is_none() => component = Some(v.clone()),
            "spark" | "spark version" | "version" if spark.is_empty() => {
                spark = v
                    .split([',', '/'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            _ => metadata.push((k.clone(), v.clone())),
        }
    }
    if let Some(r) = &front.resolved {
        metadata.push(("Resolved".into(), yaml_scalar_text(r)));
    }
    if !front.tags.0.is_empty() {
        metadata.push(("Tags".into(), front.tags.0.join(", ")));
    }
    let clean = |s: Option<String>| {
        s.map(|v| {
            v.trim()
                .trim_matches('`')
                .trim_matches('*')
                .trim()
                .to_string()
        })
        .unwrap_or_default()
    };
    let summary = front
        .summary
        .clone()
        .unwrap_or_else(|| first_paragraph(&doc.body));
    Some(Issue {
        id,
        title: title.unwrap_or_default(),
        status: clean(status),
        severity: clean(severity),
        spark,
        component: clean(component),
        created: clean(created),
        summary,
        metadata,
        doc,
        id_line,
        signatures: front.signatures.0,
        source: file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            path: rel.into(),
            rel: rel.into(),
            text: text.into(),
        }
    }

    #[test]
    fn recipe_without_front_matter_uses_heading_and_meta_lines() {
        let mut f = Vec::new();
        let r = load_recipe(
            src("docs/recipes/troubleshoot/x.md", "# Fix DNS\n\n**Related Issues:** ISSUE-020, ISSUE-024\n**Difficulty:** Easy\n\nBody text.\n"),
            Path::new("docs/recipes"),
            &mut f,
        )
        .unwrap();
        assert_eq!(r.title, "Fix DNS");
        assert_eq!(r.category, "troubleshoot");
        assert_eq!(r.issues, vec!["ISSUE-020", "ISSUE-024"]);
        assert_eq!(
            r.metadata,
            vec![("Difficulty".to_string(), "Easy".to_string())]
        );
        assert_eq!(r.summary, "Body text.");
    }

    #[test]
    fn code_block_lines_point_into_file() {
        let doc = MarkdownDoc::new(
            "intro\n\n<!-- spark-docs-ignore: shell-syntax -->\n```bash ignore\necho hi\n```\n",
            4,
            true,
        );
        let b = &doc.code_blocks[0];
        assert_eq!((b.lang.as_str(), b.line), ("bash", 8));
        assert_eq!(b.attrs, vec!["ignore"]);
        assert_eq!(b.ignore, vec!["shell-syntax"]);
    }

    #[test]
    fn issue_id_sources_in_order() {
        let mut f = Vec::new();
        let i = load_issue(
            src(
                "i/002-s3.md",
                "# ISSUE-002: S3 secret\n\n**Status:** Resolved\n",
            ),
            &mut f,
        )
        .unwrap();
        assert_eq!(
            (i.id.as_str(), i.title.as_str(), i.status.as_str()),
            ("ISSUE-002", "S3 secret", "Resolved")
        );
        let i = load_issue(src("i/ISSUE-007-thing.md", "# Something broke\n"), &mut f).unwrap();
        assert_eq!(i.id, "ISSUE-007");
        assert!(load_issue(src("i/notes.md", "# Notes\n"), &mut f).is_none());
        assert_eq!(f[0].code, Code::IssueIdMissing);
    }
}
