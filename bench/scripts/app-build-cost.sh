#!/usr/bin/env bash
# What depending on the SDK costs an application's first build (issue 17.2).
#
#   bench/scripts/app-build-cost.sh [ROUNDS [EXTRA]]   (run from anywhere in the repository)
#
# ROUNDS defaults to 3; EXTRA, the SDK's other feature sets built once after them, to
# "default full" (`full` alone takes minutes and gigabytes of memory; "" skips both).
#
# Two small applications in a temporary folder, each built from a fresh target dir (debug,
# dependencies included, from the local registry cache: no network):
#   base  reqwest (rustls) + tokio + serde + serde_json: a GET decoded into a struct;
#   sdk   the same dependencies and the SDK with one service feature (`wiki_2_0`, no defaults),
#         making the same call through the SDK.
# The SDK is used as an application gets it from crates.io: from the sources the package ships
# (src/services/, written first by `generate --out`), without the `codegen` feature, so the
# generator is not compiled. ROUNDS alternations (base, sdk, base, sdk, …) give min / median /
# max and the ratio of the medians; then one build each of the SDK with its default features
# and with every feature (`full`). Also reported: the crates each build compiles, and the time
# of the SDK's own build script and crate (from `cargo build --timings`).
set -euo pipefail

ROUNDS="${1:-3}"
EXTRA="${2-default full}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/dingtalk-app-build.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

echo "== the sources the package ships: generate --out generated/src/services spec"
cargo run -q --release --manifest-path "$ROOT/Cargo.toml" -p dingtalk-openapi-codegen -- \
    generate --out "$ROOT/generated/src/services" "$ROOT/spec" >/dev/null

# app NAME SDK-DEPENDENCY-LINE MAIN-BODY: a package in $TMP/NAME.
app() {
  mkdir -p "$TMP/$1/src"
  cat >"$TMP/$1/Cargo.toml" <<EOF
[package]
name = "app-$1"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "json"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
$2
EOF
  cat >"$TMP/$1/src/main.rs" <<EOF
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Workspace {
    workspace_id: Option<String>,
    name: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
$3
    Ok(())
}
EOF
}

app base "" '    let w: serde_json::Value = reqwest::Client::new()
        .get("https://api.dingtalk.com/v2.0/wiki/workspaces/ws1?operatorId=u")
        .header("x-acs-dingtalk-access-token", "token")
        .send()
        .await?
        .json()
        .await?;
    let w: Workspace = serde_json::from_value(w["workspace"].clone())?;
    println!("{w:?}");'
SDK_DEP="dingtalk-openapi = { path = \"$ROOT/generated\", default-features = false"
SDK_MAIN='    let client = dingtalk_openapi::Client::new(dingtalk_openapi::AccessToken::new("token"));
    let w = client.wiki_2_0().get_workspace("ws1", "u").await?;
    println!("{:?}", w.workspace);'
app sdk "$SDK_DEP, features = [\"wiki_2_0\"] }" "$SDK_MAIN"
app default "dingtalk-openapi = { path = \"$ROOT/generated\" }" "$SDK_MAIN"
app full "$SDK_DEP, features = [\"full\"] }" "$SDK_MAIN"
for a in base sdk default full; do
  cp "$ROOT/Cargo.lock" "$TMP/$a/Cargo.lock" # the versions the repository tests
  (cd "$TMP/$a" && cargo fetch -q --offline 2>/dev/null || cargo fetch -q)
done

# build NAME: a fresh debug build of app NAME; prints "seconds crates script-s sdk-s".
build() {
  local dir="$TMP/$1" t0 t1
  rm -rf "$dir/target"
  t0=$(date +%s.%N)
  (cd "$dir" && cargo build --offline --timings 2>"$dir/log") || { cat "$dir/log"; exit 1; }
  t1=$(date +%s.%N)
  python3 - "$dir" "$(echo "$t1 - $t0" | bc)" <<'EOF'
import json, re, sys, glob
d, secs = sys.argv[1], float(sys.argv[2])
crates = sum(1 for l in open(f"{d}/log") if l.strip().startswith("Compiling "))
html = open(sorted(glob.glob(f"{d}/target/cargo-timings/cargo-timing*.html"))[-1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
sdk = [u for u in units if u["name"] == "dingtalk-openapi"]
script = sum(u["duration"] for u in sdk if u["mode"] == "run-custom-build")
crate = sum(u["duration"] for u in sdk if u["mode"] != "run-custom-build")
print(f"{secs:.1f} {crates} {script:.2f} {crate:.1f}")
EOF
}

stats() { # stats VALUES...: "min median max"
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "%.1f %.1f %.1f", v[1], v[int((NR+1)/2)], v[NR]}'
}

echo "== $ROUNDS alternating rounds, fresh target dirs, debug ($(nproc) cores)"
base=() sdk=()
for r in $(seq "$ROUNDS"); do
  read -r b bc _ _ <<<"$(build base)"
  read -r s sc ss sl <<<"$(build sdk)"
  base+=("$b") sdk+=("$s")
  echo "   round $r: base ${b} s ($bc crates), sdk wiki_2_0 ${s} s ($sc crates; SDK build script ${ss} s, SDK crate ${sl} s)"
done
read -r bmin bmed bmax <<<"$(stats "${base[@]}")"
read -r smin smed smax <<<"$(stats "${sdk[@]}")"
echo "   base: ${bmin} / ${bmed} / ${bmax} s (min / median / max)"
echo "   sdk:  ${smin} / ${smed} / ${smax} s"
echo "   ratio of medians sdk/base: $(echo "scale=3; $smed / $bmed" | bc) (target <= 1.2)"
for a in $EXTRA; do
  read -r t c ss sl <<<"$(build "$a")"
  echo "   sdk, $a features: ${t} s, $c crates (SDK build script ${ss} s, SDK crate ${sl} s), $(echo "scale=2; $t / $bmed" | bc)x base"
done
