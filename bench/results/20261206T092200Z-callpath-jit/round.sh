#!/bin/bash
# usage: round.sh OUT ROUNDS SPEC...   SPEC = PROTO:CONC:NAME=DIR[@JVMOPTS]
# One interleaved round per exclusive hold of /work/bench.lock: every SPEC once, in the given order on odd rounds
# and reversed on even ones; each a fresh bench/client-compare.sh run (hourglass-lib, warm, 1 round, --quiet 5) in
# the arm's clone. h2: N=20000 at 1 caller, 100000 at 64, W=20000; h1: the script's defaults (N=20000 / 200000).
out=$1; rounds=$2; first=${FIRST:-1}; shift 2
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for ((p=first; p<first+rounds; p++)); do
  specs=("$@"); if (( p % 2 == 0 )); then specs=(); for ((i=$#;i>=1;i--)); do specs+=("${!i}"); done; fi
  flock -x /work/bench.lock bash -c '
    p=$1; out=$2; shift 2
    for s in "$@"; do
      proto=${s%%:*}; r=${s#*:}; c=${r%%:*}; a=${r#*:}
      name=${a%%=*}; rest=${a#*=}; dir=${rest%%@*}; opts=""; [[ "$rest" == *@* ]] && opts=${rest#*@}
      pflag=(); [ "$proto" = h2 ] && pflag=(--protocol h2)   # the OLD build has no --protocol
      nargs=(); [ "$proto" = h2 ] && nargs=(-n $([ "$c" = 1 ] && echo 20000 || echo 100000) --warmup 20000)
      line=$(cd "$dir" && bench/client-compare.sh ${pflag[@]} --clients hourglass-lib --modes warm --rounds 1 --conc $c "${nargs[@]}" --quiet 5 ${opts:+--jvm-opts "$opts"} 2>&1 | grep -E "^round 1/1 +warm")
      echo "$(date +%H:%M:%S) pair=$p conc=$c arm=$proto-$name $line" | tee -a "$out"
    done' _ "$p" "$out" "${specs[@]}"
done
