#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from the EXIT trap, which shellcheck does not see
# JMH micro benchmarks of Hourglass's hot paths (bench/jmh): head parsing, chunked bodies, response heads,
# deadlines, the client pool. Builds the module against the current sources when needed, runs JMH, keeps
# its JSON and text output. See docs/BENCHMARKS.md ("Micro benchmarks (JMH)"); --help for the options.
set -euo pipefail
# One { ...; exit; } block, so bash reads all of it before running any (editing the file mid-run is safe).
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
# shellcheck disable=SC2034  # read by the helpers in lib.sh
build="$bench/build"
prog=jmh
. "$bench/lib.sh"   # die, say, need_arg, newer_than, build_jmh, ...

full_opts="-f 1 -wi 3 -i 5 -w 1s -r 1s"
quick_opts="-f 1 -wi 1 -i 1 -w 200ms -r 200ms"

usage() {
  cat <<EOF
usage: bench/$prog.sh [--quick] [--prof-gc] [--summarize DIR] [--] [JMH args...]

Builds bench/jmh/target/benchmarks.jar when it is missing or older than the sources (hourglass-core and
bench/jmh), then runs the JMH benchmarks: all of them, or those matching the regexps among the JMH args.
Results go to bench/out/<timestamp>-jmh/: jmh.json (JMH's JSON), jmh.txt (its full output), summary.txt.

  --quick          smoke test: $quick_opts (about 35 s for all; numbers not meaningful)
  --prof-gc        add JMH's GC profiler (-prof gc: gc.alloc.rate.norm = bytes allocated per operation);
                   always on in the full run
  --summarize DIR  print the summary of an earlier run's directory and exit
  -h, --help       this text

Full run: $full_opts -prof gc (about 3 min). Other arguments go to JMH unchanged, and replace the
script's setting of the same option:
  bench/$prog.sh -i 10 HeadParse                    more iterations, the head parsing benchmarks only
  bench/$prog.sh -p shape=1024/16 ChunkedBody       one parameter value
  bench/$prog.sh -l                                 list the benchmarks
  bench/$prog.sh -- -h                              JMH's own help
EOF
}

# ---- options ---------------------------------------------------------------------------------

quick=0 prof_gc=0 summarize_dir=""
jmh_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --prof-gc) prof_gc=1; shift ;;
    --summarize) need_arg "$@"; summarize_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; jmh_args+=("$@"); break ;;
    --*) die "unknown option '$1' (see --help; JMH's own options have one dash)" ;;
    *) jmh_args+=("$1"); shift ;;
  esac
done

# ---- summary (also used by --summarize) ------------------------------------------------------

# summarize DIR: one line per benchmark and parameters from JMH's final table in DIR/jmh.txt: the score
# (ns/op), its error, and with -prof gc the bytes allocated per operation.
summarize() {
  local dir="$1"
  [ -f "$dir/jmh.txt" ] || die "no jmh.txt in $dir"
  awk '
    /^Benchmark +/ && / Mode / { table = 1; nhead = NF; for (i = 1; i <= NF; i++) head[i] = $i; next }
    table && NF == 0 { table = 0 }
    table && /^Benchmark result/ { table = 0 }
    !table { next }
    {
      m = 0
      for (i = 2; i <= NF; i++) if ($i ~ /^(avgt|thrpt|sample|ss)$/) { m = i; break }
      if (!m) next
      name = $1; params = ""
      for (i = 2; i < m; i++) if ($i != "N/A") params = params (params == "" ? "" : ",") substr(head[i], 2, length(head[i]) - 2) "=" $i
      unit = $NF
      if ($(NF - 2) == "±") { score = $(NF - 3); err = $(NF - 1); pre = NF - 4 } else { score = $(NF - 1); err = "-"; pre = NF - 2 }
      if ($pre == "≈") score = "~" score
      sub(/^io\.hourglass\./, "", name); sub(/^i\.h\./, "", name)
      split(name, part, ":")
      key = part[1] SUBSEP params
      if (!(key in seen)) { seen[key] = 1; order[++n] = key; bname[key] = part[1]; bparams[key] = params }
      if (part[2] == "") { sc[key] = score; er[key] = err; un[key] = unit }
      else if (part[2] == "gc.alloc.rate.norm") al[key] = score
    }
    END {
      if (n == 0) { print "no results"; exit 1 }
      printf "%-46s %-22s %12s %10s %6s %10s\n", "benchmark", "params", "score", "error", "unit", "B/op"
      for (k = 1; k <= n; k++) {
        key = order[k]
        printf "%-46s %-22s %12s %10s %6s %10s\n", bname[key], (bparams[key] == "" ? "-" : bparams[key]), \
               sc[key], er[key], un[key], ((key in al) ? al[key] : "-")
      }
    }' "$dir/jmh.txt"
}

