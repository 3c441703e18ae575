#!/usr/bin/env bash
# h2-cpu.sh REPO SECONDS h2c|h2 H2LOAD-ARGS...: starts `hourglass serve` from the checkout REPO (built), warms it
# with 8 s of h2load, then measures SECONDS of `h2load -t1 H2LOAD-ARGS` (e.g. -c256 -m1) and prints one line: the
# requests, the server's CPU µs per request (utime+stime from /proc), and its socket reads and writes per request
# (syscr/syscw from /proc/PID/io). h2 uses a self-signed certificate made once in $TMPDIR. One fresh JVM per
# call: run it in alternating A/B pairs (under `flock -x /work/bench.lock` on a shared machine).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 REPO SECONDS h2c|h2 H2LOAD-ARGS..." >&2; exit 2; }
repo=$(cd "$1" && pwd) dur=$2 proto=$3; shift 3
tls=() scheme=http
if [ "$proto" = h2 ]; then
  crt=${TMPDIR:-/tmp}/h2-cpu-cert.pem key=${TMPDIR:-/tmp}/h2-cpu-key.pem
  [ -f "$crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$crt" -days 30 \
      -subj /CN=localhost 2>/dev/null
  tls=(--tls-cert "$crt" --tls-key "$key") scheme=https
elif [ "$proto" != h2c ]; then
  echo "$0: protocol is h2c or h2, not '$proto'" >&2; exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"
start_serve "$repo" "$out" "${tls[@]}"
url="$scheme://$addr:$port/hello"
h2load -t1 "$@" -D 8 "$url" > /dev/null 2>&1
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
read -r r0 w0 < <(proc_io "$pid"); t0=$(ticks)
h2load -t1 "$@" -D "$dur" "$url" > "$out/load.txt" 2>&1
t1=$(ticks); read -r r1 w1 < <(proc_io "$pid")
kill "$pid"; wait 2>/dev/null || true
n=$(grep -o 'requests: [0-9]* total' "$out/load.txt" | awk '{ print $2 }')
awk -v n="$n" -v t=$(( t1 - t0 )) -v hz="$(getconf CLK_TCK)" -v r=$(( r1 - r0 )) -v w=$(( w1 - w0 )) 'BEGIN {
  printf "requests %d cpu_us_per_req %.2f reads_per_req %.3f writes_per_req %.3f\n", n, t * 1e6 / hz / n, r / n, w / n }'
