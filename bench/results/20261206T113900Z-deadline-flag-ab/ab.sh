#!/bin/bash
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=/work/dl-ab; mkdir -p $out
for r in 1 2 3 4 5 6 7 8; do
  for c in 1 64; do
    if [ $(( r % 2 )) = 1 ]; then order="main dl"; else order="dl main"; fi
    for arm in $order; do
      dir=<fresh clone of main at 8440ae6> [ $arm = dl ] && dir=/work/wt/dl
      (cd $dir && flock -x /work/bench.lock bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc $c --quiet 5 --tsv) > $out/r$r-c$c-$arm.txt 2>&1
    done
  done
done
