#!/bin/bash
# Final record, round 4: main (fresh clone at 8440ae6) vs /work/baseline (533c8a2), HTTP/1.1 client, interleaved.
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=/work/final-ab; mkdir -p $out
for r in 4 5 6 7 8 9; do
  for c in 1 64; do
    for arm in base main; do
      dir=/work/baseline; [ $arm = main ] && dir=<fresh clone of main at 8440ae6>
      if [ $(( r % 2 )) = 0 ]; then dir=$([ $arm = main ] && echo /work/baseline || echo <fresh clone of main at 8440ae6> arm=$([ $arm = main ] && echo base || echo main); fi
      (cd $dir && flock -x /work/bench.lock bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc $c --quiet 5 --tsv) > $out/r$r-c$c-$arm.txt 2>&1
    done
  done
done
echo done
