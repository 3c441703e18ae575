#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from the EXIT trap, which shellcheck does not follow
# Differential parsing against Go's net/http (docs/ROBUSTNESS.md, "Differential parsing"): every case of
# bench/differential/corpus.txt goes, on a connection of its own, to `hourglass serve` and to Go's net/http
# (bench/peers/goinspect), whose /inspect routes both answer with how they parsed the request; the table says
# where the two agree. --check compares Hourglass's answers with the recorded bench/differential/expected.tsv
# (the DifferentialTest of hourglass-cli runs it in every build); --record rewrites that file.
set -euo pipefail
{

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build="$bench/build"
prog=differential
. "$bench/lib.sh"   # die, say, need_arg, apt_install, go_build, stop_pid, new_out_dir

usage() {
  cat <<USAGE
usage: bench/differential.sh [--check | --record] [--hourglass HOST:PORT] [--corpus FILE]

Sends every case of the corpus to Hourglass and to Go's net/http and tabulates the answers (statuses, what
each server parsed, how the connection ended). Results: bench/out/<timestamp>-differential/ (results.tsv,
summary.md); the summary is also printed.

  --check             fail (exit 1) when Hourglass's answer to any case differs from bench/differential/expected.tsv
                      (a case that differs is sent again with 4x longer waits before it counts)
  --record            write this run's Hourglass answers to bench/differential/expected.tsv
  --hourglass ADDR    use this running Hourglass server (its /inspect route) instead of starting
                      \`hourglass serve\` (DifferentialTest passes the server it started)
  --corpus FILE       default bench/differential/corpus.txt
  -h, --help          this text

example:
  bench/differential.sh                # the table, ~10 s after the first build
USAGE
}

mode=table hg_addr="" corpus="$bench/differential/corpus.txt" expected="$bench/differential/expected.tsv"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --check) mode=check; shift ;;
    --record) mode=record; shift ;;
    --hourglass) need_arg "$@"; hg_addr="$2"; shift 2 ;;
    --corpus) need_arg "$@"; corpus="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[ -f "$corpus" ] || die "no corpus file $corpus"
[ "$mode" != check ] || [ -f "$expected" ] || die "no $expected to check against: run with --record first"

peer="$build/goinspect"
go_build "$bench/peers/goinspect" "$peer" "the Go differential peer (bench/peers/goinspect)"
new_out_dir -differential
go_pid="" hg_pid=""
cleanup() { stop_pid "$go_pid" goinspect; stop_pid "$hg_pid" "hourglass serve"; }
trap cleanup EXIT

# wait_listening FILE PID NAME: prints HOST:PORT from the server's 'listening on http://...' line
wait_listening() {
  local i line
  for ((i = 0; i < 600; i++)); do   # up to 60 s: a cold JVM on a busy 2-core machine is slow
    line=$(grep -m1 -o 'listening on http://[^ ]*' "$1" 2>/dev/null || true)
    [ -n "$line" ] && { echo "${line#listening on http://}"; return 0; }
    kill -0 "$2" 2>/dev/null || die "$3 ended before it was listening (see ${1%.out}.err)"
    sleep 0.1
  done
  die "$3 printed no 'listening on' line within 60 s (see $1)"
}

"$peer" serve 0 >"$out/go.out" 2>"$out/go.err" &
go_pid=$!
go_addr=$(wait_listening "$out/go.out" "$go_pid" goinspect)
if [ -z "$hg_addr" ]; then
  "$root/hourglass" serve --listen 127.0.0.1:0 >"$out/hourglass.out" 2>"$out/hourglass.err" &
  hg_pid=$!
  hg_addr=$(wait_listening "$out/hourglass.out" "$hg_pid" "hourglass serve")
fi
{ echo "corpus: $corpus ($(grep -cv '^#\|^ *$' "$corpus") cases)"; echo "go: $("$peer" --version)"
  echo "hourglass: $hg_addr${hg_pid:+ (hourglass serve, defaults)}"; } >"$out/versions.txt"

"$peer" send "$corpus" "hourglass=$hg_addr" "go=$go_addr" >"$out/results.tsv"

# summary.md: agreement, then every case where the two differ
awk -F'\t' -v corpus="$(basename "$corpus")" '
  $2 == "hourglass" { h[$1] = $3; order[++n] = $1 } $2 == "go" { g[$1] = $3 }
  END {
    for (i = 1; i <= n; i++) if (h[order[i]] == g[order[i]]) same++
    printf "# Differential parsing: Hourglass vs Go net/http\n\n%d cases of %s; %d answered alike, %d differently.\n\n", n, corpus, same, n - same
    print "| case | Hourglass | Go net/http |"; print "| --- | --- | --- |"
    for (i = 1; i <= n; i++) { k = order[i]; if (h[k] != g[k]) { a = h[k]; b = g[k]; gsub(/\|/, "\\|", a); gsub(/\|/, "\\|", b); printf "| %s | `%s` | `%s` |\n", k, a, b } }
  }' "$out/results.tsv" >"$out/summary.md"
cut -c1-240 "$out/summary.md"
say "results in ${out#"$root"/}/"

hg_answers() { awk -F'\t' '$2 == "hourglass" { print $1 "\t" $3 }' "$1"; }
case "$mode" in
  record)
    { echo "# Hourglass's answer to each case of corpus.txt, recorded by bench/differential.sh --record; --check"
      echo "# (and DifferentialTest) fail when one changes. Format: case<TAB>answer (see bench/peers/goinspect)."
      hg_answers "$out/results.tsv"; } >"$expected"
    say "recorded $(hg_answers "$out/results.tsv" | wc -l) answers in ${expected#"$root"/}" ;;
  check)
    hg_answers "$out/results.tsv" >"$out/hourglass.tsv"
    grep -v '^#' "$expected" | sort >"$out/expected.sorted"
    sort "$out/hourglass.tsv" >"$out/hourglass.sorted"
    if ! diff -q "$out/expected.sorted" "$out/hourglass.sorted" >/dev/null; then
      # a busy machine can make a server miss the sender's short waits: send again, slower, before judging
      say "some answers differ from the recording; sending the corpus again to Hourglass with 4x longer waits"
      "$peer" send -first 6s -quiet 1200ms "$corpus" "hourglass=$hg_addr" >"$out/results-slow.tsv"
      hg_answers "$out/results-slow.tsv" | sort >"$out/hourglass-slow.sorted"
      # a case passes when either run gave the recorded answer
      if ! awk -F'\t' 'FILENAME == ARGV[1] { want[$1] = $2; next }
            { got[$1] = got[$1] "\n" $2; if ($2 == want[$1]) ok[$1] = 1 }
            END { for (k in want) if (!ok[k]) { bad++; printf "changed: %s\n  recorded: %s\n  now:%s\n", k, want[k], got[k] }
                  for (k in got) if (!(k in want)) { bad++; printf "new case without a recording: %s\n", k }
                  exit bad > 0 }' "$out/expected.sorted" "$out/hourglass.sorted" "$out/hourglass-slow.sorted" >"$out/check.txt"; then
        cat "$out/check.txt" >&2
        die "Hourglass's answers changed (above; ${out#"$root"/}/check.txt). If the change is meant, run bench/differential.sh --record and say why in docs/ROBUSTNESS.md"
      fi
    fi
    say "check passed: Hourglass answered all $(wc -l <"$out/expected.sorted") cases as recorded" ;;
esac
exit 0
}
