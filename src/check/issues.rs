//! issues: the issue graph and recipe conventions — `issue-unknown` (an ID nobody wrote up),
//! `issue-orphan` (a write-up no page points to), `recipe-missing-section` (a troubleshooting
//! recipe without its Symptoms/Diagnosis/Solution). `issue-duplicate-id` is found while linking
//! the model; the log-signature rules are in `signatures.rs`.

use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::model::PageRef;
use crate::util::lines::line_col;
use crate::util::suggest;

pub fn check(cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    unknown_and_orphans(cx, &mut findings);
    missing_sections(cx, &mut findings);
    findings
}

/// (line, column) of the first case-insensitive occurrence of `needle` in `text`.
pub(super) fn locate(text: &str, needle: &str) -> (usize, usize) {
    let lower = text.to_ascii_lowercase();
    match lower.find(&needle.to_ascii_lowercase()) {
        Some(at) => line_col(text, at),
        None => (1, 1),
    }
}

fn unknown_and_orphans(cx: &Context, findings: &mut Vec<Finding>) {
    let site = cx.site;
    let known = site.issue_ids();
    for (page, ids) in &site.mentions {
        let src = site.source(*page);
        for id in ids.iter().filter(|id| !known.contains(id.as_str())) {
            let (line, col) = locate(&src.text, id);
            let mut f = Finding::error(
                Code::IssueUnknown,
                &src.rel,
                line,
                col,
                format!("{id} is referenced but no issue file declares it"),
            );
            f = f.with_help(match nearest(id, &known) {
                Some(near) => format!("did you mean {near}? Otherwise add an issue page for {id}"),
                None => {
                    format!("add an issue page for {id} to the issues directory, or fix the ID")
                }
            });
            findings.push(f);
        }
    }
    for id in &known {
        let referenced = site.mentions.iter().any(|(page, ids)| {
            !matches!(page, PageRef::Issue(i) if site.issues[*i].id == *id)
                && ids.iter().any(|m| m == id)
        });
        if !referenced {
            let issue = &site.issues[site.issue_index[*id]];
            findings.push(
                Finding::warning(
                    Code::IssueOrphan,
                    &issue.source.rel,
                    issue.id_line,
                    1,
                    format!("no page references {id}"),
                )
                .with_help(format!(
                    "link it from the recipe that fixes it (front matter `issues: [{id}]`)"
                )),
            );
        }
    }
}

/// A known ID one edit away from `id`: IDs are short and numbered, so a larger budget would
/// offer a different issue rather than a typo's fix.
fn nearest<'a>(id: &str, known: &std::collections::BTreeSet<&'a str>) -> Option<&'a str> {
    suggest::closest(id, known.iter().copied(), 1)
}

fn missing_sections(cx: &Context, findings: &mut Vec<Finding>) {
    let wanted = &cx.cfg.troubleshooting_sections;
    let section_names = &cx.site.config.sections;
    for r in &cx.site.recipes {
        if !cx
            .cfg
            .troubleshooting_categories
            .iter()
            .any(|c| c == &r.category)
        {
            continue;
        }
        let headings = crate::model::anchors::headings(&r.doc.body);
        let missing: Vec<&String> = wanted
            .iter()
            .filter(|w| {
                !headings
                    .iter()
                    .any(|h| h.level >= 2 && section_names.is(w, &h.text))
            })
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("`## {m}`")).collect();
            findings.push(
                Finding::warning(
                    Code::RecipeMissingSection,
                    &r.source.rel,
                    r.doc.body_line,
                    1,
                    format!("troubleshooting recipe has no {} section", names.join(", ")),
                )
                .with_help(format!(
                    "troubleshooting recipes follow the template: {}; a heading counts as a section when it starts with one of its names in `[sections]` of site.toml (e.g. {})",
                    wanted.join(", "),
                    missing
                        .iter()
                        .map(|m| format!("{m}: {}", section_names.names(m).take(4).map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")))
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            );
        }
    }
}
