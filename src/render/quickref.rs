//! The quick-reference card's data, built from the model once and shared by the printable HTML
//! twin (`/quickref/`, always built) and the PDF (`quickref.pdf`, feature `pdf`). Everything on the
//! card comes from here: the troubleshooting table, the preset catalog, open and critical issues,
//! the essential commands, and the footer (site URL, version, build date).

use super::is_resolved;
use crate::model::presets::{lookup, preset_components, preset_key_settings, COMPONENTS};
use crate::model::{self, PageRef, Site};
use crate::util::sections::SectionNames;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use serde_json::{json, Value};

/// Site-absolute URL of the HTML twin.
pub const URL: &str = "/quickref/";
/// Output path of the PDF.
pub const PDF_FILE: &str = "quickref.pdf";

/// The card's data. `date` is the build date (`YYYY-MM-DD`) shown in the footer.
///
/// Every entry has `url` (site-absolute, for the HTML twin, where post-processing adds the base
/// path) and `href` (absolute from `base_url`, for the PDF).
pub fn data(site: &Site, date: &str) -> Value {
    let base = site.config.absolute_base();
    let href = |url: &str| format!("{base}{}", url.trim_start_matches('/'));
    let c = &site.config.site;
    json!({
        "site": {
            "title": c.title,
            "description": c.description,
            "language": c.language,
            "lang": typst_lang(&c.language),
            "url": base,
            "version": env!("CARGO_PKG_VERSION"),
            "generator": format!("spark-docs {}", env!("CARGO_PKG_VERSION")),
            "date": date,
        },
        "quickref_href": href(URL),
        "pdf_href": href(&format!("/{PDF_FILE}")),
        "troubleshooting": troubleshooting(site, &href),
        "presets": presets(site, &href),
        "components": COMPONENTS,
        "issues": issues(site, &href),
        "commands": commands(site),
        "truncated": {"count": 0, "notes": []},
    })
}

/// `en-GB` → `en`: the bare ISO 639 code a typesetter expects (`en` when there is none).
fn typst_lang(language: &str) -> String {
    let code = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase()) {
        code
    } else {
        "en".into()
    }
}

/// Troubleshooting recipes in category order: symptom → recipe → first diagnostic command.
fn troubleshooting(site: &Site, href: &dyn Fn(&str) -> String) -> Vec<Value> {
    let cats = &site.config.site.check.troubleshooting_categories;
    let sections = &site.config.sections;
    let mut rows = Vec::new();
    for (cat, items) in site.categories() {
        if !cats.iter().any(|c| c == &cat) {
            continue;
        }
        for i in items {
            let r = &site.recipes[i];
            let url = site.url(PageRef::Recipe(i));
            let (hint, command, source) = match r
                .quickref
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
            {
                Some(q) => {
                    let (hint, command) = split_quickref(q);
                    (hint, command, "front matter")
                }
                None => match diagnosis_command(&r.doc.body, sections) {
                    Some(cmd) => (String::new(), cmd, "derived"),
                    None => (String::new(), String::new(), "none"),
                },
            };
            rows.push(json!({
                "title": r.title,
                "url": url,
                "href": href(&url),
                "symptom": symptom(&r.summary, &r.doc.body, sections),
                "hint": hint,
                "command": command,
                "source": source,
            }));
        }
    }
    rows
}

/// Plausible first words of a shell command, to split `quickref: "Question? kubectl …"`.
const COMMANDS: &[&str] = &[
    "kubectl",
    "helm",
    "curl",
    "wget",
    "getent",
    "nslookup",
    "dig",
    "host",
    "nc",
    "jq",
    "yq",
    "grep",
    "cat",
    "tail",
    "ls",
    "env",
    "bash",
    "sh",
    "python",
    "python3",
    "pyspark",
    "spark-submit",
    "spark-shell",
    "spark-sql",
    "beeline",
    "aws",
    "mc",
    "s3cmd",
    "docker",
    "oc",
    "stern",
    "k9s",
    "openssl",
    "nslookup",
    "ping",
    "telnet",
    "export",
    "sudo",
    "git",
    "make",
];

