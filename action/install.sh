#!/usr/bin/env bash
# Installs the catalint release binary for this runner, as the GitHub Action (action.yml) does:
# picks the asset for the runner's OS and architecture, downloads it and the release's
# SHA256SUMS, refuses to go on unless the asset's SHA-256 matches, unpacks it and puts it on
# PATH (through $GITHUB_PATH). tests/action.rs runs it against a local folder laid out like a
# release (CATALINT_BASE_URL=file://...).
#
# Environment (the action sets these from its inputs and the runner):
#   CATALINT_VERSION   "0.1.0", "v0.1.0" or "latest" (default: latest)
#   CATALINT_BASE_URL  where releases live, laid out as GitHub's: <base>/download/v<version>/<asset>
#                      and <base>/latest/download/<asset>
#                      (default: https://github.com/catalint/catalint/releases)
#   RUNNER_OS, RUNNER_ARCH  Linux|macOS|Windows, X64|ARM64 (default: from uname)
#   RUNNER_TEMP        where to unpack (default: a temporary folder)
#   GITHUB_PATH        file to append the binary's folder to (optional)
#   GITHUB_OUTPUT      file to write `path=` and `version=` to (optional)
set -euo pipefail

fail() {
  # An annotation on the workflow run, and plain text for a local run.
  echo "::error title=catalint install::$1"
  echo "catalint install: $1" >&2
  exit 1
}

version=${CATALINT_VERSION:-latest}
version=${version#v}
base=${CATALINT_BASE_URL:-https://github.com/catalint/catalint/releases}
base=${base%/}

os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
case "$os" in
  Linux | linux) os=linux ;;
  macOS | Darwin | darwin) os=macos ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) fail "no catalint release binary for the OS '$os'; use 'pip install catalint' or 'cargo install catalint'" ;;
esac
case "$arch" in
  X64 | x86_64 | amd64 | AMD64) arch=x86_64 ;;
  ARM64 | aarch64 | arm64) arch=aarch64 ;;
  *) fail "no catalint release binary for the architecture '$arch'; use 'pip install catalint' or 'cargo install catalint'" ;;
esac
case "$os-$arch" in
  linux-x86_64) target=x86_64-unknown-linux-musl ;;
  linux-aarch64) target=aarch64-unknown-linux-musl ;;
  macos-x86_64) target=x86_64-apple-darwin ;;
  macos-aarch64) target=aarch64-apple-darwin ;;
  windows-x86_64) target=x86_64-pc-windows-msvc ;;
  *) fail "no catalint release binary for $os on $arch; use 'pip install catalint' or 'cargo install catalint'" ;;
esac
if [[ $os == windows ]]; then ext=zip exe=catalint.exe; else ext=tar.gz exe=catalint; fi
asset="catalint-$target.$ext"
if [[ $version == latest ]]; then
  url_dir="$base/latest/download"
else
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
    fail "'$version' is not a catalint version (expected e.g. 0.1.0, v0.1.0 or latest)"
  url_dir="$base/download/v$version"
fi

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/catalint.XXXXXX")
fetch() {
  curl --fail --silent --show-error --location --retry 3 --output "$2" "$1" ||
    fail "could not download $1 (is version '${CATALINT_VERSION:-latest}' released for $target?)"
}
echo "catalint: downloading $asset ($url_dir)"
fetch "$url_dir/$asset" "$work/$asset"
fetch "$url_dir/SHA256SUMS" "$work/SHA256SUMS"

# `<hex>  <name>` lines, as sha256sum writes them; a `*` before the name marks binary mode.
expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$work/SHA256SUMS")
[[ -n $expected ]] || fail "SHA256SUMS of the release has no line for $asset; refusing to run an unverified binary"
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$asset" | awk '{ print $1 }')
elif command -v shasum >/dev/null 2>&1; then
  actual=$(shasum -a 256 "$work/$asset" | awk '{ print $1 }')
else
  fail "neither sha256sum nor shasum is installed, so the download cannot be verified"
fi
[[ $actual == "$expected" ]] ||
  fail "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; the file is corrupt or not the released one, so it is not installed"
echo "catalint: SHA-256 verified ($actual)"

dest="$work/bin"
mkdir -p "$dest"
if [[ $ext == zip ]]; then
  unzip -q -j "$work/$asset" "*/$exe" -d "$dest"
else
  tar -xzf "$work/$asset" -C "$dest" --strip-components 1 "catalint-$target/$exe"
fi
chmod +x "$dest/$exe" 2>/dev/null || true
installed=$("$dest/$exe" --version) || fail "the downloaded catalint does not run on this runner ($target)"
echo "catalint: installed $installed at $dest"

if [[ -n ${GITHUB_PATH:-} ]]; then echo "$dest" >>"$GITHUB_PATH"; fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  {
    echo "path=$dest"
    echo "version=${installed##* }"
  } >>"$GITHUB_OUTPUT"
fi
