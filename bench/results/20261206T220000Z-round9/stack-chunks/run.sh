#!/usr/bin/env bash
# run.sh NAME CMD...: start server at 127.0.0.77:PORT, 10k conns 1 req/s, histogram at 25 s
set -u
name=$1; shift
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
ulimit -n 20000
"$@" > $name.out 2>&1 &
sp=$!
sleep 4
pid=$sp
/work/main/bench/build/go/many-conns -conns 10000 -rate 1 -warmup 10 -duration 25 -pid $pid -path /hello 127.0.0.77:$PORT > $name.load 2>&1 &
lp=$!
sleep 27
$JAVA_HOME/bin/jcmd $pid GC.class_histogram > $name.histo
wait $lp
kill $sp; 
grep -E 'StackChunk|VirtualThread |Total' $name.histo
