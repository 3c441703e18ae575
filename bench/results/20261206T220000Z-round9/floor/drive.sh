#!/usr/bin/env bash
# Two rounds each: keep-alive 64/256 and many, the VT floor (proto-vt, proto-epollv) beside Hourglass and the peers.
cd /work/main
for r in 1 2; do
  flock -x /work/bench.lock bench/server-compare.sh --modes keepalive --conns "64 256" --servers "hourglass proto-vt proto-epollv vertx undertow nginx" --rounds 1 --duration 8 --warmup 10 --quiet 5 --tsv > /tmp/floor/ka-r$r.tsv 2>&1
  flock -x /work/bench.lock bench/server-compare.sh --modes many --servers "hourglass proto-vt proto-epollv undertow" --rounds 1 --duration 20 --warmup 10 --quiet 5 --tsv > /tmp/floor/many-r$r.tsv 2>&1
done
echo done > /tmp/floor/done
