#!/usr/bin/env bash
# Builds the release archive of spark-docs for one target: the one piece of code that decides the
# layout, run by the release workflow (.github/workflows/release.yml) for every target and by
# hand (or by tests/testsuite/dist.rs) for the host.
#
#   scripts/dist.sh                              # build for the host, archive into dist/
#   scripts/dist.sh --target aarch64-apple-darwin --out /tmp/dist
#   scripts/dist.sh --binary target/debug/spark-docs   # package an already built binary
#   DIST_CARGO_FLAGS=--no-default-features scripts/dist.sh   # a quick local run
#
# Options: --target T (default: the host triple from `rustc -vV`), --out DIR (default: dist),
# --binary PATH (skip cargo; package this binary, which must run on this machine),
# --version V (default: `version` of Cargo.toml).
# Environment: DIST_CARGO_FLAGS (extra `cargo build` flags, split on spaces), DIST_GLIBC (Linux
# gnu targets: build with `cargo zigbuild` against this glibc, e.g. 2.17, for old distributions),
# CARGO_TARGET_DIR (honoured).
#
# Writes DIR/spark-docs-<version>-<target>.tar.gz (.zip for Windows) and beside it
# <archive>.sha256 (`<hex>  <archive name>`, the format of `sha256sum -c`). The archive holds one
# directory spark-docs-<version>-<target>/ with the binary, LICENSE, README.md, CHANGELOG.md,
# completions/ (bash, zsh, fish, powershell, elvish) and man/man1/*.1. Completions and man pages
# are written by the packaged binary itself, so it must run where this script runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=""
out="dist"
binary=""
version=""

usage() {
  sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "$1"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=${2:?--target needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --binary) binary=${2:?--binary needs a value}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "dist.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done

if [ -z "$version" ]; then
  # The first `version = "…"` of Cargo.toml is the [package] one.
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
fi
if [ -z "$target" ]; then
  target=$(rustc -vV | sed -n 's/^host: //p')
fi
if [ -z "$version" ] || [ -z "$target" ]; then
  echo "dist.sh: cannot tell the version or target" >&2
  exit 2
fi

case "$target" in
  *windows*) exe=".exe"; archive_ext="zip" ;;
  *) exe=""; archive_ext="tar.gz" ;;
esac

if [ -z "$binary" ]; then
  read -r -a flags <<< "${DIST_CARGO_FLAGS:-}"
  if [ -n "${DIST_GLIBC:-}" ]; then
    # cargo-zigbuild links against the named glibc; the output still lands in target/<triple>/.
    cargo zigbuild --manifest-path "$root/Cargo.toml" --release --locked \
      --target "$target.$DIST_GLIBC" ${flags[@]+"${flags[@]}"}
  else
    cargo build --manifest-path "$root/Cargo.toml" --release --locked \
      --target "$target" ${flags[@]+"${flags[@]}"}
  fi
  binary="${CARGO_TARGET_DIR:-$root/target}/$target/release/spark-docs$exe"
fi
[ -x "$binary" ] || { echo "dist.sh: no executable at $binary" >&2; exit 2; }

name="spark-docs-$version-$target"
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man/man1"

cp "$binary" "$dir/spark-docs$exe"
cp "$root/LICENSE" "$root/README.md" "$root/CHANGELOG.md" "$dir/"
bin="$dir/spark-docs$exe"
"$bin" completions bash > "$dir/completions/spark-docs.bash"
"$bin" completions zsh > "$dir/completions/_spark-docs"
"$bin" completions fish > "$dir/completions/spark-docs.fish"
"$bin" completions powershell > "$dir/completions/_spark-docs.ps1"
"$bin" completions elvish > "$dir/completions/spark-docs.elv"
"$bin" man --dir "$dir/man/man1"

archive="$name.$archive_ext"
rm -f "$out/$archive" "$out/$archive.sha256"
if [ "$archive_ext" = zip ]; then
  if command -v 7z > /dev/null; then
    (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
  else
    (cd "$stage" && zip -qr "$out/$archive" "$name")
  fi
else
  tar -czf "$out/$archive" -C "$stage" "$name"
fi

if command -v sha256sum > /dev/null; then
  (cd "$out" && sha256sum "$archive" > "$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" > "$archive.sha256")
fi
echo "$out/$archive"
