#!/bin/bash
# bisect: de0d6db (/work/r5-a) vs 4126420 (srvown merged; /work/r5-start), 64 callers
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=/tmp/r5bis2
for r in 1 2 3 4 5 6; do
  arms="start srv"; [ $(( r % 2 )) = 0 ] && arms="srv start"
  for arm in $arms; do
    dir=/work/r5-a; [ $arm = srv ] && dir=/work/r5-start
    (cd $dir && flock -x /work/bench.lock bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc 64 --quiet 5 --tsv) > $out/r$r-$arm.txt 2>&1
    echo "r$r c64 $arm $(grep -P '^warm\t' $out/r$r-$arm.txt | head -1 | cut -f1-3,8-11,14)" >> $out/lines.txt
  done
done
echo done >> $out/lines.txt
