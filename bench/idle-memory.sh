#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name ("start_$name") look unreachable to it
# Memory per idle keep-alive connection: N connections each make one GET /hello (hourglass-slow: one
# GET /sleep?d=50ms, a handler that outlives the disconnect watcher's 20 ms delay) and then sit idle; the
# server's RSS, live Java heap (after a full GC) and threads are compared with a baseline taken before.
# See docs/BENCHMARKS.md ("Memory per idle connection") for the method; --help for the options.
set -euo pipefail
# One { ...; exit; } block, so bash reads the whole script before running any of it.
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=idle-memory
. "$bench/lib.sh"   # die, say, need_arg, is_posint, apt_install, newer_than, go_build, proc_status, stop_pid

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

For each server: start it on a free loopback port, warm it up ($warm_conns connections, one GET /hello
each, then closed), take a baseline, open N keep-alive connections from a separate client process
(bench/peers/idleclient), each making one GET /hello and then staying open and idle, wait, measure
again, check that all N are still established, stop. Per connection = (idle - baseline) / N.
hourglass-slow is hourglass measured after a slow request: the warm-up and every idle connection make
one GET $slow_path instead (a handler running past the disconnect watcher's 20 ms delay).
Results go to bench/out/<timestamp>-idle/ (results.tsv, summary.txt, histograms, raw jcmd output).

  --conns N          idle connections (default $def_conns; hourglass serve accepts at most 10000)
  --quick            smoke test: $quick_conns connections, ${quick_settle}s settle time
  --servers "S ..."  servers, from: $known_servers (default: all). hourglass-nmt
                     is hourglass with -XX:NativeMemoryTracking=summary, for the NMT breakdown; NMT
                     costs memory itself, so its RSS is not the figure to quote; hourglass-slow is
                     hourglass after one GET $slow_path per connection
  --settle SEC       wait after the connections are up, and before the baseline (default $def_settle)
  --parallel P       connections the client sets up at a time (default $def_parallel)
  --jvm-opts "OPTS"  JVM flags given to every Java server alike (default: none)
  --build-only       build (when stale) and check the idle client and the selected servers, then exit
  --summarize DIR    print the summary of an earlier run's directory and exit
  -h, --help         this text
EOF
}

# ---- options ---------------------------------------------------------------------------------

known_servers="hourglass hourglass-slow hourglass-nmt jetty go"
slow_path='/sleep?d=50ms'   # hourglass-slow's request: past the 20 ms watch delay, well under every timeout
def_conns=10000 quick_conns=1000 def_settle=5 quick_settle=1 def_parallel=32 def_servers="$known_servers"
warm_conns=100 target_kib=16 hourglass_max_conns=10000
conns="" settle="" parallel="" servers="" jvm_opts="" quick=0 summarize_dir="" build_only=0

while [ "$#" -gt 0 ]; do
  case "$1" in
    --conns) need_arg "$@"; conns="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --servers) need_arg "$@"; servers="$2"; shift 2 ;;
    --settle) need_arg "$@"; settle="$2"; shift 2 ;;
    --parallel) need_arg "$@"; parallel="$2"; shift 2 ;;
    --jvm-opts) need_arg "$@"; jvm_opts="$2"; shift 2 ;;
    --summarize) need_arg "$@"; summarize_dir="$2"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

if [ "$quick" = 1 ]; then
  : "${conns:=$quick_conns}" "${settle:=$quick_settle}"
fi
: "${conns:=$def_conns}" "${settle:=$def_settle}" "${parallel:=$def_parallel}" "${servers:=$def_servers}"

is_posint "$conns" || die "--conns must be a positive integer, got '$conns'"
[[ "$settle" =~ ^[0-9]+$ ]] || die "--settle must be a number of seconds (0 for none), got '$settle'"
is_posint "$parallel" || die "--parallel must be a positive integer, got '$parallel'"
read -r -a server_arr <<<"$servers"
check_names --servers server "$known_servers" ${server_arr[@]+"${server_arr[@]}"}
read -r -a jvm_arr <<<"$jvm_opts"

# ---- summary (also used by --summarize) ------------------------------------------------------

