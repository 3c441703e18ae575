#!/bin/bash
# sysc.sh MODE SERVER...: syscalls per request of each server, counted by perf tracepoints on the server's
# process tree over a 6 s window. MODE keepalive: wrk -t2 -c64, 10 s warm-up, the window = a 6 s wrk run
# (requests from wrk's count). MODE many: manyconns 10000 conns at 1 req/s each; the window starts 12 s after
# all are connected (the load generator's warm-up) and requests = its measured req/s x 6 s.
set -u
mode=$1; shift
wt=/work/wt/iocore; J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
F=(--enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED)
ev=raw_syscalls:sys_enter
for s in read write readv writev recvfrom sendto epoll_ctl epoll_wait epoll_pwait futex sched_yield ioctl accept4 close; do ev="$ev,syscalls:sys_enter_$s"; done
ulimit -n 20000
out=/work/iocore-run/sysc-$mode; mkdir -p $out
for srv in "$@"; do
  addr=127.0.0.$((100 + RANDOM % 100))
  case $srv in
    proto-*) $J "${F[@]}" -cp $wt/bench/build/proto ProtoMain ${srv#proto-} 0 $addr >$out/$srv.out 2>&1 & pid=$! ;;
    undertow) $J -jar $wt/bench/build/undertow-peer/undertow-hello.jar 0 $addr >$out/$srv.out 2>&1 & pid=$! ;;
    hourglass) HOURGLASS_JAVA_OPTS="" $wt/hourglass serve --listen $addr:0 --read-header-timeout 10s --write-timeout 30s --idle-timeout 60s >$out/$srv.out 2>&1 & pid=$! ;;
    nginx) port=$((20000 + RANDOM % 5000)); mkdir -p $out/ng/logs $out/ng/tmp
           sed "s/@ADDR@/$addr/; s/@PORT@/$port/; s|@STATIC@|/tmp|" $wt/bench/peers/nginx/server.conf >$out/ng/nginx.conf
           /usr/sbin/nginx -p $out/ng -c $out/ng/nginx.conf -e $out/ng/logs/error.log >$out/$srv.out 2>&1 & pid=$!
           sleep 1; echo "listening on http://$addr:$port" >>$out/$srv.out ;;
  esac
  for i in $(seq 300); do grep -q 'listening on' $out/$srv.out 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o 'listening on http://[^ ]*' $out/$srv.out | head -1 | grep -o '[0-9]*$')
  sleep 0.5
  pids=$(ps -o pid= --ppid $pid | tr -d ' ' | paste -sd,); pids=$pid${pids:+,$pids}
  if [ $mode = keepalive ]; then
    wrk -t2 -c64 -d10s http://$addr:$port/hello >/dev/null
    perf stat -x, -e "$ev" -p $pids -o $out/$srv.perf -- sleep 6 & ppid=$!
    wrk -t2 -c64 -d6s http://$addr:$port/hello >$out/$srv.wrk
    wait $ppid
    req=$(awk '/requests in/ {print $1}' $out/$srv.wrk)
  else
    $wt/bench/build/go/many-conns -conns 10000 -rate 1 -warmup 12 -duration 6 -pid $pid -path /hello $addr:$port >$out/$srv.many 2>&1 & mpid=$!
    # wait until the generator's warm-up began (all connected), then 12 s
    for i in $(seq 600); do [ $(ss -Htn state established "( sport = :$port )" | wc -l) -ge 10000 ] && break; sleep 0.1; done
    sleep 12
    perf stat -x, -e "$ev" -p $pids -o $out/$srv.perf -- sleep 6
    wait $mpid
    req=$(awk '$1=="req_per_s" {printf "%d", $2*6}' $out/$srv.many)
  fi
  kill $pid; wait $pid 2>/dev/null
  awk -F, -v s=$srv -v n=$req 'BEGIN{printf "%-12s req=%s", s, n} $3 ~ /sys_enter/ { sub(/.*sys_enter_?/, "", $3); if ($3=="") $3="ALL"; if ($1+0 > 0) printf "  %s=%.2f", $3, $1/n } END {print ""}' $out/$srv.perf
done
