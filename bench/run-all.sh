#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name and from traps look unreachable to it
# Every benchmark in one command: bench/server-compare.sh (wrk, then its mode many: 10 000 slow keep-alive
# connections), client-compare.sh, idle-memory.sh, jmh.sh, timer-precision.sh and h2-compare.sh in
# sequence, each run's directory indexed in one bench/out/<timestamp>-all/ with copies of its summary files,
# one combined summary, the check of the project's targets, and SVG charts.
# See docs/BENCHMARKS.md ("Running everything"); --help for the options.
set -euo pipefail
# One { ...; exit; } block, so bash reads all of it before running any (editing the file mid-run is safe).
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
# shellcheck disable=SC2034  # read by the helpers in lib.sh
build="$bench/build"
prog=run-all
. "$bench/lib.sh"   # die, say, need_arg, build_jmh, ...

known="server many client idle jmh timer h2"
declare -A script=([server]=server-compare.sh [many]=server-compare.sh [client]=client-compare.sh
                   [idle]=idle-memory.sh [jmh]=jmh.sh [timer]=timer-precision.sh [h2]=h2-compare.sh)
# many: server-compare.sh's mode many (bench/peers/manyconns), Hourglass against Go and two Java peers
many_servers="hourglass go jetty undertow" many_servers_quick="hourglass go jetty"
# Full settings: the full runs documented in docs/BENCHMARKS.md. JMH fails on a benchmark's error (-foe).
declare -A full_args=([server]="--rounds 5 --quiet 15" [many]="--modes many --servers '$many_servers' --rounds 3 --warmup 10 --duration 20"
                      [client]="--rounds 5 --quiet 25" [idle]=""
                      [jmh]="-foe true" [timer]="" [h2]="--rounds 5 --quiet 15")
# Quick: each script's --quick, tightened to the least that still runs every server, client, mode,
# benchmark and variant once (figures not data), so that all of them take about 3 minutes once built.
declare -A quick_args=([server]="--quick --warmup 0 --duration 1" [many]="--quick --modes many --servers '$many_servers_quick' --warmup 2 --duration 8"
                       [client]="--quick -n 200 --warmup 100"
                       [idle]="--quick --conns 300 --settle 0" [jmh]="--quick --prof-gc -foe true -f 0 -wi 0 -i 1 -r 100ms"
                       [timer]="--quick --conns 500 --from-ms 200 --to-ms 400" [h2]="--quick")
