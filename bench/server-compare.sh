#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name ("start_$name") look unreachable to it
# Side-by-side server benchmark: wrk against Hourglass and peer servers answering GET /hello, on
# keep-alive connections and connect-per-request, interleaved round by round, with the CPU time of the
# server's process tree per request as the main figure.
# See docs/BENCHMARKS.md for the method and how to read the numbers; --help for the options.
set -euo pipefail
# The whole script is one { ...; exit; } block, so bash reads all of it before running any: editing or
# checking out the file during a run cannot change what that run does.
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=server-compare
. "$bench/lib.sh"   # die, say, need_arg, is_posint, apt_install, newer_than, cpu_ticks, busy_total, wait_quiet,
                    # tree_pids, tree_ticks, tree_rss_kb, passive_opens, free_loopback, time_waits

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Starts each server on a free port of a fresh loopback address (127.0.0.N, a new N for every measured
run, one no socket on the machine uses, so no TIME_WAIT left by earlier runs is on it), warms it up with
wrk, then measures one wrk run of 'wrk -tT -cC -dD --latency http://127.0.0.N:PORT/hello' and the CPU time
of the server's process tree during that run. Mode 'keepalive' reuses wrk's C connections; mode 'close'
adds -H 'Connection: close', so every request is a new connection; mode 'static' (not run unless named in
--modes) GETs a 1 MiB file, /static/1m.bin, on keep-alive connections from the servers that serve files
($static_servers; each with its own file serving: hourglass serve --dir, Jetty's ResourceHandler,
Go's http.FileServer, nginx's static location with sendfile); mode 'many' (not run unless named in
--modes) replaces wrk with bench/peers/manyconns, which holds C keep-alive connections (default
$def_many_conns), each sending about R requests per second from a random phase (a server with many slow
clients, not a saturation test), and reports latency, the server's CPU per request and its RSS per
connection; its runs go to bench/out/<timestamp>-many/ when it is the only mode. Servers run one at a time, in an
order rotated every round. Results go to bench/out/<timestamp>/ (results.tsv, summary.txt, summary.md,
summary.tsv).

  --quick            smoke test: 1 round, ${quick_warmup}s warm-up + ${quick_duration}s per server and mode, ${quick_conns} connections
  --rounds N         rounds (default $def_rounds)
  --duration SEC     measured wrk run per server, mode, conns and round (default $def_duration)
  --warmup SEC       wrk warm-up before each measured run, same mode, not measured (default $def_warmup)
  --conns "C ..."    wrk connection counts in mode keepalive (default "$def_conns", quick "$quick_conns")
  --close-conns "C ..."
                     wrk connection counts in mode close (default "$def_close_conns", quick "$quick_conns")
  --static-conns "C ..."
                     wrk connection counts in mode static (default "$def_static_conns")
  --many-conns "C ..."
                     connections held in mode many (default "$def_many_conns", quick "$quick_many_conns")
  --rate R           mode many: requests per second per connection (default $def_rate)
  --modes "M ..."    from: $known_modes (default "$def_modes")
  --threads N        wrk threads (default $def_threads)
  --servers "S ..."  servers, from: $known_servers
                     (default: all but the I/O-core prototypes $proto_servers, bench/peers/proto)
  --jvm-opts "OPTS"  JVM flags given to every Java server alike (default: none)
  --quiet PCT        before each server start, wait (up to ${quiet_limit}s) until the machine's other load
                     is below PCT % of all CPUs; for shared machines (default: don't wait)
  --markdown         print the summary as Markdown (it is always saved as summary.md too)
  --tsv              print the summary as tab-separated values (always saved as summary.tsv too)
  --build-only       build (when stale) and check the selected servers, then exit
  --summarize DIR    print the summary of an earlier run's directory and exit
  -h, --help         this text
EOF
}


# ---- options ---------------------------------------------------------------------------------

known_servers="hourglass jetty netty helidon undertow vertx jdkhttp go nginx proto-vt proto-sel proto-sel0 proto-epoll proto-epollv"
# the I/O-core prototypes (bench/peers/proto, issue 17) run only when named in --servers
proto_servers="proto-vt proto-sel proto-sel0 proto-epoll proto-epollv"
known_modes="keepalive close static many"
static_servers="hourglass jetty go nginx"
def_rounds=3 def_duration=10 def_warmup=5 def_conns="64 256" def_threads=2 def_servers="hourglass jetty netty helidon undertow vertx jdkhttp go nginx"
def_modes="keepalive close"
def_close_conns=64 def_static_conns=64 def_many_conns=10000 quick_many_conns=1000 def_rate=1
quick_duration=2 quick_warmup=2 quick_conns=64 quiet_limit=120
rounds="" duration="" warmup="" conns_list="" threads="" servers="" jvm_opts="" markdown=0 tsv=0 quick=0
summarize_dir="" quiet="" modes="" build_only=0 close_conns_list="" static_conns_list="" many_conns_list="" rate=""


while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --rounds) need_arg "$@"; rounds="$2"; shift 2 ;;
    --duration) need_arg "$@"; duration="$2"; shift 2 ;;
    --warmup) need_arg "$@"; warmup="$2"; shift 2 ;;
    --conns) need_arg "$@"; conns_list="$2"; [ -n "${2// }" ] || die "--conns is empty"; shift 2 ;;
    --close-conns) need_arg "$@"; close_conns_list="$2"; [ -n "${2// }" ] || die "--close-conns is empty"; shift 2 ;;
    --static-conns) need_arg "$@"; static_conns_list="$2"; [ -n "${2// }" ] || die "--static-conns is empty"; shift 2 ;;
    --many-conns) need_arg "$@"; many_conns_list="$2"; [ -n "${2// }" ] || die "--many-conns is empty"; shift 2 ;;
    --rate) need_arg "$@"; rate="$2"; shift 2 ;;
    --modes) need_arg "$@"; modes="$2"; [ -n "${2// }" ] || die "--modes is empty"; shift 2 ;;
    --threads) need_arg "$@"; threads="$2"; shift 2 ;;
    --servers) need_arg "$@"; servers="$2"; [ -n "${2// }" ] || die "--servers is empty"; shift 2 ;;
    --jvm-opts) need_arg "$@"; jvm_opts="$2"; shift 2 ;;
    --quiet) need_arg "$@"; quiet="$2"; shift 2 ;;
    --markdown) markdown=1; shift ;;
    --tsv) tsv=1; shift ;;
    --summarize) need_arg "$@"; summarize_dir="$2"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