# summarize DIR: the table from DIR/results.tsv, the target check, and the per-class breakdown of the
# first hourglass server's live heap (DIR/<server>.histo-diff.tsv) and NMT (DIR/<server>.nmt-diff.tsv)
summarize() {
  local dir="$1" s
  [ -f "$dir/results.tsv" ] || die "no results.tsv in $dir"
  [ -f "$dir/settings.txt" ] && { cat "$dir/settings.txt"; echo; }
  awk -F'\t' -v target="$target_kib" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      rows[++nr] = $0
    }
    END {
      if (nr == 0) { print "no results"; exit 1 }
      print "Per idle connection = (idle - baseline) / N, in KiB. RSS: VmRSS after a full GC (JVMs; Go: as is);"
      print "pre-GC: VmRSS before it; heap: live Java heap (class histogram total, after a full GC); NMT: committed"
      print "native memory (hourglass-nmt only); held: connections still established at the end (ss)."
      print ""
      printf "%-14s %6s %6s %9s %9s %9s %9s %9s %13s\n", "server", "conns", "held", "RSS", "pre-GC", "heap", \
        "NMT", "threads", "RSS MB"
      for (r = 1; r <= nr; r++) {
        split(rows[r], f, "\t")
        n = f[col["conns"]]
        ok = (f[col["held"]] == n && f[col["closed_by_server"]] == 0)
        printf "%-14s %6d %6d %9s %9s %9s %9s %9s %13s%s\n", f[col["server"]], n, f[col["held"]], \
          f[col["rss_kib_per_conn"]], f[col["rss_pregc_kib_per_conn"]], f[col["heap_kib_per_conn"]], \
          f[col["nmt_kib_per_conn"]], f[col["threads_base"]] "->" f[col["threads_idle"]], \
          sprintf("%.0f->%.0f", f[col["rss_base_kb"]] / 1024, f[col["rss_idle_kb"]] / 1024), \
          ok ? "" : "  (NOT ALL HELD: " f[col["closed_by_server"]] " closed by the server)"
        if (!ok) bad = 1
      }
      print ""
      for (r = 1; r <= nr; r++) {
        split(rows[r], f, "\t")
        s = f[col["server"]]
        if (s != "hourglass" && s != "hourglass-slow") continue
        rss = f[col["rss_kib_per_conn"]]; heap = f[col["heap_kib_per_conn"]]
        printf "target, %s <= %d KiB per idle connection at %d: RSS %s KiB (%s), live heap %s KiB (%s)\n", \
          s, target, f[col["conns"]], rss, (rss <= target ? "met" : "NOT met"), heap, (heap <= target ? "met" : "NOT met")
      }
      if (bad) print "WARNING: some connections were closed before the measurement ended: those rows are not valid"
    }' "$dir/results.tsv"
  for s in hourglass hourglass-nmt jetty; do
    [ -f "$dir/$s.histo-diff.tsv" ] || continue
    histo_summary "$dir" "$s"
    break
  done
  if [ -f "$dir/hourglass-slow.histo-diff.tsv" ]; then histo_summary "$dir" hourglass-slow; fi
  if [ -f "$dir/hourglass-nmt.nmt-diff.tsv" ]; then
    echo
    echo "hourglass-nmt: committed native memory per idle connection by NMT category (idle - baseline, / N):"
    awk -F'\t' 'NR > 1 && $3 != 0 { printf "  %9.2f KiB  %s\n", $3, $1 }' "$dir/hourglass-nmt.nmt-diff.tsv"
  fi
}

# histo_summary DIR SERVER: the top classes of DIR/SERVER.histo-diff.tsv
histo_summary() {
  echo
  echo "$2: live heap per idle connection by class (GC.class_histogram, idle - baseline, / N; top 15):"
  awk -F'\t' 'NR == 1 { next }
    { tot += $5; if (++k <= 15) printf "  %9.1f B %7.2f objs  %s\n", $5, $4, $1; else rest += $5 }
    END { printf "  %9.1f B              (other classes)\n  %9.1f B = %.2f KiB   total\n", rest, tot, tot / 1024 }' \
    "$1/$2.histo-diff.tsv"
}

if [ -n "$summarize_dir" ]; then
  summarize "$summarize_dir"
  exit 0
fi

# ---- tools and limits ------------------------------------------------------------------------

apt_install curl curl
apt_install ss iproute2
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message
jcmd="$JAVA_HOME/bin/jcmd"
[ -x "$jcmd" ] || die "no jcmd in $JAVA_HOME/bin: the Java servers cannot be measured"

