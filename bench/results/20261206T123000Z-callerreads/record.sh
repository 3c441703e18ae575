#!/usr/bin/env bash
# record.sh NAME ARM CLONE: the record against Go, as made for this branch: 5 rounds of bench/client-compare.sh
# --clients "hourglass-lib go" --modes warm --quiet 5 in CLONE, one round per exclusive bench-lock hold (NAME-rN.out,
# their rows in NAME.txt, read by record.py), then 3 interleaved pairs at one caller of CLONE (as ARM) against
# /work/baseline (533c8a2's era, issue 10's rule) through bench/profile/ab-client.sh. Run as
# `record.sh record v4 /work/cr-v4` (baseline.txt) and `record.sh record5 v5 /work/cr-v5` (baseline5.txt).
set -euo pipefail
name=$1 arm=$2 clone=$3
here=$(cd "$(dirname "$0")" && pwd)
for r in 1 2 3 4 5; do
  # shellcheck disable=SC2016  # the inner script expands its own argument
  flock -x /work/bench.lock bash -c 'cd "$1" && bench/client-compare.sh --clients "hourglass-lib go" --modes warm --rounds 1 --quiet 5 --tsv' _ "$clone" > "$here/$name-r$r.out" 2>&1
  grep -E "^round|^warm" "$here/$name-r$r.out" | sed "s/^/r$r /" >> "$here/$name.txt"
done
"$here/../../profile/ab-client.sh" "$here/baseline${name#record}.txt" 3 1 baseline=/work/baseline "$arm=$clone"
