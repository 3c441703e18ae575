#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called by name ("cmd_$name") look unreachable to it
# Side-by-side client benchmark: Hourglass's client, the JDK's HttpClient, OkHttp, Apache HttpClient 5,
# Jetty's HttpClient and Go's net/http client, each in a closed loop of N GETs with C callers against the
# same nginx /hello, interleaved round by round, with the client's CPU time per request as the main figure.
# See docs/BENCHMARKS.md ("Client: closed loop against nginx") for the method and how to read the numbers;
# --help for the options.
set -euo pipefail
# The whole script is one { ...; exit; } block, so bash reads all of it before running any: editing or
# checking out the file during a run cannot change what that run does.
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=client-compare
. "$bench/lib.sh"   # die, say, need_arg, is_posint, apt_install, newer_than, cpu_ticks, busy_total, wait_quiet

usage() {
  cat <<EOF
usage: bench/$prog.sh [options]

Starts nginx (bench/peers/nginx, one worker) on a free loopback port, then runs each client as a fresh
process doing a closed loop of GET http://127.0.0.1:PORT/hello: C callers back to back over keep-alive,
each body read fully, until N calls are done. Clients run one at a time, in an order rotated every round.
Two modes per client and concurrency:

  cold   no warm-up: the whole process's CPU time (start-up, JIT, N calls, exit) per call; how
         'hourglass load' is measured, and every peer the same way for comparison
  warm   W warm-up calls first, then the process's own CPU time over the N measured calls only (read
         inside the process); the Hourglass library through bench/peers/hgclient, and every peer

plus one start-up run per client and round (N=1, C=1, cold). Results go to bench/out/<timestamp>-client/,
with the medians in summary.txt, summary.md and summary.tsv (one row per phase, client and concurrency).
Clients: hourglass (the CLI's 'load'), hourglass-lib (bench/peers/hgclient), jdk (bench/peers/jdkclient),
okhttp, apache, jettyclient (bench/peers/javaclients, built with Maven), go (bench/peers/goclient).
The summary gives every client's CPU per call over Go's and req/s over Apache HttpClient's.

  --protocol P       h1 (default): HTTP/1.1 in clear text; h2: HTTP/2 over TLS by ALPN (nginx with
                     bench/peers/nginx/nginx-h2.conf and a self-signed certificate each client trusts through
                     BENCH_H2_CA; 'hourglass load --http2 --ca-file'); apache has no HTTP/2 in its classic
                     client and is left out; the req/s ratios are then to OkHttp's
  --quick            smoke test: 1 round, N=$quick_n, W=$quick_warmup
  --rounds R         rounds (default $def_rounds)
  -n "N ..."         measured calls: one number for every concurrency, or one per --conc entry
                     (default: $def_n_per_caller x min(C, $def_n_callers) for each C: $def_n_per_caller at 1, $(( def_n_per_caller * def_n_callers )) at 64)
  --conc "C ..."     concurrent callers (default "$def_conc")
  --warmup W         warm-up calls before the measured ones in warm mode (default $def_warmup)
  --clients "X ..."  clients, from: $known_clients
                     (default all but proto-epoll, the I/O-core prototype of bench/peers/proto: HTTP/1.1 only)
  --modes "M ..."    modes, from: cold warm (default both); hourglass runs cold only, hourglass-lib warm only
  --jvm-opts "OPTS"  JVM flags given to every Java client alike (default: none); -Dbench.threads=virtual
                     (or platform) sets the callers of okhttp, apache and jettyclient (default: platform)
  --quiet PCT        before each client run, wait (up to ${quiet_limit}s) until the machine's other load is
                     below PCT % of all CPUs; for shared machines (default: don't wait)
  --markdown         print the summary as Markdown (it is always saved as summary.md too)
  --tsv              print the summary as TSV (it is always saved as summary.tsv too)
  --build-only       build (when stale) and check the selected clients, then exit
  --summarize DIR    print the summary of an earlier run's directory and exit
  -h, --help         this text
EOF
}


# ---- options ---------------------------------------------------------------------------------

known_clients="hourglass hourglass-lib jdk okhttp apache jettyclient go proto-epoll"
def_clients="hourglass hourglass-lib jdk okhttp apache jettyclient go"
# default N for C callers: def_n_per_caller x min(C, def_n_callers), so 20 000 calls at 1 caller and
# 200 000 from 10 callers on (the issue's "200k GETs at concurrency 64")
def_rounds=3 def_n_per_caller=20000 def_n_callers=10 def_conc="1 64" def_warmup=20000
quick_n=500 quick_warmup=200 quiet_limit=120
# options not given stay unset (an empty value given on purpose is an error below)
unset rounds n_list conc_list warmup clients modes
jvm_opts="" markdown=0 tsv=0 quick=0 protocol=h1
summarize_dir="" quiet="" build_only=0


while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --protocol) need_arg "$@"; protocol="$2"; shift 2 ;;
    --rounds) need_arg "$@"; rounds="$2"; shift 2 ;;
    -n) need_arg "$@"; n_list="$2"; shift 2 ;;
    --conc) need_arg "$@"; conc_list="$2"; shift 2 ;;
    --warmup) need_arg "$@"; warmup="$2"; shift 2 ;;
    --clients) need_arg "$@"; clients="$2"; shift 2 ;;
    --modes) need_arg "$@"; modes="$2"; shift 2 ;;
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

[[ "$protocol" == h1 || "$protocol" == h2 ]] || die "--protocol takes h1 or h2, got '$protocol'"
if [ "$protocol" = h2 ] && [ -z "${clients+set}" ]; then
  clients="${def_clients/ apache/}"   # Apache HttpClient's classic (blocking) client speaks HTTP/1.1 only
fi
if [ "$quick" = 1 ]; then
  : "${rounds=1}" "${n_list=$quick_n}" "${warmup=$quick_warmup}"