for s in "${server_arr[@]}"; do
  if [[ "$s" == hourglass* ]] && [ "$conns" -gt "$hourglass_max_conns" ]; then
    die "hourglass serve accepts at most $hourglass_max_conns connections (ServerConfig's default; the CLI has no option): use --conns <= $hourglass_max_conns or leave $s out"
  fi
done

# Each side needs a descriptor per connection, plus the JVM's own: raise the soft limit to the hard one,
# and the hard one too when it is short and we may (root, up to fs.nr_open). Children inherit it.
need_fds=$(( conns + warm_conns + 1024 ))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need_fds" ]; then
  ulimit -Hn "$need_fds" 2>/dev/null \
    || die "open files hard limit is $hard, --conns $conns needs $need_fds, and raising it failed: run as root or with a higher 'ulimit -Hn'"
  hard=$need_fds
fi
ulimit -Sn "$hard" || die "cannot raise the open files limit to $hard"
fd_limit="$(ulimit -Sn) (soft = hard)"

read -r port_lo port_hi </proc/sys/net/ipv4/ip_local_port_range
[ $(( port_hi - port_lo + 1 )) -gt $(( conns + warm_conns )) ] \
  || die "only $(( port_hi - port_lo + 1 )) local ports ($port_lo-$port_hi) for $conns connections from 127.0.0.1"

# ---- servers: prepare_NAME builds and checks; start_NAME OUT ERR starts one in the background on
# ---- 127.0.0.1 port 0 and sets server_pid and server_cmd.

jetty_jar="$build/jetty-peer/jetty-hello.jar"
go_bin="$build/go/go-hello"
client_bin="$build/idleclient/idle-client"
declare -A server_version=()

server_comm() { case "$1" in go) echo go-hello ;; *) echo java ;; esac; }
is_java() { [ "$(server_comm "$1")" = java ]; }

prepare_hourglass() {
  [ -n "${server_version[hourglass]:-}" ] && { server_version[$1]=${server_version[hourglass]}; return 0; }
  # The launcher builds the CLI when it is missing or stale; do that now, not while measuring.
  server_version[$1]=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" --version) \
    || die "'$root/hourglass --version' failed (output above)"
  server_version[hourglass]=${server_version[$1]}
}
prepare_hourglass-nmt() { prepare_hourglass hourglass-nmt; }
prepare_hourglass-slow() { prepare_hourglass hourglass-slow; }
hourglass_flags=(serve --listen 127.0.0.1:0 --idle-timeout 10m)
start_hourglass() {   # ./hourglass execs java, so $! is the JVM's pid
  local opts="$jvm_opts${3:+ $3}"
  server_cmd="HOURGLASS_JAVA_OPTS='${opts# }' $root/hourglass ${hourglass_flags[*]}"
  HOURGLASS_JAVA_OPTS="${opts# }" "$root/hourglass" "${hourglass_flags[@]}" >"$1" 2>"$2" &
  server_pid=$!
}
start_hourglass-nmt() { start_hourglass "$1" "$2" -XX:NativeMemoryTracking=summary; }
start_hourglass-slow() { start_hourglass "$1" "$2"; }

# request_path NAME: what each of NAME's connections requests before it goes idle
request_path() { if [ "$1" = hourglass-slow ]; then echo "$slow_path"; else echo /hello; fi; }

prepare_jetty() {
  local src="$bench/peers/jetty" log
  if newer_than "$jetty_jar" "$src/pom.xml" "$src/src"; then
    say "building the Jetty peer..."
    log="$build/jetty-build.log"; mkdir -p "$build"
    if ! "$root/mvnw" -q -B -ntp -f "$src/pom.xml" package >"$log" 2>&1; then
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
  go_build "$bench/peers/go" "$go_bin" "the Go peer"
  server_version[go]=$("$go_bin" --version) || die "the Go peer does not run"
}
start_go() {
  server_cmd="$go_bin 0"
  "$go_bin" 0 >"$1" 2>"$2" &
  server_pid=$!
}

# ---- processes ---------------------------------------------------------------------------------

server_pid="" server_port="" client_pid="" client_out=""

