#!/bin/bash
# usage: ab.sh OUT PAIRS "CONC..." ARM=DIR...   interleaved A/B: for each pair, for each conc, each arm in order (rotated)
out=$1; pairs=$2; concs=$3; shift 3
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
arms=("$@")
for ((p=1; p<=pairs; p++)); do
  for c in $concs; do
    order=("${arms[@]}"); if (( p % 2 == 0 )); then order=(); for ((i=${#arms[@]}-1;i>=0;i--)); do order+=("${arms[i]}"); done; fi
    for a in "${order[@]}"; do
      name=${a%%=*}; dir=${a#*=}
      line=$(cd "$dir" && bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc $c --quiet ${QUIET:-10} 2>&1 | grep -E "^round 1/1 +warm")
      echo "$(date +%H:%M:%S) pair=$p conc=$c arm=$name $line" | tee -a "$out"
    done
  done
done