if [ "$quick" = 1 ]; then
  : "${rounds:=1}" "${duration:=$quick_duration}" "${warmup:=$quick_warmup}" "${conns_list:=$quick_conns}"
fi
[ "$quick" = 0 ] || : "${close_conns_list:=$quick_conns}" "${many_conns_list:=$quick_many_conns}"
: "${close_conns_list:=$def_close_conns}" "${static_conns_list:=$def_static_conns}" "${many_conns_list:=$def_many_conns}"
: "${rate:=$def_rate}"
: "${rounds:=$def_rounds}" "${duration:=$def_duration}" "${warmup:=$def_warmup}"
: "${conns_list:=$def_conns}" "${threads:=$def_threads}" "${servers:=$def_servers}" "${modes:=$def_modes}"

is_posint "$rounds" || die "--rounds must be a positive integer, got '$rounds'"
is_posint "$duration" || die "--duration must be a positive number of seconds, got '$duration'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup must be a number of seconds (0 for none), got '$warmup'"
[ -z "$quiet" ] || { is_posint "$quiet" && [ "$quiet" -le 100 ]; } || die "--quiet takes a percentage 1-100, got '$quiet'"
is_posint "$threads" || die "--threads must be a positive integer, got '$threads'"
# check_conns OPTION C...: positive integers, each at least the wrk thread count, none twice
check_conns() {
  local opt="$1" c seen=" "; shift
  [ "$#" -gt 0 ] || die "$opt is empty"
  for c in "$@"; do
    is_posint "$c" || die "$opt takes positive integers, got '$c'"
    [ "$c" -ge "$threads" ] || die "wrk needs at least as many connections as threads: $c < $threads ($opt)"
    [[ "$seen" != *" $c "* ]] || die "$opt names $c twice"
    seen="$seen$c "
  done
}
read -r -a conns_arr <<<"$conns_list"
check_conns --conns ${conns_arr[@]+"${conns_arr[@]}"}
read -r -a close_conns_arr <<<"$close_conns_list"
check_conns --close-conns ${close_conns_arr[@]+"${close_conns_arr[@]}"}
read -r -a static_conns_arr <<<"$static_conns_list"
check_conns --static-conns ${static_conns_arr[@]+"${static_conns_arr[@]}"}
read -r -a many_conns_arr <<<"$many_conns_list"
check_conns --many-conns ${many_conns_arr[@]+"${many_conns_arr[@]}"}
[[ "$rate" =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v r="$rate" 'BEGIN { exit !(r > 0 && r <= 1000) }' \
  || die "--rate must be a number of requests per second per connection in (0, 1000], got '$rate'"
read -r -a server_arr <<<"$servers"
check_names --servers server "$known_servers" ${server_arr[@]+"${server_arr[@]}"}
read -r -a mode_arr <<<"$modes"
check_names --modes mode "$known_modes" ${mode_arr[@]+"${mode_arr[@]}"}
read -r -a jvm_arr <<<"$jvm_opts"
[ "$markdown" = 0 ] || [ "$tsv" = 0 ] || die "--markdown and --tsv exclude each other"

# ---- summary (also used by --summarize) ------------------------------------------------------

# server_kind NAME: "java" for servers on the JVM (compared to the best Java peer), "proto" for the I/O-core
# prototypes (JVM, but never the best Java peer: they are not servers), else "native"
server_kind() {
  case "$1" in hourglass|jetty|netty|helidon|undertow|vertx|jdkhttp) echo java ;; proto-*) echo proto ;; *) echo native ;; esac
}

