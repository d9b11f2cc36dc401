#!/usr/bin/env bash
# Regenerates data/spark-catalog.json.gz, the catalog of Spark properties per Spark version
# that spark-docs checks `--conf` keys, presets and code blocks against. Runs by hand, not in CI.
#
#   scripts/gen-spark-catalog.sh                # newest 3.5.x, newest 4.1.x, newest 4.x
#   scripts/gen-spark-catalog.sh 3.5.9 4.1.4    # exactly these (one per minor line)
#
# Needs: pip (the Python package registry), java + javac 17, python3, tar, unzip.
# Environment: SPARK_CATALOG_WORK (scratch dir, default ${TMPDIR:-/tmp}/spark-catalog; the three
# pyspark tarballs take ~1.3 GB, kept there so a rerun does not download again),
# SPARK_CATALOG_OUT (default data/spark-catalog.json.gz).
#
# How: for each version, `pip download --no-deps pyspark==V` fetches the source tarball, which
# ships Spark's own jars under pyspark-V/deps/jars/. scripts/spark-catalog/DumpSparkConf.java
# puts all of them on the classpath, initialises every Scala object under org/apache/spark that
# builds config entries (ConfigBuilder / SQLConf.buildConf: core `internal.config.package$` and
# its siblings History$, UI$, Python$, Deploy$..., SQLConf$, StaticSQLConf$, deploy.k8s.Config$,
# sql.connect.config.Connect$, HiveUtils$, yarn, streaming; not Tests$) and dumps the registry
# ConfigEntry.knownConfigs with each entry's key, version (since), default, doc, isPublic,
# alternatives, and a type found by applying the entry's value converter to sample strings.
# It also dumps SQLConf.deprecatedSQLConfigs / removedSQLConfigs and SparkConf's
# deprecatedConfigs / configsWithAlternatives. No SparkContext is started.
# Each version is dumped twice with a different working directory, host name, time zone, heap
# and core count; defaults that differ (warehouse dir, driver host, session time zone...) are
# machine-dependent and get a placeholder instead of this machine's value.
# scripts/spark-catalog/literals.py lists the string constants in Spark's class files that are
# exactly a property name or a `spark.x.` prefix: keys Spark reads without registering an entry
# (spark.master, spark.app.name, spark.local.dir...); they are kept, flagged "literal".
# scripts/spark-catalog/merge.py then merges the versions (one record per key, per-version
# differences only), adds the fs.s3a.* keys of core-default.xml from the bundled
# hadoop-client-api jar as spark.hadoop.fs.s3a.*, trims docs to one sentence and gzips.
#
# Spark 3.5's tarball has no spark-connect jar: 3.5's Connect keys are the Connect entries of
# the newest version given that has one, keeping those whose `since` is <= 3.5 (their
# default/doc are the newer release's; records carry "derivedFrom").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
work=${SPARK_CATALOG_WORK:-${TMPDIR:-/tmp}/spark-catalog}
out=${SPARK_CATALOG_OUT:-$repo/data/spark-catalog.json.gz}

log() { printf '%s\n' "gen-spark-catalog: $*" >&2; }

newest() { # newest final release matching an extended regex, from a list on stdin
  grep -E "^$1\$" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}

default_versions() {
  local all
  all=$(pip index versions pyspark 2>/dev/null | sed -n 's/^Available versions: //p' | tr ',' '\n' | tr -d ' ')
  if [[ -z $all ]]; then
    log "cannot list pyspark versions with 'pip index versions pyspark'; give versions as arguments"
    exit 1
  fi
  {
    newest '3\.5\.[0-9]+' <<<"$all"
    newest '4\.1\.[0-9]+' <<<"$all"
    newest '4\.[0-9]+\.[0-9]+' <<<"$all"
  } | awk 'NF && !seen[$0]++'
}

versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  mapfile -t versions < <(default_versions)
fi
log "versions: ${versions[*]}"

mkdir -p "$work/classes"
javac -nowarn -Xlint:-unchecked -d "$work/classes" "$here/spark-catalog/DumpSparkConf.java"

dump() { # version tag -> $work/$version/raw-$tag.jsonl
  local v=$1 tag=$2 n tz
  if [[ $tag == A ]]; then n=2 tz=UTC; else n=3 tz=Asia/Tokyo; fi
  mkdir -p "$work/run-$tag" "$work/tmp-$tag"
  (
    cd "$work/run-$tag"
    SPARK_LOCAL_IP=127.0.0.$n SPARK_LOCAL_HOSTNAME=probe-host-$tag \
      java -XX:ActiveProcessorCount=$n -Xmx${n}84m -Duser.timezone=$tz \
      -Duser.home="/nonexistent-$tag" -Duser.name="probe$tag" -Djava.io.tmpdir="$work/tmp-$tag" \
      -cp "$work/classes:$work/$v/jars/*" DumpSparkConf "$work/$v/raw-$tag.jsonl" \
      >"$work/$v/dump-$tag.log" 2>&1
  ) || { log "$v: dump $tag failed, see $work/$v/dump-$tag.log"; return 1; }
}

for v in "${versions[@]}"; do
  vdir=$work/$v
  mkdir -p "$vdir"
  tarball=$vdir/pyspark-$v.tar.gz
  if [[ ! -f $tarball ]]; then
    log "$v: pip download (~300-460 MB)"
    pip download --quiet --no-deps --no-binary :all: -d "$vdir" "pyspark==$v"
  fi
  if ! compgen -G "$vdir/jars/spark-core_*.jar" >/dev/null; then
    log "$v: extracting deps/jars"
    rm -rf "$vdir/jars" && mkdir -p "$vdir/jars"
    tar -xzf "$tarball" -C "$vdir/jars" --strip-components=3 --wildcards "pyspark-$v/deps/jars/*.jar"
  fi
  log "$v: dumping the config registry (two runs)"
  dump "$v" A &
  pid_a=$!
  dump "$v" B &
  pid_b=$!
  wait "$pid_a"
  wait "$pid_b"
  grep -hE '^(loaded|skip|entries|no )' "$vdir/dump-A.log" >&2 || true
  python3 "$here/spark-catalog/literals.py" "$vdir/jars" >"$vdir/literals.json"
done

mkdir -p "$(dirname "$out")"
python3 "$here/spark-catalog/merge.py" "$out" "$work" "${versions[@]}"
