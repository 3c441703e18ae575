#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name ("start_$name") look unreachable to it
# Side-by-side server benchmark: wrk against Hourglass and peer servers answering GET /hello,
# interleaved round by round, with the server's CPU time per request as the main figure.
# See docs/BENCHMARKS.md for the method and how to read the numbers; --help for the options.
set -euo pipefail
# The whole script is one { ...; exit; } block, so bash reads all of it before running any: editing or
# checking out the file during a run cannot change what that run does.
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=server-compare
. "$bench/lib.sh"   # die, say, need_arg, is_posint, apt_install, newer_than, cpu_ticks, busy_total, wait_quiet

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Starts each server on a free loopback port, warms it up with wrk, then measures one wrk run of
'wrk -tT -cC -dD --latency http://127.0.0.1:PORT/hello' and the server's CPU time during that run.
Servers run one at a time, in an order rotated every round. Results go to bench/out/<timestamp>/.

  --quick            smoke test: 1 round of ${quick_duration}s per server and connection count
  --rounds N         rounds (default $def_rounds)
  --duration SEC     measured wrk run per server, conns and round (default $def_duration)
  --warmup SEC       wrk warm-up before each measured run, not measured (default $def_warmup, quick $quick_warmup)
  --conns "C ..."    wrk connection counts (default "$def_conns")
  --threads N        wrk threads (default $def_threads)
  --servers "S ..."  servers, from: $known_servers (default "$def_servers")
  --jvm-opts "OPTS"  JVM flags given to every Java server alike (default: none)
  --quiet PCT        before each server start, wait (up to ${quiet_limit}s) until the machine's other load
                     is below PCT % of all CPUs; for shared machines (default: don't wait)
  --markdown         print the summary as Markdown (it is always saved as summary.md too)
  --summarize DIR    print the summary of an earlier run's directory and exit
  -h, --help         this text
EOF
}


# ---- options ---------------------------------------------------------------------------------

known_servers="hourglass jetty go"
def_rounds=3 def_duration=10 def_warmup=5 def_conns="64 256" def_threads=2 def_servers="$known_servers"
quick_duration=5 quick_warmup=3 quiet_limit=120
rounds="" duration="" warmup="" conns_list="" threads="" servers="" jvm_opts="" markdown=0 quick=0
summarize_dir="" quiet=""


while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --rounds) need_arg "$@"; rounds="$2"; shift 2 ;;
    --duration) need_arg "$@"; duration="$2"; shift 2 ;;
    --warmup) need_arg "$@"; warmup="$2"; shift 2 ;;
    --conns) need_arg "$@"; conns_list="$2"; shift 2 ;;
    --threads) need_arg "$@"; threads="$2"; shift 2 ;;
    --servers) need_arg "$@"; servers="$2"; shift 2 ;;
    --jvm-opts) need_arg "$@"; jvm_opts="$2"; shift 2 ;;
    --quiet) need_arg "$@"; quiet="$2"; shift 2 ;;
    --markdown) markdown=1; shift ;;
    --summarize) need_arg "$@"; summarize_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

if [ "$quick" = 1 ]; then
  : "${rounds:=1}" "${duration:=$quick_duration}" "${warmup:=$quick_warmup}"
fi
: "${rounds:=$def_rounds}" "${duration:=$def_duration}" "${warmup:=$def_warmup}"
: "${conns_list:=$def_conns}" "${threads:=$def_threads}" "${servers:=$def_servers}"

is_posint "$rounds" || die "--rounds must be a positive integer, got '$rounds'"
is_posint "$duration" || die "--duration must be a positive number of seconds, got '$duration'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup must be a number of seconds (0 for none), got '$warmup'"
[ -z "$quiet" ] || { is_posint "$quiet" && [ "$quiet" -le 100 ]; } || die "--quiet takes a percentage 1-100, got '$quiet'"
is_posint "$threads" || die "--threads must be a positive integer, got '$threads'"
read -r -a conns_arr <<<"$conns_list"
[ "${#conns_arr[@]}" -gt 0 ] || die "--conns is empty"
for c in "${conns_arr[@]}"; do
  is_posint "$c" || die "--conns takes positive integers, got '$c'"
  [ "$c" -ge "$threads" ] || die "wrk needs at least as many connections as threads: $c < $threads"
