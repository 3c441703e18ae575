#!/bin/bash
# jitlog.sh NAME C N W: LogCompilation run of the diag peer; prints the window summary
name=$1 c=$2 n=$3 w=$4
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
case $name in base) d=/work/baseline;; main) d=/work/c64-base;; *) d=${DIR:?};; esac
out=/tmp/c64/jit/$name-c$c-$$
$JAVA_HOME/bin/java -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=$out.log -cp $d/hourglass-cli/target/hourglass-cli.jar:/tmp/c64/peer/$name Diag http://127.0.0.1:18089/hello $n $c $w > $out.out
s=$(grep -o 'MARK start uptime_ms=[0-9]*' $out.out | cut -d= -f2); e=$(grep -o 'MARK end uptime_ms=[0-9]*' $out.out | cut -d= -f2)
grep -o '"cpu_s":[0-9.]*' $out.out; grep 'us/call' $out.out
python3 /tmp/c64/jit/win.py $out.log $(echo "$s/1000" | bc -l) $(echo "$e/1000" | bc -l) 20
