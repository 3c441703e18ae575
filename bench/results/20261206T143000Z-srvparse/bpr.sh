#!/bin/bash
# bpr.sh PROFDIR: bytes allocated per request during the JFR window (heap growth between GCs / requests)
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
d=$1
rps=$(grep -h 'Requests/sec' $d/load.txt | awk '{print $2}')
[ -z "$rps" ] && rps=$(awk '$1=="req_per_s"{print $2}' $d/load.txt)
$JAVA_HOME/bin/jfr print --events jdk.GCHeapSummary $d/alloc.jfr | awk -v rps=$rps '
/startTime/ { split($3,t,":"); ts=t[1]*3600+t[2]*60+t[3] }
/when = "Before GC"/ { w="b" } /when = "After GC"/ { w="a" }
/heapUsed/ { v=$3; u=$4; if (u=="kB") v/=1024; if (u=="GB") v*=1024; if (u=="bytes") v/=1048576;
  if (w=="a") { ta=ts; va=v } else if (ta) { alloc+=v-va; dt+=ts-ta } }
END { if (dt>0) printf "alloc %.1f MB/s, req/s %.0f, %.0f B/request\n", alloc/dt, rps, alloc/dt*1048576/rps }'
