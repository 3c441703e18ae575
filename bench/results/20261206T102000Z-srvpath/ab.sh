#!/bin/bash
# ab.sh NAME MODES PAIRS : interleaved A (base clone) / B (worktree) pairs, one pair per exclusive lock hold
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
name=$1 modes=$2 pairs=${3:-3} B=$4
out=/tmp/srvpath/ab-$name; mkdir -p $out
for r in $(seq $pairs); do
  flock -x /work/bench.lock bash -c "
  for arm in A B; do
    d=\$([ \$arm = A ] && echo /work/srvpath-base || echo $B)
    if [ '$modes' = many ]; then
      (cd \$d && bench/server-compare.sh --servers hourglass --modes many --rounds 1 --duration 20 --warmup 10 --quiet 5 --tsv) > $out/\$arm-$r.txt 2>&1
    else
      (cd \$d && bench/server-compare.sh --servers hourglass --modes keepalive --conns '64 256' --rounds 1 --duration 8 --warmup 4 --quiet 5 --tsv) > $out/\$arm-$r.txt 2>&1
    fi
  done"
done
echo done $out
