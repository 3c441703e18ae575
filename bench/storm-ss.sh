#!/usr/bin/env bash
# The storm measured with separate processes and `ss` (issue 3): `hourglass load` against `hourglass serve`
# on /sleep?d=DELAY at RATE calls/s with a client timeout, once per policy. Samples TCP states every 200 ms
# with ss while the load process runs (its drains included; the exit of the process closes its pool, which is
# teardown and not counted) and prints connections opened, peak client FIN_WAIT2 / TIME_WAIT and peak server
# CLOSE_WAIT.
# Usage: bench/storm-ss.sh [--quick]   (quick: 5 s per policy instead of 30 s)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rate=50; duration=30s; delay=5s; timeout=1s
[ "${1:-}" = "--quick" ] && duration=5s
command -v ss >/dev/null || { echo "storm-ss: needs ss (apt-get install iproute2)" >&2; exit 1; }
out=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$root/hourglass" --version >/dev/null   # builds the CLI once, before anything is timed
printf '%-8s %10s %8s %8s %14s %14s %16s\n' policy sent timeouts opened peak_FIN_WAIT2 peak_TIME_WAIT peak_srv_CLOSE_WAIT
for policy in close drain; do
  "$root/hourglass" serve --listen 127.0.0.1:0 --handler-timeout 0 >"$out/serve-$policy" 2>&1 &
  spid=$!; pids+=("$spid")
  for _ in $(seq 100); do grep -q listening "$out/serve-$policy" && break; sleep 0.1; done
  base=$(sed -n 's/^listening on //p' "$out/serve-$policy")
  port=${base##*:}
  : >"$out/ss-$policy"
  "$root/hourglass" load "$base/sleep?d=$delay" --rate "$rate" --duration "$duration" --timeout "$timeout" \
      --policy "$policy" --json 2>/dev/null >"$out/load-$policy.json" &
  lpid=$!; pids+=("$lpid")
  # sample while the load process runs (its drains included); its own exit closes its pool, which is teardown
  ( while kill -0 "$lpid" 2>/dev/null; do
      ss -Htan "( dport = :$port or sport = :$port )" | awk -v p=":$port" '
        { st=$1; if ($4 ~ p"$") srv[st]++; else cli[st]++ }
        END { printf "%d %d %d\n", cli["FIN-WAIT-2"]+0, cli["TIME-WAIT"]+0, srv["CLOSE-WAIT"]+0 }'
      sleep 0.2
    done >>"$out/ss-$policy" ) &
  sampler=$!; pids+=("$sampler")
  wait "$lpid"
  wait "$sampler" 2>/dev/null || true
  kill "$spid"; wait "$spid" 2>/dev/null || true
  j=$(cat "$out/load-$policy.json")
  sent=$(grep -o '"sent":[0-9]*' <<<"$j" | cut -d: -f2)
  opened=$(grep -o '"opened":[0-9]*' <<<"$j" | cut -d: -f2)
  tos=$(grep -o '"timeouts":{[^}]*}' <<<"$j" | grep -o '[0-9]*' | paste -sd+ | bc)
  read -r fw2 tw cw < <(awk 'BEGIN{a=b=c=0} {if($1>a)a=$1; if($2>b)b=$2; if($3>c)c=$3} END{print a, b, c}' "$out/ss-$policy")
  printf '%-8s %10s %8s %8s %14s %14s %16s\n' "$policy" "$sent" "${tos:-0}" "$opened" "$fw2" "$tw" "$cw"
done
echo "raw output: $out"