fi
: "${rounds=$def_rounds}" "${conc_list=$def_conc}" "${warmup=$def_warmup}"
: "${clients=$def_clients}" "${modes=cold warm}"
[ "$markdown" = 0 ] || [ "$tsv" = 0 ] || die "--markdown and --tsv exclude each other"

is_posint "$rounds" || die "--rounds must be a positive integer, got '$rounds'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup must be a number of calls (0 for none), got '$warmup'"
[ -z "$quiet" ] || { is_posint "$quiet" && [ "$quiet" -le 100 ]; } || die "--quiet takes a percentage 1-100, got '$quiet'"
read -r -a conc_arr <<<"$conc_list"
[ "${#conc_arr[@]}" -gt 0 ] || die "--conc is empty"
for c in "${conc_arr[@]}"; do
  if ! is_posint "$c" || [ "$c" -gt 10000 ]; then die "--conc takes integers 1-10000, got '$c'"; fi
done
if [ -z "${n_list+set}" ]; then
  n_list=""
  for c in "${conc_arr[@]}"; do n_list+=" $(( def_n_per_caller * (c < def_n_callers ? c : def_n_callers) ))"; done
fi
read -r -a n_arr <<<"$n_list"
[ "${#n_arr[@]}" -gt 0 ] || die "-n is empty"
for v in "${n_arr[@]}"; do is_posint "$v" || die "-n takes positive integers, got '$v'"; done
if [ "${#n_arr[@]}" -eq 1 ]; then
  for ((i = 1; i < ${#conc_arr[@]}; i++)); do n_arr[i]=${n_arr[0]}; done
elif [ "${#n_arr[@]}" -ne "${#conc_arr[@]}" ]; then
  die "-n has ${#n_arr[@]} numbers for ${#conc_arr[@]} --conc entries: give one, or one per entry"
fi
read -r -a client_arr <<<"$clients"
check_names --clients client "$known_clients" ${client_arr[@]+"${client_arr[@]}"}
read -r -a mode_arr <<<"$modes"
[ "${#mode_arr[@]}" -gt 0 ] || die "--modes is empty"
for m in "${mode_arr[@]}"; do [[ "$m" == cold || "$m" == warm ]] || die "unknown mode '$m'; known: cold warm"; done
read -r -a jvm_arr <<<"$jvm_opts"

# client_modes NAME: the modes a client runs in
client_modes() { case "$1" in hourglass) echo cold ;; hourglass-lib) echo warm ;; *) echo cold warm ;; esac; }

# ---- summary (also used by --summarize) ------------------------------------------------------

