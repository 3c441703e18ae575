#!/usr/bin/env bash
# ab-client.sh OUT PAIRS "CONC..." NAME=REPO[@JVMOPTS]...: interleaved A/B of the Hourglass client library
# (bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --tsv in each arm's checkout). For each
# pair and each concurrency, every arm runs once (a fresh JVM each) under one exclusive hold of the bench lock
# (BENCH_LOCK, default /work/bench.lock), the arms' order reversed every other pair (the second run of a pair is
# often a few per cent lower). Appends one line per run to OUT: "HH:MM:SS pair=P conc=C arm=NAME <the warm row>";
# ab-client-ratios.py reads them. EXTRA: more client-compare.sh options for every arm (e.g. "--protocol h2").
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 OUT PAIRS \"CONC...\" NAME=REPO[@JVMOPTS]..." >&2; exit 2; }
out=$1 pairs=$2 concs=$3; shift 3
arms=("$@")
for a in "${arms[@]}"; do [[ $a == ?*=?* ]] || { echo "$0: an arm is NAME=REPO[@JVMOPTS], not '$a'" >&2; exit 2; }; done
lock=${BENCH_LOCK:-/work/bench.lock}
export EXTRA=${EXTRA:-}
for ((p = 1; p <= pairs; p++)); do
  for c in $concs; do
    order=("${arms[@]}")
    if ((p % 2 == 0)); then order=(); for ((i = ${#arms[@]} - 1; i >= 0; i--)); do order+=("${arms[i]}"); done; fi
    # shellcheck disable=SC2016  # the inner script expands its own arguments
    flock -x "$lock" bash -c '
      out=$1 p=$2 c=$3; shift 3
      for a in "$@"; do
        name=${a%%=*} rest=${a#*=}; dir=${rest%%@*} opts=""; [[ $rest == *@* ]] && opts=${rest#*@}
        # shellcheck disable=SC2086  # EXTRA is a list of options
        line=$(cd "$dir" && bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc "$c" \
            --quiet 5 --tsv $EXTRA ${opts:+--jvm-opts "$opts"} 2>&1 | grep -P "^warm\t" | head -1)
        echo "$(date +%H:%M:%S) pair=$p conc=$c arm=$name $line" | tee -a "$out"
      done' _ "$out" "$p" "$c" "${order[@]}"
  done
done
echo "done $(date +%H:%M:%S)" >> "$out"
