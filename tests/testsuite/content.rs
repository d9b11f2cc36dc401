//! The default site's own content: troubleshooting recipes carry log signatures that match their
//! own Symptoms text, and every issue is covered by a recipe.

use spark_docs::BuildOptions;

use crate::support::repo_root;

fn site() -> spark_docs::model::Site {
    let opts = BuildOptions {
        root: repo_root(),
        ..Default::default()
    };
    spark_docs::load_site(&opts).expect("default site loads")
}

/// The text of a `## Heading` section (up to the next `## `).
fn section<'a>(body: &'a str, heading: &str) -> Option<&'a str> {
    let start = body.find(&format!("\n## {heading}"))? + 1;
    let rest = &body[start..];
    let end = rest[3..].find("\n## ").map(|i| i + 3).unwrap_or(rest.len());
    Some(&rest[..end])
}

#[test]
fn every_troubleshooting_recipe_has_a_signature_matching_its_symptoms() {
    let site = site();
    let troubleshooting: Vec<_> = site
        .recipes
        .iter()
        .filter(|r| r.category == "troubleshoot")
        .collect();
    assert!(
        troubleshooting.len() >= 14,
        "the plan lists 14 troubleshooting recipes"
    );
    for r in troubleshooting {
        let symptoms = section(&r.doc.body, "Symptoms")
            .unwrap_or_else(|| panic!("{} has no Symptoms", r.source.rel));
        assert!(
            !r.signatures.is_empty(),
            "{} declares no signatures",
            r.source.rel
        );
        let matching = r
            .signatures
            .iter()
            .filter(|s| {
                regex::Regex::new(s)
                    .unwrap_or_else(|e| panic!("{}: {e}", r.source.rel))
                    .is_match(symptoms)
            })
            .count();
        assert!(
            matching > 0,
            "{}: no signature matches its own Symptoms text",
            r.source.rel
        );
        assert!(
            r.quickref.is_some(),
            "{} has no quickref one-liner",
            r.source.rel
        );
    }
}

#[test]
fn every_issue_is_covered_by_a_recipe() {
    let site = site();
    for id in site.issue_ids() {
        assert!(
            site.recipes
                .iter()
                .any(|r| r.issues.iter().any(|i| i == id)),
            "{id} is not in any recipe's `issues:`"
        );
    }
}
