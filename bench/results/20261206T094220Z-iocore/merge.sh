#!/bin/bash
# merge.sh DEST: the six run dirs of drive.sh into DEST (round k = drive round k), summaries by --summarize
set -e
dest=$1; mkdir -p "$dest"
first=1
for r in 1 2 3; do for m in keepalive many; do
  d=$(grep -o 'results in .*' /work/iocore-run/r$r-$m.log | head -1 | sed 's/results in //')
  [ -n "$d" ] || continue
  cp -r "$d" "$dest/r$r-$m"
  if [ $first = 1 ]; then head -1 "$d/results.tsv" > "$dest/results.tsv"; first=0; cp "$d/versions.txt" "$dest/versions.txt"; fi
  awk -F'\t' -v OFS='\t' -v r=$r 'NR > 1 { $1 = r; print }' "$d/results.tsv" >> "$dest/results.tsv"
done; done
cd /work/wt/iocore
bench/server-compare.sh --summarize "$dest" > "$dest/summary.txt"
bench/server-compare.sh --summarize "$dest" --markdown > "$dest/summary.md"
bench/server-compare.sh --summarize "$dest" --tsv > "$dest/summary.tsv"