fn looks_like_command(s: &str) -> bool {
    let first = s.split_whitespace().next().unwrap_or("");
    let first = first.trim_start_matches("$ ");
    COMMANDS.contains(&first)
        || first.starts_with("./")
        || first.ends_with(".sh")
        || first.starts_with('$')
}

/// `"Why? kubectl get …"` / `"What to check: kubectl …"` → (hint, command). A value that is all
/// command gives no hint; one with no recognisable command is all hint.
pub fn split_quickref(q: &str) -> (String, String) {
    let q = q.trim();
    if looks_like_command(q) {
        return (String::new(), q.trim_start_matches("$ ").to_string());
    }
    for (i, _) in q.match_indices([':', '?', '.', '—']) {
        let sep_len = q[i..].chars().next().map(char::len_utf8).unwrap_or(1);
        let rest = &q[i + sep_len..];
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = rest.trim_start();
        if looks_like_command(rest) {
            let hint = q[..i + sep_len]
                .trim()
                .trim_end_matches([':', '—'])
                .trim()
                .to_string();
            return (hint, rest.trim_start_matches("$ ").to_string());
        }
    }
    (q.to_string(), String::new())
}

/// The first command of the first shell block in the Diagnosis section (a `##` heading
/// `[sections] diagnosis` names): continuation lines joined, comments and a leading `$ ` prompt
/// dropped.
pub fn diagnosis_command(body: &str, sections: &SectionNames) -> Option<String> {
    let wanted = |h: &str| sections.is("diagnosis", h);
    let mut in_heading = false;
    let mut heading = String::new();
    let mut in_section = false;
    let mut in_block = false;
    let mut block = String::new();
    for ev in Parser::new_ext(body, crate::load::recipe::markdown_options()) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H2 => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(level)) if level <= HeadingLevel::H2 => {
                in_heading = false;
                in_section = wanted(&heading);
            }
            Event::Text(t) | Event::Code(t) if in_heading => heading.push_str(&t),
            Event::Start(Tag::CodeBlock(kind)) if in_section => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_lowercase()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let attrs = match &kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                in_block = crate::util::langs::is_shell_or_console(&lang)
                    && !attrs.split_whitespace().any(|a| a == "ignore");
                block.clear();
            }
            Event::Text(t) if in_block => block.push_str(&t),
            Event::End(TagEnd::CodeBlock) if in_block => {
                if let Some(cmd) = first_command(&block) {
                    return Some(cmd);
                }
                in_block = false;
            }
            _ => {}
        }
    }
    None
}

/// The first command of a shell snippet, with `\` continuation lines joined onto one line.
pub fn first_command(code: &str) -> Option<String> {
    let mut out = String::new();
    for line in code.lines() {
        let t = line.trim();
        if out.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        let t = t.strip_prefix("$ ").unwrap_or(t);
        match t.strip_suffix('\\') {
            Some(head) => {
                out.push_str(head.trim_end());
                out.push(' ');
            }
            None => {
                out.push_str(t);
                break;
            }
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    (!out.is_empty()).then_some(out)
}

/// What the user sees: the summary's first sentence up to "because" (the cause belongs to the
/// recipe), else the first paragraph of the Symptoms section; at most ~160 characters.
pub fn symptom(summary: &str, body: &str, sections: &SectionNames) -> String {
    let mut s = first_sentence(summary);
    if s.is_empty() {
        s = first_section_text(body, |h| sections.is("symptoms", h));
    }
    for cut in [
        ", because ",
        " because ",
        ", потому что ",
        " потому что ",
        "; ",
    ] {
        if let Some(i) = s.find(cut) {
            s.truncate(i);
            if !s.ends_with('.') {
                s.push('.');
            }
        }
    }
    clip(&s, 160)
}

fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for w in bytes.windows(3) {
        let ((i, a), (_, b), (_, c)) = (w[0], w[1], w[2]);
        if matches!(a, '.' | '!' | '?') && b == ' ' && (c.is_uppercase() || c == '`') {
            return text[..i + a.len_utf8()].to_string();
        }
    }
    text
}

fn first_section_text(body: &str, is_section: impl Fn(&str) -> bool) -> String {
    let mut in_heading = false;
    let mut heading = String::new();
    let mut in_section = false;
    let mut text = String::new();
    let mut depth_block = 0usize;
    for ev in Parser::new_ext(body, crate::load::recipe::markdown_options()) {
        match ev {
            Event::Start(Tag::Heading { .. }) => {
                if in_section && !text.trim().is_empty() {
                    break;
                }
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                in_section = is_section(&heading);
            }
            Event::Text(t) | Event::Code(t) if in_heading => heading.push_str(&t),
            Event::Start(Tag::CodeBlock(_)) => depth_block += 1,
            Event::End(TagEnd::CodeBlock) => depth_block = depth_block.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_section && depth_block == 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_section => text.push(' '),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item)
                if in_section && !text.trim().is_empty() =>
            {
                break
            }
            _ => {}
        }
    }
    first_sentence(text.trim())
}