done
read -r -a server_arr <<<"$servers"
[ "${#server_arr[@]}" -gt 0 ] || die "--servers is empty"
seen=" "
for s in "${server_arr[@]}"; do
  [[ " $known_servers " == *" $s "* ]] || die "unknown server '$s'; known: $known_servers"
  [[ "$seen" != *" $s "* ]] || die "--servers names '$s' twice"
  seen="$seen$s "
done
read -r -a jvm_arr <<<"$jvm_opts"

# ---- summary (also used by --summarize) ------------------------------------------------------

# server_kind NAME: "java" for servers on the JVM (they are compared to the best Java peer), else "native"
server_kind() { case "$1" in hourglass|jetty) echo java ;; *) echo native ;; esac; }

# summarize DIR FORMAT: medians over rounds per server and connection count from DIR/results.tsv,
# then CPU/request ratios. FORMAT is "text" or "markdown".
summarize() {
  local dir="$1" format="$2" kinds="" s
  [ -f "$dir/results.tsv" ] || die "no results.tsv in $dir"
  for s in $known_servers; do kinds="$kinds $s=$(server_kind "$s")"; done
  local settings=""
  [ -f "$dir/settings.txt" ] && settings=$(tr '\n' ' ' <"$dir/settings.txt")
  awk -F'\t' -v fmt="$format" -v kinds="$kinds" -v settings="$settings" '
    function median(key,   n, i, j, v, a) {
      n = cnt[key]
      for (i = 1; i <= n; i++) a[i] = vals[key, i]
      for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
      if (n % 2) return a[(n + 1) / 2]
      return (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(field, s, c, v,   key) { key = field SUBSEP s SUBSEP c; cnt[key]++; vals[key, cnt[key]] = v }
    function med(field, s, c) { return median(field SUBSEP s SUBSEP c) }
    function ratio(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "n/a" }
    function row(cells, n,   i, line) {
      if (fmt == "markdown") { line = "|"; for (i = 1; i <= n; i++) line = line " " cells[i] " |"; print line }
      else { line = sprintf("%-10s", cells[1]); for (i = 2; i <= n; i++) line = line sprintf(" %11s", cells[i]); print line }
    }
    function rule(n,   i, line) {
      if (fmt != "markdown") return
      line = "|---|"; for (i = 2; i <= n; i++) line = line "---:|"; print line
    }
    BEGIN {
      nk = split(kinds, kv, " ")
      for (i = 1; i <= nk; i++) { split(kv[i], p, "="); kind[p[1]] = p[2] }
    }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      s = $col["server"]; c = $col["conns"]
      if (!(s in seen_s)) { seen_s[s] = 1; order_s[++ns] = s }
      if (!(c in seen_c)) { seen_c[c] = 1; order_c[++nc] = c }
      add("rps", s, c, $col["req_per_s"]); add("p50", s, c, $col["p50_ms"]); add("p99", s, c, $col["p99_ms"])
      add("cpu", s, c, $col["cpu_us_per_req"]); add("rss", s, c, $col["rss_kb"] / 1024)
      if ("other_cpu_pct" in col) add("other", s, c, $col["other_cpu_pct"]); else add("other", s, c, 0)
      errs[s, c] += $col["errors"]; runs[s, c]++
    }
    END {
      if (ns == 0) { print "no results"; exit 1 }
      if (settings != "") { print (fmt == "markdown" ? "Settings: " : "") settings; print "" }
      if (fmt == "markdown") {
        print "Medians over rounds. CPU: the server process'"'"'s user+system time during the measured run, per request."
        print "Other CPU: what everything but the server and wrk used meanwhile, in % of all CPUs (noise, not subtracted)."
      } else {
        print "medians over rounds; CPU = server user+system time during the measured run, per request;"
        print "other% = CPU used by anything but the server and wrk meanwhile, in % of all CPUs (noise indicator)"
      }
      print ""
      h[1] = "server"; h[2] = "conns"; h[3] = "req/s"; h[4] = "p50 ms"; h[5] = "p99 ms"
      h[6] = "CPU us/req"; h[7] = "RSS MB"; h[8] = "runs"; h[9] = "errors"; h[10] = "other CPU %"
      h[11] = "CPU vs best Java peer"
      if (fmt != "markdown") { h[10] = "other%"; h[11] = "CPU/bestJava" }
      row(h, 11); rule(11)
      for (ci = 1; ci <= nc; ci++) {
        c = order_c[ci]; best = ""; bestname = ""
        for (si = 1; si <= ns; si++) {
          s = order_s[si]
          if ((s, c) in runs && kind[s] == "java" && s != "hourglass") {
            v = med("cpu", s, c); if (best == "" || v < best) { best = v; bestname = s }
          }
        }
        for (si = 1; si <= ns; si++) {
          s = order_s[si]; if (!((s, c) in runs)) continue
          r[1] = s; r[2] = c; r[3] = sprintf("%.0f", med("rps", s, c))
          r[4] = sprintf("%.2f", med("p50", s, c)); r[5] = sprintf("%.2f", med("p99", s, c))
          r[6] = sprintf("%.1f", med("cpu", s, c)); r[7] = sprintf("%.0f", med("rss", s, c))
          r[8] = runs[s, c]; r[9] = errs[s, c]
          r[10] = sprintf("%.1f", med("other", s, c)); if (med("other", s, c) > 25) noisy = 1
          r[11] = (best == "") ? "n/a" : ratio(med("cpu", s, c), best) " (" bestname ")"
          row(r, 11)
        }
      }
      if (noisy) {
        print ""
        print "WARNING: other work took over 25 % of the CPUs in a typical round of some rows: their figures are"
        print "unreliable (a JVM whose JIT is starved looks far worse); rerun those with --quiet on a calmer machine."
      }
      for (ci = 1; ci <= nc; ci++) {
        c = order_c[ci]
        print ""
        print (fmt == "markdown" ? "CPU per request, row ÷ column, " c " connections:" \
                                  : "CPU/req ratio, row / column, " c " conns:")
        print ""
        m[1] = (fmt == "markdown") ? "" : "server"; n = 1
        for (sj = 1; sj <= ns; sj++) if ((order_s[sj], c) in runs) m[++n] = order_s[sj]
        row(m, n); rule(n)
        for (si = 1; si <= ns; si++) {
          s = order_s[si]; if (!((s, c) in runs)) continue
          q[1] = s; n = 1
          for (sj = 1; sj <= ns; sj++) {
            t = order_s[sj]; if (!((t, c) in runs)) continue
            q[++n] = ratio(med("cpu", s, c), med("cpu", t, c))
          }
          row(q, n)
        }
      }
    }' "$dir/results.tsv"
}

if [ -n "$summarize_dir" ]; then
  summarize "$summarize_dir" "$([ "$markdown" = 1 ] && echo markdown || echo text)"
  exit 0
fi

# ---- tools -----------------------------------------------------------------------------------


apt_install wrk wrk
apt_install curl curl
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message

clk_tck=$(getconf CLK_TCK)
is_posint "$clk_tck" || die "getconf CLK_TCK gave '$clk_tck'"

# newer_than TARGET PATH...: true if TARGET is missing or any file under PATH is newer

# server_comm NAME: the process name its pid must have once started (the JVM for Java servers)
server_comm() { case "$1" in hourglass|jetty) echo java ;; go) echo go-hello ;; esac; }
declare -A server_version=()

