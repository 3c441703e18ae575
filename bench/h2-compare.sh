#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name ("start_$name") look unreachable to it
# Side-by-side HTTP/2 server benchmark: h2load (Debian nghttp2-client) against Hourglass, Jetty 12, Netty, Go and
# nginx answering GET /hello, over h2c (prior knowledge) and h2 (TLS, ALPN), at -c 64 -m 10 and -c 256 -m 1,
# interleaved round by round, with the CPU time of the server's process tree per request as the main figure.
# See docs/BENCHMARKS.md ("HTTP/2"); --help for the options.
set -euo pipefail
# One { ...; exit; } block, so bash reads all of it before running any (editing the file mid-run is safe).
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=h2-compare
. "$bench/lib.sh"   # die, say, need_arg, check_names, is_posint, apt_install, newer_than, tree_ticks, ...

known_servers="hourglass jetty netty go nginx"
known_protos="h2c h2"
def_rounds=3 def_duration=10 def_warmup=5 def_loads="64x10 256x1"
quick_duration=2 quick_warmup=1 quick_loads="64x10" quiet_limit=120
rounds="" duration="" warmup="" loads="" servers="$known_servers" protos="$known_protos" jvm_opts="" quiet=""
quick=0 markdown=0 summarize_dir="" build_only=0

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Starts each server on a fresh loopback address (127.0.0.N, as bench/server-compare.sh does), warms it up with
h2load, then measures one 'h2load -cC -mM -nN URL' run (N sized from the rate of the warm-up to last about
--duration seconds) and the CPU time of the server's process tree during it. Protocols: h2c (cleartext, prior knowledge: http://) and h2 (TLS with ALPN: https://, a fresh
self-signed certificate). Loads: CxM, C connections with M streams each in flight. Servers run one at a time,
in an order rotated every round. Results go to bench/out/<timestamp>-h2/ (results.tsv, summary.txt,
summary.md, summary.tsv, commands.txt, versions.txt, each run's h2load output).

  --quick            smoke test: 1 round, ${quick_warmup}s warm-up + ${quick_duration}s per run, loads "$quick_loads"
  --rounds N         rounds (default $def_rounds)
  --duration SEC     measured h2load run, about (default $def_duration)
  --warmup SEC       h2load warm-up before each measured run, about, not measured (default $def_warmup)
  --loads "CxM ..."  connections x streams per connection (default "$def_loads")
  --protos "P ..."   from: $known_protos (default both)
  --servers "S ..."  from: $known_servers (default all)
  --jvm-opts "OPTS"  JVM flags given to every Java server alike (default: none)
  --quiet PCT        before each server start, wait (up to ${quiet_limit}s) until the machine's other load is
                     below PCT % of all CPUs
  --markdown         print the summary as Markdown (it is always saved as summary.md too)
  --build-only       build (when stale) and check the selected servers, then exit
  --summarize DIR    print the summary of an earlier run's directory and exit
  -h, --help         this text
EOF
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --rounds) need_arg "$@"; rounds="$2"; shift 2 ;;
    --duration) need_arg "$@"; duration="$2"; shift 2 ;;
    --warmup) need_arg "$@"; warmup="$2"; shift 2 ;;
    --loads) need_arg "$@"; loads="$2"; shift 2 ;;
    --protos) need_arg "$@"; protos="$2"; shift 2 ;;
    --servers) need_arg "$@"; servers="$2"; shift 2 ;;
    --jvm-opts) need_arg "$@"; jvm_opts="$2"; shift 2 ;;
    --quiet) need_arg "$@"; quiet="$2"; shift 2 ;;
    --markdown) markdown=1; shift ;;
    --build-only) build_only=1; shift ;;
    --summarize) need_arg "$@"; summarize_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
if [ "$quick" = 1 ]; then
  : "${rounds:=1}" "${duration:=$quick_duration}" "${warmup:=$quick_warmup}" "${loads:=$quick_loads}"
