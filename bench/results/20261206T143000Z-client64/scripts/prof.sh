#!/bin/bash
# prof.sh NAME DIR EVENT CONC N : one client-compare warm run with async-profiler over the whole peer process
name=$1 dir=$2 ev=$3 c=$4 n=$5
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
AP=/tmp/c64/ap/linux-x64/libasyncProfiler.so
out=/tmp/c64/prof/$name-$ev-c$c.collapsed
opts="start,event=$ev,threads,file=$out,collapsed"
[ $ev = cpu ] && opts="start,event=cpu,interval=200us,threads,file=$out,collapsed"
[ $ev = alloc ] && opts="start,event=alloc,alloc=16k,file=$out,collapsed"
cd $dir && bench/client-compare.sh --clients hourglass-lib --modes warm --rounds 1 --conc $c -n $n --quiet 5 --tsv --jvm-opts "-agentpath:$AP=$opts" 2>&1 | grep -P '^warm\t'
