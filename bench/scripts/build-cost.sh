#!/usr/bin/env bash
# Build cost of the generated SDK on the 1,000-operation synthetic spec (issue 7).
#
#   bench/scripts/build-cost.sh [OPS]      (default 1000; run from anywhere in the repository)
#
# Copies the generator, the runtime, the mock and the generated crate into a temporary workspace
# whose spec/ holds the synthetic files (one cargo feature each), so the repository is not
# altered, then times:
#   (a) a no-op `cargo build` after a build (the build script must not rerun),
#   (b) `cargo build` after touching one spec file,
#   (c) `cargo check` of the SDK crate with one service feature vs all of them,
#   (d) whether this cargo honours `[hints] mostly-unused = true` (unstable on stable cargo).
# Figures are wall-clock seconds on whatever machine runs it; compare within one run.
set -euo pipefail

OPS="${1:-1000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/dingtalk-build-cost.XXXXXX")"
export CARGO_TARGET_DIR="$TMP/target"
trap 'echo "(left in $TMP; rm -rf it when done)"' EXIT

secs() { # secs CMD...: run CMD quietly, print elapsed seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$TMP/last.log" 2>&1 || { cat "$TMP/last.log"; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

echo "== setting up $OPS synthetic operations in $TMP"
cargo run -q --release --manifest-path "$ROOT/Cargo.toml" -p dingtalk-openapi-bench --bin synth-specs -- "$OPS" "$TMP/ws/spec" >"$TMP/features.txt"
mkdir -p "$TMP/ws/generated"
for crate in generator runtime mock; do
  cp -r "$ROOT/$crate" "$TMP/ws/$crate"
done
cp -r "$ROOT/generated/src" "$ROOT/generated/build.rs" "$TMP/ws/generated/"
ln -s ../spec "$TMP/ws/generated/spec"
cp "$ROOT/Cargo.lock" "$TMP/ws/Cargo.lock"
# The root manifest minus the members that are not copied.
sed -e 's/^members = .*/members = ["generator", "runtime", "mock", "generated"]/' \
    -e 's/^default-members = .*/default-members = ["generated"]/' \
    "$ROOT/Cargo.toml" >"$TMP/ws/Cargo.toml"
FEATURES=$(sed 's/.*/"&"/' "$TMP/features.txt" | paste -sd, -)
# The features: one per synthetic file (all default), `serialize` and `mock` as they are, and
# `oauth2_1_0` declared but off (the SDK's credentials fetch tokens through that service).
awk -v feats="$FEATURES" -v list="$TMP/features.txt" '
  /^\[features\]/ { print; print "default = [" feats "]"; while ((getline f < list) > 0) print f " = []"; print "oauth2_1_0 = []"; skip = 1; next }
  skip && /^serialize = / { print; next }
  skip && /^mock = \[/ { mock = 1 }
  mock { print; if ($0 ~ /\]/) mock = 0; next }
  /^\[/ { skip = 0 }
  !skip { print }
' "$ROOT/generated/Cargo.toml" >"$TMP/ws/generated/Cargo.toml"
ONE=$(head -1 "$TMP/features.txt")
cd "$TMP/ws"
echo "   $(wc -l <"$TMP/features.txt") service files; one-service feature: $ONE"

echo "== cold build (dependencies included)"
echo "   cargo build: $(secs cargo build -p dingtalk-openapi) s"
LINES=$(cat "$CARGO_TARGET_DIR"/debug/build/dingtalk-openapi-*/out/*.rs | grep -cv '^\s*$')
echo "   generated: $LINES non-blank lines, $((LINES / OPS)) per operation"

echo "== (a) no-op build"
echo "   cargo build: $(secs cargo build -p dingtalk-openapi -v) s"
if grep -q 'Running.*build-script-build' "$TMP/last.log"; then
  echo "   the build script RERAN"
else
  echo "   build script not rerun (fresh)"
fi

echo "== (b) build after touching one spec file"
touch "spec/$ONE.yaml"
echo "   cargo build: $(secs cargo build -p dingtalk-openapi) s"

echo "== (c) cargo check of the SDK crate: one service vs all ($OPS ops)"
secs cargo check -p dingtalk-openapi --no-default-features --features "$ONE" >/dev/null
secs cargo check -p dingtalk-openapi >/dev/null
touch generated/src/lib.rs
echo "   one service : $(secs cargo check -p dingtalk-openapi --no-default-features --features "$ONE") s"
touch generated/src/lib.rs
echo "   all services: $(secs cargo check -p dingtalk-openapi) s"
touch generated/src/lib.rs
echo "   all, cargo build: $(secs cargo build -p dingtalk-openapi) s"

echo "== (d) [hints] mostly-unused"
# The hint applies to a package built as a dependency: a one-line application depends on the SDK.
printf '\n[hints]\nmostly-unused = true\n' >>generated/Cargo.toml
mkdir -p "$TMP/app/src"
printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n[workspace]\n[dependencies]\ndingtalk-openapi = { path = "../ws/generated" }\n' >"$TMP/app/Cargo.toml"
echo 'fn main() { let _ = dingtalk_openapi::Client::new(dingtalk_openapi::AccessToken::new("t")); }' >"$TMP/app/src/main.rs"
cp Cargo.lock "$TMP/app/Cargo.lock"
echo "   downstream cargo build with the hint: $(secs cargo build --manifest-path "$TMP/app/Cargo.toml") s"
if grep -qi 'mostly-unused' "$TMP/last.log"; then
  grep -i 'mostly-unused' "$TMP/last.log" | sort -u | sed 's/^/   cargo says: /' | head -3
else
  echo "   applied silently by $(cargo --version)"
fi