declare -A takes_jvm_opts=([server]=1 [many]=1 [client]=1 [idle]=1 [timer]=1 [h2]=1)
# target figures (docs/BENCHMARKS.md, "Running everything"); HTTP/2's nginx ratio is issue 11's
target_idle_kib=16 target_timer_p99_ms=5 target_nginx_ratio=1.2 target_h2_nginx_ratio=1.3

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Runs every benchmark in sequence: bench/server-compare.sh (then again as "many", its mode many), client-compare.sh, idle-memory.sh, jmh.sh,
timer-precision.sh, h2-compare.sh (names: $known). Each keeps its own run directory; bench/out/<timestamp>-all/
indexes them (runs.txt, a symlink per benchmark), keeps copies of their summary files and each one's
output (<name>.log), and gets summary.txt (the key figures of each and the check of the targets) and
charts/*.svg. A benchmark that fails does not stop the others.

  --quick            smoke test of every benchmark with the least settings that exercise all of it
                     (2-3 minutes once built); the target checks print "(smoke, not data)"
  --skip "NAMES"     leave these benchmarks out
  --jvm-opts "OPTS"  JVM flags for every Java server and client (server, many, client, idle, timer, h2)
  --server-args "ARGS", --many-args, --client-args, --idle-args, --jmh-args, --timer-args, --h2-args
                     more options for that script, after (so overriding) the ones run-all gives it;
                     quoted as in a shell, e.g. --server-args '--servers "hourglass nginx" --conns 64'
  --build-only       build (when stale) what the selected benchmarks need, then exit
  --summarize DIR    print the combined summary and target checks of an earlier -all directory, exit
  --charts DIR       (re)write the charts of an earlier -all directory into DIR/charts, exit
  --collect "DIRS"   make a new -all directory from earlier run directories (bench/out/<ts>[-kind]),
                     with its summary and charts, without running anything (--quick labels it a
                     smoke run)
  --publish          also copy the charts into docs/bench/ (with a run, --charts or --collect)
  -h, --help         this text

Settings given to each script:
$(for k in $known; do printf '  %-7s full: %-30s quick: %s\n' "$k" "${full_args[$k]:-(defaults)}" "${quick_args[$k]}"; done)

Exit status: 0 when every benchmark ran and (full runs) every target was met; 1 when a benchmark failed
(did not start, errors, a missing result); 2 when all ran but a target was missed (full runs only).
EOF
}

# ---- options ---------------------------------------------------------------------------------

orig_args=("$@")
quick=0 skip="" jvm_opts="" build_only=0 summarize_dir="" charts_dir="" collect_dirs="" publish=0
declare -A extra=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --skip) need_arg "$@"; skip="$2"; shift 2 ;;
    --jvm-opts) need_arg "$@"; jvm_opts="$2"; shift 2 ;;
    --server-args|--many-args|--client-args|--idle-args|--jmh-args|--timer-args|--h2-args)
      need_arg "$@"; k=${1#--}; extra[${k%-args}]="$2"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    --summarize) need_arg "$@"; summarize_dir="$2"; shift 2 ;;
    --charts) need_arg "$@"; charts_dir="$2"; shift 2 ;;
    --collect) need_arg "$@"; collect_dirs="$2"; [ -n "${2// }" ] || die "--collect is empty"; shift 2 ;;
    --publish) publish=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

n_actions=0
for a in "$summarize_dir" "$charts_dir" "$collect_dirs"; do [ -z "$a" ] || n_actions=$((n_actions + 1)); done
[ "$build_only" = 0 ] || n_actions=$((n_actions + 1))
[ "$n_actions" -le 1 ] || die "--build-only, --summarize, --charts and --collect exclude each other"
read -r -a skip_arr <<<"$skip"
for s in ${skip_arr[@]+"${skip_arr[@]}"}; do
  [[ " $known " == *" $s "* ]] || die "--skip: unknown benchmark '$s'; known: $known"
done
selected=()
for k in $known; do [[ " $skip " == *" $k "* ]] || selected+=("$k"); done
[ "${#selected[@]}" -gt 0 ] || die "--skip leaves no benchmark to run"

# split_args STRING: sets split (an array) to STRING's words, quoted as in a shell (xargs's rules: '...',
# "..." and backslashes), without evaluating anything
split_args() {
  local words
  split=()
  [ -n "${1// }" ] || return 0
  words=$(mktemp)
  if ! xargs -r printf '%s\0' <<<"$1" >"$words" 2>/dev/null; then
    rm -f "$words"; die "cannot split the options '$1' into words (unbalanced quotes?)"
  fi
  mapfile -d '' split <"$words"
  rm -f "$words"
}
for k in "${!extra[@]}"; do split_args "${extra[$k]}"; done   # bad quoting fails now, not after an hour

# ---- the combined summary (also --summarize) --------------------------------------------------

# ratio_median FILE MODE CONNS A B: the median over rounds of cpu_us_per_req(A) / cpu_us_per_req(B) in a
# server-compare results.tsv (the rounds where both ran), or nothing
ratio_median() {
  awk -F'\t' -v m="$2" -v c="$3" -v a="$4" -v b="$5" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["mode"] == m && $col["conns"] == c && ($col["server"] == a || $col["server"] == b) { v[$col["server"], $col["round"]] = $col["cpu_us_per_req"]; r[$col["round"]] = 1 }
    END {
      for (k in r) if (((a, k) in v) && ((b, k) in v) && v[b, k] > 0) x[++n] = v[a, k] / v[b, k]
      if (n == 0) exit
      for (i = 2; i <= n; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
      printf "%.3f", (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    }' "$1"
}

# target VERDICT TEXT: one line of the target check, kept in $targets; VERDICT is PASS, MISS or n/a
target() { targets+="$1"$'\t'"$2"$'\n'; }

# verdict VALUE OP LIMIT: PASS or MISS (VALUE empty: n/a)
verdict() {
  [ -n "$1" ] || { echo "n/a"; return; }
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == "<=") ? (v <= l) : (v >= l); print ok ? "PASS" : "MISS" }'
}

summary_server() {
  local d="$1" f="$1/server.summary.tsv" r="$1/server.results.tsv" c ratio hg ref best
  echo "== server: bench/server-compare.sh ($(sed -n 's/.*\(rounds=[0-9]*\).*/\1/p' "$d/server.settings.txt" 2>/dev/null | head -n 1)); CPU us/req (req/s), medians over rounds"
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      k = ($col["mode"] == "keepalive" ? "keep-alive" : $col["mode"] == "close" ? "conn/req" : $col["mode"]) " c=" $col["conns"]
      s = $col["server"]
      if (!(k in sk)) { sk[k] = 1; ks[++nk] = k }
      if (!(s in ss)) { ss[s] = 1; sv[++ns] = s }
      cell[s, k] = sprintf("%s (%s)", $col["cpu_us_per_req"], $col["req_per_s"])
      if ($col["errors"] > 0) cell[s, k] = cell[s, k] " " $col["errors"] "err"
      if (s == "hourglass") { vn[k] = $col["cpu_vs_nginx"]; vb[k] = $col["cpu_vs_best_java"] }
      bj[k] = $col["best_java"]
    }
    END {
      line = sprintf("%-11s", "server"); for (i = 1; i <= nk; i++) line = line sprintf(" %20s", ks[i]); print line
      for (j = 1; j <= ns; j++) {
        line = sprintf("%-11s", sv[j]); for (i = 1; i <= nk; i++) line = line sprintf(" %20s", ((sv[j], ks[i]) in cell) ? cell[sv[j], ks[i]] : "-"); print line
      }
      line = sprintf("%-11s", "hg/nginx"); for (i = 1; i <= nk; i++) line = line sprintf(" %20s", vn[ks[i]] == "" ? "-" : vn[ks[i]]); print line
      line = sprintf("%-11s", "hg/bestJava"); for (i = 1; i <= nk; i++) line = line sprintf(" %20s", vb[ks[i]] == "" ? "-" : vb[ks[i]] " " bj[ks[i]]); print line
    }' "$f"
  echo "(hg/nginx, hg/bestJava: hourglass's CPU/req over nginx's and the best Java peer's, median of same-round ratios)"
  # targets
  for c in 64 256; do
    # field of summary.tsv for MODE CONNS SERVER
    hg=$(tsv_field "$f" keepalive "$c" hourglass cpu_us_per_req)
    best=$(tsv_field "$f" keepalive "$c" hourglass best_java)
    ratio=$(tsv_field "$f" keepalive "$c" hourglass cpu_vs_best_java)
    ref=""; [ -z "$best" ] || ref=$(tsv_field "$f" keepalive "$c" "$best" cpu_us_per_req)
    if [ -z "$hg" ] || [ -z "$best" ]; then
      target "n/a" "server keep-alive c=$c: hourglass CPU/req <= best Java peer: not measured"
    else
      target "$(verdict "$ratio" '<=' 1)" "server keep-alive c=$c: hourglass CPU/req <= best Java peer: $hg vs $best $ref us/req, ratio $ratio"
    fi
    ratio=$(tsv_field "$f" keepalive "$c" hourglass cpu_vs_nginx)
    ref=$(tsv_field "$f" keepalive "$c" nginx cpu_us_per_req)
    if [ -z "$hg" ] || [ -z "$ref" ]; then
      target "n/a" "server keep-alive c=$c: hourglass CPU/req <= $target_nginx_ratio x nginx: not measured"
    else
      target "$(verdict "$ratio" '<=' "$target_nginx_ratio")" "server keep-alive c=$c: hourglass CPU/req <= $target_nginx_ratio x nginx: $hg vs nginx $ref us/req, ratio $ratio"
    fi
  done
  local closed=0
  for c in $(awk -F'\t' 'NR > 1 && $1 == "close" && !s[$2]++ { print $2 }' "$f"); do
    closed=1
    hg=$(tsv_field "$f" close "$c" hourglass cpu_us_per_req)
    ref=$(tsv_field "$f" close "$c" go cpu_us_per_req)
    ratio=""; [ ! -f "$r" ] || ratio=$(ratio_median "$r" close "$c" hourglass go)
    if [ -z "$hg" ] || [ -z "$ref" ]; then
      target "n/a" "server connect-per-request c=$c: hourglass CPU/conn <= go: not measured"
    else
      target "$(verdict "$ratio" '<=' 1)" "server connect-per-request c=$c: hourglass CPU/conn <= go: $hg vs $ref us/conn, ratio ${ratio:-n/a}"
    fi
  done
  [ "$closed" = 1 ] || target "n/a" "server connect-per-request: hourglass CPU/conn <= go: not measured"
}

