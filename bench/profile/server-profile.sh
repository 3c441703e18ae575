#!/usr/bin/env bash
# server-profile.sh REPO ka64|many|h2c256 OUTDIR: starts `hourglass serve` from the checkout REPO (built), loads it
# (wrk keep-alive at 64 connections, 10 000 connections at one request per second each through many-conns, or
# h2load over h2c with 256 connections and one stream in flight on each), and
# records 10 s of CPU samples with async-profiler (OUTDIR/cpu.collapsed) and then 8 s of JFR (OUTDIR/alloc.jfr),
# with the load generator's output in OUTDIR/load.txt. ASYNC_PROFILER names libasyncProfiler.so (async-profiler
# 4.x). Summaries: own-code.py (where Hourglass's own samples go), alloc-per-request.sh (bytes per request).
# Used by issue 17's rounds 4-6 (docs/BENCHMARKS.md, "The server's own per-request work").
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 REPO ka64|many|h2c256 OUTDIR" >&2; exit 2; }
repo=$(cd "$1" && pwd) mode=$2 out=$3
case $mode in ka64|many|h2c256) ;; *) echo "$0: mode is ka64, many or h2c256, not '$mode'" >&2; exit 2 ;; esac
ap=${ASYNC_PROFILER:-}
[ -f "$ap" ] || { echo "$0: set ASYNC_PROFILER to async-profiler's libasyncProfiler.so (async-profiler 4.x)" >&2; exit 2; }
# shellcheck source=../../scripts/find-jdk.sh
. "$repo/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21), for jcmd and jfr
mkdir -p "$out"
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"
HOURGLASS_JAVA_OPTS=-XX:+EnableDynamicAgentLoading start_serve "$repo" "$out"
echo "addr $addr port $port pid $pid" | tee "$out/info.txt"
if [ "$mode" = many ]; then
  ulimit -n 20000
  "$repo/bench/build/go/many-conns" -conns 10000 -rate 1 -warmup 15 -duration 45 -pid "$pid" -path /hello \
      "$addr:$port" > "$out/load.txt" 2>&1 &
  load=$!
  sleep 20
elif [ "$mode" = h2c256 ]; then
  h2load -t1 -c256 -m1 -D 14 "http://$addr:$port/hello" > "$out/warm.txt" 2>&1
  h2load -t1 -c256 -m1 -D 25 "http://$addr:$port/hello" > "$out/load.txt" 2>&1 &
  load=$!
  sleep 2
else
  wrk -t2 -c64 -d14s "http://$addr:$port/hello" > "$out/warm.txt" 2>&1
  wrk -t2 -c64 -d25s --latency "http://$addr:$port/hello" > "$out/load.txt" 2>&1 &
  load=$!
  sleep 2
fi
"$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$ap" "\"start,event=cpu,interval=200us\"" > /dev/null
sleep 10
"$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$ap" "\"stop,file=$out/cpu.collapsed,collapsed\"" > /dev/null
"$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=a settings=profile filename="$out/alloc.jfr" > /dev/null
sleep 8
"$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=a > /dev/null
wait "$load"
kill "$pid"
echo "profiles in $out"
