#!/bin/bash
# diag.sh NAME C N W [jvm opts]: the diagnostic peer against /tmp/c64/ngx nginx (port 18089)
name=$1 c=$2 n=$3 w=$4; shift 4
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
case $name in base) d=/work/baseline;; main) d=/work/c64-base;; *) d=${DIR:?};; esac
$JAVA_HOME/bin/java "$@" -cp $d/hourglass-cli/target/hourglass-cli.jar:/tmp/c64/ap:/tmp/c64/peer/$name Diag http://127.0.0.1:18089/hello $n $c $w | python3 -c "
import sys,json
for l in sys.stdin:
    if l.startswith('{'):
        j=json.loads(l); print('$name c=$c cpu/call %.2f us, calls/s %.0f' % (j['cpu_s']*1e6/j['n'], j['n']/j['elapsed_s']), end=' | ')
    else: print(l.strip())
"