# tsv_field FILE MODE CONNS NAME FIELD: FIELD of the server summary.tsv row (nothing when missing)
tsv_field() {
  awk -F'\t' -v m="$2" -v c="$3" -v s="$4" -v f="$5" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["mode"] == m && $col["conns"] == c && $col["server"] == s { print $col[f]; exit }' "$1"
}

# ctsv_field FILE PHASE CONC CLIENT FIELD: FIELD of the client summary.tsv row (nothing when missing)
ctsv_field() {
  awk -F'\t' -v p="$2" -v c="$3" -v s="$4" -v f="$5" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["phase"] == p && $col["conc"] == c && $col["client"] == s { print $col[f]; exit }' "$1"
}

# summary_many DIR: mode many's table (CPU, p99, RSS per connection) and its targets: Hourglass's CPU per
# request (median of the same-round ratios) and p99 latency (medians) at most every other server's
summary_many() {
  local d="$1" f="$1/many.summary.tsv" r="$1/many.results.tsv" c s hg ref ratio hp rp
  echo "== many connections: bench/server-compare.sh --modes many ($(sed -n 's/.*\(rounds=[0-9]*\).*\(many_conns="[^"]*"\) \(rate=[0-9.]*\).*/\1 \2 \3/p' "$d/many.settings.txt" 2>/dev/null | head -n 1)); medians over rounds"
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; printf "%-10s %6s %8s %8s %8s %11s %9s %7s\n", "server", "conns", "req/s", "p50 ms", "p99 ms", "CPU us/req", "KiB/conn", "errors"; next }
    { printf "%-10s %6s %8s %8s %8s %11s %9s %7s\n", $col["server"], $col["conns"], $col["req_per_s"], $col["p50_ms"], $col["p99_ms"], $col["cpu_us_per_req"], $col["rss_kib_per_conn"], $col["errors"] }' "$f"
  echo "(CPU: the server's process tree per request; KiB/conn: (RSS at the end - RSS before connecting) / conns; latency: the load generator's)"
  for c in $(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } !seen[$col["conns"]]++ { print $col["conns"] }' "$f"); do
    hg=$(tsv_field "$f" many "$c" hourglass cpu_us_per_req); hp=$(tsv_field "$f" many "$c" hourglass p99_ms)
    for s in $(awk -F'\t' -v c="$c" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $col["conns"] == c && $col["server"] != "hourglass" { print $col["server"] }' "$f"); do
      ref=$(tsv_field "$f" many "$c" "$s" cpu_us_per_req); rp=$(tsv_field "$f" many "$c" "$s" p99_ms)
      if [ -z "$hg" ]; then target "n/a" "many c=$c: hourglass CPU/req and p99 <= $s's: not measured"; continue; fi
      ratio=$(ratio_median "$r" many "$c" hourglass "$s")
      target "$(verdict "$ratio" '<=' 1)" "many c=$c: hourglass CPU/req <= $s's: $hg vs $ref us/req, ratio $ratio"
      target "$(verdict "$(awk -v a="$hp" -v b="$rp" 'BEGIN { if (b > 0) printf "%.3f", a / b }')" '<=' 1)" "many c=$c: hourglass p99 <= $s's: $hp vs $rp ms"
    done
  done
}