# summarize DIR FORMAT: per mode, connection count and server, medians over rounds from DIR/results.tsv,
# and CPU/request ratios to nginx and to the best Java peer, each both as the median of the per-round
# ratios and as the ratio of the medians. FORMAT: "text", "markdown" or "tsv" (one row per server, mode
# and conns, for charts). Runs of old results.tsv files without a mode column count as keepalive.
summarize() {
  local dir="$1" format="$2" kinds="" s
  [ -f "$dir/results.tsv" ] || die "no results.tsv in $dir"
  for s in $known_servers; do kinds="$kinds $s=$(server_kind "$s")"; done
  local settings=""
  [ -f "$dir/settings.txt" ] && settings=$(tr '\n' ' ' <"$dir/settings.txt")
  awk -F'\t' -v fmt="$format" -v kinds="$kinds" -v settings="$settings" '
    function sortn(a, n,   i, j, v) {
      for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
    }
    function median_of(a, n) {
      if (n == 0) return ""
      sortn(a, n)
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(field, s, k, v,   key) { key = field SUBSEP s SUBSEP k; cnt[key]++; vals[key, cnt[key]] = v }
    function med(field, s, k,   key, n, i, a) {
      key = field SUBSEP s SUBSEP k; n = cnt[key] + 0
      for (i = 1; i <= n; i++) a[i] = vals[key, i]
      return median_of(a, n)
    }
    # rmed(s, ref, k): median over rounds of cpu(s) / cpu(ref), rounds where both ran
    function rmed(s, ref, k,   r, n, a) {
      n = 0
      for (r = 1; r <= maxr; r++)
        if (((s, k, r) in cpur) && ((ref, k, r) in cpur) && cpur[ref, k, r] > 0) a[++n] = cpur[s, k, r] / cpur[ref, k, r]
      return median_of(a, n)
    }
    function qratio(a, b) { return (a != "" && b != "" && b > 0) ? a / b : "" }
    function f(v, d) { return (v == "") ? (fmt == "tsv" ? "" : "n/a") : sprintf("%." d "f", v) }
    function row(cells, n,   i, line) {
      if (fmt == "markdown") { line = "|"; for (i = 1; i <= n; i++) line = line " " cells[i] " |"; print line }
      else if (fmt == "tsv") { line = cells[1]; for (i = 2; i <= n; i++) line = line "\t" cells[i]; print line }
      else { line = sprintf("%-10s", cells[1]); for (i = 2; i <= n; i++) line = line sprintf(" %9s", cells[i]); print line }
    }
    function rule(n,   i, line) {
      if (fmt != "markdown") return
      line = "|---|"; for (i = 2; i <= n; i++) line = line "---:|"; print line
    }
    function para(md, txt) { if (fmt == "markdown") print md; else print txt }
    BEGIN {
      nk = split(kinds, kv, " ")
      for (i = 1; i <= nk; i++) { split(kv[i], p, "="); kind[p[1]] = p[2] }
      title["keepalive"] = "keep-alive: wrk keeps its C connections open"
      title["close"] = "connect per request: wrk -H \"Connection: close\", one new connection per request (CPU/req = CPU per connection)"
      title["many"] = "many connections: bench/peers/manyconns holds C keep-alive connections, each sending about one request per --rate period from a random phase; latency is the load generator'"'"'s; KiB/conn = (server RSS at the end - RSS before connecting) / C"
      title["static"] = "static file: GET /static/1m.bin (1 MiB) on keep-alive connections, each server'"'"'s own file serving"
      nk = 0
    }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      m = ("mode" in col) ? $col["mode"] : "keepalive"
      s = $col["server"]; c = $col["conns"]; r = $col["round"] + 0; k = m SUBSEP c
      if (!(s in seen_s)) { seen_s[s] = 1; order_s[++ns] = s }
      if (!(k in seen_k)) { seen_k[k] = 1; order_k[++nk] = k; kmode[nk] = m; kconns[nk] = c }
      if (!(m in seen_m)) { seen_m[m] = 1; order_m[++nm] = m }
      if (r > maxr) maxr = r
      add("rps", s, k, $col["req_per_s"]); add("p50", s, k, $col["p50_ms"]); add("p99", s, k, $col["p99_ms"])
      add("cpu", s, k, $col["cpu_us_per_req"]); add("rss", s, k, $col["rss_kb"] / 1024)
      if (("rss_kib_per_conn" in col) && $col["rss_kib_per_conn"] != "") add("rpc", s, k, $col["rss_kib_per_conn"])
      add("other", s, k, ("other_cpu_pct" in col) ? $col["other_cpu_pct"] : 0)
      if (("new_conns" in col) && $col["requests"] > 0) add("cpr", s, k, $col["new_conns"] / $col["requests"])
      cpur[s, k, r] = $col["cpu_us_per_req"]
      errs[s, k] += $col["errors"]; runs[s, k]++
    }
    END {
      if (ns == 0) { print "no results"; exit 1 }
      # per mode and conns: the best Java peer (leanest Java server but hourglass, by median CPU/req) and
      # every ratio; then print
      for (ki = 1; ki <= nk; ki++) {
        k = order_k[ki]; bj[k] = ""; bv = ""
        for (si = 1; si <= ns; si++) {
          s = order_s[si]
          if (((s, k) in runs) && kind[s] == "java" && s != "hourglass") {
            v = med("cpu", s, k); if (bv == "" || v < bv) { bv = v; bj[k] = s }
          }
        }
        for (si = 1; si <= ns; si++) {
          s = order_s[si]; if (!((s, k) in runs)) continue
          mc = med("cpu", s, k)
          vn[s, k] = ""; vnm[s, k] = ""; vb[s, k] = ""; vbm[s, k] = ""
          if (("nginx", k) in runs) { vn[s, k] = rmed(s, "nginx", k); vnm[s, k] = qratio(mc, med("cpu", "nginx", k)) }
          if (bj[k] != "") { vb[s, k] = rmed(s, bj[k], k); vbm[s, k] = qratio(mc, med("cpu", bj[k], k)) }
        }
      }
      if (fmt == "tsv") {
        split("mode conns server kind runs errors req_per_s p50_ms p99_ms cpu_us_per_req rss_mb conns_per_req other_cpu_pct cpu_vs_nginx cpu_vs_nginx_of_medians best_java cpu_vs_best_java cpu_vs_best_java_of_medians rss_kib_per_conn", h, " ")
        row(h, 19)
        for (ki = 1; ki <= nk; ki++) {
          k = order_k[ki]
          for (si = 1; si <= ns; si++) {
            s = order_s[si]; if (!((s, k) in runs)) continue
            t[1] = kmode[ki]; t[2] = kconns[ki]; t[3] = s; t[4] = kind[s] == "" ? "native" : kind[s]
            t[5] = runs[s, k]; t[6] = errs[s, k]; t[7] = f(med("rps", s, k), 0)
            t[8] = f(med("p50", s, k), 3); t[9] = f(med("p99", s, k), 3); t[10] = f(med("cpu", s, k), 2)
            t[11] = f(med("rss", s, k), 1); t[12] = f(med("cpr", s, k), 4); t[13] = f(med("other", s, k), 1)
            t[14] = f(vn[s, k], 3); t[15] = f(vnm[s, k], 3); t[16] = bj[k]
            t[17] = f(vb[s, k], 3); t[18] = f(vbm[s, k], 3); t[19] = f(med("rpc", s, k), 2)
            row(t, 19)
          }
        }
        exit 0
      }
      if (settings != "") { print (fmt == "markdown" ? "Settings: " : "") settings; print "" }
      para("Medians over rounds. CPU: user+system time of the server'"'"'s whole process tree (nginx: master and workers) during the measured run, per request. RSS: summed over the tree after the run. Conns/req: TCP connections accepted machine-wide during the run, per request (about 0 on keep-alive, 1 when connecting per request). ÷ nginx, ÷ best Java: CPU per request relative to nginx and to the best Java peer (the leanest Java server other than Hourglass, by median), as the median over rounds of the same-round ratio, and as the ratio of the medians. Other CPU: what everything but the server and wrk used meanwhile, in % of all CPUs (noise, not subtracted).",
           "medians over rounds; CPU = user+system time of the server'"'"'s process tree during the measured run, per request;\nRSS summed over the tree; conn/req = TCP connections accepted (machine-wide) per request;\n/nginx, /bestJ = CPU/req ratio to nginx and to the best Java peer (leanest Java server but hourglass):\nmedian of the same-round ratios, and (med) the ratio of the medians;\nother% = CPU used by anything but the server and wrk meanwhile, in % of all CPUs (noise indicator)")
      for (mi = 1; mi <= nm; mi++) {
        m = order_m[mi]
        print ""
        print (fmt == "markdown" ? "**" (m in title ? title[m] : m) "**" : "== " (m in title ? title[m] : m))
        print ""
        h[1] = "server"; h[2] = "conns"; h[3] = "req/s"; h[4] = "p50 ms"; h[5] = "p99 ms"
        h[6] = "CPU µs/req"; h[7] = "RSS MB"; h[8] = "conns/req"; h[9] = "runs"; h[10] = "errors"
        h[11] = "other CPU %"; h[12] = "CPU ÷ nginx"; h[13] = "÷ nginx, of medians"
        h[14] = "CPU ÷ best Java"; h[15] = "÷ best Java, of medians"
        if (fmt != "markdown") {
          h[6] = "CPU us/req"; h[8] = "conn/req"; h[11] = "other%"; h[12] = "/nginx"; h[13] = "(med)"
          h[14] = "/bestJ"; h[15] = "(med)"
        }
        if (m == "many") h[8] = "KiB/conn"
        row(h, 15); rule(15)
        best = ""
        for (ki = 1; ki <= nk; ki++) {
          if (kmode[ki] != m) continue
          k = order_k[ki]
          best = best (best == "" ? "" : ", ") (bj[k] == "" ? "none" : bj[k]) " at " kconns[ki]
          for (si = 1; si <= ns; si++) {
            s = order_s[si]; if (!((s, k) in runs)) continue
            q[1] = s; q[2] = kconns[ki]; q[3] = f(med("rps", s, k), 0)
            q[4] = f(med("p50", s, k), 2); q[5] = f(med("p99", s, k), 2)
            q[6] = f(med("cpu", s, k), 1); q[7] = f(med("rss", s, k), 0)
            q[8] = (m == "many") ? f(med("rpc", s, k), 1) : f(med("cpr", s, k), 3)
            q[9] = runs[s, k]; q[10] = errs[s, k]
            o = med("other", s, k); q[11] = f(o, 1); if (o > 25) noisy = 1
            q[12] = f(vn[s, k], 2); q[13] = f(vnm[s, k], 2); q[14] = f(vb[s, k], 2); q[15] = f(vbm[s, k], 2)
            row(q, 15)
            cpr = med("cpr", s, k)
            if (cpr != "" && m == "close" && cpr < 0.5)
              connwarn = warn[++nw] = sprintf("%s, close, %s conns: %.3f new connections per request: it kept connections open despite \"Connection: close\"", s, kconns[ki], cpr)
            if (cpr != "" && m == "keepalive" && cpr > 0.1)
              connwarn = warn[++nw] = sprintf("%s, keepalive, %s conns: %.3f new connections per request: it closed keep-alive connections", s, kconns[ki], cpr)
            if (errs[s, k] > 0)
              warn[++nw] = sprintf("%s, %s, %s conns: %d " (m == "many" ? "load generator" : "wrk") " errors (socket errors or non-2xx; see its .wrk.txt files)", s, m, kconns[ki], errs[s, k])
          }
        }
        print ""
        print (fmt == "markdown" ? "Best Java peer: " : "best Java peer: ") best
      }
      if (noisy) {
        print ""
        print "WARNING: other work took over 25 % of the CPUs in a typical round of some rows: their figures are"
        print "unreliable (a JVM whose JIT is starved looks far worse); rerun those with --quiet on a calmer machine."
      }
      for (i = 1; i <= nw; i++) { print ""; print "WARNING: " warn[i] }
      if (connwarn != "") print "(connections are counted machine-wide: other work opening connections adds to them)"
      for (ki = 1; ki <= nk; ki++) {
        k = order_k[ki]
        print ""
        print (fmt == "markdown" ? "CPU per request (ratio of medians), row ÷ column, " kmode[ki] ", " kconns[ki] " connections:" \
                                  : "CPU/req ratio of medians, row / column, " kmode[ki] ", " kconns[ki] " conns:")
        print ""
        mm[1] = (fmt == "markdown") ? "" : "server"; n = 1
        for (sj = 1; sj <= ns; sj++) if ((order_s[sj], k) in runs) mm[++n] = order_s[sj]
        row(mm, n); rule(n)
        for (si = 1; si <= ns; si++) {
          s = order_s[si]; if (!((s, k) in runs)) continue
          q[1] = s; n = 1
          for (sj = 1; sj <= ns; sj++) {
            t2 = order_s[sj]; if (!((t2, k) in runs)) continue
            q[++n] = f(qratio(med("cpu", s, k), med("cpu", t2, k)), 2)
          }
          row(q, n)
        }
      }
    }' "$dir/results.tsv"
}

# write_summaries DIR: summary.txt, summary.md and summary.tsv in DIR
write_summaries() {
  summarize "$1" text >"$1/summary.txt"
  summarize "$1" markdown >"$1/summary.md"
  summarize "$1" tsv >"$1/summary.tsv"
}

if [ -n "$summarize_dir" ]; then
  summarize "$summarize_dir" "$([ "$tsv" = 1 ] && echo tsv || { [ "$markdown" = 1 ] && echo markdown; } || echo text)"
  exit 0
fi

# ---- tools -----------------------------------------------------------------------------------

apt_install wrk wrk
apt_install curl curl
apt_install ss iproute2
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message

clk_tck=$(getconf CLK_TCK)
is_posint "$clk_tck" || die "getconf CLK_TCK gave '$clk_tck'"

# server_comm NAME: the process name its pid must have once started (the JVM for Java servers; for
# nginx its master, whose workers are its children)
server_comm() { case "$1" in go) echo go-hello ;; nginx) echo nginx ;; *) echo java ;; esac; }
declare -A server_version=()

