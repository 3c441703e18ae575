#!/bin/bash
# ab3.sh NAME ROUNDS: keep-alive 64/256, arms A (main at start), B (branch b2), C (b2 without the lock-free pool),
# one round of the three per exclusive lock hold; the arm order rotates each round
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
name=$1 rounds=${2:-3}
out=/tmp/srvpath/ab-$name; mkdir -p $out
declare -A dir=([A]=/work/srvpath-base [B]=/work/srvpath-b2 [C]=/work/srvpath-c)
orders=("A B C" "B C A" "C A B")
for r in $(seq $rounds); do
  order=${orders[$(( (r-1) % 3 ))]}
  cmd=""
  for arm in $order; do
    cmd+="(cd ${dir[$arm]} && bench/server-compare.sh --servers hourglass --modes keepalive --conns '64 256' --rounds 1 --duration 8 --warmup 4 --quiet 5 --tsv) > $out/$arm-$r.txt 2>&1; "
  done
  flock -x /work/bench.lock bash -c "$cmd"
done
echo done $out