/// At most `max` characters, cut at a word boundary with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// The preset catalog in catalog order (newest Spark first, then chart, then file).
fn presets(site: &Site, href: &dyn Fn(&str) -> String) -> Vec<Value> {
    let mut order: Vec<usize> = (0..site.presets.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(site.preset_spark_version(i)),
            site.preset_chart_name(i),
            site.presets[i].stem.clone(),
        )
    });
    order
        .into_iter()
        .map(|i| {
            let p = &site.presets[i];
            let chart = site.preset_chart[i].map(|c| &site.charts[c]);
            let effective = site.preset_effective_values(i);
            let chart_path = site.preset_chart[i].map(|c| site.chart_command_path(c)).unwrap_or_else(|| "<chart>".into());
            let url = site.url(PageRef::Preset(i));
            let key_settings: Vec<Value> = p
                .values
                .as_ref()
                .map(preset_key_settings)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| json!({"key": k, "value": clip(&v, 60)}))
                .collect();
            json!({
                "file_name": p.file_name,
                "url": url,
                "href": href(&url),
                "chart": chart.map(|c| c.name.clone()).unwrap_or_else(|| "(unknown chart)".into()),
                "chart_path": chart_path,
                "spark_version": site.preset_spark_version(i),
                "scenario": p.stem.trim_start_matches("values-scenario-").trim_start_matches("values-"),
                "description": clip(&super::first_paragraph(&p.description), 200),
                "components": preset_components(&effective),
                "key_settings": key_settings,
                "install": format!("helm install <release-name> {chart_path} -n <namespace> --create-namespace -f {}", p.source.rel),
            })
        })
        .collect()
}

fn severity_rank(sev: &str) -> u8 {
    match sev.to_ascii_lowercase().as_str() {
        "critical" | "blocker" => 0,
        "high" | "major" => 1,
        "medium" | "moderate" => 2,
        "low" | "minor" => 3,
        _ => 4,
    }
}

/// Open issues (any severity) and critical ones (any status): open first, by severity, newest first.
fn issues(site: &Site, href: &dyn Fn(&str) -> String) -> Vec<Value> {
    let mut v: Vec<&crate::load::Issue> = site
        .issue_index
        .values()
        .map(|&i| &site.issues[i])
        .filter(|i| !is_resolved(&i.status) || severity_rank(&i.severity) == 0)
        .collect();
    v.sort_by(|a, b| {
        (
            is_resolved(&a.status),
            severity_rank(&a.severity),
            std::cmp::Reverse(&a.created),
            &a.id,
        )
            .cmp(&(
                is_resolved(&b.status),
                severity_rank(&b.severity),
                std::cmp::Reverse(&b.created),
                &b.id,
            ))
    });
    v.into_iter()
        .map(|is| {
            let url = model::issue_url(&is.id);
            json!({
                "id": is.id, "title": is.title, "url": url, "href": href(&url),
                "status": is.status, "severity": is.severity, "created": is.created,
                "component": is.component, "spark": is.spark.join(", "),
                "open": !is_resolved(&is.status), "critical": severity_rank(&is.severity) == 0,
            })
        })
        .collect()
}

/// The Spark Connect gRPC port of the site's charts (`15002` unless a chart says otherwise).
fn connect_port(site: &Site) -> String {
    for c in &site.charts {
        if let Some(values) = &c.values {
            for path in [
                "connect.port",
                "sparkConnect.port",
                "connect.grpcPort",
                "sparkConnect.grpcPort",
            ] {
                if let Some(v) = lookup(values, path) {
                    let s = serde_yaml_ng::to_string(v)
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    if !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit()) {
                        return s;
                    }
                }
            }
        }
    }
    "15002".into()
}