# ---- servers: prepare_NAME builds and checks; start_NAME OUT ERR starts it in the background,
# ---- listening on 127.0.0.1 with port 0, and sets server_pid and server_cmd.

jetty_jar="$build/jetty-peer/jetty-hello.jar"
go_bin="$build/go/go-hello"

prepare_jetty() {
  local src="$bench/peers/jetty" log
  if newer_than "$jetty_jar" "$src/pom.xml" "$src/src"; then
    command -v mvn >/dev/null || die "Maven is needed to build the Jetty peer: apt-get install maven"
    say "building the Jetty peer..."
    log="$build/jetty-build.log"; mkdir -p "$build"
    if ! mvn -q -B -ntp -f "$src/pom.xml" package >"$log" 2>&1; then
      cat "$log" >&2; die "building the Jetty peer failed (output above, also in $log)"
    fi
    [ -f "$jetty_jar" ] || die "the Jetty build passed but made no $jetty_jar"
  fi
  server_version[jetty]=$("$JAVA_HOME/bin/java" -jar "$jetty_jar" --version 2>/dev/null) || die "the Jetty peer does not run"
}
start_jetty() {
  server_cmd="$JAVA_HOME/bin/java${jvm_opts:+ $jvm_opts} -jar $jetty_jar 0"
  "$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -jar "$jetty_jar" 0 >"$1" 2>"$2" &
  server_pid=$!
}

