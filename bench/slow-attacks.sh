#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name ("start_$name") look unreachable to it
# Slow-client attacks side by side (docs/ROBUSTNESS.md, "Slow clients"): slowhttptest's slowloris (slow
# headers), slow body (R-U-Dead-Yet) and slow read against `hourglass serve` with its defaults, Go's net/http
# with the timeouts a careful Go user sets (bench/peers/goinspect) and nginx with its defaults. While each attack
# holds its connections, a normal client (goinspect probe: GETs /hello at a fixed rate, a new connection each)
# measures what share of its requests is answered and how fast; the server's RSS and OS threads are sampled.
# When a server has closed every attack connection (its timeouts), the attack starts again, as an attacker would.
set -euo pipefail
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=slow-attacks
. "$bench/lib.sh"   # die, say, need_arg, is_posint, apt_install, go_build, stop_pid, tree_pids, tree_rss_kb, new_out_dir
. "$root/scripts/find-jdk.sh"   # JAVA_HOME, for the version line (./hourglass finds its JDK itself)

known_servers="hourglass go nginx"
known_attacks="slowloris slowbody slowread"

usage() {
  cat <<USAGE
usage: bench/$prog.sh [options]

For each attack and server: start the server on a free loopback port, warm it up with the normal client,
start slowhttptest with N connections, wait until they are open, then run the normal client (R GETs a second
of /hello, each on a new connection, 5 s timeout) for P seconds while sampling the server's RSS, OS threads
and established connections every second (slowhttptest is started again whenever the server has closed all
its connections); then stop both. Results: bench/out/<timestamp>-slow/ (results.tsv,
summary.md, each tool's output); the summary is also printed.

  --conns N          attack connections (default 1000; --quick 300)
  --probe SEC        normal client's time under attack (default 20; --quick 4)
  --rate R           normal client's requests per second (default 20)
  --servers "S ..."  from: $known_servers (default: all)
  --attacks "A ..."  from: $known_attacks (default: all)
  --quick            smoke test: 300 connections, 4 s probe
  -h, --help         this text

examples:
  bench/$prog.sh                                   # the full run quoted in docs/ROBUSTNESS.md (~5 minutes)
  bench/$prog.sh --quick --attacks slowloris       # the smoke run of ./scripts/test (~40 s)
USAGE
}

conns="" probe_s="" rate=20 servers="$known_servers" attacks="$known_attacks" quick=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --conns) need_arg "$@"; conns="$2"; shift 2 ;;
    --probe) need_arg "$@"; probe_s="$2"; shift 2 ;;
    --rate) need_arg "$@"; rate="$2"; shift 2 ;;
    --servers) need_arg "$@"; servers="$2"; shift 2 ;;
    --attacks) need_arg "$@"; attacks="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
if [ "$quick" = 1 ]; then conns=${conns:-300}; probe_s=${probe_s:-4}; else conns=${conns:-1000}; probe_s=${probe_s:-20}; fi
for v in conns probe_s rate; do is_posint "${!v}" || die "--${v%_s} must be a positive integer, got '${!v}'"; done
# shellcheck disable=SC2086
check_names --servers server "$known_servers" $servers
# shellcheck disable=SC2086
check_names --attacks attack "$known_attacks" $attacks
[ "$(ulimit -n)" -ge $((conns * 2 + 256)) ] || ulimit -n $((conns * 2 + 256)) 2>/dev/null \
  || die "the open-files limit ($(ulimit -n)) is too low for $conns connections: raise it (ulimit -n)"

apt_install slowhttptest slowhttptest
apt_install curl curl
[[ " $servers " != *" nginx "* ]] || apt_install nginx nginx
peer="$build/goinspect"
go_build "$bench/peers/goinspect" "$peer" "the Go peer (bench/peers/goinspect)"
new_out_dir -slow
server_pid="" attack_pid="" server_port=""
cleanup() { stop_pid "$attack_pid" slowhttptest; stop_pid "$server_pid" server; }
trap cleanup EXIT

# free_port: a loopback TCP port no socket uses now
free_port() {
  local p
  for ((;;)); do
    p=$((20000 + RANDOM % 30000))
    [ -z "$(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null)" ] && { echo "$p"; return; }
  done
}

start_hourglass() {   # ./hourglass execs java, so $! is the JVM's pid
  "$root/hourglass" serve --listen "127.0.0.1:$server_port" >"$1" 2>"$2" &
  server_pid=$!
}
start_go() {
  "$peer" serve "$server_port" >"$1" 2>"$2" &
  server_pid=$!
}
start_nginx() {
  local dir="$out/nginx-$attack"
  mkdir -p "$dir/logs" "$dir/tmp"
  head -c 1048576 /dev/zero | tr '\0' x >"$dir/bytes"
  sed "s|@ADDR@|127.0.0.1|; s|@PORT@|$server_port|; s|@ROOT@|$dir|" "$bench/peers/nginx/attack.conf" >"$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$1" 2>"$2" &
  server_pid=$!
}