# ---- servers: prepare_NAME builds and checks; start_NAME OUT ERR starts it in the background,
# ---- listening on $server_addr with port 0, and sets server_pid and server_cmd (and server_port when
# ---- it knows the port itself: nginx, which cannot listen on port 0)

go_bin="$build/go/go-hello"
jdkhttp_dir="$build/jdkhttp"

# Java peers built by Maven from bench/peers/NAME/pom.xml into bench/build/NAME-peer/NAME-hello.jar
# (Jetty's shaded, the others with their dependencies in libs/ beside the jar, named by its manifest)
peer_jar() { echo "$build/$1-peer/$1-hello.jar"; }

# prepare_maven_peer NAME TITLE: builds the peer when its sources are newer than its jar; sets its version
prepare_maven_peer() {
  local name="$1" title="$2" src="$bench/peers/$1" jar log
  jar=$(peer_jar "$name")
  if newer_than "$jar" "$src/pom.xml" "$src/src"; then
    say "building the $title peer (Maven; the first time downloads its dependencies)..."
    log="$build/$name-build.log"; mkdir -p "$build"
    if ! "$root/mvnw" -q -B -ntp -f "$src/pom.xml" clean package >"$log" 2>&1; then
      cat "$log" >&2; die "building the $title peer failed (output above, also in $log)"
    fi
    [ -f "$jar" ] || die "the $title build passed but made no $jar"
  fi
  server_version[$name]=$("$JAVA_HOME/bin/java" -jar "$jar" --version 2>/dev/null) || die "the $title peer does not run"
}
# start_java_peer NAME OUT ERR
start_java_peer() {
  local jar; jar=$(peer_jar "$1")
  server_cmd="$JAVA_HOME/bin/java${jvm_opts:+ $jvm_opts} -jar $jar 0 $server_addr${static_arg:+ $static_arg}"
  "$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -jar "$jar" 0 "$server_addr" ${static_arg:+"$static_arg"} >"$2" 2>"$3" &
  server_pid=$!
}

