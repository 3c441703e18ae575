#!/bin/bash
# The record against Go: 5 rounds of bench/client-compare.sh --clients "hourglass-lib go" --modes warm --quiet 5,
# one round per exclusive bench-lock hold (so other helpers get turns), in the clone of this branch (/work/cr-v5);
# then 3 interleaved pairs at one caller against /work/baseline (533c8a2's era, issue 10's rule).
here=$(cd "$(dirname "$0")" && pwd)
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for r in 1 2 3 4 5; do
  flock -x /work/bench.lock bash -c 'cd /work/cr-v5 && bench/client-compare.sh --clients "hourglass-lib go" --modes warm --rounds 1 --quiet 5 --tsv' > "$here/record5-r$r.out" 2>&1
  grep -E "^round|^warm" "$here/record5-r$r.out" | sed "s/^/r$r /" >> "$here/record5.txt"
done
QUIET=5 "$here/ab.sh" "$here/baseline5.txt" 3 1 baseline=/work/baseline v5=/work/cr-v5
