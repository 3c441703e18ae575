#!/usr/bin/env bash
# The CLI's download path beside curl's (issue 13): 'hourglass get' and 'curl' fetch the same large file from the
# same nginx, interleaved round by round, once to -o /dev/null and once to stdout; wall, user and system time of
# each whole process. --help for the options.
set -euo pipefail
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
prog=cli-download
. "$bench/lib.sh"   # die, say, need_arg, is_posint, apt_install

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Makes a file of SIZE MiB (sparse: nginx sends it from the page cache), serves it with nginx (sendfile on, one
worker) on a free loopback port, and times each client as a fresh process fetching it: curl -s, and
./hourglass get -s (through the launcher, as a user runs it), each once with -o /dev/null and once to stdout
piped to /dev/null. Clients alternate within each round and the order flips every round. Results go to
bench/out/<timestamp>-download/ (raw times in results.tsv, medians in summary.txt, the commands and versions).

  --size MIB     file size in MiB (default 1024)
  --rounds R     rounds (default 5)
  -h, --help     this text
EOF
}

size=1024 rounds=5
while [ "$#" -gt 0 ]; do
  case "$1" in
    --size) need_arg "$@"; size="$2"; shift 2 ;;
    --rounds) need_arg "$@"; rounds="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
is_posint "$size" || die "--size takes a number of MiB, got '$size'"
is_posint "$rounds" || die "--rounds must be a positive integer, got '$rounds'"

apt_install nginx nginx
apt_install curl curl
[ -x /usr/bin/time ] || apt_install time time
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"

out="$bench/out/$(date -u +%Y%m%dT%H%M%SZ)-download"
mkdir -p "$out/nginx/logs" "$out/nginx/tmp" "$out/www"
truncate -s "${size}M" "$out/www/big"
HOURGLASS_JAVA_OPTS="" "$root/hourglass" --version >"$out/versions.txt"   # builds the CLI now, not while timing
{ curl --version | head -n 1; nginx -v 2>&1; "$JAVA_HOME/bin/java" -version 2>&1 | head -n 1; } >>"$out/versions.txt"

port=""
for ((try = 0; try < 10; try++)); do
  p=$(( 20000 + RANDOM % 30000 ))
  [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] || continue
  cat >"$out/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
pid nginx.pid;
error_log logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    server {
        listen 127.0.0.1:$p;
        location / { root $out/www; }
    }
}
EOF
  nginx -p "$out/nginx" -c "$out/nginx/nginx.conf" -e "$out/nginx/logs/error.log" >"$out/nginx/stdout" 2>&1 &
  nginx_pid=$!
  for ((i = 0; i < 50; i++)); do
    if curl -sf -o /dev/null -r 0-0 "http://127.0.0.1:$p/big"; then port=$p; break 2; fi
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true
done
[ -n "$port" ] || die "nginx did not start (see $out/nginx)"
trap 'kill "$nginx_pid" 2>/dev/null || true' EXIT
url="http://127.0.0.1:$port/big"
curl -s -o /dev/null "$url"   # into the page cache

run() {   # run ROUND NAME MODE: one timed process; appends "round name mode wall user sys bytes" to results.tsv
  local r="$1" name="$2" mode="$3" t="$out/time.txt" cmd
  case "$name" in
    curl) cmd=(curl -s) ;;
    hourglass) cmd=("$root/hourglass" get -s) ;;
  esac
  if [ "$mode" = file ]; then
    /usr/bin/time -f '%e %U %S' -o "$t" "${cmd[@]}" -o /dev/null "$url" || die "$name failed (round $r)"
  else
    /usr/bin/time -f '%e %U %S' -o "$t" bash -c '"$@" | wc -c' _ "${cmd[@]}" "$url" >"$out/bytes.txt" \
      || die "$name failed (round $r)"
    [ "$(<"$out/bytes.txt")" = "$(( size * 1024 * 1024 ))" ] || die "$name to stdout gave $(<"$out/bytes.txt") bytes"
  fi
  printf '%s\t%s\t%s\t%s\n' "$r" "$name" "$mode" "$(tr ' ' '\t' <"$t")" >>"$out/results.tsv"
}

printf 'round\tclient\toutput\twall_s\tuser_s\tsys_s\n' >"$out/results.tsv"
echo "curl -s -o /dev/null $url; curl -s $url | wc -c; $root/hourglass get -s -o /dev/null $url; $root/hourglass get -s $url | wc -c" \
  >"$out/commands.txt"
for ((r = 1; r <= rounds; r++)); do
  order="curl hourglass"; [ $(( r % 2 )) = 0 ] && order="hourglass curl"
  for name in $order; do
    for mode in file stdout; do run "$r" "$name" "$mode"; done
  done
  say "round $r/$rounds done"
done

awk -F'\t' -v size="$size" 'NR > 1 { k = $2 " " $3; n[k]++; w[k, n[k]] = $4; u[k, n[k]] = $5; s[k, n[k]] = $6 }
  function med(a, k, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = a[k, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
  }
  END {
    printf "%s MiB from nginx over loopback, medians of %d rounds (whole process: start-up and exit included)\n", size, n["curl file"]
    printf "%-22s %8s %8s %8s %10s\n", "client, output", "wall s", "user s", "sys s", "MiB/s"
    split("curl file|curl stdout|hourglass file|hourglass stdout", ks, "|")
    for (i = 1; i <= 4; i++) { k = ks[i]; c = n[k]; wm = med(w, k, c)
      printf "%-22s %8.2f %8.2f %8.2f %10.0f\n", k, wm, med(u, k, c), med(s, k, c), size / wm }
  }' "$out/results.tsv" | tee "$out/summary.txt"
say "raw times, versions and commands: $out"
exit
}