prepare_jetty() { prepare_maven_peer jetty "Jetty"; }
start_jetty() { start_java_peer jetty "$@"; }
prepare_netty() { prepare_maven_peer netty "Netty"; }
start_netty() { start_java_peer netty "$@"; }
prepare_helidon() { prepare_maven_peer helidon "Helidon"; }
start_helidon() { start_java_peer helidon "$@"; }
prepare_undertow() { prepare_maven_peer undertow "Undertow"; }
start_undertow() { start_java_peer undertow "$@"; }
prepare_vertx() { prepare_maven_peer vertx "Vert.x"; }
start_vertx() { start_java_peer vertx "$@"; }

# The I/O-core prototypes (bench/peers/proto): one set of classes, the core chosen by the first argument.
# javac needs JDK 22+ (the FFM API of proto-epoll is final there).
proto_dir="$build/proto"
prepare_proto() {
  build_proto
  server_version[proto-$1]=$("$JAVA_HOME/bin/java" "${proto_flags[@]}" -cp "$proto_dir" ProtoMain "$1" --version) \
    || die "the proto-$1 prototype does not run"
}
start_proto() {
  local core="$1"; shift
  server_cmd="$JAVA_HOME/bin/java${jvm_opts:+ $jvm_opts} ${proto_flags[*]} -cp $proto_dir ProtoMain $core 0 $server_addr"
  "$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} "${proto_flags[@]}" -cp "$proto_dir" ProtoMain "$core" 0 "$server_addr" >"$1" 2>"$2" &
  server_pid=$!
}
prepare_proto-vt() { prepare_proto vt; }
start_proto-vt() { start_proto vt "$@"; }
prepare_proto-sel() { prepare_proto sel; }
start_proto-sel() { start_proto sel "$@"; }
prepare_proto-sel0() { prepare_proto sel0; }
start_proto-sel0() { start_proto sel0 "$@"; }
prepare_proto-epoll() { prepare_proto epoll; }
start_proto-epoll() { start_proto epoll "$@"; }
prepare_proto-epollv() { prepare_proto epollv; }
start_proto-epollv() { start_proto epollv "$@"; }

prepare_jdkhttp() {
  local src="$bench/peers/jdkhttp" log
  if newer_than "$jdkhttp_dir/JdkHello.class" "$src" "$JAVA_HOME/release"; then
    say "building the JDK HttpServer peer..."
    log="$build/jdkhttp-build.log"; rm -rf "$jdkhttp_dir"; mkdir -p "$jdkhttp_dir"
    "$JAVA_HOME/bin/javac" -d "$jdkhttp_dir" "$src/JdkHello.java" >"$log" 2>&1 \
      || { cat "$log" >&2; die "building bench/peers/jdkhttp failed (output above, also in $log)"; }
  fi
  server_version[jdkhttp]=$("$JAVA_HOME/bin/java" -cp "$jdkhttp_dir" JdkHello --version) || die "the JDK HttpServer peer does not run"
}
start_jdkhttp() {
  server_cmd="$JAVA_HOME/bin/java${jvm_opts:+ $jvm_opts} -cp $jdkhttp_dir JdkHello 0 $server_addr"
  "$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -cp "$jdkhttp_dir" JdkHello 0 "$server_addr" >"$1" 2>"$2" &
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
  server_cmd="$go_bin 0 $server_addr${static_arg:+ $static_arg}"
  "$go_bin" 0 "$server_addr" ${static_arg:+"$static_arg"} >"$1" 2>"$2" &
  server_pid=$!
}

prepare_nginx() {
  PATH="$PATH:/usr/sbin:/sbin"   # nginx lives in /usr/sbin
  apt_install nginx nginx
  server_version[nginx]="$(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto ($(nproc) workers)"
}
# start_nginx OUT ERR: bench/peers/nginx/server.conf with $server_addr and a free port (nginx cannot take port 0),
# prefix, pid file and logs in $out/nginx; runs in the foreground (daemon off) as this shell's child.
# Retries another port when the one it picked was taken meanwhile; sets server_port.
start_nginx() {
  local dir="$out/nginx" try port i resp="" lo
  mkdir -p "$dir/logs" "$dir/tmp"
  # below the ephemeral range, where wrk's own sockets (and their TIME_WAITs) never are
  read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
  [ "$lo" -gt 11024 ] || lo=32768
  for ((try = 0; try < 10; try++)); do
    port=$(( lo - 10000 + RANDOM % 10000 ))
    [ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ] || continue
    sed "s/@ADDR@/$server_addr/; s/@PORT@/$port/; s|@STATIC@|$static_root|" "$bench/peers/nginx/server.conf" >"$dir/nginx.conf"
    server_cmd="nginx -p $dir -c $dir/nginx.conf -e $dir/logs/error.log   (listen $server_addr:$port)"
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$1" 2>"$2" &
    server_pid=$!
    for ((i = 0; i < 100; i++)); do
      kill -0 "$server_pid" 2>/dev/null || break
      resp=$(curl -s --max-time 2 -w '\n%{http_code}' "http://$server_addr:$port/hello" || true)
      if [ "$resp" = $'hello\n\n200' ]; then server_port=$port; return 0; fi
      sleep 0.1
    done
    kill -0 "$server_pid" 2>/dev/null && return 0   # running but not answering: start_server says so
    reap_server
    grep -q 'Address already in use' "$2" "$dir/logs/error.log" 2>/dev/null && continue
    tail -n 20 "$2" >&2 || true; die "nginx did not start, $exit_reason (its stderr is above; see $dir)"
  done
  die "found no free loopback port for nginx in 10 tries"
}

prepare_hourglass() {
  # The launcher builds the CLI when it is missing or stale; do that now, not while timing.
  server_version[hourglass]=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" --version) \
    || die "'$root/hourglass --version' failed (output above)"
  # (picocli answers '--help' even after an unknown subcommand, so look for serve's own --listen)
  local help
  help=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" serve --help 2>&1 || true)
  if [[ "$help" != *--listen* ]]; then
    die "'hourglass serve' is not available in this build (${server_version[hourglass]}); leave it out with --servers"
  fi
}
# the same limits as the Go peer (and the others' idle timeouts); hourglass's defaults differ
hourglass_flags=(--read-header-timeout 10s --write-timeout 30s --idle-timeout 60s)
start_hourglass() {
  # ./hourglass execs java, so $! is the JVM's pid
  local dir_args=()
  [ -z "$static_arg" ] || dir_args=(--dir "$static_arg")
  server_cmd="HOURGLASS_JAVA_OPTS='$jvm_opts' $root/hourglass serve --listen $server_addr:0 ${hourglass_flags[*]}${static_arg:+ --dir $static_arg}"
  HOURGLASS_JAVA_OPTS="$jvm_opts" "$root/hourglass" serve --listen "$server_addr:0" "${hourglass_flags[@]}" \
    ${dir_args[@]+"${dir_args[@]}"} >"$1" 2>"$2" &
  server_pid=$!
}