# summarize DIR FORMAT: medians over rounds from DIR/results.tsv, then ratios to Go's client (CPU per call)
# and to Apache HttpClient's (req/s). FORMAT: text, markdown, or tsv (summary.tsv: one row per phase,
# client and concurrency, with the medians and ratios; empty fields where a figure does not apply).
summarize() {
  local dir="$1" format="$2" settings="" rps_base=apache
  [ -f "$dir/results.tsv" ] || die "no results.tsv in $dir"
  [ -f "$dir/settings.txt" ] && settings=$(tr '\n' ' ' <"$dir/settings.txt")
  [[ "$settings" == *protocol=h2* ]] && rps_base=okhttp   # no Apache HttpClient over HTTP/2
  awk -F'\t' -v fmt="$format" -v settings="$settings" -v known="$known_clients" -v cpu_base=go -v rps_base="$rps_base" '
    function median(key,   n, i, j, v, a) {
      n = cnt[key]
      if (n == 0) return ""
      for (i = 1; i <= n; i++) a[i] = vals[key, i]
      for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
      if (n % 2) return a[(n + 1) / 2]
      return (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function push(key, v) { cnt[key]++; vals[key, cnt[key]] = v }
    # add FIELD K ROUND V: one value of a run; K is "phase SUBSEP client SUBSEP conc"
    function add(field, k, r, v) { if (v == "" || v == "-") return; push(field SUBSEP k, v); byr[field, k, r] = v }
    function med(field, k) { return median(field SUBSEP k) }
    # rstat FIELD K KB: the ratios FIELD(K) / FIELD(KB) of the rounds that have both; sets r_med, r_min,
    # r_max (all "" when no round has both) and r_of_med, the ratio of the two medians
    function rstat(field, k, kb,   i, rr, v, key, b) {
      r_med = r_min = r_max = r_of_med = ""; key = "ratio" SUBSEP field SUBSEP k SUBSEP kb; cnt[key] = 0
      for (i = 1; i <= nr; i++) {
        rr = round_list[i]
        if (!((field, k, rr) in byr) || !((field, kb, rr) in byr)) continue
        b = byr[field, kb, rr]; if (b <= 0) continue
        v = byr[field, k, rr] / b; push(key, v)
        if (r_min == "" || v < r_min) r_min = v
        if (r_max == "" || v > r_max) r_max = v
      }
      r_med = median(key)
      b = med(field, kb); v = med(field, k)
      if (v != "" && b != "" && b > 0) r_of_med = v / b
    }
    function f(fm, v) { return (v == "") ? "-" : sprintf(fm, v) }
    function fr(v) { return (v == "") ? "-" : sprintf(v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v) }   # a ratio, 3 digits
    function range(lo, hi) { return (lo == "") ? "-" : fr(lo) "-" fr(hi) }
    function t(fm, v) { return (v == "") ? "" : sprintf(fm, v) }
    function row(cells, n,   i, line) {
      if (fmt == "markdown") { line = "|"; for (i = 1; i <= n; i++) line = line " " cells[i] " |"; print line }
      else { line = sprintf("%-14s", cells[1]); for (i = 2; i <= n; i++) line = line sprintf(" %12s", cells[i]); print line }
    }
    function rule(n,   i, line) {
      if (fmt != "markdown") return
      line = "|---|"; for (i = 2; i <= n; i++) line = line "---:|"; print line
    }
    function para(md, txt) { print (fmt == "markdown") ? md : txt }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      s = $col["client"]; m = $col["mode"]; c = $col["conc"]; rd = $col["round"]
      if (!(rd in seen_r)) { seen_r[rd] = 1; round_list[++nr] = rd }
      if (!(s in seen_s)) { seen_s[s] = 1; appear[++na] = s }
      k = m SUBSEP s SUBSEP c
      if (m == "startup") {
        add("cpu", k, rd, $col["proc_cpu_s"] * 1e6); add("proc_s", k, rd, $col["proc_cpu_s"]); add("wall_s", k, rd, $col["proc_wall_s"])
        add("other", k, rd, $col["other_cpu_pct"]); fails[k] += $col["failed"]; runs[k]++; nn[k] = 1
        next
      }
      if (!(c in seen_c)) { seen_c[c] = 1; order_c[++nc] = c }
      nn[k] = $col["n"]; ww[k] = $col["warmup"]
      add("rps", k, rd, $col["req_per_s"]); add("in", k, rd, $col["cpu_in_us_per_req"]); add("proc", k, rd, $col["proc_us_per_req"])
      add("cpu", k, rd, (m == "warm") ? $col["cpu_in_us_per_req"] : $col["proc_us_per_req"])
      add("proc_s", k, rd, $col["proc_cpu_s"]); add("wall_s", k, rd, $col["proc_wall_s"]); add("ngx", k, rd, $col["nginx_us_per_req"])
      add("other", k, rd, $col["other_cpu_pct"])
      fails[k] += $col["failed"]; runs[k]++
    }
    # less_startup K: the cold run'"'"'s whole-process CPU per call less the client'"'"'s median start-up CPU
    function less_startup(k, s,   su) {
      su = med("proc_s", "startup" SUBSEP s SUBSEP 1)
      return (su == "" || med("proc_s", k) == "") ? "" : (med("proc_s", k) - su) * 1e6 / nn[k]
    }
    END {
      if (na == 0) { print "no results"; exit 1 }
      # clients in the order of --help, then any others as they appear
      nk = split(known, kn, " ")
      for (i = 1; i <= nk; i++) if (kn[i] in seen_s) { order_s[++ns] = kn[i]; listed[kn[i]] = 1 }
      for (i = 1; i <= na; i++) if (!(appear[i] in listed)) order_s[++ns] = appear[i]
      phases[1] = "warm"; phases[2] = "cold"; phases[3] = "startup"
      for (p = 1; p <= 3; p++) for (si = 1; si <= ns; si++) for (ci = 0; ci <= nc; ci++) {
        m = phases[p]; s = order_s[si]; c = (ci == 0) ? 1 : order_c[ci]
        if ((m == "startup") != (ci == 0)) continue
        k = m SUBSEP s SUBSEP c
        if (!(k in runs)) continue
        if (fails[k] > 0) failed_any = 1
        if (med("other", k) > 25) noisy = 1
      }

      if (fmt == "tsv") {
        print "phase\tconc\tclient\tn\twarmup\truns\tfailed\treq_per_s\tcpu_us_per_req\tcpu_in_us_per_req\tproc_us_per_req\tless_startup_us_per_req\tnginx_us_per_req\tother_cpu_pct\tproc_cpu_s\tproc_wall_s\tcpu_vs_" cpu_base "\tcpu_vs_" cpu_base "_min\tcpu_vs_" cpu_base "_max\tcpu_vs_" cpu_base "_of_medians\treq_per_s_vs_" rps_base "\treq_per_s_vs_" rps_base "_min\treq_per_s_vs_" rps_base "_max\treq_per_s_vs_" rps_base "_of_medians"
        for (p = 1; p <= 3; p++) for (ci = 0; ci <= nc; ci++) for (si = 1; si <= ns; si++) {
          m = phases[p]; s = order_s[si]; c = (ci == 0) ? 1 : order_c[ci]
          if ((m == "startup") != (ci == 0)) continue
          k = m SUBSEP s SUBSEP c
          if (!(k in runs)) continue
          line = m "\t" c "\t" s "\t" nn[k] "\t" (ww[k] + 0) "\t" runs[k] "\t" fails[k] "\t" t("%.1f", med("rps", k)) "\t" t("%.2f", med("cpu", k))
          line = line "\t" t("%.2f", med("in", k)) "\t" t("%.2f", med("proc", k)) "\t" ((m == "cold") ? t("%.2f", less_startup(k, s)) : "")
          line = line "\t" t("%.2f", med("ngx", k)) "\t" t("%.1f", med("other", k)) "\t" t("%.3f", med("proc_s", k)) "\t" t("%.3f", med("wall_s", k))
          rstat("cpu", k, m SUBSEP cpu_base SUBSEP c)
          line = line "\t" t("%.3f", r_med) "\t" t("%.3f", r_min) "\t" t("%.3f", r_max) "\t" t("%.3f", r_of_med)
          if (m == "startup") r_med = r_min = r_max = r_of_med = ""; else rstat("rps", k, m SUBSEP rps_base SUBSEP c)
          line = line "\t" t("%.3f", r_med) "\t" t("%.3f", r_min) "\t" t("%.3f", r_max) "\t" t("%.3f", r_of_med)
          print line
        }
        exit 0
      }

      if (settings != "") { print (fmt == "markdown" ? "Settings: " : "") settings; print "" }
      para("Medians over rounds. **Warm**: W warm-up calls, then the client process'"'"'s own CPU time (all threads) over the N measured calls, per call. **Cold**: no warm-up; the whole client process'"'"'s CPU time (start-up, JIT, N calls, exit) per call, and the same less the median start-up cost below. req/s: N over the client'"'"'s own wall time for the N calls. nginx: the server'"'"'s CPU per call served, a sanity check. Other CPU: everything but the client and nginx, in % of all CPUs (noise, not subtracted).",
           "medians over rounds. warm: client CPU (in-process, all threads) over the N measured calls after W warm-up calls;\ncold: whole-process CPU (start-up, JIT, N calls, exit) per call, and less the median start-up CPU;\nreq/s = N / the client'"'"'s own wall time for the N calls; nginx = server CPU per call served;\nother% = CPU used by anything but the client and nginx, in % of all CPUs (noise indicator)")
      print ""
      for (p = 1; p <= 2; p++) {
        m = phases[p]; any = 0
        for (ci = 1; ci <= nc; ci++) for (si = 1; si <= ns; si++) if ((m SUBSEP order_s[si] SUBSEP order_c[ci]) in runs) any = 1
        if (!any) continue
        para("**" m "**", m ":")
        print ""
        if (m == "warm") {
          h[1] = "client"; h[2] = "conc"; h[3] = "N"; h[4] = "req/s"; h[5] = "CPU µs/req"
          h[6] = "nginx µs/req"; h[7] = "other CPU %"; h[8] = "runs"; h[9] = "failed"; nh = 9
        } else {
          h[1] = "client"; h[2] = "conc"; h[3] = "N"; h[4] = "req/s"; h[5] = "whole-process CPU µs/req"
          h[6] = "less start-up µs/req"; h[7] = "nginx µs/req"; h[8] = "other CPU %"; h[9] = "runs"; h[10] = "failed"; nh = 10
        }
        if (fmt != "markdown") {
          gsub(/µ/, "u", h[5]); gsub(/µ/, "u", h[6]); gsub(/µ/, "u", h[7])
          if (m == "cold") { h[5] = "proc us/req"; h[6] = "-startup"; h[7] = "nginx us/req"; h[8] = "other%" } else { h[7] = "other%" }
        }
        row(h, nh); rule(nh)
        for (ci = 1; ci <= nc; ci++) for (si = 1; si <= ns; si++) {
          c = order_c[ci]; s = order_s[si]; k = m SUBSEP s SUBSEP c
          if (!(k in runs)) continue
          r[1] = s; r[2] = c; r[3] = nn[k]; r[4] = f("%.0f", med("rps", k)); o = med("other", k)
          if (m == "warm") {
            r[5] = f("%.1f", med("in", k)); r[6] = f("%.1f", med("ngx", k)); r[7] = f("%.1f", o); r[8] = runs[k]; r[9] = fails[k]
          } else {
            r[5] = f("%.1f", med("proc", k)); r[6] = f("%.1f", less_startup(k, s))
            r[7] = f("%.1f", med("ngx", k)); r[8] = f("%.1f", o); r[9] = runs[k]; r[10] = fails[k]
          }
          row(r, nh)
        }
        print ""
      }
      any = 0
      for (si = 1; si <= ns; si++) if (("startup" SUBSEP order_s[si] SUBSEP 1) in runs) any = 1
      if (any) {
        para("**start-up** (N=1, C=1: the whole process'"'"'s CPU time and wall time, median)", "start-up (N=1, C=1, whole process, median):")
        print ""
        h[1] = "client"; h[2] = "CPU ms"; h[3] = "wall ms"; h[4] = "runs"; row(h, 4); rule(4)
        for (si = 1; si <= ns; si++) {
          s = order_s[si]; k = "startup" SUBSEP s SUBSEP 1
          if (!(k in runs)) continue
          r[1] = s; r[2] = f("%.0f", med("proc_s", k) * 1000); r[3] = f("%.0f", med("wall_s", k) * 1000); r[4] = runs[k]; row(r, 4)
        }
        print ""
      }
      # ratios: every client against Go (CPU per call) and Apache HttpClient (req/s), round by round
      para("**Ratios**: CPU per call ÷ " cpu_base "'"'"'s (below 1 is leaner) and req/s ÷ " rps_base "'"'"'s (above 1 is faster), in the same mode, concurrency and round: the median of the per-round ratios, their range over rounds, and the ratio of the two medians. CPU per call is the figure of the tables above (warm: in-process; cold and start-up: whole process).",
           "ratios: CPU/call / " cpu_base "'"'"'s (<1 leaner), req/s / " rps_base "'"'"'s (>1 faster), same mode, concurrency and round:\nmedian of the per-round ratios, their min-max over rounds, and the ratio of the medians (\"of med\")")
      print ""
      if (fmt == "markdown") {
        h[1] = "client"; h[2] = "mode"; h[3] = "conc"; h[4] = "CPU ÷ " cpu_base; h[5] = "range"; h[6] = "of medians"
        h[7] = "req/s ÷ " rps_base; h[8] = "range"; h[9] = "of medians"
      } else {
        h[1] = "client"; h[2] = "mode"; h[3] = "conc"; h[4] = "cpu/" cpu_base; h[5] = "range"; h[6] = "of med"
        h[7] = "rps/" rps_base; h[8] = "range"; h[9] = "of med"
      }
      row(h, 9); rule(9)
      for (p = 1; p <= 3; p++) for (ci = 0; ci <= nc; ci++) for (si = 1; si <= ns; si++) {
        m = phases[p]; s = order_s[si]; c = (ci == 0) ? 1 : order_c[ci]
        if ((m == "startup") != (ci == 0)) continue
        k = m SUBSEP s SUBSEP c
        if (!(k in runs)) continue
        r[1] = s; r[2] = m; r[3] = c
        rstat("cpu", k, m SUBSEP cpu_base SUBSEP c)
        r[4] = fr(r_med); r[5] = range(r_min, r_max); r[6] = fr(r_of_med)
        if (m == "startup") { r[7] = r[8] = r[9] = "-" } else {
          rstat("rps", k, m SUBSEP rps_base SUBSEP c)
          r[7] = fr(r_med); r[8] = range(r_min, r_max); r[9] = fr(r_of_med)
        }
        row(r, 9)
      }
      if (failed_any) {
        print ""
        print "WARNING: some calls failed (column \"failed\"; a call fails on any status but 200, or an error): those"
        print "runs did less work than they claim; see each run'"'"'s .err file in the run directory."
      }
      if (noisy) {
        print ""
        print "WARNING: other work took over 25 % of the CPUs in a typical round of some rows: their figures are"
        print "unreliable (a JVM whose JIT is starved looks far worse); rerun those with --quiet on a calmer machine."
      }
    }' "$dir/results.tsv"
}

if [ -n "$summarize_dir" ]; then
  if [ "$markdown" = 1 ]; then fmt=markdown; elif [ "$tsv" = 1 ]; then fmt=tsv; else fmt=text; fi
  summarize "$summarize_dir" "$fmt"
  exit 0
fi

# ---- tools -----------------------------------------------------------------------------------


PATH="$PATH:/usr/sbin:/sbin"   # nginx lives in /usr/sbin
apt_install nginx nginx
apt_install curl curl
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message

clk_tck=$(getconf CLK_TCK)
is_posint "$clk_tck" || die "getconf CLK_TCK gave '$clk_tck'"

# newer_than TARGET PATH...: true if TARGET is missing or any file under PATH is newer

declare -A client_version=()
cli_jar="$root/hourglass-cli/target/hourglass-cli.jar"
jdk_dir="$build/jdkclient"
proto_dir="$build/proto"   # the same build as server-compare.sh's prototypes
hg_dir="$build/hgclient"
go_bin="$build/goclient/go-client"
jc_src="$bench/peers/javaclients"
jc_dir="$build/javaclients"
jc_built=0

# ---- clients: prepare_NAME builds and checks; cmd_NAME URL N C W sets cmd (an array) to run ------

prepare_hourglass() {
  # The launcher builds the CLI when it is missing or stale; do that now, not while timing.
  client_version[hourglass]=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" --version) \
    || die "'$root/hourglass --version' failed (output above)"
  local help
  help=$(HOURGLASS_JAVA_OPTS="" "$root/hourglass" load --help 2>&1 || true)
  [[ "$help" == *--concurrency* ]] || die "'hourglass load' has no closed loop in this build (${client_version[hourglass]})"
}
cmd_hourglass() {
  cmd=(env HOURGLASS_JAVA_OPTS="$jvm_opts" "$root/hourglass" load "$1" -n "$2" --concurrency "$3" --json)
  [ "$protocol" = h1 ] || cmd+=(--http2 --ca-file "$h2_cert")
}

prepare_hourglass-lib() {
  [ -n "${client_version[hourglass]:-}" ] || prepare_hourglass   # builds the CLI jar it compiles against
  local src="$bench/peers/hgclient" log
  if newer_than "$hg_dir/Main.class" "$src" "$cli_jar"; then
    say "building the Hourglass library client peer..."
    log="$build/hgclient-build.log"; rm -rf "$hg_dir"; mkdir -p "$hg_dir"
    "$JAVA_HOME/bin/javac" -cp "$cli_jar" -d "$hg_dir" "$src/Main.java" >"$log" 2>&1 \
      || { cat "$log" >&2; die "building bench/peers/hgclient failed (output above, also in $log)"; }
  fi
  client_version[hourglass-lib]="${client_version[hourglass]:-hourglass} library (bench/peers/hgclient)"
}
cmd_hourglass-lib() {
  cmd=("$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -cp "$cli_jar:$hg_dir" Main "$1" "$2" "$3" "$4")
}

# proto-epoll: bench/peers/proto's ProtoClient (issue 17's I/O-core question, the client half): javac, JDK 22+
prepare_proto-epoll() {
  [ "$protocol" = h1 ] || die "proto-epoll speaks HTTP/1.1 only (--protocol h1)"
  build_proto
  client_version[proto-epoll]=$("$JAVA_HOME/bin/java" "${proto_flags[@]}" -cp "$proto_dir" ProtoClient --version) \
    || die "the proto-epoll client does not run"
}
cmd_proto-epoll() {
  cmd=("$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} "${proto_flags[@]}" -cp "$proto_dir" ProtoClient "$1" "$2" "$3" "$4")
}

prepare_jdk() {
  local src="$bench/peers/jdkclient" log
  if newer_than "$jdk_dir/Main.class" "$src" "$JAVA_HOME/release"; then
    say "building the JDK HttpClient peer..."
    log="$build/jdkclient-build.log"; rm -rf "$jdk_dir"; mkdir -p "$jdk_dir"
    "$JAVA_HOME/bin/javac" -d "$jdk_dir" "$src/Main.java" >"$log" 2>&1 \
      || { cat "$log" >&2; die "building bench/peers/jdkclient failed (output above, also in $log)"; }
  fi
  client_version[jdk]=$("$JAVA_HOME/bin/java" -cp "$jdk_dir" Main --version) || die "the JDK client peer does not run"
}
cmd_jdk() {
  cmd=("$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -cp "$jdk_dir" Main "$1" "$2" "$3" "$4")
}

prepare_go() {
  local src="$bench/peers/goclient" log
  if newer_than "$go_bin" "$src"; then
    apt_install go golang-go
    say "building the Go client peer..."
    log="$build/goclient-build.log"; mkdir -p "$build/goclient"
    # GOPATH and the build cache stay under bench/build (git-ignored); stdlib only, no downloads
    if ! (cd "$src" && GOPATH="$build/go/path" GOCACHE="$build/go/cache" GOFLAGS='' \
            GOTOOLCHAIN=local GOPROXY=off go build -o "$go_bin" . ) >"$log" 2>&1; then
      cat "$log" >&2; die "building the Go client peer failed (output above, also in $log)"
    fi
  fi
  client_version[go]="net/http client, $("$go_bin" --version)" || die "the Go client peer does not run"
}
cmd_go() {
  cmd=("$go_bin" "$1" "$2" "$3" "$4")
}

# The Maven-built peers (bench/peers/javaclients): one reactor, one shaded jar per client, all rebuilt
# when any of its sources or poms is newer than a jar.
build_javaclients() {
  local log jetty_server jetty_client
  [ "$jc_built" = 0 ] || return 0
  jetty_server=$(sed -n 's:.*<jetty.version>\(.*\)</jetty.version>.*:\1:p' "$bench/peers/jetty/pom.xml")
  jetty_client=$(sed -n 's:.*<jetty.version>\(.*\)</jetty.version>.*:\1:p' "$jc_src/pom.xml")
  if [ -z "$jetty_client" ] || [ "$jetty_client" != "$jetty_server" ]; then
    die "bench/peers/javaclients/pom.xml has Jetty '$jetty_client' but the server peer bench/peers/jetty has '$jetty_server': keep them the same"
  fi
  if newer_than "$jc_dir/okhttp-peer.jar" "$jc_src" || newer_than "$jc_dir/apache-peer.jar" "$jc_src" \
      || newer_than "$jc_dir/jettyclient-peer.jar" "$jc_src"; then
    say "building the OkHttp, Apache HttpClient and Jetty client peers (Maven)..."
    log="$build/javaclients-build.log"; mkdir -p "$build"
    if ! "$root/mvnw" -q -B -ntp -f "$jc_src/pom.xml" package >"$log" 2>&1; then
      cat "$log" >&2; die "building bench/peers/javaclients failed (output above, also in $log)"
    fi
    # a jar the build did not rewrite (sources changed, output identical) would look stale forever
    touch "$jc_dir/okhttp-peer.jar" "$jc_dir/apache-peer.jar" "$jc_dir/jettyclient-peer.jar"
  fi
  jc_built=1
}
# prepare_javapeer NAME: builds if needed, reads the peer's version
prepare_javapeer() {
  build_javaclients
  [ -f "$jc_dir/$1-peer.jar" ] || die "the Maven build made no $jc_dir/$1-peer.jar"
  client_version[$1]=$("$JAVA_HOME/bin/java" -jar "$jc_dir/$1-peer.jar" --version 2>/dev/null) \
    || die "the $1 client peer does not run: $JAVA_HOME/bin/java -jar $jc_dir/$1-peer.jar --version"
}
cmd_javapeer() {
  cmd=("$JAVA_HOME/bin/java" ${jvm_arr[@]+"${jvm_arr[@]}"} -jar "$jc_dir/$1-peer.jar" "$2" "$3" "$4" "$5")
}
prepare_okhttp() { prepare_javapeer okhttp; }
cmd_okhttp() { cmd_javapeer okhttp "$@"; }
prepare_apache() { prepare_javapeer apache; }
cmd_apache() { cmd_javapeer apache "$@"; }
prepare_jettyclient() { prepare_javapeer jettyclient; }
cmd_jettyclient() { cmd_javapeer jettyclient "$@"; }

# ---- process helpers -------------------------------------------------------------------------

nginx_pid=""
client_pid=""

stop_nginx() {
  local pid="$nginx_pid" i
  [ -n "$pid" ] || return 0
  nginx_pid=""
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "nginx pid $pid ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

on_exit() {
  local rc=$?
  if [ -n "$client_pid" ]; then kill -TERM "$client_pid" 2>/dev/null || true; wait "$client_pid" 2>/dev/null || true; fi
  stop_nginx
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpu_ticks PID: user+system clock ticks of the process, all its threads, and its waited-for children
# (/proc/PID/stat fields 14-17; the text after the last ')' starts at field 3)

# nginx_ticks: CPU ticks of nginx's master and its worker(s) (the master reaps no worker while it runs)
nginx_ticks() {
  local t=0 p
  for p in $nginx_pid $(<"/proc/$nginx_pid/task/$nginx_pid/children"); do
    t=$(( t + $(cpu_ticks "$p") ))
  done
  echo "$t"
}

# children_ms: sets kids_ms to the user+system milliseconds of this shell's waited-for children (and
# theirs) so far, from bash's 'times'; pure bash, so that reading it costs no child process's CPU
kids_ms=0
children_ms() {
  local l
  times >"$out/.times"
  mapfile -t l <"$out/.times"
  [[ "${l[1]}" =~ ^([0-9]+)m([0-9]+)\.([0-9]+)s\ ([0-9]+)m([0-9]+)\.([0-9]+)s$ ]] || die "cannot read 'times': ${l[1]}"
  local r=("${BASH_REMATCH[@]}")
  kids_ms=$(( (10#${r[1]} * 60 + 10#${r[2]}) * 1000 + 10#${r[3]} + (10#${r[4]} * 60 + 10#${r[5]}) * 1000 + 10#${r[6]} ))
}

# busy_total: "BUSY TOTAL" clock ticks of all CPUs together since boot, from /proc/stat: BUSY is user
# nice system irq softirq steal (guest time is already inside user), TOTAL adds idle and iowait

# wait_quiet: when --quiet is set, wait until the CPUs were busy less than $quiet % over about one
# second (nothing of ours but an idle nginx runs then), for at most $quiet_limit seconds

# start_nginx: writes the config with a free loopback port into $out/nginx and starts nginx in the
# foreground (daemon off) as this shell's child; sets nginx_pid and nginx_port
h2_cert=""
start_nginx() {
  local dir="$out/nginx" try port i resp="" conf="$bench/peers/nginx/nginx.conf" scheme=http curl_h2=()
  mkdir -p "$dir/logs" "$dir/tmp"
  if [ "$protocol" = h2 ]; then
    conf="$bench/peers/nginx/nginx-h2.conf" scheme=https h2_cert="$dir/cert.pem"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$dir/key.pem" -out "$h2_cert" >"$dir/openssl.log" 2>&1 \
      || { cat "$dir/openssl.log" >&2; die "openssl could not make nginx's certificate"; }
    curl_h2=(--http2 --cacert "$h2_cert")
    export BENCH_H2_CA="$h2_cert"   # every peer speaks HTTP/2 over TLS, trusting it (see bench/peers)
  fi
  for ((try = 0; try < 10; try++)); do
    port=$(( 20000 + RANDOM % 30000 ))
    [ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ] || continue
    sed -e "s/@PORT@/$port/" -e "s|@CERT@|$dir/cert.pem|" -e "s|@KEY@|$dir/key.pem|" "$conf" >"$dir/nginx.conf"
    echo "# nginx: nginx -p $dir -c $dir/nginx.conf -e $dir/logs/error.log" >>"$out/commands.txt"
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$dir/stdout" 2>"$dir/stderr" &
    nginx_pid=$!
    for ((i = 0; i < 50; i++)); do
      if ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
      resp=$(curl -s ${curl_h2[@]+"${curl_h2[@]}"} --max-time 2 -w '\n%{http_code} %{http_version}' "$scheme://127.0.0.1:$port/hello" || true)
      if [ "$resp" = $'hello\n\n200 1.1' ] || [ "$resp" = $'hello\n\n200 2' ]; then
        nginx_port=$port
        [ "$(<"/proc/$nginx_pid/comm")" = nginx ] || die "nginx's pid $nginx_pid is not nginx"
        [ -n "$(<"/proc/$nginx_pid/task/$nginx_pid/children")" ] || die "nginx (pid $nginx_pid) has no worker"
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$nginx_pid" 2>/dev/null; then
      die "nginx on port $port does not answer GET /hello with 200 'hello' (got: ${resp:-nothing}; see $dir)"
    fi
    wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
    grep -q 'Address already in use' "$dir/stderr" "$dir/logs/error.log" 2>/dev/null && continue
    cat "$dir/stderr" >&2; die "nginx did not start (its stderr is above; see $dir)"
  done
  die "found no free loopback port for nginx in 10 tries"
}

# jnum KEY FILE: the first number after "KEY": in FILE (the clients' one-line JSON), or nothing
jnum() { grep -o "\"$1\":[0-9.]*" "$2" | head -n 1 | cut -d: -f2; }

# run_client TAG NAME MODE CONC N W: runs one client process under timeout, with its whole-process CPU
# (this shell's children times), nginx's CPU and the machine's busy time read around it; appends to
# results.tsv
run_client() {
  local tag="$1" name="$2" mode="$3" c="$4" n="$5" w="$6" url="http://127.0.0.1:$nginx_port/hello"
  [ "$protocol" = h1 ] || url="https://127.0.0.1:$nginx_port/hello"
  local o="$out/$tag.out" e="$out/$tag.err" rc=0 limit cmd=()
  "cmd_$name" "$url" "$n" "$c" "$w"
  limit=$(( 120 + (n + w) / 100 ))   # generous: 100 calls/s would be 20x slower than the slowest peer here
  echo "# $tag: ${cmd[*]}" >>"$out/commands.txt"
  local ng0 ng1 b0 t0 b1 t1 k0 k1 wall0 wall1
  ng0=$(nginx_ticks)
  read -r b0 t0 <<<"$(busy_total)"
  children_ms; k0=$kids_ms
  wall0=$EPOCHREALTIME
  timeout -k 5 "$limit" "${cmd[@]}" >"$o" 2>"$e" &
  client_pid=$!
  wait "$client_pid" || rc=$?
  client_pid=""
  wall1=$EPOCHREALTIME
  children_ms; k1=$kids_ms
  read -r b1 t1 <<<"$(busy_total)"
  kill -0 "$nginx_pid" 2>/dev/null || die "nginx ended during $tag (see $out/nginx)"
  ng1=$(nginx_ticks)
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then die "$name did not finish in ${limit}s ($tag; see $o, $e)"; fi
  [ "$rc" = 0 ] || { tail -n 20 "$e" >&2; die "$name failed with exit status $rc ($tag; its stderr is above and in $e)"; }

  local completed failed elapsed cpu_in sent
  elapsed=$(jnum elapsed_s "$o")
  if [ "$name" = hourglass ]; then
    completed=$(jnum 2xx "$o"); sent=$(jnum sent "$o")
    [ -n "$sent" ] && failed=$(( n - completed )) || failed=""
    cpu_in="-"
  else
    completed=$(jnum completed "$o"); failed=$(jnum failed "$o"); cpu_in=$(jnum cpu_s "$o")
  fi
  if [ -z "$completed" ] || [ -z "$failed" ] || [ -z "$elapsed" ] || [ -z "$cpu_in" ]; then
    die "cannot read $name's output in $o: $(head -c 300 "$o")"
  fi
  [ "$completed" -gt 0 ] || die "$name completed no call ($tag; see $o)"

  awk -v r="$round" -v c="$c" -v s="$name" -v m="$mode" -v pos="$pos" -v n="$n" -v w="$w" -v ok="$completed" \
      -v failed="$failed" -v el="$elapsed" -v cin="$cpu_in" -v kms=$(( k1 - k0 )) -v wall0="$wall0" -v wall1="$wall1" \
      -v ng=$(( ng1 - ng0 )) -v busy=$(( b1 - b0 )) -v all=$(( t1 - t0 )) -v hz="$clk_tck" 'BEGIN {
    rps = (el > 0) ? n / el : 0
    cin_us = (cin == "-") ? "-" : sprintf("%.2f", cin * 1e6 / n)
    proc = kms / 1000; served = n + w
    ngs = ng / hz
    # CPU the machine spent on anything but this client and nginx, as a share of all CPUs over the run
    other = busy - (proc + ngs) * hz; if (other < 0 || all <= 0) other = 0
    printf "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%.6f\t%.1f\t%s\t%s\t%.3f\t%.2f\t%.3f\t%.2f\t%.2f\t%.1f\n", \
      r, c, s, m, pos, n, w, ok, failed, el, rps, (cin == "-") ? "-" : cin, cin_us, proc, proc * 1e6 / served, \
      wall1 - wall0, ngs, ngs * 1e6 / served, other * 100 / (all > 0 ? all : 1)
  }' >>"$out/results.tsv"
  tail -n 1 "$out/results.tsv" | awk -F'\t' -v rounds="$rounds" '
    $4 == "startup" { printf "round %d/%d  startup        %-13s whole process %6.0f ms CPU, %6.0f ms wall  other %4.1f%%\n",
      $1, rounds, $3, $14 * 1000, $16 * 1000, $19; next }
    {
    printf "round %d/%d  %-7s c=%-4s %-13s %8.0f req/s  in-process %7s us/req  whole %8.1f us/req  nginx %5.1f us/req  other %4.1f%%%s\n",
      $1, rounds, $4, $2, $3, $11, $13, $15, $18, $19, ($9 > 0 ? "  (" $9 " failed)" : "") }' >&2
}

# ---- run -------------------------------------------------------------------------------------

for s in "${client_arr[@]}"; do "prepare_$s"; done
if [ "$build_only" = 1 ]; then
  for s in "${client_arr[@]}"; do echo "$s: ${client_version[$s]}"; done
  exit 0
fi

new_out_dir "-client"   # sets $out
: >"$out/commands.txt"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "repo: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "kernel: $(uname -srm)"
  echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  echo "jvm opts: ${jvm_opts:-(none)}"
  echo "java ($JAVA_HOME):"; "$JAVA_HOME/bin/java" -version 2>&1 | sed 's/^/  /'
  for s in "${client_arr[@]}"; do echo "$s: ${client_version[$s]}"; done
  if [[ " ${client_arr[*]} " == *" go "* ]]; then echo "go toolchain: $(go version 2>/dev/null || echo 'n/a')"; fi
} >"$out/versions.txt"

# the runs of one round and concurrency, in the order of the first round: "client:mode"
plan=()
for m in "${mode_arr[@]}"; do
  for s in "${client_arr[@]}"; do
    [[ " $(client_modes "$s") " == *" $m "* ]] && plan+=("$s:$m")
  done
done
[ "${#plan[@]}" -gt 0 ] || die "no client runs in any of the modes \"${mode_arr[*]}\""
startup=()   # clients with a cold run get a start-up run (N=1) each round
for p in "${plan[@]}"; do [[ "$p" == *:cold ]] && startup+=("${p%:cold}"); done

{
  echo "rounds=$rounds conc=\"${conc_arr[*]}\" n=\"${n_arr[*]}\" warmup=$warmup modes=\"${mode_arr[*]}\""
  echo "clients=\"${client_arr[*]}\" jvm_opts=\"${jvm_opts}\" quiet=${quiet:-off} cpus=$(nproc) (clients and nginx on the same machine)"
  echo "protocol=$protocol ($([ "$protocol" = h2 ] && echo 'HTTP/2 over TLS 1.3 by ALPN, one connection per client' || echo 'HTTP/1.1 in clear text'))"
} >"$out/settings.txt"
printf 'round\tconc\tclient\tmode\tposition\tn\twarmup\tcompleted\tfailed\telapsed_s\treq_per_s\tcpu_in_s\tcpu_in_us_per_req\tproc_cpu_s\tproc_us_per_req\tproc_wall_s\tnginx_cpu_s\tnginx_us_per_req\tother_cpu_pct\n' \
  >"$out/results.tsv"

start_nginx
say "results in $out; nginx $nginx_pid on 127.0.0.1:$nginx_port"
say "$rounds round(s) x ${#conc_arr[@]} concurrency(ies) x ${#plan[@]} run(s) (${plan[*]}), N=\"${n_arr[*]}\", W=$warmup"

for ((rr = 0; rr < rounds; rr++)); do
  round=$((rr + 1))
  ns=${#startup[@]}
  for ((i = 0; i < ns; i++)); do
    s=${startup[$(( (i + rr) % ns ))]}; pos=$((i + 1))
    wait_quiet
    run_client "r$round-startup-$s" "$s" startup 1 1 0
  done
  for ((ci = 0; ci < ${#conc_arr[@]}; ci++)); do
    c=${conc_arr[ci]}; n=${n_arr[ci]}
    np=${#plan[@]}
    for ((i = 0; i < np; i++)); do
      p=${plan[$(( (i + rr) % np ))]}; s=${p%:*}; m=${p#*:}; pos=$((i + 1))
      w=0; [ "$m" = warm ] && w=$warmup
      wait_quiet
      run_client "r$round-c$c-$m-$s" "$s" "$m" "$c" "$n" "$w"
    done
  done
done

stop_nginx
rm -f "$out/.times"
summarize "$out" text >"$out/summary.txt"
summarize "$out" markdown >"$out/summary.md"
summarize "$out" tsv >"$out/summary.tsv"
echo
if [ "$markdown" = 1 ]; then cat "$out/summary.md"; elif [ "$tsv" = 1 ]; then cat "$out/summary.tsv"; else cat "$out/summary.txt"; fi
echo
echo "raw output, versions and commands: $out"
exit 0
}