summary_client() {
  local d="$1" f="$1/client.summary.tsv" c phase name hg ref ratio extra
  echo "== client: bench/client-compare.sh ($(sed -n 's/.*\(rounds=[0-9]*\).*/\1/p' "$d/client.settings.txt" 2>/dev/null | head -n 1)); CPU us/call (req/s), medians over rounds"
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["phase"] != "startup" {
      k = $col["phase"] " c=" $col["conc"]; s = $col["client"]
      if (!(k in sk)) { sk[k] = 1; ks[++nk] = k }
      if (!(s in ss)) { ss[s] = 1; appear[++na] = s }
      cell[s, k] = sprintf("%s (%.0f)", $col["cpu_us_per_req"], $col["req_per_s"])
      if ($col["failed"] > 0) cell[s, k] = cell[s, k] " " $col["failed"] "fail"
      if (s == "hourglass" || s == "hourglass-lib") { vg[k] = $col["cpu_vs_go"]; va[k] = $col["req_per_s_vs_apache"] }
    }
    END {
      n = split("hourglass-lib hourglass jdk okhttp apache jettyclient go", order, " ")
      for (i = 1; i <= n; i++) if (order[i] in ss) { sv[++ns] = order[i]; listed[order[i]] = 1 }
      for (i = 1; i <= na; i++) if (!(appear[i] in listed)) sv[++ns] = appear[i]
      line = sprintf("%-14s", "client"); for (i = 1; i <= nk; i++) line = line sprintf(" %17s", ks[i]); print line
      for (j = 1; j <= ns; j++) {
        line = sprintf("%-14s", sv[j]); for (i = 1; i <= nk; i++) line = line sprintf(" %17s", ((sv[j], ks[i]) in cell) ? cell[sv[j], ks[i]] : "-"); print line
      }
      line = sprintf("%-14s", "hg CPU/go"); for (i = 1; i <= nk; i++) line = line sprintf(" %17s", vg[ks[i]] == "" ? "-" : vg[ks[i]]); print line
      line = sprintf("%-14s", "hg req/s/apache"); for (i = 1; i <= nk; i++) line = line sprintf(" %16s", va[ks[i]] == "" ? "-" : va[ks[i]]); print line
    }' "$f"
  echo "(warm: in-process CPU over the measured calls; cold: the whole process incl. start-up; hourglass = the CLI's 'load', cold only;"
  echo " hourglass-lib = the library, warm only; hg: hourglass-lib (warm) or hourglass (cold) over go and apache, median of same-round ratios)"
  for c in 1 64; do
    for name in hourglass-lib hourglass; do
      phase=warm; [ "$name" = hourglass ] && phase=cold
      hg=$(ctsv_field "$f" "$phase" "$c" "$name" cpu_us_per_req)
      ref=$(ctsv_field "$f" "$phase" "$c" go cpu_us_per_req)
      ratio=$(ctsv_field "$f" "$phase" "$c" "$name" cpu_vs_go)
      extra=""
      if [ "$phase" = cold ] && [ -n "$hg" ]; then
        extra="; less start-up: $(ctsv_field "$f" cold "$c" "$name" less_startup_us_per_req) vs $(ctsv_field "$f" cold "$c" go less_startup_us_per_req)"
      fi
      if [ -z "$hg" ] || [ -z "$ref" ]; then
        target "n/a" "client c=$c: $name ($phase) CPU/call <= go's: not measured"
      else
        target "$(verdict "$ratio" '<=' 1)" "client c=$c: $name ($phase) CPU/call <= go's: $hg vs $ref us/call, ratio $ratio$extra"
      fi
    done
  done
  for name in hourglass-lib hourglass; do
    phase=warm; [ "$name" = hourglass ] && phase=cold
    hg=$(ctsv_field "$f" "$phase" 64 "$name" req_per_s)
    ref=$(ctsv_field "$f" "$phase" 64 apache req_per_s)
    ratio=$(ctsv_field "$f" "$phase" 64 "$name" req_per_s_vs_apache)
    if [ -z "$hg" ] || [ -z "$ref" ]; then
      target "n/a" "client c=64: $name ($phase) req/s >= apache's: not measured"
    else
      target "$(verdict "$ratio" '>=' 1)" "client c=64: $name ($phase) req/s >= apache's: $hg vs $ref req/s, ratio $ratio"
    fi
  done
}

