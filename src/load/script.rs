//! Shell scripts: the description and usage line come from the header comment.

use super::SourceFile;

#[derive(Debug, Clone)]
pub struct Script {
    pub source: SourceFile,
    pub slug: String,
    pub file_name: String,
    pub title: String,
    pub description: String,
    pub usage: String,
}

/// The comment block at the top of a script (after the shebang), `# ` stripped.
fn header_comment(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if i == 0 && t.starts_with("#!") {
            continue;
        }
        if t.starts_with("# shellcheck ") {
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            out.push(c.strip_prefix(' ').unwrap_or(c).trim_end().to_string());
        } else if t.is_empty() && out.is_empty() {
            continue;
        } else {
            break;
        }
    }
    out
}

pub fn load_script(file: SourceFile) -> Script {
    let header = header_comment(&file.text);
    let mut usage = String::new();
    let mut description = Vec::new();
    let mut in_usage = false;
    for line in &header {
        let l = line.trim();
        if let Some(u) = l
            .strip_prefix("Usage:")
            .or_else(|| l.strip_prefix("usage:"))
        {
            usage = u.trim().to_string();
            in_usage = usage.is_empty();
            continue;
        }
        if in_usage {
            if l.is_empty() {
                in_usage = false;
            } else {
                if !usage.is_empty() {
                    usage.push('\n');
                }
                usage.push_str(l);
            }
            continue;
        }
        if !l.is_empty() && l.chars().all(|c| "=-#*_~".contains(c)) {
            continue;
        }
        description.push(line.clone());
    }
    let description = description.join("\n").trim().to_string();
    let file_name = file.rel.rsplit('/').next().unwrap_or(&file.rel).to_string();
    let stem = std::path::Path::new(&file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Script {
        slug: crate::util::slug::slugify(&stem),
        title: file_name.clone(),
        file_name,
        description,
        usage,
        source: file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_gives_description_and_usage() {
        let s = load_script(SourceFile {
            path: "s".into(),
            rel: "scripts/check-rbac.sh".into(),
            text: "#!/usr/bin/env bash\n# Checks RBAC of the Spark service account.\n#\n# Usage: check-rbac.sh <namespace>\nset -euo pipefail\n".into(),
        });
        assert_eq!(s.description, "Checks RBAC of the Spark service account.");
        assert_eq!(s.usage, "check-rbac.sh <namespace>");
        assert_eq!(s.slug, "check-rbac");
    }
}
