#!/bin/bash
# ab.sh OUT PAIRS "CONC..." NAME=DIR NAME=DIR [JVMOPTS per arm via NAME=DIR@opts]
# Interleaved A/B: per pair and conc, both arms under one exclusive bench-lock hold, order reversed every other pair.
export EXTRA; out=$1; pairs=$2; concs=$3; shift 3
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
arms=("$@")
for ((p=1; p<=pairs; p++)); do
  for c in $concs; do
    order=("${arms[@]}"); if (( p % 2 == 0 )); then order=(); for ((i=${#arms[@]}-1;i>=0;i--)); do order+=("${arms[i]}"); done; fi
    flock -x /work/bench.lock bash -c '
      out=$1; p=$2; c=$3; shift 3
      for a in "$@"; do
        name=${a%%=*}; rest=${a#*=}; dir=${rest%%@*}; opts=""; [[ $rest == *@* ]] && opts=${rest#*@}
        line=$(cd "$dir" && bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc $c --quiet 5 --tsv ${EXTRA:-} ${opts:+--jvm-opts "$opts"} 2>&1 | grep -P "^warm\t" | head -1)
        echo "$(date +%H:%M:%S) pair=$p conc=$c arm=$name $line" | tee -a "$out"
      done' _ "$out" $p $c "${order[@]}"
  done
done
echo "done $(date +%H:%M:%S)" >> $out
