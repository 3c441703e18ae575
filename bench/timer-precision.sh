#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from the EXIT trap, which shellcheck does not see
# Deadline timer precision as a user sees it: N loopback connections, each with a virtual thread blocked in
# a read under a read deadline spread over a window; how late each read fails after its deadline, and that
# none fails early (io.hourglass.bench.TimerPrecision in bench/jmh). See docs/BENCHMARKS.md ("Timer
# precision"); --help for the options.
set -euo pipefail
# One { ...; exit; } block, so bash reads all of it before running any (editing the file mid-run is safe).
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
# shellcheck disable=SC2034  # read by the helpers in lib.sh
build="$bench/build"
prog=timer-precision
. "$bench/lib.sh"   # die, say, need_arg, is_posint, newer_than, build_jmh, ...

def_conns=10000 def_from=1000 def_to=3000
quick_conns=1000 quick_from=500 quick_to=1000
fd_margin=512   # descriptors a JVM holds besides the connections (jars, libraries, epoll, pipes)

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Opens N loopback TCP connections (accepted by a child JVM, so each process holds N descriptors), then:
  alarm  arms each connection's alarm (Conn.armAlarm) at an instant spread evenly over [FROM, TO] ms
         after a common start, in random order: lateness = when the alarm action ran minus its instant
         (the timer alone)
  read   starts one virtual thread per connection that sets a read deadline the same way and blocks in
         Conn.read: lateness = when the read threw DeadlineExceededException minus its deadline (timer,
         input shutdown, poller and scheduler together, what a caller sees)
and checks that every deadline expired and none early. Prints one line per variant; results go to
bench/out/<timestamp>-timer/ (summary.tsv, lateness.tsv with one line per deadline, output.txt).

  --quick            smoke test: $quick_conns connections, deadlines over $quick_from..$quick_to ms
  --conns N          connections (default $def_conns)
  --from-ms A        earliest deadline after the start (default $def_from)
  --to-ms B          latest deadline (default $def_to)
  --variants "V ..." from: alarm read (default "alarm read", in that order)
  --jvm-opts "OPTS"  JVM flags for the measuring JVM (default: none)
  -h, --help         this text
EOF
}

# ---- options ---------------------------------------------------------------------------------

quick=0 conns="" from="" to="" variants="alarm read" jvm_opts=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --conns) need_arg "$@"; conns="$2"; shift 2 ;;
    --from-ms) need_arg "$@"; from="$2"; shift 2 ;;
    --to-ms) need_arg "$@"; to="$2"; shift 2 ;;
    --variants) need_arg "$@"; variants="$2"; shift 2 ;;
    --jvm-opts) need_arg "$@"; jvm_opts="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
if [ "$quick" = 1 ]; then
  : "${conns:=$quick_conns}" "${from:=$quick_from}" "${to:=$quick_to}"
fi
: "${conns:=$def_conns}" "${from:=$def_from}" "${to:=$def_to}"

is_posint "$conns" || die "--conns must be a positive integer, got '$conns'"
[ "$conns" -le 100000 ] || die "--conns is at most 100000, got $conns"
is_posint "$from" || die "--from-ms must be a positive number of ms, got '$from'"
is_posint "$to" || die "--to-ms must be a positive number of ms, got '$to'"
[ "$to" -ge "$from" ] || die "--to-ms ($to) is before --from-ms ($from)"
read -r -a variant_arr <<<"$variants"
check_names --variants variant "alarm read" ${variant_arr[@]+"${variant_arr[@]}"}
read -r -a jvm_arr <<<"$jvm_opts"

# Each JVM (this one and the accepting child, which inherits the limit) holds N connections.
need=$((conns + fd_margin))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    die "$conns connections need $need open files per process, and the hard limit is $hard: lower --conns or raise it (as root: ulimit -Hn $need)"
  fi
  ulimit -n "$need" || die "could not raise the open files limit to $need (ulimit -n)"
fi

# ---- build and run ---------------------------------------------------------------------------

# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message
build_jmh                       # sets jmh_jar

new_out_dir "-timer"   # sets $out
cmd=("$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -cp "$jmh_jar" io.hourglass.bench.TimerPrecision
     --conns "$conns" --from-ms "$from" --to-ms "$to" --variants "${variant_arr[*]}" --out "$out")
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mode: $([ "$quick" = 1 ] && echo quick || echo full)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) ($JAVA_HOME)"
  echo "cpus: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg); open files limit: $(ulimit -n)"
  echo "command: ${cmd[*]}"
} >"$out/settings.txt"

say "$conns connections, deadlines over $from..$to ms, variants: ${variant_arr[*]}"
tp_pid=""
cleanup() { if [ -n "$tp_pid" ] && kill -0 "$tp_pid" 2>/dev/null; then kill "$tp_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT   # the accepting child exits by itself when its parent's pipe closes
"${cmd[@]}" >"$out/output.txt" 2>&1 &
tp_pid=$!
status=0
wait "$tp_pid" || status=$?
tp_pid=""
cat "$out/output.txt"
case "$status" in
  0) say "done: ${out#"$root"/}/ (summary.tsv, lateness.tsv, output.txt, settings.txt)" ;;
  1) die "a check failed (an early, missing or non-timeout expiry; see above); results in ${out#"$root"/}/" ;;
  *) die "TimerPrecision failed (exit $status); output above, in ${out#"$root"/}/output.txt" ;;
esac
exit 0
}