# ---- process helpers -------------------------------------------------------------------------

server_pid=""
server_port=""
server_addr=127.0.0.1   # a fresh one per measured run (free_loopback)
static_arg=""           # mode static: the directory the server is started with (it holds static/1m.bin)
static_root=""          # the same, for nginx's config (set once the run directory exists)

# stop_server: SIGTERM to the server (for nginx its master, which stops its workers), SIGKILL after 10 s;
# then SIGKILL to any of its descendants still running under the same name (only after a SIGKILL)
stop_server() {
  local pid="$server_pid" i p kids=() killed=0
  [ -n "$pid" ] || return 0
  server_pid=""
  if kill -0 "$pid" 2>/dev/null; then
    for p in $(tree_pids "$pid" 2>/dev/null | tail -n +2); do kids+=("$p:$(cat "/proc/$p/comm" 2>/dev/null)"); done
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "server pid $pid ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
    fi
  fi
  wait "$pid" 2>/dev/null || true
  if [ "$killed" = 1 ]; then
    for p in ${kids[@]+"${kids[@]}"}; do
      if [ "$(cat "/proc/${p%%:*}/comm" 2>/dev/null)" = "${p#*:}" ]; then kill -KILL "${p%%:*}" 2>/dev/null || true; fi
    done
  fi
}

# run_wrk OUT LIMIT ARGS...: wrk ARGS >OUT, killed after LIMIT seconds. It runs as a background job
# that this shell waits for, so that a signal to the script is handled at once, not after wrk ends.
# run_timed OUT LIMIT COMMAND ARGS...: the same for any command (mode many's load generator).
wrk_pid=""
run_wrk() { local out="$1" limit="$2"; shift 2; run_timed "$out" "$limit" wrk "$@"; }
run_timed() {
  local out="$1" limit="$2" rc=0; shift 2
  timeout -k 5 "$limit" "$@" >"$out" 2>&1 &
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

# children_ms FILE: user+system milliseconds of this shell's waited-for children so far, from bash's
# 'times'; it must run in this shell, not in a $(...) subshell, whose counters start at zero
children_ms() {
  times >"$1"
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60000 + a[2] * 1000 }; printf "%d", t }' "$1"
}

