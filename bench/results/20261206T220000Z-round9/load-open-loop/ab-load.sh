#!/usr/bin/env bash
# ab-load.sh PAIRS: `hourglass load --rate 10000 --duration 8s` (open loop) from /work/exp (A, main) and /work/main
# (B, the pooled sinks), alternating, against one `hourglass serve`; CPU of the load JVM (utime+stime, whole
# process, startup included) per call.
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=$(mktemp -d)
(cd /work/exp && exec ./hourglass serve --listen 127.0.0.210:18095 --idle-timeout 60s > "$out/serve.out" 2>&1) &
sleep 4
url=http://127.0.0.210:18095/hello
run() {
  local repo=$1 name=$2
  ( cd "$repo" && exec ./hourglass load --rate 10000 --duration 8s --json "$url" > "$out/$name.json" 2> "$out/$name.err" ) &
  local p=$!
  wait $p
}
for i in $(seq "$1"); do
  for arm in A B; do
    if [ $arm = A ]; then repo=/work/exp; else repo=/work/main; fi
    exec 9> /work/bench.lock; flock -x 9
    s=$(awk '{print $14+$15+$16+$17}' /proc/self/stat 2>/dev/null)
    t0=$(cat /proc/$$/stat | awk '{print $16+$17}')
    ( cd "$repo" && exec ./hourglass load --rate 10000 --duration 8s --json "$url" > "$out/$arm$i.json" 2> "$out/$arm$i.err" )
    t1=$(cat /proc/$$/stat | awk '{print $16+$17}')
    flock -u 9
    calls=$(python3 -c "import json; d=json.load(open('$out/$arm$i.json')); print(d['completed']['2xx'])" 2>/dev/null)
    echo "$arm $i cpu_ticks $((t1-t0)) calls $calls"
  done
done
pkill -f 'hourglass-cli.*127.0.0.210:18095'
echo "out $out"
