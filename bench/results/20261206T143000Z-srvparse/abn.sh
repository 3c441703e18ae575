#!/bin/bash
# abn.sh NAME ROUNDS ARMS... : keep-alive 64/256, one round of every arm per exclusive lock hold, the arm order
# rotating each round; arm X is the build in /work/sp-x (a = /work/sp-base, main at the start)
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
name=$1 rounds=$2; shift 2; arms=("$@")
out=/tmp/srvparse/ab-$name; mkdir -p $out
n=${#arms[@]}
for r in $(seq $rounds); do
  cmd=""
  for k in $(seq 0 $((n-1))); do
    arm=${arms[$(( (k + r - 1) % n ))]}
    d=/work/sp-$arm; [ $arm = a ] && d=/work/sp-base
    A=$(echo $arm | tr a-z A-Z)
    cmd+="(cd $d && bench/server-compare.sh --servers hourglass --modes keepalive --conns '64 256' --rounds 1 --duration 8 --warmup 4 --quiet 5 --tsv) > $out/$A-$r.txt 2>&1; "
  done
  echo "round $r wait $(date -u +%T)"
  flock -x /work/bench.lock bash -c "echo start \$(date -u +%T); $cmd echo end \$(date -u +%T)"
done
echo done $out