prepare_go() {
  local src="$bench/peers/go" log
  if newer_than "$go_bin" "$src"; then
    apt_install go golang-go
    say "building the Go peer..."
    log="$build/go-build.log"; mkdir -p "$build/go"
    # GOPATH and the build cache stay under bench/build (git-ignored); stdlib only, no downloads
    if ! (cd "$src" && GOPATH="$build/go/path" GOCACHE="$build/go/cache" GOFLAGS='' \
            GOTOOLCHAIN=local GOPROXY=off go build -o "$go_bin" . ) >"$log" 2>&1; then
      cat "$log" >&2; die "building the Go peer failed (output above, also in $log)"
    fi
  fi
  server_version[go]=$("$go_bin" --version) || die "the Go peer does not run"
}
start_go() {
  server_cmd="$go_bin 0"
  "$go_bin" 0 >"$1" 2>"$2" &
  server_pid=$!
}

prepare_hourglass() {
  # The launcher builds the CLI when it is missing or stale; do that now, not while timing.
  server_version[hourglass]=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" --version) \
    || die "'$root/hourglass --version' failed (output above)"
  # (picocli answers '--help' even after an unknown subcommand, so look for serve's own --listen)
  local help
  help=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" serve --help 2>&1 || true)
  if [[ "$help" != *--listen* ]]; then
    die "'hourglass serve' is not available in this build (${server_version[hourglass]}); leave it out with --servers \"jetty go\""
  fi
}
# the same limits as the Go peer (and Jetty's idle timeout); hourglass's defaults differ
hourglass_flags=(--read-header-timeout 10s --write-timeout 30s --idle-timeout 60s)
start_hourglass() {
  # ./hourglass execs java, so $! is the JVM's pid
  server_cmd="HOURGLASS_JAVA_OPTS='$jvm_opts' $root/hourglass serve --listen 127.0.0.1:0 ${hourglass_flags[*]}"
  HOURGLASS_JAVA_OPTS="$jvm_opts" "$root/hourglass" serve --listen 127.0.0.1:0 "${hourglass_flags[@]}" >"$1" 2>"$2" &
  server_pid=$!
}

# ---- process helpers -------------------------------------------------------------------------

server_pid=""
server_port=""

stop_server() {
  local pid="$server_pid" i
  [ -n "$pid" ] || return 0
  server_pid=""
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "server pid $pid ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# run_wrk OUT LIMIT ARGS...: wrk ARGS >OUT, killed after LIMIT seconds. It runs as a background job
# that this shell waits for, so that a signal to the script is handled at once, not after wrk ends.
wrk_pid=""
run_wrk() {
  local out="$1" limit="$2" rc=0; shift 2
  timeout -k 5 "$limit" wrk "$@" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || rc=$?
  wrk_pid=""
  return "$rc"
}

# reap_server: the server has ended by itself; waits for it and sets exit_reason to how it ended
reap_server() {
  local st=0
  wait "$server_pid" 2>/dev/null || st=$?
  server_pid=""
  if [ "$st" -gt 128 ]; then
    exit_reason="killed by signal $(kill -l $(( st - 128 )) 2>/dev/null || echo $(( st - 128 )))"
  else
    exit_reason="exit status $st"
  fi
}

on_exit() {
  local rc=$?
  if [ -n "$wrk_pid" ]; then kill -TERM "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true; fi
  stop_server
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpu_ticks PID: user+system clock ticks of the process, all its threads, and its waited-for children
# (/proc/PID/stat fields 14-17; the text after the last ')' starts at field 3)


# children_ms FILE: user+system milliseconds of this shell's waited-for children so far, from bash's
# 'times'; it must run in this shell, not in a $(...) subshell, whose counters start at zero
children_ms() {
  times >"$1"
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60000 + a[2] * 1000 }; printf "%d", t }' "$1"
}

# busy_total: "BUSY TOTAL" clock ticks of all CPUs together since boot, from /proc/stat: BUSY is user
# nice system irq softirq steal (guest time is already inside user), TOTAL adds idle and iowait

