#!/bin/bash
# usage: ab.sh OUT PAIRS "CONC..." ARM=DIR...   interleaved A/B: for each pair, for each conc, each arm in order
# (reversed every other pair); one bench-lock hold (exclusive) per pair and concurrency, fresh JVM per run.
out=$1; pairs=$2; concs=$3; shift 3
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
arms=("$@")
for ((p=1; p<=pairs; p++)); do
  for c in $concs; do
    order=("${arms[@]}"); if (( p % 2 == 0 )); then order=(); for ((i=${#arms[@]}-1;i>=0;i--)); do order+=("${arms[i]}"); done; fi
    flock -x /work/bench.lock bash -c '
      out=$1; p=$2; c=$3; shift 3
      for a in "$@"; do
        name=${a%%=*}; dir=${a#*=}
        line=$(cd "$dir" && bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc $c --quiet ${QUIET:-5} --tsv 2>&1 | grep -E "^warm|hourglass-lib" | tail -1)
        echo "$(date +%H:%M:%S) pair=$p conc=$c arm=$name $line" | tee -a "$out"
      done' _ "$out" "$p" "$c" "${order[@]}"
  done
done
