#!/bin/bash
# prof.sh TAG ROOT PROTO C N [W]: CPU profile of the measured part only (async-profiler started/stopped in-process)
tag=$1 root=$2 proto=$3 c=$4 n=$5 w=${6:-20000}
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
jar=$root/hourglass-cli/target/hourglass-cli.jar
APJ=/root/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2-linux-x64.jar
mkdir -p /tmp/cp/peerp-$tag && $JAVA_HOME/bin/javac -cp $jar:$APJ -d /tmp/cp/peerp-$tag /tmp/cp/peerp/Main.java || exit 1
if [ $proto = h2 ]; then url=https://127.0.0.1:18612/hello; export BENCH_H2_CA=/tmp/cp/ngx2/cert.pem; else url=http://127.0.0.1:18611/hello; fi
export PROF_OUT=/tmp/cp/prof-$tag-$proto-c$c.collapsed
flock -s /work/bench.lock $JAVA_HOME/bin/java $EXTRA -cp $jar:$APJ:/tmp/cp/peerp-$tag Main $url $n $c $w 2>&1 | grep -v '^MARK'
