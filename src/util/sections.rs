//! sections: which heading counts as which troubleshooting section. Headings are compared
//! normalised — case-insensitive, emoji and punctuation dropped, leading numbering ("1.",
//! "Step 2 —", "Шаг 3:") and trailing colons ignored — and a heading is a section when it starts
//! with one of the section's names ("Solution 1: restart" is a Solution).
//!
//! The names come from `[sections]` in site.toml over the built-in table [`defaults`]; the
//! configuration compiles them once into [`SectionNames`], which the checks (`recipe-missing-section`,
//! `issue-unrouted`) and the card (symptom, first diagnosis command) all read.

use std::collections::BTreeMap;

/// The built-in names of the three template sections, English and Russian.
pub fn defaults() -> BTreeMap<String, Vec<String>> {
    let table: [(&str, &[&str]); 3] = [
        (
            "symptoms",
            &[
                "Symptoms",
                "Symptom",
                "Problem",
                "Issue",
                "Error",
                "Симптомы",
                "Симптом",
                "Проблема",
                "Ошибка",
                "Признаки",
            ],
        ),
        (
            "diagnosis",
            &[
                "Diagnosis",
                "Diagnostics",
                "Diagnose",
                "Investigation",
                "Root cause",
                "Cause",
                "Диагностика",
                "Причина",
                "Причины",
                "Расследование",
                "Анализ",
            ],
        ),
        (
            "solution",
            &[
                "Solution",
                "Solutions",
                "Fix",
                "Fixes",
                "Resolution",
                "Workaround",
                "Common causes & solutions",
                "Решение",
                "Решения",
                "Исправление",
                "Обходной путь",
                "Как исправить",
            ],
        ),
    ];
    table
        .iter()
        .map(|(k, names)| (k.to_string(), names.iter().map(|n| n.to_string()).collect()))
        .collect()
}

/// In a `[sections]` list, the place where the built-in names of that section go (extend
/// instead of replace).
pub const DEFAULTS_MARKER: &str = "...";

/// A heading as sections compare it: lowercase words, emoji and punctuation dropped (`&` kept),
/// leading numbering ("1.", "2)", "Step 2 —", "Шаг 3:") removed.
pub fn normalize(heading: &str) -> String {
    let cleaned: String = heading
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_alphanumeric() || c == '&' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    loop {
        let is_number = |w: &&str| w.chars().all(|c| c.is_ascii_digit());
        match words.as_slice() {
            [first, ..] if is_number(first) => {
                words.remove(0);
            }
            [first, second, ..]
                if matches!(*first, "step" | "шаг" | "этап" | "part" | "часть")
                    && is_number(second) =>
            {
                words.drain(..2);
            }
            _ => break,
        }
    }
    words.join(" ")
}

/// A problem with one name of `[sections]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionError {
    /// The section (key of `[sections]`).
    pub section: String,
    /// The offending name.
    pub name: String,
    pub message: String,
}

/// The compiled section table: section key (lowercase, e.g. `symptoms`) → its names, each
/// normalised and as written.
#[derive(Debug, Clone, Default)]
pub struct SectionNames {
    names: BTreeMap<String, Vec<(String, String)>>,
    /// A troubleshooting section named by one of a built-in section's names (`Диагностика`,
    /// `Fix`) is that section: its lowercase name → the section's key.
    aliases: BTreeMap<String, String>,
}

