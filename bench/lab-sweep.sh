#!/usr/bin/env bash
# Issue 15's sweep: `hourglass lab storm` over slow share x call rate, CLOSE and DRAIN side by side in each
# run (the lab runs them one after the other, each on its own upstream port). For every cell it records the
# lab's table and report, then summarizes per policy: healthy-call success, p99 of healthy calls,
# connections opened, peak client TIME_WAIT, upstream concurrency (slow handlers at once), calls that gave up
# waiting for the pool, drains preempted. Writes OUT/sweep.tsv, OUT/sweep.md (the table in docs/lab.md) and
# OUT/sweep.svg (the chart, by bench/LabSweepChart.java), and the command, versions and raw output beside them.
#
# Usage: bench/lab-sweep.sh [--quick] [--shares "0 1 10 50 100"] [--rates "50 200 500"] [--duration 15s]
#                           [--out DIR] [--chart-only DIR]
#   --quick       two cells (10 % and 100 % slow at 50 calls/s) of 3 s: a smoke test, figures are not data
#   --chart-only  rebuild sweep.tsv, sweep.md and sweep.svg from the raw output of an earlier run in DIR
# The other lab settings stay at the lab's defaults: upstream delay 5s, client timeout 1s, cap 64, fast path
# /hello. The full sweep (15 cells) takes about 12 minutes; run it when the machine is quiet.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"

shares="0 1 10 50 100"
rates="50 200 500"
duration=15s
out=""
chart_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) shares="10 100"; rates="50"; duration=3s; shift ;;
    --shares) shares=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --chart-only) chart_only=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lab-sweep: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# One lab table (stdout of `lab storm`) to TSV lines: rate share policy and the metrics. The table has a
# 46-column label, then one column per policy whose start is where the policy's name starts in the header.
summarize_one() { # FILE RATE SHARE
  awk -v rate="$2" -v share="$3" '
    function cell(line, i,   s) { s = substr(line, start[i], width); gsub(/^ +| +$/, "", s); return s }
    function num(s) { return match(s, /^[0-9]+(\.[0-9]+)?/) ? substr(s, RSTART, RLENGTH) : "" }
    /^policy / {
      n = 0; pos = 47; rest = substr($0, pos)
      while (match(rest, /[A-Z]+/)) {
        n++; name[n] = substr(rest, RSTART, RLENGTH); start[n] = pos + RSTART - 1
        pos += RSTART - 1 + RLENGTH; rest = substr(rest, RSTART + RLENGTH)
      }
      width = (n > 1) ? start[2] - start[1] : 200
      intable = 1; next
    }
    intable && /^$/ { intable = 0 }
    intable {
      label = substr($0, 1, 46); gsub(/ +$/, "", label)
      for (i = 1; i <= n; i++) v[label, i] = cell($0, i)
    }
    END {
      for (i = 1; i <= n; i++) {
        h = v["healthy calls answered", i]
        if (match(h, /^[0-9]+ of [0-9]+/)) { split(substr(h, RSTART, RLENGTH), a, " of "); ok = a[1]; sent = a[2]
          pct = sent > 0 ? sprintf("%.1f", 100 * ok / sent) : "" } else { ok = ""; sent = 0; pct = "" }
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rate, share, name[i], sent, ok, pct,
          num(v["healthy calls p99 latency", i]), num(v["connections opened", i]), num(v["peak client TIME_WAIT", i]),
          num(v["upstream peak concurrency", i]), num(v["calls that gave up waiting for the pool", i]),
          num(v["drains preempted / abandoned", i])
      }
    }' "$1"
}

summarize() { # DIR
  local dir=$1
  {
    printf 'rate\tslow_share\tpolicy\thealthy_sent\thealthy_answered\thealthy_pct\thealthy_p99_ms\topened\tpeak_time_wait\tupstream_peak\tpool_gave_up\tpreempted\n'
    for f in "$dir"/raw/storm-r*-s*.txt; do
      [ -f "$f" ] || continue
      local b r s
      b=$(basename "$f" .txt); r=${b#storm-r}; r=${r%%-s*}; s=${b##*-s}
      summarize_one "$f" "$r" "$s"
    done | sort -t$'\t' -k1,1n -k2,2n -k3,3
  } >"$dir/sweep.tsv"
  awk -F'\t' 'NR == 1 { next }
    { key = $1 "\t" $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      for (i = 4; i <= NF; i++) val[key, $3, i] = $i }
    function pct(k, p) { return val[k, p, 6] == "" ? "n/a" : val[k, p, 6] " %" }
    function p99(k, p) { return val[k, p, 7] == "" ? "n/a" : val[k, p, 7] }
    END {
      print "| calls/s | slow | healthy answered CLOSE / DRAIN | healthy p99 ms CLOSE / DRAIN | opened CLOSE / DRAIN | peak TIME_WAIT CLOSE / DRAIN | upstream peak CLOSE / DRAIN | DRAIN: gave up in pool / preempted |"
      print "|---:|---:|---|---|---|---|---|---|"
      for (j = 1; j <= n; j++) {
        k = order[j]; split(k, rs, "\t")
        printf "| %s | %s %% | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s |\n", rs[1], rs[2],
          pct(k, "CLOSE"), pct(k, "DRAIN"), p99(k, "CLOSE"), p99(k, "DRAIN"), val[k, "CLOSE", 8], val[k, "DRAIN", 8],
          val[k, "CLOSE", 9], val[k, "DRAIN", 9], val[k, "CLOSE", 10], val[k, "DRAIN", 10],
          val[k, "DRAIN", 11], val[k, "DRAIN", 12]
      }
    }' "$dir/sweep.tsv" >"$dir/sweep.md"
  local note
  note=$(sed -n 's/^command: .*(shares: .*; duration: \(.*\))$/\1 per run; the lab'"'"'s defaults otherwise: upstream delay 5s,; client timeout 1s, cap 64, fast path \/hello/p' "$dir/settings.txt")
  "$JAVA_HOME/bin/java" "$root/bench/LabSweepChart.java" "$dir/sweep.tsv" "$dir/sweep.svg" "$note"
  cat "$dir/sweep.md"
  echo "lab-sweep: $dir/sweep.tsv, sweep.md, sweep.svg"
}

if [ -n "$chart_only" ]; then
  summarize "$chart_only"
  exit 0
fi

[ -n "$out" ] || out="$root/bench/out/$(date -u +%Y%m%d-%H%M%S)-lab-sweep"
mkdir -p "$out/raw" "$out/reports"
"$root/hourglass" --version >/dev/null # builds the CLI once, before anything is timed
{
  echo "command: bench/lab-sweep.sh $* (shares: $shares; rates: $rates; duration: $duration)"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) cores"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "hourglass: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)')"
} >"$out/settings.txt"
cat "$out/settings.txt"
for rate in $rates; do
  for share in $shares; do
    echo "lab-sweep: $rate calls/s, $share % slow (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$out/raw/storm-r$rate-s$share.txt"
    "$root/hourglass" lab storm --rate "$rate" --slow-share "$share" --duration "$duration" \
        --out "$out/reports" >>"$out/raw/storm-r$rate-s$share.txt" 2>"$out/raw/storm-r$rate-s$share.err"
  done
done
summarize "$out"