/// The essential commands: install with a preset, kubectl diagnostics, Spark Connect, scripts.
fn commands(site: &Site) -> Vec<Value> {
    let item = |label: &str, command: String| json!({"label": label, "command": command});
    let mut install = Vec::new();
    let first_preset = (0..site.presets.len()).find(|&i| site.preset_chart[i].is_some());
    match first_preset {
        Some(i) => {
            let chart = site.chart_command_path(site.preset_chart[i].unwrap_or_default());
            install.push(item(
                "Install with a preset",
                format!("helm install <release-name> {chart} -n <namespace> --create-namespace -f {}", site.presets[i].source.rel),
            ));
        }
        None => install.push(item("Install with a preset", "helm install <release-name> <chart> -n <namespace> --create-namespace -f <preset>.yaml".into())),
    }
    install.push(item(
        "Change one value",
        "helm upgrade <release-name> <chart> -n <namespace> --reuse-values --set <key>=<value>"
            .into(),
    ));
    install.push(item(
        "Effective values",
        "helm get values <release-name> -n <namespace> --all".into(),
    ));
    let mut charts: Vec<String> = (0..site.charts.len())
        .filter(|&c| site.preset_chart.contains(&Some(c)))
        .map(|c| format!("{} → {}", site.charts[c].name, site.chart_command_path(c)))
        .collect();
    charts.sort();
    let port = connect_port(site);
    let kubectl = vec![
        item(
            "Pods and where they run",
            "kubectl get pods -n <namespace> -o wide".into(),
        ),
        item(
            "Why a pod does not start",
            "kubectl describe pod <pod> -n <namespace>".into(),
        ),
        item(
            "Recent events",
            "kubectl get events -n <namespace> --sort-by=.lastTimestamp | tail -20".into(),
        ),
        item(
            "Logs (add --previous after a restart)",
            "kubectl logs <pod> -n <namespace> --tail=200".into(),
        ),
        item(
            "DNS from inside a pod",
            "kubectl exec -n <namespace> <pod> -- getent hosts <host>".into(),
        ),
        item(
            "Reach Connect from your laptop",
            format!("kubectl port-forward -n <namespace> svc/<connect-service> {port}:{port}"),
        ),
    ];
    let connect = vec![
        item("Connect URL", format!("sc://<connect-host>:{port}")),
        item(
            "From Python",
            format!("SparkSession.builder.remote(\"sc://<connect-host>:{port}\").getOrCreate()"),
        ),
    ];
    let scripts: Vec<Value> = site
        .scripts
        .iter()
        .filter(|s| !s.usage.trim().is_empty())
        .map(|s| item(&s.file_name, s.usage.trim().to_string()))
        .collect();
    let mut groups = vec![
        json!({"title": "Helm: install and change", "items": install, "notes": charts}),
        json!({"title": "Diagnose with kubectl", "items": kubectl, "notes": []}),
        json!({"title": "Spark Connect", "items": connect, "notes": []}),
    ];
    if !scripts.is_empty() {
        groups.push(json!({"title": "Scripts", "items": scripts, "notes": []}));
    }
    groups
}

/// One unit the PDF may drop when the card does not fit, lowest priority first (the documented
/// rule): key settings of presets (last preset first), then resolved critical issues (oldest
/// first), then open issues (least severe, oldest first), then presets (last first), then
/// troubleshooting rows (last first). The header, essential commands and footer always stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    KeySettings(usize),
    Issue(usize),
    Preset(usize),
    Troubleshooting(usize),
}

