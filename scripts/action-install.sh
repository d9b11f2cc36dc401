#!/usr/bin/env bash
# Installs spark-docs for the composite action (action.yml): the release binary when the action
# runs at a release, else a build from the action's own source.
#
#   scripts/action-install.sh resolve   # print version=, target=, dir= (for $GITHUB_OUTPUT)
#   scripts/action-install.sh install   # put spark-docs into dir, print its path
#
# Which version: SPARK_DOCS_VERSION (the action's `version` input: `0.2.0` or `v0.2.0`) when set;
# else, when the action runs at a tag (ACTION_REF = `v0.2.0`, or a moving major tag such as `v1`),
# the `version` of the action's own Cargo.toml, which is the release that tag points at; else
# (a branch or commit) none: `install` builds the action's source with `cargo install --locked`.
#
# A release is downloaded from SPARK_DOCS_DOWNLOAD_URL (default
# https://github.com/<ACTION_REPOSITORY>/releases/download) as
# <base>/v<version>/spark-docs-<version>-<target>.tar.gz (.zip on Windows), with
# <base>/v<version>/SHA256SUMS; the archive's SHA-256 must match its line there, or nothing is
# installed and the exit code is 1. A binary already in dir (restored by actions/cache) is
# used as it is.
#
# Environment: ACTION_PATH (the action's checkout; default: this script's repository),
# ACTION_REF, ACTION_REPOSITORY, SPARK_DOCS_VERSION, SPARK_DOCS_DOWNLOAD_URL, SPARK_DOCS_TARGET
# (default: this machine's), SPARK_DOCS_INSTALL_DIR (default:
# $RUNNER_TOOL_CACHE/spark-docs/<version>/<target>), SPARK_DOCS_FEATURES (when set, even empty:
# exactly these cargo features for the source build; unset: the default ones), GITHUB_PATH and GITHUB_OUTPUT (appended to when set).
set -euo pipefail

mode=${1:-install}
action_path=${ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

fail() {
  echo "::error title=spark-docs install::$*" >&2
  exit 1
}

resolve_version() {
  local v=${SPARK_DOCS_VERSION:-}
  if [ -z "$v" ] && [[ ${ACTION_REF:-} =~ ^v[0-9]+(\.[0-9]+)*$ ]]; then
    v=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
  fi
  echo "${v#v}"
}

resolve_target() {
  if [ -n "${SPARK_DOCS_TARGET:-}" ]; then
    echo "$SPARK_DOCS_TARGET"
    return
  fi
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "no release binary for the machine $(uname -m)" ;;
  esac
  case "$(uname -s)" in
    Linux) echo "$arch-unknown-linux-gnu" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) echo "x86_64-pc-windows-msvc" ;;
    *) fail "no release binary for the system $(uname -s)" ;;
  esac
}

sha256_of() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

version=$(resolve_version)
target=$(resolve_target)
case "$target" in
  *windows*) exe=".exe"; ext="zip" ;;
  *) exe=""; ext="tar.gz" ;;
esac
dir=${SPARK_DOCS_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-${TMPDIR:-/tmp}}/spark-docs/${version:-source}/$target}

case "$mode" in
  resolve)
    printf 'version=%s\ntarget=%s\ndir=%s\n' "$version" "$target" "$dir" |
      tee -a "${GITHUB_OUTPUT:-/dev/null}"
    exit 0
    ;;
  install) ;;
  *) echo "usage: action-install.sh resolve|install" >&2; exit 2 ;;
esac

mkdir -p "$dir"
if [ -n "$version" ] && [ -x "$dir/spark-docs$exe" ]; then
  echo "spark-docs $version already in $dir" >&2
elif [ -n "$version" ]; then
  base=${SPARK_DOCS_DOWNLOAD_URL:-https://github.com/${ACTION_REPOSITORY:?ACTION_REPOSITORY or SPARK_DOCS_DOWNLOAD_URL is needed}/releases/download}
  name="spark-docs-$version-$target"
  url="${base%/}/v$version"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "downloading $url/$name.$ext" >&2
  curl --fail --silent --show-error --location --retry 3 -o "$work/$name.$ext" "$url/$name.$ext" ||
    fail "cannot download $url/$name.$ext"
  curl --fail --silent --show-error --location --retry 3 -o "$work/SHA256SUMS" "$url/SHA256SUMS" ||
    fail "cannot download $url/SHA256SUMS"
  expected=$(awk -v f="$name.$ext" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
  [ -n "$expected" ] || fail "SHA256SUMS has no line for $name.$ext"
  actual=$(sha256_of "$work/$name.$ext")
  [ "$actual" = "$expected" ] ||
    fail "checksum mismatch for $name.$ext: expected $expected, got $actual"
  if [ "$ext" = zip ]; then
    unzip -q "$work/$name.$ext" -d "$work"
  else
    tar -xzf "$work/$name.$ext" -C "$work"
  fi
  [ -x "$work/$name/spark-docs$exe" ] || fail "$name.$ext holds no $name/spark-docs$exe"
  cp -R "$work/$name/." "$dir/"
else
  echo "not a release ref (${ACTION_REF:-none}): building spark-docs from $action_path" >&2
  features=()
  if [ -n "${SPARK_DOCS_FEATURES+set}" ]; then
    features=(--no-default-features --features "$SPARK_DOCS_FEATURES")
  fi
  CARGO_TARGET_DIR="$action_path/target" cargo install --locked --path "$action_path" \
    --root "$dir" --force ${features[@]+"${features[@]}"}
  cp "$dir/bin/spark-docs$exe" "$dir/"
fi

"$dir/spark-docs$exe" --version >&2
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dir" >> "$GITHUB_PATH"
fi
echo "$dir/spark-docs$exe"