impl SectionNames {
    /// Builds the table from the site's `[sections]` over [`defaults`]: a site's list replaces
    /// the built-in one of its section, except that `"..."` in it stands for the built-in names.
    /// `required` are the troubleshooting sections (`Symptoms`, `Rollback`, …): each also matches
    /// its own name. A key that is neither built in nor required, a name that is empty once
    /// normalised, or a name listed under two sections is an error.
    pub fn new(
        site: &BTreeMap<String, Vec<String>>,
        required: &[String],
    ) -> Result<SectionNames, SectionError> {
        let builtin = defaults();
        let mut table: BTreeMap<String, Vec<String>> = builtin.clone();
        // A required section is the built-in section one of whose names it is ("Диагностика" is
        // `diagnosis`), else a section of its own.
        let builtin_key = |r: &str| {
            let n = normalize(r);
            builtin
                .iter()
                .find(|(_, names)| names.iter().any(|x| normalize(x) == n))
                .map(|(k, _)| k.clone())
        };
        let mut aliases = BTreeMap::new();
        for r in required {
            let own = r.to_lowercase();
            match builtin_key(r) {
                Some(key) if key != own => {
                    aliases.insert(own, key);
                }
                _ => {
                    table.entry(own).or_default();
                }
            }
        }
        for (key, list) in site {
            let key = aliases.get(key).unwrap_or(key);
            let Some(slot) = table.get_mut(key) else {
                return Err(SectionError {
                    section: key.clone(),
                    name: key.clone(),
                    message: format!(
                        "`{key}` is no troubleshooting section; the keys are {} (and the lowercase names in `[check] troubleshooting_sections`)",
                        builtin.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                });
            };
            let mut names = Vec::new();
            for name in list {
                if name == DEFAULTS_MARKER {
                    names.extend(builtin.get(key).cloned().unwrap_or_default());
                } else {
                    names.push(name.clone());
                }
            }
            *slot = names;
        }
        for r in required {
            let own = r.to_lowercase();
            let key = aliases.get(&own).unwrap_or(&own);
            table.entry(key.clone()).or_default().push(r.clone());
        }
        let mut owner: BTreeMap<String, String> = BTreeMap::new();
        let mut names = BTreeMap::new();
        for (key, list) in table {
            let mut normalized = Vec::new();
            for name in list {
                let n = normalize(&name);
                if n.is_empty() {
                    return Err(SectionError {
                        section: key.clone(),
                        name,
                        message:
                            "a section name needs at least one letter or digit besides numbering"
                                .into(),
                    });
                }
                if let Some(other) = owner.get(&n).filter(|o| **o != key) {
                    return Err(SectionError {
                        section: key.clone(),
                        name,
                        message: format!("this name is already a name of `{other}`: a heading would count as both"),
                    });
                }
                owner.insert(n.clone(), key.clone());
                if !normalized.iter().any(|(known, _)| *known == n) {
                    normalized.push((n, name));
                }
            }
            names.insert(key, normalized);
        }
        Ok(SectionNames { names, aliases })
    }

    /// The key of a section given by key or by its name in `troubleshooting_sections`.
    fn key(&self, section: &str) -> &str {
        let lower = section.to_lowercase();
        match self.aliases.get(&lower) {
            Some(key) => key,
            None => self
                .names
                .get_key_value(&lower)
                .map_or("", |(k, _)| k.as_str()),
        }
    }

    /// The built-in table, as when site.toml has no `[sections]`.
    pub fn builtin() -> SectionNames {
        let required = ["Symptoms", "Diagnosis", "Solution"].map(String::from);
        SectionNames::new(&BTreeMap::new(), &required).expect("the built-in table is valid")
    }

    /// Whether `heading` (its text as written) is the section `section` (a key such as
    /// `symptoms` or a troubleshooting section name such as `Symptoms`).
    pub fn is(&self, section: &str, heading: &str) -> bool {
        let heading = normalize(heading);
        self.names
            .get(self.key(section))
            .is_some_and(|names| names.iter().any(|(n, _)| heading.starts_with(n.as_str())))
    }

    /// The names a section accepts, as site.toml or the built-in table writes them.
    pub fn names(&self, section: &str) -> impl Iterator<Item = &str> {
        self.names
            .get(self.key(section))
            .into_iter()
            .flatten()
            .map(|(_, written)| written.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_emoji_numbering_and_colons() {
        assert_eq!(normalize("🔍 Diagnosis:"), "diagnosis");
        assert_eq!(normalize("Step 2 — Fix the mount"), "fix the mount");
        assert_eq!(normalize("1. Fix it"), "fix it");
        assert_eq!(normalize("2️⃣ Решение"), "решение");
        assert_eq!(
            normalize("Common causes & solutions"),
            "common causes & solutions"
        );
    }

    #[test]
    fn matches_synonyms_in_both_languages() {
        let s = SectionNames::builtin();
        assert!(s.is("symptoms", "Problem"));
        assert!(s.is("Symptoms", "⚠️ Симптомы"));
        assert!(s.is("diagnosis", "Root cause:"));
        assert!(s.is("solution", "Solution 1: raise the limit"));
        assert!(s.is("solution", "Step 2 — Fix"));
        assert!(s.is("solution", "Common causes & solutions"));
        assert!(s.is("solution", "Исправление"));
        assert!(!s.is("solution", "Verification"));
        assert!(!s.is("symptoms", "Diagnosis"));
    }

    #[test]
    fn a_site_replaces_or_extends_a_section() {
        let site = BTreeMap::from([
            ("symptoms".to_string(), vec!["Observed".to_string()]),
            (
                "solution".to_string(),
                vec!["...".to_string(), "Remedy".to_string()],
            ),
        ]);
        let required = ["Symptoms", "Diagnosis", "Solution", "Rollback"].map(String::from);
        let s = SectionNames::new(&site, &required).unwrap();
        assert!(s.is("symptoms", "Observed behaviour"));
        assert!(s.is("symptoms", "Symptoms"), "its own name always counts");
        assert!(!s.is("symptoms", "Problem"), "replaced");
        assert!(s.is("solution", "Remedy") && s.is("solution", "Fix"));
        assert!(s.is("rollback", "Rollback"));
    }

    #[test]
    fn rejects_unknown_keys_empty_and_shared_names() {
        let required = ["Symptoms", "Diagnosis", "Solution"].map(String::from);
        let bad = |k: &str, v: &str| {
            SectionNames::new(
                &BTreeMap::from([(k.to_string(), vec![v.to_string()])]),
                &required,
            )
            .unwrap_err()
        };
        assert_eq!(bad("symptom", "x").section, "symptom");
        assert_eq!(bad("symptoms", "1.").name, "1.");
        assert_eq!(bad("diagnosis", "Fix").name, "Fix");
    }

    #[test]
    fn sections_named_in_another_language_are_the_built_in_ones() {
        let required = ["Симптомы", "Диагностика", "Решение", "Откат"].map(String::from);
        let t = SectionNames::new(&BTreeMap::new(), &required).unwrap();
        assert!(t.is("Диагностика", "## Diagnosis"));
        assert!(t.is("diagnosis", "Диагностика"));
        assert!(t.is("Решение", "Fix 2: raise the limit"));
        assert!(t.is("Откат", "Откат"));
        assert!(!t.is("Откат", "Решение"));
        // A site may extend a section under either name.
        let site = BTreeMap::from([(
            "диагностика".to_string(),
            vec!["...".into(), "Разбор".into()],
        )]);
        let t = SectionNames::new(&site, &required).unwrap();
        assert!(t.is("diagnosis", "Разбор") && t.is("Диагностика", "Диагностика"));
    }
}