# start_server NAME OUT ERR: starts it on $server_addr, waits for its 'listening on' line (unless
# start_NAME set the port) and a correct /hello answer, and checks that its pid is the process to measure
start_server() {
  local name="$1" sout="$2" serr="$3" line="" i resp comm expected
  server_port=""
  "start_$name" "$sout" "$serr"
  if [ -z "$server_port" ]; then
    for ((i = 0; i < 600; i++)); do   # up to 60 s: a cold JVM on a busy 2-core machine is slow
      line=$(grep -m1 -o 'listening on http://[^ ]*' "$sout" 2>/dev/null || true)
      [ -n "$line" ] && break
      if ! kill -0 "$server_pid" 2>/dev/null; then
        reap_server
        tail -n 20 "$serr" >&2 || true
        die "$name ended ($exit_reason) before it was listening (its stderr is above and in $serr)"
      fi
      sleep 0.1
    done
    [ -n "$line" ] || { tail -n 20 "$serr" >&2 || true; die "$name printed no 'listening on' line within 60 s (see $sout, $serr)"; }
    server_port=${line##*:}
    is_posint "$server_port" || die "$name printed '$line': no port in it"
    [ "${line%:*}" = "listening on http://$server_addr" ] \
      || die "$name printed '$line', expected 'listening on http://$server_addr:PORT' (see $sout)"
  fi
  expected=$(server_comm "$name")
  comm=$(<"/proc/$server_pid/comm")
  [ "$comm" = "$expected" ] || die "$name's pid $server_pid is '$comm', expected '$expected': CPU would be measured on the wrong process"
  for ((i = 0; i < 50; i++)); do
    resp=$(curl -s --max-time 2 -w '\n%{http_code}' "http://$server_addr:$server_port/hello" || true)
    [ "$resp" = $'hello\n\n200' ] && return 0
    sleep 0.1
  done
  die "$name on $server_addr:$server_port does not answer GET /hello with 200 'hello' (got: ${resp:-nothing})"
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

# ---- mode many: bench/peers/manyconns instead of wrk ---------------------------------------------

many_bin="$build/go/many-conns"
# prepare_many: builds the load generator and checks this shell's open files limit for the largest
# --many-conns (the server and the load generator, its children, each hold that many sockets)
prepare_many() {
  local max=0 c need hard lo hi
  go_build "$bench/peers/manyconns" "$many_bin" "the load generator of mode many (bench/peers/manyconns)"
  for c in "${many_conns_arr[@]}"; do [ "$c" -le "$max" ] || max=$c; done
  need=$(( max + 1024 ))
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
    hard=$(ulimit -Hn)
    if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
      die "mode many with $max connections needs $need open files per process, and the hard limit is $hard: \
raise it (as root: 'ulimit -Hn $need' in the shell that runs this, or a nofile line in /etc/security/limits.conf) \
or lower --many-conns"
    fi
    ulimit -n "$need" || die "could not raise the open files limit to $need (ulimit -n $need)"
  fi
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
  [ $(( hi - lo )) -gt $(( max + 1000 )) ] \
    || die "mode many with $max connections from 127.0.0.1 needs more local ports than $lo-$hi (sysctl net.ipv4.ip_local_port_range)"
  if [[ " ${server_arr[*]} " == *" hourglass "* ]] && [ "$max" -gt 10000 ]; then
    die "hourglass serve accepts at most 10000 connections at once (ServerConfig.maxConnections): --many-conns $max"
  fi
}

# measure_many C: one run of the load generator against the started server: C connections, $warmup s of
# load, $duration s measured; sets req secs rps p50 p99 errs cpu_s cpu_us rss procs new_conns wrk_s
# other_pct tw tw_addr rss_pc as the wrk modes do (wrk_s = the load generator's CPU), then stops the server
# softirq_ticks: the machine's softirq CPU ticks so far (/proc/stat). Without IRQ time accounting a tick that
# lands in a softirq is charged to whatever task it interrupted: loopback TCP work shifts between the server
# and wrk with scheduling, so a high share makes per-connection CPU depend on who happened to run.
softirq_ticks() { awk '$1 == "cpu" { print $8; exit }' /proc/stat; }
many_field() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }
measure_many() {
  local c="$1" f="$out/$tag.many.txt" busy all held
  read -r tw tw_addr <<<"$(time_waits "$server_addr")"
  o0=$(passive_opens)
  echo "# $tag measured: $many_bin -conns $c -rate $rate -warmup $warmup -duration $duration -pid $server_pid $server_addr:$server_port" >>"$out/commands.txt"
  run_timed "$f" $(( warmup + duration + c / 100 + 120 )) "$many_bin" -conns "$c" -rate "$rate" -warmup "$warmup" \
    -duration "$duration" -pid "$server_pid" -path "$url_path" "$server_addr:$server_port" \
    || die "the load generator against $s failed (see $f)"
  o1=$(passive_opens)
  kill -0 "$server_pid" 2>/dev/null || { reap_server; die "$s ended during the run, $exit_reason (see $out/$tag.server.err)"; }
  procs=$(tree_pids "$server_pid" | wc -l)
  stop_server
  held=$(many_field conns "$f")
  [ "$held" = "$c" ] || die "the load generator held ${held:-no} connections of $c against $s (see $f)"
  req=$(many_field requests "$f"); secs=$(many_field seconds "$f"); rps=$(many_field req_per_s "$f")
  p50=$(many_field p50_ms "$f"); p99=$(many_field p99_ms "$f"); errs=$(many_field errors "$f")
  cpu_s=$(many_field server_cpu_s "$f"); cpu_us=$(many_field cpu_us_per_req "$f")
  rss=$(many_field rss_kib "$f"); rss_pc=$(many_field rss_kib_per_conn "$f"); wrk_s=$(many_field loadgen_cpu_s "$f")
  busy=$(many_field machine_busy_ticks "$f"); all=$(many_field machine_total_ticks "$f")
  [ -n "$req" ] && [ "$req" -gt 0 ] && [ -n "$cpu_us" ] || die "the load generator made no measured requests against $s (see $f)"
  new_conns=$(( o1 - o0 - c ))   # beyond the C it opened on purpose: reconnects after the server closed one
  [ "$new_conns" -ge 0 ] || new_conns=0
  other_pct=$(awk -v m="$busy" -v all="$all" -v cs="$cpu_s" -v w="$wrk_s" -v hz="$clk_tck" \
    'BEGIN { o = m - (cs + w) * hz; if (o < 0 || all <= 0) o = 0; printf "%.1f", o * 100 / (all > 0 ? all : 1) }')
}

# ---- run -------------------------------------------------------------------------------------

prep_start=$SECONDS
for s in "${server_arr[@]}"; do "prepare_$s"; done
if [[ " ${mode_arr[*]} " == *" many "* ]]; then prepare_many; fi
say "servers built and checked in $(( SECONDS - prep_start ))s"
if [ "$build_only" = 1 ]; then
  for s in "${server_arr[@]}"; do echo "$s: ${server_version[$s]}"; done
  exit 0
fi

# Every measured run gets its own loopback address 127.0.0.N, one that no socket on the machine uses yet: in
# mode close the server closes first, so every connection leaves a TIME_WAIT on the server's address for
# 60 s, and later runs on an address with tens of thousands of them connect far slower (docs/BENCHMARKS.md).
ip -4 route get 127.0.0.2 2>/dev/null | grep -q '^local 127\.0\.0\.2 dev lo' \
  || die "127.0.0.2 is not a local loopback address here (see 'ip route get 127.0.0.2'); the runs need 127.0.0.2-254"
addr_next=$(( 2 + RANDOM % 253 ))   # where free_loopback starts looking: random, to spread concurrent runs

new_out_dir "$([ "${mode_arr[*]}" = many ] && echo -many)"   # sets $out

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
  echo "rounds=$rounds duration=${duration}s warmup=${warmup}s wrk_threads=$threads conns=\"${conns_arr[*]}\" close_conns=\"${close_conns_arr[*]}\" static_conns=\"${static_conns_arr[*]}\" many_conns=\"${many_conns_arr[*]}\" rate=$rate modes=\"${mode_arr[*]}\""
  echo "servers=\"${server_arr[*]}\" jvm_opts=\"${jvm_opts}\" quiet=${quiet:-off} cpus=$(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) (wrk on the same machine)"
} >"$out/settings.txt"
printf 'round\tmode\tconns\tserver\tposition\trequests\tseconds\treq_per_s\tp50_ms\tp99_ms\terrors\tcpu_s\tcpu_us_per_req\trss_kb\tprocs\tnew_conns\twrk_cpu_s\tother_cpu_pct\taddr\ttime_wait\ttime_wait_addr\trss_kib_per_conn\tsoftirq_pct\n' \
  >"$out/results.tsv"
: >"$out/commands.txt"

# mode_conns MODE: the connection counts of that mode, one per line
mode_conns() {
  case "$1" in
    close) printf '%s\n' "${close_conns_arr[@]}" ;;
    static) printf '%s\n' "${static_conns_arr[@]}" ;;
    many) printf '%s\n' "${many_conns_arr[@]}" ;;
    *) printf '%s\n' "${conns_arr[@]}" ;;
  esac
}
# serves_mode SERVER MODE: whether the server takes part in that mode (only some serve static files)
serves_mode() { [ "$2" != static ] || [[ " $static_servers " == *" $1 "* ]]; }

# The static file: 1 MiB of random bytes (incompressible, not that any server here compresses by default)
static_root="$out/static-root"
if [[ " ${mode_arr[*]} " == *" static "* ]]; then
  mkdir -p "$static_root/static"
  head -c 1048576 /dev/urandom >"$static_root/static/1m.bin"
fi