summary_idle() {
  local f="$1/idle.results.tsv" line
  echo "== idle memory: bench/idle-memory.sh; KiB per idle keep-alive connection"
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; printf "%-14s %7s %7s %9s %11s %9s\n", "server", "conns", "held", "RSS KiB", "heap KiB", "threads"; next }
    { printf "%-14s %7s %7s %9s %11s %9s\n", $col["server"], $col["conns"], $col["held"], $col["rss_kib_per_conn"], $col["heap_kib_per_conn"], $col["threads_base"] "->" $col["threads_idle"] }' "$f"
  echo "(RSS after a full GC, live heap = class histogram after a full GC; both (idle - baseline) / conns)"
  local s what
  for s in hourglass hourglass-slow; do
    what="$s RSS per idle connection"
    if [ "$s" = hourglass-slow ]; then what="hourglass RSS per idle connection after a slow request"; fi
    line=$(awk -F'\t' -v s="$s" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $col["server"] == s { print $col["rss_kib_per_conn"] "\t" $col["heap_kib_per_conn"] "\t" $col["conns"]; exit }' "$f")
    if [ -z "$line" ]; then
      target "n/a" "idle: $what <= $target_idle_kib KiB at 10000: not measured"
    else
      IFS=$'\t' read -r rss heap n <<<"$line"
      target "$(verdict "$rss" '<=' "$target_idle_kib")" "idle: $what <= $target_idle_kib KiB at 10000: $rss KiB at $n (live heap $heap KiB)"
    fi
  done
}

summary_timer() {
  local f="$1/timer.summary.tsv" read_p99 alarm_p99 n
  echo "== timer: bench/timer-precision.sh; lateness in ms (expiry - deadline)"
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              printf "%-8s %9s %11s %6s %7s %7s %7s %7s %7s %7s\n", "variant", "deadlines", "window ms", "early", "missing", "p50", "p90", "p99", "p99.9", "max"; next }
    { printf "%-8s %9s %11s %6s %7s %7s %7s %7s %7s %7s\n", $col["variant"], $col["deadlines"], $col["from_ms"] ".." $col["to_ms"], $col["early"],
        $col["missing"], $col["p50_ms"], $col["p90_ms"], $col["p99_ms"], $col["p999_ms"], $col["max_ms"] }' "$f"
  read_p99=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $col["variant"] == "read" { print $col["p99_ms"]; exit }' "$f")
  alarm_p99=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $col["variant"] == "alarm" { print $col["p99_ms"]; exit }' "$f")
  n=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { print $col["deadlines"]; exit }' "$f")
  if [ -z "$read_p99" ]; then
    target "n/a" "timer: p99 lateness <= $target_timer_p99_ms ms with 10000 deadlines (read): not measured"
  else
    target "$(verdict "$read_p99" '<=' "$target_timer_p99_ms")" "timer: p99 lateness <= $target_timer_p99_ms ms with 10000 deadlines (read): $read_p99 ms with $n (alarm: ${alarm_p99:-n/a} ms)"
  fi
}

summary_h2() {
  local f="$1/h2.summary.tsv" p l hg best ratio ref
  echo "== HTTP/2: bench/h2-compare.sh ($(sed -n 's/.*\(rounds=[0-9]*\).*/\1/p' "$1/h2.settings.txt" 2>/dev/null | head -n 1)); medians over rounds"
  cat "$1/h2.summary.txt"
  for p in h2c h2; do
    for l in 64x10 256x1; do
      hg=$(awk -F'\t' -v p="$p" -v l="$l" 'NR > 1 && $1 == p && $2 == l && $3 == "hourglass" { print $4 "\t" $8 "\t" $9 "\t" $10; exit }' "$f")
      [ -n "$hg" ] || { target "n/a" "h2 $p $l: hourglass CPU/req <= best Java peer and <= $target_h2_nginx_ratio x nginx: not measured"; continue; }
      IFS=$'\t' read -r cpu ratio_n ratio_b best <<<"$hg"
      if [ -n "$ratio_b" ]; then
        target "$(verdict "$ratio_b" '<=' 1)" "h2 $p $l: hourglass CPU/req <= best Java peer: $cpu us/req, ratio to $best $ratio_b"
      else
        target "n/a" "h2 $p $l: hourglass CPU/req <= best Java peer: no Java peer measured"
      fi
      if [ -n "$ratio_n" ]; then
        target "$(verdict "$ratio_n" '<=' "$target_h2_nginx_ratio")" "h2 $p $l: hourglass CPU/req <= $target_h2_nginx_ratio x nginx: ratio $ratio_n"
      else
        target "n/a" "h2 $p $l: hourglass CPU/req <= $target_h2_nginx_ratio x nginx: nginx not measured"
      fi
    done
  done
}

summary_jmh() {
  echo "== JMH: bench/jmh.sh; ns/op and bytes allocated per op ($(sed -n 's/^mode: //p' "$1/jmh.settings.txt" 2>/dev/null || true) run)"
  cat "$1/jmh.summary.txt"
}

