#!/bin/bash
# cnt.sh NAME METHOD: invocation count of a Java method over a whole diag run (64 callers, 100k+20k calls)
name=$1 m=$2
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
case $name in base) d=/work/baseline;; main) d=/work/c64-base;; *) d=${DIR:?};; esac
f=/tmp/c64/prof/cnt-$name-$(echo $m | tr '.$' '__').txt
$JAVA_HOME/bin/java -agentpath:/tmp/c64/ap/linux-x64/libasyncProfiler.so=start,event=$m,interval=1,file=$f,collapsed -cp $d/hourglass-cli/target/hourglass-cli.jar:/tmp/c64/peer/$name Diag http://127.0.0.1:18089/hello 100000 64 20000 > /dev/null
awk -v n=$name -v m=$m '{s+=$NF} END {printf "%s %s per call %.2f\n", n, m, s/120000}' $f
