# shellcheck shell=bash disable=SC2154  # $prog, $build, $root, ... are the sourcing script's variables
# Helpers shared by the bench/*.sh scripts; sourced after each sets $prog (and $root, $build for build_jmh).

apt_updated=0

die() { echo "$prog: $*" >&2; exit 1; }

say() { echo "$prog: $*" >&2; }

need_arg() { [ "$#" -ge 2 ] || die "$1 needs a value (see --help)"; }

# check_names OPTION NOUN "KNOWN ..." NAME...: the NAMEs an option lists are not none, each is one of
# KNOWN, and none comes twice
check_names() {
  local opt="$1" noun="$2" known="$3" n seen=" "; shift 3
  [ "$#" -gt 0 ] || die "$opt is empty"
  for n in "$@"; do
    [[ " $known " == *" $n "* ]] || die "unknown $noun '$n'; known: $known"
    [[ "$seen" != *" $n "* ]] || die "$opt names '$n' twice"
    seen="$seen$n "
  done
}

is_posint() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }

apt_install() {   # apt_install COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "'$1' is missing: install it with 'apt-get install $2' (needs root)"
  command -v apt-get >/dev/null || die "'$1' is missing and there is no apt-get: install $2 by hand"
  say "installing $2 (apt-get)..."
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || die "apt-get install $2 failed"
  command -v "$1" >/dev/null || die "installed $2 but '$1' is still not on PATH"
}

