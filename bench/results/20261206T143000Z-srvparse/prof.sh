#!/bin/bash
# prof.sh REPO MODE(ka64|many) OUTDIR : start hourglass serve from REPO, load it, profile cpu 10s + JFR alloc.
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
repo=$1 mode=$2 out=$3; mkdir -p $out
AP=/tmp/srvpath/ap/linux-x64/libasyncProfiler.so
addr=127.0.0.$(( 100 + RANDOM % 100 ))
cd $repo
HOURGLASS_JAVA_OPTS=-XX:+EnableDynamicAgentLoading ./hourglass serve --listen $addr:0 --read-header-timeout 10s --write-timeout 30s --idle-timeout 60s > $out/server.out 2> $out/server.err &
for i in $(seq 100); do grep -q listening $out/server.out 2>/dev/null && break; sleep 0.2; done
port=$(grep -o 'listening on http://[0-9.]*:[0-9]*' $out/server.out | sed 's/.*://')
pid=$(pgrep -P $! java || echo $!)
pid=$(jcmd | awk '/hourglass/ {print $1}' | while read p; do [ -d /proc/$p ] && ps -o ppid= -p $p >/dev/null && echo $p; done | tail -1)
# safer: the java process listening on port
pid=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
echo "addr $addr port $port pid $pid" | tee $out/info.txt
if [ $mode = many ]; then
  ulimit -n 20000
  $repo/bench/build/go/many-conns -conns 10000 -rate 1 -warmup 15 -duration 45 -pid $pid -path /hello $addr:$port > $out/load.txt 2>&1 &
  lp=$!
  sleep 20
else
  c=${mode#ka}
  wrk -t2 -c$c -d14s http://$addr:$port/hello > $out/warm.txt 2>&1
  wrk -t2 -c$c -d25s --latency http://$addr:$port/hello > $out/load.txt 2>&1 &
  lp=$!
  sleep 2
fi
jcmd $pid JVMTI.agent_load $AP "\"start,event=cpu,interval=200us\"" > /dev/null
sleep 10
jcmd $pid JVMTI.agent_load $AP "\"stop,file=$out/cpu.collapsed,collapsed\"" > /dev/null
jcmd $pid JFR.start name=a settings=profile filename=$out/alloc.jfr > /dev/null
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
sleep 8
jcmd $pid JFR.stop name=a > /dev/null
wait $lp
kill $pid; sleep 1
echo done
