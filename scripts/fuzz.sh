#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time, one after another (the fuzzers are
# CPU-bound; one at a time leaves the other cores to the rest of the machine).
#
#   scripts/fuzz.sh [SECONDS]            each target for SECONDS (default 600)
#   FUZZ_TARGETS="shell values" scripts/fuzz.sh 60
#   FUZZ_LOG_DIR=/tmp/fuzz-logs scripts/fuzz.sh
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). Each target
# starts from its committed seeds (fuzz/seeds/<target>/, from tests/fixtures) plus what earlier
# runs kept in fuzz/corpus/<target>/ (git-ignored). A crash leaves its input in
# fuzz/artifacts/<target>/; keep it as a regression test in tests/testsuite/fuzz_regressions.rs.
# Exit status: 0 when no target crashed, 1 otherwise.
set -euo pipefail

seconds="${1:-600}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [SECONDS]" >&2
    exit 2
fi
read -r -a targets <<<"${FUZZ_TARGETS:-recipe values notebook shell properties}"
fuzz_dir="$(cd "$(dirname "$0")/../fuzz" && pwd)"
log_dir="${FUZZ_LOG_DIR:-$fuzz_dir/logs}"
mkdir -p "$log_dir"
cd "$fuzz_dir"

# No sanitizer: the crate is safe Rust, and panics, timeouts and memory limits are what we hunt.
# `cargo fuzz build` takes one target or none (all of them): build each named one.
for target in "${targets[@]}"; do
    cargo +nightly fuzz build --sanitizer none "$target"
done

failed=()
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    log="$log_dir/$target.log"
    echo "== $target: ${seconds}s, log $log"
    if cargo +nightly fuzz run --sanitizer none "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        status=ok
    else
        status=CRASH
        failed+=("$target")
    fi
    runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)"
    echo "   $status: ${runs:-?} executions"
done

if ((${#failed[@]})); then
    echo "crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
