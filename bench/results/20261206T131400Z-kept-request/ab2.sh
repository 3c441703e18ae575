#!/bin/bash
# A = main 4126420 (/work/kr-base), B = kept-request (/work/main)
for p in 1 2 3; do
  arms="A B"; [ $((p % 2)) = 0 ] && arms="B A"
  for arm in $arms; do
    dir=/work/kr-base; [ $arm = B ] && dir=/work/main
    cd $dir && flock -x /work/bench.lock bench/server-compare.sh --servers hourglass --modes keepalive --conns "64 256" --rounds 1 --duration 8 --warmup 4 --quiet 5 --tsv > /tmp/krab/p$p-$arm.out 2>&1
    grep -P '\thourglass\t' /tmp/krab/p$p-$arm.out | sed "s/^/pair=$p arm=$arm\t/" >> /tmp/krab/ab.txt
  done
done
