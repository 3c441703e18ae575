#!/bin/bash
# deopt.sh REPO OUT CONNS SECS: serve with deoptimization logging under the many-connection load
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
repo=$1 out=$2 conns=$3 secs=$4; mkdir -p $out
addr=127.0.0.$(( 100 + RANDOM % 100 ))
cd $repo
HOURGLASS_JAVA_OPTS="-Xlog:deoptimization=debug:file=$out/deopt.log:uptime" ./hourglass serve --listen $addr:0 --read-header-timeout 10s --write-timeout 30s --idle-timeout 60s > $out/server.out 2> $out/server.err &
for i in $(seq 100); do grep -q listening $out/server.out 2>/dev/null && break; sleep 0.2; done
port=$(grep -o 'listening on http://[0-9.]*:[0-9]*' $out/server.out | sed 's/.*://')
pid=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
ulimit -n 20000
$repo/bench/build/go/many-conns -conns $conns -rate 1 -warmup 5 -duration $secs -pid $pid -path /hello $addr:$port > $out/load.txt 2>&1
kill $pid
