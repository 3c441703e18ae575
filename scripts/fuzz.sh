#!/usr/bin/env bash
# Fuzzes the codec with Jazzer (docs/ROBUSTNESS.md, "Fuzzing"): each target below in turn, for --duration
# each, in its own JVM (Jazzer fuzzes one @FuzzTest per JVM), seeded with its checked-in corpus
# (hourglass-core/src/test/resources/io/hourglass/internal/h1/<Target>Inputs/) plus what earlier runs on this
# machine found interesting (hourglass-core/.cifuzz-corpus/, git-ignored). A finding (crash, hang or an
# invariant of FuzzRun broken) fails the run; Jazzer writes its input under <Target>Inputs/<method>/, where
# every later `./mvnw verify` replays it: keep the file as the regression test and fix the codec.
set -euo pipefail
prog=fuzz.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The fuzz targets: test classes with one @FuzzTest method each. A new target is one class and one line here.
targets=(
  io.hourglass.internal.h1.RequestFuzzTest    # server: request heads, bodies, pipelining
  io.hourglass.internal.h1.ChunkedFuzzTest    # chunked bodies and trailers
  io.hourglass.internal.h1.ResponseFuzzTest   # client: response heads and bodies
)

usage() {
  cat <<USAGE
usage: scripts/fuzz.sh [--duration DUR] [--target NAME]... [--timeout SECS] [--no-build] [--write-seeds] [-- MAVEN_ARGS]

  --duration DUR   fuzzing time per target, Jazzer's syntax (30s, 10m, 1h); default 10m
  --target NAME    only this target (simple or full class name); may be repeated; default all:
                   $(printf '%s ' "${targets[@]##*.}")
  --timeout SECS   one input running longer than this is a finding (a hang); default 10
  --no-build       do not compile the tests first (scripts/test passes it after ./mvnw verify)
  --write-seeds    rewrite the seed corpus from the codec's rejection tables (FuzzSeeds) and exit
  MAVEN_ARGS       passed to every ./mvnw call, e.g. -o

examples:
  scripts/fuzz.sh --duration 20s --no-build     # the smoke run of ./scripts/test (about 1.5 minutes)
  scripts/fuzz.sh --duration 1h --target ChunkedFuzzTest
USAGE
}

die() { echo "$prog: $*" >&2; exit 2; }

duration=10m timeout=10 build=1 write_seeds=0 chosen=() mvn_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --duration) [ "$#" -ge 2 ] || die "--duration needs a value"; duration="$2"; shift 2 ;;
    --target) [ "$#" -ge 2 ] || die "--target needs a value"; chosen+=("$2"); shift 2 ;;
    --timeout) [ "$#" -ge 2 ] || die "--timeout needs a value"; timeout="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --write-seeds) write_seeds=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; mvn_args=("$@"); break ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$duration" =~ ^([0-9]+[hms] ?)+$ ]] || die "--duration '$duration' is not like 30s, 10m or 1h"
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout '$timeout' is not a whole number of seconds"

. "$root/scripts/find-jdk.sh"
cd "$root"

if [ "$write_seeds" = 1 ]; then
  exec "$root/mvnw" -B -ntp -q -pl hourglass-core test -Dtest=FuzzSeedsTest -Dhourglass.fuzz.writeSeeds=true \
      -Dsurefire.failIfNoSpecifiedTests=false ${mvn_args[@]+"${mvn_args[@]}"}
fi

run=()
if [ "${#chosen[@]}" = 0 ]; then
  run=("${targets[@]}")
else
  for c in "${chosen[@]}"; do
    found=
    for t in "${targets[@]}"; do [ "$c" = "$t" ] || [ "$c" = "${t##*.}" ] && found=$t; done
    [ -n "$found" ] || die "unknown target '$c'; known: $(printf '%s ' "${targets[@]##*.}")"
    run+=("$found")
  done
fi

if [ "$build" = 1 ]; then
  echo "$prog: compiling the tests (./mvnw test-compile)"
  "$root/mvnw" -B -ntp -q -pl hourglass-core -am test-compile ${mvn_args[@]+"${mvn_args[@]}"}
fi

failed=()
for t in "${run[@]}"; do
  log="$root/hourglass-core/target/fuzz-${t##*.}.log"
  echo "$prog: fuzzing ${t##*.} for $duration (per-input timeout ${timeout}s; log: ${log#"$root"/})"
  start=$SECONDS
  # jazzer.internal.arg.N are Jazzer's libFuzzer arguments (argument 0 is a program name); -timeout turns
  # an input that never returns into a finding instead of a stuck run. JUnit's own timeouts are off: JUnit
  # would apply a target's @Timeout (meant for one input) to the whole fuzzing run.
  if JAZZER_FUZZ=1 "$root/mvnw" -B -ntp -pl hourglass-core surefire:test@fuzz-regression -Dtest="$t" \
        -Djazzer.max_duration="$duration" -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-timeout="$timeout" \
        -Djunit.jupiter.execution.timeout.mode=disabled \
        ${mvn_args[@]+"${mvn_args[@]}"} >"$log" 2>&1; then
    stats=$(grep -ao "Done [0-9]* runs in [0-9]* second(s)" "$log" | tail -1 || true)
    echo "$prog: ${t##*.}: no finding (${stats:-see the log}; $((SECONDS - start)) s in all)"
  else
    echo "$prog: ${t##*.}: FAILED; the finding's input is under hourglass-core/src/test/resources/io/hourglass/internal/h1/${t##*.}Inputs/; the log's end:" >&2
    tail -40 "$log" >&2
    failed+=("${t##*.}")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "$prog: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "$prog: ${#run[@]} target(s) fuzzed for $duration each, no finding"
