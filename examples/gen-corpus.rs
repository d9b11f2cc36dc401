//! Writes a synthetic, deterministic corpus for benchmarks: the same pages as a spark-docs site
//! (`DIR`), a minimal Hugo site (`DIR-hugo`) and an mdBook (`DIR-mdbook`).
//!
//! `cargo run --release --example gen-corpus -- N DIR`
//!
//! The spark-docs site holds N recipes across four categories (headings, paragraphs, a table and
//! 4–8 code blocks of bash, YAML, JSON and Python, with `helm --set` lines against a generated
//! chart), N/4 issues that recipes link to and that link back, N/20 presets, a few notebooks and
//! scripts, and a `site.toml`. It checks clean, so `build` does all of its work. The same input
//! always gives the same bytes (a fixed-seed generator, no clock, no hash-map order).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const CATEGORIES: [&str; 4] = ["deployment", "operations", "troubleshoot", "integration"];
const COMPONENTS: [&str; 4] = ["Connect", "History Server", "Metastore", "Executors"];
const NOUNS: [&str; 12] = [
    "driver",
    "executor",
    "event log",
    "metastore",
    "shuffle service",
    "service account",
    "config map",
    "secret",
    "ingress",
    "node pool",
    "history server",
    "connect server",
];
const VERBS: [&str; 8] = [
    "restarts",
    "stalls",
    "fails to start",
    "loses its state",
    "runs out of memory",
    "cannot reach S3",
    "drops connections",
    "ignores its settings",
];
const WORDS: [&str; 24] = [
    "the",
    "cluster",
    "pods",
    "namespace",
    "release",
    "values",
    "chart",
    "Spark",
    "job",
    "session",
    "bucket",
    "prefix",
    "memory",
    "limit",
    "request",
    "node",
    "label",
    "port",
    "service",
    "timeout",
    "retry",
    "log",
    "queue",
    "quota",
];
/// Spark properties the catalog knows, with values of the right type.
const SPARK_PROPS: [(&str, &str); 6] = [
    ("spark.executor.instances", "2"),
    ("spark.executor.memory", "4g"),
    ("spark.driver.memory", "2g"),
    ("spark.executor.cores", "2"),
    ("spark.sql.shuffle.partitions", "200"),
    ("spark.dynamicAllocation.enabled", "false"),
];

/// A small linear congruential generator: deterministic on every platform.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One page in the three layouts: its path below the content root, front matter, title, body.
struct Page {
    rel: String,
    front: String,
    title: String,
    body: String,
}

fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(10);
    let mut s = String::new();
    for i in 0..n {
        let w = rng.pick(&WORDS);
        if i == 0 {
            let mut c = w.chars();
            let first = c.next().unwrap().to_uppercase().collect::<String>();
            s.push_str(&first);
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let n = 3 + rng.below(3);
    let sentences: Vec<String> = (0..n).map(|_| sentence(rng)).collect();
    let mut out = String::new();
    let mut width = 0;
    for word in sentences.join(" ").split(' ') {
        if width + word.len() > 98 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out
}

fn issue_id(i: usize) -> String {
    format!("ISSUE-{:04}", i + 1)
}

fn issue_file(i: usize) -> String {
    format!("{}-generated.md", issue_id(i))
}

fn code_block(rng: &mut Rng, kind: usize, n: usize) -> String {
    let (prop, value) = SPARK_PROPS[rng.below(SPARK_PROPS.len())];
    let mem = 1 + rng.below(8);
    match kind % 4 {
        0 => format!(
            "```bash\nhelm upgrade <release-name> charts/spark-gen -n <namespace> \\\n  \
             --set connect.replicas={} \\\n  --set connect.resources.memory={mem}Gi\n\
             kubectl -n <namespace> rollout status deploy/<release-name>-connect\n```\n",
            1 + rng.below(3)
        ),
        1 => format!(
            "```yaml\nconnect:\n  replicas: {}\n  resources:\n    memory: {mem}Gi\n  \
             sparkConf:\n    {prop}: \"{value}\"\nhistoryServer:\n  enabled: {}\n```\n",
            1 + rng.below(3),
            rng.below(2) == 0
        ),
        2 => format!(
            "```json\n{{\n  \"recipe\": {n},\n  \"replicas\": {},\n  \"labels\": {{\"team\": \
             \"data\", \"tier\": \"batch\"}},\n  \"memoryGi\": {mem}\n}}\n```\n",
            1 + rng.below(3)
        ),
        _ => format!(
            "```python\nfrom pyspark.sql import SparkSession\n\n\
             spark = SparkSession.builder.remote(\"sc://localhost:15002\").getOrCreate()\n\
             df = spark.range({})\nprint(df.count())\n```\n",
            100 * (1 + rng.below(50))
        ),
    }
}

fn recipe(rng: &mut Rng, n: usize, issues: usize) -> Page {
    let category = CATEGORIES[n % CATEGORIES.len()];
    let title = format!(
        "The {} {} in release {n}",
        rng.pick(&NOUNS),
        rng.pick(&VERBS)
    );
    let linked = n % issues.max(1);
    let front = format!(
        "title: {title}\nsummary: {}\nspark: [\"3.5\", \"4.1\"]\nissues: [{}]\ntags: [{}, generated]\n",
        sentence(rng),
        issue_id(linked),
        category
    );
    let mut body = String::new();
    let _ = writeln!(body, "{}\n", paragraph(rng));
    let _ = writeln!(
        body,
        "The incident is written up in [{}](../../issues/{}).\n",
        issue_id(linked),
        issue_file(linked)
    );
    let _ = writeln!(body, "## Symptoms\n\n{}\n", paragraph(rng));
    let _ = writeln!(body, "| Where | What you see |\n|---|---|");
    for _ in 0..3 {
        let _ = writeln!(
            body,
            "| {} log | `{} {}` |",
            rng.pick(&NOUNS),
            rng.pick(&WORDS),
            rng.pick(&VERBS)
        );
    }
    body.push('\n');
    let blocks = 4 + rng.below(5);
    let sections = ["Diagnosis", "Solution", "Verify", "Rollback"];
    for b in 0..blocks {
        if b % 2 == 0 {
            let _ = writeln!(body, "## {} {}\n", sections[(b / 2) % 4], b / 2 + 1);
        }
        let _ = writeln!(body, "{}\n", paragraph(rng));
        body.push_str(&code_block(rng, b + n, n));
        body.push('\n');
    }
    let _ = writeln!(body, "## Notes\n\n{}", paragraph(rng));
    Page {
        rel: format!("recipes/{category}/recipe-{n:05}.md"),
        front,
        title,
        body,
    }
}

fn issue(rng: &mut Rng, i: usize, recipes: usize) -> Page {
    let title = format!(
        "{} {} after upgrade {i}",
        rng.pick(&NOUNS),
        rng.pick(&VERBS)
    );
    let front = format!(
        "id: {}\ntitle: {title}\nstatus: Resolved\nseverity: Major\ncreated: 2026-01-{:02}\n\
         spark: \"4.1\"\ncomponent: {}\n",
        issue_id(i),
        1 + i % 28,
        COMPONENTS[i % COMPONENTS.len()]
    );
    let r = i % recipes.max(1);
    let category = CATEGORIES[r % CATEGORIES.len()];
    let body = format!(
        "## Symptom\n\n{}\n\n## Root cause\n\n{}\n\n## Resolution\n\n{} See \
         [the recipe](../recipes/{category}/recipe-{r:05}.md).\n",
        paragraph(rng),
        paragraph(rng),
        paragraph(rng)
    );
    Page {
        rel: format!("issues/{}", issue_file(i)),
        front,
        title,
        body,
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create directory");
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

const CHART_YAML: &str = "apiVersion: v2\nname: spark-gen\ndescription: A generated Spark Connect \
chart contract for benchmarks.\ntype: application\nversion: 0.1.0\nappVersion: \"4.1.0\"\n";

const CHART_VALUES: &str = "connect:\n  enabled: true\n  replicas: 1\n  resources:\n    \
memory: 2Gi\n  sparkConf: {}\nhistoryServer:\n  enabled: false\n  logDirectory: \
\"s3a://spark-logs/events\"\n";

fn spark_docs_site(dir: &Path, pages: &[Page], rng: &mut Rng, n: usize) {
    write(
        &dir.join("site.toml"),
        "# Generated by `cargo run --release --example gen-corpus`.\n\
         title = \"Generated corpus\"\n\
         description = \"A synthetic site for spark-docs benchmarks.\"\n\
         base_url = \"https://example.github.io/corpus/\"\n\
         language = \"en\"\n\
         repo_url = \"https://github.com/example/corpus\"\n\
         repo_branch = \"main\"\n\n\
         [sources]\n\
         recipes = \"content/recipes\"\n\
         issues = \"content/issues\"\n\
         presets = [\"presets/**/values-scenario-*.yaml\"]\n\
         charts = [\"presets/charts/*\"]\n\
         notebooks = \"content/notebooks\"\n\
         scripts = \"content/scripts\"\n\n\
         [chart_paths]\n\
         \"charts/spark-gen\" = \"presets/charts/spark-gen\"\n",
    );
    let chart = dir.join("presets/charts/spark-gen");
    write(&chart.join("Chart.yaml"), CHART_YAML);
    write(&chart.join("values.yaml"), CHART_VALUES);
    for p in 0..(n / 20).max(1) {
        let (prop, value) = SPARK_PROPS[p % SPARK_PROPS.len()];
        write(
            &chart.join(format!("values-scenario-gen-{p:04}.yaml")),
            &format!(
                "# Generated scenario {p}: {} replicas.\nconnect:\n  replicas: {}\n  \
                 resources:\n    memory: {}Gi\n  sparkConf:\n    {prop}: \"{value}\"\n",
                1 + p % 3,
                1 + p % 3,
                1 + rng.below(8)
            ),
        );
    }
    for page in pages {
        write(
            &dir.join("content").join(&page.rel),
            &format!("---\n{}---\n\n{}", page.front, page.body),
        );
    }
    for k in 0..3 {
        write(
            &dir.join(format!("content/notebooks/probe-{k}.ipynb")),
            &notebook(k),
        );
        write(
            &dir.join(format!("content/scripts/probe-{k}.sh")),
            &format!(
                "#!/usr/bin/env bash\n# Generated probe {k}: list the event-log prefix.\n#\n\
                 # Usage: probe-{k}.sh <namespace>\nset -euo pipefail\n\n\
                 ns=\"${{1:?usage: probe-{k}.sh <namespace>}}\"\n\
                 kubectl -n \"$ns\" get pods -l app=spark-connect\n"
            ),
        );
    }
}

fn notebook(k: usize) -> String {
    format!(
        r##"{{
 "cells": [
  {{
   "cell_type": "markdown",
   "metadata": {{}},
   "source": ["# Probe {k}\n", "\n", "Count a range through Spark Connect."]
  }},
  {{
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {{}},
   "outputs": [],
   "source": [
    "from pyspark.sql import SparkSession\n",
    "\n",
    "spark = SparkSession.builder.remote(\"sc://localhost:15002\").getOrCreate()\n",
    "print(spark.range({k}).count())"
   ]
  }}
 ],
 "metadata": {{"kernelspec": {{"display_name": "Python 3", "language": "python", "name": "python3"}},
  "language_info": {{"name": "python"}}}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"##
    )
}

fn hugo_site(dir: &Path, pages: &[Page]) {
    write(
        &dir.join("hugo.toml"),
        "baseURL = \"https://example.github.io/corpus/\"\ntitle = \"Generated corpus\"\n\
         languageCode = \"en\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n\
         [markup.highlight]\ncodeFences = true\nnoClasses = false\n",
    );
    write(
        &dir.join("layouts/_default/baseof.html"),
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{{ .Title }}</title></head>\n<body><main>{{ block \"main\" . }}{{ end }}</main>\
         </body></html>\n",
    );
    write(
        &dir.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n",
    );
    write(
        &dir.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a \
         href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
    for page in pages {
        write(
            &dir.join("content").join(&page.rel),
            &format!("---\n{}---\n\n{}", page.front, page.body),
        );
    }
}

fn mdbook(dir: &Path, pages: &[Page]) {
    write(
        &dir.join("book.toml"),
        "[book]\ntitle = \"Generated corpus\"\nlanguage = \"en\"\nsrc = \"src\"\n",
    );
    let mut summary = String::from("# Summary\n\n");
    for page in pages {
        let _ = writeln!(
            summary,
            "- [{}]({})",
            page.title.replace(['[', ']'], ""),
            page.rel
        );
        write(
            &dir.join("src").join(&page.rel),
            &format!("# {}\n\n{}", page.title, page.body),
        );
    }
    write(&dir.join("src/SUMMARY.md"), &summary);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen-corpus N DIR   (writes DIR, DIR-hugo and DIR-mdbook)");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let sibling = |suffix: &str| {
        let mut name = dir.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        dir.with_file_name(name)
    };
    let (hugo_dir, mdbook_dir) = (sibling("-hugo"), sibling("-mdbook"));
    for d in [&dir, &hugo_dir, &mdbook_dir] {
        if d.exists() {
            fs::remove_dir_all(d).unwrap_or_else(|e| panic!("remove {}: {e}", d.display()));
        }
    }
    let mut rng = Rng(0x5eed_5a4c_d0c5 ^ n as u64);
    let issues = (n / 4).max(1);
    let mut pages: Vec<Page> = (0..n).map(|r| recipe(&mut rng, r, issues)).collect();
    pages.extend((0..issues).map(|i| issue(&mut rng, i, n)));
    spark_docs_site(&dir, &pages, &mut rng, n);
    hugo_site(&hugo_dir, &pages);
    mdbook(&mdbook_dir, &pages);
    println!(
        "{n} recipes, {issues} issues, {} presets into {}, {} and {}",
        (n / 20).max(1),
        dir.display(),
        hugo_dir.display(),
        mdbook_dir.display()
    );
}
