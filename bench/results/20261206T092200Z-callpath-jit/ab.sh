#!/bin/bash
# usage: PROTO=h1|h2 ab.sh OUT PAIRS "CONC..." NAME=DIR[@JVMOPTS]...
# Interleaved A/B: for each pair, for each concurrency, each arm in order (reversed every other pair), a fresh
# bench/client-compare.sh run (hourglass-lib, warm, 1 round, --quiet 5) in the arm's clone; one pair per exclusive
# hold of /work/bench.lock. h2: N=20000 at 1 caller, 100000 at 64, W=20000 (the brief's figure); h1: the defaults.
out=$1; pairs=$2; concs=$3; shift 3
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
proto=${PROTO:-h1}
arms=("$@")
for ((p=1; p<=pairs; p++)); do
  for c in $concs; do
    order=("${arms[@]}"); if (( p % 2 == 0 )); then order=(); for ((i=${#arms[@]}-1;i>=0;i--)); do order+=("${arms[i]}"); done; fi
    nargs=(); [ "$proto" = h2 ] && nargs=(-n $([ "$c" = 1 ] && echo 20000 || echo 100000) --warmup 20000)
    flock -x /work/bench.lock bash -c '
      for a in "$@"; do
        name=${a%%=*}; rest=${a#*=}; dir=${rest%%@*}; opts=""; [[ "$rest" == *@* ]] && opts=${rest#*@}
        line=$(cd "$dir" && bench/client-compare.sh --protocol '"$proto"' --clients hourglass-lib --modes warm --rounds 1 --conc '"$c"' '"${nargs[*]}"' --quiet 5 ${opts:+--jvm-opts "$opts"} 2>&1 | grep -E "^round 1/1 +warm")
        echo "$(date +%H:%M:%S) pair='"$p"' conc='"$c"' arm=$name $line" | tee -a '"$out"'
      done' _ "${order[@]}"
  done
done