/// Every droppable unit of `data`, in drop order.
pub fn drop_order(data: &Value) -> Vec<Drop> {
    let len = |k: &str| data[k].as_array().map(Vec::len).unwrap_or(0);
    let mut v = Vec::new();
    let presets = data["presets"].as_array().cloned().unwrap_or_default();
    v.extend(
        (0..presets.len())
            .rev()
            .filter(|&i| {
                presets[i]["key_settings"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
            })
            .map(Drop::KeySettings),
    );
    // Issues are sorted open first (by severity), then resolved critical; dropping from the end
    // drops resolved critical ones first, then open ones from the least severe.
    v.extend((0..len("issues")).rev().map(Drop::Issue));
    v.extend((0..len("presets")).rev().map(Drop::Preset));
    v.extend((0..len("troubleshooting")).rev().map(Drop::Troubleshooting));
    v
}

/// `data` without the first `n` units of `order`, with `truncated` describing what went.
pub fn apply_drops(data: &Value, order: &[Drop], n: usize) -> Value {
    let mut out = data.clone();
    let dropped = &order[..n.min(order.len())];
    let mut key_settings = 0;
    let (mut issues, mut presets, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    for d in dropped {
        match *d {
            Drop::KeySettings(i) => {
                out["presets"][i]["key_settings"] = json!([]);
                key_settings += 1;
            }
            Drop::Issue(i) => issues.push(i),
            Drop::Preset(i) => presets.push(i),
            Drop::Troubleshooting(i) => rows.push(i),
        }
    }
    let remove = |v: &mut Value, mut idx: Vec<usize>| {
        idx.sort_unstable();
        if let Some(a) = v.as_array_mut() {
            for i in idx.into_iter().rev() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
    };
    let mut notes = Vec::new();
    if key_settings > 0 {
        notes.push(format!(
            "key settings of {key_settings} preset{}",
            plural(key_settings)
        ));
    }
    if !issues.is_empty() {
        notes.push(format!("{} issue{}", issues.len(), plural(issues.len())));
    }
    if !presets.is_empty() {
        notes.push(format!("{} preset{}", presets.len(), plural(presets.len())));
    }
    if !rows.is_empty() {
        notes.push(format!(
            "{} troubleshooting row{}",
            rows.len(),
            plural(rows.len())
        ));
    }
    remove(&mut out["issues"], issues);
    remove(&mut out["presets"], presets);
    remove(&mut out["troubleshooting"], rows);
    out["truncated"] = json!({"count": dropped.len(), "notes": notes});
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quickref_values() {
        assert_eq!(
            split_quickref("Does the Secret exist with keys access-key and secret-key? kubectl describe secret s3-credentials -n <namespace>"),
            ("Does the Secret exist with keys access-key and secret-key?".into(), "kubectl describe secret s3-credentials -n <namespace>".into())
        );
        assert_eq!(
            split_quickref("Resolve spark.driver.host from the executor side: kubectl exec -n <ns> <pod> -- getent hosts <h>"),
            ("Resolve spark.driver.host from the executor side".into(), "kubectl exec -n <ns> <pod> -- getent hosts <h>".into())
        );
        assert_eq!(
            split_quickref("kubectl get pods -A"),
            (String::new(), "kubectl get pods -A".into())
        );
        assert_eq!(
            split_quickref("Ask the platform team."),
            ("Ask the platform team.".into(), String::new())
        );
    }

    #[test]
    fn derives_the_first_diagnosis_command() {
        let body = "Intro\n\n## Symptoms\n\n```bash\nnot-this\n```\n\n## Diagnosis\n\n1. Look:\n\n   ```bash\n   # comment\n   kubectl logs -n <ns> -l app=x \\\n     | grep -E 'a|b'\n   kubectl get pods\n   ```\n";
        let sections = SectionNames::builtin();
        assert_eq!(
            diagnosis_command(body, &sections).as_deref(),
            Some("kubectl logs -n <ns> -l app=x | grep -E 'a|b'")
        );
        assert_eq!(
            diagnosis_command("## Solution\n\n```bash\nx\n```\n", &sections),
            None
        );
    }

    #[test]
    fn symptom_is_the_first_sentence_without_the_cause() {
        let s = symptom(
            "Queries hang because the host is short. Fix it.",
            "",
            &SectionNames::builtin(),
        );
        assert_eq!(s, "Queries hang.");
        let s = symptom(
            "",
            "## Symptoms\n\n- Pods stay `Pending`. More.\n",
            &SectionNames::builtin(),
        );
        assert_eq!(s, "Pods stay Pending.");
    }
}
