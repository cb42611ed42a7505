#!/usr/bin/env bash
# Instructions per GetWorkspace call, SDK and hand-written reqwest, counted by callgrind (which
# does not depend on the machine's load, unlike the wall-clock figures of the runtime bench).
#
#   bench/scripts/callgrind-per-call.sh [CALLERS...]     (default: 1 8)
#   SIDES="hand sdk app untimed" bench/scripts/callgrind-per-call.sh 1
#     (app: the SDK with AppCredentials, a cached token; untimed: the SDK without timeouts)
#
# Runs the runtime bench binary's `--profile-<side>` modes
# under callgrind with FEW and MANY calls (env vars, default 1000 and 5000) and prints, per call,
# (count(MANY) - count(FEW)) / (MANY - FEW) of instructions and of calls to malloc: the
# start-up, the warm-up and the connections cancel out. The loopback server is a child process that callgrind does not follow.
# Only user-space instructions of the client process are counted (not the kernel's, nor time
# spent waiting on locks). The callgrind files are kept in $OUT (default /tmp/callgrind-per-call)
# for callgrind_annotate.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FEW="${FEW:-1000}"
MANY="${MANY:-5000}"
OUT="${OUT:-/tmp/callgrind-per-call}"
read -r -a SIDES <<<"${SIDES:-hand sdk}"
CALLERS=("$@")
[ ${#CALLERS[@]} -eq 0 ] && CALLERS=(1 8)
mkdir -p "$OUT"

BIN=$(cd "$ROOT" && cargo bench --no-run -p dingtalk-openapi-bench --bench runtime 2>&1 |
  sed -n 's/.*Executable .*(\(.*runtime-[0-9a-f]*\)).*/\1/p')
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac

counts() { # counts SIDE CALLERS CALLS: "instructions mallocs" of one run
  local file="$OUT/$1-$2-$3.out" ir
  ir=$(valgrind --tool=callgrind --callgrind-out-file="$file" "$BIN" "--profile-$1" \
    --callers "$2" --calls "$3" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  # Calls to malloc: callgrind names a function once, `fn=(id) name` or `cfn=(id) name`, then
  # writes `(id)` alone.
  awk -v ir="$ir" '
    /^c?fn=/ {
      id = $1; sub(/^c?fn=/, "", id); if (NF > 1) name[id] = $2
      if ($1 ~ /^cfn=/) callee = name[id]
      next
    }
    /^calls=/ && callee == "malloc" { split($1, c, "="); n += c[2] }
    END { print ir, n + 0 }' "$file"
}

printf '%-8s %-8s %14s %14s\n' callers side "instr./call" "mallocs/call"
for c in "${CALLERS[@]}"; do
  declare -A per
  for side in "${SIDES[@]}"; do
    read -r few_ir few_m <<<"$(counts "$side" "$c" "$FEW")"
    read -r many_ir many_m <<<"$(counts "$side" "$c" "$MANY")"
    per[$side]=$(((many_ir - few_ir) / (MANY - FEW)))
    printf '%-8s %-8s %14d %14s\n' "$c" "$side" "${per[$side]}" \
      "$(echo "scale=2; ($many_m - $few_m) / ($MANY - $FEW)" | bc)"
  done
  for side in "${SIDES[@]}"; do
    [ "$side" = hand ] || [ -z "${per[hand]:-}" ] && continue
    echo "$c caller(s): $side / hand-written instructions = $(echo "scale=3; ${per[$side]} / ${per[hand]}" | bc)"
  done
done
