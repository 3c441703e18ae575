# shellcheck shell=bash
# Sourced by the profile scripts (server-profile.sh, h2-cpu.sh, threads-cpu.sh), not run.
#
# start_serve REPO OUT [SERVE-ARGS...]: starts `hourglass serve` from the checkout REPO (built) on a random
# 127.0.0.x with the timeouts server-compare.sh gives it (unless SERVE-ARGS sets them) and SERVE-ARGS, JVM options
# from HOURGLASS_JAVA_OPTS,
# output in OUT/server.out and OUT/server.err; waits until it listens and sets addr, port and pid (the JVM's).
start_serve() {
  local repo=$1 out=$2 flag value defaults=(); shift 2
  for flag in --read-header-timeout=10s --write-timeout=30s --idle-timeout=60s; do
    value=${flag#*=}; flag=${flag%%=*}
    [[ " $* " == *" $flag"[\ =]* ]] || defaults+=("$flag" "$value")
  done
  addr=127.0.0.$(( 100 + RANDOM % 100 ))
  (cd "$repo" && exec ./hourglass serve --listen "$addr:0" "${defaults[@]}" "$@" > "$out/server.out" \
      2> "$out/server.err") &
  for _ in $(seq 150); do grep -q listening "$out/server.out" 2>/dev/null && break; sleep 0.2; done
  port=$({ grep -o 'listening on https*://[0-9.]*:[0-9]*' "$out/server.out" || true; } | sed 's/.*://')
  [ -n "$port" ] || { echo "hourglass serve did not start:" >&2; cat "$out/server.err" >&2; return 1; }
  pid=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
}

# proc_io PID: the process's read and write system calls so far ("syscr syscw", from /proc/PID/io).
proc_io() { awk '/^syscr/ { r = $2 } /^syscw/ { w = $2 } END { print r, w }' "/proc/$1/io"; }