n=${#server_arr[@]}
per_run=$(( warmup + duration + 2 ))   # start-up, checks and stop take about 1-3 s
n_runs=0 n_server_runs=0
for mode in "${mode_arr[@]}"; do
  k=$(mode_conns "$mode" | wc -l); n_runs=$(( n_runs + k ))
  for s in "${server_arr[@]}"; do if serves_mode "$s" "$mode"; then n_server_runs=$(( n_server_runs + k )); fi; done
done
total=$(( rounds * n_server_runs * per_run ))
say "results in $out"
say "$rounds round(s) x $n_runs mode and conn count pair(s) x $n server(s), ${duration}s each after ${warmup}s warm-up: about $(( (total + 59) / 60 )) min"

for ((r = 0; r < rounds; r++)); do
  for mode in "${mode_arr[@]}"; do
    hdr=(); hdr_txt=""
    if [ "$mode" = close ]; then hdr=(-H "Connection: close"); hdr_txt=" -H 'Connection: close'"; fi
    url_path=/hello static_arg=""
    if [ "$mode" = static ]; then url_path=/static/1m.bin static_arg=$static_root; fi
    for c in $(mode_conns "$mode"); do
      for ((i = 0; i < n; i++)); do
        s=${server_arr[$(( (i + r) % n ))]}
        serves_mode "$s" "$mode" || continue
        tag="r$((r + 1))-$mode-c$c-$s"
        wait_quiet
        a=$(free_loopback "$addr_next") || die "every address of 127.0.0.2-254 has sockets on it (ss -tan)"
        server_addr="127.0.0.$a"; addr_next=$(( a + 1 ))
        start_server "$s" "$out/$tag.server.out" "$out/$tag.server.err"
        url="http://$server_addr:$server_port$url_path"
        if [ "$mode" = static ]; then
          got=$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' "$url" || true)
          [ "$got" = "200 1048576" ] || die "$s does not serve $url whole (got: ${got:-nothing}; expected 200 1048576)"
        fi
        echo "# $tag server: $server_cmd" >>"$out/commands.txt"
        rss_pc="" softirq_pct=""
        if [ "$mode" = many ]; then
          measure_many "$c"   # sets the figures the wrk modes get below
        else
          if [ "$warmup" -gt 0 ]; then
            echo "# $tag warm-up: wrk -t$threads -c$c -d${warmup}s$hdr_txt $url" >>"$out/commands.txt"
            run_wrk "$out/$tag.warmup.txt" $(( warmup + 30 )) -t"$threads" -c"$c" -d"${warmup}s" ${hdr[@]+"${hdr[@]}"} "$url" \
              || die "wrk warm-up against $s failed (see $out/$tag.warmup.txt)"
          fi
          kill -0 "$server_pid" 2>/dev/null || { reap_server; die "$s ended during warm-up, $exit_reason (see $out/$tag.server.err)"; }
          echo "# $tag measured: wrk -t$threads -c$c -d${duration}s --latency$hdr_txt $url" >>"$out/commands.txt"
          read -r tw tw_addr <<<"$(time_waits "$server_addr")"   # the warm-up's are among them
          t0=$(tree_ticks "$server_pid") || die "cannot read /proc/$server_pid/stat"
          o0=$(passive_opens)
          read -r m0 mt0 <<<"$(busy_total)"; q0=$(softirq_ticks); children_ms "$out/.times" >"$out/.w0"; w0=$(<"$out/.w0")
          run_wrk "$out/$tag.wrk.txt" $(( duration + 30 )) -t"$threads" -c"$c" -d"${duration}s" --latency ${hdr[@]+"${hdr[@]}"} "$url" \
            || die "wrk against $s failed (see $out/$tag.wrk.txt)"
          children_ms "$out/.times" >"$out/.w1"; w1=$(<"$out/.w1")
          t1=$(tree_ticks "$server_pid" 2>/dev/null) \
            || { reap_server; die "$s ended during the measured run, $exit_reason (see $out/$tag.server.err)"; }
          read -r m1 mt1 <<<"$(busy_total)"; q1=$(softirq_ticks)
          o1=$(passive_opens)
          rss=$(tree_rss_kb "$server_pid")
          procs=$(tree_pids "$server_pid" | wc -l)
          stop_server
          parsed=$(parse_wrk "$out/$tag.wrk.txt") || die "cannot parse wrk's output in $out/$tag.wrk.txt"
          IFS=$'\t' read -r req secs rps p50 p99 errs <<<"$parsed"
          [ "$req" -gt 0 ] || die "wrk made no requests against $s (see $out/$tag.wrk.txt)"
          cpu_s=$(awk -v t=$(( t1 - t0 )) -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')
          cpu_us=$(awk -v t=$(( t1 - t0 )) -v hz="$clk_tck" -v n="$req" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
          wrk_s=$(awk -v ms=$(( w1 - w0 )) 'BEGIN { printf "%.2f", ms / 1000 }')
          new_conns=$(( o1 - o0 ))
          # CPU the machine spent on anything but this server and wrk (other developers' builds, ...), as a
          # share of all CPUs over the run: a noise indicator, not a correction
          other_pct=$(awk -v m=$(( m1 - m0 )) -v all=$(( mt1 - mt0 )) -v t=$(( t1 - t0 )) -v hz="$clk_tck" -v w="$wrk_s" \
            'BEGIN { o = m - t - w * hz; if (o < 0 || all <= 0) o = 0; printf "%.1f", o * 100 / (all > 0 ? all : 1) }')
          softirq_pct=$(awk -v q=$(( q1 - q0 )) -v all=$(( mt1 - mt0 )) 'BEGIN { printf "%.1f", (all > 0 ? q * 100 / all : 0) }')
        fi
        printf '%d\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $((r + 1)) "$mode" "$c" "$s" $((i + 1)) \
          "$req" "$secs" "$rps" "$p50" "$p99" "$errs" "$cpu_s" "$cpu_us" "$rss" "$procs" "$new_conns" "$wrk_s" "$other_pct" \
          "$server_addr" "$tw" "$tw_addr" "$rss_pc" "$softirq_pct" >>"$out/results.tsv"
        say "$(printf 'round %d/%d  %-9s c=%-4s %-9s %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  CPU %6.1f us/req  RSS %4d MB  conn/req %5.3f  other %4.1f%%  %s TIME_WAIT %d%s' \
          $((r + 1)) "$rounds" "$mode" "$c" "$s" "$rps" "$p50" "$p99" "$cpu_us" $(( rss / 1024 )) \
          "$(awk -v a="$new_conns" -v b="$req" 'BEGIN { printf "%.3f", a / b }')" "$other_pct" "$server_addr" "$tw" \
          "$([ "$errs" -gt 0 ] && echo "  ($errs errors)")${rss_pc:+  RSS/conn $rss_pc KiB}${softirq_pct:+  softirq $softirq_pct%}")"
      done
    done
  done
done

rm -f "$out/.times" "$out/.w0" "$out/.w1"
write_summaries "$out"
echo
if [ "$markdown" = 1 ]; then cat "$out/summary.md"; elif [ "$tsv" = 1 ]; then cat "$out/summary.tsv"; else cat "$out/summary.txt"; fi
echo
echo "raw output, versions and commands: $out (summary.txt, summary.md, summary.tsv)"
exit 0
}
