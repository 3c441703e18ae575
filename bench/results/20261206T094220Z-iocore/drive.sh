#!/bin/bash
# three rounds; per round one keepalive invocation (with nginx) and one many invocation (nginx's
# worker_connections 4096 x 2 workers cannot hold 10 000), each its own exclusive lock hold; order rotated
cd /work/wt/iocore
servers=(hourglass proto-vt proto-sel proto-sel0 proto-epoll proto-epollv undertow nginx)
n=${#servers[@]}
for r in 0 1 2; do
  list=""
  for ((i = 0; i < n; i++)); do list="$list ${servers[$(( (i + r * 3) % n ))]}"; done
  for mode in keepalive many; do
    l=$list; [ $mode = many ] && l=${list/ nginx/}
    echo "round $((r+1)) $mode: $l  $(date -u +%T)"
    flock -x /work/bench.lock bench/server-compare.sh --servers "$l" --modes $mode --conns "64 256" \
      --rounds 1 --duration 8 --warmup 10 --quiet 5 > /work/iocore-run/r$((r+1))-$mode.log 2>&1
    echo "round $((r+1)) $mode rc=$? $(date -u +%T) $(grep -o 'results in .*' /work/iocore-run/r$((r+1))-$mode.log | head -1)"
    sleep 15   # let others take the lock between holds
  done
done