# wait_quiet: when --quiet is set, wait until the CPUs were busy less than $quiet % over about one
# second (nothing of ours runs then), for at most $quiet_limit seconds

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# start_server NAME OUT ERR: starts it, waits for its 'listening on' line and a correct /hello answer
start_server() {
  local name="$1" out="$2" err="$3" line="" i resp comm expected
  "start_$name" "$out" "$err"
  for ((i = 0; i < 600; i++)); do   # up to 60 s: a cold JVM on a busy 2-core machine is slow
    line=$(grep -m1 -o 'listening on http://[^ ]*' "$out" 2>/dev/null || true)
    [ -n "$line" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      reap_server
      tail -n 20 "$err" >&2 || true
      die "$name ended ($exit_reason) before it was listening (its stderr is above and in $err)"
    fi
    sleep 0.1
  done
  [ -n "$line" ] || { tail -n 20 "$err" >&2 || true; die "$name printed no 'listening on' line within 60 s (see $out, $err)"; }
  server_port=${line##*:}
  is_posint "$server_port" || die "$name printed '$line': no port in it"
  expected=$(server_comm "$name")
  comm=$(<"/proc/$server_pid/comm")
  [ "$comm" = "$expected" ] || die "$name's pid $server_pid is '$comm', expected '$expected': CPU would be measured on the wrong process"
  for ((i = 0; i < 50; i++)); do
    resp=$(curl -s --max-time 2 -w '\n%{http_code}' "http://127.0.0.1:$server_port/hello" || true)
    [ "$resp" = $'hello\n\n200' ] && return 0
    sleep 0.1
  done
  die "$name on port $server_port does not answer GET /hello with 200 'hello' (got: ${resp:-nothing})"
}

# parse_wrk FILE: prints "requests seconds req_per_s p50_ms p99_ms errors" (tab-separated)
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return -1
    }
    function secs(v) {
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) + 0
      return -1
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $2 == "requests" && $3 == "in" { req = $1; sub(/,$/, "", $4); sec = secs($4) }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) { v = $(i + 1); sub(/,$/, "", v); errs += v } }
    /Non-2xx or 3xx responses:/ { errs += $NF }
    END {
      if (req == "" || rps == "" || p50 == "" || p99 == "") exit 1
      printf "%s\t%s\t%s\t%s\t%s\t%d\n", req, sec, rps, p50, p99, errs
    }' "$1"
}

# ---- run -------------------------------------------------------------------------------------

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$bench/out/$stamp"
mkdir -p "$out"

for s in "${server_arr[@]}"; do "prepare_$s"; done

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "repo: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "kernel: $(uname -srm)"
  echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "wrk: $(wrk -v 2>&1 | head -n 1 | sed 's/ Copyright.*//')"
  echo "jvm opts: ${jvm_opts:-(none)}"
  echo "java ($JAVA_HOME):"; "$JAVA_HOME/bin/java" -version 2>&1 | sed 's/^/  /'
  for s in "${server_arr[@]}"; do echo "$s: ${server_version[$s]}"; done
  if [[ " ${server_arr[*]} " == *" go "* ]]; then echo "go toolchain: $(go version 2>/dev/null || echo 'n/a')"; fi
} >"$out/versions.txt"
{
  echo "rounds=$rounds duration=${duration}s warmup=${warmup}s wrk_threads=$threads conns=\"${conns_arr[*]}\""
  echo "servers=\"${server_arr[*]}\" jvm_opts=\"${jvm_opts}\" quiet=${quiet:-off} cpus=$(nproc) (wrk on the same machine)"
} >"$out/settings.txt"
printf 'round\tconns\tserver\tposition\trequests\tseconds\treq_per_s\tp50_ms\tp99_ms\terrors\tcpu_s\tcpu_us_per_req\trss_kb\twrk_cpu_s\tother_cpu_pct\n' \
  >"$out/results.tsv"
: >"$out/commands.txt"