on_exit() {
  local rc=$?
  stop_pid "$client_pid" "the idle client"
  stop_pid "$server_pid" "the server"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server_alive() {   # server_alive NAME WHEN: dies with the server's stderr when it has ended
  kill -0 "$server_pid" 2>/dev/null && return 0
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  tail -n 20 "$out/$1.server.err" >&2 || true
  die "$1 ended $2 (its stderr is above and in $out/$1.server.err)"
}

# start_server NAME: starts it, waits for its 'listening on' line and a correct /hello answer
start_server() {
  local name="$1" line="" i resp comm
  "start_$name" "$out/$name.server.out" "$out/$name.server.err"
  for ((i = 0; i < 600; i++)); do   # up to 60 s: a cold JVM on a busy 2-core machine is slow
    line=$(grep -m1 -o 'listening on http://[^ ]*' "$out/$name.server.out" 2>/dev/null || true)
    [ -n "$line" ] && break
    server_alive "$name" "before it was listening"
    sleep 0.1
  done
  [ -n "$line" ] || die "$name printed no 'listening on' line within 60 s (see $out/$name.server.*)"
  server_port=${line##*:}
  is_posint "$server_port" || die "$name printed '$line': no port in it"
  comm=$(<"/proc/$server_pid/comm")
  [ "$comm" = "$(server_comm "$name")" ] || die "$name's pid $server_pid is '$comm': it would be measured on the wrong process"
  for ((i = 0; i < 50; i++)); do
    resp=$(curl -s --max-time 2 -w '\n%{http_code}' "http://127.0.0.1:$server_port/hello" || true)
    [ "$resp" = $'hello\n\n200' ] && return 0
    sleep 0.1
  done
  die "$name on port $server_port does not answer GET /hello with 200 'hello' (got: ${resp:-nothing})"
}

established() { ss -Htn state established "( sport = :$server_port )" | wc -l; }

# open_conns NAME TAG N: starts the idle client with N connections and waits until they are all idle
open_conns() {
  local name="$1" tag="$2" n="$3" limit i path
  path=$(request_path "$name")
  limit=$(( 30 + n / 100 ))
  client_out="$out/$name.$tag.client.out"
  echo "# $name $tag: $client_bin -parallel $parallel -path '$path' 127.0.0.1:$server_port $n" >>"$out/commands.txt"
  "$client_bin" -parallel "$parallel" -path "$path" "127.0.0.1:$server_port" "$n" >"$client_out" 2>"$out/$name.$tag.client.err" &
  client_pid=$!
  for ((i = 0; i < limit * 10; i++)); do
    grep -qs '^ready ' "$client_out" && return 0
    if ! kill -0 "$client_pid" 2>/dev/null; then
      wait "$client_pid" 2>/dev/null || true; client_pid=""
      cat "$out/$name.$tag.client.err" >&2
      die "the idle client failed against $name (above, and in $out/$name.$tag.client.err)"
    fi
    sleep 0.1
  done
  die "the idle client had not opened $n connections to $name after ${limit}s"
}

# close_conns: stops the client (it closes its connections) and sets closed_by_server from its last line
close_conns() {
  stop_pid "$client_pid" "the idle client"; client_pid=""
  closed_by_server=$(sed -n 's/^closing .*closed_by_server=\([0-9]*\)$/\1/p' "$client_out")
  [ -n "$closed_by_server" ] || die "the idle client did not report how many connections the server closed (see $client_out)"
}

# snapshot NAME PHASE: measures the server (PHASE base or idle) into snap_* variables and raw files
snapshot() {
  local name="$1" phase="$2" jout="$out/$1.$2.jcmd.txt"
  snap_rss_pregc=$(proc_status "$server_pid" VmRSS)
  snap_heap="-" snap_live="-" snap_nmt="-"
  if is_java "$name"; then
    # GC.run, then the histogram (live objects only: it runs a full GC of its own), then the heap's use
    printf 'GC.run\nGC.class_histogram\nGC.heap_info\n%s' "$([ "$phase" = idle ] && echo Thread.vthread_scheduler)" \
      >"$out/.jcmd-cmds"
    timeout 120 "$jcmd" "$server_pid" -f "$out/.jcmd-cmds" >"$jout" 2>&1 || { cat "$jout" >&2; die "jcmd against $name failed (above)"; }
    snap_live=$(awk '$1 == "Total" { print $3; exit }' "$jout")
    snap_heap=$(sed -n 's/.* used \([0-9]*\)K.*/\1/p' "$jout" | head -n 1)
    if [ -z "$snap_live" ] || [ -z "$snap_heap" ]; then die "no heap figures in jcmd's output ($jout)"; fi
    sleep 1   # G1 gives memory back after a full GC in the background
  fi
  snap_rss=$(proc_status "$server_pid" VmRSS)
  snap_threads=$(proc_status "$server_pid" Threads)
  if [ "$name" = hourglass-nmt ]; then
    if [ "$phase" = base ]; then
      timeout 60 "$jcmd" "$server_pid" VM.native_memory baseline >"$out/$name.nmt-baseline.txt" 2>&1 \
        || die "jcmd VM.native_memory baseline failed (see $out/$name.nmt-baseline.txt)"
    else
      timeout 60 "$jcmd" "$server_pid" VM.native_memory summary.diff >"$out/$name.nmt-diff.txt" 2>&1 \
        || die "jcmd VM.native_memory summary.diff failed (see $out/$name.nmt-diff.txt)"
      # "Total: reserved=...KB +..KB, committed=NKB +DKB"; and per category "-  Name (reserved=..., committed=NKB +DKB)"
      snap_nmt=$(awk '/^Total:/ { if (match($0, /committed=[0-9]+KB [-+][0-9]+KB/)) { s = substr($0, RSTART, RLENGTH); sub(/.* /, "", s); sub(/KB/, "", s); print s + 0 } else print 0; exit }' \
        "$out/$name.nmt-diff.txt")
      awk -v n="$conns" 'BEGIN { OFS = "\t"; print "category", "committed_delta_kb", "kib_per_conn" }
        /^-  *[A-Za-z].*\(reserved=/ {
          cat = $0; sub(/^- */, "", cat); sub(/ *\(reserved=.*/, "", cat)
          d = 0; if (match($0, /committed=[0-9]+KB [-+][0-9]+KB/)) { s = substr($0, RSTART, RLENGTH); sub(/.* /, "", s); sub(/KB/, "", s); d = s + 0 }
          print cat, d, sprintf("%.2f", d / n)
        }' "$out/$name.nmt-diff.txt" >"$out/$name.nmt-diff.tsv"
    fi
  fi
}

# histo_diff NAME: per-class difference of the two histograms, largest first
histo_diff() {
  awk -v n="$conns" '
    function load(file, arr, cnt,   line, f) {
      while ((getline line <file) > 0) {
        if (line !~ /^ *[0-9]+: /) continue
        split(line, f, " ")
        arr[f[4]] += f[3]; cnt[f[4]] += f[2]; names[f[4]] = 1
      }
      close(file)
    }
    BEGIN {
      load(ARGV[1], b0, c0); load(ARGV[2], b1, c1)
      for (k in names) { d = b1[k] - b0[k]; if (d != 0) printf "%s\t%d\t%d\t%.2f\t%.1f\n", k, c1[k] - c0[k], d, (c1[k] - c0[k]) / n, d / n }
      exit
    }' "$out/$1.base.jcmd.txt" "$out/$1.idle.jcmd.txt" | sort -t$'\t' -k3,3nr \
    | { printf 'class\tinstances_delta\tbytes_delta\tinstances_per_conn\tbytes_per_conn\n'; cat; } >"$out/$1.histo-diff.tsv"
}

kib_per_conn() { [ "$1" = - ] && { echo -; return; }; awk -v d="$1" -v n="$conns" 'BEGIN { printf "%.2f", d / n }'; }

# measure NAME: the whole measurement of one server; appends its row to results.tsv
measure() {
  local name="$1" i t0 rss_b rss_pregc_b heap_b live_b thr_b
  local held open_s
  say "$name: starting"
  start_server "$name"
  echo "# $name server: $server_cmd" >>"$out/commands.txt"
  # the JVM's own command line: the launcher adds flags of its own to serve (its heap return, issue 9)
  if [ -r "/proc/$server_pid/cmdline" ]; then
    echo "# $name jvm: $(tr '\0' ' ' <"/proc/$server_pid/cmdline")" >>"$out/commands.txt"
  fi

  # warm-up: the code paths for accepting, serving and closing, so the baseline has their classes loaded
  # (hourglass-slow: with its slow request, so the watcher's code is loaded too)
  open_conns "$name" warmup "$warm_conns"
  close_conns
  for ((i = 0; i < 100; i++)); do [ "$(established)" = 0 ] && break; sleep 0.1; done
  [ "$(established)" = 0 ] || die "$name still has $(established) warm-up connections established after 10 s"
  sleep "$settle"
  server_alive "$name" "after the warm-up"
  snapshot "$name" base
  rss_b=$snap_rss rss_pregc_b=$snap_rss_pregc heap_b=$snap_heap live_b=$snap_live thr_b=$snap_threads

  t0=$SECONDS
  open_conns "$name" idle "$conns"
  open_s=$(sed -n 's/^ready .*seconds=\([0-9.]*\)$/\1/p' "$out/$name.idle.client.out")
  say "$name: $conns connections idle after ${open_s}s; settling ${settle}s"
  sleep "$settle"
  server_alive "$name" "with $conns connections open"
  snapshot "$name" idle
  held=$(established)
  ss -Htn state established "( sport = :$server_port )" >"$out/$name.ss.txt"
  close_conns
  server_alive "$name" "while measured"
  stop_pid "$server_pid" "$name"; server_pid=""
  is_java "$name" && histo_diff "$name"

  local d_heap="-" d_live="-"
  [ "$heap_b" = - ] || d_heap=$(( snap_heap - heap_b ))
  [ "$live_b" = - ] || d_live=$(awk -v a="$snap_live" -v b="$live_b" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
  printf '%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$name" "$conns" "$held" "$closed_by_server" "$open_s" "$rss_b" "$snap_rss" "$rss_pregc_b" "$snap_rss_pregc" \
    "$heap_b" "$snap_heap" "$live_b" "$snap_live" "$thr_b" "$snap_threads" "$snap_nmt" \
    "$(kib_per_conn $(( snap_rss - rss_b )))" "$(kib_per_conn $(( snap_rss_pregc - rss_pregc_b )))" \
    "$(kib_per_conn "$d_live")" "$(kib_per_conn "$d_heap")" "$(kib_per_conn "$snap_nmt")" >>"$out/results.tsv"
  say "$(printf '%s: held %d/%d, per connection: RSS %s KiB, live heap %s KiB (%ds)' "$name" "$held" "$conns" \
    "$(kib_per_conn $(( snap_rss - rss_b )))" "$(kib_per_conn "$d_live")" $(( SECONDS - t0 )))"
}

# ---- run -------------------------------------------------------------------------------------

go_build "$bench/peers/idleclient" "$client_bin" "the idle client"
for s in "${server_arr[@]}"; do "prepare_$s" "$s"; done
if [ "$build_only" = 1 ]; then
  for s in "${server_arr[@]}"; do echo "$s: ${server_version[$s]}"; done
  echo "idle client: $("$client_bin" -version)"
  exit 0
fi

new_out_dir "-idle"   # sets $out

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "repo: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "kernel: $(uname -srm)"
  echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "open files limit: $fd_limit"
  echo "jvm opts: ${jvm_opts:-(none)}"
  echo "java ($JAVA_HOME):"; "$JAVA_HOME/bin/java" -version 2>&1 | sed 's/^/  /'
  for s in "${server_arr[@]}"; do echo "$s: ${server_version[$s]}"; done
  echo "idle client: $("$client_bin" -version)"
} >"$out/versions.txt"
echo "conns=$conns settle=${settle}s warmup_conns=$warm_conns parallel=$parallel servers=\"${server_arr[*]}\" jvm_opts=\"$jvm_opts\" open_files=$(ulimit -Sn)" \
  >"$out/settings.txt"
printf 'server\tconns\theld\tclosed_by_server\topen_s\trss_base_kb\trss_idle_kb\trss_pregc_base_kb\trss_pregc_idle_kb\theap_used_base_kb\theap_used_idle_kb\tlive_base_bytes\tlive_idle_bytes\tthreads_base\tthreads_idle\tnmt_committed_delta_kb\trss_kib_per_conn\trss_pregc_kib_per_conn\theap_kib_per_conn\theap_used_kib_per_conn\tnmt_kib_per_conn\n' \
  >"$out/results.tsv"
: >"$out/commands.txt"
say "results in $out"

for s in "${server_arr[@]}"; do measure "$s"; done

rm -f "$out/.jcmd-cmds"
summarize "$out" >"$out/summary.txt"
echo
cat "$out/summary.txt"
echo
echo "raw output, versions and commands: $out"
exit 0
}
