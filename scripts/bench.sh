#!/usr/bin/env bash
# Benchmarks spark-docs against Hugo and mdBook on generated corpora (README "Performance").
#
# Usage: scripts/bench.sh            (from the repository root)
#
# For each N in SIZES it generates N recipes (examples/gen-corpus.rs: the spark-docs site, the
# same pages as a Hugo site and as an mdBook), then runs, alternating the tools, RUNS times each:
#   - `spark-docs build` (full: load, checks, render, search index, PDF card, write),
#   - `spark-docs check` alone,
#   - `hugo` and `mdbook build` rendering the same pages,
# and reports medians, the ratio to Hugo, peak RSS, output size, search-index size, and time and
# memory per recipe (linearity in N). Then `spark-docs -v build` once per N for the stage
# timings, and the `serve` save-to-reload latency on the default site (benches/serve_reload.rs).
#
# Environment:
#   SPARK_DOCS  spark-docs binary (default: target/release/spark-docs, built here with --release)
#   HUGO        hugo binary (default: hugo on PATH; Debian package `hugo`); skipped if missing
#   MDBOOK      mdbook binary (default: mdbook on PATH; `cargo install mdbook --locked`); skipped
#               if missing
#   SIZES       corpus sizes (default: "100 1000 5000")
#   RUNS        runs per tool and size; the median is reported (default: 3)
#   WORK        where corpora and outputs go (default: target/bench)
#   SERVE_RUNS  edits for the serve latency (default: 20; 0 skips it)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sizes="${SIZES:-100 1000 5000}"
runs="${RUNS:-3}"
work="${WORK:-$root/target/bench}"
serve_runs="${SERVE_RUNS:-20}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

if [[ -z "${SPARK_DOCS:-}" ]]; then
  cargo build --release --quiet
  SPARK_DOCS="$target_dir/release/spark-docs"
fi
hugo_bin="${HUGO:-$(command -v hugo || true)}"
mdbook_bin="${MDBOOK:-$(command -v mdbook || true)}"
mkdir -p "$work"

# median of the numbers given as arguments
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# run_timed OUT_VAR_PREFIX COMMAND...: runs the command once under /usr/bin/time, appends the
# elapsed seconds and peak RSS (MB) to the arrays <prefix>_secs and <prefix>_rss.
run_timed() {
  local prefix="$1"
  shift
  local report="$work/time.txt"
  # Flush what the previous run left to write, so no tool pays for another's writeback.
  sync
  if ! /usr/bin/time -f '%e %M' -o "$report" "$@" >/dev/null 2>"$work/stderr.txt"; then
    echo "failed: $*" >&2
    cat "$work/stderr.txt" >&2
    exit 1
  fi
  local secs kb
  read -r secs kb <"$report"
  eval "${prefix}_secs+=(\"$secs\")"
  eval "${prefix}_rss+=(\"$((kb / 1024))\")"
}

# discard DIR...: moves earlier outputs out of the way, into $work/trash, removed when the bench
# ends. Each run writes into an empty directory, but not right after the bench deleted thousands
# of files: ext4 skips inodes deleted in the last seconds when it allocates new ones, and a build
# started right after an `rm -rf` of the previous output paid for it (at N = 1,000 the write
# stage took 0.8-0.9 s instead of 20-30 ms), in proportion to the files each tool writes.
trash="$work/trash"
discard() {
  local d
  mkdir -p "$trash"
  for d in "$@"; do
    if [[ -e "$d" ]]; then
      mv "$d" "$(mktemp -d "$trash/XXXXXX")/"
    fi
  done
}
trap 'rm -rf "$trash"' EXIT

