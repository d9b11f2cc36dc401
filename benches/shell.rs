//! Shell-block throughput of `shell-syntax` (not a test): `cargo bench --bench shell`.
//!
//! Generates 2,000 varied shell blocks (valid and broken: pipelines, heredocs, `$( )` across
//! lines, loops, `case`, functions, `[[ ]]`, placeholders already neutralised), times
//! `syntax_errors` over all of them, and times `bash -n` (one process per block, the only way
//! bash can check a block) on a 50-block sample so the ratio is visible.

use spark_docs::check::shell::syntax_errors;
use std::time::Instant;

/// A small deterministic generator (no dependency, same corpus every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

const NAMESPACES: &[&str] = &["spark", "spark-jobs", "Pxxxxxxxxxx", "monitoring"];
const RELEASES: &[&str] = &[
    "spark-connect",
    "Pxxxxxxxxxxxx",
    "spark-operator",
    "hive-metastore",
];
const KEYS: &[&str] = &[
    "connect.enabled=true",
    "connect.sparkConf.spark\\.executor\\.memory=4g",
    "image.tag=4.1.0",
    "metastore.uris=thrift://hms:9083",
];

fn block(r: &mut Lcg, i: usize) -> String {
    let ns = r.pick(NAMESPACES);
    let rel = r.pick(RELEASES);
    let key = r.pick(KEYS);
    let mut b = match i % 10 {
        0 => format!(
            "helm upgrade --install {rel} charts/spark-4.1 \\\n  --namespace {ns} --create-namespace \\\n  --set {key} \\\n  -f values-scenario-{i}.yaml\nkubectl -n {ns} rollout status deploy/{rel} --timeout=300s\n"
        ),
        1 => format!(
            "pod=$(kubectl get pods -n {ns} \\\n  -l app.kubernetes.io/instance={rel} \\\n  -o jsonpath='{{.items[0].metadata.name}}')\nkubectl -n {ns} logs \"$pod\" --tail=200 | grep -iE 'error|exception' || echo \"no errors in $pod\"\n"
        ),
        2 => format!(
            "kubectl apply -n {ns} -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {rel}-conf-{i}\ndata:\n  spark-defaults.conf: |\n    spark.driver.host $(hostname -f)\n    spark.executor.instances 2\nEOF\n"
        ),
        3 => format!(
            "for p in $(kubectl get pods -n {ns} -o name); do\n  phase=$(kubectl get \"$p\" -n {ns} -o jsonpath='{{.status.phase}}')\n  if [[ \"$phase\" != Running && \"$phase\" != Succeeded ]]; then\n    echo \"$p is $phase\"\n  fi\ndone\n"
        ),
        4 => format!(
            "case \"${{1:-status}}\" in\n  start) helm install {rel} charts/spark-4.1 -n {ns} ;;\n  stop|down) helm uninstall {rel} -n {ns} ;;\n  *) kubectl get all -n {ns} ;;\nesac\n"
        ),
        5 => format!(
            "wait_ready() {{\n  local n=0\n  until kubectl -n {ns} get pod \"$1\" -o jsonpath='{{.status.phase}}' | grep -q Running; do\n    n=$((n + 1)); (( n > 30 )) && return 1\n    sleep 2\n  done\n}}\nwait_ready {rel}-0 && echo ready\n"
        ),
        6 => format!(
            "AK=$(kubectl get secret s3-credentials -n {ns} -o go-template='{{{{index .data \"access-key\" | base64decode}}}}')\nmc alias set minio http://minio.{ns}.svc:9000 \"$AK\" \"$(kubectl get secret s3-credentials -n {ns} -o jsonpath='{{.data.secret-key}}' | base64 -d)\"\nmc ls minio/spark-events/ |& tail -n 5\n"
        ),
        7 => format!(
            "export SPARK_REMOTE=\"sc://{rel}.{ns}.svc.cluster.local:15002\"\npython - <<'PY'\nfrom pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nprint(spark.range(10).count())\nPY\n"
        ),
        8 => format!(
            "kubectl -n {ns} port-forward svc/{rel} 4040:4040 >/dev/null 2>&1 &\nPF=$!\ntrap 'kill $PF' EXIT\ncurl -fsS http://localhost:4040/api/v1/applications | jq '.[] | {{id, name}}'\n"
        ),
        _ => format!(
            "diff <(helm get values {rel} -n {ns} -a) <(helm show values charts/spark-4.1)\nkubectl get events -n {ns} --sort-by=.lastTimestamp | tail -n 20\n"
        ),
    };
    // One block in eight is broken in a way people break blocks.
    match r.next() % 8 {
        0 => b.push_str("echo \"unterminated\n"),
        1 => b.push_str("if [[ -n \"$X\" ]]; then\n  echo x\n"),
        2 => b.push_str(&format!("echo \"$(kubectl get pods -n {ns} |)\"\n")),
        _ => {}
    }
    b
}

fn main() {
    let mut r = Lcg(2024);
    let blocks: Vec<String> = (0..2000).map(|i| block(&mut r, i)).collect();
    let lines: usize = blocks.iter().map(|b| b.lines().count()).sum();

    // Warm up, then time the parser over the whole corpus a few times; keep the best run.
    let mut broken = 0;
    for b in &blocks {
        broken += usize::from(syntax_errors(b).iter().any(|e| !e.warning));
    }
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for b in &blocks {
            std::hint::black_box(syntax_errors(std::hint::black_box(b)));
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    let per_block_us = best / blocks.len() as f64 * 1e6;
    println!(
        "corpus: {} blocks, {lines} lines, {broken} with a syntax error",
        blocks.len()
    );
    println!(
        "syntax_errors: {:.0} blocks/s ({per_block_us:.1} µs per block, {:.1} ms for the corpus)",
        blocks.len() as f64 / best,
        best * 1e3
    );

    // bash -n: one process per block, on a 50-block sample.
    let dir = std::env::temp_dir().join(format!("spark-docs-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let sample: Vec<&String> = blocks.iter().step_by(blocks.len() / 50).take(50).collect();
    let paths: Vec<_> = sample
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let p = dir.join(format!("{i}.sh"));
            std::fs::write(&p, b).expect("write sample");
            p
        })
        .collect();
    let t = Instant::now();
    let mut ran = 0;
    for p in &paths {
        if std::process::Command::new("bash")
            .arg("-n")
            .arg(p)
            .output()
            .is_ok()
        {
            ran += 1;
        }
    }
    let bash = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    if ran == 0 {
        println!("bash -n: bash not found, no comparison");
        return;
    }
    let bash_us = bash / ran as f64 * 1e6;
    println!(
        "bash -n: {:.0} blocks/s ({:.0} µs per block, {ran}-block sample)",
        1e6 / bash_us,
        bash_us
    );
    println!(
        "ratio: syntax_errors is {:.0}x faster per block than bash -n",
        bash_us / per_block_us
    );
}
