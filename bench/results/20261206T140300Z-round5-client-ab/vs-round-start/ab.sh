#!/bin/bash
# Round 5: main at its start (de0d6db, /work/r5-start) vs main now (fresh clone at 6671536), 64 callers.
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=/tmp/r5ab
for r in 1 2 3 4; do
  arms="start now"; [ $(( r % 2 )) = 0 ] && arms="now start"
  for arm in $arms; do
    dir=/work/r5-start; [ $arm = now ] && dir=<fresh clone of main at 6671536>
    (cd $dir && flock -x /work/bench.lock bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc 64 --quiet 5 --tsv) > $out/r$r-$arm.txt 2>&1
    echo "r$r c64 $arm $(grep -P '^warm\t' $out/r$r-$arm.txt | head -1 | cut -f1-3,8-11,14)" >> $out/lines.txt
  done
done
echo done >> $out/lines.txt