# start_server NAME: starts it on a free port and waits until GET /hello answers
start_server() {
  local i
  server_port=$(free_port)
  "start_$1" "$out/$1-$attack.server.out" "$out/$1-$attack.server.err"
  for ((i = 0; i < 600; i++)); do   # up to 60 s: a cold JVM on a busy 2-core machine is slow
    [ "$(curl -s --max-time 1 "http://127.0.0.1:$server_port/hello" || true)" = hello ] && return 0
    kill -0 "$server_pid" 2>/dev/null || die "$1 ended before it answered (see $out/$1-$attack.server.err)"
    sleep 0.1
  done
  die "$1 did not answer GET /hello within 60 s"
}

# attack_args ATTACK: slowhttptest's options (connections opened at 200/s, one tick every 10 s)
attack_args() {
  local base=(-c "$conns" -r 200 -l $((probe_s + conns / 200 + 30)) -p 5)
  case "$1" in
    slowloris) echo "${base[*]} -H -i 10 -x 24 -u http://127.0.0.1:$server_port/hello" ;;
    slowbody)  echo "${base[*]} -B -i 10 -s 65536 -x 24 -u http://127.0.0.1:$server_port/inspect" ;;
    slowread)  echo "${base[*]} -X -w 512 -y 1024 -n 5 -z 32 -k 3 -u http://127.0.0.1:$server_port/bytes?n=1048576" ;;
  esac
}

established() { ss -Htn state established "( sport = :$server_port )" 2>/dev/null | wc -l; }
tree_threads() {
  local t=0 p v
  for p in $(tree_pids "$1"); do
    v=$(awk '/^Threads:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

printf 'attack\tserver\tconns_held\tsent\tok\tfailed\tp50_ms\tp99_ms\tmax_ms\trss_mib\tthreads\tbaseline_p99_ms\tbaseline_rss_mib\trestarts\n' >"$out/results.tsv"
{ echo "slowhttptest: $(slowhttptest -h 2>&1 | grep -o 'version [0-9.]*' | head -1)"; echo "go: $("$peer" --version)"
  echo "nginx: $(nginx -v 2>&1)"; echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"; } >"$out/versions.txt" 2>/dev/null || true
for attack in $attacks; do
  for s in $servers; do
    say "$attack against $s: $conns connections, then the normal client for ${probe_s}s at $rate/s"
    start_server "$s"
    # warm-up (JIT, pools) and a baseline without attack
    before=$("$peer" probe "http://127.0.0.1:$server_port/hello" "$rate" 3s 5s)
    base_rss=$(( $(tree_rss_kb "$server_pid") / 1024 ))
    # shellcheck disable=SC2046
    slowhttptest $(attack_args "$attack") >"$out/$s-$attack.slowhttptest.txt" 2>&1 &
    attack_pid=$!
    # wait until the attack holds its connections (or 15 s more than the ramp takes)
    for ((i = 0; i < conns / 200 + 15; i++)); do
      [ "$(established)" -ge $((conns * 9 / 10)) ] && break
      sleep 1
    done
    held=$(established) rss=0 thr=0
    "$peer" probe "http://127.0.0.1:$server_port/hello" "$rate" "${probe_s}s" 5s >"$out/$s-$attack.probe.json" &
    probe_pid=$!
    restarts=0
    while kill -0 "$probe_pid" 2>/dev/null; do
      if ! kill -0 "$attack_pid" 2>/dev/null; then
        # the server closed every attack connection (its timeouts): an attacker connects again
        wait "$attack_pid" 2>/dev/null || true
        # shellcheck disable=SC2046
        slowhttptest $(attack_args "$attack") >>"$out/$s-$attack.slowhttptest.txt" 2>&1 &
        attack_pid=$!
        restarts=$((restarts + 1))
      fi
      r=$(( $(tree_rss_kb "$server_pid") / 1024 )); [ "$r" -gt "$rss" ] && rss=$r
      t=$(tree_threads "$server_pid"); [ "$t" -gt "$thr" ] && thr=$t
      e=$(established); [ "$e" -gt "$held" ] && held=$e
      sleep 1
    done
    wait "$probe_pid" || die "the normal client failed (see $out/$s-$attack.probe.json)"
    stop_pid "$attack_pid" slowhttptest; attack_pid=""
    stop_pid "$server_pid" "$s"; server_pid=""
    p=$(<"$out/$s-$attack.probe.json")
    num() { grep -o "\"$1\":[-0-9.]*" <<<"$2" | cut -d: -f2; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$attack" "$s" "$held" "$(num sent "$p")" \
      "$(num ok "$p")" "$(num failed "$p")" "$(num p50_ms "$p")" "$(num p99_ms "$p")" "$(num max_ms "$p")" \
      "$rss" "$thr" "$(num p99_ms "$before")" "$base_rss" "$restarts" >>"$out/results.tsv"
  done
done

awk -F'\t' -v conns="$conns" -v rate="$rate" -v probe="$probe_s" 'NR == 1 { next }
  NR == 2 { printf "# Slow-client attacks: %d attack connections; normal client %d GET/s for %d s, new connection each\n\n", conns, rate, probe
            print "| attack | server | attack conns held (max) | attack restarts | answered | p50 ms | p99 ms | max ms | p99 ms before | RSS MiB (before) | threads |"
            print "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" }
  { share = $4 > 0 ? 100 * $5 / $4 : 0
    printf "| %s | %s | %s | %s | %d/%d (%.1f %%) | %s | %s | %s | %s | %s (%s) | %s |\n", $1, $2, $3, $14, $5, $4, share, $7, $8, $9, $12, $10, $13, $11 }' \
  "$out/results.tsv" >"$out/summary.md"
cat "$out/summary.md"
say "results in ${out#"$root"/}/"
exit 0
}
