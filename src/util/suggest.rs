//! suggest: the one "did you mean" of the crate — a misspelt value key, anchor, issue ID or rule
//! code gets the closest known name.
//!
//! Decisions: one metric, Damerau–Levenshtein distance (`strsim::damerau_levenshtein`), compared
//! case-insensitively, so a swapped pair of letters (`sprakConnect`) costs one edit like a wrong
//! letter does. A candidate is offered only within a budget of edits — a third of the word's
//! length, at least one ([`typo_limit`]) — because a far-fetched suggestion is worse than none.
//! Ties go to the alphabetically first candidate, so output is stable.

/// The edit budget for `word`: a third of its length in characters, at least one.
pub fn typo_limit(word: &str) -> usize {
    (word.chars().count() / 3).max(1)
}

/// The candidate closest to `word` within [`typo_limit`] edits, if any. A candidate equal to
/// `word` is skipped (it is not a suggestion).
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    closest(word, candidates, typo_limit(word))
}

/// The candidate closest to `word` (case-insensitive Damerau–Levenshtein distance) within
/// `max_distance` edits; ties go to the smallest candidate. A candidate equal to `word` is
/// skipped. Use [`did_you_mean`] unless a rule needs a stricter budget (issue IDs: one edit).
pub fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    max_distance: usize,
) -> Option<&'c str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        if d <= max_distance && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_only() {
        let known = ["sparkConnect", "jupyter", "image"];
        assert_eq!(did_you_mean("sprakConnect", known), Some("sparkConnect"));
        assert_eq!(did_you_mean("SPARKCONNECT", known), Some("sparkConnect"));
        assert_eq!(did_you_mean("airflow", known), None);
        assert_eq!(
            did_you_mean("image", known),
            None,
            "itself is no suggestion"
        );
    }

    #[test]
    fn budget_and_ties() {
        assert_eq!(typo_limit("ab"), 1);
        assert_eq!(typo_limit("symptoms"), 2);
        assert_eq!(
            closest("ISSUE-013", ["ISSUE-012", "ISSUE-011"], 1),
            Some("ISSUE-011")
        );
        assert_eq!(closest("ISSUE-113", ["ISSUE-012"], 1), None);
    }
}
