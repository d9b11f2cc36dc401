//! slug: names made safe for URLs, CSS classes and anchors — page slugs and GitHub-compatible
//! heading ids.

/// Lower-case, alphanumerics kept, everything else collapsed to `-` (no leading or trailing
/// `-`): page slugs, recipe categories, CSS classes.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// GitHub-compatible heading id: lower-case; letters, digits, `-` and `_` kept; spaces → `-`;
/// other punctuation dropped. Links written for GitHub keep working.
pub fn heading_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// `base`, or `base-1`, `base-2`, … if already in `used` (GitHub's rule for repeated headings);
/// the id returned is added to `used`.
pub fn unique_id(base: String, used: &mut std::collections::HashSet<String>) -> String {
    let mut unique = base.clone();
    let mut k = 1;
    while !used.insert(unique.clone()) {
        unique = format!("{base}-{k}");
        k += 1;
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Spark Connect: driver host!"),
            "spark-connect-driver-host"
        );
        assert_eq!(slugify("--x--"), "x");
    }

    #[test]
    fn github_style_ids() {
        assert_eq!(
            heading_id("Step 1: Set spark.driver.host"),
            "step-1-set-sparkdriverhost"
        );
        assert_eq!(heading_id("!!!"), "section");
        let mut used = Default::default();
        assert_eq!(unique_id("a".into(), &mut used), "a");
        assert_eq!(unique_id("a".into(), &mut used), "a-1");
    }
}
