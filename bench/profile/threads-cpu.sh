#!/usr/bin/env bash
# threads-cpu.sh REPO RUNS [CONNS]: `hourglass serve` from the checkout REPO (built) under wrk -t2 -cCONNS (default 256)
# keep-alive /hello (LOAD=h2c: h2load -t1 -cCONNS -m1 over h2c instead, one stream in flight per connection), a fresh
# JVM per run: 10 s of warm-up, then 8 s measured, with the server's CPU per request by thread group (carriers
# "ForkJoinPool", the JDK's "MasterPoller", the deadline timer, the JIT "C", "GC") from /proc/PID/task/*/stat, context
# switches per request, and socket reads and writes per request from /proc/PID/io. XOPTS: more JVM options for the
# server (e.g. -Djdk.pollerMode=1); SERVE_ARGS: more flags for `hourglass serve` (e.g. --idle-timeout 0). AP:
# async-profiler's libasyncProfiler.so, to record the measured part's CPU samples into /tmp/threads-cpu-RUN.collapsed.
# Made for the bimodal 256-connection figure of round 8 (docs/BENCHMARKS.md, "Round 8"). Takes the bench lock
# (BENCH_LOCK, default /work/bench.lock) around each run when flock is there.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 REPO RUNS [CONNS]" >&2; exit 2; }
repo=$(cd "$1" && pwd) runs=$2 conns=${3:-256}
# shellcheck source=../../scripts/find-jdk.sh
. "$repo/scripts/find-jdk.sh"
load=${LOAD:-h1}
case $load in
  h1) command -v wrk > /dev/null || { echo "$0: needs wrk (apt-get install wrk)" >&2; exit 2; } ;;
  h2c) command -v h2load > /dev/null || { echo "$0: needs h2load (apt-get install nghttp2-client)" >&2; exit 2; } ;;
  *) echo "$0: LOAD is h1 or h2c, not '$load'" >&2; exit 2 ;;
esac
# drive SECONDS OUT: the load for SECONDS, its output in OUT (wrk's, or h2load's with wrk's two lines added)
drive() {
  if [ "$load" = h1 ]; then
    wrk -t2 -c"$conns" -d"$1"s "http://$addr:$port/hello" > "$2" 2>&1
  else
    h2load -t1 -c"$conns" -m1 -D "$1" "http://$addr:$port/hello" > "$2" 2>&1
    awk '/^requests:/{gsub(/,/,""); print $8" requests in"} /^finished in/{gsub(/,/,""); print "Requests/sec: "$4}' "$2" >> "$2"
  fi
}
lock=${BENCH_LOCK:-/work/bench.lock}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
snap() {
  for t in /proc/"$1"/task/*; do
    local c s v
    c=$(cat "$t/comm"); read -r -a s <<< "$(sed 's/.*) //' "$t/stat")"
    v=$(awk '/^voluntary_ctxt/{v=$2} /^nonvoluntary_ctxt/{n=$2} END{print v+n}' "$t/status")
    echo "$c ${s[11]} ${s[12]} $v"
  done | awk '{n=$1; gsub(/[-#]?[0-9]+$/,"",n); gsub(/-[0-9]+-?$/,"",n); cpu[n]+=$2+$3; cs[n]+=$4; cnt[n]++}
              END{for (k in cpu) print k, cpu[k], cs[k], cnt[k]}' | sort
}
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"
one() {
  local r=$1 addr port pid a b io1 io2 reqs rps
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of flags, split on spaces
  HOURGLASS_JAVA_OPTS="-XX:+EnableDynamicAgentLoading ${XOPTS:-}" start_serve "$repo" "$tmp" ${SERVE_ARGS:-}
  drive 10 "$tmp/warm.txt"
  a=$(snap "$pid"); io1=$(proc_io "$pid")
  [ -z "${AP:-}" ] || "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$AP" "\"start,event=cpu,interval=200us\"" > /dev/null
  drive 8 "$tmp/wrk.txt"
  [ -z "${AP:-}" ] || "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$AP" "\"stop,file=/tmp/threads-cpu-$r.collapsed,collapsed\"" > /dev/null
  b=$(snap "$pid"); io2=$(proc_io "$pid")
  kill "$pid"; wait 2> /dev/null || true
  reqs=$(awk '/requests in/{print $1}' "$tmp/wrk.txt"); rps=$(awk '/Requests\/sec/{print $2}' "$tmp/wrk.txt")
  echo "run $r: $rps req/s"
  echo "$io1 $io2" | awk -v n="$reqs" '{printf "   socket reads/req %.2f, writes/req %.2f\n", ($3-$1)/n, ($4-$2)/n}'
  join <(echo "$a") <(echo "$b") | awk -v n="$reqs" '{d=$5-$2; tot+=d; if (d>0) printf "   %-20s threads %d  %6.2f us/req  ctxsw/req %.3f\n", $1, $7, d*10000/n, ($6-$3)/n}
      END{printf "   TOTAL %.2f us/req\n", tot*10000/n}'
}
for r in $(seq "$runs"); do
  if command -v flock > /dev/null; then
    exec 9> "$lock"; flock -x 9; one "$r"; flock -u 9
  else
    one "$r"
  fi
done
