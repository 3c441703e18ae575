#!/bin/bash
# jit.sh TAG ROOT PROTO C N [W]: one peer run with LogCompilation, phase marks on stderr
tag=$1 root=$2 proto=$3 c=$4 n=$5 w=${6:-20000}
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
jar=$root/hourglass-cli/target/hourglass-cli.jar
mkdir -p /tmp/cp/peer-$tag && $JAVA_HOME/bin/javac -cp $jar -d /tmp/cp/peer-$tag /tmp/cp/peer/Main.java
if [ $proto = h2 ]; then url=https://127.0.0.1:18612/hello; export BENCH_H2_CA=/tmp/cp/ngx2/cert.pem; else url=http://127.0.0.1:18611/hello; fi
out=/tmp/cp/jit-$tag-$proto-c$c
flock -s /work/bench.lock $JAVA_HOME/bin/java -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=$out.log $EXTRA -cp $jar:/tmp/cp/peer-$tag Main $url $n $c $w >$out.out 2>$out.err
cat $out.out; grep MARK $out.err | tr '\n' ' '; echo