# summarize_all DIR: the combined summary of an -all directory, then the target checks; sets missed to
# the number of targets missed
summarize_all() {
  local d="$1" mode v t
  [ -f "$d/runs.txt" ] || die "$d has no runs.txt: not a bench/run-all.sh directory"
  mode=$(sed -n 's/^mode: //p' "$d/settings.txt" 2>/dev/null)
  echo "Hourglass benchmarks: $(sed -n 's/^date: //p' "$d/settings.txt"), commit $(sed -n 's/^commit: //p' "$d/settings.txt"), $mode run"
  [ "$mode" != quick ] || echo "QUICK RUN: a smoke test of every benchmark; none of these figures is data."
  echo
  awk -F'\t' 'NR > 1 { printf "  %-7s %-9s %6s  %s\n", $1, $2, ($3 == "-" ? "" : $3 "s"), $4 }' "$d/runs.txt"
  targets=""
  [ -f "$d/server.summary.tsv" ] && { echo; summary_server "$d"; }
  [ -f "$d/many.summary.tsv" ] && { echo; summary_many "$d"; }
  [ -f "$d/client.summary.tsv" ] && { echo; summary_client "$d"; }
  [ -f "$d/idle.results.tsv" ] && { echo; summary_idle "$d"; }
  [ -f "$d/timer.summary.tsv" ] && { echo; summary_timer "$d"; }
  [ -f "$d/jmh.summary.txt" ] && { echo; summary_jmh "$d"; }
  [ -f "$d/h2.summary.tsv" ] && { echo; summary_h2 "$d"; }
  echo
  missed=0
  if [ "$mode" = quick ]; then echo "== targets (smoke, not data)"; else echo "== targets"; fi
  [ -n "$targets" ] || echo "(no benchmark with a target ran)"
  while IFS=$'\t' read -r v t; do
    [ -n "$v" ] || continue
    [ "$v" != MISS ] || missed=$((missed + 1))
    printf '%-4s  %s%s\n' "$v" "$t" "$([ "$mode" = quick ] && echo "  (smoke, not data)")"
  done <<<"$targets"
  return 0
}

# ---- charts --------------------------------------------------------------------------------------