newer_than() {
  local target="$1"; shift
  [ -e "$target" ] || return 0
  [ -n "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]
}

cpu_ticks() {
  local stat rest f
  stat=$(<"/proc/$1/stat") || return 1
  rest=${stat##*) }
  read -r -a f <<<"$rest"
  echo $(( f[11] + f[12] + f[13] + f[14] ))
}

busy_total() { awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6; exit }' /proc/stat; }

wait_quiet() {
  local start=$SECONDS b0 t0 b1 t1 pct
  [ -n "$quiet" ] || return 0
  while :; do
    read -r b0 t0 <<<"$(busy_total)"; sleep 1; read -r b1 t1 <<<"$(busy_total)"
    pct=$(( t1 > t0 ? (b1 - b0) * 100 / (t1 - t0) : 0 ))
    [ "$pct" -lt "$quiet" ] && return 0
    if [ $(( SECONDS - start )) -ge "$quiet_limit" ]; then
      say "the machine is still ${pct}% busy with other work after ${quiet_limit}s; measuring anyway"
      return 0
    fi
  done
}

# tree_pids PID: PID and all its descendants, one per line (children of every thread, from /proc)
tree_pids() {
  local p kids=() f
  echo "$1"
  for f in /proc/"$1"/task/*/children; do
    [ -r "$f" ] || continue
    read -r -a p <"$f" 2>/dev/null || true
    kids+=(${p[@]+"${p[@]}"})
  done
  for p in ${kids[@]+"${kids[@]}"}; do tree_pids "$p"; done
}

# tree_ticks PID: cpu_ticks summed over PID and its descendants (a process that ends and is reaped
# meanwhile moves into its parent's waited-for children fields, so it is still counted once)
tree_ticks() {
  local t=0 p v
  for p in $(tree_pids "$1"); do
    v=$(cpu_ticks "$p" 2>/dev/null) || { [ "$p" = "$1" ] && return 1; continue; }
    t=$(( t + v ))
  done
  echo "$t"
}

# tree_rss_kb PID: VmRSS summed over PID and its descendants, in KiB
tree_rss_kb() {
  local t=0 p v
  for p in $(tree_pids "$1"); do
    v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
    t=$(( t + ${v:-0} ))
  done
  echo "$t"
}

# passive_opens: TCP connections accepted by this network namespace since boot (Tcp PassiveOpens in
# /proc/net/snmp); machine-wide, so other work on the machine adds to a difference of two readings
passive_opens() { awk '$1 == "Tcp:" { if (!h) { for (i = 2; i <= NF; i++) if ($i == "PassiveOpens") c = i; h = 1 } else { print $c; exit } }' /proc/net/snmp; }

# free_loopback N: prints the first M of N, N+1, ... (counting over 2..254, 255 wraps to 2) such that no TCP
# socket of this machine (listening, open, TIME_WAIT or in any other state) has 127.0.0.M as its local or peer
# address: a server bound there starts with no TIME_WAIT of earlier runs on its address. All of 127.0.0.0/8 is
# loopback on Linux. Fails when all 253 are in use. Needs ss (iproute2).
free_loopback() {
  ss -Htan | awk -v from="$1" '
    { for (i = 4; i <= 5; i++) { a = $i; sub(/:[^:]*$/, "", a); gsub(/[][]/, "", a); sub(/^::ffff:/, "", a); used[a] = 1 } }
    END {
      for (k = 0; k < 253; k++) { m = 2 + (from - 2 + k) % 253; if (!(("127.0.0." m) in used)) { print m; exit } }
      exit 1
    }'
}

# time_waits ADDR: prints how many TCP sockets of this machine are in TIME_WAIT, and how many of those have
# ADDR as their local or peer address
time_waits() {
  ss -Htan state time-wait | awk -v addr="$1" '
    { n++; for (i = 3; i <= 4; i++) { a = $i; sub(/:[^:]*$/, "", a); gsub(/[][]/, "", a); sub(/^::ffff:/, "", a); if (a == addr) { on++; break } } }
    END { print n + 0, on + 0 }'
}

# go_build SRC BIN WHAT: builds the Go program in SRC into BIN when BIN is missing or older than SRC, with
# GOPATH and the build cache under $build (git-ignored); standard library only, nothing is downloaded
go_build() {
  local src="$1" bin="$2" what="$3" log
  newer_than "$bin" "$src" || return 0
  apt_install go golang-go
  say "building $what..."
  log="$build/$(basename "$bin")-build.log"; mkdir -p "$build" "$(dirname "$bin")"
  if ! (cd "$src" && GOPATH="$build/go/path" GOCACHE="$build/go/cache" GOFLAGS='' \
          GOTOOLCHAIN=local GOPROXY=off go build -o "$bin" . ) >"$log" 2>&1; then
    cat "$log" >&2; die "building $what failed (output above, also in $log)"
  fi
}

# proc_status PID FIELD: the number in /proc/PID/status's FIELD line (VmRSS in kB, Threads, ...)
proc_status() { awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"; }

# stop_pid PID WHAT: SIGTERM, SIGKILL after 10 s, then reaps it (it must be a child of this shell)
stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$2 (pid $pid) ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# build_jmh: builds bench/jmh/target/benchmarks.jar (the JMH benchmarks and the timer precision harness,
# against the current hourglass-core sources) when it is missing or older than those sources; sets $jmh_jar.
# Needs JAVA_HOME (scripts/find-jdk.sh).
build_jmh() {
  local log
  jmh_jar="$root/bench/jmh/target/benchmarks.jar"
  if newer_than "$jmh_jar" "$root/pom.xml" "$root/hourglass-core/pom.xml" "$root/hourglass-core/src/main" \
                "$root/bench/jmh/pom.xml" "$root/bench/jmh/src"; then
    say "building bench/jmh (./mvnw -Pbench -pl bench/jmh -am package)..."
    log="$build/jmh-build.log"; mkdir -p "$build"
    if ! (cd "$root" && ./mvnw -q -B -ntp -Pbench -pl bench/jmh -am package -DskipTests) >"$log" 2>&1; then
      cat "$log" >&2; die "building bench/jmh failed (output above, also in $log)"
    fi
    [ -f "$jmh_jar" ] || die "the bench/jmh build passed but made no $jmh_jar"
    touch "$jmh_jar"   # newer than every source even when the shade step reused an older jar
  fi
}

# new_out_dir SUFFIX: creates this run's directory bench/out/<UTC timestamp>SUFFIX and sets $out to it
# (needs $bench). When BENCH_RUNS_FILE is set (bench/run-all.sh sets it), appends "$prog<TAB>$out" to
# that file, so the caller learns which directory the run wrote.
new_out_dir() {
  out="$bench/out/$(date -u +%Y%m%dT%H%M%SZ)$1"
  mkdir -p "$out" || die "cannot create $out"
  if [ -n "${BENCH_RUNS_FILE:-}" ]; then printf '%s\t%s\n' "$prog" "$out" >>"$BENCH_RUNS_FILE"; fi
}

# The I/O-core prototypes (bench/peers/proto, issue 17): built with javac into $proto_dir when stale; they need a JDK
# 22 or newer (the FFM API of the epoll cores is final there). Used by server-compare.sh and client-compare.sh.
# Uses $bench, $build, $proto_dir and $JAVA_HOME; hg_jdk_major comes from scripts/find-jdk.sh.
proto_flags=(--enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED)
build_proto() {
  local src="$bench/peers/proto" log v
  v=$(hg_jdk_major "$JAVA_HOME")
  if [ -z "$v" ] || [ "$v" -lt 22 ]; then die "the I/O-core prototypes need a JDK 22 or newer (FFM); JAVA_HOME=$JAVA_HOME is ${v:-unknown}"; fi
  if newer_than "$proto_dir/ProtoMain.class" "$src" "$JAVA_HOME/release"; then
    say "building the I/O-core prototypes..."
    log="$build/proto-build.log"; rm -rf "$proto_dir"; mkdir -p "$proto_dir"
    "$JAVA_HOME/bin/javac" -d "$proto_dir" "$src"/*.java >"$log" 2>&1 \
      || { cat "$log" >&2; die "building bench/peers/proto failed (output above, also in $log)"; }
  fi
}
