#!/bin/bash
# The round-6 record: steady-state A/B, 3 interleaved rounds 533c8a2 vs branch at 64 and 1 caller, 3 rounds with Go at 64.
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
ab=$(cd "$(dirname "$0")/../../../profile" && pwd)/ab-client.sh
cd /tmp/c64 || exit 1
EXTRA="--warmup 200000" "$ab" /tmp/c64/ab/steady64c.txt 6 64 base=/work/baseline main=/work/c64-base
"$ab" /tmp/c64/ab/record.txt 3 "64 1" base=/work/baseline branch=/work/wt/client64
for r in 1 2 3; do
  (cd /work/wt/client64 && flock -x /work/bench.lock bench/client-compare.sh --clients "hourglass-lib go" --modes warm --rounds 1 --conc 64 --quiet 5 --tsv) > /tmp/c64/ab/go-r$r.out 2>&1
done
echo "record done $(date +%H:%M:%S)" >> /tmp/c64/ab/record.txt