# make_charts DIR: DIR/charts/*.svg from DIR's summary files (bench/Charts.java, the JDK's source launcher)
make_charts() {
  "$JAVA_HOME/bin/java" "$bench/Charts.java" "$1" "$1/charts" || { say "writing the charts failed"; return 1; }
  if [ "$publish" = 1 ]; then
    mkdir -p "$root/docs/bench"
    cp "$1"/charts/*.svg "$root/docs/bench/" && say "copied $(cd "$1/charts" && echo *.svg) into docs/bench/"
  fi
}

# ---- collecting a run directory --------------------------------------------------------------------

# kind_of DIR: the benchmark that made a run directory, by its name's suffix
kind_of() {
  case "$(basename "$1")" in
    *-client) echo client ;; *-many) echo many ;; *-idle) echo idle ;; *-jmh) echo jmh ;; *-timer) echo timer ;;
    *-all) echo all ;; *-h2) echo h2 ;;
    *) if [ -f "$1/results.tsv" ] && head -n 1 "$1/results.tsv" | grep -q $'\tserver\t'; then echo server; else echo unknown; fi ;;
  esac
}

# the files of each benchmark's run directory that are copied into the -all directory (as KIND.FILE)
declare -A keep_files=([server]="summary.tsv summary.txt results.tsv settings.txt versions.txt"
                       [many]="summary.tsv summary.txt results.tsv settings.txt versions.txt"
                       [client]="summary.tsv summary.txt results.tsv settings.txt versions.txt"
                       [idle]="results.tsv summary.txt settings.txt versions.txt"
                       [jmh]="json summary.txt settings.txt" [timer]="summary.tsv output.txt settings.txt"
                       [h2]="summary.tsv summary.txt results.tsv settings.txt versions.txt")

# collect KIND RUN_DIR: links RUN_DIR into $all as KIND and copies its summary files there as KIND.FILE
# (and JMH's jmh.json as is)
collect() {
  local kind="$1" dir="$2" f link
  if [[ "$dir" == "$bench/out/"* ]]; then link="../$(basename "$dir")"; else link="$dir"; fi
  ln -sfn "$link" "$all/$kind"
  for f in ${keep_files[$kind]}; do
    [ "$f" != json ] || f=jmh.json
    [ -f "$dir/$f" ] || continue
    if [ "$f" = jmh.json ]; then cp "$dir/$f" "$all/jmh.json"; else cp "$dir/$f" "$all/$kind.$f"; fi
  done
}

# check KIND: what is wrong with the results collected for KIND (nothing when all is well)
check() {
  local d="$all"
  rows() { [ -f "$1" ] && awk 'NR > 1 && NF { n++ } END { print n + 0 }' "$1" || echo 0; }
  case "$1" in
    server)
      [ "$(rows "$d/server.summary.tsv")" -gt 0 ] || { echo "no rows in summary.tsv"; return; }
      awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["errors"] > 0 && $col["server"] == "hourglass" { printf "%s%s %s c=%s: %d wrk errors", sep, $col["server"], $col["mode"], $col["conns"], $col["errors"]; sep = "; " }' \
        "$d/server.summary.tsv"
      # A peer's errors are a finding about that peer (the JDK's HttpServer drops connections at 256), not a
      # failure of the benchmark: server-compare's summary warns about them.
      ;;
    many)
      [ "$(rows "$d/many.summary.tsv")" -gt 0 ] || { echo "no rows in summary.tsv"; return; }
      awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["errors"] > 0 && $col["server"] == "hourglass" { printf "%s%s c=%s: %d failed requests", sep, $col["server"], $col["conns"], $col["errors"]; sep = "; " }' \
        "$d/many.summary.tsv" ;;
    client)
      [ "$(rows "$d/client.summary.tsv")" -gt 0 ] || { echo "no rows in summary.tsv"; return; }
      awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["failed"] > 0 { printf "%s%s %s c=%s: %d failed calls", sep, $col["client"], $col["phase"], $col["conc"], $col["failed"]; sep = "; " }' \
        "$d/client.summary.tsv" ;;
    idle)
      [ "$(rows "$d/idle.results.tsv")" -gt 0 ] || { echo "no rows in results.tsv"; return; }
      awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["held"] != $col["conns"] || $col["closed_by_server"] > 0 { printf "%s%s held %d of %d connections", sep, $col["server"], $col["held"], $col["conns"]; sep = "; " }' \
        "$d/idle.results.tsv" ;;
    jmh)
      [ -s "$d/jmh.json" ] || { echo "no jmh.json"; return; }
      [ "$(rows "$d/jmh.summary.txt")" -gt 0 ] || echo "no benchmark in summary.txt" ;;
    timer)
      [ "$(rows "$d/timer.summary.tsv")" -gt 0 ] || echo "no rows in summary.tsv" ;;
    h2)
      [ "$(rows "$d/h2.summary.tsv")" -gt 0 ] || { echo "no rows in summary.tsv"; return; }
      awk -F'\t' 'NR > 1 && $3 == "hourglass" && $7 > 0 { printf "%shourglass %s %s: %d h2load errors", sep, $1, $2, $7; sep = "; " }' \
        "$d/h2.summary.tsv" ;;
  esac
}

# ---- --summarize, --charts, --collect --------------------------------------------------------------

if [ -n "$summarize_dir" ]; then
  [ -d "$summarize_dir" ] || die "no directory $summarize_dir"
  summarize_all "$summarize_dir"
  exit 0
fi

# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message

if [ -n "$charts_dir" ]; then
  [ -f "$charts_dir/runs.txt" ] || die "$charts_dir has no runs.txt: not a bench/run-all.sh directory"
  make_charts "$charts_dir" || exit 1
  exit 0
fi

# ---- --build-only ----------------------------------------------------------------------------------

if [ "$build_only" = 1 ]; then
  t0=$SECONDS
  for k in "${selected[@]}"; do
    case "$k" in
      server|client|idle|h2)
        say "== $k: bench/${script[$k]} --build-only"
        "$bench/${script[$k]}" --build-only >/dev/null || die "bench/${script[$k]} --build-only failed" ;;
      many)
        say "== $k: bench/${script[$k]} --build-only --modes many --servers \"$many_servers\""
        "$bench/${script[$k]}" --build-only --modes many --servers "$many_servers" >/dev/null \
          || die "bench/${script[$k]} --build-only --modes many failed" ;;
      jmh|timer)
        [ -n "${jmh_built:-}" ] && continue
        say "== $k: bench/jmh (benchmarks.jar)"; build_jmh; jmh_built=1 ;;
    esac
  done
  say "built in $(( SECONDS - t0 ))s"
  exit 0
fi

# ---- the run -------------------------------------------------------------------------------------

all="$bench/out/$(date -u +%Y%m%dT%H%M%SZ)-all"
mkdir -p "$all"
printf 'benchmark\tstatus\tseconds\tdir\n' >"$all/runs.txt"
write_settings() {
  {
    echo "date: $1"
    echo "mode: $([ "$quick" = 1 ] && echo quick || echo full)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
    echo "cpus: $(nproc); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1) ($JAVA_HOME)"
    echo "command: bench/$prog.sh$([ "${#orig_args[@]}" = 0 ] || printf ' %q' "${orig_args[@]}")"
  } >"$all/settings.txt"
}

if [ -n "$collect_dirs" ]; then
  read -r -a dirs <<<"$collect_dirs"
  first_date=""
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || die "--collect: no directory $d"
    d=$(cd "$d" && pwd); k=$(kind_of "$d")
    [[ " $known " == *" $k "* ]] || die "--collect: $d is not a run directory of a benchmark script"
    [ -e "$all/$k" ] && die "--collect: two $k directories"
    collect "$k" "$d"
    printf '%s\t%s\t%s\t%s\n' "$k" collected - "$d" >>"$all/runs.txt"
    problem=$(check "$k"); [ -z "$problem" ] || say "$k ($d): $problem"
    [ -n "$first_date" ] || first_date=$(sed -n 's/^date: //p' "$d/versions.txt" "$d/settings.txt" 2>/dev/null | head -n 1)
  done
  write_settings "${first_date:-$(date -u '+%Y-%m-%d %H:%M:%S UTC')} (collected $(date -u '+%Y-%m-%d %H:%M UTC'))"
  summarize_all "$all" >"$all/summary.txt"
  cat "$all/summary.txt"
  echo
  make_charts "$all" || true
  echo
  echo "collected into $all (summary.txt, charts/, runs.txt)"
  exit 0
fi

write_settings "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"

child_pid="" tail_pid=""
on_exit() {
  local rc=$?
  if [ -n "$child_pid" ]; then
    kill -TERM "$child_pid" 2>/dev/null || true   # each script stops what it started on SIGTERM
    wait "$child_pid" 2>/dev/null || true
  fi
  if [ -n "$tail_pid" ]; then kill -TERM "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true; fi
  rm -f "$all/.runs"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_one KIND: runs its script (output shown and kept in $all/KIND.log), collects its directory
run_one() {
  local kind="$1" args=() rc=0 t0 dir status problem
  split_args "$([ "$quick" = 1 ] && echo "${quick_args[$kind]}" || echo "${full_args[$kind]}")"; args=(${split[@]+"${split[@]}"})
  if [ -n "$jvm_opts" ] && [ -n "${takes_jvm_opts[$kind]:-}" ]; then args+=(--jvm-opts "$jvm_opts"); fi
  if [ -n "${extra[$kind]:-}" ]; then
    split_args "${extra[$kind]}"
    if [ "$kind" = jmh ]; then   # JMH rejects an option given twice: the user's replace run-all's
      local kept=() i
      for ((i = 0; i < ${#args[@]}; i++)); do
        if [[ "${args[i]}" == -[a-z]* ]] && [[ "${args[i]}" != --* ]] && [[ " ${split[*]} " == *" ${args[i]} "* ]]; then i=$((i + 1)); continue; fi
        kept+=("${args[i]}")
      done
      args=(${kept[@]+"${kept[@]}"})
    fi
    args+=("${split[@]}")
  fi
  say "== $kind: bench/${script[$kind]}$(printf ' %q' ${args[@]+"${args[@]}"})"
  : >"$all/.runs"
  t0=$SECONDS
  BENCH_RUNS_FILE="$all/.runs" "$bench/${script[$kind]}" ${args[@]+"${args[@]}"} >"$all/$kind.log" 2>&1 &
  child_pid=$!
  tail -n +1 -s 0.2 -f --pid="$child_pid" "$all/$kind.log" >&2 &
  tail_pid=$!
  wait "$child_pid" || rc=$?
  child_pid=""
  wait "$tail_pid" 2>/dev/null || true
  tail_pid=""
  dir=$(awk -F'\t' 'END { print $2 }' "$all/.runs")
  status=ok problem=""
  if [ "$rc" != 0 ]; then
    status=FAILED problem="bench/${script[$kind]} exited with status $rc"
  elif [ -z "$dir" ] || [ ! -d "$dir" ]; then
    status=FAILED problem="bench/${script[$kind]} made no run directory"
  fi
  [ -z "$dir" ] || [ ! -d "$dir" ] || collect "$kind" "$dir"
  if [ "$status" = ok ]; then
    problem=$(check "$kind")
    [ -z "$problem" ] || status=FAILED
  fi
  printf '%s\t%s\t%s\t%s\n' "$kind" "$status" $(( SECONDS - t0 )) "${dir:--}" >>"$all/runs.txt"
  if [ "$status" = ok ]; then
    say "== $kind: done in $(( SECONDS - t0 ))s ($dir)"
  else
    failures+=("$kind: $problem (see $all/$kind.log)")
    say "== $kind: FAILED after $(( SECONDS - t0 ))s: $problem"
  fi
}

say "results in $all; $([ "$quick" = 1 ] && echo "quick smoke run" || echo "full run"): ${selected[*]}"
failures=()
start=$SECONDS
for k in $known; do
  if [[ " $skip " == *" $k "* ]]; then
    printf '%s\t%s\t%s\t%s\n' "$k" skipped 0 - >>"$all/runs.txt"
    continue
  fi
  run_one "$k"
done
rm -f "$all/.runs"
bench_s=$(( SECONDS - start ))

echo
summarize_all "$all" >"$all/summary.txt"   # sets missed
cat "$all/summary.txt"
echo
# Charts exist for the server, client, idle and timer benchmarks; a run of only JMH and HTTP/2 has none to draw.
charted=0
for f in server.summary.tsv client.summary.tsv idle.results.tsv timer.summary.tsv; do [ -f "$all/$f" ] && charted=1; done
if [ "$charted" = 1 ]; then
  make_charts "$all" || failures+=("charts: bench/Charts.java failed")
else
  say "no chart for the benchmarks run (charts: server, client, idle, timer)"
fi
echo "all benchmarks: ${bench_s}s; results in $all (summary.txt, charts/, runs.txt, <name>.log)"
if [ "${#failures[@]}" -gt 0 ]; then
  for f in "${failures[@]}"; do say "FAILED: $f"; done
  exit 1
fi
if [ "$quick" = 0 ] && [ "$missed" -gt 0 ]; then
  say "$missed target(s) missed (see 'targets' above)"
  exit 2
fi
exit 0
}