bytes() { du -sb "$1" 2>/dev/null | cut -f1; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "spark-docs: $SPARK_DOCS"
echo "hugo: ${hugo_bin:-missing} $([[ -n "$hugo_bin" ]] && "$hugo_bin" version | cut -d' ' -f2)"
echo "mdbook: ${mdbook_bin:-missing} $([[ -n "$mdbook_bin" ]] && "$mdbook_bin" --version)"
echo "runs: $runs per tool, alternating; medians"
echo

table="| N recipes | spark-docs build s | check s | Hugo s | mdBook s | build / Hugo | build / mdBook | peak RSS MB (build / check / Hugo / mdBook) | output MB (sd / Hugo / mdBook) | search index MB (sd / mdBook) | ms per recipe | KB RSS per recipe |"
table+=$'\n'"|---|---|---|---|---|---|---|---|---|---|---|---|"
stages=""

for n in $sizes; do
  corpus="$work/corpus-$n"
  # The generator is deterministic: a corpus already there is the same corpus.
  if [[ ! -f "$corpus/site.toml" ]]; then
    cargo run --release --quiet --example gen-corpus -- "$n" "$corpus" >/dev/null
  fi
  build_secs=() build_rss=() check_secs=() check_rss=()
  hugo_secs=() hugo_rss=() mdbook_secs=() mdbook_rss=()
  for ((i = 1; i <= runs; i++)); do
    discard "$work/out-sd-$n" "$work/out-hugo-$n" "$work/out-mdbook-$n"
    run_timed build "$SPARK_DOCS" build -q --root "$corpus" --out "$work/out-sd-$n"
    if [[ -n "$hugo_bin" ]]; then
      run_timed hugo "$hugo_bin" --quiet --source "$corpus-hugo" --destination "$work/out-hugo-$n"
    fi
    if [[ -n "$mdbook_bin" ]]; then
      run_timed mdbook "$mdbook_bin" build "$corpus-mdbook" --dest-dir "$work/out-mdbook-$n"
    fi
    run_timed check "$SPARK_DOCS" check -q --root "$corpus"
  done
  b=$(median "${build_secs[@]}")
  c=$(median "${check_secs[@]}")
  h="-" m="-" hr="-" mr="-" hs=0 ms=0 msearch=0
  if [[ -n "$hugo_bin" ]]; then
    h=$(median "${hugo_secs[@]}")
    hr=$(median "${hugo_rss[@]}")
    hs=$(bytes "$work/out-hugo-$n")
  fi
  if [[ -n "$mdbook_bin" ]]; then
    m=$(median "${mdbook_secs[@]}")
    mr=$(median "${mdbook_rss[@]}")
    ms=$(bytes "$work/out-mdbook-$n")
    msearch=$(($(bytes "$work/out-mdbook-$n/searchindex.js" || echo 0) + $(bytes "$work/out-mdbook-$n/searchindex.json" || echo 0)))
  fi
  br=$(median "${build_rss[@]}")
  sd_size=$(bytes "$work/out-sd-$n")
  sd_search=$(bytes "$work/out-sd-$n/pagefind")
  per_recipe_ms=$(awk -v s="$b" -v n="$n" 'BEGIN { printf "%.2f", 1000 * s / n }')
  per_recipe_kb=$(awk -v r="$br" -v n="$n" 'BEGIN { printf "%.0f", 1024 * r / n }')
  table+=$'\n'"| $n | $b | $c | $h | $m | $(ratio "$b" "$h") | $(ratio "$b" "$m") | $br / $(median "${check_rss[@]}") / $hr / $mr | $(mb "$sd_size") / $(mb "$hs") / $(mb "$ms") | $(mb "$sd_search") / $(mb "$msearch") | $per_recipe_ms | $per_recipe_kb |"
  discard "$work/out-sd-$n"
  sync
  "$SPARK_DOCS" -v build --root "$corpus" --out "$work/out-sd-$n" 2>"$work/stages-$n.txt" >/dev/null
  stages+=$'\n'"N = $n:"$'\n'"$(grep -E '^(stage|load|check|render|search|  search|  card|write|total) ' "$work/stages-$n.txt")"
  echo "done: N = $n" >&2
done

echo "$table"
echo
echo "stage timings (spark-docs -v build, one run; search and card: each on its own thread, from the start of render):"
echo "$stages"

if [[ "$serve_runs" -gt 0 ]]; then
  echo
  echo "serve: save -> reload latency on the default site ($serve_runs edits):"
  SERVE_BENCH_N="$serve_runs" cargo bench --quiet --bench serve_reload 2>&1 | grep -iE 'median|p90|stage|ms' || true
fi
