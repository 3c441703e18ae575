#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from the EXIT trap, which shellcheck does not follow
# Soak (docs/ROBUSTNESS.md, "Soak"): `hourglass serve` under a mixed load on loopback for --duration (10 min by
# default): normal GETs, client timeouts under both policies (drained late answers, closes mid-handler), handler
# timeouts, clients that reset mid-response, and slow clients (slowloris, slow read). Every 10 s the server's
# heap after a full GC, RSS, OS threads and open file descriptors are sampled; flat is the pass condition.
set -euo pipefail
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=soak
. "$bench/lib.sh"   # die, say, need_arg, apt_install, stop_pid, tree_rss_kb, new_out_dir
. "$root/scripts/find-jdk.sh"   # JAVA_HOME: jcmd, and java for the chart

usage() {
  cat <<USAGE
usage: bench/$prog.sh [--duration DUR] [--quick] [--rate N]

Starts \`hourglass serve --handler-timeout 1s\` (JVM -Xmx256m) on a free loopback port and, for DUR:
  $rate GET /hello a second (hourglass load); 10 GET /sleep?d=2s a second with an 800ms client timeout, policy
  drain (the handler timeout answers 503 at 1 s; the client drains it); 20 GET /sleep?d=500ms a second with a
  100ms timeout, policy close (the server sees the client leave mid-handler); 4 curl a second that leave a
  streamed response after 0.2 s with unread data (a reset); slowhttptest slowloris (200 connections) and slow
  read (50 connections of /bytes?n=1048576).
Samples before the load, every 10 s during it and twice after it: heap after a full GC (jcmd), RSS, OS threads, open fds and
requests served. Pass: the last third of the load's samples is flat against the first third (heap after
GC within +30% +8 MiB, RSS +30% +64 MiB, threads +8, fds +30% +50), and after the load the fds are back
within 20 of where they started. Results: bench/out/<timestamp>-soak/ (samples.tsv, soak.svg, each load's
output, summary.txt); exit 1 when not flat.

  --duration DUR   load time, like 10m, 90s (default 10m)
  --quick          smoke test: 60s
  --rate N         normal GETs a second (default 300)
  -h, --help       this text
USAGE
}

duration=10m rate=300
while [ "$#" -gt 0 ]; do
  case "$1" in
    --duration) need_arg "$@"; duration="$2"; shift 2 ;;
    --quick) duration=60s; shift ;;
    --rate) need_arg "$@"; rate="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
case "$duration" in
  *m) secs=$(( ${duration%m} * 60 )) ;;
  *s) secs=${duration%s} ;;
  *) die "--duration must be like 10m or 90s, got '$duration'" ;;
esac
if ! is_posint "$secs" || [ "$secs" -lt 30 ]; then die "--duration must be at least 30s, got '$duration'"; fi
is_posint "$rate" || die "--rate must be a positive integer, got '$rate'"
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null || die "the open-files limit ($(ulimit -n)) is below 4096"
apt_install slowhttptest slowhttptest
apt_install curl curl
new_out_dir -soak
pids=() server_pid=""
cleanup() {
  local p
  for p in ${pids[@]+"${pids[@]}"}; do stop_pid "$p" load; done
  stop_pid "$server_pid" "hourglass serve"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 30000))
while [ -n "$(ss -Htan "( sport = :$port or dport = :$port )" 2>/dev/null)" ]; do port=$((20000 + RANDOM % 30000)); done
addr=127.0.0.1:$port
HOURGLASS_JAVA_OPTS="-Xmx256m" "$root/hourglass" serve --listen "$addr" --handler-timeout 1s \
  >"$out/server.out" 2>"$out/server.err" &
server_pid=$!
for ((i = 0; i < 600; i++)); do
  [ "$(curl -s --max-time 1 "http://$addr/hello" || true)" = hello ] && break
  kill -0 "$server_pid" 2>/dev/null || die "hourglass serve ended before it answered (see $out/server.err)"
  sleep 0.1
done
"$JAVA_HOME/bin/jcmd" "$server_pid" VM.version >/dev/null 2>&1 || die "jcmd cannot reach the server (pid $server_pid)"

heap_after_gc_mib() {
  "$JAVA_HOME/bin/jcmd" "$server_pid" GC.run >/dev/null 2>&1 || { echo -1; return; }
  "$JAVA_HOME/bin/jcmd" "$server_pid" GC.heap_info 2>/dev/null \
    | awk '/ total .*used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); printf "%.1f\n", v / 1024; exit } }'
}
served() { curl -s --max-time 5 "http://$addr/metrics" | awk '/^hourglass_server_requests_total/ { s += $NF } END { printf "%d\n", s }'; }
start=$SECONDS
sample() {   # sample PHASE
  local heap rss thr fds
  heap=$(heap_after_gc_mib)
  rss=$(( $(tree_rss_kb "$server_pid") / 1024 ))
  thr=$(proc_status "$server_pid" Threads)
  fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  printf '%d\t%s\t%d\t%d\t%d\t%d\t%s\n' $((SECONDS - start)) "${heap:--1}" "$rss" "$thr" "$fds" "$(served)" "$1" >>"$out/samples.tsv"
}
printf 't_s\theap_mib\trss_mib\tthreads\tfds\trequests\tphase\n' >"$out/samples.tsv"
say "warming up, then ${secs}s of mixed load on $addr (samples every 10 s in ${out#"$root"/}/samples.tsv)"
"$root/hourglass" load "http://$addr/hello" --rate 200 --duration 5s >/dev/null 2>&1 || true
start=$SECONDS
sample before
base_fds=$(awk -F'\t' 'NR == 2 { print $5 }' "$out/samples.tsv")

hg_load() { local name="$1"; shift; "$root/hourglass" load "$@" --duration "${secs}s" --json >"$out/$name.json" 2>"$out/$name.err" & pids+=($!); }
hg_load normal "http://$addr/hello" --rate "$rate" --timeout 2s
hg_load drain "http://$addr/sleep?d=2s" --rate 10 --timeout 800ms --policy drain
hg_load close "http://$addr/sleep?d=500ms" --rate 20 --timeout 100ms --policy close
slowhttptest -H -c 200 -r 50 -i 10 -x 24 -l "$secs" -u "http://$addr/hello" >"$out/slowloris.txt" 2>&1 & pids+=($!)
slowhttptest -X -c 50 -r 25 -w 512 -y 1024 -n 5 -z 32 -k 1 -l "$secs" -u "http://$addr/bytes?n=1048576" >"$out/slowread.txt" 2>&1 & pids+=($!)
( end=$((SECONDS + secs)); n=0
  while [ "$SECONDS" -lt "$end" ]; do
    curl -s --max-time 0.2 "http://$addr/stream?n=100&every=20ms" -o /dev/null || true   # exit 28: it left
    n=$((n + 1)); sleep 0.05
  done; echo "$n" >"$out/resets.count" ) & pids+=($!)

end=$((start + secs))
while [ "$SECONDS" -lt "$end" ]; do
  sleep $(( end - SECONDS < 10 ? (end - SECONDS > 0 ? end - SECONDS : 0) : 10 ))
  [ "$SECONDS" -lt "$end" ] && sample load
  kill -0 "$server_pid" 2>/dev/null || die "hourglass serve died during the soak (see $out/server.err)"
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()
sample load
sleep 10; sample after
sleep 10; sample after

java_bin="$JAVA_HOME/bin/java"
"$java_bin" "$bench/SoakChart.java" "$out" "Soak: hourglass serve, ${duration} of mixed load" || say "the chart could not be drawn"
verdict=$(awk -F'\t' -v base_fds="$base_fds" 'NR == 1 { next }
  $7 == "load" { n++; t[n] = $1; h[n] = $2; r[n] = $3; th[n] = $4; f[n] = $5 }
  $7 == "after" { after_fds = $5 }
  function med(a, from, to,   k, m, i, j, x) { m = 0; for (i = from; i <= to; i++) x[++m] = a[i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { k = x[i]; x[i] = x[j]; x[j] = k }
    return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2 }
  function mx(a, from, to,   i, m) { m = a[from]; for (i = from; i <= to; i++) if (a[i] > m) m = a[i]; return m }
  END {
    third = int(n / 3); if (third < 1) third = 1
    a1 = 1; a2 = third; b1 = n - third + 1; b2 = n
    ok = 1
    printf "samples under load: %d; first third %d..%d, last third %d..%d\n", n, a1, a2, b1, b2
    hf = med(h, a1, a2); hl = med(h, b1, b2); if (hl > hf * 1.3 + 8) ok = 0
    printf "heap after GC (MiB, median): %.1f -> %.1f  (limit %.1f)\n", hf, hl, hf * 1.3 + 8
    rf = med(r, a1, a2); rl = med(r, b1, b2); if (rl > rf * 1.3 + 64) ok = 0
    printf "RSS (MiB, median): %d -> %d  (limit %d)\n", rf, rl, rf * 1.3 + 64
    tf = mx(th, a1, a2); tl = mx(th, b1, b2); if (tl > tf + 8) ok = 0
    printf "OS threads (max): %d -> %d  (limit %d)\n", tf, tl, tf + 8
    ff = med(f, a1, a2); fl = med(f, b1, b2); if (fl > ff * 1.3 + 50) ok = 0
    printf "open fds (median): %d -> %d  (limit %d)\n", ff, fl, ff * 1.3 + 50
    if (after_fds > base_fds + 20) ok = 0
    printf "open fds before the load %d, 20 s after it %d  (limit %d)\n", base_fds, after_fds, base_fds + 20
    print ok ? "PASS: flat" : "FAIL: not flat"
  }' "$out/samples.tsv")
{ echo "$verdict"
  for f in normal drain close; do echo "$f: $(cat "$out/$f.json" 2>/dev/null)"; done
  echo "resets (curl leaving a streamed response): $(cat "$out/resets.count" 2>/dev/null || echo '?')"
  echo "requests served: $(awk -F'\t' 'END { print $6 }' "$out/samples.tsv")"; } >"$out/summary.txt"
cat "$out/summary.txt"
say "results in ${out#"$root"/}/ (soak.svg)"
grep -q '^PASS' <<<"$verdict" || exit 1
exit 0
}