n=${#server_arr[@]}
per_run=$(( warmup + duration + 3 ))
total=$(( rounds * ${#conns_arr[@]} * n * per_run ))
say "results in $out"
say "$rounds round(s) x ${#conns_arr[@]} conn count(s) x $n server(s), ${duration}s each after ${warmup}s warm-up: about $(( total / 60 + 1 )) min"

url_path=/hello
for ((r = 0; r < rounds; r++)); do
  for c in "${conns_arr[@]}"; do
    for ((i = 0; i < n; i++)); do
      s=${server_arr[$(( (i + r) % n ))]}
      tag="r$((r + 1))-c$c-$s"
      wait_quiet
      start_server "$s" "$out/$tag.server.out" "$out/$tag.server.err"
      url="http://127.0.0.1:$server_port$url_path"
      echo "# $tag server: $server_cmd" >>"$out/commands.txt"
      if [ "$warmup" -gt 0 ]; then
        echo "# $tag warm-up: wrk -t$threads -c$c -d${warmup}s $url" >>"$out/commands.txt"
        run_wrk "$out/$tag.warmup.txt" $(( warmup + 30 )) -t"$threads" -c"$c" -d"${warmup}s" "$url" \
          || die "wrk warm-up against $s failed (see $out/$tag.warmup.txt)"
      fi
      kill -0 "$server_pid" 2>/dev/null || { reap_server; die "$s ended during warm-up, $exit_reason (see $out/$tag.server.err)"; }
      echo "# $tag measured: wrk -t$threads -c$c -d${duration}s --latency $url" >>"$out/commands.txt"
      t0=$(cpu_ticks "$server_pid") || die "cannot read /proc/$server_pid/stat"
      read -r m0 mt0 <<<"$(busy_total)"; children_ms "$out/.times" >"$out/.w0"; w0=$(<"$out/.w0")
      run_wrk "$out/$tag.wrk.txt" $(( duration + 30 )) -t"$threads" -c"$c" -d"${duration}s" --latency "$url" \
        || die "wrk against $s failed (see $out/$tag.wrk.txt)"
      t1=$(cpu_ticks "$server_pid" 2>/dev/null) \
        || { reap_server; die "$s ended during the measured run, $exit_reason (see $out/$tag.server.err)"; }
      read -r m1 mt1 <<<"$(busy_total)"; children_ms "$out/.times" >"$out/.w1"; w1=$(<"$out/.w1")
      rss=$(rss_kb "$server_pid")
      stop_server
      parsed=$(parse_wrk "$out/$tag.wrk.txt") || die "cannot parse wrk's output in $out/$tag.wrk.txt"
      IFS=$'\t' read -r req secs rps p50 p99 errs <<<"$parsed"
      [ "$req" -gt 0 ] || die "wrk made no requests against $s (see $out/$tag.wrk.txt)"
      cpu_s=$(awk -v t=$(( t1 - t0 )) -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')
      cpu_us=$(awk -v t=$(( t1 - t0 )) -v hz="$clk_tck" -v n="$req" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
      wrk_s=$(awk -v ms=$(( w1 - w0 )) 'BEGIN { printf "%.2f", ms / 1000 }')
      # CPU the machine spent on anything but this server and wrk (other developers' builds, ...), as a
      # share of all CPUs over the run: a noise indicator, not a correction
      other_pct=$(awk -v m=$(( m1 - m0 )) -v all=$(( mt1 - mt0 )) -v t=$(( t1 - t0 )) -v hz="$clk_tck" -v w="$wrk_s" \
        'BEGIN { o = m - t - w * hz; if (o < 0 || all <= 0) o = 0; printf "%.1f", o * 100 / (all > 0 ? all : 1) }')
      printf '%d\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $((r + 1)) "$c" "$s" $((i + 1)) \
        "$req" "$secs" "$rps" "$p50" "$p99" "$errs" "$cpu_s" "$cpu_us" "$rss" "$wrk_s" "$other_pct" >>"$out/results.tsv"
      say "$(printf 'round %d/%d  c=%-4s %-10s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  CPU %6.1f us/req  RSS %4d MB  other %4.1f%%%s' \
        $((r + 1)) "$rounds" "$c" "$s" "$rps" "$p50" "$p99" "$cpu_us" $(( rss / 1024 )) "$other_pct" \
        "$([ "$errs" -gt 0 ] && echo "  ($errs errors)")")"
    done
  done
done

rm -f "$out/.times" "$out/.w0" "$out/.w1"
summarize "$out" text >"$out/summary.txt"
summarize "$out" markdown >"$out/summary.md"
echo
if [ "$markdown" = 1 ]; then cat "$out/summary.md"; else cat "$out/summary.txt"; fi
echo
echo "raw output, versions and commands: $out"
exit 0
}
