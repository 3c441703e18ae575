#!/usr/bin/env bash
# ab-server.sh OUTDIR ROUNDS ARM=REPO... [-- server-compare.sh options]: interleaved A/B of Hourglass builds. Each
# round runs every arm once (a fresh JVM each, `bench/server-compare.sh --servers hourglass --rounds 1 --tsv` in the
# arm's checkout), under one exclusive hold of the bench lock (BENCH_LOCK, default /work/bench.lock), the arms'
# order rotating from round to round (the second run of a pair is often a few per cent lower). Each run's output
# goes to OUTDIR/ARM-ROUND.txt; ab-rounds.py OUTDIR reads them. The default options are the keep-alive ones of
# docs/BENCHMARKS.md's server rounds: --modes keepalive --conns "64 256" --duration 8 --warmup 4 --quiet 5.
# Example: ab-server.sh /tmp/ab 4 A=/work/base B=/work/branch -- --modes many --duration 20 --warmup 10 --quiet 5
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OUTDIR ROUNDS ARM=REPO... [-- server-compare.sh options]" >&2; exit 2; }
out=$1 rounds=$2; shift 2
arms=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  [[ $1 == ?*=?* ]] || { echo "$0: an arm is NAME=REPO, not '$1'" >&2; exit 2; }
  arms+=("$1"); shift
done
[ $# -gt 0 ] && shift
opts=("$@")
[ ${#opts[@]} -gt 0 ] || opts=(--modes keepalive --conns "64 256" --duration 8 --warmup 4 --quiet 5)
lock=${BENCH_LOCK:-/work/bench.lock}
mkdir -p "$out"
n=${#arms[@]}
for r in $(seq "$rounds"); do
  order=()
  for k in $(seq 0 $((n - 1))); do order+=("${arms[$(( (k + r - 1) % n ))]}"); done
  echo "round $r: ${order[*]%%=*} (waiting for the lock at $(date -u +%T))"
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  flock -x "$lock" bash -c '
    out=$1 r=$2 nopts=$3; shift 3
    opts=("${@:1:nopts}"); shift "$nopts"
    for a in "$@"; do
      (cd "${a#*=}" && bench/server-compare.sh --servers hourglass --rounds 1 --tsv "${opts[@]}") > "$out/${a%%=*}-$r.txt" 2>&1
    done' _ "$out" "$r" "${#opts[@]}" "${opts[@]}" "${order[@]}"
done
echo "done: $out"
