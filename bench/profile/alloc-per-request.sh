#!/usr/bin/env bash
# alloc-per-request.sh OUTDIR: bytes allocated per request in server-profile.sh's JFR window, estimated from the heap
# growth between collections (jdk.GCHeapSummary) over the load generator's request rate. JFR's own socket events
# allocate too, so compare runs with each other, not with a run without JFR.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
d=$1
# shellcheck source=../../scripts/find-jdk.sh
. "$(dirname "$0")/../../scripts/find-jdk.sh"
rps=$(grep -h 'Requests/sec' "$d/load.txt" | awk '{print $2}' || true)
[ -n "$rps" ] || rps=$(awk '$1=="req_per_s"{print $2}' "$d/load.txt")
"$JAVA_HOME/bin/jfr" print --events jdk.GCHeapSummary "$d/alloc.jfr" | awk -v rps="$rps" '
/startTime/ { split($3,t,":"); ts=t[1]*3600+t[2]*60+t[3] }
/when = "Before GC"/ { w="b" } /when = "After GC"/ { w="a" }
/heapUsed/ { v=$3; u=$4; if (u=="kB") v/=1024; if (u=="GB") v*=1024; if (u=="bytes") v/=1048576;
  if (w=="a") { ta=ts; va=v } else if (ta) { alloc+=v-va; dt+=ts-ta } }
END { if (dt>0) printf "alloc %.1f MB/s, req/s %.0f, %.0f B/request\n", alloc/dt, rps, alloc/dt*1048576/rps }'