fi
: "${rounds:=$def_rounds}" "${duration:=$def_duration}" "${warmup:=$def_warmup}" "${loads:=$def_loads}"
is_posint "$rounds" || die "--rounds must be a positive integer, got '$rounds'"
is_posint "$duration" || die "--duration must be a positive number of seconds, got '$duration'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup must be a number of seconds (0 for none), got '$warmup'"
[ -z "$quiet" ] || { is_posint "$quiet" && [ "$quiet" -le 100 ]; } || die "--quiet takes a percentage 1-100, got '$quiet'"
read -r -a load_arr <<<"$loads"
[ "${#load_arr[@]}" -gt 0 ] || die "--loads is empty"
for l in "${load_arr[@]}"; do [[ "$l" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "--loads takes CxM pairs like 64x10, got '$l'"; done
read -r -a server_arr <<<"$servers"
check_names --servers server "$known_servers" ${server_arr[@]+"${server_arr[@]}"}
read -r -a proto_arr <<<"$protos"
check_names --protos protocol "$known_protos" ${proto_arr[@]+"${proto_arr[@]}"}
read -r -a jvm_arr <<<"$jvm_opts"

# ---- summary (also --summarize) --------------------------------------------------------------

# summarize DIR FORMAT: per protocol and load, medians over rounds, and hourglass's CPU/request over nginx's
# and over the best Java peer's (the median of same-round ratios). FORMAT: text, markdown or tsv.
summarize() {
  [ -f "$1/results.tsv" ] || die "no results.tsv in $1"
  awk -F'\t' -v fmt="$2" '
    function med(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n == 0 ? "" : (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function java(s) { return s == "hourglass" || s == "jetty" || s == "netty" }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      k = $col["proto"] " " $col["load"]; s = $col["server"]; r = $col["round"]
      if (!(k in seenk)) { seenk[k] = 1; keys[++nk] = k }
      if (!(s in seens)) { seens[s] = 1; srv[++ns] = s }
      cpu[k, s] = cpu[k, s] " " $col["cpu_us_per_req"]; rps[k, s] = rps[k, s] " " $col["req_per_s"]
      lat[k, s] = lat[k, s] " " $col["mean_ms"]; err[k, s] += $col["errors"]; round[k, s, r] = $col["cpu_us_per_req"]
      rounds[r] = 1
    }
    END {
      if (fmt == "tsv") print "proto\tload\tserver\tcpu_us_per_req\treq_per_s\tmean_ms\terrors\tcpu_vs_nginx\tcpu_vs_best_java\tbest_java"
      for (i = 1; i <= nk; i++) {
        k = keys[i]; best = ""
        for (j = 1; j <= ns; j++) { s = srv[j]; m[s] = med(cpu[k, s]); if (s != "hourglass" && java(s) && m[s] != "" && (best == "" || m[s] < m[best])) best = s }
        vn = ""; vb = ""
        for (r in rounds) {
          if (((k, "hourglass", r) in round) && ((k, "nginx", r) in round) && round[k, "nginx", r] > 0) vn = vn " " round[k, "hourglass", r] / round[k, "nginx", r]
          if (best != "" && ((k, "hourglass", r) in round) && ((k, best, r) in round) && round[k, best, r] > 0) vb = vb " " round[k, "hourglass", r] / round[k, best, r]
        }
        rn = med(vn); rb = med(vb)
        if (fmt == "markdown") { print "\n**" k "** (h2load -c " k ")"; print ""; print "| server | CPU µs/req | req/s | mean latency ms | errors |"; print "|---|---:|---:|---:|---:|" }
        else if (fmt == "text") { printf "\n== %s\n%-10s %11s %10s %10s %7s\n", k, "server", "CPU us/req", "req/s", "mean ms", "errors" }
        for (j = 1; j <= ns; j++) {
          s = srv[j]; if (m[s] == "") continue
          if (fmt == "markdown") printf "| %s | %.2f | %.0f | %.2f | %d |\n", s, m[s], med(rps[k, s]), med(lat[k, s]), err[k, s]
          else if (fmt == "text") printf "%-10s %11.2f %10.0f %10.2f %7d\n", s, m[s], med(rps[k, s]), med(lat[k, s]), err[k, s]
          else { split(k, kk, " "); printf "%s\t%s\t%s\t%.3f\t%.0f\t%.3f\t%d\t%s\t%s\t%s\n", kk[1], kk[2], s, m[s], med(rps[k, s]), med(lat[k, s]), err[k, s], (s == "hourglass" && rn != "") ? sprintf("%.3f", rn) : "", (s == "hourglass" && rb != "") ? sprintf("%.3f", rb) : "", best }
        }
        if (fmt != "tsv") printf "%shourglass / nginx: %s; hourglass / best Java peer (%s): %s (medians of same-round CPU ratios)\n", (fmt == "markdown" ? "\n" : ""), rn == "" ? "n/a" : sprintf("%.2f", rn), best == "" ? "none" : best, rb == "" ? "n/a" : sprintf("%.2f", rb)
      }
    }' "$1/results.tsv"
}

if [ -n "$summarize_dir" ]; then
  summarize "$summarize_dir" "$([ "$markdown" = 1 ] && echo markdown || echo text)"
  exit 0
fi

# ---- tools and servers -----------------------------------------------------------------------

apt_install h2load nghttp2-client
apt_install curl curl
apt_install openssl openssl
apt_install ss iproute2
PATH="$PATH:/usr/sbin:/sbin"   # nginx lives in /usr/sbin
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
clk_tck=$(getconf CLK_TCK)
declare -A server_version=()
goh2_bin="$build/goh2/go-h2-hello"

prepare_maven_peer() {   # NAME TITLE: as server-compare.sh; the h2 mains are in the same jars
  local name="$1" src="$bench/peers/$1" jar="$build/$1-peer/$1-hello.jar" log
  if newer_than "$jar" "$src/pom.xml" "$src/src"; then
    say "building the $2 peer (Maven; the first time downloads its dependencies)..."
    log="$build/$name-build.log"; mkdir -p "$build"
    "$root/mvnw" -q -B -ntp -f "$src/pom.xml" clean package >"$log" 2>&1 || { cat "$log" >&2; die "building the $2 peer failed"; }
  fi
  server_version[$name]=$("$JAVA_HOME/bin/java" -jar "$jar" --version 2>/dev/null) || die "the $2 peer does not run"
}
prepare_jetty() { prepare_maven_peer jetty Jetty; }
prepare_netty() { prepare_maven_peer netty Netty; }
prepare_go() {
  # h2c needs golang.org/x/net (Go 1.19 has no h2c of its own): Debian's package, built in GOPATH mode.
  apt_install go golang-go
  [ -d /usr/share/gocode/src/golang.org/x/net/http2/h2c ] || { apt_install_pkg golang-golang-x-net-dev; }
  if newer_than "$goh2_bin" "$bench/peers/goh2"; then
    say "building the Go HTTP/2 peer..."
    mkdir -p "$build/goh2"
    (cd "$bench/peers/goh2" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$build/goh2/cache" GOPROXY=off \
        go build -o "$goh2_bin" .) >"$build/goh2-build.log" 2>&1 || { cat "$build/goh2-build.log" >&2; die "building the Go peer failed"; }
  fi
  server_version[go]=$("$goh2_bin" --version) || die "the Go peer does not run"
}
apt_install_pkg() {   # a package without a command of its own to look for
  dpkg -s "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "$1 is missing: install it with 'apt-get install $1' (needs root)"
  say "installing $1 (apt-get)..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1; } \
    || die "apt-get install $1 failed"
}
prepare_nginx() {
  apt_install nginx nginx
  server_version[nginx]="$(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto ($(nproc) workers)"
}
prepare_hourglass() {
  server_version[hourglass]=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" --version) || die "'hourglass --version' failed"
}

# start_NAME PROTO OUT ERR: starts it on $addr in the background, sets server_pid and server_cmd (and
# server_port when it picks the port itself: nginx)
java_cmd() { echo "$JAVA_HOME/bin/java${jvm_opts:+ $jvm_opts}"; }
start_hourglass() {
  local tls=(); [ "$1" = h2 ] && tls=(--tls-cert "$out/cert.pem" --tls-key "$out/key.pem")
  server_cmd="HOURGLASS_JAVA_OPTS='$jvm_opts' $root/hourglass serve --listen $addr:0 --read-header-timeout 10s --write-timeout 30s --idle-timeout 60s ${tls[*]}"
  HOURGLASS_JAVA_OPTS="$jvm_opts" "$root/hourglass" serve --listen "$addr:0" --read-header-timeout 10s \
    --write-timeout 30s --idle-timeout 60s ${tls[@]+"${tls[@]}"} >"$2" 2>"$3" &
  server_pid=$!
}
start_jetty() {
  local args=("$addr" "$1"); [ "$1" = h2 ] && args+=("$out/keystore.p12" hourglass)
  server_cmd="$(java_cmd) -cp $build/jetty-peer/jetty-hello.jar io.hourglass.bench.jetty.JettyH2Hello 0 ${args[*]}"
  "$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -cp "$build/jetty-peer/jetty-hello.jar" \
    io.hourglass.bench.jetty.JettyH2Hello 0 "${args[@]}" >"$2" 2>"$3" &
  server_pid=$!
}
start_netty() {
  local args=("$addr" "$1"); [ "$1" = h2 ] && args+=("$out/cert.pem" "$out/key.pem")
  server_cmd="$(java_cmd) -cp $build/netty-peer/netty-hello.jar io.hourglass.bench.netty.NettyH2Hello 0 ${args[*]}"
  "$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -cp "$build/netty-peer/netty-hello.jar" \
    io.hourglass.bench.netty.NettyH2Hello 0 "${args[@]}" >"$2" 2>"$3" &
  server_pid=$!
}
start_go() {
  local args=("$addr" "$1"); [ "$1" = h2 ] && args+=("$out/cert.pem" "$out/key.pem")
  server_cmd="$goh2_bin 0 ${args[*]}"
  "$goh2_bin" 0 "${args[@]}" >"$2" 2>"$3" &
  server_pid=$!
}
start_nginx() {   # a free port below the ephemeral range, as server-compare.sh does
  local dir="$out/nginx" lo opts=http2
  [ "$1" = h2 ] && opts="ssl http2"
  mkdir -p "$dir/logs" "$dir/tmp"
  read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
  [ "$lo" -gt 11024 ] || lo=32768
  server_port=$(( lo - 10000 + RANDOM % 10000 ))
  sed "s/@ADDR@/$addr/; s/@PORT@/$server_port/; s/@OPTS@/$opts/; s|@CERT@|$out/cert.pem|; s|@KEY@|$out/key.pem|" \
    "$bench/peers/nginx/h2.conf" >"$dir/nginx.conf"
  server_cmd="nginx -p $dir -c $dir/nginx.conf   (listen $addr:$server_port $opts)"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$2" 2>"$3" &
  server_pid=$!
}

server_pid=""
stop_server() { [ -z "$server_pid" ] || stop_pid "$server_pid" server; server_pid=""; }
trap 'stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME PROTO TAG: starts it, learns its port, checks GET /hello over HTTP/2
start_server() {
  local name="$1" proto="$2" sout="$out/$3.server.out" serr="$out/$3.server.err" line="" i resp scheme=http
  [ "$proto" = h2 ] && scheme=https
  server_port=""
  "start_$name" "$proto" "$sout" "$serr"
  for ((i = 0; i < 600; i++)); do   # up to 60 s: a cold JVM on a busy 2-core machine is slow
    [ -z "$server_port" ] || break
    line=$(grep -m1 -o 'listening on https\?://[^ ]*' "$sout" 2>/dev/null || true)
    [ -z "$line" ] || server_port=${line##*:}
    kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$serr" >&2; die "$name ($proto) ended before it listened (see $serr)"; }
    [ -n "$server_port" ] || sleep 0.1
  done
  [ -n "$server_port" ] || die "$name ($proto) printed no 'listening on' line in 60 s (see $sout)"
  url="$scheme://$addr:$server_port/hello"
  local how=(--http2-prior-knowledge); [ "$proto" = h2 ] && how=(--http2 -k)
  for ((i = 0; i < 100; i++)); do
    resp=$(curl -s --max-time 2 "${how[@]}" -w '|%{http_code}|%{http_version}' "$url" || true)
    [ "$resp" = $'hello\n|200|2' ] && return 0
    sleep 0.1
  done
  die "$name ($proto) on $addr:$server_port does not answer GET /hello over HTTP/2 (got: ${resp:-nothing})"
}

# parse_h2load FILE: "requests seconds req_per_s mean_ms errors" (errors: failed, errored, timed out, non-2xx)
parse_h2load() {
  awk '
    function ms(v) { return (v ~ /us$/) ? substr(v, 1, length(v) - 2) / 1000 : (v ~ /ms$/) ? substr(v, 1, length(v) - 2) + 0 : substr(v, 1, length(v) - 1) * 1000 }
    /^finished in/ { sec = $3; sub(/s,$/, "", sec); rps = $4 }
    /^requests:/ { succ = $8; errs = $10 + $12 + $14 }
    /^status codes:/ { non2xx = $5 + $7 + $9 }
    /^time for request:/ { mean = ms($6) }
    END { if (succ == "" || rps == "") exit 1; printf "%s\t%s\t%s\t%s\t%d\n", succ, sec, rps, mean, errs + non2xx }' "$1"
}

# h2run NAME N: h2load -cC -mM -nN $url >$out/NAME.txt (killed after 5 minutes); sets last_rps
h2run() {
  echo "# $1: h2load -c$c -m$m -n$2 $url" >>"$out/commands.txt"
  timeout -k 5 300 h2load -c"$c" -m"$m" -n"$2" "$url" >"$out/$1.txt" 2>&1 || return 1
  last_rps=$(awk '/^finished in/ { print int($4) }' "$out/$1.txt")
  last_sec=$(awk '/^finished in/ { s = $3; sub(/,$/, "", s); print (s ~ /ms$/) ? substr(s, 1, length(s) - 2) / 1000 : substr(s, 1, length(s) - 1) + 0 }' "$out/$1.txt")
  [ -n "$last_rps" ]
}

# sized SECONDS: the request count that lasts about SECONDS at the last rate seen (at least 20 per stream)
sized() { awk -v r="$last_rps" -v s="$1" -v min=$(( c * m * 20 )) 'BEGIN { n = int(r * s); print n < min ? min : n }'; }

for s in "${server_arr[@]}"; do "prepare_$s"; done
if [ "$build_only" = 1 ]; then
  for s in "${server_arr[@]}"; do echo "$s: ${server_version[$s]}"; done
  exit 0
fi

new_out_dir -h2
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null || die "openssl could not make a certificate"
openssl pkcs12 -export -in "$out/cert.pem" -inkey "$out/key.pem" -out "$out/keystore.p12" -passout pass:hourglass \
  || die "openssl could not make the PKCS12 keystore (Jetty's)"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "repo: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "kernel: $(uname -srm); cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "h2load: $(h2load --version 2>&1 | head -n 1)"
  echo "java ($JAVA_HOME): $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
  for s in "${server_arr[@]}"; do echo "$s: ${server_version[$s]}"; done
} >"$out/versions.txt"
echo "rounds=$rounds duration=${duration}s warmup=${warmup}s loads=\"$loads\" protos=\"$protos\" servers=\"$servers\" jvm_opts=\"$jvm_opts\" quiet=${quiet:-off} cpus=$(nproc) (h2load, one thread, on the same machine)" >"$out/settings.txt"
printf 'round\tproto\tload\tserver\tposition\trequests\tseconds\treq_per_s\tmean_ms\terrors\tcpu_s\tcpu_us_per_req\trss_kb\tother_cpu_pct\taddr\n' >"$out/results.tsv"
: >"$out/commands.txt"
n=${#server_arr[@]}
say "results in $out; about $(( (rounds * n * ${#proto_arr[@]} * ${#load_arr[@]} * (warmup + duration + 3) + 59) / 60 )) min"
addr_next=$(( 2 + RANDOM % 253 ))

for ((r = 1; r <= rounds; r++)); do
  for proto in "${proto_arr[@]}"; do
    for load in "${load_arr[@]}"; do
      c=${load%x*} m=${load#*x}
      for ((i = 0; i < n; i++)); do
        s=${server_arr[$(( (i + r - 1) % n ))]}
        tag="r$r-$proto-$load-$s"
        wait_quiet
        a=$(free_loopback "$addr_next") || die "every address of 127.0.0.2-254 has sockets on it"
        addr="127.0.0.$a"; addr_next=$(( a + 1 ))
        start_server "$s" "$proto" "$tag"
        echo "# $tag server: $server_cmd" >>"$out/commands.txt"
        # h2load runs by request count (-n): with -D it waits at the end for servers that do not close after
        # its GOAWAY (Jetty's connections stay up until their idle timeout). A short calibration run, then a
        # warm-up and the measured run sized from the rate just seen to last about --warmup and --duration.
        # A JVM server is still compiling in its first seconds, so a warm-up sized from the calibration's rate
        # ends early (2026-12-06: 1-2 s of a 5 s warm-up, and the measured run then ran at half the steady
        # rate): the warm-up runs again, sized from each pass's rate, until its passes have lasted --warmup
        # seconds in all (at most 8 passes).
        h2run "$tag.calibration" $(( c * m * 20 )) || die "h2load calibration against $s failed (see $out/$tag.calibration.txt)"
        warmed=0 pass=0
        while [ "$pass" -lt 8 ] && awk -v w="$warmed" -v t="$warmup" 'BEGIN { exit !(w < t) }'; do
          pass=$(( pass + 1 ))
          h2run "$tag.warmup$pass" "$(sized "$warmup")" || die "h2load warm-up against $s failed (see $out/$tag.warmup$pass.txt)"
          warmed=$(awk -v w="$warmed" -v s="$last_sec" 'BEGIN { print w + s }')
        done
        n_req=$(sized "$duration")
        t0=$(tree_ticks "$server_pid"); read -r b0 bt0 <<<"$(busy_total)"
        h2run "$tag.h2load" "$n_req" || die "h2load against $s failed (see $out/$tag.h2load.txt)"
        t1=$(tree_ticks "$server_pid") || die "$s ended during the run (see $out/$tag.server.err)"
        read -r b1 bt1 <<<"$(busy_total)"
        rss=$(tree_rss_kb "$server_pid")
        stop_server
        row=$(parse_h2load "$out/$tag.h2load.txt") || die "cannot read h2load's output $out/$tag.h2load.txt"
        IFS=$'\t' read -r req sec rps mean errs <<<"$row"
        cpu=$(awk -v t=$(( t1 - t0 )) -v hz="$clk_tck" 'BEGIN { printf "%.3f", t / hz }')
        cpr=$(awk -v c="$cpu" -v q="$req" 'BEGIN { printf "%.3f", (q > 0 ? c * 1e6 / q : 0) }')
        # CPU of everything else (h2load, other work) over the run, in % of the machine: the noise indicator
        other=$(awk -v b=$(( b1 - b0 )) -v t=$(( bt1 - bt0 )) -v s=$(( t1 - t0 )) 'BEGIN { printf "%.0f", (t > 0 ? (b - s) * 100 / t : 0) }')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$proto" "$load" "$s" "$((i + 1))" \
          "$req" "$sec" "$rps" "$mean" "$errs" "$cpu" "$cpr" "$rss" "$other" "$addr" >>"$out/results.tsv"
        say "$tag: $rps req/s, $cpr us CPU/req, $errs errors"
      done
    done
  done
done

summarize "$out" text >"$out/summary.txt"
summarize "$out" markdown >"$out/summary.md"
summarize "$out" tsv >"$out/summary.tsv"
cat "$out/summary.txt"
[ "$quick" = 0 ] || echo "(a smoke run: these figures are not data)"
exit 0
}
