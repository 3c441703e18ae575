#!/usr/bin/env bash
# sysc.sh NAME PORT CMD...: start a server, wrk -t2 -c64 10 s warm-up, then perf stat syscall counts for 6 s under load
set -u
name=$1 port=$2; shift 2
"$@" > /tmp/r9/$name.srv.out 2>&1 &
sp=$!
sleep 4
wrk -t2 -c64 -d10s http://127.0.0.77:$port/hello > /dev/null
wrk -t2 -c64 -d8s http://127.0.0.77:$port/hello > /tmp/r9/$name.wrk.txt &
wp=$!
sleep 1
perf stat -e 'syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_futex,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom,raw_syscalls:sys_enter' -p $sp -- sleep 6 2> /tmp/r9/$name.perf.txt
wait $wp
kill $sp; wait $sp 2>/dev/null
rps=$(awk '/Requests\/sec/{print $2}' /tmp/r9/$name.wrk.txt)
echo "$name rps $rps"
awk -v r="$rps" '/syscalls|raw_syscalls/{gsub(/,/,"",$1); printf "  %-40s %.3f per req\n", $2, $1/(r*6)}' /tmp/r9/$name.perf.txt