if [ -n "$summarize_dir" ]; then
  summarize "$summarize_dir"
  exit 0
fi

# ---- build -----------------------------------------------------------------------------------

# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"   # exports JAVA_HOME (a JDK >= 21) or exits with a message
build_jmh                       # sets jmh_jar

# ---- run -------------------------------------------------------------------------------------

# has_opt OPT: whether the JMH args set OPT (then its default here is left out: JMH rejects repeats)
has_opt() {
  local a
  for a in ${jmh_args[@]+"${jmh_args[@]}"}; do [ "$a" = "$1" ] && return 0; done
  return 1
}
has_gc_prof() {
  local i
  for ((i = 0; i + 1 < ${#jmh_args[@]}; i++)); do
    [ "${jmh_args[i]}" = -prof ] && [[ "${jmh_args[i + 1]}" == gc* ]] && return 0
  done
  return 1
}

# Listing and help print and exit: no output directory for them.
for a in ${jmh_args[@]+"${jmh_args[@]}"}; do
  case "$a" in
    -l|-lp|-lrf|-lprof|-h)
      exec "$JAVA_HOME/bin/java" -jar "$jmh_jar" "${jmh_args[@]}" ;;
  esac
done

new_out_dir "-jmh"   # sets $out

read -r -a defaults <<<"$([ "$quick" = 1 ] && echo "$quick_opts" || echo "$full_opts")"
cmd=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  has_opt "${defaults[i]}" || cmd+=("${defaults[i]}" "${defaults[i + 1]}")
done
if { [ "$quick" = 0 ] || [ "$prof_gc" = 1 ]; } && ! has_gc_prof; then cmd+=(-prof gc); fi
has_opt -rf || cmd+=(-rf json)
has_opt -rff || cmd+=(-rff "$out/jmh.json")
cmd+=(${jmh_args[@]+"${jmh_args[@]}"})

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mode: $([ "$quick" = 1 ] && echo quick || echo full)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) ($JAVA_HOME)"
  echo "cpus: $(nproc)"
  echo "command: $JAVA_HOME/bin/java -jar $jmh_jar ${cmd[*]}"
} >"$out/settings.txt"

say "running JMH ($([ "$quick" = 1 ] && echo quick || echo full)); output in ${out#"$root"/}/"
jmh_pid=""
cleanup() { if [ -n "$jmh_pid" ] && kill -0 "$jmh_pid" 2>/dev/null; then kill "$jmh_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
"$JAVA_HOME/bin/java" -jar "$jmh_jar" "${cmd[@]}" >"$out/jmh.txt" 2>&1 &
jmh_pid=$!
tail -n +1 -f --pid="$jmh_pid" "$out/jmh.txt" | grep --line-buffered -E '^# (Benchmark|Parameters):|^Iteration|ERROR|Exception' >&2 || true
status=0
wait "$jmh_pid" || status=$?
jmh_pid=""
if [ "$status" != 0 ]; then
  tail -n 30 "$out/jmh.txt" >&2
  die "JMH failed (exit $status); full output in $out/jmh.txt"
fi
grep -q 'Exception\|<failure>' "$out/jmh.txt" && say "WARNING: an exception was reported during the run; see $out/jmh.txt"
summarize "$out" | tee "$out/summary.txt"
say "done: ${out#"$root"/}/ (jmh.json, jmh.txt, summary.txt, settings.txt)"
exit 0
}
